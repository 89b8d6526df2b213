#!/bin/sh
# crash-renewal.sh: a renewal over an existing .secrets.cfg entry (ppin -u, doc/DESIGN.md, "Renewal")
# killed (SIGKILL) at every durable step of connect, then run again, against hsm-onboard-ppin-sim.
# The end state must always be the same: verified, the token opens with the PKCS#11 password and not
# with the renewed setup password, ppin got the renewed setup password through ppin -u, a setup
# password was typed at most once after the crash point was passed (no re-send, no lock-out), and the
# first use is recorded once. Needs a build with --enable-failpoints.
. "$top_srcdir/tests/lib.sh"

t_need_softhsm
t_need_pkcs11_tool
t_need_failpoints
"$HSMO" --list-failpoints > "$T_DIR/fps"
t_ppin_sim
t_passphrase
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
p11_ok() { pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label "$1" -l -p "$2" -O >/dev/null 2>&1; }

# connect_as PROFILE [FAILPOINT]: one connect run; prints its exit code.
connect_as() {
	set +e
	HSM_ONBOARD_FAILPOINT=${2:-} t_hsmo --profile "$1" --yes connect --ppin "$SIM" \
		--module "$SOFTHSM2_MODULE" --endpoint hsm-a.example.test >>"$T_DIR/all-output" 2>&1
	echo $?
	set -e
}

n=0
for fp in rotate.after-renewal-backup rotate.before-first-use rotate.after-first-use rotate.after-pending-saved \
	rotate.after-change rotate.after-files-kept rotate.after-promote vault.after-rename state.after-rename; do
	grep -qx "$fp" "$T_DIR/fps" || t_fail "failpoint $fp is not in this build's table"
	n=$((n + 1))
	user="RENEW$n"
	t_make_credfiles "$T_DIR/creds$n" "co$n" hsm "$user" 20261120 pkcs11
	t_import "$user" "$PASS" --tier SBX
	t_softhsm_token "$user"
	rm -f "$HSM_ONBOARD_PPIN_SIM_DIR"/*
	rc=$(connect_as "$user")
	[ "$rc" -eq 0 ] || { tail -5 "$T_DIR/all-output" >&2; t_fail "$fp: the first connect failed ($rc)"; }
	# Support resets the partition; the renewed hsm file is imported.
	NEW=$(t_setup_password)
	t_secret "$NEW"
	pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label "$user" --login --login-type so --so-pin "$T_SO_PIN" \
		--init-pin --new-pin "$NEW" >/dev/null 2>&1 || t_fail "cannot reset the token's user PIN"
	printf 'HSM User Name: %s\nHSM User Setup Password: %s\nPKCS#11 password : %s\n' "$user" "$NEW" "$T_PKCS11_PW" \
		> "$T_DIR/creds$n/co${n}_hsm_hsm_${user}_20261125.txt"
	chmod 600 "$T_DIR/creds$n/co${n}_hsm_hsm_${user}_20261125.txt"
	t_hsmo --profile "$user" import --renew \
		"$T_DIR/creds$n/co${n}_hsm_hsm_${user}_20261125.txt" >>"$T_DIR/all-output" 2>&1
	: > "$calls"
	rc=$(connect_as "$user" "$fp")
	[ "$rc" -eq 137 ] || { tail -5 "$T_DIR/all-output" >&2; t_fail "$fp: connect was not killed at the failpoint ($rc)"; }
	rc=$(connect_as "$user")
	[ "$rc" -eq 0 ] || { tail -5 "$T_DIR/all-output" >&2; t_fail "$fp: the re-run failed ($rc)"; }
	st="$XDG_STATE_HOME/hsm-onboard/$user/state.json"
	grep -q '"rotation": "verified"' "$st" || { cat "$st" >&2; t_fail "$fp: not verified"; }
	grep -q "UPDATE CALLED" "$calls" || t_fail "$fp: ppin -u was never called"
	[ "$(grep -c "TTY: setup-password sha256=$(sha "$NEW")" "$calls")" -eq 1 ] ||
		{ cat "$calls" >&2; t_fail "$fp: the renewed setup password was typed more than once"; }
	p11_ok "$user" "$T_PKCS11_PW" || t_fail "$fp: the PKCS#11 password does not open the token"
	if p11_ok "$user" "$NEW"; then t_fail "$fp: the renewed setup password still opens the token"; fi
	[ "$(grep -c '"kind": "first-use"' "$st")" -eq 2 ] || t_fail "$fp: the renewal's first use was not recorded once"
	t_ok "$fp: crashed, resumed to the same end state through ppin -u"
done

t_scan_leaks
t_done
