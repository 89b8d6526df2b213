#!/bin/bash
# wizard-jce.sh: a JCE profile (import --api jce, tier ECO: also a BYOK order) walks the wizard from
# the review to "Onboarding complete" with no engine chosen: the rotation screen describes
# GetUserSecret and the blinded secret, the jce engine makes the exchange against tests/jce-standin,
# and no screen shows a secret. A CNG profile's rotation screen shows the KSP steps and its "yes"
# records the first use and nothing else.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"

t_jce_standin
export HSM_ONBOARD_PRIMUS_TOOLS="$JAR"
mkdir -p "$T_DIR/data"
cat > "$T_DIR/data/clusters.conf" <<CONF
as_of = "2025-03-06";
ports = { jce = 2300; cng = 2320; };
clusters = ( { name = "JCE01"; description = "stand-in"; master = "jce-a.invalid";
               clones = [ "jce-b.invalid" ]; rest = "https://jce-a.invalid/v1"; } );
CONF
export HSM_ONBOARD_DATADIR="$T_DIR/data"

# profile NAME API: imported with the API, its cluster chosen (as step 1 would).
profile() {
	t_make_credfiles "$T_DIR/creds/$1" "co$1" eco "USER$1" 20261120
	t_secret "$T_SETUP_PW"; t_secret "$T_SERVICE_PW"
	printf '%s' "$T_SETUP_PW" | sha256sum | cut -d' ' -f1 > "$JCE_STANDIN_DIR/setup.sha256"
	printf '%s' "$T_SERVICE_PW" | sha256sum | cut -d' ' -f1 > "$JCE_STANDIN_DIR/proxy.sha256"
	printf '%s' "USER$1" > "$JCE_STANDIN_DIR/user"
	rm -f "$JCE_STANDIN_DIR/secret"
	t_import "$1" "$PASS" --tier ECO --api "$2"
	st="$XDG_STATE_HOME/hsm-onboard/$1/state.json"
	python3 - "$st" <<'PY' || t_fail "could not choose the cluster"
import json, sys
s = json.load(open(sys.argv[1]))
s["cluster"] = "JCE01"
json.dump(s, open(sys.argv[1], "w"), indent=2)
PY
}

# walk_to_preflight: from the review a profile resumes at to the preflight.
walk_to_preflight() {
	w_wait "Step 5 of 10: Review"
	w_key Enter
	w_wait "Step 6 of 10: Countdown"
	w_key Enter
	w_wait "Step 7 of 10: Preflight"
}

profile wj jce
w_start -- --profile wj --kdf-ms "$W_KDF_MS" wizard
walk_to_preflight
w_wait "jce-a.invalid:2300"
w_key Enter
w_wait "Step 8 of 10: First connection"
w_wait "GetUserSecret"
t_grep "$W_SCREEN" "blinded" "the rotation screen names the blinded secret"
t_grep "$W_SCREEN" "Engine: jce" "the rotation screen names the jce engine"
w_type yes; w_key Enter
w_wait "passphrase"
w_type "$PASS"; w_key Enter
w_wait "The first connection is done." 60
w_key Enter
w_wait "Step 9 of 10: Provider configuration"
t_ok "the jce engine made the exchange from the wizard"
w_settle
cp "$W_SCREEN" "$T_DIR/provider.txt"
w_key Enter
w_wait "Onboarding complete"
python3 - "$st" <<'PY' || t_fail "the state does not show the jce exchange"
import json, sys
s = json.load(open(sys.argv[1]))
kinds = {e["kind"]: e.get("detail") for e in s["events"]}
assert kinds.get("first-use") == "jce", kinds
assert s["rotation"] == "configured", s["rotation"]
PY
t_ok "the JCE profile reached the end of the wizard"
w_key F10
w_exit_status >/dev/null
t_secret "$(cat "$JCE_STANDIN_DIR/secret")"
t_grep "$T_DIR/provider.txt" "jce-user-secret.secret" "the provider screen names the blinded secret's file"
t_nogrep "$T_DIR/provider.txt" "pkcs11.pin" "the provider screen names no PIN file"

# ---- CNG: the KSP steps, and "yes" records the first use only ----
profile wc cng
calls=$(grep -c '^ARGV:' "$JCE_STANDIN_DIR/calls.log")
w_start -- --profile wc --kdf-ms "$W_KDF_MS" wizard
walk_to_preflight
w_wait "jce-a.invalid:2320"
t_ok "the CNG preflight checks port 2320"
w_key Enter
w_wait "Step 8 of 10: First connection"
w_wait "Type yes when the Windows machine has connected"
t_grep "$W_SCREEN" "SecurosysKspCfg" "the CNG rotation screen names SecurosysKspCfg"
t_grep "$W_SCREEN" '"Test' "the CNG rotation screen names Test all Connections"
t_grep "$W_SCREEN" "config --for ksp" "the CNG rotation screen names config --for ksp"
grep -q "\"first_use\": null" "$st" || t_fail "a first use before the confirmation"
w_type yes; w_key Enter
w_wait "First use recorded"
python3 - "$st" <<'PY' || t_fail "the confirmation did not record the first use"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["first_use"], s.get("first_use")
PY
t_ok "the confirmation recorded the first use"
[ "$(grep -c '^ARGV:' "$JCE_STANDIN_DIR/calls.log")" -eq "$calls" ] || t_fail "Primus Tools ran for a CNG profile"
t_ok "nothing was sent for the CNG profile"
w_key F10
w_exit_status >/dev/null
# ---- JCE: "H" hands the setup password over to TSB/XKS, with no exchange of ours ----
profile wt jce
calls=$(grep -c '^ARGV:' "$JCE_STANDIN_DIR/calls.log")
w_start -- --profile wt --kdf-ms "$W_KDF_MS" wizard
walk_to_preflight
w_key Enter
w_wait "H hands the setup password over to TSB/XKS"
w_key h
w_wait "passphrase"
w_type "$PASS"; w_key Enter
w_wait "Handed over to TSB/XKS"
w_key F10
w_exit_status >/dev/null
hand="$XDG_CONFIG_HOME/hsm-onboard/wt"
for f in tsb-application-local.secret.yml xks-application.secret.yaml; do
	[ "$(stat -c %a "$hand/$f")" = 600 ] || t_fail "$f is not 0600"
	grep -qF "setupPassword: '$T_SETUP_PW'" "$hand/$f" || t_fail "$f: setupPassword is not the setup password"
done
t_ok "the hand-over wrote the TSB and XKS files with the setup password, 0600"
python3 - "$st" <<'PY' || t_fail "the hand-over recorded a first use or began the rotation"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["first_use"] is None and s["rotation"] == "none", (s["first_use"], s["rotation"])
assert "handed-over" in [e["kind"] for e in s["events"]]
PY
[ "$(grep -c '^ARGV:' "$JCE_STANDIN_DIR/calls.log")" -eq "$calls" ] || t_fail "Primus Tools ran during the hand-over"
t_ok "the hand-over sent nothing and recorded no first use"
rm -f "$hand/tsb-application-local.secret.yml" "$hand/xks-application.secret.yaml"

# The one copy outside the vault is the 0600 file whose name says it holds the secret.
f="$XDG_CONFIG_HOME/hsm-onboard/wj/jce-user-secret.secret"
[ "$(stat -c %a "$f")" = 600 ] || t_fail "the blinded secret's file is not 0600"
rm -f "$f"
T_SCAN_EXCLUDE=$T_DIR/creds t_scan_leaks "$JCE_STANDIN_DIR/calls.log" "$W_CAP"
t_done
