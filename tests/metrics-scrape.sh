#!/bin/sh
# metrics-scrape.sh: the monitoring path with the real parts. The shipped systemd user units pass
# `systemd-analyze verify`; the timer's service command (ExecStart of hsm-onboard-metrics.service,
# with its own Environment= file name pointed at a test directory) writes the file; a real
# prometheus-node-exporter on 127.0.0.1 (a free port) reads it with its textfile collector; curl
# scrapes /metrics; the hsm_onboard_* gauges there carry the values of `status --json` at the same
# clock (tests/metrics-check.py), labels included. The exporter is stopped at the end.
. "${top_srcdir:?}/tests/lib.sh"

. "$top_srcdir/tests/metrics-lib.sh"
t_need_faketime

UNIT="$top_builddir/data/systemd/hsm-onboard-metrics.service"
TIMER="$top_srcdir/data/systemd/hsm-onboard-metrics.timer"
[ -f "$UNIT" ] || t_fail "$UNIT was not built"

# ---- the units, as systemd reads them ----
if t_have_tool systemd-analyze systemd "systemd-analyze verify of the units"; then
	mkdir -p "$T_DIR/units"
	# The ExecStart binary must exist for verify: the built one stands in for the installed one.
	sed "s|^ExecStart=[^ ]*|ExecStart=$HSMO|" "$UNIT" > "$T_DIR/units/hsm-onboard-metrics.service"
	cp "$TIMER" "$T_DIR/units/"
	# --user needs a runtime directory (lib.sh made one); --man=no: the man page is not installed here
	# (tests/deb-package.sh verifies the installed units with it).
	verify() { systemd-analyze verify --user --man=no "$T_DIR/units/hsm-onboard-metrics.service" "$T_DIR/units/hsm-onboard-metrics.timer" > "$T_DIR/verify.out" 2>&1; }
	verify || { cat "$T_DIR/verify.out" >&2; t_fail "systemd-analyze verify refused the units"; }
	[ ! -s "$T_DIR/verify.out" ] || { cat "$T_DIR/verify.out" >&2; t_fail "systemd-analyze verify warns about the units"; }
	t_ok "systemd-analyze verify --user accepts the service and the timer, without a warning"
	# The judge can fail: an unknown key and a bad time span are reported.
	sed -i 's/^OnUnitActiveSec=5min/OnUnitActiveSec=5 parsecs/' "$T_DIR/units/hsm-onboard-metrics.timer"
	verify || true
	grep -q 'OnUnitActiveSec\|5 parsecs\|timer value' "$T_DIR/verify.out" || { cat "$T_DIR/verify.out" >&2; t_fail "systemd-analyze verify did not notice a broken timer"; }
	t_ok "systemd-analyze verify reports a broken timer (the judge can fail)"
	grep -qx 'OnUnitActiveSec=5min' "$TIMER" || t_fail "the timer does not refresh every 5 minutes"
	t_ok "the timer refreshes every 5 minutes (OnUnitActiveSec=5min)"
fi

# ---- profiles: running, expired, replaced, a rotation stuck in PENDING, an awkward cluster name ----
t_state_profile ACMEHSM01 '"tier": "ECO", "service_type": "standard", "hsm_user": "ACMEHSM01", "cluster": "ECO01",
	"issued": "2026-11-20T00:00:00Z", "first_use": "2026-11-21T09:00:00Z", "checked_at": "2026-11-21T08:00:00Z",
	"checks": [{"endpoint": "eco01.example.invalid:2310", "category": "ok", "latency_ms": 12}]'
t_state_profile ACMECC01 '"tier": "ECO-CC", "hsm_user": "ACMECC01", "cluster": "ECO-CC01", "issued": "2026-11-19T00:00:00Z"'
t_state_profile ROTATED '"tier": "SBX", "hsm_user": "ROTATED", "first_use": "2026-11-01T09:00:00Z", "rotation": "configured"'
t_state_profile STUCK '"tier": "PLATINUM", "hsm_user": "STUCK", "cluster": "pl \"a\\b\"", "first_use": "2026-11-26T08:00:00Z",
	"rotation": "pending"'
NOW="2026-11-26 09:00:00"

