#!/bin/sh
# net-check.sh: `check` against real loopback listeners and a real nginx with a throwaway CA: every
# category (ok, refused, dns, timeout, tls, auth), the TSBaaS versionInfo check with the JWT from the
# vault, concurrency (five timeouts take about one), the result stored in the profile, and no leak of
# the JWT or the vault passphrase.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/net-lib.sh"
net_require
export HSM_ONBOARD_DATADIR="$top_srcdir/data"

# ---- loopback listeners: open, closed, and five with a full accept queue ----
python3 "$top_srcdir/tests/net-listeners.py" "$T_DIR/ports" 5 &
NET_BG_PIDS="$NET_BG_PIDS $!"
net_wait_file "$T_DIR/ports" 15 || t_fail "the loopback listeners did not start"
OPEN=$(awk '$1 == "open" {print $2}' "$T_DIR/ports")
CLOSED=$(awk '$1 == "closed" {print $2}' "$T_DIR/ports")
FULL=$(awk '$1 == "full" {$1 = ""; print}' "$T_DIR/ports")
FULL1=$(printf '%s\n' "$FULL" | awk 'NR == 1 {print $1}')

t_run 0 "open port" "$HSMO" check --timeout 2 --endpoint "127.0.0.1:$OPEN"
t_grep "$T_OUT" "127.0.0.1:$OPEN" "the open port is listed"
grep -Eq "^127\.0\.0\.1:$OPEN +ok +[0-9]+ ms" "$T_OUT" || t_fail "open port: not reported ok"
t_ok "open port reported ok with its latency"

t_run 69 "closed port" "$HSMO" check --timeout 2 --endpoint "127.0.0.1:$CLOSED"
grep -Eq "^127\.0\.0\.1:$CLOSED +refused " "$T_OUT" || t_fail "closed port: not reported refused"
t_grep "$T_OUT" "wrong host or port" "refused comes with its hint"

t_run 69 ".invalid host" "$HSMO" check --timeout 2 --endpoint "nothing-here.invalid:2310"
grep -Eq "^nothing-here\.invalid:2310 +dns " "$T_OUT" || t_fail ".invalid: not reported dns"
t_grep "$T_OUT" "does not resolve" "dns comes with its hint"

t_run 69 "full accept queue" "$HSMO" check --timeout 1 --endpoint "127.0.0.1:$FULL1"
grep -Eq "^127\.0\.0\.1:$FULL1 +timeout " "$T_OUT" || t_fail "full queue: not reported timeout"
t_grep "$T_OUT" "status.cloudshsm.com" "timeout comes with the status-page hint"
t_grep "$T_OUT" "outbound port $FULL1" "the timeout hint names the port"
t_nogrep "$T_OUT" "allow-list" "no allow-list hint off the native ports (2300, 2310, 2320)"

# Five endpoints that all time out finish in about one timeout, not five. This is a hang guard
# (< 3 x timeout, where one at a time would take 5 x), not a performance assertion: bench/run measures
# the speed. A 2 s timeout leaves room for a slow start of a sanitizer build on a loaded machine.
set -- check --timeout 2
for p in $FULL; do set -- "$@" --endpoint "127.0.0.1:$p"; done
start=$(date +%s%N)
t_run 69 "five timeouts" "$HSMO" "$@"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
# Count the RESULT column only: curl's detail line ("Connection timeout after ...") must not count.
[ "$(grep -cE '^[^ ]+ +timeout ' "$T_OUT")" -eq 5 ] || { cat "$T_OUT" >&2; t_fail "five timeouts: not all five reported timeout"; }
[ "$elapsed_ms" -lt 6000 ] || t_fail "five 2-second timeouts took ${elapsed_ms} ms: the checks are not concurrent"
t_ok "five 2-second timeouts reported in ${elapsed_ms} ms (< 3 x the timeout)"

# JSON output: one object per endpoint, stable category names.
t_run 69 "json output" "$HSMO" check --json --timeout 2 --endpoint "127.0.0.1:$OPEN" --endpoint "127.0.0.1:$CLOSED"
python3 - "$T_OUT" "$OPEN" "$CLOSED" <<'EOF' || t_fail "json output is wrong"
import json, sys
doc = json.load(open(sys.argv[1]))
cats = {r["endpoint"]: r["category"] for r in doc["results"]}
assert cats == {f"127.0.0.1:{sys.argv[2]}": "ok", f"127.0.0.1:{sys.argv[3]}": "refused"}, cats
assert doc["ok"] is False and all(isinstance(r["latency_ms"], int) for r in doc["results"])
EOF
t_ok "json output lists each endpoint's category and latency"

t_run 64 "bad endpoint" "$HSMO" check --endpoint "no-port"
t_grep "$T_ERR" "HOST:PORT" "a bad --endpoint is a usage error"

# ---- TLS and TSBaaS against nginx ----
net_make_ca
t_passphrase "check-$(t_rand_alnum 16)"
JWT=$(net_jwt TSB01 $(( $(date +%s) + 30 * 86400 )))
WRONG_JWT=$(net_jwt TSB02 $(( $(date +%s) + 30 * 86400 )))
t_secret "$JWT"
t_secret "$WRONG_JWT"
# Only the right token opens versionInfo; the config holding it is private to the test.
( umask 077; printf 'if ($http_authorization = "Bearer %s") { return 200 %s; }\n' "$JWT" \
	"'{\"version\":\"test\"}'" > "$NET_DIR/jwt.conf" )
mkdir -p "$NET_DIR/www/files"
cat > "$NET_DIR/server.block" <<'EOF'
		location = /v1/versionInfo {
			include @DIR@/jwt.conf;
			return 401;
		}
		location /files/ { }
