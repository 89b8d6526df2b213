#!/bin/sh
# targets-jce.sh: `config --for tsb` and `config --for xks` on a JCE profile (doc/securosys-facts.md,
# "JCE, TSB and XKS"). The profile is connected through tests/jce-standin (run as `java`), with the
# hosts given once to connect; then, without --endpoint:
#   - verify and config reuse the hosts connect was given (state engine.hosts);
#   - the TSB and XKS files are read by a real YAML parser (python3-yaml): the hsm: keys and values
#     of the docs' layout, the blinded user secret as setupPassword, the proxy credentials;
#   - encryptionPassword is random and kept by a rewrite; the files are 0600, README.txt names them;
#   - after connect, the blinded secret goes into setupPassword only with --blinded-secret (a route
#     the docs do not describe);
#   - before any exchange, the TSB and XKS files hold the setup password, as their docs say, and
#     nothing of ours used it or recorded a first use;
#   - --list offers tsb and xks only to JCE profiles; the leak scan.
. "$top_srcdir/tests/lib.sh"

t_need_python3
python3 -c 'import yaml' 2>/dev/null || t_skip_missing python3-yaml "the YAML parser for Python is not installed"

t_jce_standin
mode() { stat -c %a "$1"; }

user=JCETGT
t_make_credfiles "$T_DIR/creds" acme eco "$user" 20261120
printf '%s' "$T_SETUP_PW" | sha256sum | cut -d' ' -f1 > "$JCE_STANDIN_DIR/setup.sha256"
printf '%s' "$T_SERVICE_PW" | sha256sum | cut -d' ' -f1 > "$JCE_STANDIN_DIR/proxy.sha256"
printf '%s' "$user" > "$JCE_STANDIN_DIR/user"
t_hsmo --profile jt import --tier ECO "$T_SERVICE_FILE" "$T_HSM_FILE" >>"$T_DIR/all-output" 2>&1 || t_fail "import"
st="$XDG_STATE_HOME/hsm-onboard/jt/state.json"

# Before connect: the API alone (the wizard's subscription step records it) makes it a JCE profile.
python3 -c 'import json,sys; p=sys.argv[1]; d=json.load(open(p)); d["api"]="jce"; json.dump(d, open(p, "w"))' "$st"
t_run 0 "config --list on a JCE profile before connect" t_hsmo --profile jt config --list
t_grep "$T_OUT" "tsb " "--list offers tsb"
t_grep "$T_OUT" "xks " "--list offers xks"
t_grep "$T_OUT" "tsb/Installation/On-Premise-Installation" "--list names the TSB docs page"
t_grep "$T_OUT" "xks/Installation/Installation" "--list names the XKS docs page"
grep -q '^libp11 ' "$T_OUT" && t_fail "--list offers libp11 to a JCE profile"
t_ok "--list offers no PKCS#11 target to a JCE profile"

t_run 0 "connect --engine jce with two hosts" t_hsmo --profile jt --yes connect --engine jce --module "$JAR" \
	--endpoint jce-m.example.test --endpoint jce-c.example.test --output "$T_DIR/base"
SECRET=$(cat "$JCE_STANDIN_DIR/secret")
t_secret "$SECRET"
python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["engine"]["hosts"]; assert h == ["jce-m.example.test", "jce-c.example.test"], h' \
	"$st" || t_fail "state.json does not record the hosts"
t_ok "state.json records the hosts connect was given, the master first"

# ---- verify and config without --endpoint ----
t_run 0 "verify without --endpoint" t_hsmo --profile jt verify
grep '^ARGV:' "$JCE_STANDIN_DIR/calls.log" | tail -n 1 | grep -q ' Login -host jce-m.example.test -port 2300 ' ||
	t_fail "verify did not log in at the stored master host"
t_ok "verify logs in at the stored master host, port 2300"

