#!/bin/sh
# metrics-users.sh: two users of one machine, each with a profile named ACMEHSM01, write their metrics
# files into one textfile directory (README "Monitoring many profiles": the sticky group directory).
# Every sample carries the writer's `user`, so node_exporter serves every series of both files, the
# generation timestamp of each user included (without the label it dropped one of each pair, and one
# user's dead timer raised no stale alert). promtool accepts each file. The second user is nobody
# (setpriv), so the test needs root, as CI runs it.
. "${top_srcdir:?}/tests/lib.sh"
. "$top_srcdir/tests/hardening-lib.sh"
. "$top_srcdir/tests/metrics-lib.sh"
t_need_tool promtool prometheus
[ "$(id -u)" -eq 0 ] || t_skip_machine "a second Unix user needs root (setpriv)"
t_need_faketime
trap 'rc0=$?; m_stop_exporter; h_world_cleanup; (exit $rc0); t_cleanup' EXIT
h_world
ME=$(id -un)
NOW="2026-11-26 09:00:00"

# The shared textfile directory: world-writable and sticky, in the world (nobody can reach it).
TEXTDIR=$H_W/textfile
mkdir -p "$TEXTDIR"
chmod 1777 "$TEXTDIR"

# The same profile name for both users, with different countdowns.
t_state_profile ACMEHSM01 '"tier": "ECO", "hsm_user": "ACMEHSM01", "cluster": "ECO01",
	"issued": "2026-11-20T00:00:00Z", "first_use": "2026-11-25T09:00:00Z"'
t_run 0 "status --output as $ME" t_at "$NOW" "$HSMO" status --format openmetrics --output "$TEXTDIR/hsm-onboard-$ME.prom"
NB=$H_W/home
mkdir -p "$NB/.local/state/hsm-onboard/ACMEHSM01"
printf '{"version": 1, "step": "import", "tier": "SBX", "hsm_user": "ACMEHSM01", "cluster": "SBX01", "issued": "2026-11-20T00:00:00Z", "first_use": "2026-11-26T08:00:00Z"}\n' \
	> "$NB/.local/state/hsm-onboard/ACMEHSM01/state.json"
chmod 700 "$NB/.local/state/hsm-onboard" "$NB/.local/state/hsm-onboard/ACMEHSM01"
chmod 600 "$NB/.local/state/hsm-onboard/ACMEHSM01/state.json"
h_world_chown "$NB"
# shellcheck disable=SC2086 # H_RUNAS is a command and its arguments
t_run 0 "status --output as nobody" $H_RUNAS env -i HOME="$NB" XDG_STATE_HOME="$NB/.local/state" LANG=C.UTF-8 TZ="$TZ" \
	ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
	LD_PRELOAD="$T_FAKETIME_LIB" FAKETIME="$(date -d "$NOW UTC" '+%Y-%m-%d %H:%M:%S')" \
	"$H_BIN" status --format openmetrics --output "$TEXTDIR/hsm-onboard-nobody.prom"
for f in "$TEXTDIR"/*.prom; do
	promtool check metrics < "$f" > "$T_DIR/lint" 2>&1 || { cat "$T_DIR/lint" >&2; t_fail "promtool check metrics refused $f"; }
done
t_ok "promtool check metrics accepts both files"
[ "$(stat -c %U "$TEXTDIR/hsm-onboard-nobody.prom")" = nobody ] || t_fail "the second file is not nobody's"
t_grep "$TEXTDIR/hsm-onboard-nobody.prom" 'hsm_onboard_status_generated_timestamp_seconds{user="nobody"}' "nobody's file says who wrote it"

m_scrape "$TEXTDIR" "$T_DIR/scrape.txt"
grep -q '^node_textfile_scrape_error 0$' "$T_DIR/scrape.txt" || { grep textfile "$T_DIR/scrape.txt" >&2; cat "$T_DIR/exporter.log" >&2; t_fail "the textfile collector reported an error"; }
t_ok "node_exporter read both files without an error (node_textfile_scrape_error 0)"
grep '^hsm_onboard_' "$T_DIR/scrape.txt" > "$T_DIR/scraped"
cat "$TEXTDIR"/*.prom | grep '^hsm_onboard_' > "$T_DIR/written"
# The exporter sorts the labels and prints the values its own way: compared as parsed series.
n=$(python3 - "$T_DIR/written" "$T_DIR/scraped" <<'EOPY'
import re, sys
def series(path):
    out = {}
    for line in open(path):
        m = re.match(r'^([a-z_]+)\{(.*)\} (\S+)$', line.strip())
        assert m, line
        labels = frozenset(re.findall(r'([a-z_]+)="((?:[^"\\]|\\.)*)"', m.group(2)))
        key = (m.group(1), labels)
        assert key not in out, "duplicate series %r" % (key,)
        out[key] = float(m.group(3))
    return out
w, s = series(sys.argv[1]), series(sys.argv[2])
if w != s:
    for k in sorted(set(w) ^ set(s), key=str):
        print("only in", "written" if k in w else "scraped", k, file=sys.stderr)
    sys.exit(1)
print(len(w))
EOPY
) || t_fail "the scrape lost or changed series"
t_ok "every one of the $n series of both files is scraped, with its value"
for u in "$ME" nobody; do
	grep -q "^hsm_onboard_status_generated_timestamp_seconds{user=\"$u\"} " "$T_DIR/scraped" || t_fail "no generation timestamp of $u"
	grep "^hsm_onboard_setup_password_remaining_seconds{" "$T_DIR/scraped" | grep 'profile="ACMEHSM01"' |
		grep -q "user=\"$u\"" || t_fail "no ACMEHSM01 countdown of $u"
done
t_ok "both users' ACMEHSM01 countdowns and generation timestamps are there, told apart by user"
m_stop_exporter
t_done
