#!/bin/sh
# status-countdown.sh: the setup password's countdown (status, status --json, status --check) and
# mark-used, for ECO (7 days from the first use) and ECO-CC (from 00:00 Europe/Zurich on the date of
# issue, across a DST change), several profiles, missing data and a replaced password. The profiles
# are state.json files as import writes them (written here, so this test does not depend on the import
# command; status-renew.sh goes through import). The support ticket is tests/ticket-formats.sh.
#
# The clock is moved with libfaketime (the Debian package faketime, via LD_PRELOAD); the product has no
# clock hook. libfaketime also works with the sanitizer build: ASan's link-order check is off in
# ASAN_OPTIONS (verify_asan_link_order=0, set by Makefile.am), so libfaketime may be preloaded first.
. "$top_srcdir/tests/lib.sh"

t_need_faketime
t_need_python3

# ---- no profile yet ----
t_run 0 "status without profiles" "$HSMO" status
t_grep "$T_OUT" "No profile yet" "status says there is no profile"
t_run 3 "status --check without profiles is UNKNOWN" "$HSMO" status --check
t_grep "$T_OUT" "HSM-ONBOARD UNKNOWN - no profile found" "Nagios line for no profile"
t_run 0 "status --json without profiles" "$HSMO" status --json
t_json 'j == {"profiles": []}'

# ---- ECO: 7 days from the first use ----
t_state_profile ACMEHSM01 '"tier": "ECO", "service_type": "standard", "hsm_user": "ACMEHSM01",
	"service_user": "svc-ACMEHSM01", "company": "ACME_Corp", "service": "eco", "cluster": "ECO01",
	"issued": "2026-11-20T00:00:00Z", "created": "2026-11-20T09:00:00Z",
	"last_error": {"at": "2026-11-28T09:30:00Z", "code": "CKR_PIN_INCORRECT", "message": "the PIN is incorrect"},
	"checked_at": "2026-11-28T09:20:00Z",
	"checks": [{"endpoint": "eco01.example.invalid:2310", "category": "ok", "latency_ms": 12}],
	"events": [{"at": "2026-11-20T09:00:00Z", "kind": "imported", "detail": "service hsm"}]'
t_run 0 "status: ECO unused" t_at "2026-11-21 09:00:00" "$HSMO" status
t_grep "$T_OUT" "ACMEHSM01: HSM user ACMEHSM01, ECO, standard, step import" "status names the profile"
t_grep "$T_OUT" "not used yet" "ECO without a first use is unused"
t_grep "$T_OUT" "  cluster ECO01, API -" "status shows the cluster step 1 chose, as the wizard's Review and Done do"
t_run 0 "status --json: unused" t_at "2026-11-21 09:00:00" "$HSMO" status --json
t_json 'set(j["profiles"][0]) == {"name","hsm_user","service_user","tier","service_type","api","path","cluster","step","setup_password","config_dir","shares_config_dir_with"}'
t_json 'set(j["profiles"][0]["setup_password"]) == {"state","issued","first_use","expires_at","seconds_left","worst_case"}'
t_json 'j["profiles"][0]["name"] == "ACMEHSM01" and j["profiles"][0]["hsm_user"] == "ACMEHSM01"'
t_json 'j["profiles"][0]["service_user"] == "svc-ACMEHSM01" and j["profiles"][0]["tier"] == "ECO"'
t_json 'j["profiles"][0]["service_type"] == "standard" and j["profiles"][0]["step"] == "import"'
t_json 'j["profiles"][0]["cluster"] == "ECO01" and j["profiles"][0]["api"] is None'
t_json 'j["profiles"][0]["setup_password"]["state"] == "unused"'
t_json 'j["profiles"][0]["setup_password"]["first_use"] is None and j["profiles"][0]["setup_password"]["expires_at"] is None'
t_json 'j["profiles"][0]["setup_password"]["seconds_left"] is None'
t_run 0 "status --check: unused is OK" t_at "2026-11-21 09:00:00" "$HSMO" status --check
t_grep "$T_OUT" "HSM-ONBOARD OK - ACMEHSM01: not used yet" "Nagios OK line"

