#!/bin/bash
# connect-tty.sh: connect's point of no return on a real terminal (tmux), without --yes. It explains
# what will happen and wants a typed "yes": any other answer stops it with nothing sent (exit 75; the
# setup password still opens the token and no first use is recorded); after "yes" it asks the vault
# passphrase on the terminal (echo off) and replaces the setup password (checked with pkcs11-tool,
# an independent client). connect.sh covers the rest of connect with --yes.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"

t_need_softhsm
t_need_pkcs11_tool
t_need_python3

t_softhsm_private
PASS="vault pass $(t_rand_alnum 10)"
t_secret "$PASS"
t_make_credfiles "$T_DIR/creds" acme hsm TTYUSER 20261120 pkcs11
t_softhsm_token TTYUSER
t_import tty "$PASS" --tier SBX
# setup_opens: 0 when the setup password still opens the token (pkcs11-tool; the PIN in its argv is
# this test's own, independent check).
setup_opens() {
	pkcs11-tool --module "$SOFTHSM2_MODULE" --token-label TTYUSER --login --pin "$T_SETUP_PW" --list-objects \
		>/dev/null 2>&1
}
# first_use: the state's first_use, "null" or a time; fails when the field is missing.
first_use() {
	python3 -c 'import json, sys; v = json.load(open(sys.argv[1]))["first_use"]; print("null" if v is None else v)' \
		"$XDG_STATE_HOME/hsm-onboard/tty/state.json"
}

# connect_until_question: starts connect on the terminal, up to its question.
connect_until_question() {
	w_start SOFTHSM2_CONF="$SOFTHSM2_CONF" -- --profile tty connect --engine pkcs11 --module "$SOFTHSM2_MODULE"
	w_wait "Type 'yes' to go on:" 30
	t_grep "$W_SCREEN" "This is the point of no return" "connect explains the point of no return (in the engine's words) before it asks"
}

# Anything but "yes" stops it.
connect_until_question
w_type "y"
w_key Enter
st=$(w_exit_status 30)
[ "$st" = 75 ] || t_fail "answered 'y': exit $st, expected 75"
w_wait "stopped; nothing was sent"
t_ok "'y' is not 'yes': connect stops (exit 75) and says nothing was sent"
setup_opens || t_fail "the setup password no longer opens the token after a refused connect"
[ "$(first_use)" = null ] || t_fail "a refused connect recorded a first use: $(first_use)"
t_ok "after the refusal the setup password still opens the token and no first use is recorded"

# "yes" replaces the setup password.
connect_until_question
w_type "yes"
w_key Enter
w_wait "Vault passphrase for profile tty:"
w_type "$PASS"
w_key Enter
st=$(w_exit_status 60)
[ "$st" = 0 ] || { w_capture >/dev/null; cat "$W_SCREEN" >&2; t_fail "answered 'yes': exit $st"; }
w_wait "Connected (engine pkcs11)"
t_ok "'yes' on the terminal: connect replaces the setup password (exit 0)"
! setup_opens || t_fail "the setup password still opens the token after connect"
fu=$(first_use) || t_fail "state.json has no first_use"
[ "$fu" != null ] || t_fail "no first use recorded"
t_ok "pkcs11-tool: the setup password no longer opens the token; the first use is recorded"

t_scan_leaks "$W_CAP"
t_done
