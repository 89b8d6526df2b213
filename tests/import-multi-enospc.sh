#!/bin/bash
# tests/import-multi-enospc.sh: an import of files for several HSM users is all or nothing, as
# `import --help` says, also when the disk fills up half way: a failing write of the second profile
# (ENOSPC from the LD_PRELOAD shim tests/faultinject.so, whose log proves it fired) leaves the first
# profile as it was before (absent, or byte for byte unchanged), and the same import then succeeds.
. "$top_srcdir/tests/lib.sh"

FI_SO=$top_builddir/tests/faultinject.so
[ -f "$FI_SO" ] || t_fail "$FI_SO is not built (it is in check_DATA)"
IN="$T_DIR/in"
T_SCAN_EXCLUDE=$IN
t_passphrase "multi import pass $(t_rand_alnum 10)"
S="$XDG_STATE_HOME/hsm-onboard"
t_make_credfiles "$IN/a" ACME eco AAAUSER01 20261120 pkcs11
A_SVC=$T_SERVICE_FILE A_HSM=$T_HSM_FILE
t_make_credfiles "$IN/b" ACME eco BBBUSER02 20261120 pkcs11
B_SVC=$T_SERVICE_FILE B_HSM=$T_HSM_FILE

# fail_import FILE ARGS...: the import, with every write to FILE failing with ENOSPC.
fail_import() {
	file=$1
	shift
	: > "$T_DIR/fi.log"
	FI_FUNCS=write FI_PATH="$file" FI_ERRNO=ENOSPC FI_LOG="$T_DIR/fi.log" LD_PRELOAD=$FI_SO \
		t_hsmo import "$@"
}

for f in vault state.json; do
	rm -rf "$S"
	t_run 74 "two new profiles, the second one's $f write fails" fail_import "$S/BBBUSER02/$f" "$A_SVC" "$A_HSM" "$B_SVC" "$B_HSM"
	[ -s "$T_DIR/fi.log" ] || t_fail "the fault on $f never fired"
	[ ! -e "$S/AAAUSER01" ] || { ls -la "$S/AAAUSER01" >&2; t_fail "$f: the first profile was written although the import failed"; }
	[ ! -e "$S/BBBUSER02" ] || { ls -la "$S/BBBUSER02" >&2; t_fail "$f: the second profile was left half made"; }
	t_ok "$f: neither profile exists after the failed import"
	t_grep "$T_ERR" "no profile was changed" "the error says no profile was changed"
done

# An existing first profile comes back byte for byte.
rm -rf "$S"
t_run 0 "import the first profile alone" t_hsmo import "$A_SVC"
sum_before=$(cat "$S/AAAUSER01/vault" "$S/AAAUSER01/state.json" | sha256sum)
t_run 74 "adding the hsm file and a second profile, the second's vault write fails" \
	fail_import "$S/BBBUSER02/vault" "$A_HSM" "$B_SVC" "$B_HSM"
[ "$(cat "$S/AAAUSER01/vault" "$S/AAAUSER01/state.json" | sha256sum)" = "$sum_before" ] \
	|| t_fail "the first profile changed although the import failed"
t_ok "the first profile is byte for byte what it was"
compgen -G "$S/AAAUSER01/*prev*" >/dev/null && t_fail "a .prev file was left in the first profile"
t_ok "no .prev file is left"
t_run 0 "the same import on a healthy disk" t_hsmo import "$A_HSM" "$B_SVC" "$B_HSM"
t_run 0 "both profiles are there" "$HSMO" status
t_grep "$T_OUT" "AAAUSER01" "status shows the first profile"
t_grep "$T_OUT" "BBBUSER02" "status shows the second profile"
t_scan_leaks
t_done
