#!/bin/bash
# tests/crash-import.sh: a crash (SIGKILL) at every durable step of import, for a first import and for
# a renewal, then the same import run again, must leave a consistent, readable profile: every secret
# stored, state.json loading, no temp file left, the renewal's first-use reset done, no secret leaked.
. "$top_srcdir/tests/lib.sh"

t_need_failpoints
"$HSMO" --list-failpoints > "$T_DIR/failpoints"
grep -E '^(vault|state)\.|^import\.' "$T_DIR/failpoints" > "$T_DIR/import-failpoints" || true
n_fp=$(wc -l < "$T_DIR/import-failpoints")
[ "$n_fp" -ge 9 ] || t_fail "expected at least 9 import failpoints, found $n_fp"
t_ok "$n_fp failpoints touched by import"

IN="$T_DIR/in"
T_SCAN_EXCLUDE=$IN
t_passphrase "crash test passphrase $(t_rand_alnum 10)"
state_dir="$XDG_STATE_HOME/hsm-onboard"
P="$state_dir/CRASH01"

t_make_credfiles "$IN" ACME_Corp sbx CRASH01 20261120 pkcs11
NEW_SETUP=$(t_setup_password)
t_secret "$NEW_SETUP"
RENEW="$IN/renew/ACME_Corp_sbx_hsm_CRASH01_20261126.txt"
mkdir -p "$IN/renew"
printf 'HSM User Name: CRASH01\nHSM User Setup Password: %s\nPKCS#11 password : %s\n' "$NEW_SETUP" \
	"$T_PKCS11_PW" > "$RENEW"
chmod 600 "$RENEW"

# check_consistent WHAT: every label stored, state.json loads and names the user, no temp file.
check_consistent() {
	t_run 0 "$1: secrets opens the vault and loads state.json" t_hsmo --profile CRASH01 secrets
	for label in service-password setup-password pkcs11-password; do
		grep -qE "^ +$label +stored\$" "$T_OUT" || t_fail "$1: $label is not stored"
	done
	t_grep "$P/state.json" '"hsm_user": "CRASH01"' "$1: state.json names the HSM user"
	[ -z "$(find "$P" -name '*.tmp')" ] || t_fail "$1: a temp file was left: $(find "$P" -name '*.tmp')"
	t_scan_leaks
}

while read -r fp; do
	# A first import dies at fp; running it again completes it.
	rm -rf "$state_dir"
	t_run 137 "first import killed at $fp" env HSM_ONBOARD_FAILPOINT="$fp" "$T_HSMO_FROM" "$T_DIR/pass" \
		import "$T_SERVICE_FILE" "$T_HSM_FILE"
	t_run 0 "import again after $fp" t_hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE"
	check_consistent "after a crash at $fp"
	t_grep "$P/state.json" '"kind": "imported"' "after $fp: imported event"

	# A renewal dies at fp; running it again completes it, first-use reset included.
	sed -i 's/"first_use": null/"first_use": "2026-11-21T09:00:00Z"/' "$P/state.json"
	t_run 137 "renewal killed at $fp" env HSM_ONBOARD_FAILPOINT="$fp" "$T_HSMO_FROM" "$T_DIR/pass" \
		import --renew "$RENEW"
	t_run 0 "renewal again after $fp" t_hsmo import --renew "$RENEW"
	check_consistent "after a renewal crash at $fp"
	t_grep "$P/state.json" '"first_use": null' "after $fp: renewal reset the first use"
	t_grep "$P/state.json" '"kind": "renewed"' "after $fp: renewed event"
	t_grep "$P/state.json" '"renewal_pending": false' "after $fp: no renewal pending"
	t_grep "$P/state.json" '"issued": "2026-11-26T00:00:00Z"' "after $fp: the renewal's date of issue"
done < "$T_DIR/import-failpoints"
t_done
