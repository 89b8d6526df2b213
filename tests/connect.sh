#!/bin/sh
# connect.sh: the first connection and rotation with the pkcs11 engine against a real SoftHSM2 token,
# checked with our own verify and with OpenSC's pkcs11-tool as an independent client; the wrong
# setup password; broken module paths; a token that is not there; no secret in any output or file.
. "$top_srcdir/tests/lib.sh"

t_need_softhsm
t_need_pkcs11_tool

t_softhsm_private
t_passphrase

# p11 LABEL PIN ARGS...: pkcs11-tool on the token (the PIN in its argv is this test's own, independent check).
p11() { label=$1 pin=$2; shift 2; pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label "$label" --login --pin "$pin" "$@"; }
state() { cat "$XDG_STATE_HOME/hsm-onboard/$1/state.json"; }

# ---- Happy path ----
t_make_credfiles "$T_DIR/creds" acme hsm ACMEUSER 20261120 pkcs11
t_softhsm_token ACMEUSER
t_import acme "$PASS" --tier SBX

t_run 64 "connect off a terminal without --yes refuses" t_hsmo --profile acme connect --engine pkcs11 --module "$SOFTHSM2_MODULE"
t_grep "$T_ERR" "--yes" "the refusal says how to confirm"
state acme > "$T_DIR/st"
t_grep "$T_DIR/st" '"first_use": null' "a refused connect records no first use"
p11 ACMEUSER "$T_SETUP_PW" --list-objects >/dev/null 2>&1 || t_fail "the setup password no longer opens the token after a refused connect"
t_ok "a refused connect sends nothing"

t_run 0 "connect --yes" t_hsmo --profile acme --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE"
t_grep "$T_OUT" "Connected (engine pkcs11)" "connect reports the rotation"
t_grep "$T_OUT" "config --output" "connect names the next step"
state acme > "$T_DIR/st"
t_grep "$T_DIR/st" '"rotation": "verified"' "state: rotation verified"
t_grep "$T_DIR/st" '"kind": "first-use"' "state: first-use event"
t_grep "$T_DIR/st" '"kind": "rotated"' "state: rotated event"
t_grep "$T_DIR/st" '"engine": "pkcs11"' "state: engine remembered"
t_nogrep "$T_DIR/st" '"first_use": null' "state: first use recorded"
if p11 ACMEUSER "$T_SETUP_PW" --list-objects >/dev/null 2>&1; then t_fail "the setup password still opens the token"; fi
t_ok "pkcs11-tool: the setup password no longer opens the token"

t_run 0 "verify with the stored secret" t_hsmo --profile acme verify
t_grep "$T_OUT" "opens the partition" "verify reports success"

# Without --output: the profile's configuration folder under XDG_CONFIG_HOME, never the state.
t_run 0 "config without --output" t_hsmo --profile acme config
DEF="$XDG_CONFIG_HOME/hsm-onboard/acme"
[ -f "$DEF/pkcs11.pin" ] && [ -f "$DEF/pkcs11.uri" ] || t_fail "config without --output did not write into $DEF"
[ "$(stat -c %a "$DEF/pkcs11.pin")" = 600 ] || t_fail "$DEF/pkcs11.pin mode is $(stat -c %a "$DEF/pkcs11.pin")"
[ -z "$(find "$XDG_STATE_HOME" -name 'pkcs11.*')" ] || t_fail "config wrote provider files into the state directory"
t_grep "$T_OUT" "$DEF/pkcs11.pin" "config prints the default folder's PIN file"
t_ok "config defaults to XDG_CONFIG_HOME/hsm-onboard/PROFILE, outside the state directory"
# The PIN file is a copy of the secret on purpose (0600, named so): out of the leak scan's way.
rm -rf "$DEF"

CFG="$T_DIR/appconfig"
t_run 0 "config --output" t_hsmo --profile acme config --output "$CFG"
[ -f "$CFG/pkcs11.pin" ] && [ -f "$CFG/pkcs11.uri" ] || t_fail "config did not write pkcs11.pin and pkcs11.uri"
[ "$(stat -c %a "$CFG/pkcs11.pin")" = 600 ] || t_fail "pkcs11.pin mode is $(stat -c %a "$CFG/pkcs11.pin")"
t_ok "pin file is mode 0600"
t_grep "$T_OUT" "$CFG/pkcs11.uri" "config prints the URI path"
t_grep "$CFG/pkcs11.uri" "pkcs11:token=ACMEUSER;" "URI names the token"
t_grep "$CFG/pkcs11.uri" "module-path=$SOFTHSM2_MODULE" "URI has module-path"
t_grep "$CFG/pkcs11.uri" "pin-source=$CFG/pkcs11.pin" "URI has pin-source as a plain absolute path (p11tool ignores file:)"
USER_SECRET=$(cat "$CFG/pkcs11.pin")
[ "${#USER_SECRET}" -eq 31 ] || t_fail "the user secret has ${#USER_SECRET} characters, expected 31 (libp11 keeps 31)"
t_secret "$USER_SECRET"
t_nogrep "$T_OUT" "$USER_SECRET" "config does not print the secret"
p11 ACMEUSER "$USER_SECRET" --list-objects >/dev/null 2>&1 || t_fail "pkcs11-tool cannot log in with the pin-source file"
t_ok "pkcs11-tool: the pin-source file opens the token"
t_run 0 "config again without --output" t_hsmo --profile acme config
t_grep "$T_OUT" "$CFG/pkcs11.uri" "without --output, config writes into the folder written last"
state acme > "$T_DIR/st"
t_grep "$T_DIR/st" '"rotation": "configured"' "state: configured"

