#!/bin/sh
# inspect.sh: `hsm-onboard inspect` on good and bad credential files: exit codes, the exact
# FILE:LINE messages, the pairing verdict, JSON, and that no secret reaches stdout or stderr.
# Committed fixtures hold invented secrets; big, binary and CRLF files are generated here.
. "$top_srcdir/tests/lib.sh"

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

t_run 0 "service and foreign technical file" "$HSMO" inspect "$SVC" "$OTHER"
t_grep "$T_OUT" "do NOT belong together: the service file names HSM user ACMEHSM01, the technical file OTHERHSM02" "non-pair verdict"
t_grep "$T_ERR" "name different HSM users (ACMEHSM01, OTHERHSM02)" "non-pair warning on stderr"

t_run 0 "JSON output" "$HSMO" --json inspect "$SVC" "$HSM"
t_grep "$T_OUT" '"kind": "service"' "JSON kind"
t_grep "$T_OUT" '"length": 29' "JSON secret length"
t_grep "$T_OUT" '"pair": true' "JSON pairing"
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["files"]) == 2 and d["files"][0]["valid"]' "$T_OUT" ||
		t_fail "JSON output does not parse"
	t_ok "JSON parses"
fi

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

t_run 0 "warnings are not errors" "$HSMO" inspect "$F/warn-setup-password.txt"
t_grep "$T_ERR" "hsm-onboard: warning: $F/warn-setup-password.txt:3: unknown key 'Region' ignored" "unknown key warning"
t_grep "$T_ERR" "hsm-onboard: warning: $F/warn-setup-password.txt:2: the HSM User Setup Password does not look like five groups" "setup password shape warning"

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

# ---- usage ----
t_run 64 "no file" "$HSMO" inspect
t_grep "$T_ERR" "no file given" "usage message"
t_run 64 "unknown option" "$HSMO" inspect --frobnicate "$SVC"
t_run 0 "--help" "$HSMO" inspect --help
t_grep "$T_OUT" "Usage: hsm-onboard [COMMON OPTION]... inspect FILE..." "help usage line"
t_run 0 "listed in the global help" "$HSMO" --help
t_grep "$T_OUT" "inspect" "command listed"

t_scan_leaks
t_done
