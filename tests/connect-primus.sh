#!/bin/sh
# connect-primus.sh: the whole primus flow against hsm-onboard-ppin-sim over a SoftHSM2 token.
#
# NOTE: the real ppin and libprimusP11 are Securosys' proprietary tools and cannot run here. The
# simulator implements the documented ppin (command line, prompts, -l listing, error codes; it reads
# primus.cfg with libconfig and refuses any layout but the documented one) over a SoftHSM2 token whose
# user PIN is the setup password until ppin -a makes it the PKCS#11 password, as on a partition.
#
# Checks: primus is the default engine; ppin -p, -a, -t run as steps; the simulator got the proxy
# password, then the setup password, then the PKCS#11 password from its terminal (/dev/tty: the
# simulator never reads stdin, so only the pty path works), never in argv or the
# environment; primus.cfg is in the documented layout (and another layout is refused); .secrets.cfg
# and primus.cfg are in the vault and `restore` writes them back (0600, or 0640 with --group);
# `verify` logs in with the PKCS#11 password (seen by OpenSC's pkcs11-spy); pkcs11-tool opens the
# token with the PKCS#11 password, not with the setup password; resume through ppin -l after crashes
# right after ppin -a and right after the files were kept; 0x80005002 from ppin -a (configuration
# already exists) is success when ppin -l lists the secret Configured, and a stop that is not a refusal
# when it does not; ppin -u is never used; the error codes' next steps; no leaks.
. "$top_srcdir/tests/lib.sh"

t_need_softhsm
t_need_pkcs11_tool
t_need_python3
t_need_tool setsid util-linux
SPY=
for f in /usr/lib/*/pkcs11-spy.so /usr/lib/pkcs11-spy.so /usr/lib/*/pkcs11/pkcs11-spy.so; do
	[ -f "$f" ] && { SPY=$f; break; }
done
[ -n "$SPY" ] || t_skip_missing opensc "OpenSC's pkcs11-spy.so not found"

SIM="$top_builddir/hsm-onboard-ppin-sim"
[ -x "$SIM" ] || t_fail "$SIM was not built"
t_softhsm_private
export HSM_ONBOARD_PPIN_SIM_DIR="$T_DIR/hsm" HSM_ONBOARD_PPIN_SIM_MODULE="$SOFTHSM2_MODULE"
export PKCS11SPY="$SOFTHSM2_MODULE" PKCS11SPY_OUTPUT="$T_DIR/spy.log"
mkdir -p "$HSM_ONBOARD_PPIN_SIM_DIR"
t_passphrase
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
calls="$HSM_ONBOARD_PPIN_SIM_DIR/calls.log"
p11_ok() { pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label "$1" -l -p "$2" -O >/dev/null 2>&1; }

# new_partition USER [pkcs11]: credential files for USER, imported into profile USER, and a fresh
# token labelled USER whose user PIN is the setup password; the simulator accepts the proxy password.
new_partition() { t_primus_partition "$1" "$PASS"; }
run_connect() {
	prof=$1
	shift
	t_hsmo --profile "$prof" --yes connect --ppin "$SIM" --module "$SPY" \
		--endpoint hsm-a.example.test --endpoint hsm-b.example.test "$@"
}
no_secret_in_calls() {
	[ -s "$calls" ] || t_fail "$1: the simulator recorded nothing"
	grep -q "^ARGV:.*hsm-onboard-ppin-sim" "$calls" || t_fail "$1: the simulator did not record its argv"
	grep -q "^ENV:.*HOME=" "$calls" || t_fail "$1: the simulator did not record its environment"
	if grep -qF -f "$T_SECRETS" "$calls"; then t_fail "$1: a secret was in ppin's argv or environment"; fi
	t_ok "$1: no secret in ppin's argv or environment ($(grep -c '^ARGV:' "$calls") calls recorded)"
}