# mark-used: refusals first, and they change nothing.
t_run 64 "mark-used --at in the future" t_at "2026-11-22 09:00:00" "$HSMO" mark-used --at "2026-11-23 10:00"
t_grep "$T_ERR" "is in the future" "the future is refused"
t_run 64 "mark-used --at garbage" "$HSMO" mark-used --at "last tuesday"
t_grep "$T_ERR" "is not a time" "a bad time is refused"
t_run 64 "mark-used before the date of issue" t_at "2026-11-22 09:00:00" "$HSMO" mark-used --at 2026-11-19T12:00:00Z
t_grep "$T_ERR" "before the password was issued" "a first use before the issue is refused"
t_run 0 "status: still unused" t_at "2026-11-22 09:00:00" "$HSMO" status --json
t_json 'j["profiles"][0]["setup_password"]["state"] == "unused"'
# 10:00 local on 21 Nov is 09:00 UTC (CET): the deadline is 28 Nov 09:00 UTC, 10:00 CET.
t_run 0 "mark-used --at local time" t_at "2026-11-22 09:00:00" "$HSMO" mark-used --at "2026-11-21 10:00"
t_grep "$T_OUT" "First use recorded: Sat 21 Nov 2026 10:00 CET" "mark-used confirms the time"
t_grep "$T_OUT" "expires Sat 28 Nov 2026 10:00 CET" "mark-used shows the deadline"
t_grep "$XDG_STATE_HOME/hsm-onboard/ACMEHSM01/state.json" '"kind": "first-use"' "mark-used records an event"
t_run 0 "mark-used with a later time changes nothing" t_at "2026-11-22 09:00:00" "$HSMO" mark-used
t_grep "$T_OUT" "Nothing changed" "a later first use does not move the deadline"

# 2 d 04 h 13 min 30 s before the deadline.
t_run 0 "status: running" t_at "2026-11-26 04:46:30" "$HSMO" status
t_grep "$T_OUT" "2 d 04 h 13 min left: expires Sat 28 Nov 2026 10:00 CET" "human countdown line"
t_run 0 "status --json: running" t_at "2026-11-26 04:46:30" "$HSMO" status --json
t_json 'j["profiles"][0]["setup_password"]["state"] == "running"'
t_json 'j["profiles"][0]["setup_password"]["first_use"] == "2026-11-21T09:00:00Z"'
t_json 'j["profiles"][0]["setup_password"]["expires_at"] == "2026-11-28T09:00:00Z"'
t_json 'j["profiles"][0]["setup_password"]["issued"] == "2026-11-20T00:00:00Z"'
t_json 'j["profiles"][0]["setup_password"]["seconds_left"] == 188010'

# --check at each threshold, 1 s either side (48 h: WARNING, 12 h: CRITICAL, 0: expired).
t_run 0 "check 48 h + 1 s: OK" t_at "2026-11-26 08:59:59" "$HSMO" status --check
t_grep "$T_OUT" "HSM-ONBOARD OK - ACMEHSM01: 2 d 00 h 00 min left" "OK line"
t_grep "$T_OUT" "'ACMEHSM01_seconds_left'=" "perfdata"
t_run 1 "check 48 h - 1 s: WARNING" t_at "2026-11-26 09:00:01" "$HSMO" status --check
t_grep "$T_OUT" "HSM-ONBOARD WARNING - ACMEHSM01: 1 d 23 h 59 min left" "WARNING line"
t_run 1 "check 12 h + 1 s: WARNING" t_at "2026-11-27 20:59:59" "$HSMO" status --check
t_run 2 "check 12 h - 1 s: CRITICAL" t_at "2026-11-27 21:00:01" "$HSMO" status --check
t_grep "$T_OUT" "HSM-ONBOARD CRITICAL - ACMEHSM01: 11 h 59 min left" "CRITICAL line"
t_run 2 "check 1 s before the deadline: CRITICAL" t_at "2026-11-28 08:59:59" "$HSMO" status --check
t_run 2 "check 1 s after the deadline: CRITICAL, expired" t_at "2026-11-28 09:00:01" "$HSMO" status --check
t_grep "$T_OUT" "HSM-ONBOARD CRITICAL - ACMEHSM01: EXPIRED since Sat 28 Nov 2026 10:00 CET" "expired line"
t_run 0 "status --json: expired" t_at "2026-11-28 09:00:01" "$HSMO" status --json
t_json 'j["profiles"][0]["setup_password"]["state"] == "expired" and j["profiles"][0]["setup_password"]["seconds_left"] is None'