# ---- the timer's command ----
TEXTDIR="$T_DIR/textfile"
mkdir -p "$TEXTDIR"
cmd=$(sed -n 's/^ExecStart=//p' "$UNIT")
bin=${cmd%% *}
case $bin in */hsm-onboard) ;; *) t_fail "ExecStart does not start hsm-onboard: $cmd" ;; esac
envfile=$(sed -n 's/^Environment=HSM_ONBOARD_METRICS_FILE=//p' "$UNIT")
case $envfile in /var/lib/prometheus/node-exporter/hsm-onboard-%u.prom) ;;
	*) t_fail "the service's default file is '$envfile', not in Debian's textfile directory" ;; esac
# As systemd would run it: the specifier %u expanded, ${HSM_ONBOARD_METRICS_FILE} one word; only the
# directory is the test's, and the binary the build's.
metrics_file="$TEXTDIR/hsm-onboard-$(id -un).prom"
cmd="$HSMO${cmd#"$bin"}"
t_run 0 "the service's command: $cmd" t_at "$NOW" env HSM_ONBOARD_METRICS_FILE="$metrics_file" sh -c "$cmd"
[ -s "$metrics_file" ] || t_fail "the service's command wrote no $metrics_file"
[ "$(ls -A "$TEXTDIR")" = "$(basename "$metrics_file")" ] || t_fail "temp files left in the textfile directory: $(ls -A "$TEXTDIR")"
t_ok "the service's command wrote $(basename "$metrics_file") (and nothing else) into the textfile directory"
t_at "$NOW" "$HSMO" status --json > "$T_DIR/status.json"

# ---- node_exporter, on 127.0.0.1 and a free port, textfile collector only ----
trap 'rc0=$?; m_stop_exporter; (exit $rc0); t_cleanup' EXIT
m_scrape "$TEXTDIR" "$T_DIR/scrape.txt"
t_ok "node_exporter ($("$EXPORTER" --version 2>&1 | head -n 1 | cut -c1-40)) serves /metrics on 127.0.0.1:$PORT"
grep -q '^node_textfile_scrape_error 0$' "$T_DIR/scrape.txt" || { grep textfile "$T_DIR/scrape.txt" >&2; cat "$T_DIR/exporter.log" >&2; t_fail "the textfile collector could not read the file"; }
t_ok "the textfile collector read the file without an error (node_textfile_scrape_error 0)"
grep '^hsm_onboard_' "$T_DIR/scrape.txt" > "$T_DIR/scraped.prom" || true
n=$(wc -l < "$T_DIR/scraped.prom")
[ "$n" -eq "$(grep -c '^hsm_onboard_' "$metrics_file")" ] || t_fail "scraped $n hsm_onboard samples, the file has $(grep -c '^hsm_onboard_' "$metrics_file")"
t_ok "all $n hsm_onboard_* samples of the file are in the scrape"
grep -q '^# TYPE hsm_onboard_setup_password_remaining_seconds gauge$' "$T_DIR/scrape.txt" || t_fail "the gauges lost their TYPE"
t_ok "the scrape keeps # HELP and # TYPE gauge"
checked=$(python3 "$top_srcdir/tests/metrics-check.py" "$T_DIR/scrape.txt" "$T_DIR/status.json" "$NOW" \
	'hsm_onboard_setup_password_remaining_seconds:profile~ACMEHSM01,tier~ECO,cluster~ECO01=172800' \
	'hsm_onboard_setup_password_state:profile~ACMECC01,state~expired=1' \
	'hsm_onboard_setup_password_state:profile~ROTATED,state~replaced=1' \
	'hsm_onboard_setup_password_in_use:profile~ROTATED=0' \
	'hsm_onboard_rotation_state:profile~STUCK,state~pending=1' \
	'hsm_onboard_rotation_state:profile~STUCK,cluster~pl "a\b",state~pending=1' \
	'hsm_onboard_last_check_success:profile~ACMEHSM01=1') \
	|| { cat "$T_DIR/scraped.prom" >&2; t_fail "the scraped values disagree with status --json"; }
[ "$checked" -eq 4 ] || t_fail "checked $checked profiles, expected 4"
t_ok "the scraped gauges of all $checked profiles carry the values of status --json (and the escaped cluster label)"
m_stop_exporter
! curl -fsS --max-time 2 "http://127.0.0.1:$PORT/metrics" >/dev/null 2>&1 || t_fail "node_exporter still answers after the stop"
t_ok "node_exporter stopped"
t_done