# ---- The whole flow, with the default engine ----
new_partition PRIMUSER
t_run 0 "connect (default engine)" run_connect PRIMUSER
STATE="$XDG_STATE_HOME/hsm-onboard/PRIMUSER/state.json"
t_grep "$STATE" '"engine": "primus"' "primus is the default engine of a Securosys profile"
t_grep "$T_OUT" "Connected (engine primus)" "connect reports the exchange"
t_grep "$T_ERR" "Step 1 of 3: ppin -p -e svc-PRIMUSER" "step 1 shown: ppin -p -e SERVICE_USER"
t_grep "$T_ERR" "Step 2 of 3: ppin -a -e PRIMUSER" "step 2 shown: ppin -a -e HSM_USER"
t_grep "$T_ERR" "Step 3 of 3: ppin -t" "step 3 shown: ppin -t"
grep '^TTY:' "$calls" > "$T_DIR/stdin-order"
printf 'TTY: proxy-password sha256=%s echo=off\nTTY: setup-password sha256=%s echo=off\nTTY: pkcs11-password sha256=%s echo=off\n' \
	"$(sha "$T_SERVICE_PW")" "$(sha "$T_SETUP_PW")" "$(sha "$T_PKCS11_PW")" > "$T_DIR/stdin-want"
cmp -s "$T_DIR/stdin-order" "$T_DIR/stdin-want" || { diff "$T_DIR/stdin-want" "$T_DIR/stdin-order" >&2; t_fail "ppin's stdin order"; }
t_ok "ppin got the proxy password, then the setup password, then the PKCS#11 password, from /dev/tty"
t_nogrep "$calls" "UPDATE CALLED" "ppin -u was never used"
no_secret_in_calls "flow"
t_grep "$STATE" '"rotation": "verified"' "state: rotation verified"
t_grep "$STATE" '"kind": "files-kept"' "state: the provider files were kept"

# primus.cfg: the documented layout, every host its own hsmN; the simulator reads it with libconfig.
WORK="$XDG_STATE_HOME/hsm-onboard/PRIMUSER/primus"
# client_id is HSMUSER@hostname by default.
sed -e "s/@$(uname -n)\";/@HOST\";/" -e 's/PRIMUSER/USER/g' "$WORK/primus.cfg" > "$T_DIR/cfg-norm"
cmp -s "$T_DIR/cfg-norm" "$top_srcdir/tests/golden/primus.cfg" ||
	{ diff "$top_srcdir/tests/golden/primus.cfg" "$T_DIR/cfg-norm" >&2; t_fail "primus.cfg differs from tests/golden/primus.cfg"; }
t_ok "primus.cfg equals the golden file (version, primus group, hsm0 and hsm1, port as a string)"
"$SIM" -c "$WORK/primus.cfg" -s "$WORK/.secrets.cfg" -l > "$T_DIR/list" 2>&1 || t_fail "the simulator refused our primus.cfg"
[ "$(grep -c "user 'PRIMUSER' permanent secret: Configured" "$T_DIR/list")" -eq 2 ] || t_fail "ppin -l: not Configured on both hosts"
t_ok "ppin -l reads our primus.cfg: PRIMUSER Configured on both hosts"
cat > "$T_DIR/old.cfg" <<'EOF'
hsms : { hsm0 : { host = "hsm-a.example.test"; port = "2310"; slots : { slot0 : { client_id = "x"; user_name = "PRIMUSER"; id = 0; }; }; }; };
EOF
set +e; "$SIM" -c "$T_DIR/old.cfg" -s "$WORK/.secrets.cfg" -l > "$T_DIR/list" 2>&1; rc=$?; set -e
[ "$rc" -ne 0 ] && grep -q 0x80005005 "$T_DIR/list" || t_fail "the simulator accepted hsms outside the primus group"
sed -e 's/port = "2310"/port = 2310/' "$WORK/primus.cfg" > "$T_DIR/intport.cfg"
set +e; "$SIM" -c "$T_DIR/intport.cfg" -s "$WORK/.secrets.cfg" -l > "$T_DIR/list" 2>&1; rc=$?; set -e
[ "$rc" -ne 0 ] && grep -q "'port'" "$T_DIR/list" || t_fail "the simulator accepted an integer port"
t_ok "the simulator refuses other layouts (top-level hsms; an integer port) with 0x80005005"

