#!/bin/bash
# wizard-jce.sh: a JCE profile (import --api jce, tier ECO: also a BYOK order) walks the wizard from
# the review to "Onboarding complete" with no engine chosen: the rotation screen describes
# GetUserSecret and the blinded secret, the jce engine makes the exchange against tests/jce-standin,
# and no screen shows a secret. A CNG profile's rotation screen shows the KSP steps, W writes the KSP
# files (port 2320, no secret), and its "yes" records the first use and nothing else and reaches Done.
# H hands the setup password over to TSB/XKS and reaches Done, which says what must persist; until S
# records when the product started, the countdown (screen, header, status) shows the worst case.
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
w_key w
w_wait "KSP settings and steps written"
ksp="$XDG_CONFIG_HOME/hsm-onboard/wc"
for f in ksp-connections.txt ksp-steps.txt; do
	[ -s "$ksp/$f" ] || t_fail "W did not write $f"
	t_nogrep "$ksp/$f" "$T_SETUP_PW" "$f holds no setup password"
	t_nogrep "$ksp/$f" "$T_SERVICE_PW" "$f holds no service password"
done
[ "$(grep -c '^Port = 2320$' "$ksp/ksp-connections.txt")" -eq 2 ] || t_fail "the KSP connections are not on port 2320"
t_grep "$ksp/ksp-connections.txt" "Hostname = jce-a.invalid" "the master host first"
t_grep "$ksp/ksp-connections.txt" "HSM Username = USERwc" "the HSM user"
t_grep "$ksp/ksp-steps.txt" "Test all Connections" "the steps name Test all Connections"
grep -q "\"first_use\": null" "$st" || t_fail "W recorded a first use"
w_type yes; w_key Enter
w_wait "Step 10 of 10: Done"
w_wait "on the Windows machine (KSP)"
t_grep "$W_SCREEN" "encrypted for that machine only" "Done says the secret stays on the Windows machine"
t_ok "the CNG confirmation reached Done"
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
"$HSMO" --profile wc config --for ksp --output "$T_DIR/ksp-cli" >/dev/null
for f in ksp-connections.txt ksp-steps.txt; do
	diff -u "$T_DIR/ksp-cli/$f" "$ksp/$f" || t_fail "W and config --for ksp differ in $f"
done
t_ok "W wrote the KSP files as config --for ksp does: port 2320, no secret"
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
w_wait "Step 10 of 10: Done"
w_wait "handed over to TSB/XKS"
t_grep "$W_SCREEN" "encryptionPassword" "Done: TSB's encryptionPassword must persist"
t_grep "$W_SCREEN" ".secret file" "Done: XKS's hidden .secret file must persist"
t_grep "$W_SCREEN" "paid renewal" "Done: losing them after day 7 means a paid renewal"
grep -qE "at most (6 d 23|7 d 00) h .* \(worst case\)" "$W_SCREEN" || t_fail "Done: the countdown is not the worst case from the hand-over"
grep -qE "wt │ (6 d 23|7 d 00) h" "$W_SCREEN" || t_fail "the header does not count down from the hand-over"
t_ok "Done and the header count down from the hand-over, the worst case"
t_ok "the hand-over reached Done"
# Back to the countdown (Esc: rotation, preflight, countdown): the worst case, and why.
w_key Escape
w_wait "Step 8 of 10: First connection"
w_key Escape
w_wait "Step 7 of 10: Preflight"
w_key Escape
w_wait "Step 6 of 10: Countdown"
w_wait "Time left to start TSB/XKS, worst case:"
t_grep "$W_SCREEN" "TSB/XKS make the exchange themselves; we cannot see when they log in" "the countdown says why"
t_grep "$W_SCREEN" "Deadline at the earliest:" "the deadline is the earliest one"
t_ok "the countdown screen shows the worst case and why"
w_key F10
w_exit_status >/dev/null
t_run 0 "status after the hand-over" "$HSMO" --profile wt status
grep -qE "at most (6 d 23|7 d 00) h" "$T_OUT" || t_fail "status: not the worst case"
t_grep "$T_OUT" "we cannot see when they log in" "status says why"
t_run 0 "status --json after the hand-over" "$HSMO" --profile wt --json status
t_json 'j["profiles"][0]["setup_password"]["worst_case"] is True and j["profiles"][0]["setup_password"]["state"] == "running"'
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
# The wizard resumes at Done; S records when TSB/XKS started, as mark-used does.
w_start -- --profile wt --kdf-ms "$W_KDF_MS" wizard
w_wait "Step 10 of 10: Done"
w_key s
w_wait "When did TSB/XKS start?"
w_key C-u
w_type "$(date -d '-2 hours' '+%Y-%m-%d %H:%M')"; w_key Enter
w_wait "First start recorded"
t_nogrep "$W_SCREEN" "(worst case)" "once the start is recorded, no worst case"
grep -qE "Setup password +6 d 2[12] h [0-9]{2} min left" "$W_SCREEN" || t_fail "the countdown does not run from the recorded start"
python3 - "$st" <<'PY' || t_fail "S did not record the first use as mark-used does"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["first_use"], s["first_use"]
assert any(e["kind"] == "first-use" and e["detail"].startswith("declared with mark-used") for e in s["events"]), s["events"]
PY
t_ok "S recorded the product's first start"
w_key F10
w_exit_status >/dev/null
rm -f "$hand/tsb-application-local.secret.yml" "$hand/xks-application.secret.yaml"

# The one copy outside the vault is the 0600 file whose name says it holds the secret.
f="$XDG_CONFIG_HOME/hsm-onboard/wj/jce-user-secret.secret"
[ "$(stat -c %a "$f")" = 600 ] || t_fail "the blinded secret's file is not 0600"
rm -f "$f"
T_SCAN_EXCLUDE=$T_DIR/creds t_scan_leaks "$JCE_STANDIN_DIR/calls.log" "$W_CAP"
t_done
