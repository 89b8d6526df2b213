#!/bin/sh
# crash-connect.sh: connect killed (SIGKILL) at every durable step of the rotation, then run again.
# The end state must always be the same: the state says configured, the pin-source file opens the
# token (checked with pkcs11-tool), the setup password does not, verify passes, nothing leaked.
# For the state and vault writes the crash is also repeated run after run, so that every write of
# that kind along the protocol is hit, not only the first. (The provider files are rewritten as a
# whole on each run, so a crash repeated there never gets further, by design.) Needs a build with
# --enable-failpoints.
. "$top_srcdir/tests/lib.sh"

t_need_softhsm
t_need_pkcs11_tool
t_need_failpoints
"$HSMO" --list-failpoints > "$T_DIR/fps"

t_softhsm_private
t_passphrase

p11_ok() { pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label "$1" --login --pin "$2" --list-objects >/dev/null 2>&1; }

# connect_as PROFILE [FAILPOINT]: one connect run; prints its exit code.
connect_as() {
	set +e
	HSM_ONBOARD_FAILPOINT=${2:-} t_hsmo --profile "$1" --yes connect --engine pkcs11 \
		--module "$SOFTHSM2_MODULE" --output "$T_DIR/cfg-$1" >>"$T_DIR/all-output" 2>&1
	echo $?
	set -e
}

n=0
check_end_state() {
	prof=$1 label=$2 fp=$3
	st="$XDG_STATE_HOME/hsm-onboard/$prof/state.json"
	grep -q '"rotation": "configured"' "$st" || { cat "$st" >&2; t_fail "$fp: state is not configured"; }
	secret=$(cat "$T_DIR/cfg-$prof/pkcs11.pin")
	[ "${#secret}" -eq 31 ] || t_fail "$fp: the pin file holds ${#secret} characters, expected 31"
	t_secret "$secret"
	p11_ok "$label" "$secret" || t_fail "$fp: the stored secret does not open the token (locked out)"
	if p11_ok "$label" "$setup"; then t_fail "$fp: the setup password still opens the token"; fi
	[ "$(grep -c '"kind": "first-use"' "$st")" -eq 1 ] || t_fail "$fp: first use recorded more than once"
	set +e
	t_hsmo --profile "$prof" verify >>"$T_DIR/all-output" 2>&1
	rc=$?
	set -e
	[ "$rc" -eq 0 ] || t_fail "$fp: verify failed after the resume ($rc)"
	t_ok "$fp: resumed to the same end state (token opens with the stored secret only)"
}

new_profile() {
	n=$((n + 1))
	prof="p$n" label="CRASHUSER$n"
	t_make_credfiles "$T_DIR/creds$n" "co$n" hsm "$label" 20261120 pkcs11
	setup=$T_SETUP_PW
	t_softhsm_token "$label" "$setup"
	t_import "$prof" "$PASS" --tier SBX
}

# Every failpoint of the connect path, crashed once.
for fp in rotate.before-first-use rotate.after-first-use rotate.after-pending-saved rotate.after-change rotate.after-promote \
	rotate.during-config vault.before-rename vault.after-rename vault.before-dirsync vault.after-dirsync \
	state.before-rename state.after-rename state.before-dirsync state.after-dirsync \
	config.before-rename config.after-rename config.before-dirsync config.after-dirsync; do
	grep -qx "$fp" "$T_DIR/fps" || t_fail "failpoint $fp is not in this build's table"
	new_profile
	rc=$(connect_as "$prof" "$fp")
	[ "$rc" -eq 137 ] || t_fail "$fp: connect was not killed at the failpoint (exit $rc)"
	rc=$(connect_as "$prof")
	[ "$rc" -eq 0 ] || { tail -5 "$T_DIR/all-output" >&2; t_fail "$fp: the re-run failed (exit $rc)"; }
	check_end_state "$prof" "$label" "$fp"
done

# The same step crashed on every run, until the protocol gets past all its writes of that kind.
for fp in state.after-rename vault.after-rename rotate.after-change; do
	new_profile
	runs=0
	while :; do
		rc=$(connect_as "$prof" "$fp")
		runs=$((runs + 1))
		[ "$rc" -eq 0 ] && break
		[ "$rc" -eq 137 ] || { tail -5 "$T_DIR/all-output" >&2; t_fail "$fp: run $runs exited $rc"; }
		[ "$runs" -lt 15 ] || t_fail "$fp: no progress after $runs crashed runs"
	done
	[ "$runs" -ge 2 ] || t_fail "$fp: the failpoint was never hit"
	check_end_state "$prof" "$label" "$fp repeated ($runs runs)"
done

t_scan_leaks
t_done
