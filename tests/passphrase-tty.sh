#!/bin/bash
# tests/passphrase-tty.sh: the questions the CLI asks on a real terminal (tmux with a private socket):
# the new vault passphrase without echo, asked twice, with the minimum length and a mismatch re-asked;
# the tier when the file names do not tell it; the renewal confirmation, refused and then given. The
# passphrase must never appear on the screen.
. "$top_srcdir/tests/lib.sh"

t_need_tmux
RUN_N=0
SOCK="$T_DIR/tmux.0.sock"
IN="$T_DIR/in"
T_SCAN_EXCLUDE=$IN
PASS="tty passphrase $(t_rand_alnum 10)"
t_secret "$PASS"
SCREEN="$T_DIR/screen"
tmx() { tmux -S "$SOCK" -f /dev/null "$@"; }
export TERM=xterm-256color
trap 'rc=$?; tmx kill-server >/dev/null 2>&1; (exit $rc); t_cleanup' EXIT

# run_in_tmux CMD...: starts CMD in a fresh 80x24 session; the pane stays until a key after it ends.
# Each run gets its own server and socket: a new session on a server that is still exiting fails.
run_in_tmux() {
	tmx kill-server 2>/dev/null || true
	RUN_N=$((RUN_N + 1))
	SOCK="$T_DIR/tmux.$RUN_N.sock"
	{ printf '%q ' "$@"; printf '\necho "EXIT=$?"\nread -r _\n'; } > "$T_DIR/run.sh"
	tmx -u new-session -d -x 80 -y 24 "bash $(printf '%q' "$T_DIR/run.sh")"
}
# wait_for TEXT [N]: polls the screen until TEXT shows on N lines (default 1; 10 s at most); keeps
# the screen in $SCREEN. Each answer waits for its own prompt: echo-off flushes type-ahead.
wait_for() {
	for _ in $(seq 1 200); do
		tmx capture-pane -p -S - > "$SCREEN" 2>/dev/null || true
		cat "$SCREEN" >> "$T_DIR/all-screens"
		[ "$(grep -cF -- "$1" "$SCREEN")" -ge "${2:-1}" ] && { t_ok "screen shows: $1"; return 0; }
		sleep 0.05
	done
	echo "--- screen" >&2; cat "$SCREEN" >&2
	t_fail "'$1' did not appear on the screen"
}
type_line() { tmx send-keys -l -- "$1"; tmx send-keys Enter; }

# ---- a new vault: passphrase twice, without echo; too short and mismatched entries are re-asked ----
t_make_credfiles "$IN" ACME_Corp cloudhsm TTY01 20261120
run_in_tmux "$HSMO" --kdf-ms 20 import "$T_SERVICE_FILE" "$T_HSM_FILE"
wait_for "Tier (SBX, ECO, ECO-CC, PLATINUM):"
type_line "eco"
NEWP="New vault passphrase for profile TTY01 (at least 12 characters):"
wait_for "$NEWP"
type_line "short"
wait_for "must have at least 12 characters"
wait_for "$NEWP" 2
type_line "$PASS"
wait_for "Repeat the passphrase:"
type_line "$PASS-but-different"
wait_for "the two passphrases differ"
wait_for "$NEWP" 3
type_line "$PASS"
wait_for "Repeat the passphrase:" 2
type_line "$PASS"
wait_for "EXIT=0"
t_grep "$SCREEN" "Profile TTY01: imported." "imported after the questions"
t_grep "$XDG_STATE_HOME/hsm-onboard/TTY01/state.json" '"tier": "ECO"' "the tier typed on the terminal"
t_nogrep "$T_DIR/all-screens" "$PASS" "the passphrase was never echoed"
t_scan_leaks "$T_DIR/all-screens"

# ---- opening: asked once ----
run_in_tmux "$HSMO" secrets
wait_for "Vault passphrase for profile TTY01:"
type_line "$PASS"
wait_for "EXIT=0"
grep -qE '^ +setup-password +stored$' "$SCREEN" || t_fail "secrets after a terminal passphrase"
t_ok "secrets opened the vault with the passphrase typed on the terminal"

# ---- renewal: the question on the terminal, no and then yes ----
NEW_SETUP=$(t_setup_password)
t_secret "$NEW_SETUP"
RENEW="$IN/renew/ACME_Corp_eco_hsm_TTY01_20261126.txt"
mkdir -p "$IN/renew"
printf 'HSM User Name: TTY01\nHSM User Setup Password: %s\n' "$NEW_SETUP" > "$RENEW"
chmod 600 "$RENEW"
run_in_tmux "$HSMO" import "$RENEW"
wait_for "Vault passphrase for profile TTY01:"
type_line "$PASS"
wait_for "[y/N]"
type_line "n"
wait_for "EXIT=64"
t_grep "$XDG_STATE_HOME/hsm-onboard/TTY01/state.json" '"issued": "2026-11-20T00:00:00Z"' "no: nothing changed"
run_in_tmux "$HSMO" import "$RENEW"
wait_for "Vault passphrase for profile TTY01:"
type_line "$PASS"
wait_for "[y/N]"
type_line "y"
wait_for "EXIT=0"
t_grep "$XDG_STATE_HOME/hsm-onboard/TTY01/state.json" '"kind": "renewed"' "yes: renewed"
t_nogrep "$T_DIR/all-screens" "$PASS" "the passphrase was never echoed"
t_scan_leaks "$T_DIR/all-screens"
t_done
