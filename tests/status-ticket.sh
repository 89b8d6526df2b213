#!/bin/sh
# status-ticket.sh: the setup password's countdown (status, status --json, status --check), mark-used,
# and the support ticket in every format, to a file and to lp. The profiles are state.json files as
# import writes them (written here, so this test does not depend on the import command;
# status-renew.sh goes through import, a renewal and a leak scan against the vault's real secrets).
#
# The clock is moved with libfaketime (the Debian package faketime, via LD_PRELOAD); the product has no
# clock hook. libfaketime also works with the sanitizer build: ASan's link-order check is off in
# ASAN_OPTIONS (verify_asan_link_order=0, set by Makefile.am), so libfaketime may be preloaded first.
. "$top_srcdir/tests/lib.sh"

t_need_faketime
t_need_python3

BIN="$T_DIR/bin" # the stand-in lp
mkdir -p "$BIN"

# at TIME CMD... and json EXPR: tests/lib.sh's t_at and t_json.
at() { t_at "$@"; }
json() { t_json "$@"; }

# ---- no profile yet ----
t_run 0 "status without profiles" "$HSMO" status
t_grep "$T_OUT" "No profile yet" "status says there is no profile"
t_run 3 "status --check without profiles is UNKNOWN" "$HSMO" status --check
t_grep "$T_OUT" "HSM-ONBOARD UNKNOWN - no profile found" "Nagios line for no profile"
t_run 0 "status --json without profiles" "$HSMO" status --json
json 'j == {"profiles": []}'

# ---- ECO: 7 days from the first use ----
t_state_profile ACMEHSM01 '"tier": "ECO", "service_type": "standard", "hsm_user": "ACMEHSM01",
	"service_user": "svc-ACMEHSM01", "company": "ACME_Corp", "service": "eco", "cluster": "ECO01",
	"issued": "2026-11-20T00:00:00Z", "created": "2026-11-20T09:00:00Z",
	"last_error": {"at": "2026-11-28T09:30:00Z", "code": "CKR_PIN_INCORRECT", "message": "the PIN is incorrect"},
	"checked_at": "2026-11-28T09:20:00Z",
	"checks": [{"endpoint": "eco01.example.invalid:2310", "category": "ok", "latency_ms": 12}],
	"events": [{"at": "2026-11-20T09:00:00Z", "kind": "imported", "detail": "service hsm"}]'
t_run 0 "status: ECO unused" at "2026-11-21 09:00:00" "$HSMO" status
t_grep "$T_OUT" "ACMEHSM01: HSM user ACMEHSM01, ECO, standard, step import" "status names the profile"
t_grep "$T_OUT" "not used yet" "ECO without a first use is unused"
t_grep "$T_OUT" "  cluster ECO01, API -" "status shows the cluster step 1 chose, as the wizard's Review and Done do"
t_run 0 "status --json: unused" at "2026-11-21 09:00:00" "$HSMO" status --json
json 'set(j["profiles"][0]) == {"name","hsm_user","service_user","tier","service_type","api","cluster","step","setup_password"}'
json 'set(j["profiles"][0]["setup_password"]) == {"state","issued","first_use","expires_at","seconds_left"}'
json 'j["profiles"][0]["name"] == "ACMEHSM01" and j["profiles"][0]["hsm_user"] == "ACMEHSM01"'
json 'j["profiles"][0]["service_user"] == "svc-ACMEHSM01" and j["profiles"][0]["tier"] == "ECO"'
json 'j["profiles"][0]["service_type"] == "standard" and j["profiles"][0]["step"] == "import"'
json 'j["profiles"][0]["cluster"] == "ECO01" and j["profiles"][0]["api"] is None'
json 'j["profiles"][0]["setup_password"]["state"] == "unused"'
json 'j["profiles"][0]["setup_password"]["first_use"] is None and j["profiles"][0]["setup_password"]["expires_at"] is None'
json 'j["profiles"][0]["setup_password"]["seconds_left"] is None'
t_run 0 "status --check: unused is OK" at "2026-11-21 09:00:00" "$HSMO" status --check
t_grep "$T_OUT" "HSM-ONBOARD OK - ACMEHSM01: not used yet" "Nagios OK line"

