#!/bin/bash
# wizard-crash.sh: the failpoint build kills the demo in the middle of the rotation (right after the
# first use was recorded, just before ppin -a; and after the HSM accepted the change; a crash before
# the first use leaves nothing in flight, so the wizard starts at the preflight again, as it should:
# doc/DESIGN.md, "Steps"); `hsm-onboard wizard` started again on the
# same profile resumes at the first-connection step, runs the resume probe and completes, and the
# token opens with the PKCS#11 password, never again with the setup password.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"
t_need_failpoints
w_need_demo
t_need_pkcs11_tool

pass="crash walk $(t_rand_alnum 12)"
t_secret "$pass"

for fp in rotate.after-first-use rotate.after-change rotate.after-files-kept; do
	world="$T_DIR/$fp"
	mkdir -p "$world"
	w_start TMPDIR="$world" HSM_ONBOARD_FAILPOINT="$fp" -- demo --kdf-ms "$W_KDF_MS"
	w_wait "Step 1 of 10: Subscription"
	# shellcheck disable=SC2012
	demo=$(ls -d "$world"/hsm-onboard-demo.* | head -n 1)
	setup=$(sed -n 's/^HSM User Setup Password: //p' "$demo"/Downloads/*_hsm_*.txt)
	t_secret "$setup"
	w_key Enter Enter Enter
	w_wait "Pairing: DEMOHSM01: complete"
	w_key Enter
	w_wait "New vault passphrase"
	w_type "$pass"; w_key Enter
	w_wait "Type the passphrase again"
	w_type "$pass"; w_key Enter
	w_wait "Shred the plaintext"
	w_key Enter Enter Enter
	w_wait "Step 7 of 10: Preflight"
	w_key Enter
	w_wait "Type yes and press Enter"
	w_type yes; w_key Enter
	st=$(w_exit_status 60)
	[ "$st" = 137 ] || t_fail "$fp: the wizard was not killed at the failpoint (exit $st)"
	t_ok "$fp: killed mid-rotation"

	w_start HOME="$demo/home" XDG_STATE_HOME="$demo/home/.local/state" XDG_CONFIG_HOME="$demo/home/.config" SOFTHSM2_CONF="$demo/softhsm2.conf" \
		-- wizard --profile DEMOHSM01
	w_wait "Vault passphrase for DEMOHSM01"
	t_grep "$W_SCREEN" "Step 8 of 10: First connection" "$fp: restarted, the wizard reopens the first connection"
	w_type "$pass"; w_key Enter
	w_wait "Resumed: the interrupted rotation is complete." 60
	t_ok "$fp: the resume probe completed the rotation"
	w_key Enter
	w_wait "Written in"
	w_key Enter
	w_wait "Onboarding complete"
	w_key Enter
	st=$(w_exit_status)
	[ "$st" = 0 ] || t_fail "$fp: exit status $st after the resume"

	export SOFTHSM2_CONF="$demo/softhsm2.conf"
	! pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label hsm-onboard-demo --login --pin "$setup" -O \
		>/dev/null 2>&1 || t_fail "$fp: the setup password still opens the token"
	# The demo's primus engine: applications log in with the PKCS#11 password of the hsm file.
	secret=$(sed -n 's/^PKCS#11 password : //p' "$demo"/Downloads/*_hsm_*.txt)
	t_secret "$secret"
	[ -f "$demo/home/.config/hsm-onboard/DEMOHSM01/.secrets.cfg" ] || t_fail "$fp: no .secrets.cfg written"
	pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label hsm-onboard-demo --login --pin "$secret" -O \
		>/dev/null 2>&1 || t_fail "$fp: the PKCS#11 password does not open the token"
	unset SOFTHSM2_CONF
	t_ok "$fp: the token opens with the stored secret, not with the setup password"
	cp "$demo/home/.local/state/hsm-onboard/DEMOHSM01/state.json" "$T_DIR/state-$fp.json"
done
t_scan_leaks "$W_CAP" "$T_DIR"/state-*.json
t_done
