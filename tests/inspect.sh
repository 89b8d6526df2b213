#!/bin/sh
# inspect.sh: `hsm-onboard inspect` on good and bad credential files: exit codes, the exact
# FILE:LINE messages, the pairing verdict, the order channels each file may come from with their facts
# (doc/securosys-facts.md, section "Order channels and tiers"), the tier/cluster warning of --cluster,
# JSON, and that no secret reaches stdout or stderr.
# Committed fixtures hold invented secrets; big, binary and CRLF files are generated here.
. "$top_srcdir/tests/lib.sh"
t_need_python3

FIX="$top_srcdir/tests/fixtures/credfiles"
F="$T_DIR/files"
mkdir -p "$F"
cp "$FIX"/*.txt "$F"/
chmod 600 "$F"/*.txt
T_SCAN_EXCLUDE="$F"

# Every value of a password or JWT line in the fixtures is a secret under test.
for f in "$F"/*.txt; do
	grep -iE '^[[:space:]]*(.*password|jwt-token[^:]*)[[:space:]]*:' "$f" |
		sed -e 's/^[^:]*:[[:space:]]*//' -e 's/[[:space:]]*$//' |
		while IFS= read -r v; do if [ -n "$v" ]; then t_secret "$v"; fi; done
done
t_secret "Ev3Kq-9wLzP-2mRtX-6nBcY-8hJdS"   # the keyless line of bad-no-colon.txt
[ "$(wc -l < "$T_SECRETS")" -ge 12 ] || t_fail "expected at least 12 fixture secrets, got $(wc -l < "$T_SECRETS")"

SVC="$F/ACME_Corp_eco_service_ACMEHSM01_20261120.txt"
HSM="$F/ACME_Corp_eco_hsm_ACMEHSM01_20261120.txt"
CMB="$F/ACME_Corp_eco_credentials_ACMEHSM01_2026-11-20.txt"
JWT="$F/ACME_tsbaas_jwt_ACMETSB01_20261120.txt"
OTHER="$F/OTHER_eco_hsm_OTHERHSM02_20261120.txt"

# ---- valid files ----
t_run 0 "four valid files, one per kind" "$HSMO" inspect "$SVC" "$HSM" "$CMB" "$JWT"
t_grep "$T_OUT" "kind:                    service:" "service kind shown"
t_grep "$T_OUT" "kind:                    hsm:" "hsm kind shown"
t_grep "$T_OUT" "kind:                    credentials:" "combined kind shown"
t_grep "$T_OUT" "kind:                    jwt:" "jwt kind shown"
t_grep "$T_OUT" "company ACME_Corp, service eco, user ACMEHSM01, date 2026-11-20" "filename facts"
t_grep "$T_OUT" "Service User Name:       ACME-PROXY-01" "non-secret field shown"
t_grep "$T_OUT" "Service User Password:   present, 16 characters" "secret shown only as its length"
t_grep "$T_OUT" "HSM User Setup Password: present, 29 characters" "setup password length"
t_grep "$T_OUT" "PKCS#11 password:        present, 16 characters" "PKCS#11 password length"
t_grep "$T_OUT" "API-Endpoint:            https://acme.cloudshsm.com" "endpoint shown"
t_grep "$T_OUT" "JWT expires:             2026-12-31 13:00:00 CET" "JWT exp shown as a local date"
t_grep "$T_OUT" "JWT issued:              2026-11-25 13:00:00 CET" "JWT iat shown as a local date"
t_grep "$T_OUT" "pairing: ACME_Corp_eco_service_ACMEHSM01_20261120.txt and ACME_Corp_eco_hsm_ACMEHSM01_20261120.txt belong together (HSM User Name ACMEHSM01)" "pairing verdict"
[ ! -s "$T_ERR" ] || { cat "$T_ERR" >&2; t_fail "valid 0600 files must not produce any message"; }
t_ok "no warning for valid private files"

# ---- order channels: each file's, and the facts of every channel they may come from ----
grep -A3 "^$SVC\$" "$T_OUT" | grep -q "order channel:           sales, tsbaas-dedicated, byok" ||
	t_fail "the service file's channels: sales, tsbaas-dedicated, byok"
