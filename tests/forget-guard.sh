#!/bin/bash
# tests/forget-guard.sh: `forget` never deletes the only copy of a user secret by a plain --yes. Once
# the rotation has started (PENDING after a crash, or CURRENT after connect), forget refuses (77),
# says why and how to keep the secret (config --output DIR), and keeps every file; only
# --discard-user-secret with --yes (off a terminal) deletes. Judged with pkcs11-tool: the kept secret
# still opens the SoftHSM2 token.
. "$top_srcdir/tests/lib.sh"

t_need_softhsm
t_need_pkcs11_tool
t_need_python3
t_softhsm_private
t_passphrase "forget guard pass $(t_rand_alnum 10)"
T_SCAN_EXCLUDE="$T_DIR/creds"
S="$XDG_STATE_HOME/hsm-onboard"

# ---- a connected profile: the vault holds the only copy of the user secret ----
t_make_credfiles "$T_DIR/creds" acme hsm ACMEUSER 20261120 pkcs11
t_softhsm_token ACMEUSER
t_run 0 "import" t_hsmo --profile acme import --tier SBX "$T_SERVICE_FILE" "$T_HSM_FILE"
t_run 0 "connect" t_hsmo --profile acme --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE"
t_run 77 "forget --yes refuses a rotated profile" "$HSMO" --profile acme forget --yes
t_grep "$T_ERR" "only copy of the user secret" "the refusal says why"
t_grep "$T_ERR" "config --output DIR" "the refusal says how to keep the secret"
t_grep "$T_ERR" "--discard-user-secret" "the refusal names the explicit discard"
[ -f "$S/acme/vault" ] && [ -f "$S/acme/state.json" ] || t_fail "the refused forget removed a file"
t_ok "every file of the profile is kept"
t_run 77 "forget without --yes refuses too" "$HSMO" --profile acme forget
t_run 0 "config --output keeps the secret" t_hsmo --profile acme config --output "$T_DIR/cfg"
SECRET=$(cat "$T_DIR/cfg/pkcs11.pin")
t_secret "$SECRET"
pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label ACMEUSER --login --pin "$SECRET" --list-objects >/dev/null 2>&1 \
	|| t_fail "the kept user secret does not open the token"
t_ok "pkcs11-tool: the kept user secret opens the token"
t_run 77 "forget --yes still refuses after config" "$HSMO" --profile acme forget --yes
t_run 64 "--discard-user-secret off a terminal needs --yes" "$HSMO" --profile acme forget --discard-user-secret
[ -d "$S/acme" ] || t_fail "forget without confirmation deleted the profile"
t_run 0 "forget --discard-user-secret --yes deletes" "$HSMO" --profile acme forget --discard-user-secret --yes
[ ! -e "$S/acme" ] || t_fail "forget --discard-user-secret left the profile"
t_ok "the profile is gone"

# ---- a rotation stopped after PENDING was saved: PENDING is at stake as well ----
t_make_credfiles "$T_DIR/creds2" beta hsm BETAUSER 20261120 pkcs11
t_softhsm_token BETAUSER
t_run 0 "import beta" t_hsmo --profile beta import --tier SBX "$T_SERVICE_FILE" "$T_HSM_FILE"
# The crash needs a failpoints build (the sanitize build of quickstart.sh test is one); a release build
# proves the rest with a plain connect.
if "$HSMO" --list-failpoints >/dev/null 2>&1; then
	set +e
	HSM_ONBOARD_FAILPOINT=rotate.after-change t_hsmo --profile beta --yes connect --engine pkcs11 \
		--module "$SOFTHSM2_MODULE" >>"$T_DIR/all-output" 2>&1
	set -e
	python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["rotation"] == "pending"' "$S/beta/state.json" \
		|| t_fail "the crash did not leave the rotation pending"
	t_ok "a crash right after the change left the rotation pending"
	t_run 77 "forget --yes refuses a pending rotation" "$HSMO" --profile beta forget --yes
	t_grep "$T_ERR" "pending" "the refusal names the rotation's state"
	t_grep "$T_ERR" "connect" "the refusal says to finish the connection first"
	t_run 0 "connect resumes" t_hsmo --profile beta --yes connect
else
	t_run 0 "connect beta" t_hsmo --profile beta --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE"
fi
t_run 77 "forget --yes refuses the resumed profile" "$HSMO" --profile beta forget --yes

# ---- on a terminal, --yes is not enough: the profile name is typed ----
rc=$(t_on_tty "Type the profile name" wrong "$HSMO" --profile beta forget --discard-user-secret --yes)
[ "$rc" -eq 0 ] && [ -f "$XDG_STATE_HOME/hsm-onboard/beta/vault" ] || t_fail "a wrong typed name deleted the profile (exit $rc)"
t_ok "on a terminal, --yes with a wrong typed name keeps the profile"
rc=$(t_on_tty "Type the profile name" beta "$HSMO" --profile beta forget --discard-user-secret --yes)
[ "$rc" -eq 0 ] && [ ! -e "$XDG_STATE_HOME/hsm-onboard/beta" ] || t_fail "the typed profile name did not delete the profile (exit $rc)"
t_ok "on a terminal, the typed profile name deletes it"

# ---- a profile that was only imported is forgotten as before ----
t_make_credfiles "$T_DIR/creds3" gamma hsm GAMMAUSER 20261120 pkcs11
t_run 0 "import gamma" t_hsmo --profile gamma import --tier SBX "$T_SERVICE_FILE" "$T_HSM_FILE"
# Downloads of gamma's HSM user that were never imported (a failed fetch keeps them) go with it.
mkdir -p "$S/.downloads" && chmod 700 "$S/.downloads"
cp "$T_HSM_FILE" "$S/.downloads/acme_hsm_hsm_GAMMAUSER_20261120.txt"
cp "$T_SERVICE_FILE" "$S/.downloads/acme_hsm_service_GAMMAUSER_20261120.txt.part"
echo "not gamma's" > "$S/.downloads/acme_hsm_hsm_OTHERUSER_20261120.txt"
t_run 0 "forget --yes on a profile never connected" "$HSMO" --profile gamma forget --yes
[ ! -e "$S/gamma" ] || t_fail "forget left the profile"
t_ok "a profile without a rotation is deleted by --yes"
[ ! -e "$S/.downloads/acme_hsm_hsm_GAMMAUSER_20261120.txt" ] && [ ! -e "$S/.downloads/acme_hsm_service_GAMMAUSER_20261120.txt.part" ] \
	|| { ls -la "$S/.downloads" >&2; t_fail "forget left the profile's downloads"; }
[ -f "$S/.downloads/acme_hsm_hsm_OTHERUSER_20261120.txt" ] || t_fail "forget removed another user's download"
t_grep "$T_OUT" "overwritten and deleted: 2" "forget says it removed the two downloads"
t_ok "forget shredded the profile's downloads and .part files, and nothing else"

t_scan_leaks
t_done
