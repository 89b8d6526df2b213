#!/bin/sh
# shared-folder.sh: several partitions in one provider folder, and the guard for another's files.
#
# NOTE: ppin and libprimusP11 are Securosys' proprietary tools; hsm-onboard-ppin-sim stands in for ppin
# (see connect-primus.sh) and reads primus.cfg with the same reader as the provider's layout checks.
#
# Checks: two profiles connected into one folder give one primus.cfg with distinct slot ids on every
# host entry, read back by the simulator (ppin -l and ppin -t list both partitions), the first
# partition's entries byte for byte, and one .secrets.cfg with both users; client_id is HSMUSER@hostname
# or --client-id; status shows the sharing; restore and forget leave the other partition alone. A folder
# with another partition's .secrets.cfg is refused (exit 73, naming the users and slots) by config,
# restore and connect --output, and with --force a dated 0600 backup is kept and named. No leaks.
. "$top_srcdir/tests/lib.sh"

[ -n "${SOFTHSM2_MODULE:-}" ] && [ -f "$SOFTHSM2_MODULE" ] || t_skip_missing softhsm2 "SoftHSM2 module not found"
t_need_tool softhsm2-util softhsm2

t_ppin_sim
t_passphrase
HOST=$(uname -n)

connect() { p=$1; shift; t_hsmo --profile "$p" --yes connect --ppin "$SIM" --module "$SOFTHSM2_MODULE" --endpoint hsm-a.example.test --endpoint hsm-b.example.test "$@"; }
# slot_block FILE USER: every slotN block of USER, one per host entry, as text.
slot_block() { awk -v u="user_name = \"$2\";" '/slot[0-9]+ :/{b=""; on=1} on{b=b $0 "\n"} on && index($0,u){hit=1} on && /^ *};$/{if(hit) printf "%s", b; on=0; hit=0}' "$1"; }

SHARED="$T_DIR/etc-primus"

# ---- Two partitions into one folder ----
t_primus_partition PARTA "$PASS"
t_run 0 "connect PARTA --output" connect PARTA --output "$SHARED"
cp "$SHARED/primus.cfg" "$T_DIR/a.cfg"
slot_block "$T_DIR/a.cfg" PARTA > "$T_DIR/a.slots"
[ "$(grep -c 'user_name = "PARTA";' "$T_DIR/a.slots")" -eq 2 ] || t_fail "PARTA has not one slot per host"
t_grep "$T_DIR/a.cfg" "client_id = \"PARTA@$HOST\";" "client_id defaults to HSMUSER@hostname"

t_primus_partition PARTB "$PASS"
# A folder whose primus.cfg cannot take the partition: refused before anything is sent.
mkdir -p "$T_DIR/bad"
printf 'hsms : { };\n' > "$T_DIR/bad/primus.cfg"
t_run 73 "connect into a folder with a foreign layout" connect PARTB --output "$T_DIR/bad"
t_grep "$T_ERR" "nothing was sent" "the refusal says nothing was sent"
if grep -q -- ' -a -e PARTB' "$calls" 2>/dev/null; then t_fail "ppin -a ran although the folder was refused"; fi
t_grep "$XDG_STATE_HOME/hsm-onboard/PARTB/state.json" '"first_use": null' "the refused connect left the countdown untouched"
t_run 0 "connect PARTB --output (same folder) --client-id" connect PARTB --output "$SHARED" --client-id app-b
t_grep "$T_OUT" "slot id 1, shared with PARTA (slot 0)" "connect names the slot id and the partition it shares with"

"$SIM" -c "$SHARED/primus.cfg" -s "$SHARED/.secrets.cfg" -l > "$T_DIR/list" 2>&1 || t_fail "the simulator refused the merged primus.cfg"
[ "$(grep -c "slot-id 0: user 'PARTA' permanent secret: Configured" "$T_DIR/list")" -eq 2 ] || { cat "$T_DIR/list" >&2; t_fail "PARTA: not slot 0 Configured on both hosts"; }
[ "$(grep -c "slot-id 1: user 'PARTB' permanent secret: Configured" "$T_DIR/list")" -eq 2 ] || { cat "$T_DIR/list" >&2; t_fail "PARTB: not slot 1 Configured on both hosts"; }
t_ok "ppin -l reads one primus.cfg: PARTA slot 0 and PARTB slot 1, Configured on both hosts"
"$SIM" -c "$SHARED/primus.cfg" -s "$SHARED/.secrets.cfg" -t > "$T_DIR/test" 2>&1 || { cat "$T_DIR/test" >&2; t_fail "ppin -t failed on the shared folder"; }
t_grep "$T_DIR/test" "number of partitions: 4" "ppin -t logs in to both partitions on both hosts"
[ "$(grep -c 'host = ' "$SHARED/primus.cfg")" -eq 2 ] ||
	t_fail "the second partition did not share the host entries"