grep -A3 "^$CMB\$" "$T_OUT" | grep -q "order channel:           online" || t_fail "the combined file's channel: online"
grep -A3 "^$JWT\$" "$T_OUT" | grep -q "order channel:           tsbaas-multi" || t_fail "the JWT file's channel: tsbaas-multi"
t_ok "each file names the order channels it may come from"
t_grep "$T_OUT" "tier (file name):        ECO" "the tier the file name tells"
t_grep "$T_OUT" "Order channels these files may come from:" "the channels' facts follow the files"
t_grep "$T_OUT" "  - Ordered through sales: one email per file with a SecureSafe link, and a SecureCode" "sales: SecureSafe and SecureCode"
t_grep "$T_OUT" "  - Online order: one combined credentials file, downloaded in the Cloud Console (MyServices, Download) with the 6-character PIN emailed at subscription; not through SecureSafe" "online: the Cloud Console and the PIN, not SecureSafe"
t_grep "$T_OUT" "  - Multi-tenant TSBaaS: the JWT file (API-Endpoint and JWT-TOKEN)" "multi-tenant TSBaaS: the JWT"
t_grep "$T_OUT" "  - Dedicated TSBaaS: the REST API authenticates by mutual TLS with your client certificate" "dedicated TSBaaS: mutual TLS"
t_grep "$T_OUT" "not by a JWT; test it with 'hsm-onboard check --api-endpoint URL --cert FILE --key FILE'" "dedicated TSBaaS: how to test it"
t_grep "$T_OUT" "  - BYOK: an ECO partition, used through the JCE provider only" "BYOK: ECO, JCE only"
t_run 0 "a JWT file alone" "$HSMO" inspect "$JWT"
t_grep "$T_OUT" "Multi-tenant TSBaaS" "its channel's fact"
t_nogrep "$T_OUT" "SecureSafe link" "no fact of a channel it cannot come from"
t_nogrep "$T_OUT" "BYOK" "no BYOK fact for a JWT file"

# ---- --cluster: the tier of the file name against the cluster (clusters_tier_warning) ----
SBXF="$F/ACME_sbx_hsm_ACMEHSM01_20261120.txt"
CCF="$F/ACME_ecocc_hsm_ACMEHSM01_20261120.txt"
cp "$HSM" "$SBXF"
cp "$HSM" "$CCF"
t_run 0 "a Sandbox file and cluster ECO01: a warning, still valid" "$HSMO" inspect --cluster eco01 "$SBXF"
t_grep "$T_ERR" "hsm-onboard: warning: $SBXF: the file name says tier SBX, the cluster is ECO01: Sandbox partitions run on the SBX01 cluster: check the cluster in your Welcome ticket" "the Sandbox warning names the file, tier and cluster"
t_run 0 "a Sandbox file on SBX01" "$HSMO" inspect --cluster SBX01 "$SBXF"
[ ! -s "$T_ERR" ] || { cat "$T_ERR" >&2; t_fail "SBX on SBX01 must not warn"; }
t_ok "no warning for Sandbox on SBX01"
t_run 0 "an ECO-CC file and cluster ECO01" "$HSMO" inspect --cluster ECO01 "$CCF" "$SBXF"
t_grep "$T_ERR" "$CCF: the file name says tier ECO-CC, the cluster is ECO01: ECO-CC partitions run on CCM01 or CCMUS01" "the ECO-CC warning"
t_run 0 "an ECO-CC file on CCMUS01" "$HSMO" inspect --cluster CCMUS01 "$CCF"
[ ! -s "$T_ERR" ] || { cat "$T_ERR" >&2; t_fail "ECO-CC on CCMUS01 must not warn"; }
t_ok "no warning for ECO-CC on CCMUS01"
t_run 64 "an unknown cluster" "$HSMO" inspect --cluster NOPE01 "$SBXF"
t_grep "$T_ERR" "unknown cluster 'NOPE01'" "the unknown cluster is named"
t_run 0 "--cluster in JSON" "$HSMO" --json inspect --cluster ECO01 "$SBXF" "$CMB" "$JWT"
python3 - "$T_OUT" <<'EOF' || t_fail "the JSON channels and tier warning are wrong"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["cluster"] == "ECO01", d["cluster"]
sbx, cmb, jwt = d["files"]
assert sbx["channels"] == ["sales", "tsbaas-dedicated", "byok"] and sbx["tier"] == "SBX", sbx
assert sbx["tier_warning"].startswith("Sandbox partitions run on the SBX01 cluster"), sbx["tier_warning"]
assert cmb["channels"] == ["online"] and cmb["tier"] == "ECO" and cmb["tier_warning"] is None, cmb
assert jwt["channels"] == ["tsbaas-multi"] and jwt["tier"] is None and jwt["tier_warning"] is None, jwt
chans = [c["channel"] for c in d["channels"]]
assert chans == ["sales", "online", "tsbaas-multi", "tsbaas-dedicated", "byok"], chans
facts = {c["channel"]: c["fact"] for c in d["channels"]}
assert "6-character PIN" in facts["online"] and "not through SecureSafe" in facts["online"], facts
assert "mutual TLS" in facts["tsbaas-dedicated"] and "JCE" in facts["byok"], facts
EOF
t_ok "JSON: each file's channels, tier and tier warning; the cluster; every channel's fact once"

