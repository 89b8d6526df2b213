#!/bin/sh
# orders-paths.sh: every order follows its path (orders_path_of; doc/DESIGN.md, "Engines"), through the
# CLI with no --engine: import --api records the API, status --json shows the path; a JCE and a BYOK
# (ECO, JCE) profile reach "configured" through the jce engine against tests/jce-standin; a missing
# Primus Tools or java stops before the point of no return with no first use; access disabled
# (0x80005019) is never a refused setup password; a CNG profile's connect exits 78 with the KSP steps,
# sends and records nothing, and config --for ksp writes port 2320 and no secret.
. "$top_srcdir/tests/lib.sh"

t_jce_standin
export HSM_ONBOARD_PRIMUS_TOOLS="$JAR"
n=0
# new_profile API TIER: a profile whose setup password the stand-in accepts.
new_profile() {
	n=$((n + 1))
	prof="p$n" user="USER$n"
	t_make_credfiles "$T_DIR/creds/$n" "co$n" "$(echo "$2" | tr '[:upper:]' '[:lower:]')" "$user" 20261120
	t_secret "$T_SETUP_PW"
	t_secret "$T_SERVICE_PW"
	printf '%s' "$T_SETUP_PW" | sha256sum | cut -d' ' -f1 > "$JCE_STANDIN_DIR/setup.sha256"
	printf '%s' "$T_SERVICE_PW" | sha256sum | cut -d' ' -f1 > "$JCE_STANDIN_DIR/proxy.sha256"
	printf '%s' "$user" > "$JCE_STANDIN_DIR/user"
	rm -f "$JCE_STANDIN_DIR/secret" "$JCE_STANDIN_DIR/disabled"
	t_import "$prof" "$PASS" --tier "$2" --api "$1"
	st="$XDG_STATE_HOME/hsm-onboard/$prof/state.json"
}
first_uses() { grep -c '"kind": "first-use"' "$st" || true; }

# ---- import --api and the path in status ----
t_run 64 "import --api with an unknown API" "$HSMO" --profile bad import --api soap "$T_DIR/none"
t_grep "$T_ERR" "pkcs11, jce, cng or rest" "the error names the APIs"
new_profile jce ECO
t_grep "$st" '"api": "jce"' "import --api jce records the API"
t_run 0 "status --json" "$HSMO" --profile "$prof" --json status
t_grep "$T_OUT" '"path": "jce"' "status --json shows the jce path"

# ---- JCE: connect with no --engine ----
t_run 0 "connect a JCE profile, no --engine" t_hsmo --profile "$prof" --yes connect --endpoint jce-a.example.test --output "$T_DIR/cfg-$prof"
t_grep "$T_OUT" "Connected (engine jce)" "the jce engine made the exchange"
t_grep "$st" '"rotation": "configured"' "JCE profile: configured"
[ "$(cat "$T_DIR/cfg-$prof/jce-user-secret.secret")" = "$(cat "$JCE_STANDIN_DIR/secret")" ] || t_fail "JCE: the user secret file"
t_ok "JCE: the blinded user secret in its 0600 file"
t_secret "$(cat "$JCE_STANDIN_DIR/secret")"
t_run 0 "config --list on a JCE profile" t_hsmo --profile "$prof" config --list
t_grep "$T_OUT" "tsb" "config --list offers TSB"
t_nogrep "$T_OUT" "ksp" "config --list offers no KSP to a JCE profile"

# ---- BYOK: an ECO partition, JCE only ----
new_profile jce ECO
t_run 0 "connect a BYOK (ECO, JCE) profile, no --engine" t_hsmo --profile "$prof" --yes connect --endpoint jce-a.example.test --output "$T_DIR/cfg-$prof"
t_grep "$st" '"rotation": "configured"' "BYOK profile: configured"
t_grep "$st" '"engine": "jce"' "BYOK profile: engine jce"
t_secret "$(cat "$JCE_STANDIN_DIR/secret")"

# ---- Missing Primus Tools or java: nothing sent, no first use ----
new_profile jce SBX
calls_before=$(grep -c '^ARGV:' "$JCE_STANDIN_DIR/calls.log")
HSM_ONBOARD_PRIMUS_TOOLS="$T_DIR/no-such.jar" t_run 69 "connect without Primus Tools" \
	t_hsmo --profile "$prof" --yes connect --endpoint jce-a.example.test
t_grep "$T_ERR" "Primus Tools" "the error names Primus Tools"
[ "$(first_uses)" -eq 0 ] || t_fail "a first use was recorded without Primus Tools"
t_ok "no first use recorded without Primus Tools"
mkdir -p "$T_DIR/nojava"
for tool in sh cat; do ln -sf "$(command -v $tool)" "$T_DIR/nojava/$tool"; done
PATH="$T_DIR/nojava" t_run 69 "connect without java" t_hsmo --profile "$prof" --yes connect --endpoint jce-a.example.test
t_grep "$T_ERR" "java" "the error names java"
t_grep "$T_ERR" "openjdk" "the error names what to install"
[ "$(first_uses)" -eq 0 ] || t_fail "a first use was recorded without java"
t_nogrep "$st" '"rotation": "first-use"' "the rotation did not begin"
[ "$(grep -c '^ARGV:' "$JCE_STANDIN_DIR/calls.log")" -eq "$calls_before" ] || t_fail "Primus Tools was run"
t_ok "nothing was sent without java or Primus Tools"

