# tests/wizard-lib.sh: drives the real wizard in tmux (sourced after tests/lib.sh).
# shellcheck shell=bash
#
# A private tmux server (-S socket in the test's dir, -f /dev/null: no user config), an 80x24 window,
# UTF-8 (-u), TERM pinned. Keys go in with send-keys; the screen comes back with capture-pane, polled
# until the expected text shows or a timeout passes (no fixed sleeps). Every capture is kept and
# checked for secrets: no registered secret value and nothing shaped like a setup password.
t_need_tmux

W_SOCK="$T_DIR/tmux.sock"
W_CAP="$T_DIR/captures"
W_KEYS=0          # keystrokes sent with w_key (typed text with w_type is not counted)
# The vault's scrypt cost for a wizard test (--kdf-ms): small, so that no wait of a test depends on
# how long scrypt takes on a busy machine under ASan. The one place to change it.
# shellcheck disable=SC2034 # read by the scripts that source this file
W_KDF_MS=20
mkdir -p "$W_CAP"
mkfifo "$T_DIR/.tick"
exec 9<>"$T_DIR/.tick"

# libfaketime, preloaded when a test sets W_FAKETIME (tests/lib.sh, t_find_faketime).
t_find_faketime
W_FAKELIB=$T_FAKETIME_LIB

# w_demo_probe: after t_need_softhsm, the demo has what it needs, so off a terminal it must refuse with
# 64 (no terminal) and nothing else: a 69 here is a broken demo, never a reason to skip.
w_demo_probe() {
	set +e
	"$HSMO" demo </dev/null >/dev/null 2>"$T_DIR/probe"
	probe=$?
	set -e
	[ "$probe" -eq 64 ] || t_fail "demo off a terminal: exit $probe, expected 64: $(cat "$T_DIR/probe")"
}

w_tmux() { tmux -S "$W_SOCK" -f /dev/null "$@"; }

w_cleanup() {
	rc=$?
	# The wizard first (so it writes nothing while the directory goes away), then the server.
	p=$(w_pid 2>/dev/null || true)
	# shellcheck disable=SC2086 # $p is a list of process ids
	[ -z "$p" ] || kill -KILL $p 2>/dev/null || true
	w_tmux kill-server >/dev/null 2>&1 || true
	t_finish "$rc"
}
trap w_cleanup EXIT

# w_need_demo: what the demo needs is here (SoftHSM2), and `demo` off a terminal refuses with a usage
# error (64). A missing part of the build (69, e.g. the ppin simulator) fails the test: never a skip.
w_need_demo() {
	t_need_softhsm
	set +e
	"$HSMO" demo </dev/null >/dev/null 2>"$T_DIR/probe"
	_probe=$?
	set -e
	[ "$_probe" -ne 69 ] || t_fail "demo: $(cat "$T_DIR/probe")"
	[ "$_probe" -eq 64 ] || t_fail "demo off a terminal: exit $_probe, expected 64"
	t_ok "demo refuses to start off a terminal"
}

# w_pause: a short wait between two polls, without sleep(1): a read on an idle fifo that times out.
w_pause() { read -r -t "${1:-0.05}" -u 9 _ || true; }

# w_start [ENV=VALUE...] -- ARGS...: starts `hsm-onboard ARGS` in a fresh 80x24 window.
w_start() {
	envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	w_tmux kill-server >/dev/null 2>&1 || true
	# A fresh socket per start: a client racing a server that is still exiting on the old socket gets
	# "server exited unexpectedly".
	W_START_N=$(( ${W_START_N:-0} + 1 ))
	W_SOCK="$T_DIR/tmux.$W_START_N.sock"
	rm -f "$T_DIR/exit"
	# A small shell waits for the wizard and records its exit status (the pane's shell reaps it, so
	# the test never depends on when the tmux server reaps its child).
	w_tmux -u new-session -d -s w -x 80 -y 24 \
		sh -c '"$@"; echo $? > "$0.tmp" && mv "$0.tmp" "$0"' "$T_DIR/exit" \
		env TERM=screen-256color "${envs[@]}" ${W_FAKETIME:+LD_PRELOAD=$W_FAKELIB FAKETIME="$W_FAKETIME"} "$HSMO" "$@" \
		\; set-option -wg remain-on-exit on
}

