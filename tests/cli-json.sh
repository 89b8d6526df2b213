#!/bin/sh
# cli-json.sh: every command's --json output, read by a real JSON parser (python3's json.loads): exactly
# one document, the keys that doc/hsm-onboard.1 ("JSON OUTPUT") documents and no others, ISO 8601 times
# and no epoch seconds, no secret. Commands with nothing to say in JSON refuse --json (64), and
# `--json ticket --format text` is a conflict. Then every command that prints, with stdout on a full disk
# (/dev/full): exit 74 and a message, never 0 with a truncated document.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/net-lib.sh"
net_require
t_need_softhsm
[ -w /dev/full ] || t_skip_machine "/dev/full is not there"

t_softhsm_private
t_passphrase "json pass $(t_rand_alnum 10)"
CREDS="$T_DIR/creds"
T_SCAN_EXCLUDE=$CREDS

# j_check NAME SPEC...: $T_OUT is exactly one JSON document (json.loads of the whole output) with the
# keys of each SPEC "PATH=KEY,KEY,..." and no others, in that order. PATH is "." or dot-separated names;
# "name[]" is every element of a list, which must not be empty; a null object (does not apply) is skipped. No registered secret is in the text, and no number
# that looks like epoch seconds: times are ISO 8601 strings.
j_check() {
	name=$1
	shift
	python3 - "$T_OUT" "$T_SECRETS" "$@" <<'EOF' || { cat "$T_OUT" >&2; t_fail "$name: the JSON is not as documented"; }
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
doc = json.loads(text)    # one document: a second one or trailing text is an error
secrets = [s for s in open(sys.argv[2], encoding="utf-8").read().split("\n") if s]
for s in secrets:
    assert s not in text, "a secret is in the output"
def walk(o, where):
    if isinstance(o, dict):
        for k, v in o.items():
            walk(v, where + "." + k)
    elif isinstance(o, list):
        for v in o:
            walk(v, where + "[]")
    elif isinstance(o, bool):
        pass
    elif isinstance(o, int):
        assert not 946684800 <= o <= 4102444800, "%s = %d looks like epoch seconds, not ISO 8601" % (where, o)
    elif isinstance(o, str) and re.fullmatch(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d.*", o):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", o), "%s = %s is not ISO 8601" % (where, o)
walk(doc, "")
def select(o, parts):
    if not parts:
        return [o]
    p, rest = parts[0], parts[1:]
    if o is None:
        return [None]
    if p.endswith("[]"):
        lst = o[p[:-2]]
        assert isinstance(lst, list) and lst, "%s is not a non-empty list" % p
        return [x for e in lst for x in select(e, rest)]
    return select(o[p], rest)
for spec in sys.argv[3:]:
    path, keys = spec.split("=")
    want = keys.split(",")
    parts = [] if path == "." else path.split(".")
    # null stands for "does not apply" (an invalid file has no secrets); one object at least is checked.
    objs = [o for o in select(doc, parts) if o is not None]
    assert objs, "%s: nothing but null" % path
    for o in objs:
        assert isinstance(o, dict), "%s is not an object" % path
        assert list(o.keys()) == want, "%s has keys %s, documented %s" % (path, list(o.keys()), want)
EOF
	t_ok "$name: one JSON document with the documented keys"
}

# full RC NAME CMD...: CMD with stdout on /dev/full exits RC (74: the lost output is an I/O error).
full() {
	want=$1 name=$2
	shift 2
	set +e
	"$@" >/dev/full 2>"$T_ERR"
	got=$?
	set -e
	cat "$T_ERR" >> "$T_DIR/all-output"
	[ "$got" -eq "$want" ] || { cat "$T_ERR" >&2; t_fail "$name >/dev/full: exit $got, expected $want"; }
	[ "$want" -ne 74 ] || grep -q "write error" "$T_ERR" || { cat "$T_ERR" >&2; t_fail "$name >/dev/full: no message"; }
	t_ok "$name >/dev/full exits $want"
}