# mark-used: refusals first, and they change nothing.
t_run 64 "mark-used --at in the future" at "2026-11-22 09:00:00" "$HSMO" mark-used --at "2026-11-23 10:00"
t_grep "$T_ERR" "is in the future" "the future is refused"
t_run 64 "mark-used --at garbage" "$HSMO" mark-used --at "last tuesday"
t_grep "$T_ERR" "is not a time" "a bad time is refused"
t_run 64 "mark-used before the date of issue" at "2026-11-22 09:00:00" "$HSMO" mark-used --at 2026-11-19T12:00:00Z
t_grep "$T_ERR" "before the password was issued" "a first use before the issue is refused"
t_run 0 "status: still unused" at "2026-11-22 09:00:00" "$HSMO" status --json
json 'j["profiles"][0]["setup_password"]["state"] == "unused"'
# 10:00 local on 21 Nov is 09:00 UTC (CET): the deadline is 28 Nov 09:00 UTC, 10:00 CET.
t_run 0 "mark-used --at local time" at "2026-11-22 09:00:00" "$HSMO" mark-used --at "2026-11-21 10:00"
t_grep "$T_OUT" "First use recorded: Sat 21 Nov 2026 10:00 CET" "mark-used confirms the time"
t_grep "$T_OUT" "expires Sat 28 Nov 2026 10:00 CET" "mark-used shows the deadline"
t_grep "$XDG_STATE_HOME/hsm-onboard/ACMEHSM01/state.json" '"kind": "first-use"' "mark-used records an event"
t_run 0 "mark-used with a later time changes nothing" at "2026-11-22 09:00:00" "$HSMO" mark-used
t_grep "$T_OUT" "Nothing changed" "a later first use does not move the deadline"

# 2 d 04 h 13 min 30 s before the deadline.
t_run 0 "status: running" at "2026-11-26 04:46:30" "$HSMO" status
t_grep "$T_OUT" "2 d 04 h 13 min left: expires Sat 28 Nov 2026 10:00 CET" "human countdown line"
t_run 0 "status --json: running" at "2026-11-26 04:46:30" "$HSMO" status --json
json 'j["profiles"][0]["setup_password"]["state"] == "running"'
json 'j["profiles"][0]["setup_password"]["first_use"] == "2026-11-21T09:00:00Z"'
json 'j["profiles"][0]["setup_password"]["expires_at"] == "2026-11-28T09:00:00Z"'
json 'j["profiles"][0]["setup_password"]["issued"] == "2026-11-20T00:00:00Z"'
json 'j["profiles"][0]["setup_password"]["seconds_left"] == 188010'

# --check at each threshold, 1 s either side (48 h: WARNING, 12 h: CRITICAL, 0: expired).
t_run 0 "check 48 h + 1 s: OK" at "2026-11-26 08:59:59" "$HSMO" status --check
t_grep "$T_OUT" "HSM-ONBOARD OK - ACMEHSM01: 2 d 00 h 00 min left" "OK line"
t_grep "$T_OUT" "'ACMEHSM01_seconds_left'=" "perfdata"
t_run 1 "check 48 h - 1 s: WARNING" at "2026-11-26 09:00:01" "$HSMO" status --check
t_grep "$T_OUT" "HSM-ONBOARD WARNING - ACMEHSM01: 1 d 23 h 59 min left" "WARNING line"
t_run 1 "check 12 h + 1 s: WARNING" at "2026-11-27 20:59:59" "$HSMO" status --check
t_run 2 "check 12 h - 1 s: CRITICAL" at "2026-11-27 21:00:01" "$HSMO" status --check
t_grep "$T_OUT" "HSM-ONBOARD CRITICAL - ACMEHSM01: 11 h 59 min left" "CRITICAL line"
t_run 2 "check 1 s before the deadline: CRITICAL" at "2026-11-28 08:59:59" "$HSMO" status --check
t_run 2 "check 1 s after the deadline: CRITICAL, expired" at "2026-11-28 09:00:01" "$HSMO" status --check
t_grep "$T_OUT" "HSM-ONBOARD CRITICAL - ACMEHSM01: EXPIRED since Sat 28 Nov 2026 10:00 CET" "expired line"
t_run 0 "status --json: expired" at "2026-11-28 09:00:01" "$HSMO" status --json
json 'j["profiles"][0]["setup_password"]["state"] == "expired" and j["profiles"][0]["setup_password"]["seconds_left"] is None'

