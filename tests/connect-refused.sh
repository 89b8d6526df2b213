#!/bin/bash
# tests/connect-refused.sh: a setup password that the HSM refused is recorded (engine, code, time) and
# never sent again: every wrong attempt uses up the partition's lock-out counter. The independent
# witness is OpenC's pkcs11-spy.so wrapped around SoftHSM2: it logs every C_Login the token really
# receives. Only `connect --retry-refused`, confirmed, sends it once more; a renewed setup password
# (import --renew) clears the refusal; a transient error (no token) is not a refusal.
. "$top_srcdir/tests/lib.sh"

t_need_softhsm
t_need_pkcs11_tool
SPY=
for f in /usr/lib/*/pkcs11/pkcs11-spy.so /usr/lib/pkcs11/pkcs11-spy.so /usr/lib64/pkcs11/pkcs11-spy.so; do
	[ -f "$f" ] && { SPY=$f; break; }
done
[ -n "$SPY" ] || t_skip_missing opensc "pkcs11-spy.so (OpenSC) not found"

t_softhsm_private
# The spy logs the PINs it sees: its log stays outside the scanned home, and is this test's own.
export PKCS11SPY="$SOFTHSM2_MODULE" PKCS11SPY_OUTPUT="$T_DIR/spy.log"
: > "$PKCS11SPY_OUTPUT"
logins() { grep -c '^[0-9]*: C_Login$' "$PKCS11SPY_OUTPUT" || true; }
t_passphrase
state() { cat "$XDG_STATE_HOME/hsm-onboard/$1/state.json"; }

t_make_credfiles "$T_DIR/creds" beta hsm BETAUSER 20261120 pkcs11
REAL_PW=$(t_setup_password)
t_secret "$REAL_PW"
t_softhsm_token BETAUSER "$REAL_PW"
t_import beta "$PASS" --tier ECO
C() { t_hsmo --profile beta "$@"; }

# ---- a transient error (no token in the slot) is not a refusal ----
t_run 69 "connect to an empty slot" C --yes connect --engine pkcs11 --module "$SPY" --slot 4242
python3 -c 'import json, sys; assert json.load(open(sys.argv[1])).get("setup_refused") is None' \
	"$XDG_STATE_HOME/hsm-onboard/beta/state.json" || t_fail "a missing token was recorded as a refusal"
t_ok "a missing token records no refusal"
[ "$(logins)" -eq 0 ] || t_fail "an empty slot got a C_Login"
t_ok "no login was sent to an empty slot"

# ---- the refusal: one C_Login, recorded ----
t_run 77 "connect with a wrong setup password" C --yes connect --engine pkcs11 --module "$SPY" --token-label BETAUSER
t_grep "$T_ERR" "rejected the setup password" "the error says the setup password was refused"
[ "$(logins)" -eq 1 ] || t_fail "the token saw $(logins) C_Login calls, expected 1"
t_ok "the token saw exactly one C_Login"
cp "$T_ERR" "$T_DIR/first-refusal"

# ---- re-runs send nothing ----
for i in 1 2 3; do
	t_run 77 "connect again ($i)" C --yes connect
done
[ "$(logins)" -eq 1 ] || t_fail "re-runs of connect sent the refused setup password: $(logins) C_Login calls"
t_ok "three re-runs: still one C_Login at the token"
t_grep "$T_ERR" "refused this profile's setup password" "connect says what happened"
t_grep "$T_ERR" "CKR_PIN_INCORRECT" "connect names the HSM's answer"
t_grep "$T_ERR" "import --renew" "connect names the renewal"
t_grep "$T_ERR" "--retry-refused" "connect names the explicit override"
python3 - "$XDG_STATE_HOME/hsm-onboard/beta/state.json" <<'PY' || t_fail "state.json does not record the refusal"
import json, sys
r = json.load(open(sys.argv[1]))["setup_refused"]
assert r["engine"] == "pkcs11" and r["code"] == "CKR_PIN_INCORRECT" and r["at"].endswith("Z"), r
PY
t_ok "state.json records the refusal: engine, code, time"
t_grep "$T_DIR/first-refusal" "will not be sent again" "the first refusal says it is not sent again"
t_grep "$T_DIR/first-refusal" "import --renew" "the first refusal names the renewal as the next step"
t_grep "$T_DIR/first-refusal" "hsm-onboard ticket" "the first refusal names the support ticket"
t_run 0 "status still works" "$HSMO" --profile beta status

# ---- --retry-refused: needs a confirmation, then sends it exactly once more ----
t_run 64 "--retry-refused off a terminal without --yes" C connect --retry-refused
t_grep "$T_ERR" "--yes" "the refusal says how to confirm"
t_run 64 "verify does not take --retry-refused" C verify --retry-refused
[ "$(logins)" -eq 1 ] || t_fail "an unconfirmed --retry-refused sent a login"
t_run 77 "connect --retry-refused --yes" C --yes connect --retry-refused
[ "$(logins)" -eq 2 ] || t_fail "--retry-refused sent $(logins) C_Login calls in all, expected 2"
t_ok "--retry-refused sent exactly one more C_Login"
t_run 77 "connect after the retry" C --yes connect
[ "$(logins)" -eq 2 ] || t_fail "the refusal after the retry was not recorded"
t_ok "the second refusal is recorded too"
pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label BETAUSER --login --pin "$REAL_PW" --list-objects >/dev/null 2>&1 \
	|| t_fail "the real setup password no longer opens the token"
t_ok "pkcs11-tool: the token still opens with the real setup password (not locked)"

# ---- the renewed setup password clears the refusal ----
RENEWED="$T_DIR/creds/beta_hsm_hsm_BETAUSER_20261125.txt"
printf 'HSM User Name: BETAUSER\nHSM User Setup Password: %s\nPKCS#11 password : %s\n' "$REAL_PW" "$T_PKCS11_PW" > "$RENEWED"
chmod 600 "$RENEWED"
t_run 0 "import the renewed setup password" C --kdf-ms 20 import --tier ECO --renew "$RENEWED"
state beta > "$T_DIR/st"
t_grep "$T_DIR/st" '"setup_refused": null' "the renewal clears the refusal"
t_run 0 "connect after the renewal" C --yes connect
t_grep "$T_OUT" "Connected (engine pkcs11)" "the renewed setup password was exchanged"
[ "$(logins)" -ge 3 ] || t_fail "the renewed setup password was not sent"
t_ok "the renewed setup password was sent"

t_scan_leaks
t_done
