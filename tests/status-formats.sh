#!/bin/sh
# status-formats.sh: the writers of `status` judged by the outside world's rules.
#   - Nagios (--check): every perfdata item is read with the range parser of the Monitoring Plugins
#     guidelines ("Range expressions", implemented below in Python, independently of our C code):
#     the level that its thresholds give must be the line's level and the exit code, at each side of
#     48 h and 12 h; no " |" without perfdata; the same line, in English, under de_DE and fr_FR.
#   - OpenMetrics (--format openmetrics): promtool (Debian prometheus) accepts it, and rejects the
#     same text with one label value left unescaped (so the judge can fail); a cluster name with a
#     backslash, a double quote and a line feed comes out escaped; the values agree with --json;
#     --output is atomic (a crash before the rename leaves the previous file whole); no secret.
#   - promtool checks the shipped alerting rules, and unit-tests them (promtool test rules).
. "${top_srcdir:?}/tests/lib.sh"

t_need_faketime
t_need_python3
t_need_tool promtool prometheus


# The guidelines' range expressions: [@][start:][end]; start omitted = 0, end omitted = +inf, "~" =
# -inf; without "@" the value alerts OUTSIDE start..end (endpoints included), with "@" INSIDE.
cat > "$T_DIR/nagios.py" <<'EOPY'
import re, sys
def parse_range(r):
    inside = r.startswith("@")
    if inside:
        r = r[1:]
    if ":" in r:
        start, end = r.split(":", 1)
        start = float("-inf") if start == "~" else float(start or 0)
    else:
        start, end = 0.0, r
    end = float("inf") if end == "" else float(end)
    assert start <= end, "start > end in " + r
    return start, end, inside
def alerts(value, r):
    start, end, inside = parse_range(r)
    within = start <= value <= end
    return within if inside else not within
line = open(sys.argv[1]).read()
assert line.count("\n") == 1 and line.endswith("\n"), "not one line: %r" % line
line = line[:-1]
m = re.match(r"^HSM-ONBOARD (OK|WARNING|CRITICAL|UNKNOWN) - (.*)$", line)
assert m, "no status line: %r" % line
status, rest = m.group(1), m.group(2)
text, bar, perf = rest.partition("|")
level = 0
if bar:
    assert text.endswith(" ") and perf.startswith(" ") and perf.strip(), "bad '|' in %r" % line
    items = perf.strip().split(" ")
    for item in items:
        pm = re.match(r"^'([^'=]+)'=(-?[0-9]+(?:\.[0-9]+)?)(s|%|B|c)?;([^;]*);([^;]*);([^;]*)(?:;([^;]*))?$", item)
        assert pm, "perfdata item not in the guidelines' format: %r" % item
        value = float(pm.group(2))
        warn, crit = pm.group(4), pm.group(5)
        if crit and alerts(value, crit):
            level = max(level, 2)
        elif warn and alerts(value, warn):
            level = max(level, 1)
else:
    assert " |" not in line and not line.endswith("|"), "a bare '|': %r" % line
names = {0: "OK", 1: "WARNING", 2: "CRITICAL"}
print(status, names[level], "perfdata" if bar else "no-perfdata")
EOPY

# nagios NAME EXPECTED-RC EXPECTED-PERF TIME: --check at TIME; the status word, the exit code and the
# level the perfdata thresholds give must all be EXPECTED-RC's level.
nagios() {
	name=$1 want=$2 perf=$3 when=$4
	t_run "$want" "$name" t_at "$when" "$HSMO" status --check
	verdict=$(python3 "$T_DIR/nagios.py" "$T_OUT") || { cat "$T_OUT" >&2; t_fail "$name: the guidelines' parser refused the line"; }
	# shellcheck disable=SC2086 # split the verdict into its words on purpose
	set -- $verdict
	level=$(echo "OK WARNING CRITICAL UNKNOWN" | cut -d' ' -f$((want + 1)))
	[ "$1" = "$level" ] || t_fail "$name: the line says $1, the exit code $want ($level)"
	[ "$3" = "$perf" ] || t_fail "$name: expected $perf, got $3: $(cat "$T_OUT")"
	if [ "$perf" = perfdata ]; then
		[ "$2" = "$level" ] || t_fail "$name: the perfdata thresholds give $2, the plugin says $level: $(cat "$T_OUT")"
	fi
	t_ok "$name: status, exit code and the guidelines' range parser agree on $level ($3)"
}