# verify logged in through the module with the PKCS#11 password, never with the setup password.
# login_pins: the hex of every PIN given to C_Login in the spy's log, one run of digits.
login_pins() { grep -A8 'C_Login' "$T_DIR/spy.log" | grep -E '^    [0-9a-fA-F]{8}  ' | cut -c15-61 | tr -d ' \n' | tr A-F a-f; }
login_pins > "$T_DIR/pins"
[ -s "$T_DIR/pins" ] || t_fail "pkcs11-spy saw no C_Login"
grep -q "$(hex "$T_PKCS11_PW")" "$T_DIR/pins" || t_fail "no C_Login with the PKCS#11 password"
if grep -q "$(hex "$T_SETUP_PW")" "$T_DIR/pins"; then t_fail "the setup password was given to C_Login"; fi
grep -A6 'C_Login' "$T_DIR/spy.log" | grep -q 'CKR_OK' || t_fail "the C_Login did not return CKR_OK"
t_ok "connect's verify: C_Login(CKU_USER, PKCS#11 password) through the module returned CKR_OK (pkcs11-spy)"
: > "$T_DIR/spy.log"
t_run 0 "verify" t_hsmo --profile PRIMUSER verify
t_grep "$T_OUT" "PRIMUSER, serial" "verify names the token it opened"
login_pins | grep -q "$(hex "$T_PKCS11_PW")" ||
	t_fail "verify did not log in with the PKCS#11 password"
t_ok "verify: C_Login with the PKCS#11 password (pkcs11-spy)"
p11_ok PRIMUSER "$T_PKCS11_PW" || t_fail "pkcs11-tool -l -p <PKCS#11 password> -O does not open the token"
if p11_ok PRIMUSER "$T_SETUP_PW"; then t_fail "the setup password still opens the token"; fi
t_ok "pkcs11-tool opens the token with the PKCS#11 password, not with the setup password"

# The vault holds .secrets.cfg and primus.cfg; restore writes them back.
t_run 0 "secrets" t_hsmo --profile PRIMUSER secrets
t_grep "$T_OUT" "primus-secrets-cfg" "the vault lists primus-secrets-cfg"
t_run 0 "restore" t_hsmo --profile PRIMUSER restore --output "$T_DIR/restored"
cmp -s "$T_DIR/restored/.secrets.cfg" "$WORK/.secrets.cfg" || t_fail "restore: .secrets.cfg differs from ppin's"
cmp -s "$T_DIR/restored/primus.cfg" "$WORK/primus.cfg" || t_fail "restore: primus.cfg differs"
[ "$(stat -c %a "$T_DIR/restored/.secrets.cfg")" = 600 ] && [ "$(stat -c %a "$T_DIR/restored/primus.cfg")" = 600 ] ||
	t_fail "restore: the files are not owner-only"
t_ok "restore wrote ppin's .secrets.cfg and primus.cfg back, mode 0600"
GROUP=$(id -gn)
t_run 0 "restore --group" t_hsmo --profile PRIMUSER restore --output "$T_DIR/shared" --group "$GROUP"
[ "$(stat -c '%a %G' "$T_DIR/shared/.secrets.cfg")" = "640 $GROUP" ] || t_fail "restore --group: $(stat -c '%a %G' "$T_DIR/shared/.secrets.cfg")"
t_ok "restore --group: mode 0640, group $GROUP"
t_run 67 "restore --group unknown" t_hsmo --profile PRIMUSER restore --output "$T_DIR/x" --group no-such-group-here
t_run 0 "config --output --group" t_hsmo --profile PRIMUSER config --output "$T_DIR/pcfg" --group "$GROUP"
[ "$(stat -c '%a %G' "$T_DIR/pcfg/primus.cfg")" = "640 $GROUP" ] || t_fail "config --group: primus.cfg is $(stat -c '%a %G' "$T_DIR/pcfg/primus.cfg")"
t_grep "$T_OUT" "SECUROSYS_PKCS11_CONF=$T_DIR/pcfg/primus.cfg" "config says how to point the provider at the files"

