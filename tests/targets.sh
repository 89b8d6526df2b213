#!/bin/sh
# targets.sh: `config --for TARGET` and `config --list` (doc/securosys-facts.md, "OpenSSL" and "Vault"),
# each file proved by the real client that Debian 12 ships:
#   - libp11: a SoftHSM2 token rotated by `connect` like the demo does; then OpenSSL 3 with
#     libengine-pkcs11-openssl signs with a key on the token using only OPENSSL_CONF=DIR/openssl.cnf,
#     and the signature verifies; a wrong PIN in the included 0600 file makes it fail;
#   - the URI: GnuTLS p11tool --login --list-all, and OpenSC pkcs11-tool, log in using only the
#     generated pkcs11.uri and the PIN file it names (pin-source is a plain absolute path);
#   - openssl3: Debian 12 has no pkcs11-provider package, so the file is compared with a golden file;
#   - vault: the HCL stanzas are golden files (Debian has no HCL parser); the secrets engine script is
#     run with a `vault` stand-in on PATH, which records its argv and reads the @file;
#   - --pin-length, unknown and unfitting targets; README.txt; modes; the leak scan.
. "$top_srcdir/tests/lib.sh"

t_need_softhsm
t_need_pkcs11_tool

t_softhsm_private
t_passphrase
mode() { stat -c %a "$1"; }
GOLD="$top_srcdir/tests/golden"

# ---- A generic pkcs11 profile, rotated the way the demo does it ----
t_make_credfiles "$T_DIR/creds" acme eco TGTUSER 20261120 pkcs11
t_softhsm_token TGTUSER
t_import acme "$PASS" --tier SBX

t_run 0 "config --list before connect" t_hsmo --profile acme config --list
t_grep "$T_OUT" "libp11" "--list offers libp11 to a PKCS#11 profile"
t_grep "$T_OUT" "openssl/libp11/Installation/configuration" "--list names the docs page"
t_nogrep "$T_OUT" "vault-secrets" "no TSBaaS wording for a PKCS#11 profile"

t_run 64 "--pin-length below the minimum" t_hsmo --profile acme --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE" --pin-length 8
t_grep "$T_ERR" "--pin-length" "the error names the option"
t_run 0 "connect (generic engine, default PIN length)" t_hsmo --profile acme --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE"

t_run 0 "config --list after connect" t_hsmo --profile acme config --list
for t in libp11 openssl3 vault; do t_grep "$T_OUT" "$t " "--list offers $t"; done
grep -q '^env ' "$T_OUT" && t_fail "--list offers env (Primus only) to a generic pkcs11 profile"
t_ok "--list does not offer env to a generic pkcs11 profile"
t_run 64 "--for env on a generic profile" t_hsmo --profile acme config --for env --output "$T_DIR/x"
t_grep "$T_ERR" "does not fit" "the error says the target does not fit"
t_run 64 "--for an unknown target" t_hsmo --profile acme config --for nosuch --output "$T_DIR/x"
t_grep "$T_ERR" "libp11" "the error lists the targets that fit"
[ ! -e "$T_DIR/x" ] || t_fail "a refused config created its output folder"
t_ok "a refused config writes nothing"
t_run 64 "--for on connect" t_hsmo --profile acme --yes connect --for libp11

# ---- libp11: OpenSSL signs with the key on the token, using only the generated file ----
CFG="$T_DIR/ssl"
t_run 0 "config --for libp11" t_hsmo --profile acme config --for libp11 --output "$CFG"
for f in pkcs11.pin pkcs11.uri openssl.cnf openssl-pin.secret.cnf README.txt; do
	[ -f "$CFG/$f" ] || t_fail "config --for libp11 did not write $f"
	t_grep "$T_OUT" "$CFG/$f" "config prints $f"
done
[ "$(mode "$CFG/pkcs11.pin")" = 600 ] && [ "$(mode "$CFG/openssl-pin.secret.cnf")" = 600 ] ||
	t_fail "secret files are not 0600"
