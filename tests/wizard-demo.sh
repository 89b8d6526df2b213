#!/bin/bash
# wizard-demo.sh: the whole demo in a real terminal, from the subscription to "Onboarding complete",
# with the rotation real against SoftHSM2. Counts the keystrokes (at most 15 besides typing the
# passphrase twice and "yes"), checks every screen for secrets, compares the golden done screen, and
# proves with pkcs11-tool that the setup password no longer opens the token and the written PIN file
# does.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"
t_need_softhsm
t_need_pkcs11_tool
w_demo_probe
t_ok "demo refuses to start off a terminal"

W_FAKETIME="@2026-11-24 15:30:00"   # a running clock: the vault's scrypt calibration measures time
pass="demo walk $(t_rand_alnum 12)"
t_secret "$pass"

w_start TMPDIR="$T_DIR" -- demo --keep --kdf-ms 20
w_wait "Step 1 of 10: Subscription"
demo=$(find "$T_DIR" -maxdepth 1 -name "hsm-onboard-demo.*" | head -n 1)
[ -d "$demo" ] || t_fail "no demo directory under $T_DIR"
[ "$(stat -c %a "$demo")" = 700 ] || t_fail "the demo directory is not 0700"
t_ok "the demo world is a private 0700 directory"
for f in "$demo"/Downloads/*.txt; do
	sed -n 's/^\(Service User Password\|HSM User Setup Password\|PKCS#11 password \): //p' "$f" \
		| while read -r s; do t_secret "$s"; done
done
setup=$(sed -n 's/^HSM User Setup Password: //p' "$demo"/Downloads/*_hsm_*.txt)
[ -n "$setup" ] || t_fail "the demo hsm file has no setup password"

w_demo_walk "$pass"
t_grep "$W_ROTATED" "[x] Login with the new secret verified" "the rotation's steps are all checked"
W_MASK='s|\(Configuration in *\).*|\1<demo dir>|'
w_golden 'done'
[ "$W_KEYS" -le 15 ] || t_fail "the demo took $W_KEYS keystrokes besides the typed text (at most 15)"
t_ok "demo completed in $W_KEYS keystrokes besides the passphrase (twice) and 'yes'"
w_key Enter
st=$(w_exit_status)
[ "$st" = 0 ] || t_fail "demo exit status $st"
w_wait "Remove them with: rm -rf"
t_grep "$W_SCREEN" "Demo files kept (--keep) in:" "the demo says where its files are"

export SOFTHSM2_CONF="$demo/softhsm2.conf"
if command -v pkcs11-tool >/dev/null; then
	! pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label hsm-onboard-demo --login --pin "$setup" -O \
		>/dev/null 2>&1 || t_fail "the setup password still opens the token"
	t_ok "the setup password no longer opens the token"
	pinfile=$(find "$demo"/home/.local/state/hsm-onboard/DEMOHSM01/config -type f -exec grep -L 'pkcs11:' {} + | head -n 1)
	[ -n "$pinfile" ] && [ "$(stat -c %a "$pinfile")" = 600 ] || t_fail "no 0600 PIN file in the config"
	secret=$(cat "$pinfile")
	t_secret "$secret"
	pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label hsm-onboard-demo --login --pin "$secret" -O \
		>/dev/null 2>&1 || t_fail "the new user secret does not open the token"
	t_ok "the user secret written by the demo opens the token"
fi
grep -q '"rotation": "configured"' "$demo/home/.local/state/hsm-onboard/DEMOHSM01/state.json" \
	|| t_fail "the demo profile is not configured"
t_ok "the demo profile's rotation reached 'configured'"
T_SCAN_EXCLUDE=
t_scan_leaks "$W_CAP" "$demo/home/.local/state/hsm-onboard/DEMOHSM01/state.json"
t_done
