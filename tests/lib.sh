# tests/lib.sh: sourced by every shell integration test (run by `make check`).
# shellcheck shell=sh
#
# It gives each test a private, pinned world (HOME, XDG_*, LANG, TZ, a temp dir removed on exit),
# assertion helpers that name what failed, invented credential files, and the leak scan that every
# test handling a secret must end with. Exit codes follow automake: 0 pass, 77 skip, 99 hard error.
set -eu

: "${HSMO:?HSMO must point at the built hsm-onboard (make check sets it)}"
: "${top_srcdir:?}" "${top_builddir:?}"

T_NAME=$(basename "$0" .sh)
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hsmo-$T_NAME.XXXXXX")
chmod 700 "$T_DIR"
T_SECRETS="$T_DIR/.secrets-under-test"   # one secret value per line, for t_scan_leaks
: > "$T_SECRETS"
T_CHECKS=0

# t_finish RC: removes the test's dir (kept for inspection when the test failed and T_KEEP is set),
# then exits RC. The EXIT trap; a library with more to stop (wizard-lib.sh) calls it last.
t_finish() {
	if [ "$1" -ne 0 ] && [ -n "${T_KEEP:-}" ]; then
		echo "# kept $T_DIR for inspection"
	else
		rm -rf "$T_DIR"
	fi
	exit "$1"
}
t_cleanup() { t_finish $?; }
trap t_cleanup EXIT

export HOME="$T_DIR/home"
export XDG_STATE_HOME="$HOME/.local/state"
export XDG_CONFIG_HOME="$HOME/.config"
export XDG_DATA_HOME="$HOME/.local/share"
export XDG_CACHE_HOME="$HOME/.cache"
export XDG_RUNTIME_DIR="$T_DIR/run"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=Europe/Zurich LANGUAGE=
unset HSM_ONBOARD_FAILPOINT NO_COLOR HTTPS_PROXY https_proxy 2>/dev/null || true
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$HOME" "$XDG_RUNTIME_DIR"

# T_TIME_FACTOR: how much slower this build runs than a release build (configure sets it from
# --enable-sanitizers and --enable-debug; HSMO_TIME_FACTOR overrides it, e.g. under valgrind). Every
# timeout of a test is t_secs of its release-build value, never a fixed guess.
T_TIME_FACTOR=${HSMO_TIME_FACTOR:-1}
case $T_TIME_FACTOR in ''|*[!0-9]*) T_TIME_FACTOR=1 ;; esac
t_secs() { echo $(( $1 * T_TIME_FACTOR )); }

t_fail() { echo "FAIL: $T_NAME: $*" >&2; exit 1; }
t_skip() { echo "SKIP: $T_NAME: $*"; exit 77; }

