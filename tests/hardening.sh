#!/bin/sh
# hardening.sh: proves doc/DESIGN.md, "Secrets", rule 2 on a live hsm-onboard process, from the outside.
#
# The process under test is a real `hsm-onboard import` that has parsed the credential files (its
# secrets are in the secure heap) and holds the profile lock while it waits for the vault passphrase
# on a FIFO we never feed. On it we prove:
#   1. it is not dumpable: the kernel gives its /proc/<pid> files to root (a dumpable process's belong
#      to its own user);
#   2. a ptrace attach by the same user is refused (EPERM);
#   3. /proc/<pid>/smaps shows the secure heap (256 KiB) as locked ("lo") and excluded from core dumps
#      ("dd", MADV_DONTDUMP);
#   4. SIGABRT leaves no core file, even with `ulimit -c unlimited` in a writable working directory.
# Each proof has a control: the same probe on a dumpable process (cat, blocked on the same kind of
# FIFO) must give the opposite result, or the probe would prove nothing.
#
# As root (CI), CAP_SYS_PTRACE and CAP_DAC_OVERRIDE would let every probe through whatever the
# process did, and root's own processes pass some checks for the wrong reason. So when run as root,
# both the product and the probes run as the unprivileged user nobody (setpriv), in a world directory
# owned by nobody; root only reads /proc/<pid>/smaps, which needs ptrace read access.
. "${top_srcdir:?}/tests/lib.sh"

t_need_python3

. "$top_srcdir/tests/hardening-lib.sh"
trap 'rc=$?; [ -z "${pid:-}" ] || kill -KILL "$pid" 2>/dev/null; [ -z "${cpid:-}" ] || kill -KILL "$cpid" 2>/dev/null; h_world_cleanup; (exit $rc); t_cleanup' EXIT
h_world
W=$H_W
mkdir -p "$W/cwd" "$W/files"
t_make_credfiles "$W/files" acme eco hsmo_hard 20260315 pkcs11
PASS="hardening passphrase $(t_rand_alnum 8)"
t_secret "$PASS"
mkfifo "$W/pass"
h_world_chown "$W/home" "$W/cwd" "$W/files" "$W/pass"
# Opening the FIFO read-write here first means the children's opens do not block and no byte ever
# arrives: the product waits in read(3, ...) for as long as we want.
exec 7<>"$W/pass"

# in_world CMD...: h_in_world with core dumps allowed (ulimit -c unlimited), in $W/cwd.
in_world() { h_in_world sh -c 'ulimit -c unlimited && cd "$0" && exec "$@"' "$W/cwd" "$@"; }

(in_world "$H_BIN" --kdf-ms 20 --passphrase-fd 3 import --tier ECO "$T_SERVICE_FILE" "$T_HSM_FILE" \
	3<"$W/pass" >"$T_DIR/import.out" 2>"$T_DIR/import.err") &
pid=$!
h_wait_blocked "$pid" 3 hsm-onboard || { cat "$T_DIR/import.err" >&2; t_fail "hsm-onboard import never waited for its passphrase"; }
t_ok "hsm-onboard import ($pid) parsed the files and waits for the passphrase on fd 3"

# The control: a dumpable process in the same world, blocked the same way.
(in_world cat "$W/pass" >/dev/null 2>&1) &
cpid=$!
h_wait_blocked "$cpid" 3 cat || t_fail "the control process never blocked"

# A probe whose control shows it cannot tell (or that needs root) is skipped alone; the test then
# exits 77 after the others, so it passes only when every proof ran.
SKIPPED=
# Every part skip is the machine's doing (tests/lib.sh, t_skip_machine): the kernel or the sandbox.
part_skip() { SKIPPED="$SKIPPED; $1 [machine]"; echo "# proof skipped: $1"; }

me=$(id -u)
[ -n "$H_RUNAS" ] && me=$(id -u nobody)

# 1. Not dumpable.
if [ "$(stat -c %u "/proc/$cpid/status")" != "$me" ]; then
	part_skip "not dumpable: /proc of a dumpable process is not owned by its user here; the probe cannot tell"