# ---- ECO-CC: from 00:00 Europe/Zurich on the date of issue ----
t_state_profile ACMECC01 '"tier": "ECO-CC", "service_type": "standard", "hsm_user": "ACMECC01",
	"service_user": "svc-ACMECC01", "issued": "2026-11-20T00:00:00Z"'
t_run 0 "ECO-CC status" t_at "2026-11-24 18:46:30" "$HSMO" --profile ACMECC01 status
t_grep "$T_OUT" "2 d 04 h 13 min left: expires Fri 27 Nov 2026 00:00 CET" "ECO-CC counts from Zurich midnight"
t_run 0 "ECO-CC json" t_at "2026-11-24 18:46:30" "$HSMO" --profile ACMECC01 status --json
t_json 'j["profiles"][0]["tier"] == "ECO-CC" and j["profiles"][0]["setup_password"]["expires_at"] == "2026-11-26T23:00:00Z"'
t_run 2 "ECO-CC 1 s before the deadline" t_at "2026-11-26 22:59:59" "$HSMO" --profile ACMECC01 status --check
t_grep "$T_OUT" "ACMECC01: 1 s left" "1 s left"
t_run 2 "ECO-CC 1 s after the deadline" t_at "2026-11-26 23:00:01" "$HSMO" --profile ACMECC01 status --check
t_grep "$T_OUT" "EXPIRED since Fri 27 Nov 2026 00:00 CET" "ECO-CC expired"
t_run 64 "mark-used does not apply to ECO-CC" t_at "2026-11-24 10:00:00" "$HSMO" --profile ACMECC01 mark-used
t_grep "$T_ERR" "mark-used does not apply to ECO-CC" "ECO-CC mark-used message"

# Issued the day before the autumn change: 00:00 CEST + 7 x 24 h is 23:00 CET.
t_state_profile ACMECC02 '"tier": "ECO-CC", "service_type": "standard", "hsm_user": "ACMECC02",
	"issued": "2026-10-24T00:00:00Z"'
t_run 0 "ECO-CC across the DST change" t_at "2026-10-26 12:00:00" "$HSMO" --profile ACMECC02 status
t_grep "$T_OUT" "expires Fri 30 Oct 2026 23:00 CET" "deadline across the autumn change"

# Several profiles: one Nagios line, the worst state wins.
t_run 2 "check every profile" t_at "2026-11-26 23:00:01" "$HSMO" status --check
t_grep "$T_OUT" "ACMECC01: EXPIRED" "the expired profile is in the line"
t_grep "$T_OUT" "ACMEHSM01: 1 d 09 h 59 min left" "the other profile too"
t_run 0 "status lists every profile" t_at "2026-11-26 23:00:01" "$HSMO" status
[ "$(grep -c ': HSM user ' "$T_OUT")" -eq 3 ] || { cat "$T_OUT" >&2; t_fail "status should list 3 profiles"; }
t_ok "status lists 3 profiles"
t_run 64 "ticket needs --profile among several" "$HSMO" ticket