# ---- Nagios, one ECO profile: first use 21 Nov 09:00 UTC, deadline 28 Nov 09:00 UTC ----
t_state_profile ACMEHSM01 '"tier": "ECO", "service_type": "standard", "hsm_user": "ACMEHSM01", "cluster": "ECO01",
	"issued": "2026-11-20T00:00:00Z", "first_use": "2026-11-21T09:00:00Z"'
nagios "48 h + 1 s" 0 perfdata "2026-11-26 08:59:59"
t_grep "$T_OUT" "'ACMEHSM01_seconds_left'=172801s;172800:;43200:;0" "perfdata with the ranges 172800: and 43200:"
nagios "exactly 48 h (the range includes its end)" 0 perfdata "2026-11-26 09:00:00"
nagios "48 h - 1 s" 1 perfdata "2026-11-26 09:00:01"
nagios "12 h + 1 s" 1 perfdata "2026-11-27 20:59:59"
nagios "12 h - 1 s" 2 perfdata "2026-11-27 21:00:01"
nagios "expired" 2 perfdata "2026-11-28 09:00:01"
t_grep "$T_OUT" "'ACMEHSM01_seconds_left'=0s;172800:;43200:;0" "expired: 0 s left, the minimum"

# The same line in every locale: English words and C-locale dates, the host's time zone.
t_at "2026-11-26 09:00:01" "$HSMO" status --check > "$T_DIR/C.line" || true
t_at "2026-11-26 09:00:01" "$HSMO" status > "$T_DIR/C.text" 2>&1 || true
for loc in de_DE.UTF-8 fr_FR.UTF-8; do
	if ! locale -a 2>/dev/null | grep -qix "$(echo "$loc" | sed 's/UTF-8/utf8/')"; then
		echo "# locale $loc is not generated here (quickstart.sh generates it): not compared"
		continue
	fi
	set +e
	t_at "2026-11-26 09:00:01" env LC_ALL="$loc" LANG="$loc" LANGUAGE="${loc%%_*}" "$HSMO" status --check > "$T_DIR/loc.line"
	set -e
	cmp -s "$T_DIR/C.line" "$T_DIR/loc.line" || { diff "$T_DIR/C.line" "$T_DIR/loc.line" >&2; t_fail "status --check under $loc differs from C"; }
	# The human status is translated all the same: only the plugin line is pinned.
	t_at "2026-11-26 09:00:01" env LC_ALL="$loc" LANGUAGE= "$HSMO" status > "$T_DIR/loc.text" 2>&1 || true
	! cmp -s "$T_DIR/C.text" "$T_DIR/loc.text" || t_fail "status under $loc is not localised: the comparison would prove nothing"
	t_ok "status --check under $loc is the C line: $(cat "$T_DIR/loc.line")"
done
t_grep "$T_DIR/C.line" "expires Sat 28 Nov 2026 10:00 CET" "the plugin line has C-locale dates in the host's zone"

# Without a countdown there is no perfdata, and no bare " |".
t_state_profile ROTATED '"tier": "ECO", "hsm_user": "ROTATED", "cluster": "ECO01", "first_use": "2026-11-01T09:00:00Z",
	"rotation": "verified"'