else
	[ "$(stat -c %u "/proc/$pid/status")" = 0 ] ||
		t_fail "/proc/$pid is owned by uid $(stat -c %u "/proc/$pid/status"): the process is dumpable"
	t_ok "not dumpable: /proc/$pid belongs to root, the control's to uid $me"
fi

# 2. ptrace attach by the same user.
probe='
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH, PTRACE_DETACH = 16, 17
pid = int(sys.argv[1])
if libc.ptrace(PTRACE_ATTACH, pid, None, None) == 0:
    os.waitpid(pid, 0)
    libc.ptrace(PTRACE_DETACH, pid, None, None)
    print("attached")
else:
    print(os.strerror(ctypes.get_errno()))
'
res=$( (in_world python3 -c "$probe" "$cpid") )
if [ "$res" != attached ]; then
	part_skip "ptrace: attaching to a dumpable process of the same user failed ($res); Yama or seccomp restricts ptrace here, so a refusal would prove nothing"
else
	res=$( (in_world python3 -c "$probe" "$pid") )
	[ "$res" = "Operation not permitted" ] || t_fail "ptrace attach to hsm-onboard by uid $me: $res"
	t_ok "ptrace attach by the same user (uid $me) refused: $res; the control was attached"
fi

# 3. The secure heap in smaps: a 256 KiB mapping with VmFlags lo (mlocked) and dd (MADV_DONTDUMP).
if [ -r "/proc/$pid/smaps" ] && cat "/proc/$pid/smaps" > "$T_DIR/smaps" 2>/dev/null; then
	awk '
		/^[0-9a-f]+-[0-9a-f]+ / { size = 0 }
		/^Size:/ { size = $2 }
		/^VmFlags:/ { lo = dd = 0; for (i = 2; i <= NF; i++) { if ($i == "lo") lo = 1; if ($i == "dd") dd = 1 }
		              if (size == 256 && lo && dd) found = 1 }
		END { exit found ? 0 : 1 }' "$T_DIR/smaps" ||
		{ grep -B20 'VmFlags' "$T_DIR/smaps" | grep -E '^[0-9a-f]+-|^Size|^VmFlags' | head -60 >&2
		  t_fail "no 256 KiB mapping with VmFlags lo and dd in /proc/$pid/smaps"; }
	t_ok "smaps: the 256 KiB secure heap is locked (lo) and excluded from core dumps (dd)"
else
	part_skip "smaps: /proc/$pid/smaps of a non-dumpable process is readable by root only"
fi

# 4. SIGABRT leaves no core. The control first: it must dump, or this kernel writes cores elsewhere.
pattern=$(cat /proc/sys/kernel/core_pattern)
kill -ABRT "$cpid"
wait "$cpid" 2>/dev/null || true
cpid=
core_proof=1
case $pattern in
	\|* | /*) core_proof=0; part_skip "no core: core_pattern is '$pattern', cores do not land in the working directory" ;;
esac
if [ "$core_proof" = 1 ] && [ -z "$(find "$W/cwd" -maxdepth 1 -name 'core*')" ]; then
	core_proof=0
	part_skip "no core: a dumpable process killed by SIGABRT left no core either (core_pattern '$pattern')"
fi
if [ "$core_proof" = 1 ]; then
	rm -f "$W/cwd"/core*
	t_ok "control: cat killed by SIGABRT dumped core in its working directory"
fi
kill -ABRT "$pid"
set +e
wait "$pid"
rc=$?
set -e
pid=
[ "$rc" -eq 134 ] || t_fail "hsm-onboard killed by SIGABRT exited $rc, expected 134"
if [ "$core_proof" = 1 ]; then
	[ -z "$(ls "$W/cwd")" ] || t_fail "SIGABRT left files in the working directory: $(ls "$W/cwd")"
	t_ok "hsm-onboard killed by SIGABRT (exit $rc) left no core, with ulimit -c unlimited"
fi

cat "$T_DIR/import.out" "$T_DIR/import.err" >> "$T_DIR/all-output"
T_SCAN_EXCLUDE=$W/files t_scan_leaks "$W/home" "$W/cwd"
t_done
if [ -n "$SKIPPED" ]; then
	echo "SKIP: hardening: proofs not possible here${SKIPPED}"
	exit 77
fi
