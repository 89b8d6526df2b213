#!/bin/sh
# tests/help-i18n.sh: `--help`, every `COMMAND --help` and `--version`, in English, German and French,
# as the built binary prints them (translations compiled from po/ into a temp dir, read through
# HSM_ONBOARD_LOCALEDIR, which only test builds honour): each is translated, and every line fits an
# 80-column terminal (GNU coding standards), including lines composed at run time, like the command
# list. `hsm-onboard COMMAND --help` must work for every command listed.
. "$top_srcdir/tests/lib.sh"

# yes: an overlong line fails, English or translated (no: reported only).
HELP_STRICT=yes

t_need_failpoints  # HSM_ONBOARD_LOCALEDIR is honoured by a test build only
MSGFMT=${MSGFMT:-msgfmt}
t_need_tool "$MSGFMT" gettext

export HSM_ONBOARD_LOCALEDIR="$T_DIR/locale"
langs=
# shellcheck disable=SC2013 # a list of words, one a line
for lang in $(sed 's/#.*//' "$top_srcdir/po/LINGUAS"); do
	loc=$(locale -a 2>/dev/null | grep -i "^${lang}_.*\.utf-\{0,1\}8$" | head -n 1 || true)
	if [ -z "$loc" ]; then
		echo "# no UTF-8 locale for $lang (quickstart.sh generates de_DE and fr_FR): not checked"
		continue
	fi
	mkdir -p "$T_DIR/locale/$lang/LC_MESSAGES"
	"$MSGFMT" -c -o "$T_DIR/locale/$lang/LC_MESSAGES/hsm-onboard.mo" "$top_srcdir/po/$lang.po" \
		|| t_fail "msgfmt rejects po/$lang.po"
	langs="$langs $lang:$loc"
done

LC_ALL=C "$HSMO" --help 2>/dev/null | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }' \
	> "$T_DIR/commands"

too_wide=
# check_width NAME FILE: every line of FILE fits 80 columns.
check_width() {
	w=$(LC_ALL=C.UTF-8 wc -L < "$2")
	if [ "$w" -gt 80 ]; then
		line=$(LC_ALL=C.UTF-8 awk 'length($0) > 80 { print; exit }' "$2")
		too_wide="$too_wide
#   $1: $w columns: $line"
	fi
}

for spec in C:C $langs; do
	lang=${spec%%:*} loc=${spec#*:}
	t_run 0 "$lang: --help" env LC_ALL="$loc" LANGUAGE= "$HSMO" --help
	cp "$T_OUT" "$T_DIR/help.$lang"
	check_width "$lang --help" "$T_OUT"
	t_run 0 "$lang: --version" env LC_ALL="$loc" LANGUAGE= "$HSMO" --version
	head -n 1 "$T_OUT" | grep -qE '^hsm-onboard [0-9]' || t_fail "$lang: --version does not start with 'hsm-onboard X.Y'"
	check_width "$lang --version" "$T_OUT"
	while read -r c; do
		t_run 0 "$lang: $c --help" env LC_ALL="$loc" LANGUAGE= "$HSMO" "$c" --help
		check_width "$lang $c --help" "$T_OUT"
		[ "$lang" = C ] && cp "$T_OUT" "$T_DIR/help-$c.C"
		[ "$lang" = C ] || ! cmp -s "$T_OUT" "$T_DIR/help-$c.C" || t_fail "$lang: '$c --help' is not translated"
	done < "$T_DIR/commands"
	if [ "$lang" != C ]; then
		! cmp -s "$T_DIR/help.$lang" "$T_DIR/help.C" || t_fail "$lang: --help is not translated"
		# Every line of the help is translated, except option names and product names.
		head -n 1 "$T_DIR/help.$lang" | grep -q '^Usage:' && t_fail "$lang: the usage line is not translated"
		t_ok "$lang: --help and every COMMAND --help are translated"
	fi
	# A usage error names the way to the help, in the language.
	t_run 64 "$lang: unknown command" env LC_ALL="$loc" LANGUAGE= "$HSMO" no-such-command
	grep -q -- '--help' "$T_ERR" || t_fail "$lang: a usage error does not point to --help"
done

# An English line that does not fit is a command's text to shorten, a German or French one a
# translation to shorten.
xx=$(printf '%s\n' "$too_wide" | grep '^#   ' || true)
if [ -n "$xx" ]; then
	[ "$HELP_STRICT" = yes ] || { printf '# not yet strict: help lines over 80 columns:\n%s\n' "$xx"; t_done; exit 0; }
	t_fail "help lines over 80 columns:
$xx"
fi
t_ok "every help line fits 80 columns in English and$(echo "$langs" | sed 's/:[^ ]*//g')"
t_done
