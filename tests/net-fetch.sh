#!/bin/sh
# net-fetch.sh: `fetch` against a real nginx with a throwaway CA: a good download (imported, then
# shredded), https-only for URLs and redirects, the size cap, CA verification, HTTP errors, resume of
# a .part with a Range request (and the restart when the server ignores it), and an interrupted
# transfer that leaves nothing imported. Ends with a leak scan of every secret.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/net-lib.sh"
net_require
net_make_ca

t_passphrase "fetch-$(t_rand_alnum 16)"
WWW="$NET_DIR/www"
mkdir -p "$WWW/files" "$WWW/big" "$WWW/slow" "$WWW/norange"
t_make_credfiles "$WWW/files" ACME sbx U1 20261120
U1_SERVICE=$(basename "$T_SERVICE_FILE") U1_HSM=$(basename "$T_HSM_FILE")
t_make_credfiles "$WWW/files" ACME sbx U2 20261120
U2_SERVICE=$(basename "$T_SERVICE_FILE")
t_make_credfiles "$WWW/norange" ACME sbx U3 20261120
U3_SERVICE=$(basename "$T_SERVICE_FILE")
t_make_credfiles "$WWW/slow" ACME sbx U4 20261120
U4_SERVICE=$(basename "$T_SERVICE_FILE")
# A valid-looking name over the 64 KiB cap.
python3 -c 'import sys; sys.stdout.write("Service User Name: x\n" + "#" * 100000 + "\n")' \
	> "$WWW/big/ACME_sbx_service_BIG_20261120.txt"
chmod -R a+rX "$WWW"

