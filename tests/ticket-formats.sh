#!/bin/sh
# ticket-formats.sh: the support ticket in every format (text, markdown, json) for an expired, a
# running, an unknown and a replaced setup password; --qr (both drawings, decoded by zbarimg); --output
# (atomic, the same as stdout); --print through a stand-in lp. The profiles are state.json files as
# import writes them. The ticket code never links the vault (nm).
#
# The clock is moved with libfaketime, preloaded directly (tests/lib.sh, t_at).
. "$top_srcdir/tests/lib.sh"

t_need_faketime
t_need_python3

BIN="$T_DIR/bin" # the stand-in lp
mkdir -p "$BIN"



# ECO, first used on 21 Nov 09:00 UTC: the deadline is 28 Nov 09:00 UTC (status-countdown.sh).
t_state_profile ACMEHSM01 '"tier": "ECO", "service_type": "standard", "hsm_user": "ACMEHSM01",
	"service_user": "svc-ACMEHSM01", "company": "ACME_Corp", "service": "eco", "cluster": "ECO01",
	"issued": "2026-11-20T00:00:00Z", "first_use": "2026-11-21T09:00:00Z", "created": "2026-11-20T09:00:00Z",
	"last_error": {"at": "2026-11-28T09:30:00Z", "code": "CKR_PIN_INCORRECT", "message": "the PIN is incorrect"},
	"checked_at": "2026-11-28T09:20:00Z",
	"checks": [{"endpoint": "eco01.example.invalid:2310", "category": "ok", "latency_ms": 12}],
	"events": [{"at": "2026-11-20T09:00:00Z", "kind": "imported", "detail": "service hsm"}]'
# ---- the ticket, expired ----
CONTRACT="OFFER-2026-0042"
CONTACT="Jane Doe, +41 00 000 00 00"
for fmt in text markdown json; do
	t_run 0 "ticket --format $fmt (expired)" t_at "2026-11-29 08:00:00" "$HSMO" ticket --format "$fmt" \
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
t_json 'j["schema"] == "hsm-onboard-ticket/1" and j["notice"] is None'
t_json 'j["hsm_user"] == "ACMEHSM01" and j["tier"] == "ECO" and j["company"] == "ACME_Corp" and j["service"] == "eco"'
t_json 'j["service_user"] == "svc-ACMEHSM01" and j["service_type"] == "standard" and j["cluster"] == "ECO01"'
t_json 'j["setup_password"]["state"] == "expired" and j["setup_password"]["expires_at"] == "2026-11-28T09:00:00Z"'
t_json 'j["setup_password"]["first_use"] == "2026-11-21T09:00:00Z" and j["setup_password"]["issued"] == "2026-11-20T00:00:00Z"'
t_json 'j["setup_password"]["since"] == "2026-11-28T09:00:00Z" and j["setup_password"]["expires_at_local"] == "2026-11-28T10:00:00+01:00"'
t_json 'j["last_error"] == {"at": "2026-11-28T09:30:00Z", "code": "CKR_PIN_INCORRECT", "message": "the PIN is incorrect"}'
t_json 'j["preflight"]["checks"][0] == {"endpoint": "eco01.example.invalid:2310", "category": "ok", "latency_ms": 12}'
t_json 'j["contract"] == "OFFER-2026-0042" and j["contact"].startswith("Jane Doe") and j["generated_at"] == "2026-11-29T08:00:00Z"'
t_json 'len(j["statements"]) == 4 and j["os"].startswith("Linux")'
t_json 'j["hosts"] == ["ch01-api.cloudshsm.com", "ch02-api.cloudshsm.com"]'

