#!/bin/sh
# net-mtls.sh: `check --api-endpoint URL --cert FILE --key FILE`, the mutual-TLS check of a dedicated
# TSBaaS (doc/securosys-facts.md, section "Order channels and tiers"), against a real nginx that
# requires a client certificate signed by the throwaway test CA (ssl_verify_client on). Proves: the
# right certificate gets 200 without a profile or a JWT; no certificate, and a certificate of another
# CA, are auth failures whose hint names mutual TLS; an encrypted key is refused without a prompt; a
# key that group or others may access, a key that is not a regular file, and a missing key are refused
# before anything is sent, naming the file; a dedicated profile is told to use mutual TLS, not a JWT;
# the key's content never reaches stdout, stderr or the profile.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/net-lib.sh"
net_require
net_make_ca

# ---- the client certificates: one of the test CA (trusted by nginx), one of another CA ----
C="$T_DIR/client"
mkdir -p "$C"
chmod 700 "$C"
(
	cd "$C"
	umask 077
	printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' > client.ext
	for who in good stranger; do
		ca=ca
		[ "$who" = stranger ] && ca=other-ca
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$who.key" -out "$who.csr" \
			-subj "/CN=hsm-onboard test client $who"
		openssl x509 -req -in "$who.csr" -CA "$NET_DIR/$ca.pem" -CAkey "$NET_DIR/$ca.key" -CAcreateserial \
			-out "$who.pem" -days 2 -extfile client.ext
	done
	# The same key, encrypted: OpenSSL would ask for its passphrase on the terminal.
	openssl pkey -in good.key -aes256 -passout pass:not-asked-for -out encrypted.key
	cat good.pem good.key > combined.pem
) >"$T_DIR/openssl-client.log" 2>&1 || { cat "$T_DIR/openssl-client.log" >&2; t_fail "openssl could not make the client certificates"; }
chmod 600 "$C"/*.key "$C/combined.pem"
# Every line of the keys' base64 is a secret under test.
for k in good stranger encrypted; do
	grep -v -- '-----' "$C/$k.key" | while IFS= read -r line; do t_secret "$line"; done
done

cat > "$NET_DIR/server.block" <<'EOF'
		ssl_verify_client on;
		ssl_client_certificate @DIR@/ca.pem;
		location = /v1/versionInfo {
			return 200 '{"version":"test"}';
		}
EOF
net_start_nginx "$NET_DIR/server.block"
URL="https://127.0.0.1:$NET_PORT"
requests() { grep -c 'GET /v1/versionInfo' "$NET_DIR/access.log" 2>/dev/null || true; }

# ---- the right certificate: ok, without a profile or a vault passphrase ----
t_run 0 "mutual TLS with the right certificate" "$HSMO" check --cacert "$NET_DIR/ca.pem" \
	--api-endpoint "$URL" --cert "$C/good.pem" --key "$C/good.key"
grep -Eq "^$URL/v1/versionInfo +ok " "$T_OUT" || t_fail "the mutual-TLS check is not ok"
grep -q 'GET /v1/versionInfo 200' "$NET_DIR/access.log" || t_fail "nginx did not answer 200"
t_ok "nginx verified the client certificate and answered 200"
[ ! -e "$XDG_STATE_HOME/hsm-onboard" ] || t_fail "a check without a profile created a profile area"
t_ok "no profile was needed or created"

t_run 0 "the key in the --cert file" "$HSMO" check --cacert "$NET_DIR/ca.pem" --api-endpoint "$URL" \
	--cert "$C/combined.pem"
grep -Eq "^$URL/v1/versionInfo +ok " "$T_OUT" || t_fail "the combined certificate file is not ok"

# ---- no certificate, or one of another CA: auth, naming mutual TLS ----
# (While there is no profile: otherwise the only profile would be used.)
t_run 64 "--api-endpoint without a profile or a certificate" "$HSMO" check --api-endpoint "$URL"
t_grep "$T_ERR" "mutual TLS (--cert FILE --key FILE)" "the usage error names mutual TLS"
JWT=$(net_jwt TSB01 $(( $(date +%s) + 30 * 86400 )))
t_secret "$JWT"
t_passphrase "mtls-$(t_rand_alnum 16)"
mkdir -p "$T_DIR/files"
( umask 077; printf 'API-Endpoint: %s\nJWT-TOKEN: %s\n' "$URL" "$JWT" > "$T_DIR/files/ACME_sbx_jwt_TSB01_20261120.txt" )
t_run 0 "import a multi-tenant JWT file" t_hsmo import "$T_DIR/files/ACME_sbx_jwt_TSB01_20261120.txt"
t_run 69 "a JWT against a server that requires mutual TLS" t_hsmo check --profile TSB01 \
	--cacert "$NET_DIR/ca.pem" --api-endpoint "$URL"
grep -Eq "^$URL/v1/versionInfo +auth " "$T_OUT" || t_fail "no client certificate: not reported auth"
t_grep "$T_OUT" "requires a client certificate (mutual TLS" "the hint names mutual TLS"
t_grep "$T_OUT" "--cert FILE --key FILE" "the hint says what to give"

t_run 69 "a certificate of another CA" "$HSMO" --json check --cacert "$NET_DIR/ca.pem" --api-endpoint "$URL" \
	--cert "$C/stranger.pem" --key "$C/stranger.key"
python3 - "$T_OUT" <<'EOF' || t_fail "the refused certificate is not an auth result naming mutual TLS"
import json, sys
doc = json.load(open(sys.argv[1]))
(r,) = doc["results"]
assert doc["ok"] is False and r["category"] == "auth", r
assert "refused the client certificate (mutual TLS)" in r["hint"], r
EOF
t_ok "a certificate of another CA: auth, the hint says the server refused it (mutual TLS)"

t_run 69 "an encrypted key" "$HSMO" check --cacert "$NET_DIR/ca.pem" --api-endpoint "$URL" \
	--cert "$C/good.pem" --key "$C/encrypted.key"
grep -Eq "^$URL/v1/versionInfo +tls " "$T_OUT" || t_fail "an encrypted key: not reported tls"
t_grep "$T_OUT" "must not be encrypted" "the hint says why the key could not be used"

# ---- the key file is refused before anything is sent ----
before=$(requests)
chmod 644 "$C/good.key"
t_run 77 "a key others may read" "$HSMO" check --cacert "$NET_DIR/ca.pem" --api-endpoint "$URL" \
	--cert "$C/good.pem" --key "$C/good.key"
t_grep "$T_ERR" "$C/good.key: permissions 0644 are too open" "the refusal names the file and its mode"
t_grep "$T_ERR" "Run: chmod 600 '$C/good.key'" "the refusal says what to run"
chmod 640 "$C/good.key"
t_run 77 "a key the group may read" "$HSMO" check --cacert "$NET_DIR/ca.pem" --api-endpoint "$URL" \
	--cert "$C/good.pem" --key "$C/good.key"
t_grep "$T_ERR" "permissions 0640 are too open" "group-readable is refused too"
chmod 600 "$C/good.key"
chmod 644 "$C/combined.pem"
t_run 77 "a --cert file holding the key, readable by others" "$HSMO" check --cacert "$NET_DIR/ca.pem" \
	--api-endpoint "$URL" --cert "$C/combined.pem"
t_grep "$T_ERR" "$C/combined.pem: permissions 0644 are too open" "the key inside the certificate file is guarded too"
mkdir "$C/dir.key"
chmod 700 "$C/dir.key"
t_run 77 "a key that is not a regular file" "$HSMO" check --cacert "$NET_DIR/ca.pem" --api-endpoint "$URL" \
	--cert "$C/good.pem" --key "$C/dir.key"
t_grep "$T_ERR" "$C/dir.key: the client key is not a regular file" "a directory is refused"
t_run 66 "a missing key" "$HSMO" check --cacert "$NET_DIR/ca.pem" --api-endpoint "$URL" \
	--cert "$C/good.pem" --key "$C/nope.key"
t_grep "$T_ERR" "$C/nope.key: cannot use the client key" "a missing key is named"
t_run 66 "a missing certificate" "$HSMO" check --cacert "$NET_DIR/ca.pem" --api-endpoint "$URL" \
	--cert "$C/nope.pem" --key "$C/good.key"
[ "$(requests)" = "$before" ] || t_fail "a refused key still sent a request"
t_ok "no request was sent with a refused key or certificate"

# ---- usage ----
t_run 64 "--key without --cert" "$HSMO" check --api-endpoint "$URL" --key "$C/good.key"
t_run 64 "--cert without --api-endpoint" "$HSMO" check --cert "$C/good.pem" --key "$C/good.key" \
	--endpoint "127.0.0.1:$NET_PORT"
t_make_credfiles "$T_DIR/ded" ACME eco DED01 20261120
t_run 0 "import a dedicated TSBaaS order" t_hsmo import \
	--service-type tsbaas-dedicated "$T_SERVICE_FILE" "$T_HSM_FILE"
t_run 64 "a dedicated TSBaaS profile without a certificate" "$HSMO" check --profile DED01 --api-endpoint "$URL"
t_grep "$T_ERR" "profile DED01 is a dedicated TSBaaS: its REST API authenticates by mutual TLS, not by a JWT" \
	"the dedicated profile is told to use mutual TLS"
t_run 0 "a dedicated TSBaaS profile with its certificate" "$HSMO" check --profile DED01 --cacert "$NET_DIR/ca.pem" \
	--api-endpoint "$URL" --cert "$C/good.pem" --key "$C/good.key"
t_grep "$XDG_STATE_HOME/hsm-onboard/DED01/state.json" "$URL/v1/versionInfo" "the check is stored in the profile"

t_run 0 "--help" "$HSMO" check --help
t_grep "$T_OUT" "--cert FILE" "--cert in the help"
t_grep "$T_OUT" "--key FILE" "--key in the help"

t_scan_leaks "$NET_DIR/access.log" "$NET_DIR/error.log"
t_done
