#!/bin/sh
# jce-interrupt.sh: an interrupted or hung JCE exchange leaves no secret behind. Primus Tools gets the
# setup and service passwords in files of a private PROFILE/primus.jce.* folder; tests/jce-standin,
# made to hang, plays a java stuck on a dead connection. Proves:
#   - SIGTERM and SIGINT to hsm-onboard while the tool hangs: the folder is shredded, the tool (its own
#     process group, so the terminal's Ctrl-C never reaches it) is killed, the signal ends the program;
#   - SIGKILL (nothing can clean up): the folder holds the setup password, and the next run shreds it;
#   - forget of a profile whose run was killed exits 0 and leaves nothing.
# The time limit is tests/jce-timeout.sh.
. "${top_srcdir:?}/tests/lib.sh"

t_jce_standin
S="$XDG_STATE_HOME/hsm-onboard"
D=$JCE_STANDIN_DIR
t_jce_profile jh JCEHANG
connect_jce() { t_jce_connect jh --output "$T_DIR/cfg"; }

# wait_for FILE: polls (no sleep) until FILE exists, at most t_secs 30.
wait_for() {
	end=$(( $(date +%s) + $(t_secs 30) ))
	while [ ! -s "$1" ]; do
		[ "$(date +%s)" -lt "$end" ] || t_fail "timed out waiting for $1"
	done
}
# gone PID: polls until the process is gone (a zombie counts as gone), at most t_secs 30.
gone() {
	end=$(( $(date +%s) + $(t_secs 30) ))
	while kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]; do
		[ "$(date +%s)" -lt "$end" ] || return 1
	done
}
jce_dirs() { ls -d "$S/jh"/*.jce.* 2>/dev/null || true; }

# hung_run SIGNAL: a connect whose tool hangs, sent SIGNAL once the tool runs. Leaves $RC, $TOOL.
hung_run() {
	rm -f "$D/hang.pid"
	: > "$D/hang"
	# env: a background job of a script starts with SIGINT ignored, which the program keeps.
	env --default-signal=INT,TERM "$T_HSMO_FROM" "$T_DIR/pass" --profile jh --yes connect --engine jce \
		--module "$JAR" --endpoint jce-a.example.test --output "$T_DIR/cfg" >"$T_OUT" 2>"$T_ERR" &
	pid=$!
	wait_for "$D/hang.pid"
	TOOL=$(cat "$D/hang.pid")
	[ -n "$(jce_dirs)" ] || t_fail "$1: no private folder while the tool runs (the test proves nothing)"
	kill "-$1" "$pid"
	set +e
	wait "$pid"
	RC=$?
	set -e
	cat "$T_OUT" "$T_ERR" >> "$T_DIR/all-output"
	rm -f "$D/hang"
}

for sig in TERM INT HUP; do
	hung_run "$sig"
	want=$(( 128 + $(kill -l "$sig") ))
	[ "$RC" -eq "$want" ] || t_fail "SIG$sig: exit $RC, expected $want"
	[ -z "$(jce_dirs)" ] || t_fail "SIG$sig: the private folder was left: $(jce_dirs)"
	gone "$TOOL" || t_fail "SIG$sig: the hung tool (pid $TOOL) still runs"
	t_ok "SIG$sig while the tool hangs: the folder is shredded, the tool killed, exit $RC"
done

# SIGKILL: nothing can clean up; the folder holds the setup password until the next run.
hung_run KILL
kill -KILL "$TOOL" 2>/dev/null || true
left=$(jce_dirs)
[ -n "$left" ] || t_fail "SIGKILL left no folder: the sweep below would prove nothing"
grep -rqF -- "$T_SETUP_PW" "$left" || t_fail "the folder left by SIGKILL does not hold the setup password"
t_ok "SIGKILL left $(basename "$left") with the setup password in it (the reproduction)"
rm -rf "$left.copy"
t_run 0 "the next connect" connect_jce
[ ! -e "$left" ] && [ -z "$(jce_dirs)" ] || t_fail "the next run did not shred the stale folder: $(jce_dirs)"
t_ok "the next run shredded the stale folder"

# forget of a profile whose run was killed.
t_run 0 "a second profile" t_jce_profile jk JCEHANG 20261121
rm -f "$D/hang.pid"
: > "$D/hang"
# Not through a function: $! must be hsm-onboard itself, not a subshell.
"$T_HSMO_FROM" "$T_DIR/pass" --profile jk --yes connect --engine jce --module "$JAR" --endpoint jce-a.example.test \
	>>"$T_DIR/all-output" 2>&1 &
pid=$!
wait_for "$D/hang.pid"
kill -KILL "$pid" "$(cat "$D/hang.pid")"
wait "$pid" 2>/dev/null || true
rm -f "$D/hang"
[ -n "$(ls -d "$S/jk"/*.jce.* 2>/dev/null)" ] || t_fail "the killed run left no folder: forget would prove nothing"
t_run 0 "forget of the interrupted jce profile" "$HSMO" --profile jk forget --discard-user-secret --yes
[ ! -e "$S/jk" ] || t_fail "forget left: $(find "$S/jk")"
t_ok "forget left nothing of the interrupted profile"

t_scan_leaks "$S"
t_done