# ---- the ticket, expired ----
CONTRACT="OFFER-2026-0042"
CONTACT="Jane Doe, +41 00 000 00 00"
for fmt in text markdown json; do
	t_run 0 "ticket --format $fmt (expired)" at "2026-11-29 08:00:00" "$HSMO" ticket --format "$fmt" \
		--contract "$CONTRACT" --contact "$CONTACT"
	cp "$T_OUT" "$T_DIR/ticket.$fmt"
	t_grep "$T_OUT" "Renewal of the HSM setup password for HSM user ACMEHSM01" "$fmt: request line"
	for field in ACME_Corp eco ECO standard ACMEHSM01 svc-ACMEHSM01 ECO01 CKR_PIN_INCORRECT "the PIN is incorrect" \
		eco01.example.invalid:2310 "$CONTRACT" "$CONTACT" "renewal of the setup password incurs costs" \
		"Only registered support users can file support tickets" hsm-onboard "$(uname -s)"; do
		t_grep "$T_OUT" "$field" "$fmt: has $field"
	done
	t_nogrep "$T_OUT" "NOT expired" "$fmt: no not-expired notice when expired"
done
for f in "Company:            ACME_Corp" "Service type:       standard" "Cluster:            ECO01" \
	"First use:          2026-11-21 09:00 UTC (Sat 21 Nov 2026 10:00 CET)" \
	"Expiry:             2026-11-28 09:00 UTC (Sat 28 Nov 2026 10:00 CET)" \
	"State:              expired since 2026-11-28 09:00 UTC" \
	"Last error:         CKR_PIN_INCORRECT: the PIN is incorrect; recorded" \
	"                    2026-11-28 09:30 UTC (Sat 28 Nov 2026 10:30 CET)" \
	"Preflight:          2026-11-28 09:20 UTC (Sat 28 Nov 2026 10:20 CET):" \
	"Generated:          2026-11-29 08:00 UTC" "Tool:               hsm-onboard" "OS:" \
	"Hosts:              ch01-api.cloudshsm.com, ch02-api.cloudshsm.com"; do
	t_grep "$T_DIR/ticket.text" "$f" "text: $f"
done
grep -qx "Date of issue:      2026-11-20" "$T_DIR/ticket.text" || t_fail "text: the date of issue is not the date alone"
t_ok "text: the date of issue is a date, without a clock time"
awk 'length($0) > 80 { exit 1 }' "$T_DIR/ticket.text" || t_fail "text ticket has a line over 80 columns"
t_ok "text ticket fits 80 columns"
t_grep "$T_DIR/ticket.markdown" "# HSM setup password renewal request" "markdown heading"
t_grep "$T_DIR/ticket.markdown" "| Field | Value |" "markdown table"
t_grep "$T_DIR/ticket.markdown" "| Expiry | 2026-11-28 09:00 UTC (Sat 28 Nov 2026 10:00 CET) |" "markdown expiry row"
cp "$T_DIR/ticket.json" "$T_OUT"
json 'j["schema"] == "hsm-onboard-ticket/1" and j["notice"] is None'
json 'j["hsm_user"] == "ACMEHSM01" and j["tier"] == "ECO" and j["company"] == "ACME_Corp" and j["service"] == "eco"'
json 'j["service_user"] == "svc-ACMEHSM01" and j["service_type"] == "standard" and j["cluster"] == "ECO01"'
json 'j["setup_password"]["state"] == "expired" and j["setup_password"]["expires_at"] == "2026-11-28T09:00:00Z"'
json 'j["setup_password"]["first_use"] == "2026-11-21T09:00:00Z" and j["setup_password"]["issued"] == "2026-11-20T00:00:00Z"'
json 'j["setup_password"]["since"] == "2026-11-28T09:00:00Z" and j["setup_password"]["expires_at_local"] == "2026-11-28T10:00:00+01:00"'
json 'j["last_error"] == {"at": "2026-11-28T09:30:00Z", "code": "CKR_PIN_INCORRECT", "message": "the PIN is incorrect"}'
json 'j["preflight"]["checks"][0] == {"endpoint": "eco01.example.invalid:2310", "category": "ok", "latency_ms": 12}'
json 'j["contract"] == "OFFER-2026-0042" and j["contact"].startswith("Jane Doe") and j["generated_at"] == "2026-11-29T08:00:00Z"'
json 'len(j["statements"]) == 4 and j["os"].startswith("Linux")'
json 'j["hosts"] == ["ch01-api.cloudshsm.com", "ch02-api.cloudshsm.com"]'