t_run 0 "only a replaced password (--profile ROTATED --check)" "$HSMO" --profile ROTATED status --check
python3 "$T_DIR/nagios.py" "$T_OUT" | grep -q ' no-perfdata$' || t_fail "a bare | for a profile without countdown: $(cat "$T_OUT")"
t_nogrep "$T_OUT" "|" "no '|' without perfdata"
t_run 3 "no profile at all: UNKNOWN" env XDG_STATE_HOME="$T_DIR/empty" "$HSMO" status --check
t_nogrep "$T_OUT" "|" "no '|' when there is no profile"

# ---- OpenMetrics ----
# A cluster name that needs every escape: backslash, double quote, line feed.
t_state_profile WEIRD '"tier": "PLATINUM", "hsm_user": "WEIRD", "cluster": "a\\b\"c\nd", "first_use": "2026-11-25T09:00:00Z",
	"rotation": "pending", "checked_at": "2026-11-25T08:00:00Z",
	"checks": [{"endpoint": "x.example.invalid:2310", "category": "ok", "latency_ms": 3},
	           {"endpoint": "y.example.invalid:2310", "category": "timeout", "latency_ms": 5000}]'
# A vault without its state.json: a real profile that cannot be read (an empty folder, as a Ctrl-C at
# the first passphrase leaves, is not a profile and is skipped).
mkdir -p "$XDG_STATE_HOME/hsm-onboard/NOSTATE"
chmod 700 "$XDG_STATE_HOME/hsm-onboard/NOSTATE"
: > "$XDG_STATE_HOME/hsm-onboard/NOSTATE/vault"
chmod 600 "$XDG_STATE_HOME/hsm-onboard/NOSTATE/vault"
NOW="2026-11-26 09:00:01"
t_run 66 "openmetrics with an unreadable profile: written, exit 66" t_at "$NOW" "$HSMO" status --format openmetrics
cp "$T_OUT" "$T_DIR/m.prom"
t_grep "$T_ERR" "NOSTATE has no state.json" "the unreadable profile is named on stderr"
promtool check metrics < "$T_DIR/m.prom" > "$T_DIR/lint" 2>&1 || { cat "$T_DIR/lint" >&2; t_fail "promtool check metrics refused the output"; }
t_ok "promtool check metrics accepts the output ($(grep -c '^hsm_onboard' "$T_DIR/m.prom") samples)"
t_grep "$T_DIR/m.prom" 'cluster="a\\b\"c\nd"' "the cluster label is escaped (\\\\, \\\", \\n)"
t_grep "$T_DIR/m.prom" "hsm_onboard_profile_readable{profile=\"NOSTATE\",user=\"$(id -un)\",tier=\"\",cluster=\"\"} 0" \
	"an unreadable profile reads 0, labelled with the user that wrote the file"
# The judge can fail: the same text with the label value unescaped is refused.
python3 - "$T_DIR/m.prom" "$T_DIR/bad.prom" <<'EOPY'
import sys
s = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(s.replace('cluster="a\\\\b\\"c\\nd"', 'cluster="a\\b"c\nd"'))
EOPY
! cmp -s "$T_DIR/m.prom" "$T_DIR/bad.prom" || t_fail "the negative control changed nothing"
if promtool check metrics < "$T_DIR/bad.prom" >/dev/null 2>&1; then t_fail "promtool accepted unescaped label values"; fi
t_ok "promtool refuses the same text with the label unescaped"
[ "$(tail -n 1 "$T_DIR/m.prom")" = "# EOF" ] || t_fail "no '# EOF' at the end"
t_ok "ends with # EOF (OpenMetrics)"

# The values agree with status --json (same clock), read by an independent parser (metrics-check.py).
t_at "$NOW" "$HSMO" status --json > "$T_DIR/s.json" 2>/dev/null || true
python3 "$top_srcdir/tests/metrics-check.py" "$T_DIR/m.prom" "$T_DIR/s.json" "$NOW" \
	'hsm_onboard_rotation_state:profile~WEIRD,state~pending=1' \
	'hsm_onboard_rotation_state:profile~ROTATED,state~verified=1' \
	'hsm_onboard_last_check_success:profile~WEIRD=0' \
	'hsm_onboard_last_check_timestamp_seconds:profile~WEIRD=1795593600' \
	'hsm_onboard_last_check_success:profile~ACMEHSM01=None' \
	'hsm_onboard_profile_readable:profile~WEIRD,cluster~a\b"c