[ "$(mode "$CFG/openssl.cnf")" = 644 ] || t_fail "openssl.cnf is mode $(mode "$CFG/openssl.cnf")"
t_ok "the PIN files are 0600, openssl.cnf 0644"
PIN=$(cat "$CFG/pkcs11.pin")
t_secret "$PIN"
[ "${#PIN}" -eq 31 ] || t_fail "the new user secret has ${#PIN} characters, expected 31 (libp11 keeps 31)"
case $PIN in *[!A-Za-z0-9]*) t_fail "the user secret is not of letters and digits" ;; esac
t_ok "the user secret: 31 letters and digits"
t_nogrep "$CFG/openssl.cnf" "$PIN" "openssl.cnf holds no PIN"
t_grep "$CFG/openssl.cnf" "engine_id = pkcs11" "openssl.cnf: engine_id"
t_grep "$CFG/openssl.cnf" "MODULE_PATH = \"$SOFTHSM2_MODULE\"" "openssl.cnf: MODULE_PATH"
t_grep "$CFG/openssl.cnf" "init = 0" "openssl.cnf: init = 0"
t_grep "$CFG/openssl.cnf" ".include $CFG/openssl-pin.secret.cnf" "openssl.cnf includes the PIN file"
t_grep "$CFG/openssl-pin.secret.cnf" "PIN = \"$PIN\"" "the included file holds the PIN"
t_grep "$CFG/README.txt" "openssl-pin.secret.cnf" "README names the PIN file"
t_grep "$CFG/README.txt" "the line PIN = ..." "README says which line is secret"
t_nogrep "$CFG/README.txt" "$PIN" "README holds no secret"

if [ ! -f "$(openssl version -e | sed 's/^ENGINESDIR: "\(.*\)"/\1/')/pkcs11.so" ]; then
	echo "# libengine-pkcs11-openssl is not installed: the OpenSSL signature is not tried"
	LIBP11_SKIPPED=1
else
	# The test's own key, made with an independent client and the PIN the file holds.
	pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label TGTUSER --login --pin "$PIN" \
		--keypairgen --key-type EC:prime256v1 --label appkey --id 4242 >/dev/null 2>&1 ||
		t_fail "pkcs11-tool could not make a key with the PIN file's secret"
	pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label TGTUSER --read-object --type pubkey --label appkey \
		-o "$T_DIR/pub.der" >/dev/null 2>&1 || t_fail "could not read the public key"
	printf 'hsm-onboard signs this\n' > "$T_DIR/data"
	openssl dgst -sha256 -binary "$T_DIR/data" > "$T_DIR/data.sha256"
	# Nothing but OPENSSL_CONF: no PIN on the command line, none on stdin.
	t_run 0 "OpenSSL signs with the token's key through openssl.cnf" env OPENSSL_CONF="$CFG/openssl.cnf" \
		openssl pkeyutl -sign -engine pkcs11 -keyform engine -inkey "pkcs11:token=TGTUSER;object=appkey;type=private" \
		-in "$T_DIR/data.sha256" -out "$T_DIR/sig"
	t_run 0 "the signature verifies with the public key" openssl pkeyutl -verify -pubin -keyform DER \
		-inkey "$T_DIR/pub.der" -in "$T_DIR/data.sha256" -sigfile "$T_DIR/sig"
	# The PIN really comes from the included file: a wrong one there makes the same command fail.
	cp "$CFG/openssl-pin.secret.cnf" "$T_DIR/pin.keep"
	printf 'PIN = "wrong%s"\n' "$(t_rand_alnum 8)" > "$CFG/openssl-pin.secret.cnf"
	# (openssl 3.0 with libp11 0.4.12 may crash on its way out after the failed login: any failure
	# counts, and the error must be the PIN.)
	if OPENSSL_CONF="$CFG/openssl.cnf" openssl pkeyutl -sign -engine pkcs11 -keyform engine \
		-inkey "pkcs11:token=TGTUSER;object=appkey;type=private" -in "$T_DIR/data.sha256" -out "$T_DIR/sig2" \
		</dev/null >"$T_OUT" 2>"$T_ERR"; then
		t_fail "OpenSSL signed with a wrong PIN in the included file"
	fi
	t_grep "$T_ERR" "PIN incorrect" "a wrong PIN in the included file: the login fails, no signature"
	cp "$T_DIR/pin.keep" "$CFG/openssl-pin.secret.cnf"
	rm -f "$T_DIR/pin.keep"
