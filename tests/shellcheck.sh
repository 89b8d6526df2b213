#!/bin/sh
# tests/shellcheck.sh: every shell script of the tree (the tests, quickstart.sh, bootstrap, .ci/run, bench/run
# when it is one) and the bash completion pass shellcheck at its default severity, with the settings of
# .shellcheckrc (each disable there says why) and the narrow disable comments in the scripts.
. "$top_srcdir/tests/lib.sh"
t_need_tool shellcheck shellcheck
[ -f "$top_srcdir/.shellcheckrc" ] || t_fail ".shellcheckrc is missing from the tree"

: > "$T_DIR/scripts"
for f in "$top_srcdir"/tests/*.sh "$top_srcdir/quickstart.sh" "$top_srcdir/bootstrap" "$top_srcdir/.ci/run" \
	"$top_srcdir/bench/run"; do
	[ -f "$f" ] || continue
	# A sourced library has no shebang but says its shell in a directive; anything else is not shell.
	case $(head -n 2 "$f") in
	'#!/bin/sh'* | '#!/bin/bash'* | '#!/usr/bin/env bash'* | '#!/usr/bin/env sh'* | *'# shellcheck shell='*)
		printf '%s\n' "$f" >> "$T_DIR/scripts" ;;
	esac
done
n=$(wc -l < "$T_DIR/scripts")
[ "$n" -ge 30 ] || t_fail "only $n shell scripts were found: the list would prove little"

# All in one run from the top of the tree, as relative paths: a test's "# shellcheck source=" then
# names a file of the same run, and shellcheck finds .shellcheckrc above each script.
sed "s|^$top_srcdir/||" "$T_DIR/scripts" > "$T_DIR/relative"
# shellcheck disable=SC2046 # the script names have no space
(cd "$top_srcdir" && shellcheck -f gcc $(cat "$T_DIR/relative")) > "$T_DIR/findings" 2>&1 ||
	{ cat "$T_DIR/findings" >&2; t_fail "shellcheck finds fault with $(cut -d: -f1 "$T_DIR/findings" | sort -u | tr '\n' ' ')"; }
t_ok "shellcheck passes on $n shell scripts"

(cd "$top_srcdir/completion" && shellcheck -s bash -f gcc hsm-onboard) > "$T_DIR/findings" 2>&1 ||
	{ cat "$T_DIR/findings" >&2; t_fail "shellcheck finds fault with the bash completion"; }
t_ok "shellcheck passes on the bash completion"
t_done
