#!/bin/sh
# crash-all.sh: SIGKILL at every failpoint, in every step of the onboarding that reaches it, then
# recovery; and the proof that no failpoint is left uncovered.
#
# The flow is the real one: import -> connect (pkcs11 engine, SoftHSM2) -> config -> ticket -> status. For each
# name in `hsm-onboard --list-failpoints` and each step, we restore a snapshot of the world as it was
# before that step (profile and token), arm the failpoint for that step only, and run it:
#   - if the process kills itself (exit 137), we rerun the same step without the failpoint, finish the
#     flow, and check the end state: state.json says "configured", the pin-source file written by
#     config opens the token (pkcs11-tool, an independent client), the setup password no longer does,
#     verify passes, the ticket exists, no temporary file is left anywhere, nothing leaked;
#   - if the step completes without reaching the failpoint, that step does not reach it: fine.
# Every failpoint must fire in at least one step, or the test fails naming it: a crash point that no
# test reaches is a durable step nobody has proved recoverable. The other crash tests (crash-import.sh,
# crash-connect.sh) go deeper on their command (renewals, repeated crashes); this one guarantees the
# whole list is covered and prints the matrix of which step reaches which failpoint.
. "${top_srcdir:?}/tests/lib.sh"
. "$top_srcdir/tests/hardening-lib.sh"

t_need_failpoints
t_need_softhsm
t_need_pkcs11_tool
"$HSMO" --list-failpoints > "$T_DIR/fps"

t_passphrase "crash all passphrase $(t_rand_alnum 8)"
t_make_credfiles "$T_DIR/creds" acme sbx CRASHALL 20261120 pkcs11
T_SCAN_EXCLUDE=$T_DIR/creds
SETUP=$T_SETUP_PW

# The world every run uses, at fixed paths (state.json records absolute paths), restored from
# snapshots: RUN holds state/, tokens/, cfg/, ticket.txt and metrics.prom.
RUN=$T_DIR/world
export XDG_STATE_HOME="$RUN/state"
t_softhsm_private "$RUN/tokens"
mkdir -p "$RUN/state"
t_softhsm_token CRASHALL "$SETUP"

STEPS="import connect config ticket status"
step_cmd() { # STEP: runs one step of the flow (stdin closed, passphrase on fd 3)
	case $1 in
		import) t_hsmo import --tier SBX "$T_SERVICE_FILE" "$T_HSM_FILE" ;;
		connect) t_hsmo --profile CRASHALL --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE" ;;
		config) t_hsmo --profile CRASHALL config --output "$RUN/cfg" ;;
		ticket) "$HSMO" --profile CRASHALL ticket --force --output "$RUN/ticket.txt" ;;
		status) "$HSMO" status --format openmetrics --output "$RUN/metrics.prom" ;;
	esac
}
printf '%s\n' "$PASS" > "$T_DIR/pass"
chmod 600 "$T_DIR/pass"

# run_step STEP [FAILPOINT]: prints the exit code; output goes to the test's log of all output.
run_step() {
	set +e
	HSM_ONBOARD_FAILPOINT=${2:-} step_cmd "$1" </dev/null >"$T_OUT" 2>"$T_ERR"
	rc=$?
	set -e
	cat "$T_OUT" "$T_ERR" >> "$T_DIR/all-output"
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$T_ERR"; then
		cat "$T_ERR" >&2
		t_fail "$1${2:+ with $2}: sanitizer report"
	fi
}

snap() { rm -rf "$T_DIR/snap.$1"; mkdir "$T_DIR/snap.$1"; cp -a "$RUN/." "$T_DIR/snap.$1/"; }
restore() { rm -rf "$RUN"; mkdir "$RUN"; cp -a "$T_DIR/snap.$1/." "$RUN/"; }

# Snapshots of the world before each step, from one clean flow.
for s in $STEPS; do
	snap "$s"
	run_step "$s"
	[ "$rc" -eq 0 ] || { cat "$T_ERR" >&2; t_fail "clean flow: $s exited $rc"; }