fi

# ---- The URI alone: p11tool and pkcs11-tool ----
URI=$(cat "$CFG/pkcs11.uri")
case $URI in *pin-source=file:*) t_fail "pin-source has file: (p11tool ignores it and prompts)" ;; esac
t_grep "$CFG/pkcs11.uri" "pin-source=$CFG/pkcs11.pin" "pin-source is a plain absolute path"
if t_have_tool p11tool gnutls-bin "p11tool's login with the URI only"; then
	t_run 0 "p11tool --login --list-all with the URI only" p11tool --login --list-all "$URI"
	t_grep "$T_OUT" "Private key" "p11tool logged in (a private key is listed)"
	t_grep "$T_OUT" "appkey" "p11tool lists the application's key"
fi
# pkcs11-tool takes no URI: the module, the token and the PIN come from the URI's fields.
pct_decode() { printf '%b' "$(printf '%s' "$1" | sed 's/%/\\x/g')"; }
u_module=$(pct_decode "$(printf '%s' "$URI" | sed -n 's/.*[?&]module-path=\([^&]*\).*/\1/p')")
u_token=$(pct_decode "$(printf '%s' "$URI" | sed -n 's/^pkcs11:\(.*;\)\{0,1\}token=\([^;?]*\).*/\2/p')")
u_pin=$(pct_decode "$(printf '%s' "$URI" | sed -n 's/.*[?&]pin-source=\([^&]*\).*/\1/p')")
[ "$u_module" = "$SOFTHSM2_MODULE" ] && [ "$u_token" = TGTUSER ] && [ "$u_pin" = "$CFG/pkcs11.pin" ] ||
	t_fail "the URI's fields: module '$u_module', token '$u_token', pin-source '$u_pin'"
t_run 0 "pkcs11-tool logs in with the URI's fields and PIN file" pkcs11-tool --module "$u_module" \
	--token-label "$u_token" --login --pin "$(cat "$u_pin")" --list-objects --type privkey
[ -n "${LIBP11_SKIPPED:-}" ] || t_grep "$T_OUT" "appkey" "pkcs11-tool sees the private key"

# ---- openssl3: golden file (Debian 12 has no pkcs11-provider package to run it) ----
CFG3="$T_DIR/ossl3"
t_run 0 "config --for openssl3" t_hsmo --profile acme config --for openssl3 --output "$CFG3"
MODDIR=$(openssl version -m | sed 's/^MODULESDIR: "\(.*\)"/\1/')
sed -e "s|$CFG3|@DIR@|g" -e "s|$SOFTHSM2_MODULE|@MODULE@|g" -e "s|$MODDIR/pkcs11.so|@PROVIDER@|g" \
	"$CFG3/openssl-provider.cnf" > "$T_DIR/ossl3.got"
diff -u "$GOLD/targets-openssl3.cnf" "$T_DIR/ossl3.got" || t_fail "openssl-provider.cnf differs from the golden file"
t_ok "openssl-provider.cnf matches the golden file (the docs' layout)"
[ "$(mode "$CFG3/pkcs11.pin")" = 600 ] && [ "$(cat "$CFG3/pkcs11.pin")" = "$PIN" ] || t_fail "the provider's PIN file"
t_ok "pkcs11-module-token-pin's file is 0600 and holds the PIN"

# ---- vault on a PKCS#11 profile: the Vault Enterprise pkcs11 seal (golden; no HCL parser in Debian) ----
CFGV="$T_DIR/vault"
t_run 0 "config --for vault (pkcs11 seal)" t_hsmo --profile acme config --for vault --output "$CFGV"
sed -e "s|$CFGV|@DIR@|g" -e "s|$SOFTHSM2_MODULE|@MODULE@|g" "$CFGV/vault-seal-pkcs11.hcl" > "$T_DIR/seal.got"
diff -u "$GOLD/targets-vault-pkcs11.hcl" "$T_DIR/seal.got" || t_fail "vault-seal-pkcs11.hcl differs from the golden file"
t_ok "the pkcs11 seal stanza matches the golden file; it holds no PIN"
[ "$(mode "$CFGV/vault-hsm-pin.secret.env")" = 600 ] || t_fail "the Vault PIN file is not 0600"
[ "$(cat "$CFGV/vault-hsm-pin.secret.env")" = "VAULT_HSM_PIN=\"$PIN\"" ] || t_fail "the Vault PIN file does not hold VAULT_HSM_PIN"
t_ok "VAULT_HSM_PIN is in a 0600 EnvironmentFile"

