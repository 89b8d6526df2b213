#!/bin/sh
# connect-primus.sh: the primus engine against tests/ppin-standin.
#
# NOTE: the real ppin is Securosys' proprietary tool and cannot run here. This test verifies the
# engine against the documented behaviour of ppin (command line, prompts, -l listing, error codes),
# as implemented by the stand-in, not against the vendor binary.
#
# Checks: the primus.cfg content; that no secret appears in ppin's argv or environment (the stand-in
# records its /proc/self/cmdline and environ on every call); the resume through ppin -l after a
# crash right after ppin -a; that ppin -u is never used; the mapped error codes; no leaks.
. "$top_srcdir/tests/lib.sh"

PPIN="$top_srcdir/tests/ppin-standin"
export PPIN_STANDIN_DIR="$T_DIR/hsm"
mkdir -p "$PPIN_STANDIN_DIR"
PASS="vault pass $(t_rand_alnum 10)"
t_secret "$PASS"
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
calls="$PPIN_STANDIN_DIR/calls.log"

# new_hsm: a fresh stand-in HSM accepting the current T_SETUP_PW and T_SERVICE_PW.
new_hsm() {
	rm -f "$PPIN_STANDIN_DIR"/*
	sha "$T_SETUP_PW" > "$PPIN_STANDIN_DIR/setup.sha256"
	sha "$T_SERVICE_PW" > "$PPIN_STANDIN_DIR/proxy.sha256"
}
run_connect() {
	prof=$1
	shift
	"$HSMO" --profile "$prof" --passphrase-fd 3 --yes connect --engine primus --ppin "$PPIN" \
		--endpoint hsm-a.example.test --endpoint hsm-b.example.test "$@" 3<<EOF
$PASS
EOF
}
no_secret_in_calls() {
	[ -s "$calls" ] || t_fail "$1: the stand-in recorded nothing"
	grep -q "^ARGV:.*ppin-standin" "$calls" || t_fail "$1: the stand-in did not record its argv"
	grep -q "^ENV:.*HOME=" "$calls" || t_fail "$1: the stand-in did not record its environment"
	if grep -qF -f "$T_SECRETS" "$calls"; then t_fail "$1: a secret was in ppin's argv or environment"; fi
	t_ok "$1: no secret in ppin's argv or environment ($(grep -c '^ARGV:' "$calls") calls recorded)"
}

# ---- Happy path ----
t_make_credfiles "$T_DIR/creds" acme hsm PRIMUSER 20261120 pkcs11
"$HSMO" --profile prim --passphrase-fd 3 --kdf-ms 20 import --tier SBX "$T_SERVICE_FILE" "$T_HSM_FILE" 3<<EOF >>"$T_DIR/all-output" 2>&1
$PASS
EOF
new_hsm
t_run 0 "connect --engine primus" run_connect prim
t_grep "$T_OUT" "Connected (engine primus)" "connect reports the exchange"
WORK="$XDG_STATE_HOME/hsm-onboard/prim/primus"
t_grep "$WORK/primus.cfg" 'user_name = "PRIMUSER";' "primus.cfg: user_name"
t_grep "$WORK/primus.cfg" 'proxy_user = "svc-PRIMUSER";' "primus.cfg: proxy_user"
t_grep "$WORK/primus.cfg" 'port = "2310";' "primus.cfg: port 2310"
t_grep "$WORK/primus.cfg" 'host = "hsm-a.example.test";' "primus.cfg: master host"
t_grep "$WORK/primus.cfg" 'host = "hsm-b.example.test";' "primus.cfg: clone host"
t_grep "$WORK/primus.cfg" 'hsm1 :' "primus.cfg: one hsm entry per host"
grep -q -- "-p -e svc-PRIMUSER" "$calls" || t_fail "ppin -p was not run for the service user"
grep -q -- "-a -e PRIMUSER" "$calls" || t_fail "ppin -a was not run for the HSM user"
grep -q -- "-t --user PRIMUSER" "$calls" || t_fail "ppin -t was not run"
t_ok "ppin -p, -a and -t were run in that order of need"
t_nogrep "$calls" "UPDATE CALLED" "ppin -u was never used"
no_secret_in_calls "happy path"
grep -q '"rotation": "verified"' "$XDG_STATE_HOME/hsm-onboard/prim/state.json" || t_fail "state is not verified"
t_ok "state: rotation verified"

t_run 0 "verify (ppin -t)" "$HSMO" --profile prim --passphrase-fd 3 verify 3<<EOF
$PASS
EOF
t_run 0 "config --output" "$HSMO" --profile prim --passphrase-fd 3 config --output "$T_DIR/pcfg" 3<<EOF
$PASS
EOF
[ -f "$T_DIR/pcfg/primus.cfg" ] && [ -f "$T_DIR/pcfg/.secrets.cfg" ] || t_fail "config did not write primus.cfg and .secrets.cfg"
[ "$(stat -c %a "$T_DIR/pcfg/.secrets.cfg")" = 600 ] || t_fail ".secrets.cfg is not mode 0600"
t_ok "config wrote primus.cfg and .secrets.cfg (0600)"
t_grep "$T_OUT" "SECUROSYS_PKCS11_CONF=$T_DIR/pcfg/primus.cfg" "config says how to point the provider at the files"
cmp -s "$T_DIR/pcfg/.secrets.cfg" "$WORK/.secrets.cfg" || t_fail "the copied secrets file differs"
t_ok "the secrets file is ppin's own"

# ---- Resume with ppin -l after a crash right after ppin -a ----
if "$HSMO" --list-failpoints >/dev/null 2>&1; then
	t_make_credfiles "$T_DIR/creds2" beta hsm RESUMEUSER 20261120 pkcs11
	"$HSMO" --profile beta --passphrase-fd 3 --kdf-ms 20 import --tier SBX "$T_SERVICE_FILE" "$T_HSM_FILE" 3<<EOF >>"$T_DIR/all-output" 2>&1
$PASS
EOF
	new_hsm
	set +e
	HSM_ONBOARD_FAILPOINT=rotate.after-change run_connect beta >>"$T_DIR/all-output" 2>&1
	rc=$?
	set -e
	[ "$rc" -eq 137 ] || t_fail "connect was not killed after ppin -a (exit $rc)"
	t_run 0 "re-run after the crash" run_connect beta
	t_grep "$T_OUT" "Resumed: the HSM had already accepted" "the resume found the exchange done"
	[ "$(grep -c -- '-a -e RESUMEUSER' "$calls")" -eq 1 ] || t_fail "ppin -a ran again on resume"
	grep -q -- " -l" "$calls" || t_fail "the resume did not ask ppin -l"
	t_ok "resume: ppin -l said Configured, ppin -a was not repeated"
	t_nogrep "$calls" "UPDATE CALLED" "resume: ppin -u was never used"
	no_secret_in_calls "resume"
fi

# ---- Errors: wrong setup password, expired, network, no ppin ----
t_make_credfiles "$T_DIR/creds3" gamma hsm ERRUSER 20261120 pkcs11
"$HSMO" --profile gamma --passphrase-fd 3 --kdf-ms 20 import --tier SBX "$T_SERVICE_FILE" "$T_HSM_FILE" 3<<EOF >>"$T_DIR/all-output" 2>&1
$PASS
EOF
new_hsm
sha "not-the-setup-password" > "$PPIN_STANDIN_DIR/setup.sha256"
t_run 77 "wrong setup password" run_connect gamma
t_grep "$T_ERR" "0x80005017" "the error names the code"
t_grep "$T_ERR" "rejected the setup password" "the error says what happened"
t_grep "$T_ERR" "lock" "the error warns about the lock-out"
t_grep "$XDG_STATE_HOME/hsm-onboard/gamma/state.json" '"code": "0x80005017"' "state records 0x80005017"
[ "$(cat "$PPIN_STANDIN_DIR/failures")" -eq 1 ] || t_fail "the setup password was tried more than once"
t_ok "the setup password was tried exactly once"
t_nogrep "$calls" "UPDATE CALLED" "no ppin -u after a failure"
# The refusal is recorded: a re-run sends nothing and says what comes next.
t_run 77 "connect again after the refusal" run_connect gamma
t_grep "$T_ERR" "not sent again" "the re-run says the refused setup password is not sent again"
t_grep "$T_ERR" "0x80005017, engine primus" "the re-run names the code and the engine"
[ "$(cat "$PPIN_STANDIN_DIR/failures")" -eq 1 ] || t_fail "the re-run sent the refused setup password"
t_ok "the re-run did not run ppin -a"

# Each case below is an explicit, confirmed retry (--retry-refused --yes).
new_hsm
touch "$PPIN_STANDIN_DIR/expired"
t_run 77 "expired setup password" run_connect gamma --retry-refused
t_grep "$T_ERR" "0x80005018" "the error names 0x80005018"
t_grep "$T_ERR" "hsm-onboard ticket" "the error points to the ticket"

new_hsm
touch "$PPIN_STANDIN_DIR/network-down"
t_run 69 "network unreachable" run_connect gamma --retry-refused
t_grep "$XDG_STATE_HOME/hsm-onboard/gamma/state.json" '"setup_refused": null' "a network error is not recorded as a refusal"
t_grep "$T_ERR" "0x80005015" "the error names 0x80005015"
t_grep "$T_ERR" "whitelist" "the error says what to check"
no_secret_in_calls "errors"

t_run 69 "ppin missing" "$HSMO" --profile gamma --passphrase-fd 3 --yes connect --engine primus \
	--ppin "$T_DIR/no/ppin" --endpoint hsm-a.example.test 3<<EOF
$PASS
EOF
t_grep "$T_ERR" "--ppin" "the error says how to give ppin"

t_scan_leaks
t_done