t_run 0 "connect on a done profile" t_hsmo --profile acme connect
t_grep "$T_OUT" "already connected" "a done profile says so"

# ---- Wrong setup password: nothing rotated, clear error, state says what happened ----
t_make_credfiles "$T_DIR/creds2" beta hsm BETAUSER 20261120 pkcs11
REAL_PW=$(t_setup_password)
t_secret "$REAL_PW"
t_softhsm_token BETAUSER "$REAL_PW"
t_import beta "$PASS" --tier ECO
t_run 77 "connect with a wrong setup password" t_hsmo --profile beta --yes connect --engine pkcs11 \
	--module "$SOFTHSM2_MODULE"
t_grep "$T_ERR" "rejected the setup password" "the error says the setup password was rejected"
t_grep "$T_ERR" "lock" "the error warns about the lock-out"
state beta > "$T_DIR/st"
t_grep "$T_DIR/st" '"code": "CKR_PIN_INCORRECT"' "state records CKR_PIN_INCORRECT"
t_nogrep "$T_DIR/st" '"rotation": "promoted"' "state: not promoted"
p11 BETAUSER "$REAL_PW" --list-objects >/dev/null 2>&1 || t_fail "the real setup password no longer opens the token"
t_ok "nothing was rotated: the real setup password still opens the token"
t_run 77 "connect again with the same wrong setup password" t_hsmo --profile beta --yes connect
t_nogrep "$T_ERR" "did not open the token either" "the refused new secret is not probed again (no extra wrong attempt)"
t_grep "$T_ERR" "not sent again" "the second connect says the refused setup password is not sent again"
state beta > "$T_DIR/st"
[ "$(grep -c '"kind": "setup-rejected"' "$T_DIR/st")" -eq 1 ] || t_fail "the second connect sent the refused setup password again"
t_ok "state records the one refusal; the second connect sent nothing"
# The renewal ticket brings the right setup password; the same PENDING is then sent.
RENEWED="$T_DIR/creds2/beta_hsm_hsm_BETAUSER_20261125.txt"
printf 'HSM User Name: BETAUSER\nHSM User Setup Password: %s\nPKCS#11 password : %s\n' "$REAL_PW" "$T_PKCS11_PW" > "$RENEWED"
chmod 600 "$RENEWED"
t_hsmo --profile beta import --tier ECO --renew "$RENEWED" >>"$T_DIR/all-output" 2>&1
t_run 0 "connect after the renewal" t_hsmo --profile beta --yes connect
if p11 BETAUSER "$REAL_PW" --list-objects >/dev/null 2>&1; then t_fail "the renewed setup password still opens the token"; fi
t_ok "after the renewal the setup password was replaced"
t_run 0 "verify after the renewal" t_hsmo --profile beta verify

# ---- An expired countdown is reported, and the HSM decides ----
t_make_credfiles "$T_DIR/creds4" delta hsm DELTAUSER 20260101 pkcs11
t_softhsm_token DELTAUSER
t_import delta "$PASS" --tier ECO-CC --issued 2026-01-01
t_run 0 "connect with an expired countdown and --yes" t_hsmo --profile delta --yes connect \
	--engine pkcs11 --module "$SOFTHSM2_MODULE"
t_grep "$T_ERR" "countdown says the setup password has expired" "the expired countdown is reported"
t_grep "$T_OUT" "Connected (engine pkcs11)" "the HSM decided: the exchange went through"

# ---- Broken module paths and a token that is not there ----
t_make_credfiles "$T_DIR/creds3" gamma hsm GAMMAUSER 20261120 pkcs11
t_import gamma "$PASS" --tier SBX
t_run 69 "missing module" t_hsmo --profile gamma --yes connect --engine pkcs11 --module "$T_DIR/nope/libnothing.so"
t_grep "$T_ERR" "$T_DIR/nope/libnothing.so" "the error names the module path"
t_grep "$T_ERR" "--module" "the error says what to check"
state gamma > "$T_DIR/st"
t_grep "$T_DIR/st" '"code": "MODULE_LOAD"' "state records MODULE_LOAD"
t_grep "$T_DIR/st" '"first_use": null' "no first use recorded when the module is missing"
echo "not a library" > "$T_DIR/broken.so"
t_run 69 "broken module" t_hsmo --profile gamma --yes connect --engine pkcs11 --module "$T_DIR/broken.so"
t_grep "$T_ERR" "failed to load" "the error says the module failed to load"
t_run 69 "token not present" t_hsmo --profile gamma --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE"
t_grep "$T_ERR" "no token labelled 'GAMMAUSER'" "the error names the missing token"
t_grep "$T_ERR" "'ACMEUSER'" "the error lists the tokens present"
t_run 69 "empty slot" t_hsmo --profile gamma --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE" --slot 4242
t_grep "$T_ERR" "slot 4242" "the error names the slot"
state gamma > "$T_DIR/st"
t_grep "$T_DIR/st" '"first_use": null' "no first use recorded when the token is missing"

t_scan_leaks
t_done
