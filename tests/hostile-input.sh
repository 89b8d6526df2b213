#!/bin/bash
# tests/hostile-input.sh: careless and hostile input through the built CLI. Wrong input is refused
# with a message naming the file and line and changes nothing; strange input is quoted, never sent
# raw to the terminal; each warning is said once. Every scenario ends with the leak scan.
. "$top_srcdir/tests/lib.sh"

IN="$T_DIR/in"
T_SCAN_EXCLUDE=$IN
t_passphrase "hostile input passphrase $(t_rand_alnum 10)"
state_dir="$XDG_STATE_HOME/hsm-onboard"

# ---- a credential file others can read: one warning, one remedy ----
t_make_credfiles "$IN" ACME_Corp eco LOOSE01 20261120
chmod 644 "$T_SERVICE_FILE"
t_run 0 "import of a 0644 file" t_hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE"
n=$(grep -c "mode 0644" "$T_ERR" || true)
[ "$n" = 1 ] || { cat "$T_ERR" >&2; t_fail "the loose mode was reported $n times, expected once"; }
t_ok "the loose mode is reported once"
t_grep "$T_ERR" "$T_SERVICE_FILE: other users can read this file (mode 0644), and it holds secrets: import it with --shred to delete it afterwards, or run chmod 600 on it" "one remedy: --shred or chmod 600"
# (A release build ignores the suite's test KDF cost, so it also warns that --kdf-ms 20 hit the floor.)
n=$(grep "warning:" "$T_ERR" | grep -vc "below the floor" || true)
[ "$n" = 1 ] || { cat "$T_ERR" >&2; t_fail "$n warnings for one loose file"; }
t_ok "no second warning in other words"

# ---- a setup password cut when copied: 65 with FILE:LINE, nothing written ----
t_make_credfiles "$IN/cut" ACME_Corp eco CUT01 20261120
cut_pw=${T_SETUP_PW%-*-*-*}
t_secret "$cut_pw"
printf 'HSM User Name: CUT01\nHSM User Setup Password: %s\n' "$cut_pw" > "$T_HSM_FILE"
t_run 65 "import of a truncated setup password" t_hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$T_ERR" "hsm-onboard: $T_HSM_FILE:2: the HSM User Setup Password is not in the documented format" "FILE:LINE of the setup password"
t_grep "$T_ERR" "this one has 11 characters in 2 groups. Was it cut when copied?" "the likely cause"
[ ! -e "$state_dir/CUT01" ] || t_fail "a refused import created the profile"
t_ok "nothing was written"
t_run 0 "--accept-setup-format overrides" t_hsmo --accept-setup-format import "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$T_ERR" "accepted because of --accept-setup-format" "the override is said"
[ -f "$state_dir/CUT01/vault" ] || t_fail "the accepted import wrote no vault"
t_ok "the accepted import wrote the vault"

# ---- weak vault passphrases: refused on the fd as on the terminal, nothing created ----
t_make_credfiles "$IN/weak" ACME_Corp eco WEAK01 20261120
weak() { # weak NAME PASSPHRASE WORDS: the passphrase on fd 3 is refused with WORDS
	t_passfile "$T_DIR/weakpass" "$2"
	t_run 64 "$1" t_hsmo_from "$T_DIR/weakpass" import "$T_SERVICE_FILE" "$T_HSM_FILE"
	t_grep "$T_ERR" "$3" "$1: the reason is given"
	[ ! -e "$state_dir/WEAK01/vault" ] || t_fail "$1: a vault was created"
}
weak "spaces only" "                " "the vault passphrase is only white space"
weak "tabs and spaces" "$(printf ' \t  \t      \t ')" "the vault passphrase is only white space"
weak "11 characters padded with spaces" "      abcdefghijk      " "at least 12 characters, not counting white space at either end"
weak "11 characters" "abcdefghijk" "at least 12 characters"
weak "one character repeated" "aaaaaaaaaaaa" "one character repeated"
weak "a short pattern repeated" "abcabcabcabc" "repeats a pattern of 3 characters"
weak "little more than the profile name" "weak01-WEAK01" "little more than the name 'WEAK01'"
weak "little more than the login name" "$(id -un)$(id -un)$(id -un)$(id -un)!" "little more than the name '$(id -un)'"
t_passfile "$T_DIR/weakpass" ""
t_run 64 "an empty line" t_hsmo_from "$T_DIR/weakpass" import "$T_SERVICE_FILE" "$T_HSM_FILE"
[ ! -e "$state_dir/WEAK01/vault" ] || t_fail "an empty passphrase created a vault"
t_ok "an empty passphrase created nothing"

