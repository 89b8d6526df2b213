#!/bin/sh
# concurrency.sh: one profile, one user of it at a time; different profiles never wait for each other.
#
#  1. An import holds its profile's lock while it waits for the vault passphrase on a FIFO we do not
#     feed yet. A second command on the same profile (secrets, and a second import) is refused at
#     once with 75 (EX_TEMPFAIL) and names the holder's pid; "at once" means: it returned while the
#     first was still blocked, with a 20 s timeout only as a guard against a hang. The first then
#     completes normally once fed.
#  2. Two imports of two different profiles hold their two locks at the same moment (both blocked on
#     their passphrase FIFOs), then both complete with exit 0, and both profiles open.
. "${top_srcdir:?}/tests/lib.sh"
. "$top_srcdir/tests/hardening-lib.sh"


t_passphrase "concurrency passphrase $(t_rand_alnum 6)"
chmod 600 "$T_DIR/pass"
t_make_credfiles "$T_DIR/files/x" acme eco hsmo_cx 20260315 pkcs11
X_S=$T_SERVICE_FILE X_H=$T_HSM_FILE
t_make_credfiles "$T_DIR/files/y" acme eco hsmo_cy 20260315 pkcs11
Y_S=$T_SERVICE_FILE Y_H=$T_HSM_FILE
T_SCAN_EXCLUDE=$T_DIR/files
mkfifo "$T_DIR/fx" "$T_DIR/fy"
# Read-write opens: the children's opens do not block, and nothing arrives until we write.
exec 5<>"$T_DIR/fx" 6<>"$T_DIR/fy"
pids=
trap 'rc=$?; for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done; (exit $rc); t_cleanup' EXIT

start_import() { # FIFO OUT FILES...: a background import reading its passphrase from FIFO
	fifo=$1 out=$2
	shift 2
	"$T_HSMO_FROM" "$fifo" import --tier ECO "$@" >"$out.out" 2>"$out.err" &
	bg=$!
	pids="$pids $bg"
}
finish() { # PID OUT NAME: feeds nothing; waits for PID and checks exit 0
	set +e
	wait "$1"
	rc=$?
	set -e
	cat "$2.out" "$2.err" >> "$T_DIR/all-output"
	h_no_crash "$3" "$rc" "$2.err"
	[ "$rc" -eq 0 ] || { cat "$2.err" >&2; t_fail "$3: exit $rc"; }
	t_ok "$3: exit 0"
}

# 1. Same profile.
start_import "$T_DIR/fx" "$T_DIR/x1" "$X_S" "$X_H"
p1=$bg
h_wait_blocked "$p1" 3 hsm-onboard || { cat "$T_DIR/x1.err" >&2; t_fail "the first import never waited for its passphrase"; }
t_ok "import of hsmo_cx ($p1) holds the profile and waits for its passphrase"
for second in "secrets" "import"; do
	set +e
	if [ "$second" = secrets ]; then
		timeout 20 "$T_HSMO_FROM" "$T_DIR/pass" --profile hsmo_cx secrets >"$T_OUT" 2>"$T_ERR"
	else
		timeout 20 "$T_HSMO_FROM" "$T_DIR/pass" import --tier ECO "$X_S" "$X_H" >"$T_OUT" 2>"$T_ERR"
	fi
	rc=$?
	set -e
	cat "$T_OUT" "$T_ERR" >> "$T_DIR/all-output"
	[ "$rc" -ne 124 ] || t_fail "a second $second on the same profile waited for the lock (timeout)"
	h_no_crash "second $second" "$rc" "$T_ERR"
	[ "$rc" -eq 75 ] || { cat "$T_ERR" >&2; t_fail "a second $second on the same profile: exit $rc, expected 75"; }
	kill -0 "$p1" 2>/dev/null || t_fail "the first import ended before the second $second was refused"
	grep -q "$p1" "$T_ERR" || { cat "$T_ERR" >&2; t_fail "the refusal does not name the holder's pid $p1"; }
	t_ok "a second $second on the same profile: refused at once, exit 75: '$(head -n1 "$T_ERR")'"
done
printf '%s\n' "$PASS" >&5
finish "$p1" "$T_DIR/x1" "the first import, fed its passphrase"

# 2. Two profiles at once. X exists now; a fresh Y and a re-import of X (nothing to change, but it
# takes the lock and opens the vault) run side by side.
start_import "$T_DIR/fy" "$T_DIR/y1" "$Y_S" "$Y_H"
py=$bg
start_import "$T_DIR/fx" "$T_DIR/x2" "$X_S" "$X_H"
px=$bg
h_wait_blocked "$py" 3 hsm-onboard || { cat "$T_DIR/y1.err" >&2; t_fail "the import of hsmo_cy never waited"; }
h_wait_blocked "$px" 3 hsm-onboard || { cat "$T_DIR/x2.err" >&2; t_fail "the import of hsmo_cx never waited"; }
t_ok "imports of hsmo_cy ($py) and hsmo_cx ($px) hold their two profiles at the same moment"
printf '%s\n' "$PASS" >&6
printf '%s\n' "$PASS" >&5
finish "$py" "$T_DIR/y1" "import of hsmo_cy, concurrent"
finish "$px" "$T_DIR/x2" "import of hsmo_cx, concurrent"
for p in hsmo_cx hsmo_cy; do
	t_run 0 "profile $p opens" t_hsmo --profile "$p" secrets
done
t_scan_leaks
t_done