d=1' > "$T_DIR/mc.out" || t_fail "the metrics disagree with status --json"
t_ok "every value agrees with status --json (remaining, expiry, state, in use, tier, cluster)"

# --output: atomic, 0644, no temp file left; a crash before the rename keeps the previous file.
mkdir -p "$HOME/tf"
t_run 66 "--output FILE" t_at "$NOW" "$HSMO" status --format openmetrics --output "$HOME/tf/hsm-onboard.prom"
cmp -s "$HOME/tf/hsm-onboard.prom" "$T_DIR/m.prom" || t_fail "--output differs from stdout"
[ "$(stat -c %a "$HOME/tf/hsm-onboard.prom")" = 644 ] || t_fail "--output mode is not 0644"
[ "$(ls -A "$HOME/tf")" = hsm-onboard.prom ] || t_fail "--output left other files: $(ls -A "$HOME/tf")"
t_ok "--output writes the same text, mode 0644, no temp file left"
if "$HSMO" --list-failpoints 2>/dev/null | grep -qx status.before-rename; then
	set +e
	HSM_ONBOARD_FAILPOINT=status.before-rename "$HSMO" status --format openmetrics --output "$HOME/tf/hsm-onboard.prom" >/dev/null 2>&1
	set -e
	cmp -s "$HOME/tf/hsm-onboard.prom" "$T_DIR/m.prom" || t_fail "a crash before the rename damaged the previous file"
	t_ok "a crash before the rename leaves the previous file whole (the collector reads only *.prom)"
fi
t_run 73 "--output into a missing directory" "$HSMO" status --format openmetrics --output "$HOME/nope/x.prom"
t_run 64 "an unknown format" "$HSMO" status --format yaml
t_grep "$T_ERR" "unknown format 'yaml'" "the unknown format is named"
t_run 64 "--format with --check" "$HSMO" status --format openmetrics --check

# ---- no secret: a real import, then every format ----
rm -rf "$XDG_STATE_HOME/hsm-onboard/NOSTATE"
t_passphrase "status formats passphrase $(t_rand_alnum 6)"
t_make_credfiles "$T_DIR/creds" ACME_Corp eco SECRETS01 20261120 pkcs11
T_SCAN_EXCLUDE=$T_DIR/creds
t_run 0 "import" t_hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE"
for f in text json nagios openmetrics; do
	set +e
	"$HSMO" status --format $f --output "$HOME/tf/all.$f" >/dev/null 2>&1
	set -e
	[ -s "$HOME/tf/all.$f" ] || t_fail "status --format $f wrote nothing"
done
t_grep "$HOME/tf/all.openmetrics" 'profile="SECRETS01"' "the imported profile is in the metrics"
t_scan_leaks "$HOME/tf"

# ---- the shipped alerting rules ----
RULES="$top_srcdir/data/prometheus/hsm-onboard-alerts.yml"
promtool check rules "$RULES" > "$T_DIR/rules.out" 2>&1 || { cat "$T_DIR/rules.out" >&2; t_fail "promtool check rules refused $RULES"; }
t_ok "promtool check rules: $(grep -o 'SUCCESS: [0-9]* rules found' "$T_DIR/rules.out")"
# promtool test rules: the alerts fire when they should, and not before.
# The annotations are left out of the copy (promtool check rules above validated their templates):
# promtool compares annotations verbatim, and this test is about when each alert fires.
awk '/^        annotations:/ { skip = 1; next } skip && /^          / { next } { skip = 0; print }' \
	"$RULES" > "$T_DIR/rules.yml"
