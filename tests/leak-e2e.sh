#!/bin/bash
# leak-e2e.sh: one end-to-end onboarding, and not one secret value anywhere it must not be.
#
# The run (real commands, real parts):
#   A. pkcs11: import (service + hsm file with a PKCS#11 password) -> connect (SoftHSM2 token) ->
#      verify -> config --output -> ticket (stdout and --output) -> status --json -> secrets;
#   B. primus: import -> connect --engine primus against hsm-onboard-ppin-sim -> config, restore;
#   C. TSBaaS: import of a jwt file -> status -> secrets;
#   D. the wizard in tmux on the pkcs11 profile (its vault passphrase typed in the wizard).
# The secrets: the service password, the setup password, the PKCS#11 password, the JWT, the vault
# passphrases, the SoftHSM2 SO PIN, and the user secret the rotation created. Scanned:
#   - every file under the test's directory: HOME and all XDG directories, XDG_RUNTIME_DIR, the
#     product's TMPDIR, the SoftHSM2 token store, the provider configuration, the ticket, the traces;
#     and every file created under /tmp while the test ran;
#   - the stdout and stderr of every command;
#   - the full tmux scrollback of the wizard run;
#   - the argv and environment of every process the product started: each command runs under
#     `strace -f -e trace=execve -v -s 4096`, which records the complete argv and envp of every exec in
#     the product's process tree (what /proc/<pid>/cmdline and environ show at exec); the ppin
#     stand-in also records its own /proc/self/cmdline and environ.
# Zero hits. Exempt by design, each checked otherwise: the test's inputs in creds/ (the credential
# files we were given, the passphrases we type), and in the folders `config` wrote the files whose
# name says they hold a secret for a client (pkcs11.pin, *.secret, *.secret.*, .secrets.cfg): each
# must be mode 0600, and the user secret and the JWT must be in no other file.
# Every part runs: a missing tool skips the whole test by name (tests/lib.sh's t_need_*), and a
# missing build product fails it.
. "${top_srcdir:?}/tests/lib.sh"
. "$top_srcdir/tests/hardening-lib.sh"

t_need_softhsm
t_need_tool strace strace
t_need_tmux
PPIN="$top_builddir/hsm-onboard-ppin-sim"
[ -x "$PPIN" ] || t_fail "$PPIN was not built"

START="$T_DIR/.start"
: > "$START"
D_FILES="- -"
export TMPDIR="$T_DIR/tmp"
mkdir -p "$TMPDIR" "$T_DIR/trace" "$T_DIR/creds"
chmod 700 "$TMPDIR"

# traced CMD...: runs CMD (hsm-onboard, or tests/lib.sh's T_HSMO_FROM) under strace (every exec of its
# tree, full argv and envp). Under ASan, LeakSanitizer cannot run inside a traced process (it needs
# ptrace itself), so leak detection is off for these runs only; the same commands run untraced, with
# it, in the other tests.
NTRACE=0
traced() {
	NTRACE=$((NTRACE + 1))
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -qq -e trace=execve -v -s 4096 \
		-o "$T_DIR/trace/$NTRACE.strace" "$@"
}
# vault_pass NAME: a vault passphrase in $T_DIR/creds/pass_NAME (the test's input, out of the scan).
vault_pass() {
	_v="leak e2e passphrase $1 $(t_rand_alnum 8)"
	t_secret "$_v"
	t_passfile "$T_DIR/creds/pass_$1" "$_v"
}

# ---- A. pkcs11 ----
vault_pass a
A() { traced "$T_HSMO_FROM" "$T_DIR/creds/pass_a" "$@"; }
t_make_credfiles "$T_DIR/creds/a" acme eco LEAKA 20261120 pkcs11
SETUP_A=$T_SETUP_PW
t_run 0 "A: import" A import --tier ECO "$T_SERVICE_FILE" "$T_HSM_FILE"
t_softhsm_private
t_softhsm_token LEAKA "$SETUP_A"
t_run 0 "A: connect (pkcs11, SoftHSM2)" A --profile LEAKA --yes connect --engine pkcs11 --module "$SOFTHSM2_MODULE"
t_run 0 "A: verify" A --profile LEAKA verify
t_run 0 "A: config --output" A --profile LEAKA config --output "$T_DIR/appcfg"
t_run 0 "A: config --for libp11 --for openssl3 --for vault" A --profile LEAKA config --output "$T_DIR/appcfg" \
	--for libp11 --for openssl3 --for vault