# --qr, both drawings.
t_run 0 "ticket --qr" at "2026-11-29 08:00:00" "$HSMO" ticket --qr
t_grep "$T_OUT" "QR code of a summary" "QR heading"
t_grep "$T_OUT" "█" "half blocks in UTF-8"
t_run 0 "ticket --qr --ascii" at "2026-11-29 08:00:00" "$HSMO" ticket --qr --ascii
t_grep "$T_OUT" "##############" "ASCII modules (a finder pattern's edge)"
t_nogrep "$T_OUT" "█" "no half block in ASCII mode"
t_run 0 "ticket --qr in a non-UTF-8 locale draws ASCII" env LC_ALL=C LANG=C "$HSMO" ticket --qr
t_grep "$T_OUT" "##############" "ASCII in the C locale"
# The drawn codes must scan: each is turned back into a bitmap (dark module = black pixel, as a phone
# sees it on a light background) and decoded by zbarimg, an independent reader.
if command -v zbarimg >/dev/null 2>&1; then
	cat > "$T_DIR/qr2pbm.py" <<'EOS'
import sys
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
i = [n for n, l in enumerate(lines) if l.startswith('QR code of a summary')][0]
q = [l for l in lines[i + 1:] if l not in ('', '```')]
rows = []
for l in q:
    if sys.argv[2] == 'utf8':
        rows.append([c in '\u2588\u2580' for c in l])
        rows.append([c in '\u2588\u2584' for c in l])
    else:
        rows.append([l[k:k + 2] == '##' for k in range(0, len(l), 2)])
w, s = max(len(r) for r in rows), 4
with open(sys.argv[3], 'w') as f:
    f.write('P1\n%d %d\n' % (w * s, len(rows) * s))
    for r in rows:
        px = ''.join(('1' if x < len(r) and r[x] else '0') * s for x in range(w))
        for _ in range(s):
            f.write(px + '\n')
EOS
	for mode in utf8 ascii; do
		opt=; [ "$mode" = ascii ] && opt=--ascii
		t_run 0 "ticket --qr $opt --format markdown for decoding" at "2026-11-29 08:00:00" "$HSMO" ticket --qr $opt \
			--format markdown --contract "$CONTRACT"
		python3 "$T_DIR/qr2pbm.py" "$T_OUT" "$mode" "$T_DIR/qr.pbm"
		zbarimg --raw -q "$T_DIR/qr.pbm" > "$T_DIR/qr.decoded" 2>/dev/null || t_fail "zbarimg could not read the $mode QR code"
		for want in "HSM setup password renewal" "HSM user: ACMEHSM01" "Tier: ECO" "State: expired" \
			"Expiry: 2026-11-28T09:00:00Z" "Last error: CKR_PIN_INCORRECT" "Contract: OFFER-2026-0042"; do
			t_grep "$T_DIR/qr.decoded" "$want" "$mode QR code decodes to '$want'"
		done
	done
else
	echo "# zbarimg (zbar-tools) is missing: the QR codes are checked against libqrencode's matrix only (test_qr)"
fi
t_run 64 "ticket --qr with json is refused" "$HSMO" ticket --qr --format json
t_run 64 "ticket --format pdf is refused" "$HSMO" ticket --format pdf

# --output: atomic, complete, the same as stdout; no temp file left.
mkdir -p "$HOME/out"
t_run 0 "ticket --output" at "2026-11-29 08:00:00" "$HSMO" ticket --output "$HOME/out/ticket.txt" \
	--contract "$CONTRACT" --contact "$CONTACT"
t_grep "$T_ERR" "Ticket written to $HOME/out/ticket.txt" "--output says where"
cmp -s "$HOME/out/ticket.txt" "$T_DIR/ticket.text" || t_fail "--output differs from the stdout ticket"
t_ok "--output holds the same ticket as stdout"
[ "$(ls -A "$HOME/out")" = "ticket.txt" ] || t_fail "--output left other files: $(ls -A "$HOME/out")"
t_ok "--output left no temp file"
if "$HSMO" --list-failpoints 2>/dev/null | grep -qx ticket.before-rename; then
	set +e
	HSM_ONBOARD_FAILPOINT=ticket.before-rename "$HSMO" ticket --format json --force --output "$HOME/out/ticket.txt" \
		>/dev/null 2>&1
	set -e
	cmp -s "$HOME/out/ticket.txt" "$T_DIR/ticket.text" || t_fail "a crash before the rename damaged the old ticket"
	t_ok "a crash before the rename leaves the previous ticket whole"