# Skips (doc/DESIGN.md, "Skips"). A test skips only when this machine lacks what it needs, and says
# what in a tag that ./quickstart.sh test (tests/skips.sh) can check, so a skip cannot hide a broken
# command:
#   [missing PKG]    the Debian package PKG is not installed (a skip while PKG is installed fails);
#   [build FEATURE]  this build was configured without FEATURE (failpoints, sanitizers): the skip is
#                    accepted only when the same test passed in a build that has it;
#   [machine]        the kernel or the sandbox forbids the proof (restricted ptrace, core_pattern).
# t_skip_missing PKG REASON, t_skip_build FEATURE REASON, t_skip_machine REASON.
t_skip_missing() { p=$1; shift; t_skip "$* [missing $p]"; }
t_skip_build() { f=$1; shift; t_skip "$* [build $f]"; }
t_skip_machine() { t_skip "$* [machine]"; }
# t_need_tool COMMAND PKG: COMMAND must be on PATH.
t_need_tool() { command -v "$1" >/dev/null 2>&1 || t_skip_missing "$2" "$1 is not installed"; }
t_need_python3() { t_need_tool python3 python3; }
t_need_tmux() { t_need_tool tmux tmux; }
t_need_pkcs11_tool() { t_need_tool pkcs11-tool opensc; }
# t_need_softhsm: the SoftHSM2 module configure found (SOFTHSM2_MODULE, which the demo uses too) and
# softhsm2-util.
t_need_softhsm() {
	[ -n "${SOFTHSM2_MODULE:-}" ] && [ -f "$SOFTHSM2_MODULE" ] ||
		t_skip_missing softhsm2 "SoftHSM2 module not found (configure looked for it)"
	t_need_tool softhsm2-util softhsm2
}
# t_softhsm_private [TOKENDIR]: SoftHSM2 keeps its tokens in the test's own dir (SOFTHSM2_CONF, no root
# needed; TOKENDIR defaults to $T_DIR/tokens); T_SO_PIN is a fresh security-officer PIN, registered for
# the leak scan.
t_softhsm_private() {
	export SOFTHSM2_CONF="$T_DIR/softhsm2.conf"
	mkdir -p "${1:-$T_DIR/tokens}"
	printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "${1:-$T_DIR/tokens}" \
		> "$SOFTHSM2_CONF"
	T_SO_PIN=$(t_rand_alnum 12)
	t_secret "$T_SO_PIN"
}
# t_import PROFILE PASSPHRASE [IMPORT-OPTION...]: imports the last t_make_credfiles pair
# ($T_SERVICE_FILE, $T_HSM_FILE) into PROFILE with the fast test KDF, the passphrase on fd 3 (never in
# argv); its output goes to $T_DIR/all-output, which the leak scan reads.
t_import() {
	_p=$1 _pass=$2
	shift 2
	t_hsmo_from /dev/stdin --profile "$_p" import "$@" "$T_SERVICE_FILE" "$T_HSM_FILE" >>"$T_DIR/all-output" 2>&1 <<EOF
$_pass
EOF
}
# t_softhsm_token LABEL [PIN]: a fresh token in the private SoftHSM2 (after t_softhsm_private) whose
# user PIN is PIN, by default the setup password of the last t_make_credfiles: the partition as
# Securosys hands it over.
t_softhsm_token() {
	softhsm2-util --init-token --free --label "$1" --so-pin "$T_SO_PIN" --pin "${2:-$T_SETUP_PW}" >/dev/null
}
# t_ppin_sim_reset: a fresh hsm-onboard-ppin-sim state in HSM_ONBOARD_PPIN_SIM_DIR that accepts only
# $T_SERVICE_PW as the proxy password.
t_ppin_sim_reset() {
	rm -f "$HSM_ONBOARD_PPIN_SIM_DIR"/*
	printf '%s' "$T_SERVICE_PW" | sha256sum | cut -d' ' -f1 > "$HSM_ONBOARD_PPIN_SIM_DIR/proxy.sha256"
}
# t_primus_partition USER PASSPHRASE: credential files for USER (with a PKCS#11 password) imported into
# profile USER, a fresh token labelled USER whose user PIN is the setup password, and t_ppin_sim_reset.
t_primus_partition() {
	t_make_credfiles "$T_DIR/creds-$1" acme hsm "$1" 20261120 pkcs11
	t_import "$1" "$2" --tier SBX
	t_softhsm_token "$1"
	t_ppin_sim_reset
}
# t_need_nginx: nginx as configure found it (NGINX), and openssl for the throwaway CA.
t_need_nginx() {
	[ -x "${NGINX:-/usr/sbin/nginx}" ] || t_skip_missing nginx-light "nginx is not installed"
	t_need_tool openssl openssl
}
# t_find_faketime: sets T_FAKETIME_LIB to libfaketime, or to "" when it is missing. Tests preload it
# directly (the faketime wrapper forks, and some tests signal the process under test).
t_find_faketime() {
	T_FAKETIME_LIB=
	for f in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 \
		/usr/lib64/faketime/libfaketime.so.1; do
		[ -f "$f" ] && { T_FAKETIME_LIB=$f; break; }
	done
}
# t_need_faketime: the same, and the test skips without it.
t_need_faketime() {
	t_find_faketime
	[ -n "$T_FAKETIME_LIB" ] || t_skip_missing libfaketime "libfaketime is not installed"
}
# t_at "YYYY-MM-DD HH:MM:SS" CMD...: runs CMD with the clock stopped at that UTC time (after
# t_need_faketime). libfaketime is preloaded directly: the faketime wrapper keeps a POSIX semaphore
# named after its PID, and under load a stale one of a killed run makes it fail ("sem_open: File
# exists"). FAKETIME takes local time, so GNU date converts (TZ is pinned above); a stopped clock makes
# every "seconds left" exact.
t_at() {
	when=$(date -d "$1 UTC" '+%Y-%m-%d %H:%M:%S')
	shift
	env LD_PRELOAD="$T_FAKETIME_LIB${LD_PRELOAD:+:$LD_PRELOAD}" FAKETIME="$when" "$@"
}
# t_json EXPR: a Python expression on the JSON in $T_OUT (bound to j) must be true.
t_json() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$T_OUT" "$1" || { cat "$T_OUT" >&2; t_fail "JSON check failed: $1"; }
	t_ok "json: $1"
}
# t_need_failpoints: a build configured with --enable-failpoints (it also honours
# HSM_ONBOARD_LOCALEDIR); the sanitize build of ./quickstart.sh test is one.
t_need_failpoints() {
	"$HSMO" --list-failpoints >/dev/null 2>&1 || t_skip_build failpoints "not a --enable-failpoints build"
}
t_ok() { T_CHECKS=$((T_CHECKS + 1)); echo "ok $T_CHECKS - $*"; }
# t_killed_at FAILPOINT CMD...: CMD (a command or a function) run with HSM_ONBOARD_FAILPOINT set must
# die there (SIGKILL, exit 137): the crash a test then recovers from. Its output goes to the leak scan.
t_killed_at() {
	_fp=$1
	shift
	set +e
	HSM_ONBOARD_FAILPOINT=$_fp "$@" >>"$T_DIR/all-output" 2>&1 </dev/null
	_rc=$?
	set -e
	[ "$_rc" -eq 137 ] || t_fail "$_fp: the command was not killed at the failpoint (exit $_rc)"
	t_ok "$_fp: killed at the failpoint"
}
# t_part_skipped REASON [TAG]: a part of the test could not run on this machine (TAG as for t_skip:
# "[missing PKG]", "[machine]"); the rest goes on, and t_done then ends the test as a skip that names
# every such part, so that tests/skips.sh judges it. A test passes only when every part ran.
T_PARTS_SKIPPED=
t_part_skipped() {
	T_PARTS_SKIPPED="$T_PARTS_SKIPPED; $1 ${2:-[machine]}"
	echo "# not run: $1 ${2:-[machine]}"
}
# t_have_tool COMMAND PKG WHAT: true when COMMAND is on PATH; otherwise WHAT is a part skipped for
# the missing Debian package PKG (see t_part_skipped).
t_have_tool() {
	command -v "$1" >/dev/null 2>&1 && return 0
	t_part_skipped "$3 ($1 is not installed)" "[missing $2]"
	return 1
}
t_done() {
	echo "# $T_NAME: $T_CHECKS checks passed"
	[ -z "$T_PARTS_SKIPPED" ] || t_skip "parts not run${T_PARTS_SKIPPED}"
}

# t_run EXPECTED_RC NAME CMD...: runs CMD, keeps stdout/stderr in $T_OUT/$T_ERR, checks the exit code.
T_OUT="$T_DIR/out" T_ERR="$T_DIR/err"
t_run() {
	want=$1 name=$2
	shift 2
	set +e
	"$@" >"$T_OUT" 2>"$T_ERR" </dev/null
	got=$?
	set -e
	cat "$T_OUT" "$T_ERR" >> "$T_DIR/all-output"
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout" >&2; cat "$T_OUT" >&2; echo "--- stderr" >&2; cat "$T_ERR" >&2
		t_fail "$name: exit $got, expected $want"
	fi
	t_ok "$name (exit $got)"
}

# t_grep FILE PATTERN NAME: FILE must contain the fixed string PATTERN.
t_grep() {
	grep -qF -- "$2" "$1" || { echo "--- $1" >&2; cat "$1" >&2; t_fail "$3: '$2' not found"; }
	t_ok "$3"
}
# t_nogrep FILE PATTERN NAME: FILE must not contain the fixed string PATTERN.
t_nogrep() {
	! grep -qF -- "$2" "$1" || t_fail "$3: '$2' found in $1"
	t_ok "$3"
}

# t_secret VALUE: registers a secret value for the leak scan.
t_secret() { printf '%s\n' "$1" >> "$T_SECRETS"; }

# t_rand_alnum N: N random letters and digits.
t_rand_alnum() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1"; }
# t_setup_password: five groups of five letters and digits joined by '-', like Securosys issues them.
t_setup_password() {
	printf '%s-%s-%s-%s-%s' "$(t_rand_alnum 5)" "$(t_rand_alnum 5)" "$(t_rand_alnum 5)" \
		"$(t_rand_alnum 5)" "$(t_rand_alnum 5)"
}

# t_make_credfiles DIR COMPANY SVC USER DATE [pkcs11]: writes an invented service file and hsm file
# named like the real ones; registers every secret; sets T_SERVICE_FILE, T_HSM_FILE, T_SETUP_PW,
# T_SERVICE_PW and T_PKCS11_PW.
t_make_credfiles() {
	dir=$1 company=$2 svc=$3 user=$4 date=$5
	mkdir -p "$dir"
	T_SERVICE_PW="$(t_rand_alnum 12)#:$(t_rand_alnum 4) x"
	T_SETUP_PW=$(t_setup_password)
	T_PKCS11_PW=$(t_rand_alnum 16)
	T_SERVICE_FILE="$dir/${company}_${svc}_service_${user}_${date}.txt"
	T_HSM_FILE="$dir/${company}_${svc}_hsm_${user}_${date}.txt"
	printf 'Service User Name: %s\nService User Password: %s\nHSM User Name: %s\n' \
		"svc-$user" "$T_SERVICE_PW" "$user" > "$T_SERVICE_FILE"
	printf 'HSM User Name: %s\nHSM User Setup Password: %s\n' "$user" "$T_SETUP_PW" > "$T_HSM_FILE"
	if [ "${6:-}" = pkcs11 ]; then
		printf 'PKCS#11 password : %s\n' "$T_PKCS11_PW" >> "$T_HSM_FILE"
		t_secret "$T_PKCS11_PW"
	fi
	chmod 600 "$T_SERVICE_FILE" "$T_HSM_FILE"
	t_secret "$T_SERVICE_PW"
	t_secret "$T_SETUP_PW"
}

# t_make_jwtfile DIR COMPANY USER DATE [ENDPOINT]: writes an invented TSBaaS jwt file (0600) for USER
# whose API-Endpoint is ENDPOINT (https://tenant.example.test by default); sets T_JWT (registered for
# the leak scan) and T_JWT_FILE.
t_make_jwtfile() {
	mkdir -p "$1"
	_b64u() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
	T_JWT="$(_b64u '{"alg":"RS256","typ":"JWT"}').$(_b64u "{\"sub\":\"$3\",\"iat\":1795740720,\"exp\":1798332720}")"
	T_JWT="$T_JWT.$(t_rand_alnum 43)"
	t_secret "$T_JWT"
	T_JWT_FILE="$1/${2}_tsbaas_jwt_${3}_$4.txt"
	(umask 077 && printf 'API-Endpoint: %s\nJWT-TOKEN: %s\n' "${5:-https://tenant.example.test}" "$T_JWT" > "$T_JWT_FILE")
}

# t_passfile FILE VALUE: writes VALUE as a passphrase file (0600) for t_hsmo_from: a second vault's
# passphrase, or a wrong or weak one that the test expects refused (register a real one with t_secret).
t_passfile() { (umask 077 && printf '%s\n' "$2" > "$1"); }
# t_passphrase [PASSPHRASE]: the test's vault passphrase, PASSPHRASE or a fresh one: in $PASS, registered
# for the leak scan, and in $T_DIR/pass (0600), which t_hsmo hands over on fd 3.
t_passphrase() {
	PASS=${1:-"vault pass $(t_rand_alnum 10)"}
	t_secret "$PASS"
	t_passfile "$T_DIR/pass" "$PASS"
}
# T_HSMO_FROM FILE ARG...: a program that runs hsm-onboard with the fast test KDF and the passphrase
# read from FILE on fd 3 (never in argv or the environment). It is a program, not a function, so that
# env, timeout, t_at, strace or a background job that the test signals can run it (it execs: $! is
# hsm-onboard's PID). Written once here: the one place a test hands a passphrase over.
T_HSMO_FROM="$T_DIR/.hsmo-from"
printf '#!/bin/sh\nf=$1\nshift\nexec "%s" --kdf-ms 20 --passphrase-fd 3 "$@" 3<"$f"\n' "$HSMO" > "$T_HSMO_FROM"
chmod 700 "$T_HSMO_FROM"
# t_hsmo_from FILE ARG...: the same as a shell function.
t_hsmo_from() { "$T_HSMO_FROM" "$@"; }
# t_hsmo ARG...: hsm-onboard with the passphrase of t_passphrase. The way a test runs a command that
# opens a vault.
t_hsmo() { "$T_HSMO_FROM" "$T_DIR/pass" "$@"; }

# t_jce_standin: tests/jce-standin as `java` on PATH, its state in JCE_STANDIN_DIR=$T_DIR/hsm, an empty
# Primus Tools jar at JAR, and a vault passphrase (t_passphrase).
t_jce_standin() {
	export JCE_STANDIN_DIR="$T_DIR/hsm"
	mkdir -p "$JCE_STANDIN_DIR" "$T_DIR/bin"
	ln -s "$top_srcdir/tests/jce-standin" "$T_DIR/bin/java"
	export PATH="$T_DIR/bin:$PATH"
	JAR="$T_DIR/primus-tools.jar"
	: > "$JAR"
	t_passphrase
}

# t_jce_profile PROFILE USER [DATE]: after t_jce_standin, credential files of USER (in $T_DIR/creds/,
# which T_SCAN_EXCLUDE then names) that the stand-in accepts, imported into PROFILE with $PASS.
t_jce_profile() {
	t_make_credfiles "$T_DIR/creds/$1" co eco "$2" "${3:-20261120}"
	T_SCAN_EXCLUDE=$T_DIR/creds
	printf '%s' "$T_SETUP_PW" | sha256sum | cut -d' ' -f1 > "$JCE_STANDIN_DIR/setup.sha256"
	printf '%s' "$T_SERVICE_PW" | sha256sum | cut -d' ' -f1 > "$JCE_STANDIN_DIR/proxy.sha256"
	printf '%s' "$2" > "$JCE_STANDIN_DIR/user"
	rm -f "$JCE_STANDIN_DIR/secret"
	t_import "$1" "$PASS" --tier ECO
}

# t_jce_connect PROFILE [ARG...]: connect PROFILE with the jce engine through the stand-in, --yes, the
# passphrase from $T_DIR/pass.
t_jce_connect() {
	_p=$1
	shift
	t_hsmo --profile "$_p" --yes connect --engine jce --module "$JAR" --endpoint jce-a.example.test "$@"
}

# t_state_profile NAME JSON-FIELDS: a profile directory (0700) with a state.json (0600) holding the
# fields after '"version": 1, "step": "import", ', as a person or an older version may have left it.
t_state_profile() {
	_dir="$XDG_STATE_HOME/hsm-onboard/$1"
	mkdir -p "$_dir"
	chmod 700 "$XDG_STATE_HOME/hsm-onboard" "$_dir"
	printf '{"version": 1, "step": "import", %s}\n' "$2" > "$_dir/state.json"
	chmod 600 "$_dir/state.json"
}

# t_scan_leaks [PATH...]: no registered secret may appear in any file under the test's home and
# run dirs, in the captured output of every t_run, or in the extra PATHs given. The credential files
# the test wrote itself are plaintext on purpose; pass T_SCAN_EXCLUDE (a directory) to skip them.
t_scan_leaks() {
	[ -s "$T_SECRETS" ] || t_fail "leak scan: no secrets were registered, the scan would prove nothing"
	hits=$(grep -rlF -f "$T_SECRETS" "$HOME" "$XDG_RUNTIME_DIR" "$T_DIR/all-output" "$@" \
		${T_SCAN_EXCLUDE:+--exclude-dir="$(basename "$T_SCAN_EXCLUDE")"} 2>/dev/null || true)
	[ -z "$hits" ] || t_fail "leak scan: a secret value was found in: $hits"
	t_ok "leak scan: no secret in files, stdout or stderr ($(wc -l < "$T_SECRETS") secrets)"
}

# t_on_tty PROMPT ANSWER PROGRAM ARGS...: runs PROGRAM on a new pseudo-terminal (its controlling
# terminal, so /dev/tty works), waits up to 60 s for PROMPT in its output, then types ANSWER and Enter
# ("^C" types Ctrl-C instead), and prints its exit status, or "signal" when a signal ended it.
# Needs python3 (the caller skips without it).
t_on_tty() {
	python3 - "$@" <<'PY'
import os, sys, time
prompt, answer, argv = sys.argv[1].encode(), sys.argv[2], sys.argv[3:]
pid, fd = os.forkpty()
if pid == 0:
    os.execv(argv[0], argv)
out, deadline = b"", time.time() + 60
while prompt not in out and time.time() < deadline:
    try:
        out += os.read(fd, 4096)
    except OSError:
        break
time.sleep(0.2)
os.write(fd, b"\x03" if answer == "^C" else answer.encode() + b"\n")
while True:
    try:
        if not os.read(fd, 4096):
            break
    except OSError:
        break
_, status = os.waitpid(pid, 0)
print("signal" if os.WIFSIGNALED(status) else os.waitstatus_to_exitcode(status))
PY
}

# t_tty_answers PROMPT... -- PROGRAM ARGS...: runs PROGRAM on a new pseudo-terminal (its controlling
# terminal, so a tool that reads /dev/tty, as ppin does, gets the answers), and for each PROMPT in
# turn waits up to 60 s for it, then types the next line of this function's stdin and Enter (the
# answers never go into an argv). Prints PROGRAM's output, then exits with its status. Needs python3.
t_tty_answers() {
	python3 -c '
import os, sys, time
i = sys.argv.index("--")
prompts, argv = [p.encode() for p in sys.argv[1:i]], sys.argv[i + 1:]
answers = sys.stdin.read().split("\n")
pid, fd = os.forkpty()
if pid == 0:
    os.execv(argv[0], argv)
out, seen = b"", 0
for k, prompt in enumerate(prompts):
    deadline = time.time() + 60
    while prompt not in out[seen:] and time.time() < deadline:
        try:
            out += os.read(fd, 4096)
        except OSError:
            break
    seen = out.find(prompt, seen) + len(prompt)
    time.sleep(0.1)
    os.write(fd, answers[k].encode() + b"\n")
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:
        break
    if not b:
        break
    out += b
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status) if not os.WIFSIGNALED(status) else 128)
' "$@"
}

# t_ppin_sim: a private SoftHSM2 (t_softhsm_private) and hsm-onboard-ppin-sim over it: SIM is the
# simulator, HSM_ONBOARD_PPIN_SIM_DIR its flag folder, calls its log of calls.
t_ppin_sim() {
	SIM="$top_builddir/hsm-onboard-ppin-sim"
	[ -x "$SIM" ] || t_fail "$SIM was not built"
	t_softhsm_private
	export HSM_ONBOARD_PPIN_SIM_DIR="$T_DIR/hsm" HSM_ONBOARD_PPIN_SIM_MODULE="$SOFTHSM2_MODULE"
	mkdir -p "$HSM_ONBOARD_PPIN_SIM_DIR"
	# shellcheck disable=SC2034 # read by the tests that call this
	calls="$HSM_ONBOARD_PPIN_SIM_DIR/calls.log"
}
