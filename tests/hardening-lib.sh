# hardening-lib.sh: helpers shared by the hardening tests, sourced after tests/lib.sh.
# shellcheck shell=sh

# h_no_crash NAME RC ERRFILE: a bad input or a failing disk must give a clear error, never a crash: an
# exit code below 128 (not killed by a signal), no sanitizer report, and (for a failure) a message.
h_no_crash() {
	if [ "$2" -ge 128 ]; then
		cat "$3" >&2
		t_fail "$1: killed by signal $(($2 - 128))"
	fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:' "$3"; then
		cat "$3" >&2
		t_fail "$1: sanitizer report"
	fi
	if [ "$2" -ne 0 ] && ! grep -q 'hsm-onboard: ' "$3"; then
		cat "$3" >&2
		t_fail "$1: exit $2 without an error message"
	fi
}

# h_sum FILE: the content hash, to prove a file is byte-for-byte unchanged.
h_sum() { sha256sum "$1" | cut -d' ' -f1; }

# h_world: an unprivileged world for tests that need the kernel's permission checks. As root (CI),
# CAP_DAC_OVERRIDE and CAP_SYS_PTRACE bypass them, so commands run as nobody (setpriv) in a directory
# owned by nobody. Sets H_W (the world directory, removed by h_world_cleanup), H_RUNAS and H_BIN (the
# binary, copied into the world when nobody cannot reach the build tree).
h_world() {
	H_W=$(mktemp -d "${TMPDIR:-/tmp}/hsmo-$T_NAME-world.XXXXXX")
	H_BIN=$HSMO
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null || t_skip_missing util-linux "running as root without setpriv: cannot drop to an unprivileged user"
		H_RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
		chmod 755 "$H_W"
		if ! $H_RUNAS test -x "$HSMO"; then
			H_BIN="$H_W/hsm-onboard"
			cp "$HSMO" "$H_BIN"
			chmod 755 "$H_BIN"
		fi
	else
		H_RUNAS=
		chmod 700 "$H_W"
	fi
	mkdir -p "$H_W/home"
}
h_world_chown() { [ -z "$H_RUNAS" ] || chown -R nobody:nogroup "$@"; }
h_world_cleanup() { [ -z "${H_W:-}" ] || rm -rf "$H_W"; }

# h_in_world CMD...: runs CMD in the world (as nobody when root) with a clean environment. It execs:
# call it in a subshell or in the background, and its pid is the command's own.
h_in_world() {
	# shellcheck disable=SC2086 # $H_RUNAS is a command and its options, or empty
	exec $H_RUNAS env -i PATH=/usr/bin:/bin HOME="$H_W/home" XDG_STATE_HOME="$H_W/home/state" \
		LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=Europe/Zurich ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
		UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" "$@"
}

# h_wait_blocked PID FD COMM: polls (up to 20 s) until PID runs COMM and sleeps in read(FD)
# (/proc/PID/syscall: 0 for read, then the fd in hex). Without root, a non-dumpable process's syscall
# file is not readable: then the sleeping state (/proc/PID/stat) has to do. H_TICK is a FIFO that
# nobody writes to: a bounded read on it is the poll interval, without sleep(1).
h_wait_blocked() {
	[ -p "${H_TICK:-}" ] || { H_TICK="$T_DIR/.tick"; mkfifo "$H_TICK"; exec 9<>"$H_TICK"; }
	_i=0
	while [ $_i -lt 400 ]; do
		kill -0 "$1" 2>/dev/null || return 1
		if [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$3" ]; then
			_sc=$(cat "/proc/$1/syscall" 2>/dev/null || echo unreadable)
			if [ "$_sc" = unreadable ]; then
				[ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = S ] && return 0
			else
				# shellcheck disable=SC2086 # the syscall line splits into its fields on purpose
				set -- "$1" "$2" "$3" $_sc
				[ "$4" = 0 ] && [ "$(printf '%d' "$5" 2>/dev/null)" = "$2" ] && return 0
				set -- "$1" "$2" "$3"
			fi
		fi
		_i=$((_i + 1))
		timeout 0.05 cat "$H_TICK" >/dev/null 2>&1 || true
	done
	return 1
}