# ---- --pin-length ----
t_make_credfiles "$T_DIR/creds2" acme eco TGTLONG 20261120 pkcs11
t_softhsm_token TGTLONG
t_import long "$PASS" --tier SBX
t_run 0 "connect --pin-length 48" t_hsmo --profile long --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE" --pin-length 48 --output "$T_DIR/long"
LONG=$(cat "$T_DIR/long/pkcs11.pin")
t_secret "$LONG"
[ "${#LONG}" -eq 48 ] || t_fail "--pin-length 48 gave ${#LONG} characters"
t_ok "--pin-length 48 gives a 48-character secret"
# pkcs11-provider reads at most 31 characters of a PIN file: openssl3 refuses the 48, naming why.
t_run 65 "config --for openssl3 with a 48-character PIN" t_hsmo --profile long config --for openssl3 --output "$T_DIR/long3"
t_grep "$T_ERR" "at most 31 characters" "the refusal names the provider's limit"
[ ! -e "$T_DIR/long3/openssl-provider.cnf" ] || t_fail "openssl3 wrote a file it refused"
# OpenSSL reads .include and file: paths unquoted: a folder with '#' or '%' is refused, not written.
for c in '#' '%'; do
	t_run 65 "config --for openssl3 into a folder with $c" t_hsmo --profile acme config --for openssl3 --output "$T_DIR/ossl${c}x"
	t_grep "$T_ERR" "cannot take in an unquoted path" "the folder with $c is refused, naming why"
done

# ---- vault on a TSBaaS profile ----
t_make_jwtfile "$T_DIR/creds3" acme TGTC 20261120
JWT=$T_JWT
t_hsmo import "$T_JWT_FILE" >>"$T_DIR/all-output" 2>&1
t_run 0 "config --list on a TSBaaS profile" t_hsmo --profile TGTC config --list
t_grep "$T_OUT" "vault " "--list offers vault to TSBaaS"
grep -q '^libp11 ' "$T_OUT" && t_fail "--list offers libp11 to a TSBaaS profile"
t_ok "--list offers no PKCS#11 target to TSBaaS"
CFGT="$T_DIR/tsb"
t_run 0 "config --for vault (TSBaaS)" t_hsmo --profile TGTC config --for vault --output "$CFGT"
[ "$(mode "$CFGT/vault-bearer-token.secret")" = 600 ] && [ "$(cat "$CFGT/vault-bearer-token.secret")" = "$JWT" ] ||
	t_fail "the bearer token file"
[ "$(mode "$CFGT/vault-seal-securosys.secret.hcl")" = 600 ] || t_fail "the seal stanza is not 0600"
t_ok "the JWT files are 0600"
KP=$(sed -n 's/^  key_password     = "\(.*\)"$/\1/p' "$CFGT/vault-seal-securosys.secret.hcl")
t_secret "$KP"
[ "${#KP}" -eq 31 ] || t_fail "key_password has ${#KP} characters"
sed -e "s|$CFGT|@DIR@|g" -e "s|$JWT|@JWT@|g" -e "s|$KP|@KEYPASSWORD@|g" "$CFGT/vault-seal-securosys.secret.hcl" > "$T_DIR/sseal.got"
diff -u "$GOLD/targets-vault-securosys.hcl" "$T_DIR/sseal.got" || t_fail "the securosys-hsm seal differs from the golden file"
t_ok "the securosys-hsm seal stanza matches the golden file"
t_run 0 "config --for vault again" t_hsmo --profile TGTC config --for vault --output "$CFGT"
t_grep "$CFGT/vault-seal-securosys.secret.hcl" "key_password     = \"$KP\"" "a rewrite keeps key_password (Vault's unseal key uses it)"
# The script, run with a stand-in for vault that records its argv and reads the @file as vault does.
mkdir -p "$T_DIR/bin"
cat > "$T_DIR/bin/vault" <<'STANDIN'
#!/bin/sh
printf '%s\n' "$@" > "$VAULT_STANDIN_ARGV"
for a in "$@"; do case $a in bearertoken=@*) cat "${a#bearertoken=@}" > "$VAULT_STANDIN_TOKEN" ;; esac; done
STANDIN
chmod 755 "$T_DIR/bin/vault"
t_run 0 "the secrets engine script runs vault write" env PATH="$T_DIR/bin:$PATH" VAULT_STANDIN_ARGV="$T_DIR/vault.argv" \
	VAULT_STANDIN_TOKEN="$T_DIR/vault.token" sh "$CFGT/vault-secrets-engine.sh"
