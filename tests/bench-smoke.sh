#!/bin/sh
# tests/bench-smoke.sh: bench/run --quick still works against this build. It asserts that
# the harness runs and prints its ratio lines and the figures without a ratio, never the timings:
# exit 2 (a goal missed on a busy machine) and 3 (an anchor disturbed) pass as well as 0.
. "$top_srcdir/tests/lib.sh"

t_need_python3
t_need_tool dialog dialog

rc=0
HSMO="$HSMO" python3 "$top_srcdir/bench/run" --quick --no-write > "$T_DIR/out" 2> "$T_DIR/err" || rc=$?
case $rc in
0 | 2 | 3) t_ok "bench/run --quick exits $rc (0: all goals met, 2: a goal missed, 3: disturbed)" ;;
*) cat "$T_DIR/out" "$T_DIR/err" >&2; t_fail "bench/run --quick exited $rc" ;;
esac
cat "$T_DIR/out"
num='[0-9][0-9.]*'
for name in startup tick-bytes rss preflight startup-desk desk-list status-1000 openmetrics-1000 status-growth; do
	grep -Eq "^$name: .* ratio $num \(goal <= $num\) (met|MISSED)\$" "$T_DIR/out" \
		|| t_fail "no '$name: ... ratio R (goal <= G)' line"
	t_ok "$name ratio line"
done
n_ratio=$(grep -c " ratio " "$T_DIR/out"); [ "$n_ratio" -ge 9 ] || t_fail "expected at least nine ratio lines, got $n_ratio"
# A disturbed run says so, and writes nothing.
if [ "$rc" = 3 ]; then
	grep -q "^DISTURBED: " "$T_DIR/out" || t_fail "exit 3 without a DISTURBED line"
	t_ok "a disturbed run says why"
fi
grep -Eq "^demo-keystrokes: ([0-9]+ \(goal <= 15|not measured \()" "$T_DIR/out" || t_fail "no demo-keystrokes line"
grep -Eq "^vault-unlock: $num ms" "$T_DIR/out" || t_fail "no vault-unlock line"
grep -Eq "^binary-size: $num bytes" "$T_DIR/out" || t_fail "no binary-size line"
t_ok "demo-keystrokes, vault-unlock and binary-size lines"
# --no-write: the report is left alone (the source tree may be read-only, as under distcheck).
[ ! -s "$T_DIR/err" ] || { cat "$T_DIR/err" >&2; t_fail "bench/run wrote to stderr"; }
t_done
