#!/bin/bash
# wizard-desk.sh: the start screen of a support desk with 1,000 profiles in a real terminal. The
# list is sorted by urgency (expired, then the soonest deadline, then in progress, then done), the
# summary line counts the expired ones and those that expire within 24 h, End reaches the last
# profile and keeps the cursor on a drawn row, PgUp/Home come back, '/' finds one profile by name and
# Enter opens it at its step. The profiles' state.json are written directly (no import: no secret is
# involved), with deadlines relative to now.
# Then, with 5,000 profiles, the first frame does not wait for them and keys work while they load:
# F10, typed ahead, ends the wizard before any profile row is drawn.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"
t_need_python3

N=1000
base="$XDG_STATE_HOME/hsm-onboard"
mkdir -p "$base"
chmod 700 "$base"
# desk-NNNN by NNNN mod 4: 0 done, 1 counting down (NNNN * 10 minutes left), 2 expired (for
# 1 d + NNNN s), 3 imported and not used yet. Prints the expected summary counts.
read -r expired soon < <(python3 - "$base" "$N" "$(date +%s)" <<'EOF'
import datetime, json, os, sys
base, n, now = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
iso = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
expired = soon = 0
for i in range(1, n + 1):
    name = 'desk-%04d' % i
    d = os.path.join(base, name)
    os.mkdir(d, 0o700)
    st = {"version": 1, "tier": "ECO", "service_type": "standard", "api": "pkcs11",
          "hsm_user": name.upper(), "created": iso(now - 86400), "step": "import", "events": [], "checks": []}
    k = i % 4
    if k == 0:
        st.update(step="done", rotation="configured", first_use=iso(now - 3600))
    elif k == 1:
        st["first_use"] = iso(now - 7 * 86400 + i * 600)
        soon += i * 600 < 172800
    elif k == 2:
        st["first_use"] = iso(now - 8 * 86400 - i)
        expired += 1
    with open(os.path.join(d, 'state.json'), 'w') as f:
        json.dump(st, f)
print(expired, soon)
EOF
)
[ "$expired" = 250 ] && [ "$soon" -gt 0 ] || t_fail "the profile generator is broken ($expired, $soon)"

w_start -- wizard --kdf-ms "$W_KDF_MS"
w_wait "Profiles: $N" 30
t_grep "$W_SCREEN" "Expired: $expired  Expire within 48 h: $soon  Profiles: $N" \
	"the summary line counts $expired expired and $soon expiring within 48 h"
first=$(grep -m1 '^  > ' "$W_SCREEN" || true)
case $first in *desk-*EXPIRED*) ;; *) cat "$W_SCREEN" >&2; t_fail "the first row is not an expired profile: '$first'" ;; esac
# The expired ones by name, then the countdowns, soonest first: desk-0001 (10 min left) right after
# the last expired one, desk-0998.
case $first in *desk-0002*) ;; *) cat "$W_SCREEN" >&2; t_fail "the first row is not desk-0002: '$first'" ;; esac
t_ok "the list starts with the expired profiles"
# desk-0990..0999: expired 0990 0994 0998 (by name), counting down 0993 (6 d 21 h left) and 0997
# (6 d 22 h), not used yet 0991 0995 0999, done 0992 0996.
w_key /
w_wait "Show the profiles whose name contains"
w_type "desk-099"
w_key Enter
w_wait "Filter 'desk-099': 10 of $N"
order=$(grep -o 'desk-[0-9]\{4\}' "$W_SCREEN" | tr '\n' ' ')
[ "$order" = "desk-0990 desk-0994 desk-0998 desk-0993 desk-0997 desk-0991 desk-0995 desk-0999 desk-0992 desk-0996 " ] \
	|| { cat "$W_SCREEN" >&2; t_fail "not sorted by urgency: $order"; }
t_ok "sorted by urgency: expired, the soonest deadline, in progress, done"
w_key /
w_wait "Show the profiles whose name contains"
w_key C-u Enter
w_gone "Filter '"
w_key End
w_wait "> desk-1000"
t_ok "End reaches the last profile (done ones come last, by name)"
[ "$(grep -c '^  > ' "$W_SCREEN")" = 1 ] || t_fail "not exactly one selected row after End"
t_grep "$W_SCREEN" "Rows 990-1000" "the list scrolled so that the last profile is drawn"
w_key PPage
w_wait "Rows 989-999"
grep -q '^  > desk-' "$W_SCREEN" || { cat "$W_SCREEN" >&2; t_fail "PgUp left the cursor on no drawn row"; }
t_ok "PgUp scrolls a page up with the cursor on a drawn row"
w_key Home
w_wait "> desk-0002"
t_ok "Home returns to the first profile"
# Up on the first row stays there: a wrap would go to the last choice, and Down from there back to
# the first row; without the wrap Down goes to the second row, desk-0006.
w_key Up Down
w_wait "> desk-0006"
t_ok "Up at the top does not wrap"

w_key /
w_wait "Show the profiles whose name contains"
w_type "0777"
w_key Enter
w_wait "Filter '0777': 1 of $N"
t_grep "$W_SCREEN" "> desk-0777" "'/' finds desk-0777 among $N profiles and selects it"
w_key Enter
w_wait "Step 4 of 10"
t_grep "$W_SCREEN" "desk-0777" "Enter opens the profile found at its step"
w_key F10
st=$(w_exit_status)
[ "$st" = 0 ] || t_fail "F10 exit status $st"
t_ok "F10 leaves the wizard"

# 4,000 more: reading 5,000 profiles takes many slices of the start screen's loading on any machine
# (each profile is several system calls and a JSON parse; a slice is 15 ms).
python3 - "$base" <<'EOF'
import json, os, sys
for i in range(1001, 5001):
    d = os.path.join(sys.argv[1], 'desk-%04d' % i)
    os.mkdir(d, 0o700)
    with open(os.path.join(d, 'state.json'), 'w') as f:
        json.dump({"version": 1, "tier": "ECO", "step": "import", "events": [], "checks": []}, f)
EOF
# The wizard waits for a line before it starts, so that everything it writes is in the stream and F10
# is in the terminal before it reads its first key: that key is read after the first slice.
w_tmux kill-server >/dev/null 2>&1 || true
W_SOCK="$T_DIR/tmux.load.sock"
rm -f "$T_DIR/exit"
w_tmux -u new-session -d -s w -x 80 -y 24 \
	sh -c 'read -r _; env TERM=screen-256color "$1" wizard; echo $? > "$0.tmp" && mv "$0.tmp" "$0"' \
	"$T_DIR/exit" "$HSMO" \; set-option -wg remain-on-exit on
w_tmux pipe-pane -t w -o "cat > '$T_DIR/stream'"
w_tmux send-keys -t w Enter F10
st=$(w_exit_status 30)
[ "$st" = 0 ] || t_fail "F10 while the desk loads: exit status $st"
t_grep "$T_DIR/stream" "Reading 5000 profiles..." "the first frame says it is reading the 5,000 profiles"
t_grep "$T_DIR/stream" "New onboarding" "the first frame shows the choices before the profiles are read"
t_nogrep "$T_DIR/stream" "desk-" "F10 ended the wizard while the profiles loaded, before any row was drawn"
t_done
