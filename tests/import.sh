#!/bin/bash
# tests/import.sh: import, secrets and forget through the built CLI: modes, all or nothing, identical
# re-import, renewal, tier, shred, the refusals (wrong passphrase, loose vault mode, damaged state,
# profile in use) and, after every scenario, a scan for leaked secrets.
. "$top_srcdir/tests/lib.sh"

IN="$T_DIR/in"
T_SCAN_EXCLUDE=$IN
t_passphrase "import test passphrase $(t_rand_alnum 10)"
state_dir="$XDG_STATE_HOME/hsm-onboard"

mode_of() { stat -c %a "$1"; }
sum_of() { sha256sum "$1" | cut -d' ' -f1; }

# ---- a good pair: profile dir 0700, state.json and vault 0600, the non-secret facts in the state ----
t_make_credfiles "$IN" ACME_Corp eco ACMEHSM01 20261120 pkcs11
SVC1=$T_SERVICE_FILE HSM1=$T_HSM_FILE
t_run 0 "import a service and hsm pair" t_hsmo import "$SVC1" "$HSM1"
t_grep "$T_OUT" "Profile ACMEHSM01: imported" "import names the profile"
P="$state_dir/ACMEHSM01"
[ "$(mode_of "$P")" = 700 ] || t_fail "profile dir mode $(mode_of "$P"), expected 700"
[ "$(mode_of "$P/state.json")" = 600 ] || t_fail "state.json mode $(mode_of "$P/state.json")"
[ "$(mode_of "$P/vault")" = 600 ] || t_fail "vault mode $(mode_of "$P/vault")"
t_ok "modes: dir 0700, state.json 0600, vault 0600"
t_grep "$P/state.json" '"tier": "ECO"' "tier inferred from the file name (eco)"
t_grep "$P/state.json" '"hsm_user": "ACMEHSM01"' "state records the HSM user"
t_grep "$P/state.json" '"service_user": "svc-ACMEHSM01"' "state records the service user"
t_grep "$P/state.json" '"issued": "2026-11-20T00:00:00Z"' "issued from the file name's date"
t_grep "$P/state.json" '"kind": "imported"' "an imported event"
t_grep "$P/state.json" '"first_use": null' "no first use yet"
t_scan_leaks

# ---- secrets: labels only ----
t_run 0 "secrets lists the labels" t_hsmo secrets
t_grep "$T_OUT" "setup-password" "secrets: setup-password listed"
grep -qE '^ +setup-password +stored$' "$T_OUT" || t_fail "setup-password not stored"
grep -qE '^ +service-password +stored$' "$T_OUT" || t_fail "service-password not stored"
grep -qE '^ +pkcs11-password +stored$' "$T_OUT" || t_fail "pkcs11-password not stored"
grep -qE '^ +jwt +missing$' "$T_OUT" || t_fail "jwt should be missing"
grep -qE '^ +current +missing$' "$T_OUT" || t_fail "current should be missing"
t_ok "secrets: stored and missing as imported"
t_run 0 "secrets --json" t_hsmo --json secrets
t_grep "$T_OUT" '"setup-password": "stored"' "secrets --json"
t_scan_leaks

# ---- identical re-import changes nothing ----
before_v=$(sum_of "$P/vault") before_s=$(sum_of "$P/state.json")
t_run 0 "identical re-import" t_hsmo import "$SVC1" "$HSM1"
t_grep "$T_OUT" "already up to date" "re-import says nothing changed"
[ "$(sum_of "$P/vault")" = "$before_v" ] && [ "$(sum_of "$P/state.json")" = "$before_s" ] ||
	t_fail "identical re-import rewrote the vault or the state"
t_ok "identical re-import: vault and state.json byte for byte the same"
t_scan_leaks

# ---- all or nothing: a bad file beside a good pair writes nothing ----
t_make_credfiles "$IN/zed" ACME_Corp eco ZED01 20261120
printf 'HSM User Name: BAD01\nthis line is not a field\n' > "$IN/ACME_Corp_eco_hsm_BAD01_20261120.txt"
t_run 65 "a bad file among good ones" t_hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE" \
	"$IN/ACME_Corp_eco_hsm_BAD01_20261120.txt"
t_grep "$T_ERR" "ACME_Corp_eco_hsm_BAD01_20261120.txt" "the error names the bad file"
[ ! -e "$state_dir/ZED01" ] && [ ! -e "$state_dir/BAD01" ] || t_fail "a profile was written"
t_ok "nothing written for the good pair either"
t_scan_leaks