CFG="$T_DIR/cfg"
t_run 64 "config --for tsb after connect, without --blinded-secret" t_hsmo --profile jt config --for tsb --output "$CFG"
t_grep "$T_ERR" "--blinded-secret" "the refusal names the explicit option"
t_grep "$T_ERR" "do not describe" "the refusal says the route is not in the docs"
t_run 0 "config --for tsb --for xks --blinded-secret without --endpoint" t_hsmo --profile jt config --for tsb --for xks --blinded-secret --output "$CFG"
for f in jce-user-secret.secret tsb-application-local.secret.yml xks-application.secret.yaml README.txt; do
	[ -f "$CFG/$f" ] || t_fail "config did not write $f"
	t_grep "$T_OUT" "$CFG/$f" "config prints $f"
done
for f in jce-user-secret.secret tsb-application-local.secret.yml xks-application.secret.yaml; do
	[ "$(mode "$CFG/$f")" = 600 ] || t_fail "$f is mode $(mode "$CFG/$f")"
done
t_ok "the three files holding secrets are mode 0600"

# The YAML, read by a real parser: keys, values and types as the docs' layout has them.
check_yaml() {
	python3 - "$@" <<'EOF'
import sys, yaml
kind, path, user, secret, puser, ppw = sys.argv[1:7]
doc = yaml.safe_load(open(path))
assert list(doc) == ["hsm"], doc.keys()
h = doc["hsm"]
if kind == "tsb":
    want = {"host", "port", "user", "setupPassword", "encryptionPassword", "proxyUser", "proxyPassword"}
    assert set(h) == want, set(h) ^ want
    assert h["host"] == "jce-m.example.test;jce-c.example.test", h["host"]
    assert h["port"] == "2300", repr(h["port"])
    enc = h["encryptionPassword"]
    assert isinstance(enc, str) and len(enc) == 31 and enc.isalnum(), "encryptionPassword"
    print(enc)
else:
    want = {"attestationKeyName", "host", "port", "user", "setupPassword", "proxyUser", "proxyPassword"}
    assert set(h) == want, set(h) ^ want
    assert h["host"] == ["jce-m.example.test", "jce-c.example.test"], h["host"]
    assert h["port"] == ["2300", "2300"], h["port"]
    assert h["attestationKeyName"] == "attestation-key"
assert h["user"] == user, h["user"]
assert h["setupPassword"] == secret, "setupPassword is not the expected secret"
assert h["proxyUser"] == puser, h["proxyUser"]
assert h["proxyPassword"] == ppw, "proxyPassword is not the service user password"
EOF
}
ENC=$(check_yaml tsb "$CFG/tsb-application-local.secret.yml" "$user" "$SECRET" "svc-$user" "$T_SERVICE_PW") ||
	t_fail "the TSB file is not the documented hsm: block"
t_secret "$ENC"
t_ok "TSB: host 'master;clone', port '2300', user, the blinded secret, a random encryptionPassword, the proxy"
check_yaml xks "$CFG/xks-application.secret.yaml" "$user" "$SECRET" "svc-$user" "$T_SERVICE_PW" ||
	t_fail "the XKS file is not the documented hsm: block"
t_ok "XKS: host and port lists, user, the blinded secret, the proxy (its password has '#', ':' and a blank)"

t_grep "$CFG/README.txt" "tsb-application-local.secret.yml" "README names the TSB file"
t_grep "$CFG/README.txt" "the lines setupPassword, encryptionPassword and proxyPassword" "README says what in it is secret"
t_grep "$CFG/README.txt" "xks-application.secret.yaml" "README names the XKS file"

t_run 0 "config --for tsb again" t_hsmo --profile jt config --blinded-secret --for tsb --output "$CFG"
ENC2=$(python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["hsm"]["encryptionPassword"])' \
	"$CFG/tsb-application-local.secret.yml")
[ "$ENC2" = "$ENC" ] || t_fail "a rewrite changed encryptionPassword (TSB could not read its stored secret)"
t_ok "a rewrite keeps encryptionPassword"
t_run 0 "config --for tsb into a new folder" t_hsmo --profile jt config --blinded-secret --for tsb --output "$T_DIR/cfg2"
ENC3=$(python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["hsm"]["encryptionPassword"])' \
	"$T_DIR/cfg2/tsb-application-local.secret.yml")