# ---- the KDF floor: --kdf-ms 1 still gets N=2^15, r=8, and says so ----
# The suite runs with HSM_ONBOARD_TEST_KDF_LOG2N (honoured by test builds only): without it, the
# calibration and its floor are what a user gets.
t_make_credfiles "$IN/floor" ACME_Corp eco FLOOR01 20261120
t_run 0 "import with --kdf-ms 1" env -u HSM_ONBOARD_TEST_KDF_LOG2N "$T_HSMO_FROM" "$T_DIR/pass" --kdf-ms 1 \
	import "$T_SERVICE_FILE" "$T_HSM_FILE"
# The vault header: byte 9 is log2 N, bytes 10..13 are r (big-endian).
log2n=$(od -An -tu1 -j9 -N1 "$state_dir/FLOOR01/vault" | tr -d ' ')
r=$(od -An -tu1 -j13 -N1 "$state_dir/FLOOR01/vault" | tr -d ' ')
[ "$log2n" -ge 15 ] && [ "$r" -ge 8 ] || t_fail "--kdf-ms 1 sealed the vault with N=2^$log2n r=$r, below the floor"
t_ok "the vault's cost is at least N=2^15, r=8 (N=2^$log2n)"
t_grep "$T_ERR" "profile FLOOR01: the scrypt cost calibrated for 1 ms is below the floor; the vault uses the floor instead, N=2^15, r=8" "the floor is said"
t_run 0 "the floored vault opens" t_hsmo --profile FLOOR01 secrets
t_run 0 "--help names the floor" "$HSMO" --help
t_grep "$T_OUT" "never below the floor N=2^15, r=8 (OWASP)" "the floor in --help"
# The test-only cost: honoured by a test build, ignored by a release build.
t_make_credfiles "$IN/fast" ACME_Corp eco FAST01 20261120
t_run 0 "import with HSM_ONBOARD_TEST_KDF_LOG2N=11" env HSM_ONBOARD_TEST_KDF_LOG2N=11 "$T_HSMO_FROM" "$T_DIR/pass" --kdf-ms 1 \
	import "$T_SERVICE_FILE" "$T_HSM_FILE"
log2n=$(od -An -tu1 -j9 -N1 "$state_dir/FAST01/vault" | tr -d ' ')
if "$HSMO" --list-failpoints >/dev/null 2>&1; then
	[ "$log2n" = 11 ] || t_fail "a test build ignored HSM_ONBOARD_TEST_KDF_LOG2N (N=2^$log2n)"
	t_ok "a test build honours the test cost"
else
	[ "$log2n" -ge 15 ] || t_fail "a release build honoured HSM_ONBOARD_TEST_KDF_LOG2N (N=2^$log2n)"
	t_ok "a release build ignores the test cost"
fi