USER_SECRET=$(cat "$T_DIR/appcfg/pkcs11.pin")
[ -n "$USER_SECRET" ] || t_fail "A: config wrote an empty pin-source file"
t_secret "$USER_SECRET"
[ "$(stat -c %a "$T_DIR/appcfg/pkcs11.pin")" = 600 ] || t_fail "A: pkcs11.pin is not mode 0600"
t_ok "A: the user secret (${#USER_SECRET} characters) is registered for the scan; pkcs11.pin is 0600"
t_run 0 "A: ticket to stdout" traced "$HSMO" --profile LEAKA ticket
t_run 0 "A: ticket --output" traced "$HSMO" --profile LEAKA ticket --format markdown --output "$T_DIR/ticket.md"
t_run 0 "A: status --json" traced "$HSMO" --profile LEAKA --json status
t_run 0 "A: secrets" A --profile LEAKA secrets

# ---- B. primus against the ppin simulator over SoftHSM2 ----
vault_pass b
B() { traced "$T_HSMO_FROM" "$T_DIR/creds/pass_b" "$@"; }
t_make_credfiles "$T_DIR/creds/b" acme eco LEAKB 20261120 pkcs11
t_softhsm_token LEAKB
export HSM_ONBOARD_PPIN_SIM_DIR="$T_DIR/ppin-hsm" HSM_ONBOARD_PPIN_SIM_MODULE="$SOFTHSM2_MODULE"
mkdir -p "$HSM_ONBOARD_PPIN_SIM_DIR"
t_ppin_sim_reset
t_run 0 "B: import" B import --tier ECO "$T_SERVICE_FILE" "$T_HSM_FILE"
t_run 0 "B: connect --engine primus (simulator)" B --profile LEAKB --yes connect --engine primus --ppin "$PPIN" \
	--module "$SOFTHSM2_MODULE" --endpoint hsm-a.example.test --endpoint hsm-b.example.test
t_run 0 "B: config --output" B --profile LEAKB config --output "$T_DIR/primuscfg" --ppin "$PPIN" \
	--endpoint hsm-a.example.test --endpoint hsm-b.example.test
t_run 0 "B: restore --output" B --profile LEAKB restore --output "$T_DIR/primusrestored"
calls=$HSM_ONBOARD_PPIN_SIM_DIR/calls.log
[ "$(grep -c '^ARGV:' "$calls")" -ge 2 ] && grep -q '^ENV:' "$calls" ||
	t_fail "B: the ppin simulator recorded no calls: the scan of its argv/environ would prove nothing"
t_ok "B: the ppin simulator recorded $(grep -c '^ARGV:' "$calls") calls (its own /proc/self/cmdline and environ)"

# ---- C. TSBaaS: a jwt file ----
vault_pass c
C() { traced "$T_HSMO_FROM" "$T_DIR/creds/pass_c" "$@"; }
t_make_jwtfile "$T_DIR/creds/c" acme LEAKC 20261120
JWT=$T_JWT
t_run 0 "C: import of a jwt file" C import "$T_JWT_FILE"
t_run 0 "C: status" traced "$HSMO" --profile LEAKC status
t_run 0 "C: secrets" C --profile LEAKC secrets
t_run 0 "C: config --for vault (TSBaaS)" C --profile LEAKC config --for vault --output "$T_DIR/tsbcfg"

