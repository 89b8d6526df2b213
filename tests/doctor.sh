#!/bin/sh
# doctor.sh: the readiness checks before the point of no return (doc/DESIGN.md, "Readiness").
#
# Checks: `doctor` text and --json against hsm-onboard-ppin-sim; a provider 1.7.9 is refused, naming
# 1.8.1, by `doctor` and by `connect` before anything is recorded (first_use null, rotation none, no
# ppin -p/-a, no secret typed) and sent; 1.8.3 is a warning that names /etc/primus; --primus-home's
# templates are found and the work folder's .secrets.cfg is seeded from the template; a ppin planted
# on PATH in a folder others can write gets nothing, and a relative PATH entry is skipped; no leaks.
. "$top_srcdir/tests/lib.sh"

t_need_softhsm
t_need_python3
t_ppin_sim
t_passphrase
STATE="$XDG_STATE_HOME/hsm-onboard/DOCUSER/state.json"
# t_re FILE ERE NAME: like t_grep, with an extended regular expression.
t_re() {
	grep -qE -- "$2" "$1" || { echo "--- $1" >&2; cat "$1" >&2; t_fail "$3: '$2' not found"; }
	t_ok "$3"
}
run_connect() {
	t_hsmo --profile DOCUSER --yes connect --module "$SOFTHSM2_MODULE" \
		--endpoint hsm-a.example.test "$@"
}

# ---- doctor on its own ----
t_run 0 "doctor with the simulator (2.2.4)" "$HSMO" doctor --ppin "$SIM" --module "$SOFTHSM2_MODULE"
t_re "$T_OUT" "^ok .*version .*Primus provider 2.2.4" "doctor names the version ppin -v gave"
t_re "$T_OUT" "^Ready" "doctor says the machine is ready"
t_run 0 "doctor --json" "$HSMO" --json doctor --ppin "$SIM" --module "$SOFTHSM2_MODULE"
t_json 'j["ready"] is True and j["version"] == "2.2.4" and {c["id"] for c in j["checks"]} >= {"ppin", "version", "library", "group", "templates", "clock"}' 

echo 1.7.9 > "$HSM_ONBOARD_PPIN_SIM_DIR/version"
t_run 69 "doctor refuses provider 1.7.9" "$HSMO" doctor --ppin "$SIM" --module "$SOFTHSM2_MODULE"
t_re "$T_OUT" "REFUSED .*version .*1.7.9.*1.8.1 or later is needed" "doctor names 1.8.1"
echo 1.8.3 > "$HSM_ONBOARD_PPIN_SIM_DIR/version"
t_run 0 "doctor warns about provider 1.8.3" "$HSMO" doctor --ppin "$SIM" --module "$SOFTHSM2_MODULE"
t_re "$T_OUT" "^warning .*version .*reads its files only from /etc/primus" "1.8.3: only /etc/primus, a warning"

HOME_P="$T_DIR/primus-home"
mkdir -p "$HOME_P/etc"
t_run 0 "doctor without templates" "$HSMO" doctor --ppin "$SIM" --module "$SOFTHSM2_MODULE" --primus-home "$HOME_P"
t_re "$T_OUT" "^warning .*templates .*$HOME_P/etc/primus.cfg" "missing templates are a warning"
printf '# the installer template\n' > "$HOME_P/etc/.secrets.cfg"
printf 'version = "1.0";\n' > "$HOME_P/etc/primus.cfg"
t_run 0 "doctor with templates" "$HSMO" doctor --ppin "$SIM" --module "$SOFTHSM2_MODULE" --primus-home "$HOME_P"
t_re "$T_OUT" "^ok .*templates .*the work folder is seeded" "the templates are found"

