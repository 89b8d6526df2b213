#!/bin/sh
# valgrind.sh PROGRAM...: `make check-valgrind` runs every cmocka unit test (tests/test_*) and every corpus
# replay (tests/fuzz/replay_*) among the PROGRAMs under memcheck; any memory error or definite leak
# fails. Only in a build without sanitizers: ASan's shadow memory and valgrind cannot share a process.
# The OpenSSL secure heap is an mlocked mmap, which memcheck handles; what OpenSSL keeps until exit is
# "still reachable", not a definite leak. A unit test that exits 77 (skipped) counts as skipped.
# HSMO_UNDER_VALGRIND=1 tells a unit test that its timings are ~50 times slower (test_vault.c's scrypt
# calibration uses it).
# Environment (set by Makefile.am): HSMO_CFLAGS (the build's flags, to refuse a sanitizer build),
# VALGRIND_SUPP (the suppressions file); the build directory is the working directory.
set -u

case " ${HSMO_CFLAGS:-} " in *-fsanitize=*)
	echo "check-valgrind: this build uses sanitizers; run it in a build configured without --enable-sanitizers/--enable-fuzzing" >&2
	exit 1 ;;
esac
command -v valgrind >/dev/null || { echo "check-valgrind: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }

pass=0 fail=0 skip=0
for t in "$@"; do
	case $t in tests/test_* | tests/fuzz/replay_*) ;; *) continue ;; esac
	rc=0
	HSMO_UNDER_VALGRIND=1 valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
		--suppressions="${VALGRIND_SUPP:?}" --show-leak-kinds=definite --num-callers=30 \
		--log-file="$t.valgrind.log" "./$t" >"$t.valgrind.out" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "PASS: $t (valgrind)"; pass=$((pass + 1))
	elif [ "$rc" -eq 77 ]; then
		echo "SKIP: $t (valgrind)"; skip=$((skip + 1))
	else
		echo "FAIL: $t (valgrind, exit $rc)"; fail=$((fail + 1))
		grep -v '^==[0-9]*== *$' "$t.valgrind.log" | tail -n 60
		tail -n 20 "$t.valgrind.out"
	fi
	rm -f "$t.valgrind.out"
done
echo "check-valgrind: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
