#!/bin/bash
# tests/wizard-i18n.sh: the wizard in English, German and French at 80x24. It walks the wizard's
# screens (start, help, new profile, subscription, emails and the link prompt, SecureCode, download
# and import with the passphrase entry, review, countdown, support ticket, the "terminal too small"
# notice at 40x12), then the demo to its end on SoftHSM2 (preflight, point of no return with the
# translated "yes", rotation, provider configuration, done), and checks every capture with
# tests/screen-fit.py: in German and French each screen is translated; in every language no text is cut
# (a label, a key hint, a line of a paragraph, a paragraph that runs out of lines), and nothing runs
# into the last column. The catalogs are compiled from po/ into a temp dir and read through
# HSM_ONBOARD_LOCALEDIR (test builds).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"

# yes: a cut text (English, German or French), or a screen the catalog does not translate, fails.
FIT_STRICT=yes

t_need_failpoints  # HSM_ONBOARD_LOCALEDIR is honoured by a test build only
t_need_python3
t_need_tool gettext gettext-base
MSGFMT=${MSGFMT:-msgfmt} XGETTEXT=${XGETTEXT:-xgettext}
FIT="$top_srcdir/tests/screen-fit.py"

# The English texts: the msgids of the sources, for the C run.
opts=$(sed -n 's/^XGETTEXT_OPTIONS *= *//p' "$top_srcdir/po/Makevars")
sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top_srcdir/po/POTFILES.in" | while read -r f; do
	[ ! -f "$top_srcdir/$f" ] || echo "$f"   # tests/po-complete.sh reports a missing one
done > "$T_DIR/potfiles"
# shellcheck disable=SC2086 # $opts is a list of options
(cd "$top_srcdir" && "$XGETTEXT" $opts --files-from="$T_DIR/potfiles" -o "$T_DIR/en.pot") 2>/dev/null \
	|| t_fail "xgettext failed"

export HSM_ONBOARD_LOCALEDIR="$T_DIR/locale"
runs="C:C:-:$T_DIR/en.pot"
# shellcheck disable=SC2013 # a list of words, one a line
for lang in $(sed 's/#.*//' "$top_srcdir/po/LINGUAS"); do
	loc=$(locale -a 2>/dev/null | grep -i "^${lang}_.*\.utf-\{0,1\}8$" | head -n 1 || true)
	[ -n "$loc" ] || { echo "# no UTF-8 locale for $lang: not run (quickstart.sh generates it)"; continue; }
	mkdir -p "$T_DIR/locale/$lang/LC_MESSAGES"
	"$MSGFMT" -o "$T_DIR/locale/$lang/LC_MESSAGES/hsm-onboard.mo" "$top_srcdir/po/$lang.po" || t_fail "msgfmt $lang"
	runs="$runs $lang:$loc:$top_srcdir/po/$lang.po"
done

t_make_credfiles "$HOME/Downloads" ACME_Corp eco ACMEHSM07 20261120 pkcs11
T_SCAN_EXCLUDE="$HOME/Downloads"
passphrase="wizard-i18n $(t_rand_alnum 16)"
t_secret "$passphrase"

