#!/bin/sh
# faultinject.sh: a failing disk never costs the user their profile.
#
# A renewal import (new credential files for an imported profile) writes the vault and state.json. We
# make those writes fail, in every way a disk fails them, and prove each time that: the command exits
# with a clear error naming the file (73 or 74, never a crash); the file being written is byte-for-byte
# what it was; no temporary file is left; the profile still opens; and the same command, rerun once
# the disk is healthy, succeeds. The faults:
#   - the LD_PRELOAD shim tests/faultinject.so: write -> ENOSPC, a short write then ENOSPC, fsync -> EIO,
#     rename -> EIO, open(O_CREAT) -> EROFS; on the vault, then on state.json. Its log proves each fault
#     really fired (a test whose fault never fired would pass for nothing);
#   - a real full disk: a 512 KiB tmpfs mounted over the state directory in a private mount namespace,
#     filled up (needs root: CI runs as root; skipped otherwise);
#   - a read-only state directory (chmod 500): as root, CAP_DAC_OVERRIDE ignores modes, so the
#     commands run as nobody there (setpriv), where the kernel enforces them.
# Works in the ASan build too: the shim comes first in the lookup order and forwards to ASan's own
# write/fsync interceptors (ASAN_OPTIONS has verify_asan_link_order=0 for the preload).
. "${top_srcdir:?}/tests/lib.sh"
. "$top_srcdir/tests/hardening-lib.sh"

FI_SO=$top_builddir/tests/faultinject.so
[ -f "$FI_SO" ] || t_fail "$FI_SO is not built (it is in check_DATA)"
trap 'rc=$?; h_world_cleanup; (exit $rc); t_cleanup' EXIT

t_passphrase "fault injection passphrase $(t_rand_alnum 6)"
USER_NAME=hsmo_fi
t_make_credfiles "$T_DIR/files/a" acme eco "$USER_NAME" 20260315 pkcs11
A_SERVICE=$T_SERVICE_FILE A_HSM=$T_HSM_FILE
t_make_credfiles "$T_DIR/files/b" acme eco "$USER_NAME" 20260322 pkcs11
B_SERVICE=$T_SERVICE_FILE B_HSM=$T_HSM_FILE
T_SCAN_EXCLUDE=$T_DIR/files
PROFILE=$XDG_STATE_HOME/hsm-onboard/$USER_NAME

fresh_profile() {
	rm -rf "$XDG_STATE_HOME/hsm-onboard"
	t_run 0 "$1: import of the first files" t_hsmo import --tier ECO "$A_SERVICE" "$A_HSM"
	SUM_STATE=$(h_sum "$PROFILE/state.json")
	SUM_VAULT=$(h_sum "$PROFILE/vault")
}