SP=setup_password=state,issued,first_use,expires_at,seconds_left,worst_case
FILE_KEYS=path,valid,error,exit_code,warnings,kind,name,service_user,hsm_user,api_endpoint,secrets,jwt,channels,tier,tier_warning,api,api_profile
ENGINE_KEYS=profile,engine,connected,config_written,files

# ---- inspect: valid and invalid files share one schema ----
t_make_credfiles "$CREDS" ACME sbx JSONUSER 20261120 pkcs11
JSVC=$T_SERVICE_FILE JHSM=$T_HSM_FILE
printf 'no colon here\n' > "$CREDS/bad.txt"
t_run 65 "inspect --json, one invalid file" t_hsmo --json inspect "$T_SERVICE_FILE" "$T_HSM_FILE" "$CREDS/bad.txt"
j_check "inspect" .=files,pairs,cluster,channels "files[]=$FILE_KEYS" "channels[]=channel,fact" \
	"files[].secrets=service_password,setup_password,pkcs11_password,jwt" \
	"files[].secrets.setup_password=present,length" \
	"pairs[]=service_file,hsm_file,pair,service_hsm_user,hsm_hsm_user"

# ---- import, status, secrets, mark-used, ticket, clusters ----
t_softhsm_token JSONUSER
t_run 0 "import --json" t_hsmo --json import "$T_SERVICE_FILE" "$T_HSM_FILE"
j_check "import" .=profiles profiles[]=name,changed
t_run 0 "status --json" t_hsmo --json status
j_check "status" .=profiles profiles[]=name,hsm_user,service_user,tier,service_type,api,path,cluster,step,setup_password,config_dir,shares_config_dir_with "profiles[].$SP"
t_run 0 "secrets --json" t_hsmo --json secrets
j_check "secrets" .=profile,secrets
t_run 0 "mark-used --json" t_hsmo --json mark-used --at "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
j_check "mark-used" .=profile,changed,setup_password "$SP"
t_run 0 "ticket --json" t_hsmo --json ticket
j_check "ticket" .=schema,notice,request,profile,company,service,tier,service_type,hsm_user,service_user,cluster,hosts,setup_password,last_error,preflight,contract,contact,generated_at,tool_version,os,statements,partition_log
t_run 0 "ticket --format json" t_hsmo ticket --format json
j_check "ticket --format json" .=schema,notice,request,profile,company,service,tier,service_type,hsm_user,service_user,cluster,hosts,setup_password,last_error,preflight,contract,contact,generated_at,tool_version,os,statements,partition_log
t_run 64 "--json ticket --format text is a conflict" t_hsmo --json ticket --format text
t_grep "$T_ERR" "--json conflicts with --format" "the conflict is named"
t_run 0 "clusters --json" t_hsmo --json clusters
j_check "clusters" .=source,as_of,ports,clusters clusters[]=name,description,master,clones,rest

# ---- connect, verify, config on a real SoftHSM2 token ----
t_run 0 "connect --json" t_hsmo --json --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE"
j_check "connect" ".=$ENGINE_KEYS,already_done,resumed"
t_run 0 "connect --json on a connected profile" t_hsmo --json connect
j_check "connect (done)" ".=$ENGINE_KEYS,already_done,resumed"
t_run 0 "verify --json" t_hsmo --json verify
j_check "verify" ".=$ENGINE_KEYS,verified"
t_run 0 "config --json" t_hsmo --json config --output "$T_DIR/app"
t_secret "$(cat "$T_DIR/app/pkcs11.pin")"
j_check "config" ".=$ENGINE_KEYS" files[]=path,description

# ---- check, fetch, watch: against a real nginx on 127.0.0.1 ----
net_make_ca
WWW="$NET_DIR/www"
mkdir -p "$WWW/files"
t_make_credfiles "$WWW/files" ACME sbx FETCHED 20261120
FETCH_SVC=$(basename "$T_SERVICE_FILE") FETCH_HSM=$(basename "$T_HSM_FILE")
chmod -R a+rX "$WWW"
printf '\t\tlocation /files/ { }\n' > "$NET_DIR/server.block"
net_start_nginx "$NET_DIR/server.block"
URL="https://127.0.0.1:$NET_PORT/files"
t_run 0 "check --json" t_hsmo --json check --endpoint "127.0.0.1:$NET_PORT" --tls --cacert "$NET_DIR/ca.pem"
j_check "check" .=checked_at,ok,results,jwt_expires_at,jwt_seconds_left results[]=endpoint,category,latency_ms,http_status,detail,hint
t_run 0 "fetch --json" t_hsmo --json fetch --cacert "$NET_DIR/ca.pem" "$URL/$FETCH_SVC" "$URL/$FETCH_HSM"
j_check "fetch" .=files,profiles profiles[]=name,changed