printf 'write\nsecurosys-hsm/config\nauth=TOKEN\nbearertoken=@%s\nrestapi=https://tenant.example.test\n' \
	"$CFGT/vault-bearer-token.secret" > "$T_DIR/vault.want"
diff -u "$T_DIR/vault.want" "$T_DIR/vault.argv" || t_fail "vault's argv"
t_ok "vault got auth, bearertoken=@FILE and restapi; the JWT is not in its argv"
[ "$(cat "$T_DIR/vault.token")" = "$JWT" ] || t_fail "vault's @file does not hold the JWT"
t_ok "vault reads the JWT from the 0600 file"
rm -f "$T_DIR/vault.token"

# ---- The REST endpoint in one form, and OpenBao's own seal ----
# The connectivity page writes https://HOST/v1/; Vault and OpenBao add /v1/ themselves.
t_make_jwtfile "$T_DIR/creds3" acme TGTD 20261120 https://tenant.example.test/v1/
t_hsmo import "$T_JWT_FILE" >>"$T_DIR/all-output" 2>&1
CFGB="$T_DIR/bao"
t_run 0 "config --for vault --for openbao (endpoint .../v1/)" t_hsmo --profile TGTD config --for vault --for openbao --output "$CFGB"
t_grep "$CFGB/vault-seal-securosys.secret.hcl" 'tsb_api_endpoint = "https://tenant.example.test"' "the Vault stanza has the endpoint without /v1/"
t_grep "$CFGB/vault-secrets-engine.sh" "restapi='https://tenant.example.test'" "the secrets engine script has it without /v1/"
t_grep "$CFGB/openbao-seal-securosys.secret.hcl" 'seal "securosys" {' "openbao: OpenBao's seal \"securosys\""
t_grep "$CFGB/openbao-seal-securosys.secret.hcl" 'tsb_api_endpoint = "https://tenant.example.test"' "openbao: the endpoint without /v1/"
[ "$(mode "$CFGB/openbao-seal-securosys.secret.hcl")" = 600 ] || t_fail "the OpenBao stanza is not 0600"
if grep -rq 'v1/' "$CFGB"; then t_fail "a /v1/ endpoint was written as given"; fi
t_grep "$CFGB/README.txt" "openbao-seal-securosys.secret.hcl" "README.txt names the OpenBao stanza"
t_ok "the /v1/ endpoint is written once, without /v1/, for every target"

# ---- Secrets only in files named as holding them, each 0600 ----
for d in "$CFG" "$CFG3" "$CFGV" "$CFGT" "$CFGB" "$T_DIR/long"; do
	for f in $(grep -rlF -f "$T_SECRETS" "$d" 2>/dev/null || true); do
		case ${f##*/} in *.pin | *.secret | *.secret.* | .secrets.cfg) ;; *) t_fail "a secret in $f, whose name does not say so" ;; esac
		[ "$(mode "$f")" = 600 ] || t_fail "$f holds a secret and is mode $(mode "$f")"
	done
done
t_ok "every file holding a secret is named so and is mode 0600"
T_SCAN_EXCLUDE=$T_DIR/creds t_scan_leaks
t_done
