#!/bin/sh
# net-watch.sh: `watch` imports credential files as they complete in a folder: a browser's temp file
# (.crdownload, .part) does not count until it is renamed into place, a file still being written does
# not count until it is closed, and the watch stops once the service and hsm files are both in. Also
# the default folder (XDG_DOWNLOAD_DIR), --timeout, and a leak scan.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/net-lib.sh"
t_need_python3

t_passphrase "watch-$(t_rand_alnum 16)"
SRC="$T_DIR/src"      # where the invented files are made (outside the scanned home)
WATCHED="$T_DIR/downloads"
mkdir -p "$WATCHED"
t_make_credfiles "$SRC" ACME sbx W1 20261120
SERVICE=$(basename "$T_SERVICE_FILE") HSM=$(basename "$T_HSM_FILE")
STATE="$XDG_STATE_HOME/hsm-onboard/W1/state.json"

"$T_HSMO_FROM" "$T_DIR/pass" watch --timeout "$(t_secs 30)" "$WATCHED" >"$T_DIR/watch.out" 2>"$T_DIR/watch.err" &
watch_pid=$!
NET_BG_PIDS="$NET_BG_PIDS $watch_pid"
net_wait_grep "$T_DIR/watch.err" "watching $WATCHED" 10 || t_fail "watch did not start"
t_ok "watch announces the folder"

# The hsm file starts arriving and stays open, as a download in progress.
exec 5>"$WATCHED/$HSM"
head -n 1 "$T_HSM_FILE" >&5

# A browser's temp names, complete and closed, never count.
cp "$T_SERVICE_FILE" "$WATCHED/$SERVICE.crdownload"
cp "$T_SERVICE_FILE" "$WATCHED/$SERVICE.part"
# Renamed into place: now it counts.
mv "$WATCHED/$SERVICE.crdownload" "$WATCHED/$SERVICE"
net_wait_grep "$T_DIR/watch.out" "Profile W1: imported." 15 ||
	{ cat "$T_DIR/watch.err" >&2; t_fail "the renamed service file was not imported"; }
t_ok "a .crdownload renamed into place is imported"
t_nogrep "$T_DIR/watch.err" "found $WATCHED/$SERVICE.part" "a browser's .part is ignored"
t_nogrep "$T_DIR/watch.err" "found $WATCHED/$SERVICE.crdownload" "a .crdownload is ignored"
# Events arrive in order: the service file's import proves the watch has seen everything before it.
t_nogrep "$T_DIR/watch.err" "found $WATCHED/$HSM" "a file still being written is not imported"
grep -q '"service_user": "svc-W1"' "$STATE" || t_fail "state.json lacks the service user"
kill -0 "$watch_pid" 2>/dev/null || t_fail "watch stopped before the hsm file came"
t_ok "watch waits for the hsm file"

# The download completes: the file is closed, imported, and the watch stops by itself.
tail -n +2 "$T_HSM_FILE" >&5
exec 5>&-
set +e
wait "$watch_pid"
rc=$?
set -e
cat "$T_DIR/watch.out" "$T_DIR/watch.err" >> "$T_DIR/all-output"
[ "$rc" -eq 0 ] || { cat "$T_DIR/watch.err" >&2; t_fail "watch: exit $rc, expected 0"; }
t_ok "watch stops when the service and hsm files are both imported (exit 0)"
t_grep "$T_DIR/watch.out" "every expected credential file was imported" "watch says why it stopped"
[ "$(grep -c "Profile W1: imported." "$T_DIR/watch.out")" -eq 2 ] || t_fail "expected two imports"
t_ok "each file was imported once"
grep -q '"hsm_user": "W1"' "$STATE" || t_fail "state.json lacks the HSM user"
t_ok "the profile holds both files"

# --timeout ends a watch where nothing arrives; the default folder comes from user-dirs.dirs.
mkdir -p "$XDG_CONFIG_HOME" "$HOME/Dl"
printf '# written by the test\nXDG_DOWNLOAD_DIR="$HOME/Dl"\n' > "$XDG_CONFIG_HOME/user-dirs.dirs"
t_run 66 "timeout with nothing" "$HSMO" watch --timeout 0.3
t_grep "$T_ERR" "watching $HOME/Dl" "the default folder is XDG_DOWNLOAD_DIR"
t_grep "$T_ERR" "timed out" "the timeout is reported"
rm "$XDG_CONFIG_HOME/user-dirs.dirs"
mkdir -p "$HOME/Downloads"
t_run 66 "fallback folder" "$HSMO" watch --timeout 0.3
t_grep "$T_ERR" "watching $HOME/Downloads" "without user-dirs.dirs the folder is ~/Downloads"
t_run 66 "missing folder" "$HSMO" watch --timeout 0.3 "$T_DIR/nope"

t_scan_leaks
t_done
