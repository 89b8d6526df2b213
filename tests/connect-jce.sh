#!/bin/sh
# connect-jce.sh: the JCE exchange (engine jce) through Primus Tools' GetUserSecret, against
# tests/jce-standin run as `java` from PATH, which accepts only the documented arguments and secrets
# only as file: arguments in 0600 files inside a 0700 folder. Proves: the exchange and the Login
# check; the blinded user secret in the vault as CURRENT and in config's 0600 file; the private folders
# are gone afterwards; no secret in any argv, environment, output or state; a refused setup password;
# and, with --enable-failpoints, a crash (SIGKILL) at every durable step, then a re-run that ends in
# the same state.
. "$top_srcdir/tests/lib.sh"

t_jce_standin

n=0
# new_profile [WRONG]: a profile whose setup password the stand-in accepts (or not, with WRONG).
new_profile() {
	n=$((n + 1))
	prof="j$n" user="JCEUSER$n"
	t_make_credfiles "$T_DIR/creds$n" "co$n" eco "$user" 20261120
	if [ -n "${1:-}" ]; then
		printf '%s' "$(t_setup_password)" | sha256sum | cut -d' ' -f1 > "$JCE_STANDIN_DIR/setup.sha256"
	else
		printf '%s' "$T_SETUP_PW" | sha256sum | cut -d' ' -f1 > "$JCE_STANDIN_DIR/setup.sha256"
	fi
	printf '%s' "$T_SERVICE_PW" | sha256sum | cut -d' ' -f1 > "$JCE_STANDIN_DIR/proxy.sha256"
	printf '%s' "$user" > "$JCE_STANDIN_DIR/user"
	rm -f "$JCE_STANDIN_DIR/secret"
	t_import "$prof" "$PASS" --tier ECO
}
connect_jce() { t_jce_connect "$1" --output "$T_DIR/cfg-$1"; }

# ---- The exchange ----
new_profile
t_run 0 "connect --engine jce" connect_jce "$prof"
t_grep "$T_OUT" "Connected (engine jce)" "connect reports the exchange"
calls="$JCE_STANDIN_DIR/calls.log"
grep '^ARGV:' "$calls" | head -n 1 > "$T_DIR/first"
t_grep "$T_DIR/first" " -jar $JAR GetUserSecret -host jce-a.example.test -port 2300 -user $user -password file:" \
	"GetUserSecret with host, port 2300, user and the setup password as file:"
t_grep "$T_DIR/first" " -primusproxyuser svc-$user -primusproxypassword file:" "the proxy user and password as file:"
t_grep "$T_DIR/first" " -blinded -outputfile " "the secret is asked blinded, into a file"
grep '^ARGV:' "$calls" | grep -q ' Login ' || t_fail "the user secret was not checked with Login"
t_ok "the new secret was checked with Login"
SECRET=$(cat "$JCE_STANDIN_DIR/secret")
st="$XDG_STATE_HOME/hsm-onboard/$prof/state.json"
t_grep "$st" '"rotation": "configured"' "state: configured"
t_grep "$st" '"engine": "jce"' "state: engine jce"
f="$T_DIR/cfg-$prof/jce-user-secret.secret"
[ "$(stat -c %a "$f")" = 600 ] && [ "$(cat "$f")" = "$SECRET" ] || t_fail "the blinded user secret file"
t_ok "config wrote the blinded user secret into a 0600 file"
t_run 0 "secrets" t_hsmo --profile "$prof" secrets
t_grep "$T_OUT" "current" "the vault holds the user secret as CURRENT"
t_run 0 "verify (Login with the stored secret)" t_hsmo --profile "$prof" verify --endpoint jce-a.example.test
ls -d "$XDG_STATE_HOME/hsm-onboard/$prof"/*.jce.* 2>/dev/null && t_fail "a private folder was left behind"
t_ok "every private folder was removed"
for s in "$T_SETUP_PW" "$T_SERVICE_PW" "$SECRET"; do
	grep -qF -- "$s" "$calls" && t_fail "a secret in the argv or environment of Primus Tools"
	grep -qF -- "$s" "$T_DIR/all-output" "$st" && t_fail "a secret in the output or the state"
done
t_ok "no secret in argv, environ, output or state.json (${#SECRET}-character blinded secret)"

# ---- A refused setup password ----
new_profile wrong
t_run 77 "connect with a setup password the HSM refuses" connect_jce "$prof"
t_grep "$T_ERR" "0x80005017" "the error names the Securosys code"
t_grep "$T_ERR" "lock" "the error warns about the lock-out"
st="$XDG_STATE_HOME/hsm-onboard/$prof/state.json"
t_grep "$st" '"kind": "setup-rejected"' "state records the refusal"
t_nogrep "$st" '"rotation": "promoted"' "nothing was promoted"
before=$(grep -c '^ARGV:' "$calls")
t_run 77 "connect again: the refused setup password is not sent again" connect_jce "$prof"
[ "$(grep -c '^ARGV:' "$calls")" -eq "$before" ] || t_fail "Primus Tools was run again with a refused setup password"
t_ok "Primus Tools was not run again"

# ---- A crash at every durable step ----
if "$HSMO" --list-failpoints > "$T_DIR/fps" 2>/dev/null; then
	for fp in rotate.after-first-use rotate.after-pending-saved rotate.after-change rotate.after-promote \
		vault.before-rename vault.after-rename vault.before-dirsync vault.after-dirsync \
		state.before-rename state.after-rename state.before-dirsync state.after-dirsync \
		config.before-rename config.after-rename config.before-dirsync config.after-dirsync; do
		grep -qx "$fp" "$T_DIR/fps" || t_fail "failpoint $fp is not in this build's table"
		new_profile
		t_killed_at "$fp" connect_jce "$prof"
		t_run 0 "$fp: the re-run" connect_jce "$prof"
		st="$XDG_STATE_HOME/hsm-onboard/$prof/state.json"
		grep -q '"rotation": "configured"' "$st" || t_fail "$fp: state is not configured"
		[ "$(cat "$T_DIR/cfg-$prof/jce-user-secret.secret")" = "$(cat "$JCE_STANDIN_DIR/secret")" ] ||
			t_fail "$fp: the stored secret is not the one the HSM gave (locked out)"
		[ "$(grep -c '"kind": "first-use"' "$st")" -eq 1 ] || t_fail "$fp: first use recorded more than once"
		t_run 0 "$fp: verify after the resume" t_hsmo --profile "$prof" verify --endpoint jce-a.example.test
		for left in "$XDG_STATE_HOME/hsm-onboard/$prof"/*.jce.*; do
			[ -e "$left" ] && echo "# $fp: a private folder of the killed run is left (the kill gives no chance to remove it)"
			break
		done
		t_ok "$fp: resumed to the same end state"
	done
else
	echo "# not a failpoint build: the crash loop is not run"
fi
T_SCAN_EXCLUDE=$T_DIR/creds t_scan_leaks "$calls"
t_done
