#!/bin/bash
# tests/hostile-input.sh: careless and hostile input through the built CLI. Wrong input is refused
# with a message naming the file and line and changes nothing; strange input is quoted, never sent
# raw to the terminal; each warning is said once. Every scenario ends with the leak scan.
. "$top_srcdir/tests/lib.sh"

IN="$T_DIR/in"
T_SCAN_EXCLUDE=$IN
PASS="hostile input passphrase $(t_rand_alnum 10)"
t_secret "$PASS"
state_dir="$XDG_STATE_HOME/hsm-onboard"
hsmo() { "$HSMO" --kdf-ms 20 --passphrase-fd 3 "$@" 3<<<"$PASS"; }

# ---- a credential file others can read: one warning, one remedy ----
t_make_credfiles "$IN" ACME_Corp eco LOOSE01 20261120
chmod 644 "$T_SERVICE_FILE"
t_run 0 "import of a 0644 file" hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE"
n=$(grep -c "mode 0644" "$T_ERR" || true)
[ "$n" = 1 ] || { cat "$T_ERR" >&2; t_fail "the loose mode was reported $n times, expected once"; }
t_ok "the loose mode is reported once"
t_grep "$T_ERR" "$T_SERVICE_FILE: other users can read this file (mode 0644), and it holds secrets: import it with --shred to delete it afterwards, or run chmod 600 on it" "one remedy: --shred or chmod 600"
n=$(grep -c "warning:" "$T_ERR" || true)
[ "$n" = 1 ] || { cat "$T_ERR" >&2; t_fail "$n warnings for one loose file"; }
t_ok "no second warning in other words"

# ---- a setup password cut when copied: 65 with FILE:LINE, nothing written ----
t_make_credfiles "$IN/cut" ACME_Corp eco CUT01 20261120
cut_pw=${T_SETUP_PW%-*-*-*}
t_secret "$cut_pw"
printf 'HSM User Name: CUT01\nHSM User Setup Password: %s\n' "$cut_pw" > "$T_HSM_FILE"
t_run 65 "import of a truncated setup password" hsmo import "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$T_ERR" "hsm-onboard: $T_HSM_FILE:2: the HSM User Setup Password is not in the documented format" "FILE:LINE of the setup password"
t_grep "$T_ERR" "this one has 11 characters in 2 groups. Was it cut when copied?" "the likely cause"
[ ! -e "$state_dir/CUT01" ] || t_fail "a refused import created the profile"
t_ok "nothing was written"
t_run 0 "--accept-setup-format overrides" hsmo --accept-setup-format import "$T_SERVICE_FILE" "$T_HSM_FILE"
t_grep "$T_ERR" "accepted because of --accept-setup-format" "the override is said"
[ -f "$state_dir/CUT01/vault" ] || t_fail "the accepted import wrote no vault"
t_ok "the accepted import wrote the vault"

# ---- a secret wrapped by a mail client: no part of it is quoted back ----
mkdir -p "$IN/wrap"
WRAP="$IN/wrap/ACME_Corp_eco_service_WRAP01_20261120.txt"
printf 'Service User Name: svc-WRAP01\nService User Password: Qm4rTw8zLp2\nXq7 Zr9: kP2v\nHSM User Name: WRAP01\n' > "$WRAP"
chmod 600 "$WRAP"
t_secret "Qm4rTw8zLp2"
t_secret "Xq7 Zr9"
t_run 0 "inspect of a wrapped service password" "$HSMO" inspect "$WRAP"
t_grep "$T_ERR" "hsm-onboard: warning: $WRAP:3: unrecognised line ignored (not shown: it may be part of a secret)" "the wrapped line is not shown"
t_nogrep "$T_ERR" "Xq7" "no part of the secret on stderr"

t_scan_leaks
t_done
