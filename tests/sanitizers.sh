#!/bin/sh
# sanitizers.sh: in a sanitizer build, the test environment really makes a sanitizer report fail the
# run. tests/sanitizer-canary has one deliberate bug per argument; with the ASAN_OPTIONS,
# UBSAN_OPTIONS and LSAN_OPTIONS that `make check` exports to every test (Makefile.am), each bug must
# produce its report and a failing exit code. This guards against a later change of those options
# (halt_on_error off, detect_leaks off) silently turning reports into log noise. Skipped in builds
# without sanitizers.
. "${top_srcdir:?}/tests/lib.sh"

CANARY=$top_builddir/tests/sanitizer-canary
[ -x "$CANARY" ] || t_fail "$CANARY is not built"
ldd "$HSMO" | grep -q libasan || t_skip_build sanitizers "not a sanitizer build (hsm-onboard is not linked with ASan)"
ldd "$CANARY" | grep -q libasan || t_fail "the canary is not built with the sanitizers of this build"

canary() { # BUG REPORT-TEXT
	set +e
	"$CANARY" "$1" >"$T_OUT" 2>"$T_ERR"
	rc=$?
	set -e
	[ "$rc" -ne 0 ] || { cat "$T_ERR" >&2; t_fail "$1: the sanitizer let the run pass (exit 0)"; }
	grep -q "$2" "$T_ERR" || { cat "$T_ERR" >&2; t_fail "$1: no '$2' report"; }
	t_ok "$1: '$2' reported and the run fails (exit $rc)"
}
canary overflow "AddressSanitizer: heap-buffer-overflow"
canary leak "LeakSanitizer: detected memory leaks"
canary ub "runtime error: signed integer overflow"
echo "# ASAN_OPTIONS=$ASAN_OPTIONS"
echo "# UBSAN_OPTIONS=$UBSAN_OPTIONS"
t_done