t_secret "$ENC3"
[ "$ENC3" != "$ENC" ] || t_fail "two folders got the same encryptionPassword"
t_ok "a new folder gets a new random encryptionPassword"


# --endpoint still wins over the stored hosts.
t_run 0 "config --for xks --endpoint other" t_hsmo --profile jt config --blinded-secret --for xks --endpoint jce-x.example.test --output "$T_DIR/cfg3"
python3 -c 'import sys,yaml; assert yaml.safe_load(open(sys.argv[1]))["hsm"]["host"] == ["jce-x.example.test"]' \
	"$T_DIR/cfg3/xks-application.secret.yaml" || t_fail "--endpoint did not win over the stored hosts"
t_ok "--endpoint wins over the stored hosts"
# A second run into the same folder: README.txt names the files of both runs, once each.
t_run 0 "config --for tsb into the xks folder" t_hsmo --profile jt config --blinded-secret --for tsb --output "$T_DIR/cfg3"
for f in xks-application.secret.yaml tsb-application-local.secret.yml jce-user-secret.secret; do
	[ "$(grep -cx "$f" "$T_DIR/cfg3/README.txt")" = 1 ] || { cat "$T_DIR/cfg3/README.txt" >&2; t_fail "README.txt does not name $f once"; }
done
t_ok "README.txt keeps the entries of an earlier run whose files are still there"
rm "$T_DIR/cfg3/xks-application.secret.yaml"
t_run 0 "config --for tsb again, the xks file removed" t_hsmo --profile jt config --blinded-secret --for tsb --output "$T_DIR/cfg3"
t_nogrep "$T_DIR/cfg3/README.txt" "xks-application" "README.txt drops the entry of a file that is gone"

# ---- A PKCS#11 profile is not offered tsb or xks ----
t_make_credfiles "$T_DIR/creds2" acme eco P11TGT 20261120 pkcs11
t_hsmo --profile p11 import --tier ECO "$T_SERVICE_FILE" "$T_HSM_FILE" >>"$T_DIR/all-output" 2>&1 || t_fail "import of the PKCS#11 profile"
t_run 0 "config --list on a PKCS#11 profile" t_hsmo --profile p11 config --list
grep -q '^tsb \|^xks ' "$T_OUT" && t_fail "--list offers tsb or xks to a PKCS#11 profile"
t_ok "--list offers neither tsb nor xks to a PKCS#11 profile"
t_run 64 "--for tsb on a PKCS#11 profile" t_hsmo --profile p11 config --for tsb --output "$T_DIR/x"
t_grep "$T_ERR" "does not fit" "the error says tsb does not fit"

# ---- TSB and XKS by their docs: before any exchange, the setup password is handed over ----
t_make_credfiles "$T_DIR/creds/h" acme eco JCEHAND 20261120
t_hsmo --profile jh import --tier ECO --api jce "$T_SERVICE_FILE" "$T_HSM_FILE" >>"$T_DIR/all-output" 2>&1 || t_fail "import of the hand-over profile"
sth="$XDG_STATE_HOME/hsm-onboard/jh/state.json"
calls=$(grep -c '^ARGV:' "$JCE_STANDIN_DIR/calls.log")
t_run 0 "config --for tsb --for xks before any exchange" t_hsmo --profile jh config --for tsb --for xks \
	--endpoint jce-m.example.test --endpoint jce-c.example.test --output "$T_DIR/hand"
t_grep "$T_OUT" "handed over" "config says the setup password is handed over"
ENC4=$(check_yaml tsb "$T_DIR/hand/tsb-application-local.secret.yml" JCEHAND "$T_SETUP_PW" "svc-JCEHAND" "$T_SERVICE_PW") ||
	t_fail "TSB: setupPassword is not the setup password"