# fault_case NAME FILE FUNCS ERRNO [SHORT]: a renewal import with FUNCS failing on FILE.
fault_case() {
	fc=$1 file=$2 funcs=$3 err=$4 short=${5:-}
	fresh_profile "$fc"
	log=$T_DIR/fi.log
	rm -f "$log"
	set +e
	FI_FUNCS=$funcs FI_PATH="$PROFILE/$file" FI_ERRNO=$err FI_LOG=$log FI_SHORT=$short LD_PRELOAD=$FI_SO \
		t_hsmo import --tier ECO --renew "$B_SERVICE" "$B_HSM" >"$T_OUT" 2>"$T_ERR"
	rc=$?
	set -e
	cat "$T_OUT" "$T_ERR" >> "$T_DIR/all-output"
	[ -s "$log" ] || t_fail "$fc: the fault never fired (shim log empty): the test proves nothing"
	h_no_crash "$fc" "$rc" "$T_ERR"
	case $rc in 73 | 74) ;; *) cat "$T_ERR" >&2; t_fail "$fc: exit $rc, expected 73 or 74" ;; esac
	case $err in ENOSPC) text="No space left on device" ;; EIO) text="Input/output error" ;; EROFS) text="Read-only file system" ;; esac
	grep -q "$file" "$T_ERR" && grep -q "$text" "$T_ERR" ||
		{ cat "$T_ERR" >&2; t_fail "$fc: the message does not name $file and '$text'"; }
	t_ok "$fc: exit $rc, '$(head -n1 "$T_ERR")'"
	[ "$(h_sum "$PROFILE/$file")" = "$( [ "$file" = vault ] && echo "$SUM_VAULT" || echo "$SUM_STATE")" ] ||
		t_fail "$fc: $file changed although its write failed"
	left=$(find "$PROFILE" -name "$file.*.tmp")
	[ -z "$left" ] || t_fail "$fc: a temp file was left behind: $left"
	t_ok "$fc: $file is byte-for-byte the previous one, no temporary file left"
	t_run 0 "$fc: the profile still opens" t_hsmo --profile "$USER_NAME" secrets
	t_run 0 "$fc: the same renewal, rerun on a healthy disk, succeeds" t_hsmo import --tier ECO --renew "$B_SERVICE" "$B_HSM"
	[ "$(h_sum "$PROFILE/state.json")" != "$SUM_STATE" ] && [ "$(h_sum "$PROFILE/vault")" != "$SUM_VAULT" ] ||
		t_fail "$fc: after the rerun, the vault and state.json do not hold the renewal"
	t_run 0 "$fc: the renewed profile opens" t_hsmo --profile "$USER_NAME" secrets
}

for file in vault state.json; do
	fault_case "$file: write ENOSPC" "$file" write ENOSPC
	fault_case "$file: short write, then ENOSPC" "$file" write ENOSPC short
	fault_case "$file: fsync EIO" "$file" fsync EIO
	fault_case "$file: rename EIO" "$file" rename EIO
	fault_case "$file: read-only file system" "$file" open EROFS
done

# ---- A real full disk: a small tmpfs over the state directory, in a private mount namespace ----
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
	rm -rf "$XDG_STATE_HOME/hsm-onboard"
	mkdir -p "$XDG_STATE_HOME"
	cat > "$T_DIR/fulldisk.sh" <<'EOF_INNER'
set -u
mount -t tmpfs -o size=512k,mode=0700 hsmo-fulldisk "$XDG_STATE_HOME" || exit 90
imp() { "$HSMO_FROM" "$PASSFILE" import --tier ECO "$@"; }
imp "$A_SERVICE" "$A_HSM" >/dev/null 2>&1 || exit 91
p=$XDG_STATE_HOME/hsm-onboard/$USER_NAME
sha256sum "$p/vault" "$p/state.json" > "$OUT.before"
# Fill the disk to the last block.
dd if=/dev/zero of="$XDG_STATE_HOME/filler" bs=4096 2>/dev/null
imp --renew "$B_SERVICE" "$B_HSM" > "$OUT.full.out" 2> "$OUT.full.err"
echo $? > "$OUT.full.rc"
sha256sum "$p/vault" "$p/state.json" > "$OUT.after"
ls -a "$p" > "$OUT.ls"
rm -f "$XDG_STATE_HOME/filler"
imp --renew "$B_SERVICE" "$B_HSM" > "$OUT.rerun.out" 2> "$OUT.rerun.err"
echo $? > "$OUT.rerun.rc"
sha256sum "$p/vault" "$p/state.json" > "$OUT.final"
EOF_INNER
	set +e
	HSMO_FROM=$T_HSMO_FROM PASSFILE=$T_DIR/pass OUT=$T_DIR/fd A_SERVICE=$A_SERVICE A_HSM=$A_HSM B_SERVICE=$B_SERVICE B_HSM=$B_HSM \
		USER_NAME=$USER_NAME unshare -m sh "$T_DIR/fulldisk.sh"
	urc=$?
	set -e
	[ "$urc" -eq 0 ] || t_fail "full disk: the tmpfs scenario could not run (exit $urc)"
	rc=$(cat "$T_DIR/fd.full.rc")
	cat "$T_DIR/fd.full.out" "$T_DIR/fd.full.err" "$T_DIR/fd.rerun.out" "$T_DIR/fd.rerun.err" >> "$T_DIR/all-output"
	h_no_crash "full disk" "$rc" "$T_DIR/fd.full.err"
	[ "$rc" -eq 74 ] || [ "$rc" -eq 73 ] || { cat "$T_DIR/fd.full.err" >&2; t_fail "full disk: exit $rc, expected 73 or 74"; }
	grep -q "No space left on device" "$T_DIR/fd.full.err" || { cat "$T_DIR/fd.full.err" >&2; t_fail "full disk: no ENOSPC message"; }
	t_ok "full disk (tmpfs): exit $rc, '$(head -n1 "$T_DIR/fd.full.err")'"
	cmp -s "$T_DIR/fd.before" "$T_DIR/fd.after" || t_fail "full disk: the vault or state.json changed"
	! grep -q '\.tmp$' "$T_DIR/fd.ls" || t_fail "full disk: a temporary file was left: $(cat "$T_DIR/fd.ls")"
	t_ok "full disk (tmpfs): vault and state.json unchanged, no temporary file"
	[ "$(cat "$T_DIR/fd.rerun.rc")" -eq 0 ] || { cat "$T_DIR/fd.rerun.err" >&2; t_fail "full disk: the rerun after freeing space failed"; }
	! cmp -s "$T_DIR/fd.before" "$T_DIR/fd.final" || t_fail "full disk: the rerun did not write the renewal"
	t_ok "full disk (tmpfs): once space is freed, the same renewal succeeds"
