#!/bin/bash
# wizard-countdown.sh: the countdown in the real wizard with the clock pinned by faketime: an ECO-CC
# profile imported through the wizard, its deadline from the date of issue, the golden countdown and
# start screens, and resume: the wizard killed on the countdown screen reopens there.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"
t_need_faketime

# Frozen at Tue 24 Nov 2026 15:30 CET; issued 20 Nov, ECO-CC: deadline 27 Nov 00:00 CET, 2 d 08:30 left.
W_FAKETIME="2026-11-24 15:30:00"
t_make_credfiles "$HOME/Downloads" ACME_Corp ecocc ACMEHSM07 20261120 pkcs11
T_SCAN_EXCLUDE="$HOME/Downloads"
pass="countdown test $(t_rand_alnum 12)"
t_secret "$pass"

w_start -- wizard --kdf-ms "$W_KDF_MS"
w_new_onboarding
w_key Right
w_wait "Economy Certified (ECO-CC)"
w_key Enter Enter Enter
w_wait "Pairing: ACMEHSM07: complete"
w_key Enter
w_wait "New vault passphrase"
# The core's passphrase rule holds in the wizard too: white space alone is refused, with the reason.
w_type "              "; w_key Enter
w_wait "only white space"
t_ok "a passphrase of spaces only is refused in the wizard"
w_type "   elevenchars   "; w_key Enter
w_wait "must have at least 12 characters"
t_ok "11 characters padded with spaces are refused in the wizard"
w_type "$pass"; w_key Enter
w_wait "Type the passphrase again"
w_type "$pass"; w_key Enter
w_wait "Shred the plaintext"
w_key Enter
w_wait "Step 5 of 10: Review"
w_key Enter
w_wait "Step 6 of 10: Countdown"
w_wait "Deadline: "
t_grep "$W_SCREEN" "2 d 08 h 30 min left" "the header shows the time left from the pinned clock"
t_grep "$W_SCREEN" "Rule for ECO-CC" "the tier's rule is shown"
w_golden countdown

kill -KILL "$(w_pid)"
st=$(w_exit_status)
[ "$st" = 137 ] || t_fail "SIGKILL: exit status $st"
w_start -- wizard
w_wait "Step 6 of 10: Countdown"
t_ok "killed on the countdown screen, the wizard resumes there"
w_key Escape Escape Escape Escape Escape Escape
w_wait "New onboarding"
w_golden start
w_key Enter
w_wait "Step 6 of 10: Countdown"
t_ok "Enter on the profile resumes it at the furthest step reached"
w_key t
w_wait "HSM SETUP PASSWORD RENEWAL REQUEST"
t_grep "$W_SCREEN" "HSM user:           ACMEHSM07" "T on the countdown opens the ticket preview"
# S saves it through the one ticket writer (ticket_save): the format chosen, not guessed from the
# name; mode 0600; an existing file replaced only when confirmed.
w_key s
w_wait "Format (markdown for the ticket portal, text or json):"
w_key C-u
w_type json
w_key Enter
w_wait "File name:"
w_key C-u
w_type "$T_DIR/ticket.txt"
w_key Enter
w_wait "Saved $T_DIR/ticket.txt"
python3 -m json.tool "$T_DIR/ticket.txt" >/dev/null || t_fail "the chosen format (json) was not written"
[ "$(stat -c %a "$T_DIR/ticket.txt")" = 600 ] || t_fail "the saved ticket has mode $(stat -c %a "$T_DIR/ticket.txt")"
t_ok "S saves the format chosen, whatever the name says, in mode 0600"
echo "an earlier ticket" > "$T_DIR/ticket.txt"
w_key s
w_wait "Format (markdown"
w_key Enter
w_wait "File name:"
w_key C-u
w_type "$T_DIR/ticket.txt"
w_key Enter
w_wait "exists. Replace it?"
w_key n
w_settle
[ "$(cat "$T_DIR/ticket.txt")" = "an earlier ticket" ] || t_fail "an existing ticket was replaced without confirmation"
t_ok "an existing file is kept unless the replacement is confirmed"
w_key Escape
w_wait "Step 6 of 10: Countdown"
t_ok "Esc on the ticket returns to the countdown"
w_key F10
w_exit_status >/dev/null

t_scan_leaks "$W_CAP"
t_done