# ---- ticket --output: an existing file is kept without --force; no fixed temp name ----
mkdir -p "$T_DIR/tickets"
echo "an earlier ticket" > "$T_DIR/tickets/ticket.txt"
t_run 73 "ticket --output onto an existing file" "$HSMO" --profile LOOSE01 ticket --output "$T_DIR/tickets/ticket.txt"
t_grep "$T_ERR" "$T_DIR/tickets/ticket.txt exists; it is not overwritten without --force" "the refusal names the file and --force"
[ "$(cat "$T_DIR/tickets/ticket.txt")" = "an earlier ticket" ] || t_fail "the existing ticket was overwritten"
t_ok "the existing file is unchanged"
# A planted FILE.tmp (the name a fixed temp scheme would use) is neither followed nor in the way.
ln -s "$T_DIR/tickets/victim" "$T_DIR/tickets/new.txt.tmp"
t_run 0 "ticket --output beside a planted .tmp link" "$HSMO" --profile LOOSE01 ticket --output "$T_DIR/tickets/new.txt"
t_grep "$T_DIR/tickets/new.txt" "LOOSE01" "the ticket was written"
[ "$(stat -c %a "$T_DIR/tickets/new.txt")" = 600 ] || t_fail "ticket --output wrote mode $(stat -c %a "$T_DIR/tickets/new.txt")"
t_ok "ticket --output writes mode 0600, as the wizard's S does (ticket_save)"
[ ! -e "$T_DIR/tickets/victim" ] || t_fail "the ticket was written through the planted link"
t_ok "nothing was written through the planted link"
t_run 0 "ticket --output --force replaces" "$HSMO" --profile LOOSE01 ticket --force --output "$T_DIR/tickets/ticket.txt"
t_grep "$T_DIR/tickets/ticket.txt" "LOOSE01" "--force replaced the file"
# shellcheck disable=SC2012 # the names are the test's own, without a newline
[ "$(ls -A "$T_DIR/tickets" | sort | tr '\n' ' ')" = "new.txt new.txt.tmp ticket.txt " ] || t_fail "temp files left: $(ls -A "$T_DIR/tickets")"
t_ok "no temp file left"
ln -s "$T_DIR/tickets/victim2" "$T_DIR/tickets/link.txt"
t_run 77 "ticket --output onto a symbolic link" "$HSMO" --profile LOOSE01 ticket --force --output "$T_DIR/tickets/link.txt"
t_grep "$T_ERR" "$T_DIR/tickets/link.txt is a symbolic link: refused" "the link is named"
[ ! -e "$T_DIR/tickets/victim2" ] || t_fail "the ticket was written through a link"
t_ok "nothing written through the link"

# ---- symbolic links in a profile: refused with the path, never followed, forget drops the link ----
P="$state_dir/LOOSE01"
sum_of() { sha256sum "$1" | cut -d' ' -f1; }
cp -p "$P/vault" "$T_DIR/elsewhere-vault"
before=$(sum_of "$T_DIR/elsewhere-vault")
rm "$P/vault" && ln -s "$T_DIR/elsewhere-vault" "$P/vault"
t_run 77 "secrets through a vault link" t_hsmo --profile LOOSE01 secrets
t_grep "$T_ERR" "$P/vault is a symbolic link: refused" "the vault link is named"
t_run 77 "import into a profile whose vault is a link" t_hsmo import "$IN/ACME_Corp_eco_service_LOOSE01_20261120.txt" "$IN/ACME_Corp_eco_hsm_LOOSE01_20261120.txt"
[ -L "$P/vault" ] && [ "$(sum_of "$T_DIR/elsewhere-vault")" = "$before" ] || t_fail "the vault link or its target changed"
t_ok "the link and its target are unchanged"
cp -p "$P/state.json" "$T_DIR/elsewhere-state.json"
sbefore=$(sum_of "$T_DIR/elsewhere-state.json")
rm "$P/state.json" && ln -s "$T_DIR/elsewhere-state.json" "$P/state.json"
t_run 77 "status through a state.json link" "$HSMO" --profile LOOSE01 status
t_grep "$T_ERR" "$P/state.json is a symbolic link: refused" "the state link is named"
t_run 77 "mark-used through a state.json link" "$HSMO" --profile LOOSE01 mark-used
[ "$(sum_of "$T_DIR/elsewhere-state.json")" = "$sbefore" ] || t_fail "state.json's target was written"
t_ok "state.json's target is unchanged"
# forget's guard must read the state, so state.json becomes a file again; the vault stays a link.
rm "$P/state.json" && cp -p "$T_DIR/elsewhere-state.json" "$P/state.json"
t_run 0 "forget with a vault link" "$HSMO" --profile LOOSE01 forget --yes
[ ! -e "$P" ] && [ ! -L "$P" ] || t_fail "the profile is still there"
[ "$(sum_of "$T_DIR/elsewhere-vault")" = "$before" ] || t_fail "forget overwrote the vault link's target"
t_ok "forget removed the links, never their targets"
# The lock file as a link: refused, the target untouched.
t_make_credfiles "$IN/lock" ACME_Corp eco LOCK01 20261120
t_run 0 "import LOCK01" t_hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE"
echo "someone else's file" > "$T_DIR/elsewhere-lock"
rm -f "$state_dir/LOCK01/lock" && ln -s "$T_DIR/elsewhere-lock" "$state_dir/LOCK01/lock"
t_run 77 "a lock file that is a link" t_hsmo --profile LOCK01 secrets
t_grep "$T_ERR" "$state_dir/LOCK01/lock is a symbolic link: refused" "the lock link is named"
[ "$(cat "$T_DIR/elsewhere-lock")" = "someone else's file" ] || t_fail "the lock's target was written"
t_ok "the lock's target is unchanged"