# ---- Access disabled is not a refusal ----
: > "$JCE_STANDIN_DIR/disabled"
t_run 69 "connect while client API access is disabled" t_hsmo --profile "$prof" --yes connect --endpoint jce-a.example.test
t_grep "$T_ERR" "client API access is disabled" "0x80005019 reads as access disabled"
t_grep "$T_ERR" "support portal" "it names the support portal"
t_nogrep "$T_ERR" "rejected the setup password" "it is not called a refused setup password"
t_nogrep "$st" '"kind": "setup-rejected"' "no refusal recorded"
rm -f "$JCE_STANDIN_DIR/disabled"
t_run 0 "connect once access is enabled" t_hsmo --profile "$prof" --yes connect --endpoint jce-a.example.test
t_secret "$(cat "$JCE_STANDIN_DIR/secret")"

# ---- CNG: the exchange happens on Windows ----
new_profile cng ECO
t_run 0 "status --json of a CNG profile" "$HSMO" --profile "$prof" --json status
t_grep "$T_OUT" '"path": "ksp"' "status --json shows the ksp path"
calls_before=$(grep -c '^ARGV:' "$JCE_STANDIN_DIR/calls.log")
t_run 78 "connect a CNG profile" t_hsmo --profile "$prof" --yes connect --endpoint cng-a.example.test
t_grep "$T_ERR" "Test all Connections" "connect names Test all Connections"
t_grep "$T_ERR" "SecurosysKspCfg" "connect names SecurosysKspCfg"
t_grep "$T_ERR" "2320" "connect names port 2320"
[ "$(first_uses)" -eq 0 ] || t_fail "connect recorded a first use on a CNG profile"
t_ok "CNG connect recorded no first use"
t_run 78 "connect --engine primus on a CNG profile is refused too" t_hsmo --profile "$prof" --yes connect --engine primus --endpoint cng-a.example.test
[ "$(first_uses)" -eq 0 ] || t_fail "connect --engine primus recorded a first use on a CNG profile"
t_run 0 "config --list on a CNG profile" t_hsmo --profile "$prof" config --list
t_grep "$T_OUT" "ksp" "config --list offers the KSP"
t_run 0 "config --for ksp" t_hsmo --profile "$prof" config --for ksp --endpoint cng-a.example.test --endpoint cng-b.example.test --output "$T_DIR/ksp"
f="$T_DIR/ksp/ksp-connections.txt"
t_grep "$f" "Hostname = cng-a.example.test" "the first host"
t_grep "$f" "Hostname = cng-b.example.test" "the second host"
t_grep "$f" "Port = 2320" "port 2320"
t_grep "$f" "HSM Username = $user" "the HSM user name"
t_grep "$f" "Proxy Username = svc-$user" "the proxy user name"
t_grep "$T_DIR/ksp/ksp-steps.txt" "Test all Connections" "the steps name Test all Connections"
t_grep "$T_DIR/ksp/README.txt" "ksp-connections.txt" "the README names the settings"
[ "$(first_uses)" -eq 0 ] || t_fail "config --for ksp recorded a first use"
[ "$(grep -c '^ARGV:' "$JCE_STANDIN_DIR/calls.log")" -eq "$calls_before" ] || t_fail "Primus Tools was run for CNG"
t_ok "config --for ksp: no first use, nothing sent"
# The preflight's port is the path's: 2320 for CNG, from the profile or --api cng.
mkdir -p "$T_DIR/data"
cat > "$T_DIR/data/clusters.conf" <<CONF
as_of = "2025-03-06";
clusters = ( { name = "LOCAL01"; description = "loopback"; master = "127.0.0.1"; clones = [ ];
               rest = "https://127.0.0.1/v1"; } );
CONF
python3 -c 'import json,sys; p=sys.argv[1]; d=json.load(open(p)); d["cluster"]="LOCAL01"; json.dump(d, open(p, "w"))' "$st"
set +e
HSM_ONBOARD_DATADIR="$T_DIR/data" "$HSMO" --profile "$prof" check --timeout 2 > "$T_DIR/check" 2>&1
HSM_ONBOARD_DATADIR="$T_DIR/data" "$HSMO" check --cluster LOCAL01 --api cng --timeout 2 > "$T_DIR/check2" 2>&1
set -e
t_grep "$T_DIR/check" "127.0.0.1:2320" "check on a CNG profile probes port 2320"
t_grep "$T_DIR/check2" "127.0.0.1:2320" "check --api cng probes port 2320"
t_run 64 "config --for tsb on a CNG profile does not fit" t_hsmo --profile "$prof" config --for tsb --output "$T_DIR/ksp"

T_SCAN_EXCLUDE=$T_DIR/creds t_scan_leaks "$JCE_STANDIN_DIR/calls.log" "$T_DIR/ksp"
t_done