cat > "$NET_DIR/server.block" <<'EOF'
		location /files/ { }
		location /big/ { }
		# SSI drops the Content-Length: a body of unannounced size, capped only while it arrives.
		location /chunked/ { alias @DIR@/www/big/; ssi on; ssi_types text/plain; }
		location /slow/ { limit_rate $hsmo_rate; }
		location /norange/ { max_ranges 0; }
		location /r/ { rewrite ^/r/(.*)$ https://127.0.0.1:@PORT@/files/$1 redirect; }
		location /to-http/ { rewrite ^/to-http/(.*)$ http://127.0.0.1:@PORT@/files/$1 redirect; }
		location /fail/ { return 500; }
EOF
net_start_nginx "$NET_DIR/server.block"
URL="https://127.0.0.1:$NET_PORT"
DL="$XDG_STATE_HOME/hsm-onboard/.downloads"

# ---- a good download: two files (one through an https redirect), imported together ----
t_run 0 "good download" t_hsmo fetch --cacert "$NET_DIR/ca.pem" "$URL/files/$U1_SERVICE" "$URL/r/$U1_HSM"
t_grep "$T_OUT" "Profile U1: imported." "the downloads were imported"
[ -f "$XDG_STATE_HOME/hsm-onboard/U1/vault" ] || t_fail "no vault for U1"
t_ok "the profile has its vault"
grep -q '"service_user": "svc-U1"' "$XDG_STATE_HOME/hsm-onboard/U1/state.json" || t_fail "state.json lacks svc-U1"
t_ok "both files were paired into one profile"
[ "$(stat -c %a "$DL")" = 700 ] || t_fail "the download folder is not 0700"
t_ok "the download folder is 0700"
[ -z "$(ls -A "$DL")" ] || { ls -la "$DL" >&2; t_fail "plaintext downloads were left behind"; }
t_ok "the plaintext downloads were shredded after the import"

# ---- refusals ----
lines() { wc -l < "$NET_DIR/access.log"; }
before=$(lines)
t_run 64 "http:// refused" t_hsmo fetch "http://127.0.0.1:$NET_PORT/files/$U1_SERVICE"
t_grep "$T_ERR" "only https:// URLs" "http:// is refused with a reason"
[ "$(lines)" = "$before" ] || t_fail "an http:// URL reached the server"
t_ok "an http:// URL never leaves the machine"

t_run 69 "redirect to http refused" t_hsmo fetch --cacert "$NET_DIR/ca.pem" "$URL/to-http/$U1_SERVICE"
t_grep "$T_ERR" "redirected to a URL that is not https://" "the redirect to http is named"

t_run 65 "oversize refused" t_hsmo fetch --cacert "$NET_DIR/ca.pem" "$URL/big/ACME_sbx_service_BIG_20261120.txt"
t_grep "$T_ERR" "larger than 64 KiB" "the cap is named"
[ ! -e "$DL/ACME_sbx_service_BIG_20261120.txt" ] && [ ! -e "$DL/ACME_sbx_service_BIG_20261120.txt.part" ] ||
	t_fail "an oversize download was kept"
t_ok "nothing of the oversize body is kept"

t_run 65 "oversize refused without a Content-Length" t_hsmo fetch --cacert "$NET_DIR/ca.pem" \
	"$URL/chunked/ACME_sbx_service_BIG_20261120.txt"
t_grep "$T_ERR" "larger than 64 KiB" "the cap holds for a body of unannounced size"
grep -q "GET /chunked/ACME_sbx_service_BIG_20261120.txt 200 .* len=-" "$NET_DIR/access.log" ||
	{ cat "$NET_DIR/access.log" >&2; t_fail "the chunked response announced its size"; }
t_ok "that response had no Content-Length (the write callback enforced the cap)"
[ ! -e "$DL/ACME_sbx_service_BIG_20261120.txt.part" ] || t_fail "the capped body was kept"
t_ok "nothing of the capped body is kept"

t_run 69 "untrusted CA refused" t_hsmo fetch --cacert "$NET_DIR/other-ca.pem" "$URL/files/$U1_SERVICE"
t_grep "$T_ERR" "TLS failed" "a CA problem is reported as TLS"
t_run 69 "throwaway CA not trusted without --cacert" t_hsmo fetch "$URL/files/$U1_SERVICE"
t_grep "$T_ERR" "certificate" "the certificate problem is named"

t_run 69 "404 reported" t_hsmo fetch --cacert "$NET_DIR/ca.pem" "$URL/files/ACME_sbx_service_NOPE_20261120.txt"
t_grep "$T_ERR" "HTTP 404" "404 is named"
t_run 69 "500 reported" t_hsmo fetch --cacert "$NET_DIR/ca.pem" "$URL/fail/ACME_sbx_service_NOPE_20261120.txt"
t_grep "$T_ERR" "HTTP 500" "500 is named"
[ ! -e "$XDG_STATE_HOME/hsm-onboard/NOPE" ] || t_fail "a failed download created a profile"
t_ok "failed downloads import nothing"

# ---- resume of a .part with a Range request ----
head -c 40 "$WWW/files/$U2_SERVICE" > "$DL/$U2_SERVICE.part"
chmod 600 "$DL/$U2_SERVICE.part"
t_run 0 "resume a partial .part" t_hsmo fetch --cacert "$NET_DIR/ca.pem" "$URL/files/$U2_SERVICE"
t_grep "$T_ERR" "resumed after 40 bytes" "the resume is reported"
grep -q "GET /files/$U2_SERVICE 206 range=bytes=40-" "$NET_DIR/access.log" ||
	{ cat "$NET_DIR/access.log" >&2; t_fail "nginx saw no Range request from byte 40"; }
t_ok "nginx answered 206 to a Range request from byte 40"
grep -q '"service_user": "svc-U2"' "$XDG_STATE_HOME/hsm-onboard/U2/state.json" ||
	t_fail "the resumed file was not imported whole"
t_ok "the resumed file was imported whole"

# A server that ignores ranges: one restart from zero, and the file is still right.
head -c 40 "$WWW/norange/$U3_SERVICE" > "$DL/$U3_SERVICE.part"
chmod 600 "$DL/$U3_SERVICE.part"
t_run 0 "restart when the range is ignored" t_hsmo fetch --cacert "$NET_DIR/ca.pem" "$URL/norange/$U3_SERVICE"
t_grep "$T_ERR" "ignored the resume request" "the restart is reported"
grep -q '"service_user": "svc-U3"' "$XDG_STATE_HOME/hsm-onboard/U3/state.json" ||
	t_fail "the restarted file was not imported"
t_ok "the restarted download was imported"

# ---- an interrupted transfer leaves no imported half file ----
"$T_HSMO_FROM" "$T_DIR/pass" fetch --cacert "$NET_DIR/ca.pem" "$URL/slow/$U4_SERVICE" >"$T_DIR/slow.out" 2>"$T_DIR/slow.err" &
slow_pid=$!
NET_BG_PIDS="$NET_BG_PIDS $slow_pid"
net_wait_file "$DL/$U4_SERVICE.part" 10 || t_fail "the slow download did not start"
kill -INT "$slow_pid"
set +e
wait "$slow_pid"
rc=$?
set -e
cat "$T_DIR/slow.out" "$T_DIR/slow.err" >> "$T_DIR/all-output"
[ "$rc" -eq 75 ] || { cat "$T_DIR/slow.err" >&2; t_fail "interrupted fetch: exit $rc, expected 75"; }
t_grep "$T_DIR/slow.err" "interrupted" "the interruption is reported"
size=$(stat -c %s "$DL/$U4_SERVICE.part")
full=$(stat -c %s "$WWW/slow/$U4_SERVICE")
[ "$size" -gt 0 ] && [ "$size" -lt "$full" ] || t_fail "the .part holds $size of $full bytes"
t_ok "the .part holds $size of $full bytes"
[ ! -e "$DL/$U4_SERVICE" ] || t_fail "a half file was put in place"
[ ! -e "$XDG_STATE_HOME/hsm-onboard/U4" ] || t_fail "a half file was imported"
t_ok "nothing of the interrupted transfer was imported"
t_run 0 "the interrupted download resumes" t_hsmo fetch --cacert "$NET_DIR/ca.pem" "$URL/slow/$U4_SERVICE"
grep -q "GET /slow/$U4_SERVICE 206 range=bytes=$size-" "$NET_DIR/access.log" ||
	{ cat "$NET_DIR/access.log" >&2; t_fail "the second fetch did not resume from byte $size"; }
grep -q '"service_user": "svc-U4"' "$XDG_STATE_HOME/hsm-onboard/U4/state.json" ||
	t_fail "the resumed download was not imported"
t_ok "the second fetch resumed from byte $size and imported the whole file"

[ -z "$(ls -A "$DL")" ] || { ls -la "$DL" >&2; t_fail "plaintext downloads were left behind"; }
t_ok "no plaintext download is left"
t_scan_leaks "$NET_DIR/access.log" "$NET_DIR/error.log"
t_done
