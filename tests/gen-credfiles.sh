#!/usr/bin/env bash
# gen-credfiles.sh DIR [CUSTOMERS]: writes invented, realistic sample credential files (service, hsm
# with PKCS#11, jwt) named like Securosys names them. Every secret is random; nothing here is real.
# CUSTOMERS (1 to 3, default 1) complete service+hsm sets go into the one folder, as a Downloads
# folder holds several customers' files (tests/inspect.sh).
set -euo pipefail
dir=${1:?usage: gen-credfiles.sh DIR [CUSTOMERS]}
customers=${2:-1}
case $customers in [1-3]) ;; *) echo "gen-credfiles.sh: CUSTOMERS is 1, 2 or 3" >&2; exit 64 ;; esac
mkdir -p "$dir"
rand() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1"; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
setup_pw() { printf '%s-%s-%s-%s-%s' "$(rand 5)" "$(rand 5)" "$(rand 5)" "$(rand 5)" "$(rand 5)"; }
day=$(date -u +%Y%m%d)
umask 077
# company svc user proxy, one line per customer
set -- "ACME_Corp eco ACMEHSM01 ACME-PROXY-01" "Beta_AG prime BETAHSM02 BETA-PROXY-02" \
	"Gamma_SA sbx GAMMAHSM03 GAMMA-PROXY-03"
while [ "$customers" -gt 0 ]; do
	read -r company svc user proxy <<EOT
$1
EOT
	shift
	customers=$((customers - 1))
	cat > "$dir/${company}_${svc}_service_${user}_$day.txt" <<EOT
Service User Name: $proxy
Service User Password: $(rand 20)
HSM User Name: $user
EOT
	cat > "$dir/${company}_${svc}_hsm_${user}_$day.txt" <<EOT
HSM User Name: $user
HSM User Setup Password: $(setup_pw)
PKCS#11 password : $(rand 16)
EOT
done
now=$(date -u +%s)
payload=$(printf '{"sub":"ACMETSB01","iat":%s,"exp":%s}' "$now" "$((now + 30 * 86400))" | b64url)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
cat > "$dir/ACME_Corp_tsbaas_jwt_ACMETSB01_$day.txt" <<EOT
API-Endpoint: https://acme.cloudshsm.com
JWT-TOKEN: $header.$payload.$(rand 43)
EOT
ls "$dir"
