#!/bin/bash
# tests/state-growth.sh: a profile's own history never bricks it. A state.json that an older version
# let grow to megabytes of "checked" events (months of `check` from cron) is still read by every
# command, and the next write compacts it under 256 KiB, keeping the milestones; real checks then keep
# it bounded. Judged with python3's json module.
. "$top_srcdir/tests/lib.sh"

t_need_python3
IN="$T_DIR/in"
T_SCAN_EXCLUDE=$IN
t_passphrase "state growth test $(t_rand_alnum 10)"
t_make_credfiles "$IN" ACME_Corp eco ACMEHSM01 20261120 pkcs11
t_run 0 "import" t_hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE"
S="$XDG_STATE_HOME/hsm-onboard/ACMEHSM01/state.json"

# An older version appended about 100 bytes per check, for ever: 3 MiB is about four months of a
# check every 5 minutes.
python3 - "$S" <<'PY'
import json, sys
p = sys.argv[1]
st = json.load(open(p))
for i in range(30000):
    st["events"].append({"at": "2026-11-21T00:00:00Z", "kind": "checked",
                         "detail": "ch01-api.cloudshsm.com:2310 ok, ch02-api.cloudshsm.com:2310 ok %d" % i})
json.dump(st, open(p, "w"), indent=2)
PY
size=$(stat -c %s "$S")
[ "$size" -gt $((2 * 1024 * 1024)) ] || t_fail "the inflated state.json has only $size bytes"
t_ok "an older version's state.json of $size bytes"

t_run 0 "status reads the oversized state.json" "$HSMO" --profile ACMEHSM01 status
t_run 0 "status --json reads it too" "$HSMO" --profile ACMEHSM01 --json status
t_run 0 "secrets opens the profile" t_hsmo --profile ACMEHSM01 secrets
t_run 0 "ticket reads it" "$HSMO" --profile ACMEHSM01 ticket
# A check from cron writes the state (port 1 on loopback refuses at once): that write compacts it.
t_run 69 "a check writes the state" "$HSMO" --profile ACMEHSM01 check --timeout 2 --endpoint 127.0.0.1:1
size=$(stat -c %s "$S")
[ "$size" -lt $((256 * 1024)) ] || t_fail "state.json still has $size bytes after a write"
t_ok "the next write compacted state.json to $size bytes"
python3 - "$S" <<'PY' || t_fail "the compacted state.json lost a milestone or kept too many routine events"
import json, sys
st = json.load(open(sys.argv[1]))
kinds = [e["kind"] for e in st["events"]]
assert kinds.count("imported") == 1, kinds[:5]
assert kinds[0] == "imported"
assert 0 < kinds.count("checked") <= 200, kinds.count("checked")
assert st["events"][-1]["kind"] == "checked" and st["events"][-1]["detail"] != ""
PY
t_ok "the milestone 'imported' is kept, and at most 200 routine checks"

# Many more checks stay bounded.
for _ in $(seq 1 30); do
	"$HSMO" --profile ACMEHSM01 check --timeout 2 --endpoint 127.0.0.1:1 >/dev/null 2>&1 || true
done
size2=$(stat -c %s "$S")
[ "$size2" -lt $((256 * 1024)) ] || t_fail "state.json grew to $size2 bytes"
t_ok "30 more checks: $size2 bytes"
t_run 0 "status after the checks" "$HSMO" --profile ACMEHSM01 status
t_scan_leaks
t_done