# ---- connect runs it first: 1.7.9 refused before anything is recorded or sent ----
t_make_credfiles "$T_DIR/creds" acme hsm DOCUSER 20261120 pkcs11
t_import DOCUSER "$PASS" --tier SBX
t_softhsm_token DOCUSER
echo 1.7.9 > "$HSM_ONBOARD_PPIN_SIM_DIR/version"
t_run 69 "connect with provider 1.7.9" run_connect --ppin "$SIM"
t_re "$T_ERR" "nothing was sent: .*1.7.9.*1.8.1 or later is needed" "connect refuses, naming 1.8.1"
t_grep "$STATE" '"first_use": null' "first_use stays null"
t_grep "$STATE" '"rotation": "none"' "the rotation did not start"
t_nogrep "$STATE" '"change-sent"' "no change was noted as sent"
if grep -qE -- "-p.-e|-a.-e|^TTY:" "$calls"; then t_fail "ppin -p or -a ran after the refusal"; fi
t_ok "ppin -p/-a never ran, nothing was typed"
[ ! -e "$XDG_STATE_HOME/hsm-onboard/DOCUSER/vault.tmp" ] || t_fail "a vault write was left"

# The work folder's secrets file is seeded from the template (ppin needs it to exist, 0x80005004).
echo 2.2.4 > "$HSM_ONBOARD_PPIN_SIM_DIR/version"
: > "$HSM_ONBOARD_PPIN_SIM_DIR/network-down"
t_run 69 "connect with the network down" run_connect --ppin "$SIM" --primus-home "$HOME_P"
cmp -s "$XDG_STATE_HOME/hsm-onboard/DOCUSER/primus/.secrets.cfg" "$HOME_P/etc/.secrets.cfg" ||
	t_fail "the work folder's .secrets.cfg is not the template"
t_ok "the work folder's .secrets.cfg was seeded from PRIMUS_HOME/etc"
t_grep "$STATE" '"first_use": null' "failing at ppin -p still leaves first_use null"
rm -f "$HSM_ONBOARD_PPIN_SIM_DIR/network-down"

# ---- a ppin planted on PATH gets nothing ----
EVIL="$T_DIR/shared-bin"
mkdir -p "$EVIL"
cat > "$EVIL/ppin" <<EOF
#!/bin/sh
: > "$T_DIR/planted-ran"
cat > "$T_DIR/planted-got" 2>/dev/null
EOF
chmod 755 "$EVIL/ppin"
chmod 777 "$EVIL"
t_make_credfiles "$T_DIR/creds2" acme hsm EVILUSER 20261120 pkcs11
t_import EVILUSER "$PASS" --tier SBX
PATH="$EVIL:$PATH" t_run 77 "connect with a ppin planted in a folder others can write" \
	t_hsmo --profile EVILUSER --yes connect --module "$SOFTHSM2_MODULE" \
	--endpoint hsm-a.example.test
t_grep "$T_ERR" "ppin was found on PATH, but $EVIL is writable by other users" "the planted ppin is refused, and why"
t_grep "$XDG_STATE_HOME/hsm-onboard/EVILUSER/state.json" '"first_use": null' "nothing was recorded"
[ ! -e "$T_DIR/planted-ran" ] || t_fail "the planted ppin ran"
t_ok "the planted ppin never ran"
chmod 755 "$EVIL"
chmod 777 "$EVIL/ppin"
PATH="$EVIL:$PATH" t_run 69 "doctor with a world-writable ppin on PATH" "$HSMO" doctor
t_grep "$T_OUT" "is writable by other users" "doctor refuses a world-writable ppin on PATH"
# A relative PATH entry names whatever folder we run in: skipped.
chmod 755 "$EVIL/ppin"
(cd "$T_DIR" && PATH="shared-bin:$PATH" "$HSMO" doctor > "$T_DIR/rel.out" 2>&1) && t_fail "doctor used a relative PATH entry"
t_grep "$T_DIR/rel.out" "found neither in /usr/local/primus/bin nor in PATH" "a relative PATH entry is skipped"
[ ! -e "$T_DIR/planted-ran" ] || t_fail "the planted ppin ran"

# And given explicitly it is the user's choice.
t_run 0 "connect with --ppin once the simulator is trusted" run_connect --ppin "$SIM"
t_nogrep "$STATE" '"first_use": null' "the connect that sent the setup password recorded the first use"

t_scan_leaks
t_done