fi
t_run 73 "ticket --output into a missing directory" "$HSMO" ticket --output "$HOME/nonexistent/t.txt"

# --print through a stand-in lp: NOT the CUPS client, but a script that saves its arguments and stdin.
cat > "$BIN/lp" <<'EOS'
#!/bin/sh
# Stand-in for CUPS lp, placed first in PATH by status-ticket.sh: records what it was given.
printf '%s\n' "$@" > "$LP_ARGS"
cat > "$LP_STDIN"
echo "request id is stand-in-1 (1 file(s))"
EOS
chmod 755 "$BIN/lp"
export LP_ARGS="$T_DIR/lp.args" LP_STDIN="$T_DIR/lp.stdin"
t_run 0 "ticket --print via the stand-in lp" at "2026-11-29 08:00:00" env PATH="$BIN:$PATH" \
	"$HSMO" ticket --print --contract "$CONTRACT" --contact "$CONTACT"
cmp -s "$LP_STDIN" "$T_DIR/ticket.text" || t_fail "lp did not get the ticket on stdin"
t_ok "lp got the whole ticket on stdin"
t_grep "$LP_ARGS" "hsm-onboard support ticket" "lp got a title"
t_grep "$T_ERR" "Ticket sent to lp" "--print says so"
cat > "$BIN/lp" <<'EOS'
#!/bin/sh
# Stand-in for CUPS lp that fails as lp does without a default printer.
cat > /dev/null
echo "lp: Error - No default destination." >&2
exit 1
EOS
t_run 69 "ticket --print with a failing lp" env PATH="$BIN:$PATH" "$HSMO" ticket --print
t_grep "$T_ERR" "failed with exit status 1; the ticket was not printed" "a failing lp is reported"
mkdir -p "$T_DIR/empty-path"
t_run 69 "ticket --print without lp in PATH" env PATH="$T_DIR/empty-path" "$HSMO" ticket --print
t_grep "$T_ERR" "'lp' (the CUPS client) was not found in PATH" "a missing lp is reported"

# A ticket while the password is still running says so at the top, in every format.
for fmt in text markdown json; do
	t_run 0 "ticket --format $fmt (running)" at "2026-11-26 04:46:30" "$HSMO" ticket --format "$fmt"
	head -n 5 "$T_OUT" | grep -q "NOTE: the setup password has NOT expired: 2 d 04 h 13 min left" ||
		{ cat "$T_OUT" >&2; t_fail "$fmt: no not-expired notice at the top"; }
	t_ok "$fmt: the not-expired notice is at the top"
done

# ---- ECO-CC: from 00:00 Europe/Zurich on the date of issue ----
t_state_profile ACMECC01 '"tier": "ECO-CC", "service_type": "standard", "hsm_user": "ACMECC01",
	"service_user": "svc-ACMECC01", "issued": "2026-11-20T00:00:00Z"'
t_run 0 "ECO-CC status" at "2026-11-24 18:46:30" "$HSMO" --profile ACMECC01 status
t_grep "$T_OUT" "2 d 04 h 13 min left: expires Fri 27 Nov 2026 00:00 CET" "ECO-CC counts from Zurich midnight"
t_run 0 "ECO-CC json" at "2026-11-24 18:46:30" "$HSMO" --profile ACMECC01 status --json
json 'j["profiles"][0]["tier"] == "ECO-CC" and j["profiles"][0]["setup_password"]["expires_at"] == "2026-11-26T23:00:00Z"'
t_run 2 "ECO-CC 1 s before the deadline" at "2026-11-26 22:59:59" "$HSMO" --profile ACMECC01 status --check
t_grep "$T_OUT" "ACMECC01: 1 s left" "1 s left"
t_run 2 "ECO-CC 1 s after the deadline" at "2026-11-26 23:00:01" "$HSMO" --profile ACMECC01 status --check
t_grep "$T_OUT" "EXPIRED since Fri 27 Nov 2026 00:00 CET" "ECO-CC expired"
t_run 64 "mark-used does not apply to ECO-CC" at "2026-11-24 10:00:00" "$HSMO" --profile ACMECC01 mark-used
t_grep "$T_ERR" "mark-used does not apply to ECO-CC" "ECO-CC mark-used message"