done
t_ok "a clean flow import -> connect -> config -> ticket -> status succeeds; snapshots before each step"
USER_SECRET=$(cat "$RUN/cfg/pkcs11.pin")
t_secret "$USER_SECRET"

p11_ok() { pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label CRASHALL --login --pin "$1" --list-objects >/dev/null 2>&1; }

check_end() { # NAME: the end state after a crash and a recovery
	st=$XDG_STATE_HOME/hsm-onboard/CRASHALL/state.json
	grep -q '"rotation": "configured"' "$st" || { cat "$st" >&2; t_fail "$1: state is not configured"; }
	secret=$(cat "$RUN/cfg/pkcs11.pin" 2>/dev/null || true)
	[ -n "$secret" ] || t_fail "$1: no pin-source file"
	grep -qxF -- "$secret" "$T_SECRETS" || t_secret "$secret"
	p11_ok "$secret" || t_fail "$1: the stored secret does not open the token (locked out)"
	if p11_ok "$SETUP"; then t_fail "$1: the setup password still opens the token"; fi
	set +e
	t_hsmo --profile CRASHALL verify </dev/null >>"$T_DIR/all-output" 2>&1
	vrc=$?
	set -e
	[ "$vrc" -eq 0 ] || t_fail "$1: verify failed ($vrc)"
	[ -s "$RUN/ticket.txt" ] || t_fail "$1: no ticket"
	grep -q '^hsm_onboard_rotation_state{profile="CRASHALL",.*state="configured"} 1$' "$RUN/metrics.prom" 2>/dev/null \
		|| t_fail "$1: the metrics file is missing or does not show the configured rotation"
	left=$(find "$RUN/state" "$RUN/cfg" "$RUN" -maxdepth 1 -name '*.tmp' 2>/dev/null; find "$RUN/state" -name '*.tmp')
	[ -z "$left" ] || t_fail "$1: temporary files left: $left"
}

fired_total=0
uncovered=
while read -r fp; do
	where=
	for s in $STEPS; do
		restore "$s"
		run_step "$s" "$fp"
		if [ "$rc" -eq 137 ]; then
			where="$where $s"
			run_step "$s"
			[ "$rc" -eq 0 ] || { cat "$T_ERR" >&2; t_fail "$fp in $s: the rerun after the crash exited $rc"; }
			after=0
			for s2 in $STEPS; do
				[ "$after" = 1 ] && { run_step "$s2"; [ "$rc" -eq 0 ] || { cat "$T_ERR" >&2; t_fail "$fp in $s: $s2 after the recovery exited $rc"; }; }
				[ "$s2" = "$s" ] && after=1
			done
			check_end "$fp in $s"
			fired_total=$((fired_total + 1))
		elif [ "$rc" -ne 0 ]; then
			cat "$T_ERR" >&2
			t_fail "$fp armed in $s: exit $rc (neither a crash nor a success)"
		fi
	done
	# This loop runs the pkcs11 engine; a point only the primus or jce engine reaches is crashed and
	# resumed by that engine's own loop, which must name it.
	elsewhere=
	[ -n "$where" ] || elsewhere=$(grep -l -e "$fp" "$top_srcdir/tests/connect-primus.sh" \
		"$top_srcdir/tests/connect-jce.sh" "$top_srcdir/tests/wizard-crash.sh" "$top_srcdir/tests/crash-renewal.sh" 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
	if [ -z "$where" ] && [ -n "$elsewhere" ]; then
		t_ok "$fp: an engine's own point, crashed and resumed by $elsewhere"
	elif [ -z "$where" ]; then
		uncovered="$uncovered $fp"
		echo "# $fp: reached by no step"
	else
		t_ok "$fp: killed in$where; each rerun recovered to the same end state"
	fi
done < "$T_DIR/fps"
[ -z "$uncovered" ] || t_fail "failpoints covered by no test (no step of import, connect, config, ticket, status reaches them):$uncovered"
t_ok "all $(wc -l < "$T_DIR/fps") failpoints are covered: $fired_total crash-and-recovery runs"
t_scan_leaks "$RUN/state" "$RUN/ticket.txt"
t_done