# ---- a service file and an hsm file that disagree on the HSM User Name ----
t_make_credfiles "$IN/mism" ACME_Corp sbx MISM01 20261120
sed -i 's/^HSM User Name: MISM01$/HSM User Name: OTHER01/' "$T_HSM_FILE"
t_run 65 "mismatched pair" t_hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$T_ERR" "$(basename "$T_SERVICE_FILE")" "the error names the service file"
t_grep "$T_ERR" "$(basename "$T_HSM_FILE")" "the error names the hsm file"
[ ! -e "$state_dir/MISM01" ] && [ ! -e "$state_dir/OTHER01" ] || t_fail "a profile was written"
t_ok "mismatched pair: nothing written"
t_scan_leaks

# ---- several HSM users in one call: one profile each ----
t_make_credfiles "$IN/two" ACME_Corp pla TWOA01 20261121
A_SVC=$T_SERVICE_FILE A_HSM=$T_HSM_FILE
t_make_credfiles "$IN/two" ACME_Corp pla TWOB01 20261121
t_run 0 "two HSM users at once" t_hsmo import "$A_SVC" "$A_HSM" "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$state_dir/TWOA01/state.json" '"tier": "PLATINUM"' "first profile (pla -> PLATINUM)"
t_grep "$state_dir/TWOB01/state.json" '"hsm_user": "TWOB01"' "second profile"
t_scan_leaks

# ---- the tier: needed off a terminal when the names do not tell it ----
t_make_credfiles "$IN/tier" ACME_Corp cloudhsm TIER01 20261125
t_run 64 "no tier off a terminal" t_hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$T_ERR" "--tier" "the error asks for --tier"
[ ! -e "$state_dir/TIER01" ] || t_fail "a profile was written without a tier"
t_run 0 "--tier ECO-CC --issued" t_hsmo import --tier eco-cc --issued 2026-11-24 "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$state_dir/TIER01/state.json" '"tier": "ECO-CC"' "tier from --tier"
t_grep "$state_dir/TIER01/state.json" '"issued": "2026-11-24T00:00:00Z"' "issued from --issued"
t_run 64 "--tier nonsense" t_hsmo import --tier gold "$T_SERVICE_FILE"
t_scan_leaks

# ---- passphrase rules ----
t_make_credfiles "$IN/pp" ACME_Corp sbx PASSPH01 20261120
t_run 64 "no passphrase off a terminal" "$HSMO" --kdf-ms 20 import "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$T_ERR" "--passphrase-fd" "the error names --passphrase-fd"
t_passfile "$T_DIR/short" elevenchars
t_run 64 "passphrase shorter than 12" t_hsmo_from "$T_DIR/short" import "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$T_ERR" "at least 12" "the error gives the minimum"
[ ! -e "$state_dir/PASSPH01" ] || t_fail "a profile was written without a passphrase"
t_ok "no profile without a valid passphrase"
t_scan_leaks

# ---- renewal: a new setup password for an existing profile ----
sed -i 's/"first_use": null/"first_use": "2026-11-21T09:00:00Z"/' "$P/state.json"
t_grep "$P/state.json" '"first_use": "2026-11-21T09:00:00Z"' "first use recorded (simulated)"
mkdir -p "$IN/renew"
NEW_SETUP=$(t_setup_password)
t_secret "$NEW_SETUP"
RENEW="$IN/renew/ACME_Corp_eco_hsm_ACMEHSM01_20261126.txt"
# The PKCS#11 password stays what the first hsm file says (later t_make_credfiles changed T_PKCS11_PW).
P11_1=$(sed -n 's/^PKCS#11 password : //p' "$HSM1")
printf 'HSM User Name: ACMEHSM01\nHSM User Setup Password: %s\nPKCS#11 password : %s\n' "$NEW_SETUP" \
	"$P11_1" > "$RENEW"
chmod 600 "$RENEW"
before_v=$(sum_of "$P/vault")
t_run 64 "renewal refused without --renew off a terminal" t_hsmo import "$RENEW"
t_grep "$T_ERR" "--renew" "the refusal says --renew"
[ "$(sum_of "$P/vault")" = "$before_v" ] || t_fail "the refused renewal changed the vault"
t_grep "$P/state.json" '"first_use": "2026-11-21T09:00:00Z"' "refused renewal kept the first use"
t_run 0 "renewal with --renew" t_hsmo import --renew "$RENEW"
[ "$(sum_of "$P/vault")" != "$before_v" ] || t_fail "the renewal did not rewrite the vault"
t_grep "$P/state.json" '"first_use": null' "renewal reset the first use"
t_grep "$P/state.json" '"kind": "renewed"' "renewal recorded as an event"
t_grep "$P/state.json" '"issued": "2026-11-26T00:00:00Z"' "renewal's date of issue"
t_grep "$P/state.json" '"renewal_pending": false' "no renewal left pending"
t_run 0 "the renewed file again is identical" t_hsmo import "$RENEW"
t_grep "$T_OUT" "already up to date" "renewed file re-imported: nothing changed"
t_scan_leaks

