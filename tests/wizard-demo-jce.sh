#!/bin/bash
# wizard-demo-jce.sh: `hsm-onboard demo --api jce` in a real terminal, from the subscription to
# "Onboarding complete": the JCE path (orders_path_of) with no engine chosen, the rotation screen's
# GetUserSecret text, the exchange through hsm-onboard-jce-standin (tests/jce-standin run as java),
# the blinded user secret in its 0600 file, the golden done screen, and no secret on any screen or
# in the stand-in's argv and environment.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"

set +e
"$HSMO" demo --api jce </dev/null >/dev/null 2>"$T_DIR/probe"
probe=$?
set -e
[ "$probe" -eq 64 ] || t_fail "demo --api jce off a terminal: exit $probe, expected 64: $(cat "$T_DIR/probe")"
t_ok "demo --api jce refuses to start off a terminal"
t_run 64 "demo --api with an API it has no path for" "$HSMO" demo --api cng

W_FAKETIME="@2026-11-24 15:30:00"
pass="jce demo walk $(t_rand_alnum 12)"
t_secret "$pass"
w_start TMPDIR="$T_DIR" -- demo --api jce --keep --kdf-ms "$W_KDF_MS"
w_wait "Step 1 of 10: Subscription"
set -- "$T_DIR"/hsm-onboard-demo.*
demo=$1
[ -d "$demo" ] && [ "$(stat -c %a "$demo")" = 700 ] || t_fail "the demo directory is not a private 0700 directory"
for f in "$demo"/Downloads/*.txt; do
	sed -n 's/^\(Service User Password\|HSM User Setup Password\|PKCS#11 password \): //p' "$f" \
		| while read -r s; do t_secret "$s"; done
done
t_grep "$W_SCREEN" "JCE" "the subscription screen shows the JCE API"
W_DEMO_PREFLIGHT=
w_demo_walk_to_provider "$pass"
t_grep "$W_NO_RETURN" "GetUserSecret" "the rotation screen describes GetUserSecret"
t_grep "$W_NO_RETURN" "Engine: jce" "the rotation screen names the jce engine"
t_grep "$W_PROVIDER" "jce-user-secret.secret" "the provider screen names the blinded secret's file"
W_SCREEN=$W_PROVIDER
for t in "[ ] 1 tsb" "[ ] 2 xks"; do
	t_grep "$W_SCREEN" "$t" "the provider screen offers '$t'"
done
w_key Enter
w_wait "Onboarding complete"
W_MASK='s|/[^ …]*…|<tmp>…|g'
# shellcheck disable=SC1010
w_golden done-jce
w_key Enter
st=$(w_exit_status)
[ "$st" = 0 ] || t_fail "demo exit status $st"
secret="$demo/hsm/secret"
[ -s "$secret" ] || t_fail "the stand-in handed out no user secret"
t_secret "$(cat "$secret")"
f="$demo/home/.config/hsm-onboard/DEMOHSM01/jce-user-secret.secret"
[ "$(stat -c %a "$f")" = 600 ] && cmp -s "$f" "$secret" || t_fail "the blinded user secret's file"
t_ok "the blinded user secret is in its 0600 file"
grep -q ' GetUserSecret ' "$demo/hsm/calls.log" && grep -q ' Login ' "$demo/hsm/calls.log" ||
	t_fail "the stand-in did not see GetUserSecret and Login"
t_ok "the exchange ran GetUserSecret, then Login"
# The copies a demo keeps by design: the stand-in's "HSM" side and the 0600 file; the scan covers the rest.
rm -f "$f" "$secret" "$demo/hsm/setup.sha256"
T_SCAN_EXCLUDE=$demo/Downloads t_scan_leaks "$demo/hsm/calls.log" "$W_CAP"
t_done
