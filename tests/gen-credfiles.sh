#!/usr/bin/env bash
# gen-credfiles.sh DIR: writes invented, realistic sample credential files (service, hsm with PKCS#11,
# combined, jwt) named like Securosys names them. Every secret is random; nothing here is real.
set -euo pipefail
dir=${1:?usage: gen-credfiles.sh DIR}
mkdir -p "$dir"
rand() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1"; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
setup_pw() { printf '%s-%s-%s-%s-%s' "$(rand 5)" "$(rand 5)" "$(rand 5)" "$(rand 5)" "$(rand 5)"; }
day=$(date -u +%Y%m%d)
umask 077
cat > "$dir/ACME_Corp_eco_service_ACMEHSM01_$day.txt" <<EOT
Service User Name: ACME-PROXY-01
Service User Password: $(rand 20)
HSM User Name: ACMEHSM01
EOT
cat > "$dir/ACME_Corp_eco_hsm_ACMEHSM01_$day.txt" <<EOT
HSM User Name: ACMEHSM01
HSM User Setup Password: $(setup_pw)
PKCS#11 password : $(rand 16)
EOT
now=$(date -u +%s)
payload=$(printf '{"sub":"ACMETSB01","iat":%s,"exp":%s}' "$now" "$((now + 30 * 86400))" | b64url)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
cat > "$dir/ACME_Corp_tsbaas_jwt_ACMETSB01_$day.txt" <<EOT
API-Endpoint: https://acme.cloudshsm.com
JWT-TOKEN: $header.$payload.$(rand 43)
EOT
ls "$dir"