# ---- missing data and replacement ----
t_state_profile NOTIER '"hsm_user": "NOTIER", "issued": "2026-11-20T00:00:00Z"'
t_run 3 "check with an unknown tier: UNKNOWN" t_at "2026-11-21 09:00:00" "$HSMO" --profile NOTIER status --check
t_grep "$T_OUT" "HSM-ONBOARD UNKNOWN - NOTIER: unknown: the tier is missing" "the missing datum is named"
t_state_profile NODATE '"tier": "ECO-CC", "hsm_user": "NODATE"'
t_run 0 "status: ECO-CC without a date of issue" "$HSMO" --profile NODATE status --json
t_json 'j["profiles"][0]["setup_password"]["state"] == "unknown" and j["profiles"][0]["setup_password"]["expires_at"] is None'
t_state_profile ROTATED '"tier": "ECO", "hsm_user": "ROTATED", "first_use": "2026-11-01T09:00:00Z", "rotation": "verified",
	"events": [{"at": "2026-11-01T09:01:00Z", "kind": "rotated", "detail": null}]'
t_run 0 "check after the rotation: OK" t_at "2026-11-21 09:00:00" "$HSMO" --profile ROTATED status --check
t_grep "$T_OUT" "ROTATED: replaced by the rotation" "replaced state"
t_run 64 "mark-used after the rotation is refused" "$HSMO" --profile ROTATED mark-used
# ---- a hand-over to TSB/XKS: the worst case, from the hand-over, until mark-used ----
t_state_profile HANDED '"tier": "ECO", "hsm_user": "HANDED", "api": "jce", "issued": "2026-11-20T00:00:00Z",
	"created": "2026-11-20T09:00:00Z",
	"events": [{"at": "2026-11-20T09:00:00Z", "kind": "imported", "detail": "service hsm"},
	           {"at": "2026-11-21T09:00:00Z", "kind": "handed-over", "detail": "tsb"}]'
t_run 0 "status after a hand-over: the worst case" t_at "2026-11-22 09:00:00" "$HSMO" --profile HANDED status
t_grep "$T_OUT" "at most 6 d 00 h 00 min left, worst case" "the worst case runs from the hand-over"
t_grep "$T_OUT" "TSB/XKS make the exchange themselves; we cannot see when they log in" "and says why"
t_run 0 "status --json after a hand-over" t_at "2026-11-22 09:00:00" "$HSMO" --profile HANDED status --json
t_json 'j["profiles"][0]["setup_password"]["worst_case"] is True and j["profiles"][0]["setup_password"]["seconds_left"] == 6 * 86400'
t_run 2 "the worst case past day 7: CRITICAL" t_at "2026-11-29 09:00:00" "$HSMO" --profile HANDED status --check
t_grep "$T_OUT" "may have EXPIRED since" "past the worst-case deadline it may have expired"
t_run 0 "mark-used: TSB started a day after the hand-over" t_at "2026-11-29 09:00:00" "$HSMO" --profile HANDED mark-used --at 2026-11-22T09:00:00Z
t_run 0 "status after mark-used: the real countdown" t_at "2026-11-29 08:00:00" "$HSMO" --profile HANDED status --json
t_json 'j["profiles"][0]["setup_password"]["worst_case"] is False and j["profiles"][0]["setup_password"]["seconds_left"] == 3600'
t_state_profile RENEWED '"tier": "ECO", "hsm_user": "RENEWED", "api": "jce",
	"events": [{"at": "2026-11-20T09:00:00Z", "kind": "handed-over", "detail": "tsb"},
	           {"at": "2026-11-21T09:00:00Z", "kind": "renewed", "detail": null}]'
t_run 0 "a renewal after the hand-over: a new password, unused" t_at "2026-11-22 09:00:00" "$HSMO" --profile RENEWED status --json
t_json 'j["profiles"][0]["setup_password"]["state"] == "unused" and j["profiles"][0]["setup_password"]["worst_case"] is False'

# A profile without state.json cannot be shown, and says why.
mkdir -p "$XDG_STATE_HOME/hsm-onboard/EMPTY"
t_run 66 "status of a profile without state" "$HSMO" --profile EMPTY status
t_grep "$T_ERR" "EMPTY has no state.json" "the missing state.json is named"
t_run 3 "check of a profile without state: UNKNOWN" "$HSMO" --profile EMPTY status --check

t_done
