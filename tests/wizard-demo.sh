#!/bin/bash
# wizard-demo.sh: the whole demo in a real terminal, from the subscription to "Onboarding complete",
# with the primus engine driving hsm-onboard-ppin-sim over a SoftHSM2 token. Counts the keystrokes (at
# most 15 besides typing the passphrase twice and "yes"), checks every screen for secrets, checks that
# ppin -p, -a and -t are shown as steps, compares the golden done screen (it names the files to keep),
# and proves with pkcs11-tool that, as on the troubleshooting page, `-l -p <PKCS#11 password> -O` opens
# the token afterwards and the setup password does not.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"
w_need_demo

W_FAKETIME="@2026-11-24 15:30:00"   # a running clock: the vault's scrypt calibration measures time
pass="demo walk $(t_rand_alnum 12)"
t_secret "$pass"

w_start TMPDIR="$T_DIR" -- demo --keep --kdf-ms "$W_KDF_MS"
w_wait "Step 1 of 10: Subscription"
set -- "$T_DIR"/hsm-onboard-demo.*
demo=$1
[ -d "$demo" ] || t_fail "no demo directory under $T_DIR"
[ "$(stat -c %a "$demo")" = 700 ] || t_fail "the demo directory is not 0700"
t_ok "the demo world is a private 0700 directory"
for f in "$demo"/Downloads/*.txt; do
	sed -n 's/^\(Service User Password\|HSM User Setup Password\|PKCS#11 password \): //p' "$f" \
		| while read -r s; do t_secret "$s"; done
done
setup=$(sed -n 's/^HSM User Setup Password: //p' "$demo"/Downloads/*_hsm_*.txt)
[ -n "$setup" ] || t_fail "the demo hsm file has no setup password"

w_demo_walk_to_provider "$pass"
t_grep "$W_ROTATED" "[x] ppin -p (proxy password), ppin -a (setup, then PKCS#11 password)" "ppin -p and -a shown as done steps"
t_grep "$W_ROTATED" "[x] .secrets.cfg and primus.cfg kept in the vault" "the kept files shown as a done step"
t_grep "$W_ROTATED" "[x] ppin -t, and login with the PKCS#11 password verified" "ppin -t shown as a done step"
t_grep "$W_PROVIDER" ".secrets.cfg (mode 0600) at" "the provider screen says where the permanent secret now is"
grep -q '….*/\.secrets\.cfg' "$W_PROVIDER" \
	|| { cat "$W_PROVIDER" >&2; t_fail "a long path is not shortened in its middle with its file name kept"; }
t_ok "a long path loses its middle, keeps its start and its file name"
# The targets that fit a Primus profile, numbered; a digit writes one, as `config --for` does. This
# key is the test's own: the demo's path (and the bench's count of it) goes on with Enter alone.
for t in "[ ] 1 libp11" "[ ] 2 openssl3" "[ ] 3 env" "[ ] 4 vault"; do
	t_grep "$W_PROVIDER" "$t" "the provider screen offers '$t'"
done
t_nogrep "$W_PROVIDER" " tsb " "the provider screen does not offer tsb to a Primus profile"
keys_before_target=$W_KEYS
w_key 1
w_wait "[x] 1 libp11"
t_grep "$W_SCREEN" "libp11: written; README.txt" "the status line says where the secrets are told"
W_KEYS=$keys_before_target
cfgdir="$demo/home/.config/hsm-onboard/DEMOHSM01"
[ -f "$cfgdir/openssl.cnf" ] && [ "$(stat -c %a "$cfgdir/openssl-pin.secret.cnf")" = 600 ] ||
	t_fail "the libp11 target's files are not in the provider folder"
t_grep "$cfgdir/openssl.cnf" ".include $cfgdir/openssl-pin.secret.cnf" "openssl.cnf includes the 0600 PIN file"
t_grep "$cfgdir/README.txt" ".secrets.cfg" "README.txt names the provider files too"
t_grep "$cfgdir/README.txt" "openssl-pin.secret.cnf" "README.txt names the target's PIN file"
w_key Enter
w_wait "Onboarding complete"
t_grep "$W_SCREEN" "Cluster                 demo" "Done shows the cluster the profile's state names"
t_grep "$W_SCREEN" "Keep these files: .secrets.cfg" "Done names the files the user must keep"
t_nogrep "$W_SCREEN" "stored only in this profile's" "Done does not claim the vault is the only copy"
# The temp folder shortened in its middle ("/tmp/hsmo-wiza…/hsm-onboard/DEMOHSM01"): its start varies.
W_MASK='s|/[^ …]*…|<tmp>…|g'
# shellcheck disable=SC1010
w_golden done
[ "$W_KEYS" -le 15 ] || t_fail "the demo took $W_KEYS keystrokes besides the typed text (at most 15)"
t_ok "demo completed in $W_KEYS keystrokes besides the passphrase (twice) and 'yes'"
w_key Enter
st=$(w_exit_status)
[ "$st" = 0 ] || t_fail "demo exit status $st"
w_wait "Remove them with: rm -rf"
t_grep "$W_SCREEN" "Demo files kept (--keep) in:" "the demo says where its files are"

export SOFTHSM2_CONF="$demo/softhsm2.conf"
if t_have_tool pkcs11-tool opensc "pkcs11-tool's view of the demo token"; then
	! pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label hsm-onboard-demo --login --pin "$setup" -O \
		>/dev/null 2>&1 || t_fail "the setup password still opens the token"
	t_ok "the setup password no longer opens the token"
	[ "$(stat -c %a "$cfgdir/.secrets.cfg")" = 600 ] && [ -f "$cfgdir/primus.cfg" ] ||
		t_fail "the provider configuration has no 0600 .secrets.cfg and primus.cfg"
	t_ok "the provider configuration holds .secrets.cfg (0600) and primus.cfg"
	p11=$(sed -n 's/^PKCS#11 password : //p' "$demo"/Downloads/*_hsm_*.txt)
	[ -n "$p11" ] || t_fail "the demo hsm file has no PKCS#11 password"
	pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label hsm-onboard-demo -l -p "$p11" -O \
		>/dev/null 2>&1 || t_fail "pkcs11-tool -l -p <PKCS#11 password> -O does not open the demo token"
	t_ok "pkcs11-tool -l -p <PKCS#11 password> -O opens the demo token, as on the troubleshooting page"
fi
grep -q '"rotation": "configured"' "$demo/home/.local/state/hsm-onboard/DEMOHSM01/state.json" \
	|| t_fail "the demo profile is not configured"
t_ok "the demo profile's rotation reached 'configured'"
# Configuration goes where configuration goes (XDG_CONFIG_HOME), not into the program's state.
[ -f "$demo/home/.config/hsm-onboard/DEMOHSM01/primus.cfg" ] || t_fail "no primus.cfg in XDG_CONFIG_HOME"
[ ! -e "$demo/home/.local/state/hsm-onboard/DEMOHSM01/config" ] && [ -z "$(find "$demo/home/.local/state" -name "pkcs11.*")" ] || t_fail "provider files inside the state directory"
t_ok "the provider files are in XDG_CONFIG_HOME/hsm-onboard/DEMOHSM01, none in the state directory"
T_SCAN_EXCLUDE=
t_scan_leaks "$W_CAP" "$demo/home/.local/state/hsm-onboard/DEMOHSM01/state.json"
t_done