WATCHED="$T_DIR/downloads"
mkdir -p "$WATCHED"
t_make_credfiles "$T_DIR/src" ACME sbx WATCHED 20261120
t_hsmo --json watch --timeout 60 "$WATCHED" >"$T_OUT" 2>"$T_ERR" &
watch_pid=$!
NET_BG_PIDS="$NET_BG_PIDS $watch_pid"
net_wait_grep "$T_ERR" "watching $WATCHED" 10 || t_fail "watch did not start"
cp "$T_SERVICE_FILE" "$T_HSM_FILE" "$WATCHED/"
set +e
wait "$watch_pid"
rc=$?
set -e
cat "$T_OUT" "$T_ERR" >> "$T_DIR/all-output"
[ "$rc" -eq 0 ] || { cat "$T_ERR" >&2; t_fail "watch --json: exit $rc"; }
j_check "watch" .=dir,complete,profiles profiles[]=name,changed

# ---- forget last: it deletes ----
t_run 0 "forget --json" t_hsmo --json --profile FETCHED forget --yes
j_check "forget" .=profile,deleted,downloads_removed

# ---- nothing to say in JSON: a usage error, as status --json --check ----
t_run 64 "wizard --json" "$HSMO" --json wizard
t_grep "$T_ERR" "nothing to print as JSON" "wizard names the refusal"
t_run 64 "demo --json" "$HSMO" --json demo
t_run 64 "status --json --check" t_hsmo --json status --check

# ---- a full disk: every command that prints exits 74 ----
full 74 "--help" "$HSMO" --help
full 74 "--version" "$HSMO" --version
full 74 "status --help" "$HSMO" status --help
full 74 "inspect" "$HSMO" inspect "$JSVC"
full 74 "inspect --json" t_hsmo --json inspect "$JSVC"
full 74 "status --check" t_hsmo status --check
full 74 "watch --json (timed out)" t_hsmo --json watch --timeout 0.2 "$T_DIR/downloads"
for json in "" --json; do
	full 74 "status $json" t_hsmo $json status
	full 74 "import $json (unchanged)" t_hsmo $json import "$JSVC" "$JHSM"
	full 74 "secrets $json" t_hsmo $json secrets --profile JSONUSER
	full 74 "mark-used $json" t_hsmo $json --profile WATCHED mark-used
	full 74 "ticket $json" t_hsmo $json --profile JSONUSER ticket
	full 74 "clusters $json" t_hsmo $json clusters
	full 74 "connect $json (done)" t_hsmo $json --profile JSONUSER connect
	full 74 "verify $json" t_hsmo $json --profile JSONUSER verify
	full 74 "config $json" t_hsmo $json --profile JSONUSER config --output "$T_DIR/app"
	full 74 "check $json" t_hsmo $json check --endpoint "127.0.0.1:$NET_PORT"
	full 74 "fetch $json" t_hsmo $json fetch --cacert "$NET_DIR/ca.pem" "$URL/$FETCH_SVC" "$URL/$FETCH_HSM"
done
t_run 0 "a profile to forget" t_hsmo --profile GONE import "$JSVC" "$JHSM"
full 74 "forget" t_hsmo --profile GONE forget --yes
t_run 0 "another profile to forget" t_hsmo --profile GONE2 import "$JSVC" "$JHSM"
full 74 "forget --json" t_hsmo --json --profile GONE2 forget --yes
t_run 0 "stdout closed before anything was written is no error" sh -c '"$1" clusters --file /nonexistent >&-; [ $? -eq 66 ]' sh "$HSMO"

t_scan_leaks
t_done
