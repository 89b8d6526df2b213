#!/bin/bash
# build-tree.sh: the binary of a build, uninstalled and with no HSM_ONBOARD_* variable, is whole
# (src/base/paths.h): it finds its catalogs (German help and a German demo), its cluster table
# (clusters, inspect --cluster, check --cluster) and the demo's ppin simulator relative to itself,
# through the marker `make` writes beside it. The variables stay overrides, checked last.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"
unset HSM_ONBOARD_DATADIR HSM_ONBOARD_LIBEXECDIR HSM_ONBOARD_LOCALEDIR
[ -f "$top_builddir/hsm-onboard.build-tree" ] || t_fail "make wrote no hsm-onboard.build-tree beside the binary"
[ "$(dirname "$HSMO")" -ef "$top_builddir" ] || t_fail "HSMO is not the build tree's binary: $HSMO"
de=$(locale -a 2>/dev/null | grep -i '^de_DE\.utf-\{0,1\}8$' | head -n 1 || true)
[ -n "$de" ] || t_skip_missing locales "no de_DE.UTF-8 locale (quickstart.sh generates it)"

t_run 0 "--help in German from the build tree" env LANG="$de" LC_ALL="$de" "$HSMO" --help
t_grep "$T_OUT" "Aufruf: hsm-onboard" "the German catalog of the build tree is used"
t_run 0 "clusters from the build tree" "$HSMO" clusters
t_grep "$T_OUT" "CloudHSM clusters from $(cd "$top_srcdir" && pwd -P)/data/clusters.conf" "the source tree's table"
t_make_credfiles "$T_DIR/creds" ACME_Corp sbx TREE01 20261120
T_SCAN_EXCLUDE=$T_DIR/creds
t_run 0 "inspect --cluster reads the table" "$HSMO" inspect --cluster SBX01 "$T_HSM_FILE"
t_run 64 "check --cluster knows the table's names" "$HSMO" check --cluster NOPE01
t_grep "$T_ERR" "NOPE01" "an unknown cluster is named, so the table was read"
t_nogrep "$T_ERR" "clusters.conf" "no complaint about a missing table"
# The override still wins.
mkdir -p "$T_DIR/data"
sed 's/SBX01/SBXTEST9/' "$top_srcdir/data/clusters.conf" > "$T_DIR/data/clusters.conf"
t_run 0 "HSM_ONBOARD_DATADIR overrides" env HSM_ONBOARD_DATADIR="$T_DIR/data" "$HSMO" clusters
t_grep "$T_OUT" "SBXTEST9" "the override's table"

# The demo in German: it finds the ppin simulator beside the binary and speaks the user's language.
t_need_softhsm
w_demo_probe
pass="demo walk $(t_rand_alnum 12)"
t_secret "$pass"
w_start TMPDIR="$T_DIR" LANG="$de" LC_ALL="$de" -- demo --kdf-ms "$W_KDF_MS"
w_wait "Schritt 1/10: Abonnement"
t_ok "the demo starts in German, with its simulator found"
t_nogrep "$W_SCREEN" "Subscription" "no English title"
w_key Enter
w_wait "Schritt 2/10"
t_ok "Enter walks on to step 2, in German"
w_key F10
w_exit_status >/dev/null

# The JCE demo finds its Primus Tools stand-in beside the binary too (without it, demo exits 69 before
# the first screen).
w_start TMPDIR="$T_DIR" LANG="$de" LC_ALL="$de" -- demo --api jce --kdf-ms "$W_KDF_MS"
w_wait "Schritt 1/10: Abonnement"
t_ok "the JCE demo starts from the build tree, with no environment variable"
w_key F10
w_exit_status >/dev/null
t_scan_leaks "$W_CAP"
t_done