# ---- Resume with ppin -l after a crash right after ppin -a, and right after the files were kept ----
if "$HSMO" --list-failpoints >/dev/null 2>&1; then
	for fp in rotate.after-change rotate.after-files-kept; do
		user=$(echo "R$fp" | tr -dc '[:alpha:]' | tr '[:lower:]' '[:upper:]' | cut -c1-20)
		new_partition "$user"
		t_killed_at "$fp" run_connect "$user"
		t_run 0 "$fp: re-run" run_connect "$user"
		[ "$(grep -c -- "-a -e $user" "$calls")" -eq 1 ] || t_fail "$fp: ppin -a ran again on resume"
		grep -q -- " -l" "$calls" || t_fail "$fp: the resume did not ask ppin -l"
		t_run 0 "$fp: restore" t_hsmo --profile "$user" restore --output "$T_DIR/r-$user"
		cmp -s "$T_DIR/r-$user/.secrets.cfg" "$XDG_STATE_HOME/hsm-onboard/$user/primus/.secrets.cfg" ||
			t_fail "$fp: the vault's .secrets.cfg differs"
		p11_ok "$user" "$T_PKCS11_PW" || t_fail "$fp: the PKCS#11 password does not open the token"
		t_ok "$fp: resumed through ppin -l (no second -a); .secrets.cfg in the vault; the token opens"
		t_nogrep "$calls" "UPDATE CALLED" "$fp: ppin -u was never used"
	done
fi

# ---- 0x80005002: ppin -a finds the HSM user already configured ----
# Someone ran the documented ppin -p and ppin -a by hand in the profile's folder before connect (the
# files were written for the same partition). connect's own ppin -a then answers 0x80005002
# ("HSM/User configuration already exists", doc/securosys-facts.md, section "Error codes"); the engine
# asks ppin -l, which uses no secret, finds the permanent secret Configured, and goes on: the files
# are kept in the vault and ppin -t and the PKCS#11 login verify. No second login with the setup
# password happens, and nothing is recorded as a refusal.
new_partition DUPUSER
DWORK="$XDG_STATE_HOME/hsm-onboard/DUPUSER/primus"
mkdir -p "$DWORK"
chmod 700 "$DWORK"
sed -e 's/USER/DUPUSER/g' "$top_srcdir/tests/golden/primus.cfg" > "$DWORK/primus.cfg"
printf '%s\n' "$T_SERVICE_PW" | t_tty_answers "proxy password" -- "$SIM" -c "$DWORK/primus.cfg" \
	-s "$DWORK/.secrets.cfg" -p -e svc-DUPUSER >/dev/null || t_fail "the hand-run ppin -p failed"
printf '%s\n%s\n' "$T_SETUP_PW" "$T_PKCS11_PW" | t_tty_answers "setup password" "PKCS11 password" -- \
	"$SIM" -c "$DWORK/primus.cfg" -s "$DWORK/.secrets.cfg" -a -e DUPUSER >/dev/null || t_fail "the hand-run ppin -a failed"
: > "$calls"
t_run 0 "connect after a hand-run ppin -a" run_connect DUPUSER
t_grep "$T_ERR" "Step 2 of 3: ppin -a -e DUPUSER" "connect ran ppin -a"
grep -- ' -a -e DUPUSER' "$calls" > /dev/null || t_fail "the simulator did not see connect's ppin -a"
# The simulator's answer to -a, as ppin prints it, seen through a direct call with the same files.
set +e
printf '%s\n%s\n' "$T_SETUP_PW" "$T_PKCS11_PW" | t_tty_answers "setup password" "PKCS11 password" -- \
	"$SIM" -c "$DWORK/primus.cfg" -s "$DWORK/.secrets.cfg" -a -e DUPUSER > "$T_DIR/dup-a" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "configuration already exists for 'DUPUSER' (0x80005002)" "$T_DIR/dup-a" ||
	t_fail "the simulator does not answer 0x80005002 for a configured user: $(cat "$T_DIR/dup-a")"
t_ok "ppin -a of a configured user answers 0x80005002"
# After the refused -a, connect asked ppin -l (ARGV lines are NUL-separated words joined by spaces).
grep '^ARGV:' "$calls" | sed -n '/ -a -e DUPUSER/,$p' | grep -q -- ' -l' ||
	t_fail "connect did not ask ppin -l after 0x80005002"
