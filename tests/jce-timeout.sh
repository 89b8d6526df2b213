#!/bin/sh
# jce-timeout.sh: a hung Primus Tools (tests/jce-standin made to hang, as a java stuck on a dead
# connection) no longer holds the profile lock for ever: it is stopped at the time limit with its
# process group, its private folder is shredded, the run fails cleanly (exit 69) and names the limit,
# and the profile lock is free again. The limit is 120 s; a --enable-failpoints build lets the test
# shorten it (HSM_ONBOARD_TEST_JCE_TIMEOUT_MS), so the test needs one.
. "${top_srcdir:?}/tests/lib.sh"

t_need_failpoints
t_jce_standin
S="$XDG_STATE_HOME/hsm-onboard"
D=$JCE_STANDIN_DIR
t_jce_profile js JCESLOW
connect_jce() { t_jce_connect js --output "$T_DIR/cfg"; }
: > "$D/hang"
HSM_ONBOARD_TEST_JCE_TIMEOUT_MS=$(t_secs 1500)
export HSM_ONBOARD_TEST_JCE_TIMEOUT_MS
t_run 69 "connect while the tool hangs" connect_jce
t_grep "$T_ERR" "did not finish within" "the time limit is named"
TOOL=$(cat "$D/hang.pid")
end=$(( $(date +%s) + $(t_secs 30) ))
while kill -0 "$TOOL" 2>/dev/null && [ "$(ps -o stat= -p "$TOOL" 2>/dev/null | cut -c1)" != Z ]; do
	[ "$(date +%s)" -lt "$end" ] || t_fail "the hung tool (pid $TOOL) survived the time limit"
done
t_ok "the hung tool was killed with its process group"
[ -z "$(ls -d "$S/js"/*.jce.* 2>/dev/null)" ] || t_fail "the time limit left a folder: $(ls -d "$S/js"/*.jce.*)"
t_ok "no private folder left"
rm -f "$D/hang"
unset HSM_ONBOARD_TEST_JCE_TIMEOUT_MS
t_run 0 "the next connect (the lock is free)" connect_jce
t_scan_leaks "$S"
t_done