! grep -q annotations "$T_DIR/rules.yml" || t_fail "the annotations were not stripped"
[ "$(grep -c 'expr:' "$T_DIR/rules.yml")" -eq 5 ] || t_fail "stripping the annotations lost a rule"
cat > "$T_DIR/rules-test.yml" <<'EOYML'
rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  # Expiry at 60 h after the start (216000 s): silent at 11 h, "within 48 h" (warning) from 12 h on,
  # "within 12 h" (critical) from 48 h on, "expired" from 60 h on: the thresholds of expiry.h
  # (tests/alert-rules.sh). The file says the same expiry every 5 minutes; now is refreshed with it.
  - interval: 5m
    input_series:
      - series: 'hsm_onboard_setup_password_expiry_timestamp_seconds{profile="P1",user="alice",tier="ECO",cluster="ECO01",instance="h:9100",job="node"}'
        values: '216000+0x800'
      - series: 'hsm_onboard_rotation_state{profile="P1",user="alice",tier="ECO",cluster="ECO01",state="pending",instance="h:9100",job="node"}'
        values: '0 0 1+0x20'
      # Two users on one machine: alice's timer stops after 3 h 20 min, bob's keeps running; only
      # alice's file goes stale.
      - series: 'hsm_onboard_status_generated_timestamp_seconds{user="alice",instance="h:9100",job="node"}'
        values: '0+300x40 12000+0x40'
      - series: 'hsm_onboard_status_generated_timestamp_seconds{user="bob",instance="h:9100",job="node"}'
        values: '0+300x80'
    alert_rule_test:
      - eval_time: 11h
        alertname: HsmOnboardSetupPasswordExpiresSoon
        exp_alerts: []
      - eval_time: 13h
        alertname: HsmOnboardSetupPasswordExpiresSoon
        exp_alerts:
          - exp_labels: {severity: warning, profile: P1, user: alice, tier: ECO, cluster: ECO01, instance: "h:9100", job: node}
      - eval_time: 47h
        alertname: HsmOnboardSetupPasswordExpiresToday
        exp_alerts: []
      - eval_time: 49h
        alertname: HsmOnboardSetupPasswordExpiresToday
        exp_alerts:
          - exp_labels: {severity: critical, profile: P1, user: alice, tier: ECO, cluster: ECO01, instance: "h:9100", job: node}
      - eval_time: 49h
        alertname: HsmOnboardSetupPasswordExpiresSoon
        exp_alerts: []
      - eval_time: 59h
        alertname: HsmOnboardSetupPasswordExpired
        exp_alerts: []
      - eval_time: 61h
        alertname: HsmOnboardSetupPasswordExpired
        exp_alerts:
          - exp_labels: {severity: critical, profile: P1, user: alice, tier: ECO, cluster: ECO01, instance: "h:9100", job: node}
      - eval_time: 61h
        alertname: HsmOnboardSetupPasswordExpiresToday
        exp_alerts: []
      - eval_time: 20m
        alertname: HsmOnboardRotationStuckPending
        exp_alerts: []
      - eval_time: 50m
        alertname: HsmOnboardRotationStuckPending
        exp_alerts:
          - exp_labels: {severity: critical, profile: P1, user: alice, tier: ECO, cluster: ECO01, state: pending, instance: "h:9100", job: node}
      - eval_time: 3h
        alertname: HsmOnboardMetricsStale
        exp_alerts: []
      - eval_time: 4h
        alertname: HsmOnboardMetricsStale
        exp_alerts:
          - exp_labels: {severity: warning, user: alice, instance: "h:9100", job: node}
EOYML
(cd "$T_DIR" && promtool test rules rules-test.yml) > "$T_DIR/rt.out" 2>&1 || { cat "$T_DIR/rt.out" >&2; t_fail "promtool test rules: the alerts do not fire as designed"; }
t_ok "promtool test rules: expires within 48 h, within 12 h, expired, stuck in PENDING and stale fire when they should, not before; one user's dead timer is stale alone"
t_done
