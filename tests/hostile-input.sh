#!/bin/bash
# tests/hostile-input.sh: careless and hostile input through the built CLI. Wrong input is refused
# with a message naming the file and line and changes nothing; strange input is quoted, never sent
# raw to the terminal; each warning is said once. Every scenario ends with the leak scan.
. "$top_srcdir/tests/lib.sh"

IN="$T_DIR/in"
T_SCAN_EXCLUDE=$IN
PASS="hostile input passphrase $(t_rand_alnum 10)"
t_secret "$PASS"
state_dir="$XDG_STATE_HOME/hsm-onboard"
hsmo() { "$HSMO" --kdf-ms 20 --passphrase-fd 3 "$@" 3<<<"$PASS"; }

# ---- a credential file others can read: one warning, one remedy ----
t_make_credfiles "$IN" ACME_Corp eco LOOSE01 20261120
chmod 644 "$T_SERVICE_FILE"
t_run 0 "import of a 0644 file" hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE"
n=$(grep -c "mode 0644" "$T_ERR" || true)
[ "$n" = 1 ] || { cat "$T_ERR" >&2; t_fail "the loose mode was reported $n times, expected once"; }
t_ok "the loose mode is reported once"
t_grep "$T_ERR" "$T_SERVICE_FILE: other users can read this file (mode 0644), and it holds secrets: import it with --shred to delete it afterwards, or run chmod 600 on it" "one remedy: --shred or chmod 600"
n=$(grep -c "warning:" "$T_ERR" || true)
[ "$n" = 1 ] || { cat "$T_ERR" >&2; t_fail "$n warnings for one loose file"; }
t_ok "no second warning in other words"

# ---- a setup password cut when copied: 65 with FILE:LINE, nothing written ----
t_make_credfiles "$IN/cut" ACME_Corp eco CUT01 20261120
cut_pw=${T_SETUP_PW%-*-*-*}
t_secret "$cut_pw"
printf 'HSM User Name: CUT01\nHSM User Setup Password: %s\n' "$cut_pw" > "$T_HSM_FILE"
t_run 65 "import of a truncated setup password" hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$T_ERR" "hsm-onboard: $T_HSM_FILE:2: the HSM User Setup Password is not in the documented format" "FILE:LINE of the setup password"
t_grep "$T_ERR" "this one has 11 characters in 2 groups. Was it cut when copied?" "the likely cause"
[ ! -e "$state_dir/CUT01" ] || t_fail "a refused import created the profile"
t_ok "nothing was written"
t_run 0 "--accept-setup-format overrides" hsmo --accept-setup-format import "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$T_ERR" "accepted because of --accept-setup-format" "the override is said"
[ -f "$state_dir/CUT01/vault" ] || t_fail "the accepted import wrote no vault"
t_ok "the accepted import wrote the vault"

# ---- weak vault passphrases: refused on the fd as on the terminal, nothing created ----
t_make_credfiles "$IN/weak" ACME_Corp eco WEAK01 20261120
weak() { # weak NAME PASSPHRASE WORDS: the passphrase on fd 3 is refused with WORDS
	printf '%s\n' "$2" > "$T_DIR/weakpass"
	t_run 64 "$1" "$HSMO" --kdf-ms 20 --passphrase-fd 3 import "$T_SERVICE_FILE" "$T_HSM_FILE" 3<"$T_DIR/weakpass"
	t_grep "$T_ERR" "$3" "$1: the reason is given"
	[ ! -e "$state_dir/WEAK01/vault" ] || t_fail "$1: a vault was created"
}
weak "spaces only" "                " "the vault passphrase is only white space"
weak "tabs and spaces" "$(printf ' \t  \t      \t ')" "the vault passphrase is only white space"
weak "11 characters padded with spaces" "      abcdefghijk      " "at least 12 characters, not counting white space at either end"
weak "11 characters" "abcdefghijk" "at least 12 characters"
printf '\n' > "$T_DIR/weakpass"
t_run 64 "an empty line" "$HSMO" --kdf-ms 20 --passphrase-fd 3 import "$T_SERVICE_FILE" "$T_HSM_FILE" 3<"$T_DIR/weakpass"
[ ! -e "$state_dir/WEAK01/vault" ] || t_fail "an empty passphrase created a vault"
t_ok "an empty passphrase created nothing"

