#!/bin/bash
# wizard-frame.sh: the wizard's frame in a real terminal: refusal off a terminal, the start screen,
# "terminal too small" at 40x12 and recovery at 80x24, NO_COLOR, a de_DE.UTF-8 run, F1 help, Ctrl-C
# asking before quitting, F10 saving the step, and the passphrase entry drawing placeholders only.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"

t_run 64 "wizard refuses to start off a terminal" "$HSMO" wizard
t_grep "$T_ERR" "needs a terminal" "the refusal says why"
t_grep "$T_ERR" "hsm-onboard import" "the refusal names the CLI commands"

t_make_credfiles "$HOME/Downloads" ACME_Corp eco ACMEHSM07 20261120 pkcs11
T_SCAN_EXCLUDE="$HOME/Downloads"

w_start -- wizard --kdf-ms "$W_KDF_MS"
w_wait "New onboarding"
t_grep "$W_SCREEN" "F10 save and quit" "footer shows the key hints"
t_ok "start screen drawn at 80x24"

w_resize 40 12
w_wait "Terminal too small"
t_nogrep "$W_SCREEN" "New onboarding" "at 40x12 only the notice is drawn"
w_resize 80 24
w_wait "New onboarding"
t_nogrep "$W_SCREEN" "Terminal too small" "back at 80x24 the normal screen returns"

w_key F1
w_wait "Help"
w_key Escape
w_gone "Ctrl-L: repaint"
# '?' is F1's other key: the help names it, as it names every key of the frame's table.
w_key '?'
w_wait "F1 or ?: this help"
w_key Escape
w_gone "Ctrl-L: repaint"
t_ok "F1 and ? open the help, which names both"
w_key Enter
w_wait "A name for the profile"
w_key Enter
w_wait "Step 1 of 10: Subscription"
t_ok "Enter on 'New onboarding' with the default name opens step 1"
w_key Right Enter
w_wait "Step 2 of 10: Emails"
w_key C-c
w_wait "Quit the wizard?"
w_key n
w_wait "Step 2 of 10: Emails"
t_ok "Ctrl-C asks, and 'n' stays"
w_key Enter Enter
w_wait "Step 4 of 10: Download and import"
w_wait "Pairing: ACMEHSM07: complete"
t_ok "the import screen lists the downloaded files and their pairing"
w_key Enter
w_wait "New vault passphrase for onboarding"
secret="wizard-frame $(t_rand_alnum 16)"
t_secret "$secret"
w_type "$secret"
w_wait "$(printf '●%.0s' $(seq 29))"
t_nogrep "$W_SCREEN" "$(printf '●%.0s' $(seq 30))" "one placeholder per character, no more"
t_ok "the passphrase entry shows placeholders (and w_capture found no secret)"
w_key Enter
w_wait "Type the passphrase again"
w_type "$secret"
w_key Enter
w_wait "Shred the plaintext"
w_key Enter
w_wait "Step 5 of 10: Review"
w_wait "HSM user              ACMEHSM07"
t_grep "$W_SCREEN" "Setup password        ●●●●●●" "review shows a stored secret as fixed placeholders"
[ -f "$T_HSM_FILE" ] || t_fail "Enter (No) on the shred question removed the file"
t_ok "the default answer keeps the plaintext files"
w_key F10
st=$(w_exit_status)
[ "$st" = 0 ] || t_fail "F10 exit status $st"
state="$XDG_STATE_HOME/hsm-onboard/onboarding/state.json"
grep -q '"step": "review"' "$state" || { cat "$state" >&2; t_fail "F10 did not save the step"; }
grep -q '"tier": "ECO-CC"' "$state" || t_fail "the tier chosen on step 1 was not saved"
t_ok "F10 saved the step (review) and the tier chosen (ECO-CC)"

w_start -- wizard
w_wait "Step 5 of 10: Review"
t_ok "restarting resumes the only unfinished profile at its step"
w_tmux capture-pane -e -p -t w > "$T_DIR/color.txt"
grep -qE $'\033\\[[0-9;]*(3[0-7]|4[0-7]|38;5;[0-9]+)m' "$T_DIR/color.txt" || t_fail "no colour in a colour terminal"
t_ok "a colour terminal gets colours"
w_key Escape
w_wait "Step 4 of 10"
kill -TERM "$(w_pid)"
st=$(w_exit_status)
[ "$st" = 75 ] || t_fail "SIGTERM: exit status $st, expected 75"
grep -q '"step": "review"' "$state" || { cat "$state" >&2; t_fail "SIGTERM lost the step reached"; }
t_ok "SIGTERM saves the progress (the furthest step, review) and exits 75"

w_start NO_COLOR=1 -- wizard --profile onboarding
w_wait "Step 5 of 10"
w_tmux capture-pane -e -p -t w > "$T_DIR/nocolor.txt"
! grep -qE $'\033\\[[0-9;]*(3[0-7]|4[0-7]|38;5;[0-9]+)m' "$T_DIR/nocolor.txt" || t_fail "NO_COLOR=1 still sent colours"
grep -qE $'\033\\[[0-9;]*7m' "$T_DIR/nocolor.txt" || t_fail "NO_COLOR=1: no reverse video for the bars"
t_ok "NO_COLOR=1 draws with reverse video and no colour"
w_key F1
w_wait "Any key closes the help."
python3 "$top_srcdir/tests/screen-fit.py" "-:/dev/null" 80 "$W_SCREEN" --box || t_fail "NO_COLOR=1: the help popup is not a whole frame"
t_grep "$W_SCREEN" "│ Any key closes the help." "NO_COLOR=1: the help is a framed popup with its key line inside the frame"
w_key Escape
w_gone "Any key closes the help."
t_grep "$W_SCREEN" "Step 5 of 10" "closing the popup shows the screen below again"
w_key F10
w_exit_status >/dev/null

if locale -a 2>/dev/null | grep -qix 'de_DE.utf-\{0,1\}8'; then
	w_start LANG=de_DE.UTF-8 LC_ALL=de_DE.UTF-8 -- wizard --profile onboarding
	w_wait "onboarding"
	w_wait "F10"
	t_ok "de_DE.UTF-8 run draws the screen"
	w_key F10
	w_exit_status >/dev/null
else
	echo "# de_DE.UTF-8 locale missing (./quickstart.sh generates it): that case not run"
fi

w_start LANG=C LC_ALL=C -- wizard --profile onboarding
w_wait "Step 5 of 10"
t_nogrep "$W_SCREEN" "●" "a non-UTF-8 locale draws ASCII only"
w_key F1
w_wait "Any key closes the help."
grep -q -- '+- Help -*+ *$' "$W_SCREEN" || { cat "$W_SCREEN" >&2; t_fail "ASCII: the help popup has no +--+ frame"; }
python3 "$top_srcdir/tests/screen-fit.py" "-:/dev/null" 80 "$W_SCREEN" --box || t_fail "ASCII: the help popup is not a whole frame"
t_ok "in ASCII the popup is framed with + - |"
w_key Escape
w_gone "Any key closes the help."
w_key F10
w_exit_status >/dev/null

t_scan_leaks "$W_CAP"
t_done
