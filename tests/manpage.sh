#!/bin/sh
# tests/manpage.sh: doc/hsm-onboard.1 says the same as the built binary's help. Every long option printed
# by `hsm-onboard --help` and by every `hsm-onboard COMMAND --help` is in the man page, every command has
# its own section (.SS), every exit code of --help is in EXIT STATUS, the version in .TH is the
# program's, and the page renders without a single groff warning.
. "$top_srcdir/tests/lib.sh"
t_need_python3

MAN="$top_srcdir/doc/hsm-onboard.1"
[ -f "$MAN" ] || t_fail "$MAN is missing"

t_run 0 "hsm-onboard --help" env LC_ALL=C "$HSMO" --help
cp "$T_OUT" "$T_DIR/help"
awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }' "$T_DIR/help" \
	> "$T_DIR/commands"

# man_has_option OPTION: the page names OPTION as "\-\-name" (roff's minus signs), not just a prefix of
# a longer option.
man_has_option() {
	esc=$(printf '%s' "${1#--}" | sed 's/-/\\\\-/g')
	grep -qE -- "\\\\-\\\\-$esc([^a-z0-9\\\\]|\\\\[^-]|\$)" "$MAN"
}

missing=
# shellcheck disable=SC2013 # a list of words, one a line
for opt in $(grep -oE -- '--[a-z][a-z0-9-]*' "$T_DIR/help" | sort -u); do
	man_has_option "$opt" || missing="$missing $opt"
done
[ -z "$missing" ] || t_fail "options of --help missing from the man page:$missing"
t_ok "every long option of --help is in the man page ($(grep -oE -- '--[a-z][a-z0-9-]*' "$T_DIR/help" | sort -u | wc -l))"

n=0
while read -r c; do
	n=$((n + 1))
	t_run 0 "hsm-onboard $c --help" env LC_ALL=C "$HSMO" "$c" --help
	grep -qE "^\\.SS \"?$(printf '%s' "$c" | sed 's/-/\\\\-/g')( |\"|\$)" "$MAN" \
		|| t_fail "command '$c' has no section (.SS $c ...) in the man page"
	missing=
	# shellcheck disable=SC2013 # a list of words, one a line
	for opt in $(grep -oE -- '--[a-z][a-z0-9-]*' "$T_OUT" | sort -u); do
		man_has_option "$opt" || missing="$missing $opt"
	done
	[ -z "$missing" ] || t_fail "options of '$c --help' missing from the man page:$missing"
	t_ok "'$c' has a section and all its options ($(grep -oE -- '--[a-z][a-z0-9-]*' "$T_OUT" | sort -u | wc -l))"
done < "$T_DIR/commands"
[ "$n" -gt 0 ] || echo "# the help lists no command yet: only the common options were checked"

# The other way round: every option the man page documents for a command (the tag after .TP in the
# command's section) is an option of that command or a common one, so a dropped option does not stay
# documented.
while read -r c; do
	LC_ALL=C "$HSMO" "$c" --help 2>/dev/null | cat - "$T_DIR/help" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u \
		> "$T_DIR/opts-$c"
	awk -v c="$c" '
		/^\.S[SH] / { w = $2; gsub(/\\-/, "-", w); gsub(/"/, "", w); on = ($1 == ".SS" && w == c); next }
		on && (prev == ".TP" || prev == ".TQ") { print }
		{ prev = $0 }' "$MAN" | grep -oE '\\-\\-[a-z][a-z0-9\\-]*' | sed 's/\\-/-/g' | sort -u > "$T_DIR/doc-$c"
	stale=$(comm -23 "$T_DIR/doc-$c" "$T_DIR/opts-$c" | tr '\n' ' ')
	[ -z "$stale" ] || t_fail "the man page documents options that '$c --help' does not have: $stale"
done < "$T_DIR/commands"
t_ok "every option the man page documents for a command is one of its options"

# Every exit code named in --help's exit-status paragraph is explained in EXIT STATUS.
codes=$(sed -n '/^Exit status/,/^$/p' "$T_DIR/help" | grep -oE '\b(0|6[4-9]|7[0-8])\b' | sort -u)
[ -n "$codes" ] || t_fail "--help names no exit status"
sed -n '/^\.SH "EXIT STATUS"/,/^\.SH /p' "$MAN" > "$T_DIR/exit-status"
for code in $codes; do
	grep -qx "\\.B $code" "$T_DIR/exit-status" || t_fail "exit code $code of --help is not in EXIT STATUS"
done
t_ok "every exit code of --help is in EXIT STATUS ($(printf '%s ' "$codes" | tr -s ' \n' '  '))"

version=$(LC_ALL=C "$HSMO" --version 2>/dev/null | head -n 1 | sed 's/^hsm-onboard //')
[ "$version" = "${HSMO_VERSION:-$version}" ] || t_fail "--version says $version, configure says $HSMO_VERSION"
grep -qF "\"hsm\\-onboard $version\"" "$MAN" || t_fail "the .TH line does not say hsm-onboard $version"
t_ok "the man page is for version $version"

# Every target of `config --for` (src/core/targets/, a file each: name, then its docs page or pages) has
# an entry in the man page with every page it names.
# Read as C reads it (adjacent literals joined), whatever the line breaks of clang-format.
python3 - "$top_srcdir"/src/core/targets/targets_*.c > "$T_DIR/targets" <<'PY'
import re, sys
src = "".join(open(f).read() for f in sys.argv[1:])
for body in re.findall(r"^const struct target target_\w+ = \{(.*?)\};", src, re.S | re.M):
    lits = [re.sub(r'"\s*"', "", g).strip().strip('"') for g in re.findall(r'((?:"[^"]*"\s*)+)', body)]
    print(lits[0], lits[1].replace(" ", ""))
PY
[ "$(wc -l < "$T_DIR/targets")" -ge 6 ] || t_fail "fewer than 6 targets read from src/core/targets/"
sed 's/\\-/-/g' "$MAN" > "$T_DIR/man-plain"
while read -r name pages; do
	grep -qx "\.B $name" "$T_DIR/man-plain" || t_fail "target $name has no entry in the man page"
	for page in $(printf '%s' "$pages" | tr ',' ' '); do
		grep -qF "$page" "$T_DIR/man-plain" || t_fail "target $name: its docs page $page is not in the man page"
	done
done < "$T_DIR/targets"
t_ok "every target of config --for is in the man page with its docs pages ($(cut -d' ' -f1 "$T_DIR/targets" | tr '\n' ' '))"

if t_have_tool groff groff-base "the rendering with groff"; then
	LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$MAN" > "$T_DIR/groff.out" 2>&1 \
		|| t_fail "groff failed: $(cat "$T_DIR/groff.out")"
	[ ! -s "$T_DIR/groff.out" ] || { cat "$T_DIR/groff.out" >&2; t_fail "groff warns about the man page"; }
	# ASCII output, so that awk counts columns and not UTF-8 bytes; the examples are not filled, so this
	# catches an example line too long for an 80-column terminal.
	LC_ALL=C groff -man -Tascii -rLL=80n -P-cbou "$MAN" > "$T_DIR/rendered" 2>/dev/null
	long=$(awk 'length($0) > 80' "$T_DIR/rendered" | head -n 3)
	[ -z "$long" ] || t_fail "the rendered page has lines over 80 columns: $long"
	t_ok "the page renders with groff, no warning, no line over 80 columns"
fi
t_done
