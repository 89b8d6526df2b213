# tests/lib.sh: sourced by every shell integration test (run by `make check`).
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

t_cleanup() {
	rc=$?
	if [ "$rc" -ne 0 ] && [ -n "${T_KEEP:-}" ]; then
		echo "# kept $T_DIR for inspection"
	else
		rm -rf "$T_DIR"
	fi
	exit "$rc"
}
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

t_fail() { echo "FAIL: $T_NAME: $*" >&2; exit 1; }
t_skip() { echo "SKIP: $T_NAME: $*"; exit 77; }
t_ok() { T_CHECKS=$((T_CHECKS + 1)); echo "ok $T_CHECKS - $*"; }
t_done() { echo "# $T_NAME: $T_CHECKS checks passed"; }

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
