#!/bin/sh
# status-quote.sh: what status prints stays what it says.
#   - The text writer shows every string from state.json through quote_c, as inspect does: an OSC
#     title sequence in the HSM user (it may come from a JWT file's name) and a bidi override in the
#     cluster reach the terminal escaped, never raw.
#   - The Nagios line (--check): free text holding '|' (here the state folder's path, in the error of
#     an unreadable profile) or a control character does not start the performance data early.
. "${top_srcdir:?}/tests/lib.sh"
t_need_python3

# ---- the text writer ----
t_state_profile EVIL '"tier": "ECO", "hsm_user": "x\u001b]0;pwned\u0007y", "cluster": "ECO\u202e10",
	"issued": "2026-11-20T00:00:00Z"'
t_run 0 "status with escapes in state.json" "$HSMO" status
python3 - "$T_OUT" <<'EOPY' || t_fail "a raw control or bidi character reached the terminal"
import sys
data = open(sys.argv[1], "rb").read().decode("utf-8")
bad = [c for c in data if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f or c in "\u061c\u200e\u200f" or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]
sys.exit(1 if bad else 0)
EOPY
t_ok "no raw control or bidi character in the output"
t_grep "$T_OUT" '"x\033]0;pwned\007y"' "the HSM user is shown quoted, ESC and BEL escaped"
t_grep "$T_OUT" '"ECO\xE2\x80\xAE10"' "the bidi override in the cluster is shown escaped"

# ---- the Nagios line ----
export XDG_STATE_HOME="$T_DIR/st|ate"
t_state_profile GOOD01 '"tier": "ECO", "hsm_user": "GOOD01", "issued": "2026-11-20T00:00:00Z", "first_use": "2099-01-01T00:00:00Z"'
mkdir -p "$XDG_STATE_HOME/hsm-onboard/BROKEN"
chmod 700 "$XDG_STATE_HOME/hsm-onboard/BROKEN"
printf '{"version": 1, "step": "imp|ort\n' > "$XDG_STATE_HOME/hsm-onboard/BROKEN/state.json"
chmod 600 "$XDG_STATE_HOME/hsm-onboard/BROKEN/state.json"
set +e
"$HSMO" status --check > "$T_OUT" 2> "$T_ERR"
rc=$?
set -e
cat "$T_OUT" "$T_ERR" >> "$T_DIR/all-output"
[ "$rc" -eq 3 ] || { cat "$T_OUT" "$T_ERR" >&2; t_fail "status --check: exit $rc, expected 3 (UNKNOWN)"; }
[ "$(wc -l < "$T_OUT")" -eq 1 ] || { cat "$T_OUT" >&2; t_fail "the Nagios output is not one line"; }
t_grep "$T_OUT" "BROKEN" "the unreadable profile's error is on the line"
text=${T_OUT}.text
sed "s/ | 'GOOD01_seconds_left'=.*//" "$T_OUT" > "$text"
! cmp -s "$text" "$T_OUT" || { cat "$T_OUT" >&2; t_fail "no performance data for GOOD01 after ' | '"; }
t_nogrep "$text" "|" "no '|' in the text before the performance data"
t_done