# w_pid: the wizard's process id (the child of the pane's shell).
w_pid() {
	pp=$(w_tmux display-message -p -t w '#{pane_pid}' 2>/dev/null) || return 0
	ps -o pid= --ppid "$pp" | tr -d ' '
}

# w_capture: the screen now, kept as captures/NNN.txt and checked for secrets; prints the file name.
w_capture() {
	# Numbered by the files already there: w_capture runs in $(...), so a counter would not survive.
	n=$(find "$W_CAP" -name '*.txt' | wc -l)
	f=$(printf '%s/%04d.txt' "$W_CAP" $((n + 1)))
	w_tmux capture-pane -p -t w > "$f" 2>/dev/null || true
	if [ -s "$T_SECRETS" ] && grep -qF -f "$T_SECRETS" "$f"; then
		cat "$f" >&2
		t_fail "a secret value is on screen (capture $f)"
	fi
	if grep -qE '[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){4}' "$f"; then
		cat "$f" >&2
		t_fail "a string shaped like a setup password is on screen (capture $f)"
	fi
	echo "$f"
}

# w_wait TEXT [SECONDS]: polls until TEXT (fixed string) is on screen; W_SCREEN is that capture.
# SECONDS (default 15) is for a release build: t_secs scales it for the slow builds.
w_wait() {
	text=$1 limit=$(t_secs "${2:-15}")
	end=$(( $(date +%s) + limit ))
	while :; do
		W_SCREEN=$(w_capture)
		grep -qF -- "$text" "$W_SCREEN" && return 0
		if [ "$(date +%s)" -ge "$end" ]; then
			echo "--- screen while waiting for '$text':" >&2
			cat "$W_SCREEN" >&2
			t_fail "'$text' did not appear within ${limit}s"
		fi
		w_pause
	done
}

# w_settle: captures until two captures in a row are the same (a loaded machine may show a screen
# half redrawn just when the awaited text appears), for at most a few seconds; W_SCREEN is the last.
w_settle() {
	end=$(( $(date +%s) + $(t_secs 5) ))
	prev=$W_SCREEN
	while :; do
		w_pause 0.1
		W_SCREEN=$(w_capture)
		cmp -s "$prev" "$W_SCREEN" && return 0
		[ "$(date +%s)" -lt "$end" ] || return 0
		prev=$W_SCREEN
	done
}

# w_gone TEXT [SECONDS]: polls until TEXT is no longer on screen.
w_gone() {
	text=$1 limit=$(t_secs "${2:-15}")
	end=$(( $(date +%s) + limit ))
	while :; do
		W_SCREEN=$(w_capture)
		grep -qF -- "$text" "$W_SCREEN" || return 0
		[ "$(date +%s)" -lt "$end" ] || { cat "$W_SCREEN" >&2; t_fail "'$text' stayed on screen"; }
		w_pause
	done
}

# w_key KEY...: named keys (Enter, Escape, F10, Down, C-c, ...) or single characters; each counts.
w_key() {
	for k in "$@"; do
		w_tmux send-keys -t w "$k"
		W_KEYS=$((W_KEYS + 1))
	done
}

# w_type TEXT: typed text, sent literally; not counted as keystrokes.
w_type() { w_tmux send-keys -t w -l -- "$1"; }

# w_exit_status [SECONDS]: waits for the wizard to end and prints its exit status.
w_exit_status() {
	end=$(( $(date +%s) + $(t_secs "${1:-15}") ))
	until [ -f "$T_DIR/exit" ]; do
		[ "$(date +%s)" -lt "$end" ] || t_fail "the wizard did not exit"
		w_pause
	done
	cat "$T_DIR/exit"
}