# ---- refusals: wrong passphrase, loose vault mode, damaged state ----
t_passfile "$T_DIR/wrong" "not the passphrase"
t_run 77 "wrong passphrase" t_hsmo_from "$T_DIR/wrong" --profile ACMEHSM01 secrets
t_grep "$T_ERR" "wrong passphrase" "says wrong passphrase"
chmod 644 "$P/vault"
t_run 77 "vault mode 0644 refused" t_hsmo --profile ACMEHSM01 secrets
t_grep "$T_ERR" "chmod 600" "says how to fix the mode"
t_run 77 "import refuses the 0644 vault too" t_hsmo import "$SVC1" "$HSM1"
chmod 600 "$P/vault"
cp "$P/state.json" "$T_DIR/state.good"
head -c 100 "$T_DIR/state.good" > "$P/state.json"
t_run 65 "truncated state.json" t_hsmo --profile ACMEHSM01 secrets
t_grep "$T_ERR" "state.json" "the error names state.json"
printf '{"version": 99}\n' > "$P/state.json"
t_run 65 "unknown state format version" t_hsmo --profile ACMEHSM01 secrets
t_grep "$T_ERR" "unknown format version 99" "says unknown format version"
cp "$T_DIR/state.good" "$P/state.json"
printf 'garbage' | dd of="$P/vault" bs=1 seek=80 conv=notrunc status=none
cp "$P/vault" "$T_DIR/vault.bad"
t_run 65 "corrupted vault" t_hsmo --profile ACMEHSM01 secrets
t_grep "$T_ERR" "corrupted" "says corrupted"
t_scan_leaks

# ---- the lock: a second instance is refused at once, told who holds it ----
mkfifo "$T_DIR/ready" "$T_DIR/release"
flock -x "$state_dir/TWOA01/lock" bash -c \
	'echo "$$ since 2026-11-27T00:00:00Z" > "$1"; echo $$ > "$2"; read -r _ < "$3"' \
	_ "$state_dir/TWOA01/lock" "$T_DIR/ready" "$T_DIR/release" &
holder_job=$!
read -r -t 10 holder < "$T_DIR/ready" || t_fail "the lock holder did not start"
t_run 75 "import while the profile is locked" timeout 10 "$T_HSMO_FROM" "$T_DIR/pass" import \
	"$A_SVC" "$A_HSM"
t_grep "$T_ERR" "profile TWOA01 is in use by PID $holder since 2026-11-27T00:00:00Z" "says who holds the lock"
t_run 75 "forget while the profile is locked" timeout 10 "$HSMO" --profile TWOA01 forget --yes
echo go > "$T_DIR/release"
wait "$holder_job"
t_run 0 "import works once the lock is released" t_hsmo import "$A_SVC" "$A_HSM"
t_scan_leaks

# ---- --shred and the warning about readable files ----
t_make_credfiles "$IN/shred" ACME_Corp sbx SHRED01 20261120
chmod 644 "$T_SERVICE_FILE"
t_run 0 "import --shred" t_hsmo import --shred "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$T_ERR" "other users can read this file" "warns about a readable credential file"
t_grep "$T_ERR" "best effort" "says shredding is best effort"
[ ! -e "$T_SERVICE_FILE" ] && [ ! -e "$T_HSM_FILE" ] || t_fail "--shred left a plaintext file"
t_ok "--shred removed the plaintext files"
t_scan_leaks

# ---- forget ----
t_run 64 "forget without --yes off a terminal" "$HSMO" --profile SHRED01 forget
[ -d "$state_dir/SHRED01" ] || t_fail "forget without confirmation deleted the profile"
t_run 0 "forget --yes" "$HSMO" --profile SHRED01 forget --yes
[ ! -e "$state_dir/SHRED01" ] || t_fail "forget left the profile"
t_ok "forget removed the profile directory"
cp "$T_DIR/vault.bad" "$P/vault"
echo 'not json' > "$P/state.json"
# A damaged state next to a vault may hide a rotated user secret: only an explicit discard deletes it.
t_run 77 "forget --yes refuses a damaged profile with a vault" "$HSMO" --profile ACMEHSM01 forget --yes
t_grep "$T_ERR" "--discard-user-secret" "the refusal names the explicit discard"
[ -e "$P/vault" ] || t_fail "the refused forget removed the vault"
t_run 0 "forget --discard-user-secret works on a damaged profile" "$HSMO" --profile ACMEHSM01 forget --discard-user-secret --yes
[ ! -e "$P" ] || t_fail "forget left the damaged profile"
t_run 66 "forget of a missing profile" "$HSMO" --profile NOSUCH01 forget --yes
t_scan_leaks
t_done
