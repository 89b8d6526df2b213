#!/bin/sh
# tests/po-complete.sh: every catalog of po/LINGUAS translates every string of the sources as they are
# now. The .pot is regenerated here from po/POTFILES.in with po/Makevars' xgettext options (the shipped
# .pot is only refreshed by `make update-po`, so it cannot be trusted to be current); each .po is merged
# against it, and msgfmt must report no fuzzy and no untranslated message. `msgfmt -c` checks the format
# strings and the header of every catalog.
. "$top_srcdir/tests/lib.sh"

# yes: an incomplete catalog fails `make check` (no: it only skips, naming the messages; for a time when
# other work adds strings faster than they are translated).
PO_STRICT=yes

XGETTEXT=${XGETTEXT:-xgettext} MSGMERGE=${MSGMERGE:-msgmerge} MSGFMT=${MSGFMT:-msgfmt}
for tool in "$XGETTEXT" "$MSGMERGE" "$MSGFMT"; do
	case $tool in
	: | "") t_skip_missing gettext "gettext tools were not found by configure" ;;
	esac
	t_need_tool "$tool" gettext
done

po="$top_srcdir/po"
opts=$(sed -n 's/^XGETTEXT_OPTIONS *= *//p' "$po/Makevars")
[ -n "$opts" ] || t_fail "po/Makevars has no XGETTEXT_OPTIONS"
sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$po/POTFILES.in" > "$T_DIR/potfiles"
while read -r f; do
	[ -f "$top_srcdir/$f" ] || t_fail "po/POTFILES.in lists $f, which does not exist"
done < "$T_DIR/potfiles"

# Every source file that marks a string for translation must be in POTFILES.in, or its strings are
# silently left in English.
(cd "$top_srcdir" && grep -lE '(^|[^A-Za-z0-9_])(N?_|P_)\(' src/*/*.c ui/*.c ui/*/*.c 2>/dev/null) | sort > "$T_DIR/marked"
sort "$T_DIR/potfiles" > "$T_DIR/listed"
unlisted=$(comm -23 "$T_DIR/marked" "$T_DIR/listed" | tr '\n' ' ')
[ -z "$unlisted" ] || t_fail "files with translatable strings missing from po/POTFILES.in: $unlisted"
t_ok "po/POTFILES.in lists every file with a translatable string ($(wc -l < "$T_DIR/listed"))"

# shellcheck disable=SC2086 # $opts is a list of options
(cd "$top_srcdir" && "$XGETTEXT" $opts --default-domain=hsm-onboard --package-name=hsm-onboard \
	--files-from="$T_DIR/potfiles" --output="$T_DIR/hsm-onboard.pot") 2> "$T_DIR/xgettext.err" \
	|| { cat "$T_DIR/xgettext.err" >&2; t_fail "xgettext failed"; }
n_msgs=$(grep -c '^msgid ' "$T_DIR/hsm-onboard.pot")
t_ok "xgettext extracted $((n_msgs - 1)) messages"

# too_wide PO: prints every message laid out over lines (its msgid has a newline inside, like the help
# texts, or is an option line) whose translation has a line wider than 80 columns: --help must fit a
# terminal in every language. One-line messages are left alone: the terminal wraps them anyway.
too_wide() {
	msgexec -i "$1" sh -c 'case $MSGEXEC_MSGID in *"
"?* | "  "*) w=$(LC_ALL=C.UTF-8 wc -L); [ "$w" -le 80 ] || printf "%s columns: %.60s; " "$w" "$(printf %s "$MSGEXEC_MSGID" | sed "/^\$/d" | head -n 1)" ;; esac'
}
sed 's/charset=CHARSET/charset=UTF-8/' "$T_DIR/hsm-onboard.pot" > "$T_DIR/en.pot"
msgen --no-wrap -o "$T_DIR/en.po" "$T_DIR/en.pot" || t_fail "msgen failed"
wide=$(too_wide "$T_DIR/en.po")
if [ -n "$wide" ]; then
	[ "$PO_STRICT" = yes ] || echo "# not yet strict: English help lines over 80 columns: $wide"
	[ "$PO_STRICT" != yes ] || t_fail "English help lines over 80 columns: $wide"
else
	t_ok "every English line of help text fits 80 columns"
fi

incomplete=
# shellcheck disable=SC2013 # a list of words, one a line
for lang in $(sed 's/#.*//' "$po/LINGUAS"); do
	[ -f "$po/$lang.po" ] || t_fail "po/LINGUAS names $lang, but po/$lang.po is missing"
	"$MSGFMT" -c -o /dev/null "$po/$lang.po" 2> "$T_DIR/msgfmt.err" \
		|| { cat "$T_DIR/msgfmt.err" >&2; t_fail "msgfmt -c rejects po/$lang.po"; }
	"$MSGMERGE" --quiet --lang="$lang" -o "$T_DIR/$lang.po" "$po/$lang.po" "$T_DIR/hsm-onboard.pot" \
		|| t_fail "msgmerge failed for $lang"
	"$MSGFMT" -c --statistics -o /dev/null "$T_DIR/$lang.po" 2> "$T_DIR/$lang.stats" \
		|| { cat "$T_DIR/$lang.stats" >&2; t_fail "msgfmt -c rejects the merged $lang catalog"; }
	stats=$(cat "$T_DIR/$lang.stats")
	case $stats in
	*fuzzy* | *untranslated*)
		# Name the messages, so the fix is obvious.
		echo "# $lang: $stats"
		for kind in only-fuzzy untranslated; do
			msgattrib --$kind --no-wrap --no-obsolete "$T_DIR/$lang.po" 2>/dev/null \
				| awk -v k="${kind#only-}" '/^msgid / { on = 1; s = ""; sub(/^msgid /, "") }
					/^msgstr/ { if (on && s != "") printf "#   %s: %.70s\n", k, s; on = 0 }
					on { gsub(/^"|"$/, ""); s = s $0 }' | head -n 20
		done
		incomplete="$incomplete $lang"
		;;
	*)
		t_ok "$lang: complete ($stats)"
		;;
	esac
	msgattrib --no-fuzzy --no-obsolete -o "$T_DIR/$lang.done.po" "$T_DIR/$lang.po" 2>/dev/null \
		|| t_fail "msgattrib failed for $lang"
	wide=$(too_wide "$T_DIR/$lang.done.po")
	[ -z "$wide" ] || t_fail "$lang: translated help lines over 80 columns: $wide"
	t_ok "$lang: every translated line of help text fits 80 columns"
done
if [ -n "$incomplete" ]; then
	[ "$PO_STRICT" = yes ] || t_skip "catalogs not complete yet:$incomplete (run 'make -C po update-po' and translate)"
	t_fail "catalogs not complete:$incomplete (run 'make -C po update-po' and translate the messages above)"
fi
t_done