t_secret "$ENC4"
t_ok "TSB: setupPassword is the setup password (python3-yaml)"
check_yaml xks "$T_DIR/hand/xks-application.secret.yaml" JCEHAND "$T_SETUP_PW" "svc-JCEHAND" "$T_SERVICE_PW" ||
	t_fail "XKS: setupPassword is not the setup password"
t_ok "XKS: setupPassword is the setup password (python3-yaml)"
t_grep "$T_DIR/hand/tsb-application-local.secret.yml" "hsm-onboard made no exchange" "the TSB file says no exchange was made"
t_grep "$T_DIR/hand/xks-application.secret.yaml" ".secret file" "the XKS file says to keep its .secret file"
[ "$(grep -c '^ARGV:' "$JCE_STANDIN_DIR/calls.log")" -eq "$calls" ] || t_fail "Primus Tools ran: the setup password was used"
t_ok "nothing of ours used the setup password"
python3 - "$sth" <<'EOF' || t_fail "the hand-over recorded a first use or an exchange"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["first_use"] is None, s["first_use"]
assert s["rotation"] == "none", s["rotation"]
assert "first-use" not in [e["kind"] for e in s["events"]]
assert "handed-over" in [e["kind"] for e in s["events"]]
EOF
t_ok "no first use recorded, the rotation not begun, the hand-over noted"
t_run 64 "--blinded-secret before any exchange is not possible" t_hsmo --profile jh config --for tsb --blinded-secret --output "$T_DIR/hand2"
# After the hand-over the exchange is TSB's or XKS's: connect refuses before it asks or sends anything.
t_run 64 "connect after the hand-over is refused" t_hsmo --profile jh --yes connect --endpoint jce-m.example.test
t_grep "$T_ERR" "handed over to TSB/XKS" "connect says the password was handed over"
[ "$(grep -c '^ARGV:' "$JCE_STANDIN_DIR/calls.log")" -eq "$calls" ] || t_fail "connect after the hand-over ran Primus Tools"
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["first_use"])' "$sth")" = None ] ||
	t_fail "connect after the hand-over recorded a first use"
t_ok "connect after the hand-over sent nothing and recorded no first use"
# Once TSB has started (mark-used), its files can still be written again from the vault, and connect
# still refuses.
t_run 0 "mark-used after the hand-over" t_hsmo --profile jh mark-used
t_run 0 "config --for tsb again after mark-used" t_hsmo --profile jh config --for tsb \
	--endpoint jce-m.example.test --endpoint jce-c.example.test --output "$T_DIR/hand"
check_yaml tsb "$T_DIR/hand/tsb-application-local.secret.yml" JCEHAND "$T_SETUP_PW" "svc-JCEHAND" "$T_SERVICE_PW" >/dev/null ||
	t_fail "TSB: setupPassword is not the setup password after mark-used"
t_run 64 "connect after mark-used on a handed-over profile is still refused" t_hsmo --profile jh --yes connect --endpoint jce-m.example.test
[ "$(grep -c '^ARGV:' "$JCE_STANDIN_DIR/calls.log")" -eq "$calls" ] || t_fail "Primus Tools ran after the hand-over"
t_ok "after mark-used the TSB file is written again with the setup password, and nothing of ours ran"

# ---- Secrets only in files named as holding them, each 0600 ----
for d in "$T_DIR/base" "$CFG" "$T_DIR/cfg2" "$T_DIR/cfg3" "$T_DIR/hand"; do
	for f in $(grep -rlF -f "$T_SECRETS" "$d" 2>/dev/null || true); do
		case ${f##*/} in *.secret | *.secret.*) ;; *) t_fail "a secret in $f, whose name does not say so" ;; esac
		[ "$(mode "$f")" = 600 ] || t_fail "$f holds a secret and is mode $(mode "$f")"
	done
done
t_ok "every file holding a secret is named so and is mode 0600"
T_SCAN_EXCLUDE=$T_DIR/creds t_scan_leaks "$JCE_STANDIN_DIR/calls.log"
t_done