t_ok "after 0x80005002 connect asked ppin -l (no secret used)"
[ ! -e "$HSM_ONBOARD_PPIN_SIM_DIR/failures" ] || t_fail "a setup password was refused: $(cat "$HSM_ONBOARD_PPIN_SIM_DIR/failures")"
t_ok "the setup password was not tried against the token again (no failure counted)"
DSTATE="$XDG_STATE_HOME/hsm-onboard/DUPUSER/state.json"
t_grep "$DSTATE" '"rotation": "verified"' "0x80005002 with a Configured secret: rotation verified"
t_grep "$DSTATE" '"setup_refused": null' "0x80005002 is not recorded as a refusal"
t_grep "$DSTATE" '"kind": "files-kept"' "the hand-made .secrets.cfg was kept in the vault"
t_grep "$T_OUT" "Connected (engine primus)" "connect reports success"
p11_ok DUPUSER "$T_PKCS11_PW" || t_fail "0x80005002: the PKCS#11 password does not open the token"
t_run 0 "0x80005002: restore" t_hsmo --profile DUPUSER restore --output "$T_DIR/r-dup"
cmp -s "$T_DIR/r-dup/.secrets.cfg" "$DWORK/.secrets.cfg" || t_fail "0x80005002: the vault's .secrets.cfg differs"
t_ok "0x80005002: the vault holds the hand-made .secrets.cfg"

# The same code while ppin -l says MISSING (a configuration ppin cannot list) is no success: connect
# stops with the code's next step, and it is not a refusal of the setup password.
new_partition DUPMISS
touch "$HSM_ONBOARD_PPIN_SIM_DIR/config-exists"
t_run 78 "0x80005002 while ppin -l says MISSING" run_connect DUPMISS
rm -f "$HSM_ONBOARD_PPIN_SIM_DIR/config-exists"
t_grep "$T_ERR" "0x80005002" "the error names 0x80005002"
t_grep "$T_ERR" "already configured" "the error says what the code means"
t_grep "$T_ERR" "ppin -l" "the error names the next step"
t_grep "$XDG_STATE_HOME/hsm-onboard/DUPMISS/state.json" '"setup_refused": null' "not recorded as a refusal"
t_grep "$XDG_STATE_HOME/hsm-onboard/DUPMISS/state.json" '"code": "0x80005002"' "the state records 0x80005002"
t_nogrep "$calls" "UPDATE CALLED" "0x80005002: ppin -u was never used"

# ---- Errors: wrong setup password, expired, network, no ppin ----
new_partition ERRUSER
softhsm2-util --delete-token --token ERRUSER >/dev/null
t_softhsm_token ERRUSER "not-the-setup-password"
t_run 77 "wrong setup password" run_connect ERRUSER
t_grep "$T_ERR" "0x80005017" "the error names the code"
t_grep "$T_ERR" "refused the setup password" "the error says what happened"
t_grep "$T_ERR" "lock" "the error warns about the lock-out"
t_grep "$XDG_STATE_HOME/hsm-onboard/ERRUSER/state.json" '"code": "0x80005017"' "state records 0x80005017"
[ "$(cat "$HSM_ONBOARD_PPIN_SIM_DIR/failures")" -eq 1 ] || t_fail "the setup password was tried more than once"
t_ok "the setup password was tried exactly once"
t_nogrep "$calls" "UPDATE CALLED" "no ppin -u after a failure"
# The refusal is recorded: a re-run sends nothing and says what comes next.
t_run 77 "connect again after the refusal" run_connect ERRUSER
t_grep "$T_ERR" "not sent again" "the re-run says the refused setup password is not sent again"
t_grep "$T_ERR" "0x80005017, engine primus" "the re-run names the code and the engine"
[ "$(cat "$HSM_ONBOARD_PPIN_SIM_DIR/failures")" -eq 1 ] || t_fail "the re-run sent the refused setup password"
t_ok "the re-run did not run ppin -a"

# Each case below is an explicit, confirmed retry (--retry-refused --yes).
rm -f "$HSM_ONBOARD_PPIN_SIM_DIR/failures"
touch "$HSM_ONBOARD_PPIN_SIM_DIR/expired"
t_run 77 "expired setup password" run_connect ERRUSER --retry-refused
t_grep "$T_ERR" "0x80005018" "the error names 0x80005018"
t_grep "$T_ERR" "hsm-onboard ticket" "the error points to the ticket"
t_grep "$T_ERR" "support.securosys.com" "the error names the support portal"

rm -f "$HSM_ONBOARD_PPIN_SIM_DIR/expired"
touch "$HSM_ONBOARD_PPIN_SIM_DIR/network-down"
t_run 69 "network unreachable" run_connect ERRUSER --retry-refused
t_grep "$XDG_STATE_HOME/hsm-onboard/ERRUSER/state.json" '"setup_refused": null' "a network error is not recorded as a refusal"
t_grep "$T_ERR" "0x80005015" "the error names 0x80005015"
t_grep "$T_ERR" "status.cloudshsm.com" "the error points to the status page"
t_grep "$T_ERR" "IP allow-list (set through the Service Order Form or by support)" "the error says how the allow-list is set"
rm -f "$HSM_ONBOARD_PPIN_SIM_DIR/network-down"
no_secret_in_calls "errors"

