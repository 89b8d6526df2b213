#!/bin/sh
# ticket-partition-log.sh: `ticket --partition-log` adds ppin --fetchlog's output (doc/securosys-facts.md,
# section "ppin") after a primus connect through hsm-onboard-ppin-sim.
#
# Checks: ppin gets -c/-s of the profile's primus folder, --fetchlog --user HSM_USER --hsm hsm0 and
# --since the setup password's date of issue, and no secret in argv or the environment; the log lines
# are in the text, markdown and json tickets; an HSM that does not allow log fetching (the
# simulator's flag nolog) still gives a ticket, exit 0, with "partition log not available" and the
# code, and a warning on stderr (also for a missing ppin and a profile of another engine); without
# --partition-log ppin is not run and "partition_log" is null;
# no secret leaks.
. "$top_srcdir/tests/lib.sh"

t_need_softhsm
t_need_tool python3 python3
t_ppin_sim
t_passphrase
t_primus_partition LOGUSER "$PASS"
t_run 0 "connect through the simulator" t_hsmo --profile LOGUSER --yes connect --ppin "$SIM" \
	--module "$SOFTHSM2_MODULE" --endpoint hsm-a.example.test
WORK="$XDG_STATE_HOME/hsm-onboard/LOGUSER/primus"

: > "$calls"
t_run 0 "ticket --partition-log (the ppin connect used)" "$HSMO" --profile LOGUSER ticket --partition-log
t_grep "$T_OUT" "Partition log (ppin --fetchlog)" "the text ticket has the log's section"
t_grep "$T_OUT" "Dump log starting from 2026-11-20 00:00 UTC" "the log starts at the date of issue"
t_grep "$T_OUT" "SIMHSM info MSCNG Process: Login successful: User:" "the text ticket has the log lines"
t_grep "$T_OUT" "LOGUSER Client: hsm-onboard-ppin-sim@simhost" "a long log line is wrapped, not cut"
grep -q "^ARGV:.* -c $WORK/primus.cfg -s $WORK/.secrets.cfg --fetchlog --user LOGUSER --hsm hsm0 --since 2026-11-20" "$calls" ||
	{ cat "$calls" >&2; t_fail "ppin was not run with the documented --fetchlog command line"; }
t_ok "ppin --fetchlog --user LOGUSER --hsm hsm0 --since 2026-11-20 with the profile's files"
if grep -qF -f "$T_SECRETS" "$calls"; then t_fail "a secret was in ppin's argv or environment"; fi
t_ok "no secret in ppin's argv or environment"
awk 'length($0) > 80 { exit 1 }' "$T_OUT" || t_fail "a text ticket line is wider than 80 columns"
t_ok "the text ticket fits 80 columns"

t_run 0 "ticket --partition-log --format markdown" "$HSMO" --profile LOGUSER ticket --partition-log --ppin "$SIM" \
	--format markdown
t_grep "$T_OUT" '```text' "markdown: the log is a fenced block"
t_grep "$T_OUT" "Retrieved permanent login credentials" "markdown: the log lines"

t_run 0 "ticket --partition-log --json" "$HSMO" --profile LOGUSER --json ticket --partition-log --ppin "$SIM"
t_json '"Login request: User: LOGUSER" in j["partition_log"]'
t_json 'j["partition_log"].startswith("Dump log starting from 2026-11-20")'

: > "$calls"
t_run 0 "ticket without --partition-log" "$HSMO" --profile LOGUSER --json ticket
t_json 'j["partition_log"] is None'
[ ! -s "$calls" ] || t_fail "ppin was run without --partition-log"
t_ok "without --partition-log ppin is not run"

# An HSM whose configuration does not allow log fetching: the ticket is still made.
: > "$HSM_ONBOARD_PPIN_SIM_DIR/nolog"
t_run 0 "ticket --partition-log, log fetching not allowed" "$HSMO" --profile LOGUSER ticket --partition-log
t_grep "$T_OUT" "HSM SETUP PASSWORD RENEWAL REQUEST" "the ticket is still written"
t_grep "$T_OUT" "partition log not available:" "the ticket says the log is not available"
t_grep "$T_OUT" "0x80000069" "and names the code"
t_nogrep "$T_OUT" "Dump log starting" "no log lines"
t_grep "$T_ERR" "partition log not available:" "a warning on stderr"
t_run 0 "ticket --partition-log --json, log fetching not allowed" "$HSMO" --profile LOGUSER --json ticket --partition-log
t_json 'j["partition_log"].startswith("partition log not available:")'
t_grep "$T_OUT" "must allow log fetching via the API" "a refusal by the HSM's configuration names the setting"
rm -f "$HSM_ONBOARD_PPIN_SIM_DIR/nolog"
# The HSM not reached: the code's own words, not the log setting.
: > "$HSM_ONBOARD_PPIN_SIM_DIR/network-down"
t_run 0 "ticket --partition-log, HSM not reached" "$HSMO" --profile LOGUSER ticket --partition-log
rm -f "$HSM_ONBOARD_PPIN_SIM_DIR/network-down"
t_grep "$T_OUT" "0x80005015" "the HSM not reached: the ticket names 0x80005015"
t_nogrep "$T_OUT" "must allow log fetching" "and does not blame the log setting"

# A ppin that cannot be run: the same, with the reason.
t_run 0 "ticket --partition-log --ppin missing" "$HSMO" --profile LOGUSER ticket --partition-log --ppin "$T_DIR/no/ppin"
t_grep "$T_OUT" "partition log not available:" "a missing ppin: the ticket says so"
t_grep "$T_ERR" "--ppin" "the warning says how to give ppin"

# A profile of another engine: ppin is not run, and the ticket says why.
t_state_profile P11PROF '"hsm_user": "P11USER", "tier": "ECO", "engine": {"engine": "pkcs11"}'
: > "$calls"
t_run 0 "ticket --partition-log, pkcs11 engine" "$HSMO" --profile P11PROF ticket --partition-log --ppin "$SIM"
t_grep "$T_OUT" "partition log not available: the profile uses the pkcs11 engine" "another engine: the ticket says why"
[ ! -s "$calls" ] || t_fail "ppin was run for a pkcs11 profile"
t_ok "ppin is not run for a pkcs11 profile"

t_scan_leaks
t_done