slot_block "$SHARED/primus.cfg" PARTA > "$T_DIR/a.slots.after"
cmp -s "$T_DIR/a.slots" "$T_DIR/a.slots.after" || { diff "$T_DIR/a.slots" "$T_DIR/a.slots.after" >&2; t_fail "PARTA's entries changed"; }
t_ok "PARTA's slot entries are byte for byte what its own connect wrote"
t_grep "$SHARED/primus.cfg" 'client_id = "app-b";' "--client-id sets client_id"
grep -q '^user PARTA ' "$SHARED/.secrets.cfg" && grep -q '^user PARTB ' "$SHARED/.secrets.cfg" ||
	t_fail "the shared .secrets.cfg does not hold both users"
t_ok "one .secrets.cfg holds both users, PARTB added by ppin"
[ "$(stat -c %a "$SHARED/.secrets.cfg")" = 600 ] || t_fail ".secrets.cfg is not 0600"
[ ! -e "$XDG_STATE_HOME/hsm-onboard/PARTB/primus/.secrets.cfg.seed" ] || t_fail "the seed copy was left in the work folder"

# config of PARTB again: nothing changes (its entries replaced, not added twice).
cp "$SHARED/primus.cfg" "$T_DIR/ab.cfg"
t_run 0 "config PARTB again" t_hsmo --profile PARTB config --output "$SHARED"
cmp -s "$T_DIR/ab.cfg" "$SHARED/primus.cfg" || { diff "$T_DIR/ab.cfg" "$SHARED/primus.cfg" >&2; t_fail "config again changed primus.cfg"; }
t_ok "config into the shared folder again leaves primus.cfg as it was"

# status shows which profiles share the folder.
t_run 0 "status" "$HSMO" status
t_grep "$T_OUT" "provider files: $SHARED (shared with profile PARTB)" "status: PARTA shares its folder with PARTB"
t_run 0 "status --json" "$HSMO" status --json
t_json '[p["shares_config_dir_with"] for p in j["profiles"] if p["name"]=="PARTB"][0] == ["PARTA"]'

# restore into the shared folder: PARTB's vault holds the .secrets.cfg ppin wrote with both users, so
# it goes back as it is; PARTA's vault copy predates PARTB, and writing it would take PARTB's secret
# away: refused, nothing changed.
cp "$SHARED/.secrets.cfg" "$T_DIR/ab.sec"
t_run 0 "restore PARTB into the shared folder" t_hsmo --profile PARTB restore --output "$SHARED"
cmp -s "$T_DIR/ab.sec" "$SHARED/.secrets.cfg" && cmp -s "$T_DIR/ab.cfg" "$SHARED/primus.cfg" ||
	t_fail "restore of PARTB changed the shared files"
t_run 73 "restore PARTA (older copy) into the shared folder" t_hsmo --profile PARTA restore --output "$SHARED"
t_grep "$T_ERR" "PARTB (slot 1)" "the refusal names PARTB and its slot"
cmp -s "$T_DIR/ab.sec" "$SHARED/.secrets.cfg" && cmp -s "$T_DIR/ab.cfg" "$SHARED/primus.cfg" ||
	t_fail "the refused restore of PARTA changed the shared files"
t_ok "restore into the shared folder keeps the other partition's entries (or refuses)"