# --qr, both drawings.
t_run 0 "ticket --qr" t_at "2026-11-29 08:00:00" "$HSMO" ticket --qr
t_grep "$T_OUT" "QR code of a summary" "QR heading"
t_grep "$T_OUT" "█" "half blocks in UTF-8"
t_run 0 "ticket --qr --ascii" t_at "2026-11-29 08:00:00" "$HSMO" ticket --qr --ascii
t_grep "$T_OUT" "##############" "ASCII modules (a finder pattern's edge)"
t_nogrep "$T_OUT" "█" "no half block in ASCII mode"
t_run 0 "ticket --qr in a non-UTF-8 locale draws ASCII" env LC_ALL=C LANG=C "$HSMO" ticket --qr
t_grep "$T_OUT" "##############" "ASCII in the C locale"
# The drawn codes must scan: each is turned back into a bitmap (dark module = black pixel, as a phone
# sees it on a light background) and decoded by zbarimg, an independent reader.
if t_have_tool zbarimg zbar-tools "the QR codes read back by zbarimg"; then
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
		t_run 0 "ticket --qr $opt --format markdown for decoding" t_at "2026-11-29 08:00:00" "$HSMO" ticket --qr $opt \
			--format markdown --contract "$CONTRACT"
		python3 "$T_DIR/qr2pbm.py" "$T_OUT" "$mode" "$T_DIR/qr.pbm"
		zbarimg --raw -q "$T_DIR/qr.pbm" > "$T_DIR/qr.decoded" 2>/dev/null || t_fail "zbarimg could not read the $mode QR code"
		for want in "HSM setup password renewal" "HSM user: ACMEHSM01" "Tier: ECO" "State: expired" \
			"Expiry: 2026-11-28T09:00:00Z" "Last error: CKR_PIN_INCORRECT" "Contract: OFFER-2026-0042"; do
			t_grep "$T_DIR/qr.decoded" "$want" "$mode QR code decodes to '$want'"
		done
	done
fi
t_run 64 "ticket --qr with json is refused" "$HSMO" ticket --qr --format json
t_run 64 "ticket --format pdf is refused" "$HSMO" ticket --format pdf

# --output: atomic, complete, the same as stdout; no temp file left.
mkdir -p "$HOME/out"
t_run 0 "ticket --output" t_at "2026-11-29 08:00:00" "$HSMO" ticket --output "$HOME/out/ticket.txt" \
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
# Stand-in for CUPS lp, placed first in PATH by ticket-formats.sh: records what it was given.
printf '%s\n' "$@" > "$LP_ARGS"
cat > "$LP_STDIN"
echo "request id is stand-in-1 (1 file(s))"
EOS
chmod 755 "$BIN/lp"
export LP_ARGS="$T_DIR/lp.args" LP_STDIN="$T_DIR/lp.stdin"
t_run 0 "ticket --print via the stand-in lp" t_at "2026-11-29 08:00:00" env PATH="$BIN:$PATH" \
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
	t_run 0 "ticket --format $fmt (running)" t_at "2026-11-26 04:46:30" "$HSMO" ticket --format "$fmt"
	head -n 5 "$T_OUT" | grep -q "NOTE: the setup password has NOT expired: 2 d 04 h 13 min left" ||
		{ cat "$T_OUT" >&2; t_fail "$fmt: no not-expired notice at the top"; }
	t_ok "$fmt: the not-expired notice is at the top"
done

# A ticket whose countdown is unknown, or whose password was replaced, says so at the top.
t_state_profile NODATE '"tier": "ECO-CC", "hsm_user": "NODATE"'
t_state_profile ROTATED '"tier": "ECO", "hsm_user": "ROTATED", "first_use": "2026-11-01T09:00:00Z", "rotation": "verified",
	"events": [{"at": "2026-11-01T09:01:00Z", "kind": "rotated", "detail": null}]'
t_run 0 "ticket with missing data says so at the top" "$HSMO" --profile NODATE ticket
head -n 5 "$T_OUT" | tr '\n' ' ' | grep -q "NOTE: it is not known whether the setup password has expired: the date" ||
	{ cat "$T_OUT" >&2; t_fail "no notice for missing data"; }
t_ok "missing-data notice at the top"
t_run 0 "ticket after the rotation says not expired" t_at "2026-11-21 09:00:00" "$HSMO" --profile ROTATED ticket
head -n 5 "$T_OUT" | grep -q "NOTE: the setup password has NOT expired" || { cat "$T_OUT" >&2; t_fail "no notice"; }
t_ok "replaced: notice at the top"

# The ticket code is not linked with the vault: its object file references no vault function.
obj="$top_builddir/src/core/libhsmonboard_a-ticket.o"
[ -f "$obj" ] || t_fail "$obj is missing: the build moved it, update this test"
! nm "$obj" | grep -q 'vault_' || t_fail "ticket.o references the vault"
t_ok "ticket.o references no vault function"
t_done