problems=
# The screens as a user reads them, in every language: tests/golden/i18n/LANG-NAME.txt. The world is
# pinned (lib.sh: HOME, XDG_*, TZ, LANG; W_FAKETIME: the date), and the random parts of the temp
# folders are masked. A TMPDIR other than /tmp changes the lengths of the paths on screen, and without
# libfaketime the dates differ: then the goldens are not compared (said so), the other checks are.
GOLDEN_DIR="$top_srcdir/tests/golden/i18n"
golden_pinned=yes
[ -n "$W_FAKELIB" ] || golden_pinned="no (libfaketime is not installed)"
case ${TMPDIR:-/tmp} in /tmp|/tmp/) ;; *) golden_pinned="no (TMPDIR is $TMPDIR, not /tmp)" ;; esac
# The date on the wizard's screens (the ticket's, the countdown's); the demo's screens show none, and
# it runs on the real clock (SoftHSM2 under libfaketime can abort at exit on a futex timeout).
GOLDEN_FAKETIME=
[ "$golden_pinned" != yes ] || GOLDEN_FAKETIME="@2026-11-24 15:30:00"
golden_bad="" n_golden=0
# golden NAME: the last capture against tests/golden/i18n/LANG-NAME.txt (HSMO_GOLDEN_UPDATE=1 rewrites).
golden() {
	[ "$golden_pinned" = yes ] || return 0
	g="$GOLDEN_DIR/$lang-$1.txt"
	sed -e 's/\(hsmo-wizard-i18n\.\)[A-Za-z0-9]\{1,6\}/\1XXXXXX/g' \
		-e 's/\(hsm-onboard-demo\.\)[A-Za-z0-9]\{1,6\}/\1XXXXXX/g' "$shot" > "$T_DIR/golden.txt"
	if [ -n "${HSMO_GOLDEN_UPDATE:-}" ]; then
		mkdir -p "$GOLDEN_DIR"
		cp "$T_DIR/golden.txt" "$g"
	fi
	n_golden=$((n_golden + 1))
	diff -u "$g" "$T_DIR/golden.txt" >&2 || golden_bad="$golden_bad $lang-$1"
}
# fit WIDTH [MSGID...]: checks the last capture against the run's catalog (only the MSGIDs for a
# dialog, which hides parts of the screen under it), for lost hanging indents and cut paths, and with
# FIT_BOX=1 for a popup that lets the screen below show through; keeps it as screens/LANG-NN.txt and
# compares it with the golden G when G is set.
n_screen=0
mkdir -p "$T_DIR/screens"
fit() {
	width=$1
	shift
	w_settle
	n_screen=$((n_screen + 1))
	shot=$(printf '%s/screens/%s-%02d.txt' "$T_DIR" "$lang" "$n_screen")
	cp "$W_SCREEN" "$shot"
	if ! python3 "$FIT" "$catalog" "$width" "$shot" ${FIT_BOX:+--box} ${1+--only "$@"} > "$T_DIR/fit.out"; then
		problems="$problems
$(sed "s|^$T_DIR/screens/|  |" "$T_DIR/fit.out")"
	fi
	[ -z "${G:-}" ] || golden "$G"
}
# tr MSGID: the run's translation of MSGID.
tr_() { TEXTDOMAINDIR="$T_DIR/locale" LANGUAGE='' LC_ALL="$loc" gettext -d hsm-onboard -- "$1"; }
# wait_tr MSGID: waits for the beginning of MSGID's translation (up to the first directive, newline
# or 12 characters, so that a wrapped paragraph or a cut title is found too).
wait_tr() {
	t=$(tr_ "$1" | sed -e 's/%.*//' -e '1!d' | cut -c1-12 | sed 's/[[:space:]]*$//')
	w_wait "$t" "${2:-15}"
}
# popup KEY NAME SHOWN GONE TEXT...: KEY opens a popup; once SHOWN is on screen it must fit 80 columns
# (fit, as screen NAME, with TEXT...), then Escape closes it and GONE leaves the screen.
popup() {
	_key=$1 _name=$2 _shown=$3 _gone=$4
	shift 4
	w_key "$_key"
	wait_tr "$_shown"
	G=$_name FIT_BOX=1 fit 80 "$@"
	w_key Escape
	gone_tr "$_gone"
}
# passphrase_twice: types $passphrase at the wizard's two prompts, then waits for the shred question.
passphrase_twice() {
	w_type "$passphrase"
	w_key Enter
	wait_tr "Type the passphrase again:"
	w_type "$passphrase"
	w_key Enter
	wait_tr "Imported. Shred the plaintext credential files now (overwrite, then delete)? On SSDs and copy-on-write filesystems this is best effort." 30
}