# ---- Every client file of a primus profile names the provider's two files ----
T6="$T_DIR/clients"
t_run 0 "config --for vault --for libp11 --for openssl3 --for env" t_hsmo --profile PARTA config --output "$T6" --for vault --for libp11 --for openssl3 --for env
t_grep "$T6/vault-hsm-pin.secret.env" "SECUROSYS_PKCS11_CONF=\"$T6/primus.cfg\"" "the Vault env file sets SECUROSYS_PKCS11_CONF"
t_grep "$T6/vault-hsm-pin.secret.env" "SECUROSYS_SECRETS_CONF=\"$T6/.secrets.cfg\"" "the Vault env file sets SECUROSYS_SECRETS_CONF"
t_grep "$T6/openssl.cnf" "#   SECUROSYS_PKCS11_CONF=$T6/primus.cfg" "openssl.cnf names primus.cfg"
t_grep "$T6/openssl.cnf" "#   SECUROSYS_SECRETS_CONF=$T6/.secrets.cfg" "openssl.cnf names .secrets.cfg"
t_grep "$T6/openssl-provider.cnf" "#   SECUROSYS_PKCS11_CONF=$T6/primus.cfg" "openssl-provider.cnf names primus.cfg"
t_grep "$T6/primus.env" "SECUROSYS_SECRETS_CONF=$T6/.secrets.cfg" "primus.env names .secrets.cfg"
t_grep "$T6/README.txt" "usermod -a -G primus SERVICE-USER" "README.txt says which service user must be in group primus"
t_grep "$T6/README.txt" "SECUROSYS_SECRETS_CONF=$T6/.secrets.cfg" "README.txt names .secrets.cfg"

# A connection begun without the folder (its own .secrets.cfg in the work folder, here from a hand-run
# ppin -p) cannot join the shared one: refused before anything is sent.
t_primus_partition PARTD "$PASS"
mkdir -p "$XDG_STATE_HOME/hsm-onboard/PARTD/primus"
printf 'proxy svc-PARTD %s\n' "$(t_rand_alnum 64)" > "$XDG_STATE_HOME/hsm-onboard/PARTD/primus/.secrets.cfg"
cp "$SHARED/.secrets.cfg" "$T_DIR/before-d.sec"
t_run 73 "connect PARTD --output (begun without it)" connect PARTD --output "$SHARED"
t_grep "$T_ERR" "nothing was sent" "the refusal says nothing was sent"
if grep -q -- ' -a -e PARTD' "$calls" 2>/dev/null; then t_fail "ppin -a ran for PARTD"; fi
cmp -s "$T_DIR/before-d.sec" "$SHARED/.secrets.cfg" || t_fail "the refused connect changed the shared .secrets.cfg"
t_grep "$XDG_STATE_HOME/hsm-onboard/PARTD/state.json" '"first_use": null' "the refused connect left the countdown untouched"

# config --system writes only /etc/primus for group primus: it takes no folder of its own. (Writing
# /etc/primus itself is not tried here: the test must not change the machine.)
t_run 64 "config --system --output" t_hsmo --profile PARTA config --system --output "$T_DIR/x"
t_grep "$T_ERR" "it takes no --output or --group" "--system refuses another folder"
t_run 64 "--system outside config" t_hsmo --profile PARTA restore --system --output "$T_DIR/x"
t_run 64 "--client-id with a quote" connect PARTA --client-id 'a"b'

# ---- The guard: another partition's files are never replaced silently ----
FOREIGN="$T_DIR/foreign"
mkdir -p "$FOREIGN"
sed -e 's/USER/OTHER/g' "$top_srcdir/tests/golden/primus.cfg" > "$FOREIGN/primus.cfg"
printf 'user OTHER %s\n' "$(t_rand_alnum 32)" > "$FOREIGN/.secrets.cfg"
chmod 600 "$FOREIGN/.secrets.cfg"
cp "$FOREIGN/.secrets.cfg" "$T_DIR/foreign.sec"
cp "$FOREIGN/primus.cfg" "$T_DIR/foreign.cfg"
for what in config restore; do
	t_run 73 "$what into a folder with another partition's files" t_hsmo --profile PARTA "$what" --output "$FOREIGN"
	t_grep "$T_ERR" "OTHER (slot 0)" "$what: the refusal names the partition and its slot"
	cmp -s "$T_DIR/foreign.sec" "$FOREIGN/.secrets.cfg" && cmp -s "$T_DIR/foreign.cfg" "$FOREIGN/primus.cfg" ||
		t_fail "$what changed the foreign files"
	[ "$(find "$FOREIGN" -type f | wc -l)" -eq 2 ] || t_fail "$what left a file behind"