# ---- D. the wizard in tmux: a whole import typed into the wizard ----
# tests/wizard-lib.sh drives the real wizard in a private tmux server at 80x24; its w_capture checks
# each screen for secrets too. At the end we take the whole pane history (-S -) as the scrollback.
. "$top_srcdir/tests/wizard-lib.sh"
PASS_D="leak e2e passphrase D $(t_rand_alnum 8)"
t_secret "$PASS_D"
t_make_credfiles "$HOME/Downloads" acme eco LEAKD 20261120 pkcs11
D_FILES="$T_SERVICE_FILE $T_HSM_FILE"
# Its own state directory, so the wizard opens on its start screen, not on the profiles above.
export XDG_STATE_HOME="$HOME/.local/state-wizard"
w_start -- wizard --kdf-ms "$W_KDF_MS"
w_new_onboarding
w_key Enter Enter Enter
w_wait "Pairing: LEAKD: complete"
w_key Enter
w_wait "New vault passphrase"
w_type "$PASS_D"; w_key Enter
w_wait "Type the passphrase again"
w_type "$PASS_D"; w_key Enter
w_wait "Shred the plaintext"
w_key Enter
w_wait "Step 5 of 10: Review"
w_key Enter
w_wait "Step 6 of 10: Countdown"
t_ok "D: import through the wizard: passphrase typed twice, review and countdown shown"
w_key F10
w_exit_status >/dev/null || true
SCROLLBACK="$T_DIR/wizard-scrollback.txt"
w_tmux capture-pane -p -J -S - -E - -t w > "$SCROLLBACK" 2>/dev/null || true
cat "$W_CAP"/*.txt >> "$SCROLLBACK"
[ -s "$SCROLLBACK" ] || t_fail "D: no scrollback captured"
t_ok "D: wizard scrollback and $(find "$W_CAP" -name '*.txt' | wc -l) screen captures kept for the scan"

# ---- The scan ----
execs=$(cat "$T_DIR"/trace/*.strace | grep -c 'execve(' || true)
[ "$execs" -ge "$NTRACE" ] || t_fail "the traces hold $execs execs for $NTRACE commands: strace recorded nothing"
t_ok "$NTRACE commands traced: $execs execs with their full argv and envp"
# Exempt by design: the list of secrets itself, the test's inputs, the pin-source file.
pin_file="$T_DIR/appcfg/pkcs11.pin"
files_list="$T_DIR/.scanned"
# The files config wrote that are named as holding a secret, one a line; each must be 0600.
named_secret() {
	for d in "$T_DIR/appcfg" "$T_DIR/primuscfg" "$T_DIR/tsbcfg"; do
		[ -d "$d" ] && find "$d" -type f \( -name '*.pin' -o -name '*.secret' -o -name '*.secret.*' -o -name .secrets.cfg \)
	done
	return 0
}
named_secret > "$T_DIR/.named"
while read -r f; do
	[ "$(stat -c %a "$f")" = 600 ] || t_fail "$f is named as holding a secret but is mode $(stat -c %a "$f")"
done < "$T_DIR/.named"
t_ok "$(wc -l < "$T_DIR/.named") files named as holding a secret, each mode 0600"
# shellcheck disable=SC2094 # the list is written once, then read: not the same pipeline
scan_all() { # prints the files holding a secret; the scanned files are listed in $files_list
	{
		find "$T_DIR" -type f ! -path "$T_SECRETS" ! -path "$T_DIR/creds/*" ! -path "$files_list" ! -path "$T_DIR/.named" |
			grep -vxF -f "$T_DIR/.named" |
			grep -vxF -e "${D_FILES%% *}" -e "${D_FILES##* }"
		find /tmp -xdev -maxdepth 4 -type f -newer "$START" ! -path "$T_DIR/*" -size -4M 2>/dev/null || true
	} > "$files_list"
	tr '\n' '\0' < "$files_list" | xargs -0 -r grep -lF -f "$T_SECRETS" 2>/dev/null || true
}
# The scan must be able to fail: a planted secret has to be found first.
mkdir -p "$XDG_CACHE_HOME"
printf 'planted %s\n' "$SETUP_A" > "$XDG_CACHE_HOME/canary"
scan_all | grep -qxF "$XDG_CACHE_HOME/canary" || t_fail "the scan did not find a planted secret: it would prove nothing"
rm -f "$XDG_CACHE_HOME/canary"
t_ok "the scan finds a secret planted in \$XDG_CACHE_HOME"
hits=$(scan_all)
nfiles=$(wc -l < "$files_list")
[ -z "$hits" ] || { for h in $hits; do echo "--- $h" >&2; grep -nF -f "$T_SECRETS" "$h" | cut -c1-200 >&2; done
	t_fail "a secret value was found in: $hits"; }
t_ok "no secret in $nfiles files (XDG dirs, TMPDIR, tokens, configs, ticket, traces, stand-in records, new /tmp files, all stdout/stderr, wizard scrollback)"
holders=$(grep -rlF -- "$USER_SECRET" "$T_DIR" 2>/dev/null | grep -vxF "$T_SECRETS" | sort || true)
want=$(printf '%s\n' "$pin_file" "$T_DIR/appcfg/openssl-pin.secret.cnf" "$T_DIR/appcfg/vault-hsm-pin.secret.env" | sort)
[ "$holders" = "$want" ] || t_fail "the user secret is held by: $holders (expected only: $want)"
t_ok "the user secret is only in the pin-source file, the OpenSSL PIN include and Vault's PIN file (0600)"
holders=$(grep -rlF -- "$JWT" "$T_DIR" 2>/dev/null | grep -vxF "$T_SECRETS" | grep -v "^$T_DIR/creds/" | sort || true)
want=$(printf '%s\n' "$T_DIR/tsbcfg/vault-bearer-token.secret" "$T_DIR/tsbcfg/vault-seal-securosys.secret.hcl" | sort)
[ "$holders" = "$want" ] || t_fail "the JWT is held by: $holders (expected only: $want)"
t_ok "the JWT is only in Vault's bearer token file and the seal stanza (0600)"
echo "# $(wc -l < "$T_SECRETS") secret values scanned"
t_done