# w_golden NAME: the current screen must equal tests/golden/NAME.txt, once W_MASK (a sed script) has
# masked what must vary (temp paths). HSMO_GOLDEN_UPDATE=1 rewrites the golden file instead.
w_golden() {
	w_settle
	g="$top_srcdir/tests/golden/$1.txt"
	sed -e "${W_MASK:-}" "$W_SCREEN" > "$T_DIR/golden-$1.txt"
	if [ -n "${HSMO_GOLDEN_UPDATE:-}" ]; then
		cp "$T_DIR/golden-$1.txt" "$g"
		echo "# rewrote $g"
	fi
	diff -u "$g" "$T_DIR/golden-$1.txt" >&2 || t_fail "screen $1 differs from tests/golden/$1.txt"
	t_ok "screen $1 matches tests/golden/$1.txt"
}

w_resize() { w_tmux resize-window -t w -x "$1" -y "$2"; }

# w_new_onboarding: from the start screen ("New onboarding") to "Step 1 of 10: Subscription", with the
# profile name the wizard proposes.
w_new_onboarding() {
	w_wait "New onboarding"
	w_key Enter
	w_wait "A name for the profile"
	w_key Enter
	w_wait "Step 1 of 10: Subscription"
}

# w_demo_walk_to_provider PASSPHRASE: from the demo's first screen ("Step 1 of 10: Subscription") to
# the provider screen, the way a person goes: Enter through each step, the passphrase twice, "yes" at
# the point of no return. The demo drives the primus engine (ppin is its simulator). W_NO_RETURN,
# W_ROTATED and W_PROVIDER are the captures of the point of no return, the rotation's result screen and
# the provider screen. Shared by the demo tests of the build (wizard-demo.sh, wizard-demo-jce.sh with
# W_DEMO_PREFLIGHT="") and of the installed package (installed-demo.sh).
w_demo_walk_to_provider() {
	w_wait "Step 1 of 10: Subscription"
	w_key Enter
	w_wait "Step 2 of 10: Emails"
	w_key Enter
	w_wait "Step 3 of 10: SecureCode"
	w_key Enter
	w_wait "Pairing: DEMOHSM01: complete"
	w_key Enter
	w_wait "New vault passphrase"
	w_type "$1"; w_key Enter
	w_wait "Type the passphrase again"
	w_type "$1"; w_key Enter
	w_wait "Shred the plaintext"
	w_key Enter
	w_wait "Step 5 of 10: Review"
	w_key Enter
	w_wait "Step 6 of 10: Countdown"
	w_wait "The 7 days start at the first connection"
	w_key Enter
	w_wait "Step 7 of 10: Preflight"
	# The primus demo's engine line; W_DEMO_PREFLIGHT="" for a demo whose engine shows none (jce).
	[ -z "${W_DEMO_PREFLIGHT-Engine primus: ready}" ] || w_wait "${W_DEMO_PREFLIGHT-Engine primus: ready}"
	w_key Enter
	w_wait "Type yes and press Enter"
	# shellcheck disable=SC2034 # read by the scripts that source this file
	W_NO_RETURN=$W_SCREEN
	w_type yes; w_key Enter
	w_wait "The first connection is done." 60
	# shellcheck disable=SC2034 # read by the scripts that source this file
	W_ROTATED=$W_SCREEN
	w_key Enter
	w_wait "Step 9 of 10: Provider configuration"
	w_wait "Written in"
	# shellcheck disable=SC2034 # read by the scripts that source this file
	W_PROVIDER=$W_SCREEN
}

# w_demo_walk PASSPHRASE: the same walk on to "Onboarding complete".
w_demo_walk() {
	w_demo_walk_to_provider "$1"
	w_key Enter
	w_wait "Onboarding complete"
}