# Issued the day before the autumn change: 00:00 CEST + 7 x 24 h is 23:00 CET.
t_state_profile ACMECC02 '"tier": "ECO-CC", "service_type": "standard", "hsm_user": "ACMECC02",
	"issued": "2026-10-24T00:00:00Z"'
t_run 0 "ECO-CC across the DST change" at "2026-10-26 12:00:00" "$HSMO" --profile ACMECC02 status
t_grep "$T_OUT" "expires Fri 30 Oct 2026 23:00 CET" "deadline across the autumn change"

# Several profiles: one Nagios line, the worst state wins.
t_run 2 "check every profile" at "2026-11-26 23:00:01" "$HSMO" status --check
t_grep "$T_OUT" "ACMECC01: EXPIRED" "the expired profile is in the line"
t_grep "$T_OUT" "ACMEHSM01: 1 d 09 h 59 min left" "the other profile too"
t_run 0 "status lists every profile" at "2026-11-26 23:00:01" "$HSMO" status
[ "$(grep -c ': HSM user ' "$T_OUT")" -eq 3 ] || { cat "$T_OUT" >&2; t_fail "status should list 3 profiles"; }
t_ok "status lists 3 profiles"
t_run 64 "ticket needs --profile among several" "$HSMO" ticket

# ---- missing data and replacement ----
t_state_profile NOTIER '"hsm_user": "NOTIER", "issued": "2026-11-20T00:00:00Z"'
t_run 3 "check with an unknown tier: UNKNOWN" at "2026-11-21 09:00:00" "$HSMO" --profile NOTIER status --check
t_grep "$T_OUT" "HSM-ONBOARD UNKNOWN - NOTIER: unknown: the tier is missing" "the missing datum is named"
t_state_profile NODATE '"tier": "ECO-CC", "hsm_user": "NODATE"'
t_run 0 "status: ECO-CC without a date of issue" "$HSMO" --profile NODATE status --json
json 'j["profiles"][0]["setup_password"]["state"] == "unknown" and j["profiles"][0]["setup_password"]["expires_at"] is None'
t_run 0 "ticket with missing data says so at the top" "$HSMO" --profile NODATE ticket
head -n 5 "$T_OUT" | tr '\n' ' ' | grep -q "NOTE: it is not known whether the setup password has expired: the date" ||
	{ cat "$T_OUT" >&2; t_fail "no notice for missing data"; }
t_ok "missing-data notice at the top"
t_state_profile ROTATED '"tier": "ECO", "hsm_user": "ROTATED", "first_use": "2026-11-01T09:00:00Z", "rotation": "verified",
	"events": [{"at": "2026-11-01T09:01:00Z", "kind": "rotated", "detail": null}]'
t_run 0 "check after the rotation: OK" at "2026-11-21 09:00:00" "$HSMO" --profile ROTATED status --check
t_grep "$T_OUT" "ROTATED: replaced by the rotation" "replaced state"
t_run 64 "mark-used after the rotation is refused" "$HSMO" --profile ROTATED mark-used
t_run 0 "ticket after the rotation says not expired" at "2026-11-21 09:00:00" "$HSMO" --profile ROTATED ticket
head -n 5 "$T_OUT" | grep -q "NOTE: the setup password has NOT expired" || { cat "$T_OUT" >&2; t_fail "no notice"; }
t_ok "replaced: notice at the top"
# A profile without state.json cannot be shown, and says why.
mkdir -p "$XDG_STATE_HOME/hsm-onboard/EMPTY"
t_run 66 "status of a profile without state" "$HSMO" --profile EMPTY status
t_grep "$T_ERR" "EMPTY has no state.json" "the missing state.json is named"
t_run 3 "check of a profile without state: UNKNOWN" "$HSMO" --profile EMPTY status --check

# The ticket code is not linked with the vault: its object file references no vault function.
obj="$top_builddir/src/core/libhsmonboard_a-ticket.o"
if command -v nm >/dev/null 2>&1; then
	[ -f "$obj" ] || t_fail "$obj is missing: the build moved it, update this test"
	! nm "$obj" | grep -q 'vault_' || t_fail "ticket.o references the vault"
	t_ok "ticket.o references no vault function"
fi
t_done