done
t_ok "config and restore refuse another partition's .secrets.cfg and change nothing"
# connect --output of a connected but unconfigured profile writes the configuration: the same guard.
# PARTC's PKCS#11 password has the characters each format escapes its own way.
t_make_credfiles "$T_DIR/creds-PARTC" acme hsm PARTC 20261120 pkcs11
HARD="$(t_rand_alnum 8)\${x}\"q\\z%{y}"
t_secret "$HARD"
sed -i "s|^PKCS#11 password : .*|PKCS#11 password : $(printf '%s' "$HARD" | sed 's/[\\&|]/\\&/g')|" "$T_HSM_FILE"
grep -qF "PKCS#11 password : $HARD" "$T_HSM_FILE" || t_fail "the test's PKCS#11 password was not written"
t_import PARTC "$PASS" --tier SBX
t_softhsm_token PARTC
t_ppin_sim_reset
t_run 0 "connect PARTC (no output)" connect PARTC
t_run 73 "connect --output into the foreign folder" connect PARTC --output "$FOREIGN"
t_grep "$T_ERR" "OTHER (slot 0)" "connect --output: the refusal names the partition"
cmp -s "$T_DIR/foreign.sec" "$FOREIGN/.secrets.cfg" || t_fail "connect --output changed the foreign .secrets.cfg"
t_ok "connect --output refuses another partition's .secrets.cfg"
TE="$T_DIR/escapes"
t_run 0 "config PARTC --for vault --for libp11" t_hsmo --profile PARTC config --output "$TE" --for vault --for libp11
# systemd: backslash before '"' and '\'; '${' stays (no expansion in an EnvironmentFile).
want_env=$(printf '%s' "$HARD" | sed -e 's/[\\"]/\\&/g')
t_grep "$TE/vault-hsm-pin.secret.env" "VAULT_HSM_PIN=\"$want_env\"" "systemd env file: the PIN with backslash escapes only"
t_nogrep "$TE/vault-hsm-pin.secret.env" '$${' "systemd env file: no HCL escape"
# OpenSSL quoted value: the same escapes; '$' is literal inside quotes.
t_grep "$TE/openssl-pin.secret.cnf" "PIN = \"$want_env\"" "OpenSSL PIN file: the PIN in a quoted value"
t_nogrep "$TE/openssl-pin.secret.cnf" '$${' "OpenSSL PIN file: no HCL escape"

for what in config restore; do
	dir="$T_DIR/forced-$what"
	mkdir -p "$dir"
	cp -p "$T_DIR/foreign.sec" "$dir/.secrets.cfg"
	cp "$T_DIR/foreign.cfg" "$dir/primus.cfg"
	t_run 0 "$what --force" t_hsmo --profile PARTA "$what" --output "$dir" --force
	bak=$(find "$dir" -name '.secrets.cfg.*.bak')
	[ -n "$bak" ] && [ "$(stat -c %a "$bak")" = 600 ] || t_fail "$what --force: no 0600 backup of .secrets.cfg"
	cmp -s "$bak" "$T_DIR/foreign.sec" || t_fail "$what --force: the backup differs from the replaced file"
	echo "$bak" | grep -Eq '\.secrets\.cfg\.[0-9]{8}T[0-9]{6}Z\.bak$' || t_fail "$what --force: the backup is not dated ($bak)"
	t_grep "$T_OUT" "$bak" "$what --force names the backup"
	cfgbak=$(find "$dir" -name 'primus.cfg.*.bak')
	cmp -s "$cfgbak" "$T_DIR/foreign.cfg" || t_fail "$what --force: no backup of primus.cfg"
	grep -q '^user PARTA ' "$dir/.secrets.cfg" || t_fail "$what --force: PARTA's .secrets.cfg was not written"
done
t_ok "with --force, config and restore keep a dated 0600 backup of each replaced file and say so"

# ---- forget leaves the shared folder to the other partition ----
cp "$SHARED/.secrets.cfg" "$T_DIR/before.sec"
cp "$SHARED/primus.cfg" "$T_DIR/before.cfg"
# Whatever forget's own outcome (it must not depend on the folder), the folder is left alone.
set +e
"$HSMO" --profile PARTB forget --yes --discard-user-secret >"$T_DIR/forget.out" 2>&1
set -e
cat "$T_DIR/forget.out" >> "$T_DIR/all-output"
cmp -s "$T_DIR/before.sec" "$SHARED/.secrets.cfg" && cmp -s "$T_DIR/before.cfg" "$SHARED/primus.cfg" ||
	t_fail "forget changed the shared folder"
"$SIM" -c "$SHARED/primus.cfg" -s "$SHARED/.secrets.cfg" -t --user PARTA > "$T_DIR/test" 2>&1 || t_fail "PARTA no longer logs in after forget PARTB"
t_ok "forget of one profile leaves the shared folder, and PARTA still logs in"

t_scan_leaks
t_done
