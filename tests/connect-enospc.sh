#!/bin/bash
# tests/connect-enospc.sh: a full disk during connect never loses the user secret, and the message says
# what is true. Every write of the vault and of state.json during a connect fails in turn with ENOSPC
# (the LD_PRELOAD shim tests/faultinject.so; its log proves the fault fired). When the token already
# took the new secret (the setup password no longer opens it, judged by pkcs11-tool), the error says
# that the HSM holds it, the vault keeps it and nothing is lost; before the change it says no such
# thing. Every time, a rerun once the disk is healthy finishes, and the stored secret opens the token.
. "$top_srcdir/tests/lib.sh"

t_need_softhsm
t_need_pkcs11_tool
FI_SO=$top_builddir/tests/faultinject.so
[ -f "$FI_SO" ] || t_fail "$FI_SO is not built (it is in check_DATA)"
t_softhsm_private
t_passphrase "enospc pass $(t_rand_alnum 10)"
T_SCAN_EXCLUDE="$T_DIR/creds"
KEPT="the HSM already holds the new user secret"
p11_ok() { pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label "$1" --login --pin "$2" --list-objects >/dev/null 2>&1; }

n=0 after_change=0
for file in vault state.json; do
	after=0
	while :; do
		n=$((n + 1))
		prof="p$n" label="ENOSPC$n"
		t_make_credfiles "$T_DIR/creds/$n" acme hsm "$label" 20261120 pkcs11
		t_softhsm_token "$label"
		t_import "$prof" "$PASS" --tier SBX
		P="$XDG_STATE_HOME/hsm-onboard/$prof"
		log="$T_DIR/fi-$n.log"
		: > "$log"
		set +e
		FI_FUNCS=write FI_PATH="$P/$file" FI_AFTER=$after FI_ERRNO=ENOSPC FI_LOG=$log LD_PRELOAD=$FI_SO \
			t_hsmo --profile "$prof" --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE" >"$T_OUT" 2>"$T_ERR"
		rc=$?
		set -e
		cat "$T_OUT" "$T_ERR" >> "$T_DIR/all-output"
		if [ ! -s "$log" ]; then
			# No write of this file was left to fail: the connect went through.
			[ "$rc" -eq 0 ] || { cat "$T_ERR" >&2; t_fail "$file write $after: no fault fired, yet exit $rc"; }
			break
		fi
		[ "$rc" -ne 0 ] || t_fail "$file write $after: the fault fired, yet connect exited 0"
		if p11_ok "$label" "$T_SETUP_PW"; then
			t_nogrep "$T_ERR" "$KEPT" "$file write $after fails before the change: no claim that the HSM holds a new secret"
		else
			after_change=$((after_change + 1))
			t_grep "$T_ERR" "$KEPT" "$file write $after fails after the change: the message says the HSM holds the new secret"
			t_grep "$T_ERR" "nothing is lost" "$file write $after: the message says nothing is lost"
			t_grep "$T_ERR" "hsm-onboard connect" "$file write $after: the message says connect finishes"
		fi
		t_run 0 "$file write $after: connect once the disk is healthy" \
			t_hsmo --profile "$prof" --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE" \
			--output "$T_DIR/cfg-$n"
		secret=$(cat "$T_DIR/cfg-$n/pkcs11.pin")
		t_secret "$secret"
		p11_ok "$label" "$secret" || t_fail "$file write $after: the stored secret does not open the token"
		t_ok "$file write $after: the stored secret opens the token"
		after=$((after + 1))
		[ "$after" -le 12 ] || t_fail "$file: more than 12 writes in one connect"
	done
done
[ "$after_change" -ge 3 ] || t_fail "only $after_change failing writes came after the change; the test proves too little"
t_ok "$after_change failing writes after the change, each reported truthfully"
t_scan_leaks
t_done