else
	t_part_skipped "full disk on a real tmpfs: needs root and mount namespaces (unshare -m)"
fi

# ---- A read-only state directory (kernel-enforced: as nobody when root) ----
h_world
mkdir -p "$H_W/files"
cp "$A_SERVICE" "$A_HSM" "$B_SERVICE" "$B_HSM" "$H_W/files/"
printf '%s\n' "$PASS" > "$H_W/pass"
chmod 600 "$H_W/files"/* "$H_W/pass"
h_world_chown "$H_W/home" "$H_W/files" "$H_W/pass"
w_import() { (h_in_world "$H_BIN" --kdf-ms 20 --passphrase-fd 3 import --tier ECO "$@" 3<"$H_W/pass"); }
wa() { w_import "$H_W/files/$(basename "$A_SERVICE")" "$H_W/files/$(basename "$A_HSM")"; }
wb() { w_import --renew "$H_W/files/$(basename "$B_SERVICE")" "$H_W/files/$(basename "$B_HSM")"; }
t_run 0 "read-only: import as $( [ -n "$H_RUNAS" ] && echo nobody || id -un)" wa
WP=$H_W/home/state/hsm-onboard/$USER_NAME
before=$(h_sum "$WP/vault")$(h_sum "$WP/state.json")
chmod 500 "$WP"
set +e
wb >"$T_OUT" 2>"$T_ERR"
rc=$?
set -e
cat "$T_OUT" "$T_ERR" >> "$T_DIR/all-output"
h_no_crash "read-only state directory" "$rc" "$T_ERR"
[ "$rc" -eq 73 ] || [ "$rc" -eq 74 ] || [ "$rc" -eq 77 ] || { cat "$T_ERR" >&2; t_fail "read-only state directory: exit $rc"; }
grep -q "Permission denied" "$T_ERR" || { cat "$T_ERR" >&2; t_fail "read-only state directory: no 'Permission denied' in the message"; }
[ "$(h_sum "$WP/vault")$(h_sum "$WP/state.json")" = "$before" ] || t_fail "read-only state directory: a file changed"
t_ok "read-only state directory: exit $rc, '$(head -n1 "$T_ERR")', nothing changed"
chmod 700 "$WP"
t_run 0 "read-only state directory: writable again, the renewal succeeds" wb
[ "$(h_sum "$WP/vault")$(h_sum "$WP/state.json")" != "$before" ] || t_fail "read-only: the renewal wrote nothing"

t_scan_leaks "$H_W/home"
t_done