# ---- file names with control characters: quoted, never sent raw to the terminal ----
ESC=$(printf '\033')
mkdir -p "$IN/esc"
t_make_credfiles "$IN/esc" "${ESC}]0;pwned${ESC}[31mACME" eco ESC01 20261120
EVIL_SVC=$T_SERVICE_FILE EVIL_HSM=$T_HSM_FILE
NL_FILE="$IN/esc/line
break_eco_hsm_ESC01_20261120.txt"
cp "$EVIL_HSM" "$NL_FILE"
BAD_UTF8="$IN/esc/$(printf 'caf\351')_eco_hsm_ESC01_20261120.txt"
cp "$EVIL_HSM" "$BAD_UTF8"
chmod 644 "$EVIL_SVC"
no_raw() { # no_raw FILE NAME: FILE holds no ESC and no other C0 control but newline and tab
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$1"; then
		od -c "$1" | head -20 >&2
		t_fail "$2: a raw control character reached the terminal"
	fi
	t_ok "$2: no raw control character"
}
t_run 0 "inspect of files whose names hold ESC, a newline and Latin-1" "$HSMO" inspect "$EVIL_SVC" "$EVIL_HSM" "$NL_FILE" "$BAD_UTF8"
no_raw "$T_OUT" "inspect's stdout"
no_raw "$T_ERR" "inspect's warnings"
t_grep "$T_OUT" '"'"$IN"'/esc/\033]0;pwned\033[31mACME_eco_service_ESC01_20261120.txt"' "ESC shown as \\033, in quotes"
t_grep "$T_OUT" 'company "\033]0;pwned\033[31mACME"' "the name's facts are quoted too"
t_grep "$T_OUT" '/esc/line\nbreak_eco_hsm_ESC01_20261120.txt"' "a newline shown as \\n"
t_grep "$T_OUT" '/esc/caf\xE9_eco_hsm_ESC01_20261120.txt"' "a byte that is not UTF-8 shown as \\xNN"
t_grep "$T_ERR" '\033]0;pwned\033[31mACME_eco_service_ESC01_20261120.txt": other users can read this file' "the warning quotes the name"
t_run 0 "inspect --json of the same files" "$HSMO" --json inspect "$EVIL_SVC" "$EVIL_HSM" "$NL_FILE" "$BAD_UTF8"
no_raw "$T_OUT" "inspect's JSON"
python3 - "$T_OUT" "$EVIL_SVC" <<'EOPY' || t_fail "the JSON does not parse, or lost the names"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
paths = [f["path"] for f in d["files"]]
assert paths[0] == sys.argv[2], paths[0]          # JSON escapes ESC as \u001b and gives it back whole
assert "\n" in paths[2], paths[2]
assert paths[3].endswith('caf\\xE9_eco_hsm_ESC01_20261120.txt"'), paths[3]  # not UTF-8: quoted
EOPY
t_ok "JSON: names escaped as JSON requires, a name that is not UTF-8 quoted"
printf 'HSM User Name: ESC01\nHSM User Setup Password: abcde\n' > "$EVIL_HSM"
t_run 65 "import of a bad file with ESC in its name" t_hsmo import "$EVIL_SVC" "$EVIL_HSM"
no_raw "$T_ERR" "import's error"
t_grep "$T_ERR" '\033]0;pwned\033[31mACME_eco_hsm_ESC01_20261120.txt":2: the HSM User Setup Password is not in the documented format' "import's error quotes the name"
chmod 600 "$EVIL_SVC"

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
