#!/bin/sh
# status-renew.sh: the countdown and the ticket over a real import: ECO with and without a recorded
# first use, mark-used, a renewal (import --renew) resetting the clock, and every ticket format, the QR
# code and lp's input scanned against every secret of the profile (service password, setup password,
# PKCS#11 password, old and new): none may appear anywhere.
#
# The clock is stopped at chosen times with faketime (see tests/lib.sh, t_at; it works under ASan too).
. "$top_srcdir/tests/lib.sh"

t_need_faketime
t_need_python3

t_passphrase "correct horse battery staple"
CRED="$T_DIR/cred" # the plaintext credential files: outside HOME, so the leak scan skips them
BIN="$T_DIR/bin"   # the stand-in lp
mkdir -p "$CRED" "$BIN"


t_make_credfiles "$CRED/first" ACME_Corp eco ACMEHSM01 20261120 pkcs11
OLD_SETUP_PW=$T_SETUP_PW
t_run 0 "import ECO" t_at "2026-11-20 09:00:00" "$T_HSMO_FROM" "$T_DIR/pass" import "$T_SERVICE_FILE" "$T_HSM_FILE"

# ECO without a first use: no deadline, however late.
t_run 0 "status --json: imported, unused" t_at "2026-12-20 09:00:00" "$HSMO" status --json
t_json 'j["profiles"][0]["name"] == "ACMEHSM01" and j["profiles"][0]["tier"] == "ECO"'
t_json 'j["profiles"][0]["service_user"] == "svc-ACMEHSM01"'
t_json 'j["profiles"][0]["setup_password"]["state"] == "unused" and j["profiles"][0]["setup_password"]["expires_at"] is None'
t_json 'j["profiles"][0]["setup_password"]["issued"] == "2026-11-20T00:00:00Z"'
t_run 0 "status --check: unused is OK" t_at "2026-12-20 09:00:00" "$HSMO" status --check

# With a first use: 7 x 24 h from it.
t_run 0 "mark-used" t_at "2026-11-22 09:00:00" "$HSMO" mark-used --at 2026-11-21T09:00:00Z
t_run 0 "status: running" t_at "2026-11-26 04:46:30" "$HSMO" status
t_grep "$T_OUT" "2 d 04 h 13 min left: expires Sat 28 Nov 2026 10:00 CET" "countdown from the declared first use"
t_run 1 "check: WARNING under 48 h" t_at "2026-11-26 09:00:01" "$HSMO" status --check
t_run 2 "check: CRITICAL under 12 h" t_at "2026-11-27 21:00:01" "$HSMO" status --check
t_run 2 "check: CRITICAL when expired" t_at "2026-11-28 09:00:01" "$HSMO" status --check
t_grep "$T_OUT" "EXPIRED since Sat 28 Nov 2026 10:00 CET" "expired"

# Every ticket format, each with every required field.
for fmt in text markdown json; do
	t_run 0 "ticket --format $fmt" t_at "2026-11-29 08:00:00" "$HSMO" ticket --format "$fmt" \
		--contract OFFER-2026-0042 --contact "Jane Doe"
	cp "$T_OUT" "$T_DIR/ticket.$fmt"
	for field in "Renewal of the HSM setup password for HSM user ACMEHSM01" ACME_Corp eco ECO standard \
		svc-ACMEHSM01 2026-11-20 2026-11-21 2026-11-28 expired OFFER-2026-0042 "Jane Doe" \
		"renewal of the setup password incurs costs" "Only registered support users can file support tickets" \
		hsm-onboard "$(uname -s)"; do
		t_grep "$T_OUT" "$field" "$fmt: has $field"
	done
done
t_run 0 "ticket --qr" t_at "2026-11-29 08:00:00" "$HSMO" ticket --qr --format markdown
cp "$T_OUT" "$T_DIR/ticket.qr"
cat > "$BIN/lp" <<'EOS'
#!/bin/sh
# Stand-in for CUPS lp, placed first in PATH by status-renew.sh: saves the ticket it is given.
cat > "$LP_STDIN"
EOS
chmod 755 "$BIN/lp"
export LP_STDIN="$T_DIR/lp.stdin"
t_run 0 "ticket --print via the stand-in lp" env PATH="$BIN:$PATH" "$HSMO" ticket --print
t_grep "$LP_STDIN" "HSM user:           ACMEHSM01" "lp got the ticket"
t_run 0 "ticket --output" "$HSMO" ticket --format json --output "$HOME/ticket.json"

# The renewal: new files after the renewal ticket; the clock starts again.
t_make_credfiles "$CRED/renewed" ACME_Corp eco ACMEHSM01 20261130 pkcs11
[ "$T_SETUP_PW" != "$OLD_SETUP_PW" ] || t_fail "the renewal fixture reused the old setup password"
t_run 0 "import --renew" t_at "2026-11-30 10:00:00" "$T_HSMO_FROM" "$T_DIR/pass" import --renew \
	"$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$XDG_STATE_HOME/hsm-onboard/ACMEHSM01/state.json" '"renewed"' "the renewal is an event"
t_run 0 "status after the renewal" t_at "2026-11-30 10:05:00" "$HSMO" status --json
t_json 'j["profiles"][0]["setup_password"]["state"] == "unused" and j["profiles"][0]["setup_password"]["first_use"] is None'
t_json 'j["profiles"][0]["setup_password"]["issued"] == "2026-11-30T00:00:00Z"'
t_run 0 "check after the renewal: OK" t_at "2026-11-30 10:05:00" "$HSMO" status --check
t_run 0 "ticket after the renewal" t_at "2026-11-30 10:05:00" "$HSMO" ticket
head -n 5 "$T_OUT" | grep -q "NOTE: the setup password has NOT expired" || { cat "$T_OUT" >&2; t_fail "no notice"; }
t_ok "after the renewal the ticket says at the top that the password has not expired"
t_run 0 "mark-used on the new password" t_at "2026-11-30 11:00:00" "$HSMO" mark-used
t_run 0 "status: the new password runs" t_at "2026-11-30 11:00:00" "$HSMO" status
t_grep "$T_OUT" "7 d 00 h 00 min left: expires Mon 07 Dec 2026 12:00 CET" "a fresh 7 days"

t_scan_leaks "$T_DIR/ticket.text" "$T_DIR/ticket.markdown" "$T_DIR/ticket.json" "$T_DIR/ticket.qr" "$LP_STDIN"
t_done
