#!/bin/sh
# alert-rules.sh: the Prometheus alert rules (data/prometheus/hsm-onboard-alerts.yml) warn and page at
# the urgency thresholds of src/core/expiry.h (EXPIRY_WARN_SECONDS, EXPIRY_CRIT_SECONDS), the ones
# `status --check` and the start screen use, so no surface calls a countdown urgent that another calls
# calm. The Nagios line is checked against the same header.
. "$top_srcdir/tests/lib.sh"
t_need_python3
python3 -c 'import yaml' 2>/dev/null || t_skip_missing python3-yaml "python3-yaml is not installed"

RULES="$top_srcdir/data/prometheus/hsm-onboard-alerts.yml"
python3 - "$top_srcdir/src/core/expiry.h" "$RULES" > "$T_DIR/thresholds" <<'PY' || t_fail "the alert rules and expiry.h disagree"
import re, sys, yaml
hdr = open(sys.argv[1]).read()
def define(name):
    m = re.search(r"#define %s \(([0-9]+) \* ([0-9]+)\)" % name, hdr)
    assert m, "no %s in expiry.h" % name
    return int(m.group(1)) * int(m.group(2))
warn, crit = define("EXPIRY_WARN_SECONDS"), define("EXPIRY_CRIT_SECONDS")
rules = {r["alert"]: r for g in yaml.safe_load(open(sys.argv[2]))["groups"] for r in g["rules"]}
left = r"\(hsm_onboard_setup_password_expiry_timestamp_seconds - time\(\)\)"
def bounds(name):
    e = " ".join(rules[name]["expr"].split())
    m = re.fullmatch(left + r" < ([0-9]+) and " + left + r" (>=?) ([0-9]+)", e)
    assert m, "%s: unexpected expression %r" % (name, e)
    return int(m.group(1)), m.group(2), int(m.group(3))
soon, today = rules["HsmOnboardSetupPasswordExpiresSoon"], rules["HsmOnboardSetupPasswordExpiresToday"]
assert bounds("HsmOnboardSetupPasswordExpiresSoon") == (warn, ">=", crit), bounds("HsmOnboardSetupPasswordExpiresSoon")
assert soon["labels"]["severity"] == "warning"
assert bounds("HsmOnboardSetupPasswordExpiresToday") == (crit, ">", 0), bounds("HsmOnboardSetupPasswordExpiresToday")
assert today["labels"]["severity"] == "critical"
assert "within %d h" % (warn // 3600) in soon["annotations"]["summary"], soon["annotations"]["summary"]
assert "within %d h" % (crit // 3600) in today["annotations"]["summary"], today["annotations"]["summary"]
assert rules["HsmOnboardSetupPasswordExpired"]["labels"]["severity"] == "critical"
print(warn, crit)
PY
read -r WARN CRIT < "$T_DIR/thresholds"
t_ok "the warning alert fires under $WARN s, the critical one under $CRIT s, as expiry.h says"

# status --check prints the same thresholds as its perfdata ranges.
t_state_profile ALERTS '"hsm_user": "ALERTS", "tier": "ECO", "service_type": "standard", "first_use": "2020-11-20T09:00:00Z"'
t_run 2 "status --check of an expired countdown: CRITICAL" "$HSMO" status --check
t_grep "$T_OUT" ";$WARN:;$CRIT:;0" "the Nagios perfdata ranges are the same thresholds"
t_done