t_run 69 "ppin missing" t_hsmo --profile ERRUSER --yes connect --engine primus \
	--ppin "$T_DIR/no/ppin" --endpoint hsm-a.example.test
t_grep "$T_ERR" "--ppin" "the error says how to give ppin"

# ---- ppin on a terminal (doc/DESIGN.md, "Driving ppin") ----
# The simulator reads its secrets from /dev/tty, as ppin's no-echo prompts do: without a controlling
# terminal, a pipe gets nowhere. So the flow above went through the pty.
PWORK="$XDG_STATE_HOME/hsm-onboard/PRIMUSER/primus"
rm -rf "$T_DIR/pipe.secrets"
if printf 'x\n' | setsid -w "$SIM" -c "$PWORK/primus.cfg" -s "$T_DIR/pipe.secrets" -p -e svc-PRIMUSER > "$T_DIR/pipe.out" 2>&1; then
	t_fail "the simulator took a secret from a pipe"
fi
t_grep "$T_DIR/pipe.out" "no terminal to read the proxy-password" "a pipe does not reach the simulator: it reads /dev/tty only"
# A tool that turns echo on: the secret still never comes back, echo is off when each answer goes.
new_partition ECHOUSER
: > "$HSM_ONBOARD_PPIN_SIM_DIR/echo-on"
t_run 0 "connect with a ppin that turns echo on" run_connect ECHOUSER
[ "$(grep -c '^TTY: .* echo=off$' "$calls")" = 3 ] || { cat "$calls" >&2; t_fail "an answer went with echo on"; }
t_ok "echo-on: echo was off for each of the 3 answers"
# An unexpected prompt: stopped before anything secret is sent, the text shown quoted.
new_partition ODDUSER
: > "$HSM_ONBOARD_PPIN_SIM_DIR/odd-prompt"
t_run 76 "connect stops at an unexpected ppin prompt" run_connect ODDUSER
t_grep "$T_ERR" "ppin -a asked \"Provide new device PIN for 'ODDUSER':\", which is not in its documented" \
	"the unexpected prompt is shown, quoted"
t_grep "$T_ERR" "0 of 2 answers sent" "nothing was answered at ppin -a"
t_nogrep "$calls" "TTY: setup-password" "the setup password was not sent after the odd prompt"
t_nogrep "$calls" "TTY: odd" "no answer was given to the odd prompt"
rm -f "$HSM_ONBOARD_PPIN_SIM_DIR/odd-prompt"

# The first use is recorded immediately before ppin -a (doc/DESIGN.md, "Steps"): a connect that fails
# earlier, here at ppin -p with the network down, leaves the countdown untouched.
new_partition NETUSER
: > "$HSM_ONBOARD_PPIN_SIM_DIR/network-down"
t_run 69 "connect failing at ppin -p" run_connect NETUSER
t_grep "$XDG_STATE_HOME/hsm-onboard/NETUSER/state.json" '"first_use": null' "a connect that failed before ppin -a leaves first_use null"
t_nogrep "$XDG_STATE_HOME/hsm-onboard/NETUSER/state.json" '"kind": "first-use"' "and records no first-use event"
rm -f "$HSM_ONBOARD_PPIN_SIM_DIR/network-down"
t_run 0 "connect once the network is back" run_connect NETUSER
t_nogrep "$XDG_STATE_HOME/hsm-onboard/NETUSER/state.json" '"first_use": null' "the first use is recorded by the connect that sent the setup password"

