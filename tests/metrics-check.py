#!/usr/bin/env python3
"""metrics-check.py METRICS STATUS.JSON NOW: the hsm_onboard_* samples of METRICS (what
`status --format openmetrics` wrote, or what a Prometheus exporter re-exposes of it) agree with
`status --json` taken at the same clock NOW ("YYYY-MM-DD HH:MM:SS", UTC).

An independent reader of the text exposition format: label values unescaped as the format says
(\\\\, \\", \\n), labels in any order, values as integers or floats ("1.796634e+09"). Prints the number
of profiles checked; exits non-zero with the first disagreement."""
import calendar, json, re, sys, time

def unescape(v):
    out, i = [], 0
    while i < len(v):
        if v[i] == "\\":
            out.append({"\\": "\\", '"': '"', "n": "\n"}[v[i + 1]]); i += 2
        else:
            out.append(v[i]); i += 1
    return "".join(out)

samples = {}
for line in open(sys.argv[1]):
    if line.startswith("#") or not line.startswith("hsm_onboard_"):
        continue
    m = re.match(r'^([a-z_]+)(?:\{(.*)\})? (\S+)$', line.rstrip("\n"))
    assert m, "unparsable sample: %r" % line
    labels = dict((k, unescape(v)) for k, v in re.findall(r'([a-z_]+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
    value = float(m.group(3))
    assert value == int(value), "not an integer: %r" % line
    samples.setdefault(m.group(1), []).append((labels, int(value)))

def one(name, profile, **extra):
    got = [v for l, v in samples.get(name, []) if l.get("profile") == profile and all(l.get(k) == x for k, x in extra.items())]
    assert len(got) <= 1, "%s{profile=%s} appears %d times" % (name, profile, len(got))
    return got[0] if got else None

now = calendar.timegm(time.strptime(sys.argv[3], "%Y-%m-%d %H:%M:%S"))
assert samples["hsm_onboard_status_generated_timestamp_seconds"][0][1] == now, "generated timestamp"
profiles = json.load(open(sys.argv[2]))["profiles"]
for p in profiles:
    name, sp = p["name"], p["setup_password"]
    labels = [l for l, v in samples["hsm_onboard_profile_readable"] if l["profile"] == name]
    assert labels, "no metrics for " + name
    assert labels[0].get("tier", "") == (p["tier"] or ""), (name, labels)
    assert one("hsm_onboard_profile_readable", name) == 1, name
    assert one("hsm_onboard_setup_password_state", name, state=sp["state"]) == 1, name
    assert sum(v for l, v in samples["hsm_onboard_setup_password_state"] if l["profile"] == name) == 1, name
    if sp["expires_at"] and sp["state"] in ("running", "expired"):
        exp = calendar.timegm(time.strptime(sp["expires_at"], "%Y-%m-%dT%H:%M:%SZ"))
        assert one("hsm_onboard_setup_password_expiry_timestamp_seconds", name) == exp, name
        assert one("hsm_onboard_setup_password_remaining_seconds", name) == exp - now, name
        if sp["state"] == "running":
            assert one("hsm_onboard_setup_password_remaining_seconds", name) == sp["seconds_left"], name
    else:
        assert one("hsm_onboard_setup_password_remaining_seconds", name) is None, name
        assert one("hsm_onboard_setup_password_expiry_timestamp_seconds", name) is None, name
    in_use = 1 if sp["first_use"] and sp["state"] != "replaced" else 0
    assert one("hsm_onboard_setup_password_in_use", name) == in_use, name
# Extra expectations, NAME:LABEL=VALUE... = N, from the command line.
for spec in sys.argv[4:]:
    lhs, want = spec.rsplit("=", 1)
    name, _, rest = lhs.partition(":")
    extra = dict(kv.split("~", 1) for kv in rest.split(",") if kv)
    profile = extra.pop("profile")
    got = one(name, profile, **extra)
    assert str(got) == want, "%s: got %s, expected %s" % (spec, got, want)
print(len(profiles))
