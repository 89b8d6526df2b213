#!/bin/sh
# format.sh: every file listed in tests/format-files matches .clang-format (clang-format --dry-run
# -Werror changes nothing), and the check can fail: a listed file with its indentation broken is
# refused. `make format-check` runs this too.
. "$top_srcdir/tests/lib.sh"
t_need_tool clang-format clang-format

cd "$top_srcdir"
n=0
while IFS= read -r f; do
	case $f in '' | '#'*) continue ;; esac
	[ -f "$f" ] || t_fail "tests/format-files names $f, which does not exist"
	clang-format --style=file --dry-run -Werror "$f" 2>"$T_DIR/cf.err" ||
		{ head -n 20 "$T_DIR/cf.err" >&2; t_fail "$f does not match .clang-format (run: clang-format -i $f)"; }
	n=$((n + 1))
done < tests/format-files
[ "$n" -gt 0 ] || t_fail "tests/format-files lists no file: the check would prove nothing"
t_ok "$n files match .clang-format"

# The judge can say no: the first listed file with every indentation tab replaced by two spaces.
first=$(grep -v '^#' tests/format-files | head -n 1)
mkdir -p "$T_DIR/bad"
cp .clang-format "$T_DIR/bad/"
sed 's/^\t/  /' "$first" > "$T_DIR/bad/$(basename "$first")"
cmp -s "$first" "$T_DIR/bad/$(basename "$first")" && t_fail "$first has no indented line to break"
if clang-format --style=file --dry-run -Werror "$T_DIR/bad/$(basename "$first")" 2>/dev/null; then
	t_fail "a misformatted copy of $first passed the check"
fi
t_ok "a misformatted copy of $first is refused"
t_done
