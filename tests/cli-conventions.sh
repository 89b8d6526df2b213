#!/bin/sh
# cli-conventions.sh: the command-line habits that scripts and gpg or git users rely on. "-" is
# standard input for inspect and import and standard output for ticket --output; a summary line goes
# to the stream of the messages it counts; the common options are abbreviated before the command word
# (--pro), and an ambiguous or unknown option there is a usage error, not a command word.
. "$top_srcdir/tests/lib.sh"

t_passphrase "conv pass $(t_rand_alnum 10)"
CREDS="$T_DIR/creds"
T_SCAN_EXCLUDE=$CREDS
t_make_credfiles "$CREDS" ACME sbx CONVUSER 20261120
# t_run_in EXPECTED NAME INPUT CMD...: t_run with INPUT on stdin.
t_run_in() {
	want=$1 name=$2 input=$3
	shift 3
	set +e
	"$@" <"$input" >"$T_OUT" 2>"$T_ERR"
	got=$?
	set -e
	cat "$T_OUT" "$T_ERR" >> "$T_DIR/all-output"
	[ "$got" -eq "$want" ] || { cat "$T_OUT" "$T_ERR" >&2; t_fail "$name: exit $got, expected $want"; }
	t_ok "$name (exit $got)"
}

# ---- "-" is standard input for inspect and import ----
t_run_in 0 "inspect -" "$T_HSM_FILE" "$HSMO" inspect -
t_grep "$T_OUT" "HSM User Name:           CONVUSER" "inspect - reads the file from stdin"
t_grep "$T_OUT" "present, 29 characters" "the setup password from stdin is shown as its length"
t_run_in 0 "inspect --json with - and a file" "$T_HSM_FILE" "$HSMO" --json inspect "$T_SERVICE_FILE" -
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["pairs"][0]; assert p["pair"] and p["hsm_file"] == "-", d' \
	"$T_OUT" || t_fail "the file from stdin does not pair with the service file"
t_ok "a service file and the hsm file from stdin pair up"
t_run 64 "inspect - - is a usage error" "$HSMO" inspect - -
t_grep "$T_ERR" "only once" "the second - is named"
printf 'no colon\n' > "$T_DIR/bad.txt"
t_run_in 65 "an invalid file on stdin" "$T_DIR/bad.txt" "$HSMO" inspect -
t_grep "$T_ERR" "standard input:1:" "the error names standard input and the line"

t_run_in 0 "import - with --shred" "$T_HSM_FILE" t_hsmo import --tier SBX --shred "$T_SERVICE_FILE" -
t_grep "$T_OUT" "Profile CONVUSER: imported." "import - imports the file from stdin"
[ -f "$T_HSM_FILE" ] || t_fail "--shred touched the file that was only read from stdin"
[ ! -e "$T_SERVICE_FILE" ] || t_fail "--shred did not shred the named file"
t_ok "--shred shreds the named files, and nothing for -"
: > "$T_DIR/-"
t_run_in 0 "import - again, with a file named '-' in the current directory" "$T_HSM_FILE" \
	sh -c 'cd "$1" && shift && "$@"' sh "$T_DIR" "$T_HSMO_FROM" "$T_DIR/pass" import --shred -
[ -f "$T_DIR/-" ] || t_fail "--shred with - shredded a file named '-'"
t_ok "a file named '-' is not standard input's stand-in for --shred"

# ---- ticket --output - is standard output ----
t_run 0 "ticket --output -" t_hsmo ticket --output -
t_grep "$T_OUT" "HSM SETUP PASSWORD RENEWAL REQUEST" "the ticket went to stdout"
[ ! -e ./- ] && [ ! -e "$HOME/-" ] || t_fail "ticket --output - wrote a file named '-'"
t_ok "no file named '-' was written"
t_run 0 "ticket --json --output -" t_hsmo --json ticket --output -
python3 -m json.tool "$T_OUT" >/dev/null || t_fail "ticket --json --output - is not JSON"
t_ok "ticket --json --output - prints the JSON"

# ---- a summary line and its messages share a stream ----
t_run 65 "inspect: one valid, one invalid" "$HSMO" inspect "$T_HSM_FILE" "$T_DIR/bad.txt"
t_grep "$T_ERR" "bad.txt:1:" "the error is on stderr"
t_grep "$T_ERR" "1 of 2 files are not valid" "its summary is on stderr too"
t_nogrep "$T_OUT" "not valid" "stdout has the valid file's fields only"

# ---- common options, abbreviated before the command word ----
t_run 0 "--pro and --js before the command" t_hsmo --pro CONVUSER --js status
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [p["name"] for p in d["profiles"]] == ["CONVUSER"], d' \
	"$T_OUT" || t_fail "--pro CONVUSER --js did not select the profile as JSON"
t_ok "the abbreviations were taken as --profile and --json"
t_run 0 "--pro=NAME before the command" t_hsmo --pro=CONVUSER status
t_grep "$T_OUT" "CONVUSER: HSM user CONVUSER" "--pro=NAME selects the profile"
t_run 0 "--vers is --version" "$HSMO" --vers
t_grep "$T_OUT" "hsm-onboard" "--vers prints the version"
t_run 64 "--p is ambiguous" "$HSMO" --p CONVUSER status
t_grep "$T_ERR" "option '--p' is ambiguous" "the ambiguity is named"
t_run 64 "a command's option before the command word" "$HSMO" --tier SBX import "$T_HSM_FILE"
t_grep "$T_ERR" "unknown option '--tier'" "it is an unknown option, not the command 'SBX'"
t_run 64 "--json=x" "$HSMO" --json=x status
t_grep "$T_ERR" "takes no argument" "a value for a flag is refused"
# After the command word the command's own options are abbreviated by getopt_long; the common ones are
# spelled out there, so that they never take an abbreviation away from the command.
t_run 0 "a command's own option abbreviated after the command" t_hsmo ticket --form json
python3 -m json.tool "$T_OUT" >/dev/null || t_fail "ticket --form json is not JSON"
t_ok "--form is ticket's --format"
t_run 0 "a common option spelled out after the command" t_hsmo status --profile CONVUSER
t_run 64 "a common option abbreviated after the command" t_hsmo status --pro CONVUSER

t_scan_leaks
t_done