# ---- A renewal over an existing entry goes through ppin -u (doc/DESIGN.md, "Renewal") ----
# Support reset the partition: the token's user PIN is the new setup password, .secrets.cfg still
# lists the user (a stale entry). After import --renew, connect updates it with ppin -u and the new
# setup password, never -a (which would answer 0x80005002 and keep the stale entry).
new_partition RENUSER
t_run 0 "connect RENUSER" run_connect RENUSER
REN_P11=$T_PKCS11_PW
renew() { # renew NEW_SETUP: support resets the token's user PIN; the renewed file is imported
	pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label RENUSER --login --login-type so --so-pin "$T_SO_PIN" \
		--init-pin --new-pin "$1" >/dev/null 2>&1 || t_fail "cannot reset the token's user PIN"
	printf 'HSM User Name: RENUSER\nHSM User Setup Password: %s\nPKCS#11 password : %s\n' "$1" "$REN_P11" > "$RENEWED"
	chmod 600 "$RENEWED"
	t_hsmo --profile RENUSER import --renew "$RENEWED" >>"$T_DIR/all-output" 2>&1
}
mkdir -p "$T_DIR/creds-ren"
RENEWED="$T_DIR/creds-ren/acme_hsm_hsm_RENUSER_20261125.txt"
NEW_SETUP=$(t_setup_password)
t_secret "$NEW_SETUP"
renew "$NEW_SETUP"
RSTATE="$XDG_STATE_HOME/hsm-onboard/RENUSER/state.json"
t_grep "$RSTATE" '"rotation": "none"' "the renewal takes the rotation back to none"
t_grep "$RSTATE" '"first_use": null' "the renewed setup password is unused"
: > "$calls"
t_run 0 "connect after the renewal" run_connect RENUSER
t_grep "$T_ERR" "Step 2 of 3: ppin -u -e RENUSER" "the renewal goes through ppin -u"
t_grep "$calls" "UPDATE CALLED" "ppin -u was called"
t_grep "$calls" "TTY: setup-password sha256=$(sha "$NEW_SETUP")" "ppin -u got the new setup password"
t_nogrep "$calls" " -a -e RENUSER" "ppin -a was not used"
t_grep "$RSTATE" '"rotation": "verified"' "the renewal's exchange is verified"
p11_ok RENUSER "$REN_P11" || t_fail "the PKCS#11 password does not open the token after the renewal"
if p11_ok RENUSER "$NEW_SETUP"; then t_fail "the new setup password still opens the token"; fi
t_ok "after ppin -u the PKCS#11 password opens the token, the new setup password does not"
t_run 0 "secrets after the renewal" t_hsmo --profile RENUSER secrets
t_grep "$T_OUT" "primus-secrets-cfg-before-renewal missing" "the backup of the old .secrets.cfg is wiped once the new secret is verified"

# A refused update removes the entry (the docs); the refusal is recorded and never re-sent, and the
# next renewal's connect uses ppin -a.
NEW_SETUP2=$(t_setup_password)
t_secret "$NEW_SETUP2"
renew "$NEW_SETUP2"
pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label RENUSER --login --login-type so --so-pin "$T_SO_PIN" \
	--init-pin --new-pin "$(t_rand_alnum 20)" >/dev/null 2>&1 || t_fail "cannot reset the token's user PIN"
: > "$calls"
rm -f "$HSM_ONBOARD_PPIN_SIM_DIR/failures"
t_run 77 "a renewal whose setup password the HSM refuses" run_connect RENUSER
t_grep "$calls" "UPDATE CALLED" "the refused renewal went through ppin -u"
RWORK="$XDG_STATE_HOME/hsm-onboard/RENUSER/primus"
"$SIM" -c "$RWORK/primus.cfg" -s "$RWORK/.secrets.cfg" -l > "$T_DIR/ren-list" 2>&1
t_grep "$T_DIR/ren-list" "user 'RENUSER' permanent secret: MISSING" "the failed update removed the entry"
t_run 77 "connect again after the refusal" run_connect RENUSER
[ "$(cat "$HSM_ONBOARD_PPIN_SIM_DIR/failures")" -eq 1 ] || t_fail "the refused setup password was sent again"
t_ok "the refused setup password was not sent again"
NEW_SETUP3=$(t_setup_password)
t_secret "$NEW_SETUP3"
renew "$NEW_SETUP3"
: > "$calls"
t_run 0 "connect after the next renewal" run_connect RENUSER
t_grep "$T_ERR" "Step 2 of 3: ppin -a -e RENUSER" "with the entry gone, the next try is ppin -a"
p11_ok RENUSER "$REN_P11" || t_fail "the PKCS#11 password does not open the token after ppin -a"
t_ok "after the failed update, ppin -a restored the permanent secret"

t_scan_leaks
t_done