# ---- the KDF floor: --kdf-ms 1 still gets N=2^15, r=8, and says so ----
# The suite runs with HSM_ONBOARD_TEST_KDF_LOG2N (honoured by test builds only): without it, the
# calibration and its floor are what a user gets.
t_make_credfiles "$IN/floor" ACME_Corp eco FLOOR01 20261120
t_run 0 "import with --kdf-ms 1" env -u HSM_ONBOARD_TEST_KDF_LOG2N "$HSMO" --kdf-ms 1 --passphrase-fd 3 \
	import "$T_SERVICE_FILE" "$T_HSM_FILE" 3<<<"$PASS"
# The vault header: byte 9 is log2 N, bytes 10..13 are r (big-endian).
log2n=$(od -An -tu1 -j9 -N1 "$state_dir/FLOOR01/vault" | tr -d ' ')
r=$(od -An -tu1 -j13 -N1 "$state_dir/FLOOR01/vault" | tr -d ' ')
[ "$log2n" -ge 15 ] && [ "$r" -ge 8 ] || t_fail "--kdf-ms 1 sealed the vault with N=2^$log2n r=$r, below the floor"
t_ok "the vault's cost is at least N=2^15, r=8 (N=2^$log2n)"
t_grep "$T_ERR" "profile FLOOR01: the scrypt cost calibrated for 1 ms is below the floor; the vault uses the floor instead, N=2^15, r=8" "the floor is said"
t_run 0 "the floored vault opens" "$HSMO" --profile FLOOR01 --passphrase-fd 3 secrets 3<<<"$PASS"
t_run 0 "--help names the floor" "$HSMO" --help
t_grep "$T_OUT" "never below the floor N=2^15, r=8 (OWASP)" "the floor in --help"
# The test-only cost: honoured by a test build, ignored by a release build.
t_make_credfiles "$IN/fast" ACME_Corp eco FAST01 20261120
t_run 0 "import with HSM_ONBOARD_TEST_KDF_LOG2N=11" env HSM_ONBOARD_TEST_KDF_LOG2N=11 "$HSMO" --kdf-ms 1 \
	--passphrase-fd 3 import "$T_SERVICE_FILE" "$T_HSM_FILE" 3<<<"$PASS"
log2n=$(od -An -tu1 -j9 -N1 "$state_dir/FAST01/vault" | tr -d ' ')
if "$HSMO" --list-failpoints >/dev/null 2>&1; then
	[ "$log2n" = 11 ] || t_fail "a test build ignored HSM_ONBOARD_TEST_KDF_LOG2N (N=2^$log2n)"
	t_ok "a test build honours the test cost"
else
	[ "$log2n" -ge 15 ] || t_fail "a release build honoured HSM_ONBOARD_TEST_KDF_LOG2N (N=2^$log2n)"
	t_ok "a release build ignores the test cost"
fi

# ---- a secret wrapped by a mail client: no part of it is quoted back ----
mkdir -p "$IN/wrap"
WRAP="$IN/wrap/ACME_Corp_eco_service_WRAP01_20261120.txt"
printf 'Service User Name: svc-WRAP01\nService User Password: Qm4rTw8zLp2\nXq7 Zr9: kP2v\nHSM User Name: WRAP01\n' > "$WRAP"
chmod 600 "$WRAP"
t_secret "Qm4rTw8zLp2"
t_secret "Xq7 Zr9"
t_run 0 "inspect of a wrapped service password" "$HSMO" inspect "$WRAP"
t_grep "$T_ERR" "hsm-onboard: warning: $WRAP:3: unrecognised line ignored (not shown: it may be part of a secret)" "the wrapped line is not shown"
t_nogrep "$T_ERR" "Xq7" "no part of the secret on stderr"

t_scan_leaks
t_done