# A mismatched pair is bad data as a set, as import says: scripts see it in the exit code.
t_run 65 "service and foreign technical file" "$HSMO" inspect "$SVC" "$OTHER"
t_grep "$T_OUT" "do NOT belong together: the service file names HSM user ACMEHSM01, the technical file OTHERHSM02" "non-pair verdict"
t_grep "$T_ERR" "name different HSM users (ACMEHSM01, OTHERHSM02)" "non-pair warning on stderr"
t_run 65 "a mismatched pair in JSON exits 65 too" "$HSMO" --json inspect "$SVC" "$OTHER"
t_grep "$T_OUT" '"pair": false' "JSON says which pair"

# ---- several customers' sets in one folder: paired as import pairs them (import_files_disagree) ----
# A Downloads folder holds several customers' files: each service file pairs with its own technical
# file, the others are no mismatch, and import of the same folder agrees.
DL="$T_DIR/downloads"
bash "$top_srcdir/tests/gen-credfiles.sh" "$DL" 3 >/dev/null
for v in $(sed -n 's/^.*Password *: *//p' "$DL"/*.txt) $(sed -n 's/^JWT-TOKEN: //p' "$DL"/*.txt); do
	t_secret "$v"
done
set -- "$DL"/*_service_*.txt "$DL"/*_hsm_*.txt
[ $# -eq 6 ] || t_fail "gen-credfiles.sh DIR 3 wrote $*"
t_run 0 "three customers' complete sets in one folder" "$HSMO" inspect "$DL"/*.txt
[ "$(grep -c '^pairing: .* belong together' "$T_OUT")" -eq 3 ] || t_fail "expected three pairs: $(grep pairing "$T_OUT")"
for u in ACMEHSM01 BETAHSM02 GAMMAHSM03; do
	grep -q "^pairing: [A-Za-z_]*_service_${u}_[0-9]*.txt and [A-Za-z_]*_hsm_${u}_[0-9]*.txt belong together (HSM User Name $u)\$" \
		"$T_OUT" || t_fail "$u's service and hsm file are not paired: $(grep pairing "$T_OUT")"
done
t_ok "each customer's service file pairs with its own technical file"
t_nogrep "$T_OUT" "do NOT belong" "no cross-customer mismatch"
[ ! -s "$T_ERR" ] || { cat "$T_ERR" >&2; t_fail "three complete sets must not warn"; }
t_ok "no warning for three complete sets"
t_run 0 "three customers' sets in JSON" "$HSMO" --json inspect "$DL"/*.txt
t_json 'len(j["pairs"]) == 3 and all(p["pair"] and p["service_hsm_user"] == p["hsm_hsm_user"] for p in j["pairs"])'
t_passphrase
t_run 0 "import takes the same folder" t_hsmo import --tier ECO "$DL"/*_service_*.txt "$DL"/*_hsm_*.txt
t_grep "$T_OUT" "GAMMAHSM03" "import makes one profile per customer"
# A fourth customer's technical file that names another HSM user than its file name is the one
# mismatch: the sets beside it stay fine.
sed 's/^HSM User Name: .*/HSM User Name: DELTAHSM09/' "$DL"/Beta_AG_*_hsm_*.txt > "$DL/Beta_AG_prime_hsm_BETAHSM02_20991231.txt"
t_run 65 "one mismatched file among three sets" "$HSMO" inspect "$DL"/*.txt
[ "$(grep -c 'do NOT belong together' "$T_OUT")" -eq 1 ] || t_fail "expected one mismatch: $(grep pairing "$T_OUT")"
t_grep "$T_OUT" "do NOT belong together: the service file names HSM user BETAHSM02, the technical file DELTAHSM09" "the mismatch names both users"
[ "$(grep -c 'belong together (HSM' "$T_OUT")" -eq 3 ] || t_fail "the three good pairs must still be shown"
t_ok "the three good pairs are still shown"

t_run 0 "JSON output" "$HSMO" --json inspect "$SVC" "$HSM"
t_grep "$T_OUT" '"kind": "service"' "JSON kind"
t_grep "$T_OUT" '"length": 29' "JSON secret length"
t_grep "$T_OUT" '"pair": true' "JSON pairing"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["files"]) == 2 and d["files"][0]["valid"]' "$T_OUT" ||
	t_fail "JSON output does not parse"
t_ok "JSON parses"

# ---- generated variants: CRLF+BOM, browser suffix, world-readable ----
CRLF="$F/ACME_Corp_eco_hsm_ACMEHSM01_2026-11-20 (1).txt"
printf '\357\273\277' > "$CRLF"
sed 's/$/\r/' "$HSM" >> "$CRLF"
chmod 600 "$CRLF"
t_run 0 "CRLF, BOM and a browser suffix" "$HSMO" inspect "$CRLF"
t_grep "$T_OUT" "HSM User Setup Password: present, 29 characters" "CR is not part of the value"
t_grep "$T_OUT" "user ACMEHSM01, date 2026-11-20" "suffix stripped from the name facts"

chmod 644 "$SVC"
t_run 0 "world-readable file: warning, still valid" "$HSMO" inspect "$SVC"
t_grep "$T_ERR" "hsm-onboard: warning: $SVC: other users can read this file (mode 0644)" "mode warning"
chmod 600 "$SVC"

# A setup password of 4 groups (cut when copied) is refused: sent to the HSM it would use up the
# partition's lock-out counter. --accept-setup-format makes it a warning, for a new format.
t_run 65 "truncated setup password is an error" "$HSMO" inspect "$F/warn-setup-password.txt"
t_grep "$T_ERR" "hsm-onboard: $F/warn-setup-password.txt:2: the HSM User Setup Password is not in the documented format, five groups of five letters and digits joined by '-' (29 characters: xxxxx-xxxxx-xxxxx-xxxxx-xxxxx); this one has 23 characters in 4 groups. Was it cut when copied?" "setup password format error"
t_run 0 "--accept-setup-format: warnings are not errors" "$HSMO" --accept-setup-format inspect "$F/warn-setup-password.txt"
t_grep "$T_ERR" "hsm-onboard: warning: $F/warn-setup-password.txt:3: unknown key 'Region' ignored" "unknown key warning"
t_grep "$T_ERR" "hsm-onboard: warning: $F/warn-setup-password.txt:2: the HSM User Setup Password is not in the documented format (23 characters in 4 groups); accepted because of --accept-setup-format" "setup password shape warning"

cp "$SVC" "$F/ACME_Corp_eco_hsm_ACMEHSM01_20261121.txt"
t_run 0 "name disagrees with content" "$HSMO" inspect "$F/ACME_Corp_eco_hsm_ACMEHSM01_20261121.txt"
t_grep "$T_ERR" "the file name says 'hsm' but the content is a 'service' file; the content wins" "mismatch warning"

# ---- invalid files: exit 65 and the exact message ----
t_run 65 "line without ':'" "$HSMO" inspect "$F/bad-no-colon.txt"
t_grep "$T_ERR" "hsm-onboard: $F/bad-no-colon.txt:3: no ':' on this line (expected 'Key: value')" "no-colon message"
t_grep "$T_ERR" "1 of 1 file is not valid" "summary line on stderr, with the message it refers to"
t_run 65 "duplicate key" "$HSMO" inspect "$F/bad-duplicate.txt"
t_grep "$T_ERR" "hsm-onboard: $F/bad-duplicate.txt:4: duplicate key 'Service User Password' (first on line 2)" "duplicate message"
t_run 65 "missing key" "$HSMO" inspect "$F/bad-missing.txt"
t_grep "$T_ERR" "hsm-onboard: $F/bad-missing.txt: missing key 'HSM User Name' (this is a service file)" "missing message"
t_run 65 "empty value" "$HSMO" inspect "$F/bad-empty-value.txt"
t_grep "$T_ERR" "hsm-onboard: $F/bad-empty-value.txt:2: 'HSM User Setup Password' has an empty value" "empty message"
t_run 65 "malformed JWT" "$HSMO" inspect "$F/bad-jwt.txt"
t_grep "$T_ERR" "hsm-onboard: $F/bad-jwt.txt:2: JWT-TOKEN: the JWT's payload is not base64url-encoded JSON" "JWT message"

: > "$F/empty.txt"
t_run 65 "empty file" "$HSMO" inspect "$F/empty.txt"
t_grep "$T_ERR" "hsm-onboard: $F/empty.txt: the file is empty" "empty-file message"

printf 'HSM User Name: ACMEHSM01\nHSM User Setup Password: Ab\000cd\n' > "$F/nul.txt"
t_run 65 "NUL byte" "$HSMO" inspect "$F/nul.txt"
t_grep "$T_ERR" "hsm-onboard: $F/nul.txt:2: NUL byte: this is not a text file" "NUL message"

printf 'HSM User Name: ACMEHSM01\n\nHSM User Setup Password: Ab\377cd\n' > "$F/latin1.txt"
t_run 65 "invalid UTF-8" "$HSMO" inspect "$F/latin1.txt"
t_grep "$T_ERR" "hsm-onboard: $F/latin1.txt:3: invalid UTF-8 (byte 0xff)" "UTF-8 message"

head -c 3000 /dev/urandom > "$F/random.bin"
t_run 65 "random binary" "$HSMO" inspect "$F/random.bin"
t_grep "$T_ERR" "hsm-onboard: $F/random.bin:" "binary file gets a located message"

head -c 40 "$CMB" > "$F/truncated.txt"
t_run 65 "truncated download" "$HSMO" inspect "$F/truncated.txt"

# 5 MB of text that starts like a real file: refused by the read bound.
{ cat "$SVC"; yes '# padding padding padding padding padding padding padding' | head -c 5242880; } > "$F/big.txt"
t_run 65 "5 MB file" "$HSMO" inspect "$F/big.txt"
t_grep "$T_ERR" "hsm-onboard: $F/big.txt: file is larger than 65536 bytes" "size message"

# ---- unreadable: exit 66 ----
t_run 66 "missing file" "$HSMO" inspect "$F/nope.txt"
t_grep "$T_ERR" "hsm-onboard: $F/nope.txt: cannot open: No such file or directory" "missing-file message"
t_run 66 "directory" "$HSMO" inspect "$F"
t_grep "$T_ERR" "hsm-onboard: $F: not a regular file" "directory message"
t_run 66 "unreadable wins over invalid, valid files still shown" "$HSMO" inspect "$SVC" "$F/bad-missing.txt" "$F/nope.txt"
t_grep "$T_OUT" "Service User Name:       ACME-PROXY-01" "valid file still inspected"
t_grep "$T_ERR" "2 of 3 files are not valid" "summary counts both"

# ---- the API: no credential file carries it; a profile of the file's HSM user may ----
t_run 0 "the profile import made above records no API" "$HSMO" inspect "$HSM"
t_grep "$T_OUT" "API:                     not in the files, nor in profile ACMEHSM01 (pass import --api)" "a profile without an API: unknown, honestly"
t_run 0 "--json, a profile without an API" "$HSMO" --json inspect "$HSM"
t_json 'j["files"][0]["api"] is None and j["files"][0]["api_profile"] == "ACMEHSM01"'
PASS=$(t_rand_alnum 16); t_secret "$PASS"
T_SERVICE_FILE=$SVC T_HSM_FILE=$HSM t_import acme "$PASS" --tier ECO --api jce
t_run 0 "a profile of that HSM user, imported with --api jce" "$HSMO" inspect "$HSM"
t_grep "$T_OUT" "API:                     jce (profile acme; the files do not say it)" "the profile's API, named as the profile's"
t_run 0 "--json, the profile's API" "$HSMO" --json inspect "$HSM"
t_json 'j["files"][0]["api"] == "jce" and j["files"][0]["api_profile"] == "acme"'
t_run 0 "another HSM user's file" "$HSMO" inspect "$OTHER"
t_grep "$T_OUT" "API:                     not in the files (pass import --api)" "another user's profile lends no API"

# ---- usage ----
t_run 64 "no file" "$HSMO" inspect
t_grep "$T_ERR" "no file given" "usage message"
t_run 64 "unknown option" "$HSMO" inspect --frobnicate "$SVC"
t_run 0 "--help" "$HSMO" inspect --help
t_grep "$T_OUT" "Usage: hsm-onboard [COMMON OPTION]... inspect [OPTION]... FILE..." "help usage line"
t_grep "$T_OUT" "--cluster NAME" "--cluster in the help"
t_run 0 "listed in the global help" "$HSMO" --help
t_grep "$T_OUT" "inspect" "command listed"

t_scan_leaks
t_done