# gone_tr MSGID: waits until the beginning of MSGID's translation has left the screen (after Esc, so
# that the next key is not read as part of an escape sequence).
gone_tr() {
	t=$(tr_ "$1" | sed -e 's/%.*//' -e '1!d' | cut -c1-20)
	w_gone "$t"
}

# demo_walk_to_preflight: a demo just started, from its subscription screen through the import (the
# passphrase twice), the review and the countdown, to the preflight; its files' secrets registered.
demo_walk_to_preflight() {
	wait_tr "Subscription"
	for f in "$T_DIR"/hsm-onboard-demo.*/Downloads/*.txt; do
		sed -n 's/^\(Service User Password\|HSM User Setup Password\|PKCS#11 password \): //p' "$f" \
			| while read -r v; do t_secret "$v"; done
	done
	w_key Enter
	wait_tr "Emails"
	w_key Enter
	wait_tr "SecureCode"
	w_key Enter
	wait_tr "Download and import"
	w_wait "DEMOHSM01"
	w_key Enter
	wait_tr "Choose a passphrase (at least 12 characters). It encrypts the secrets on this machine; it is not sent anywhere."
	passphrase_twice
	w_key Enter
	wait_tr "Review"
	w_key Enter
	wait_tr "Countdown"
	w_key Enter
	wait_tr "Preflight"
}

# The help's key entries: ui/wizard.c's key table, one message a key, then the sentence after them.
help_keys=("Enter: next (where it is safe)" "Esc: back" "F1 or ?: this help" "F10: save and quit"
	"Ctrl-C: quit (asks first)" "Ctrl-L: repaint"
	"Progress is saved at every step; run 'hsm-onboard wizard' to resume.")

for run in $runs; do
	IFS=: read -r lang loc po <<<"$run"
	n_screen=0
	case $po in
	-) catalog="-:$T_DIR/en.pot" ;;
	*) catalog=$po ;;
	esac
	[ "$lang" = C ] && catalog="-:${run##*:}"
	rm -rf "$XDG_STATE_HOME/hsm-onboard"

	if [ "$lang" != C ] && [ "$(tr_ "New onboarding")" = "New onboarding" ]; then
		[ "$FIT_STRICT" = yes ] || { echo "# not yet strict: po/$lang.po does not translate the wizard yet"; continue; }
		t_fail "$lang: the catalog does not translate the start screen"
	fi
	# A tmux server of its own per language: a new server on the socket of one that is still
	# exiting fails with "server exited unexpectedly".
	w_tmux kill-server >/dev/null 2>&1 || true
	W_SOCK="$T_DIR/tmux-$lang.sock"
	W_FAKETIME=$GOLDEN_FAKETIME
	w_start LANG="$loc" LC_ALL="$loc" LANGUAGE= -- wizard --kdf-ms "$W_KDF_MS"
	wait_tr "New onboarding"
	[ "$lang" = C ] || t_nogrep "$W_SCREEN" "New onboarding" "$lang: the start screen is translated"
	G=start fit 80
	popup F1 help "Help" "${help_keys[0]}" "Help" "${help_keys[@]}" "Choose a profile and press Enter to resume it at the step it reached, N for a new onboarding, or T for a support ticket (when the setup password has expired). A profile lives in ~/.local/state/hsm-onboard; 'hsm-onboard status' lists the same."
	w_key Enter
	wait_tr "A name for the profile (letters, digits, '.', '_', '-'); the HSM user name is a good choice:"
	G=new-profile FIT_BOX=1 fit 80 "New onboarding" "A name for the profile (letters, digits, '.', '_', '-'); the HSM user name is a good choice:" \
		"Enter accept  Esc cancel  Ctrl-U clear"
	w_key Enter
	wait_tr "Subscription"
	G=subscription fit 80
	w_key Enter
	wait_tr "Emails"
	G=emails fit 80
	popup L link "Paste the link from the email:" "Paste the link from the email:" \
		"SecureSafe link" "Paste the link from the email:" "Enter accept  Esc cancel  Ctrl-U clear"
	w_key Enter
	wait_tr "SecureCode"
	G=securecode fit 80
	w_key Enter
	wait_tr "Download and import"
	w_wait "ACMEHSM07"
	G=import fit 80
	w_key Enter
	wait_tr "Choose a passphrase (at least 12 characters). It encrypts the secrets on this machine; it is not sent anywhere."
	G=passphrase FIT_BOX=1 fit 80 "New vault passphrase for %s" \
		"Choose a passphrase (at least 12 characters). It encrypts the secrets on this machine; it is not sent anywhere." \
		"Enter accept  Esc cancel  Ctrl-U clear"
	passphrase_twice
	G=shred FIT_BOX=1 fit 80 "Imported. Shred the plaintext credential files now (overwrite, then delete)? On SSDs and copy-on-write filesystems this is best effort."
	w_key Enter                              # the default answer: keep the files
	wait_tr "Review"
	G=review fit 80
	w_key Enter
	wait_tr "Countdown"
	G=countdown fit 80
	w_key T
	wait_tr "Support ticket"
	# The ticket preview is the 80-column ticket drawn in the 78-column area: its lines are the
	# wizard's to fit (reported), so only the screen's own texts are checked here.
	G=ticket fit 80 "Support ticket" "S save  Q QR" "HSM SETUP PASSWORD RENEWAL REQUEST"
	w_resize 40 12
	wait_tr "Terminal too small: %d x %d."
	G=too-small fit 40
	w_resize 80 24
	w_gone "$(tr_ "Terminal too small: %d x %d." | sed 's/%.*//')"
	# Ctrl-C asks first; the answer is the letter the translated prompt shows ("[j/N]": j).
	w_key C-c
	wait_tr "Quit the wizard? Your progress is saved; 'hsm-onboard wizard' resumes it."
	G=quit FIT_BOX=1 fit 80 "Quit the wizard? Your progress is saved; 'hsm-onboard wizard' resumes it." "[y/N]"
	yes_key=$(tr_ "[y/N]" | cut -c2)
	t_grep "$W_SCREEN" "$(tr_ "[y/N]")" "$lang: the quit question shows $(tr_ "[y/N]")"
	w_key "$yes_key"
	st=$(w_exit_status)
	[ "$st" = 0 ] || t_fail "$lang: '$yes_key' on the quit question: exit status $st"
	t_ok "$lang: start, help, subscription, emails, SecureCode, import, review, countdown, ticket, 40x12 walked; '$yes_key' answered the quit question"

	# The JCE demo (demo --api jce, Primus Tools played by the stand-in): its point of no return
	# describes GetUserSecret and the blinded secret, and its done screen names that secret's file.
	w_tmux kill-server >/dev/null 2>&1 || true
	W_SOCK="$T_DIR/tmux-jce-$lang.sock"
	W_FAKETIME=
	w_start TMPDIR="$T_DIR" LANG="$loc" LC_ALL="$loc" LANGUAGE= -- demo --api jce --kdf-ms "$W_KDF_MS"
	demo_walk_to_preflight
	w_key Enter
	wait_tr "Type yes and press Enter to connect: %s_"
	G=jce-point-of-no-return fit 80
	w_type "$(tr_ "yes")"
	w_key Enter
	wait_tr "The first connection is done." 60
	w_key Enter
	wait_tr "Written in %s:" 30
	w_key Enter
	wait_tr "Onboarding complete"
	G=jce-done fit 80
	w_key Enter
	st=$(w_exit_status 30)
	[ "$st" = 0 ] || t_fail "$lang: JCE demo exit status $st"
	rm -f "$T_DIR"/hsm-onboard-demo.*/hsm/secret "$T_DIR"/hsm-onboard-demo.*/home/.config/hsm-onboard/DEMOHSM01/jce-user-secret.secret
	t_ok "$lang: the JCE demo walked to the end (point of no return with GetUserSecret, done)"

	# The hand-over to TSB/XKS (H on the JCE point of no return) reaches Done, whose texts on what
	# must persist and on the worst case fit in every language (no golden: the countdown moves).
	w_tmux kill-server >/dev/null 2>&1 || true
	W_SOCK="$T_DIR/tmux-handover-$lang.sock"
	w_start TMPDIR="$T_DIR" LANG="$loc" LC_ALL="$loc" LANGUAGE= -- demo --api jce --kdf-ms "$W_KDF_MS"
	demo_walk_to_preflight
	w_key Enter
	wait_tr "Type yes and press Enter to connect: %s_"
	w_key h
	wait_tr "handed over to TSB/XKS"
	fit 80
	t_grep "$W_SCREEN" "encryptionPassword" "$lang: the hand-over's Done names encryptionPassword"
	w_key F10
	st=$(w_exit_status 30)
	[ "$st" = 0 ] || t_fail "$lang: hand-over demo exit status $st"
	t_ok "$lang: the hand-over reached Done"

	# The demo, to the end: the preflight, the point of no return, the rotation (real, on SoftHSM2),
	# the provider configuration and the done screen.
	if [ -z "${SOFTHSM2_MODULE:-}" ]; then
		echo "# SoftHSM2 is not installed: the demo screens were not walked"
		continue
	fi
	w_tmux kill-server >/dev/null 2>&1 || true
	W_SOCK="$T_DIR/tmux-demo-$lang.sock"
	W_FAKETIME=
	w_start TMPDIR="$T_DIR" LANG="$loc" LC_ALL="$loc" LANGUAGE= -- demo --kdf-ms "$W_KDF_MS"
	demo_walk_to_preflight
	wait_tr "Engine %s: the module loads and the token is there." 30
	G=preflight fit 80
	w_key Enter
	wait_tr "Type yes and press Enter to connect: %s_"
	G=point-of-no-return fit 80
	w_type "$(tr_ "yes")"
	w_key Enter
	wait_tr "The first connection is done." 60
	G=rotation fit 80
	w_key Enter
	wait_tr "Written in %s:" 30
	G=provider fit 80
	w_key Enter
	wait_tr "Onboarding complete"
	# shellcheck disable=SC1010 # "done" is the golden file's name, not the keyword
	G=done fit 80
	w_key Enter
	st=$(w_exit_status 30)
	[ "$st" = 0 ] || t_fail "$lang: demo exit status $st"
	t_ok "$lang: the demo walked to the end (preflight, point of no return, rotation, configuration, done)"
done

# An English text cut (screens C-NN) is the wizard's layout to fix, a German or French one (de-NN,
# fr-NN) a translation to shorten.
xx=$(printf '%s\n' "$problems" | grep . || true)
if [ -n "$xx" ]; then
	[ "$FIT_STRICT" = yes ] || { echo "# not yet strict: texts cut:
$xx"; t_scan_leaks "$W_CAP" "$T_DIR/screens"; t_done; exit 0; }
	t_fail "texts cut by the layout:
$xx"
fi
t_ok "no English, German or French text is cut at 80x24, nothing runs into the last column, no list item lost its indent, no path is cut without an ellipsis, no popup lets the screen below show through"
if [ "$golden_pinned" = yes ]; then
	[ -z "$golden_bad" ] || t_fail "screens differ from tests/golden/i18n (HSMO_GOLDEN_UPDATE=1 rewrites them):$golden_bad"
	t_ok "$n_golden screens and popups match tests/golden/i18n"
else
	echo "# goldens not compared: the world is not pinned: $golden_pinned"
fi
t_scan_leaks "$W_CAP" "$T_DIR/screens"
t_done