EOF
printf 'API-Endpoint: https://tsb.example.invalid\nJWT-TOKEN: %s\n' "$JWT" \
	> "$NET_DIR/www/files/ACME_sbx_jwt_TSB01_20261120.txt"
printf 'API-Endpoint: https://tsb.example.invalid\nJWT-TOKEN: %s\n' "$WRONG_JWT" \
	> "$NET_DIR/www/files/ACME_sbx_jwt_TSB02_20261120.txt"
chmod 644 "$NET_DIR"/www/files/*
net_start_nginx "$NET_DIR/server.block"
URL="https://127.0.0.1:$NET_PORT"

t_run 0 "TLS with the right CA" "$HSMO" check --tls --cacert "$NET_DIR/ca.pem" --endpoint "127.0.0.1:$NET_PORT"
grep -Eq "^127\.0\.0\.1:$NET_PORT +ok " "$T_OUT" || t_fail "TLS with the right CA: not ok"
t_run 69 "TLS against the wrong CA" "$HSMO" check --tls --cacert "$NET_DIR/other-ca.pem" \
	--endpoint "127.0.0.1:$NET_PORT"
grep -Eq "^127\.0\.0\.1:$NET_PORT +tls " "$T_OUT" || t_fail "wrong CA: not reported tls"
t_grep "$T_OUT" "TLS interception" "tls comes with its hint"
t_run 69 "TLS without --cacert" "$HSMO" check --tls --endpoint "127.0.0.1:$NET_PORT"
grep -Eq "^127\.0\.0\.1:$NET_PORT +tls " "$T_OUT" || t_fail "the throwaway CA was trusted without --cacert"
t_ok "the throwaway CA is not trusted without --cacert"

# Profiles for both tokens, through fetch (imported exactly like import).
t_run 0 "fetch the JWT file" t_hsmo fetch --cacert "$NET_DIR/ca.pem" \
	"$URL/files/ACME_sbx_jwt_TSB01_20261120.txt"
t_run 0 "fetch the wrong JWT file" t_hsmo fetch --cacert "$NET_DIR/ca.pem" \
	"$URL/files/ACME_sbx_jwt_TSB02_20261120.txt"

t_run 0 "versionInfo with the right JWT" t_hsmo check --profile TSB01 \
	--cacert "$NET_DIR/ca.pem" --api-endpoint "$URL"
grep -Eq "^$URL/v1/versionInfo +ok " "$T_OUT" || t_fail "versionInfo with the right JWT: not ok"
t_grep "$T_OUT" "JWT expires" "the JWT's expiry countdown is shown"
grep -q 'GET /v1/versionInfo 200' "$NET_DIR/access.log" ||
	t_fail "nginx did not answer 200 to versionInfo"
t_ok "nginx saw the bearer token and answered 200"
STATE="$XDG_STATE_HOME/hsm-onboard/TSB01/state.json"
python3 - "$STATE" "$URL/v1/versionInfo" <<'EOF' || t_fail "the check was not stored in the profile"
import json, sys
st = json.load(open(sys.argv[1]))
assert st["checked_at"], st
assert [(c["endpoint"], c["category"]) for c in st["checks"]] == [(sys.argv[2], "ok")], st["checks"]
EOF
t_ok "the last check is stored in state.json for the ticket"

t_run 69 "versionInfo with a wrong JWT" t_hsmo check --profile TSB02 \
	--cacert "$NET_DIR/ca.pem" --api-endpoint "$URL"
grep -Eq "^$URL/v1/versionInfo +auth " "$T_OUT" || t_fail "versionInfo with a wrong JWT: not auth"
t_grep "$T_OUT" "HTTP 401" "the status is named"

t_passfile "$T_DIR/wrong" not-the-passphrase
t_run 77 "wrong vault passphrase" t_hsmo_from "$T_DIR/wrong" check --profile TSB01 --cacert "$NET_DIR/ca.pem" \
	--api-endpoint "$URL"

# A cluster from the table (a test table of loopback hosts, through HSM_ONBOARD_DATADIR): its master
# and clone are probed on the API's port, and the choice is stored in the profile.
mkdir -p "$T_DIR/data"
cat > "$T_DIR/data/clusters.conf" <<EOF
as_of = "2025-03-06";
ports = { pkcs11 = $OPEN; };
clusters = ( { name = "LOCAL01"; description = "loopback"; master = "127.0.0.1";
               clones = [ "localhost" ]; rest = "https://127.0.0.1/v1"; } );
EOF
t_run 0 "the cluster's hosts" env HSM_ONBOARD_DATADIR="$T_DIR/data" "$T_HSMO_FROM" "$T_DIR/pass" check --profile TSB01 \
	--cacert "$NET_DIR/ca.pem" --api-endpoint "$URL" --cluster local01 --api pkcs11
grep -Eq "^127\.0\.0\.1:$OPEN +ok " "$T_OUT" || t_fail "the cluster's master was not probed on its API port"
grep -Eq "^localhost:$OPEN +ok " "$T_OUT" || t_fail "the cluster's clone was not probed on its API port"
t_ok "the master and the clone were probed on the PKCS#11 port of the table"
python3 - "$STATE" <<'EOF' || t_fail "the chosen cluster and API were not stored"
import json, sys
st = json.load(open(sys.argv[1]))
assert st["cluster"] == "LOCAL01" and st["api"] == "pkcs11", (st["cluster"], st["api"])
assert len(st["checks"]) == 3, st["checks"]
EOF
t_ok "the profile stores the chosen cluster and API, and the three results"

t_scan_leaks "$NET_DIR/access.log" "$NET_DIR/error.log"
t_done
