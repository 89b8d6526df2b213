#!/bin/bash
# tests/passphrase-fd.sh: --passphrase-fd N is checked before any file is opened. A closed N (which
# the profile's lock file would otherwise take, sealing the vault with the lock file's text), a
# directory, a write-only descriptor and a closed stdin are usage errors (64) that name N and change
# nothing, not even with --shred. Closed stdin, stdout and stderr get /dev/null (as OpenSSH's
# sanitise_stdfd), so no profile file can land on them.
. "$top_srcdir/tests/lib.sh"
t_need_python3

IN="$T_DIR/in"
T_SCAN_EXCLUDE=$IN
PASS="passphrase fd test $(t_rand_alnum 10)"
t_secret "$PASS"
state_dir="$XDG_STATE_HOME/hsm-onboard"
t_make_credfiles "$IN" ACME_Corp eco ACMEHSM01 20261120 pkcs11

# ---- fd 3 closed: refused before the lock file can take its number ----
t_run 64 "import with a closed --passphrase-fd 3" "$HSMO" --kdf-ms 20 --passphrase-fd 3 import --shred \
	"$T_SERVICE_FILE" "$T_HSM_FILE" 3<&-
t_grep "$T_ERR" "--passphrase-fd 3" "the error names the option and N"
t_grep "$T_ERR" "not open" "the error says the descriptor is not open"
[ ! -e "$state_dir/ACMEHSM01" ] || t_fail "a profile was created from a closed passphrase fd"
t_ok "no profile was created"
[ -f "$T_SERVICE_FILE" ] && [ -f "$T_HSM_FILE" ] || t_fail "--shred removed the plaintext although nothing was imported"
t_ok "--shred kept the plaintext files"

# ---- a directory, a write-only descriptor, a closed stdin ----
t_run 64 "--passphrase-fd on a directory" "$HSMO" --kdf-ms 20 --passphrase-fd 5 import "$T_SERVICE_FILE" "$T_HSM_FILE" 5<"$T_DIR"
t_grep "$T_ERR" "--passphrase-fd 5" "the directory error names N"
t_grep "$T_ERR" "directory" "the error says it is a directory"
t_run 64 "--passphrase-fd write-only" "$HSMO" --kdf-ms 20 --passphrase-fd 4 import "$T_SERVICE_FILE" "$T_HSM_FILE" 4>"$T_DIR/wo"
t_grep "$T_ERR" "--passphrase-fd 4" "the write-only error names N"
t_grep "$T_ERR" "reading" "the error says it is not open for reading"
set +e
"$HSMO" --kdf-ms 20 --passphrase-fd 0 import "$T_SERVICE_FILE" "$T_HSM_FILE" <&- >"$T_OUT" 2>"$T_ERR"
rc=$?
set -e
[ "$rc" -eq 64 ] || t_fail "--passphrase-fd 0 with stdin closed: exit $rc, expected 64"
t_grep "$T_ERR" "--passphrase-fd 0" "closed stdin as the passphrase fd names 0"
[ ! -e "$state_dir/ACMEHSM01" ] || t_fail "a profile was created"
t_ok "nothing was created by any refused passphrase fd"
t_run 64 "status is refused too with a closed passphrase fd" "$HSMO" --passphrase-fd 7 status 7<&-

# ---- closed stdout and stderr: the import still writes a vault that opens, and nothing lands on fd 1/2 ----
set +e
"$HSMO" --kdf-ms 20 --passphrase-fd 3 import "$T_SERVICE_FILE" "$T_HSM_FILE" 3<<<"$PASS" >&- 2>&-
rc=$?
set -e
[ "$rc" -eq 0 ] || t_fail "import with stdout and stderr closed: exit $rc"
t_ok "import with stdout and stderr closed"
t_run 0 "the vault opens with the real passphrase" "$HSMO" --passphrase-fd 3 --profile ACMEHSM01 secrets 3<<<"$PASS"
grep -qE '^ +setup-password +stored$' "$T_OUT" || t_fail "setup-password not stored"
[ "$(stat -c %s "$state_dir/ACMEHSM01/lock")" -eq 0 ] || t_fail "the lock file is not empty after the run"
t_ok "the lock file holds no stray output"

# ---- Ctrl-C at the first passphrase prompt on a terminal leaves no profile behind ----
t_make_credfiles "$IN/ctrlc" ACME_Corp eco CTRLC01 20261120 pkcs11
rc=$(t_on_tty assphrase "^C" "$HSMO" import --kdf-ms 20 "$T_SERVICE_FILE" "$T_HSM_FILE")
[ "$rc" = signal ] || [ "$rc" -ne 0 ] || t_fail "the import went on after Ctrl-C"
t_ok "Ctrl-C at the passphrase prompt stopped the import ($rc)"
t_run 0 "status after Ctrl-C lists no half-made profile" "$HSMO" status
t_nogrep "$T_OUT" "CTRLC01" "status does not show the interrupted profile"
t_nogrep "$T_ERR" "CTRLC01" "status does not complain about the interrupted profile"
t_run 0 "the interrupted profile is imported by the next try" "$HSMO" --kdf-ms 20 --passphrase-fd 3 import \
	"$T_SERVICE_FILE" "$T_HSM_FILE" 3<<<"$PASS"
t_run 0 "status shows it then" "$HSMO" --profile CTRLC01 status

# ---- the right descriptor still works ----
t_run 0 "an open --passphrase-fd 3 works" "$HSMO" --passphrase-fd 3 --profile ACMEHSM01 secrets 3<<<"$PASS"
t_scan_leaks
t_done
