#!/bin/bash
# lazy-libs.sh: the libraries hsm-onboard loads on first use instead of at exec (src/dl/lazylib.h and
# doc/PERFORMANCE.md), and what that must not cost: doc/DESIGN.md, "Secrets", rule 2 and clear errors.
#   1. The binary links none of libcrypto, libssl, libcurl, p11-kit, libconfig, libqrencode.
#   2. `--version` loads none of them; any other command but the wizard and status has libcrypto
#      loaded and the secure heap started before it runs (a missing profile is found after that);
#      status, which never holds a secret, loads none of them over a profile either.
#   3. The wizard loads no libcrypto on the start screen or on the countdown of a profile, neither of
#      which holds a secret; its first secret (here: the paste entry, waiting for keys) has libcrypto
#      loaded and the 256 KiB secure heap locked (lo) and kept out of core dumps (dd) in smaps, since
#      secmem_alloc starts the heap before the secret's buffer exists.
#   4. A library that cannot be loaded gives exit 69 and a message naming it and its Debian package,
#      from the CLI and from the wizard (which runs until its first secret, then stops).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"
t_need_tool readelf binutils

# 1. What the dynamic linker maps before main().
readelf -d "$HSMO" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' > "$T_DIR/needed"
for lib in libncursesw.so libjansson.so; do
	grep -q "^$lib" "$T_DIR/needed" || { cat "$T_DIR/needed" >&2; t_fail "$lib is not linked"; }
done
for lib in libcrypto.so libssl.so libcurl.so libp11-kit.so libconfig.so libqrencode.so; do
	! grep -q "^$lib" "$T_DIR/needed" || t_fail "$lib is linked: it would load at every start"
done
t_ok "linked: $(tr '\n' ' ' < "$T_DIR/needed")- none of the lazily loaded libraries"

# 2. LD_DEBUG=files names every library the dynamic linker loads, at exec and by dlopen.
loads() { LD_DEBUG=files "$HSMO" "$@" 2>&1 >/dev/null </dev/null | grep -o 'file=lib[a-z0-9_-]*' | sort -u || true; }
loads --version > "$T_DIR/version.libs"
for lib in libcrypto libp11-kit libconfig libqrencode libcurl; do
	! grep -q "file=$lib" "$T_DIR/version.libs" || t_fail "--version loaded $lib"
done
t_ok "--version loads none of libcrypto, p11-kit, libconfig, libqrencode, libcurl"
loads secrets --profile NOSUCHPROFILE > "$T_DIR/secrets.libs"
grep -q "file=libcrypto" "$T_DIR/secrets.libs" || t_fail "'secrets' ran without loading libcrypto first"
t_ok "'secrets' (no such profile) loaded libcrypto and started the secure heap before looking"
t_state_profile LAZYDESK '"tier": "ECO", "first_use": "2026-11-20T10:00:00Z"'
for format in text openmetrics; do
	loads status --format "$format" > "$T_DIR/status.libs"
	for lib in libcrypto libp11-kit libconfig libqrencode libcurl; do
		! grep -q "file=$lib" "$T_DIR/status.libs" || t_fail "'status --format $format' loaded $lib"
	done
	"$HSMO" status --format "$format" > "$T_DIR/status.out" 2>&1 || t_fail "'status --format $format' failed"
	t_grep "$T_DIR/status.out" "LAZYDESK" "status --format $format shows the profile"
done
t_ok "'status' reads a profile without loading libcrypto or any other lazily loaded library"
# The countdown of a profile that never unlocked anything: a running countdown (first used a day ago).
first_use=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)
sed -i 's/"step": "import"/"step": "countdown"/; s/"first_use": "[^"]*"/"first_use": "'"$first_use"'"/' \
	"$XDG_STATE_HOME/hsm-onboard/LAZYDESK/state.json"

# no_libcrypto WHERE: the running wizard has not mapped libcrypto.
no_libcrypto() {
	pid=$(w_pid)
	[ -n "$pid" ] || t_fail "no wizard process"
	! grep -q '/libcrypto\.so\.3' "/proc/$pid/maps" || t_fail "the wizard loaded libcrypto on $1"
	t_ok "the wizard on $1 has not loaded libcrypto"
}

# 3. The wizard: no secret, no libcrypto; the first secret, the heap.
w_start -- wizard --profile LAZYDESK
w_wait "The setup password expires in:"
w_settle
no_libcrypto "the countdown of a profile it never unlocked"
w_key F10
[ "$(w_exit_status)" = 0 ] || t_fail "F10 on the countdown did not exit 0"
# The wizard below starts on the start screen, which a single profile would skip.
rm -r "$XDG_STATE_HOME/hsm-onboard/LAZYDESK"
w_start -- wizard
w_wait "New onboarding"
no_libcrypto "the start screen"
# to_first_secret: from the start screen to the paste entry of the import screen (step 4).
to_first_secret() {
	w_new_onboarding
	w_key Enter Enter Enter
	w_wait "Step 4 of 10"
	w_key v
}
to_first_secret
w_wait "Paste the whole credential file"
pid=$(w_pid)
[ -n "$pid" ] || t_fail "no wizard process"
grep -q '/libcrypto\.so\.3' "/proc/$pid/maps" || t_fail "the wizard holds its first secret without libcrypto loaded"
t_ok "the wizard's first secret entry has libcrypto loaded"
if cat "/proc/$pid/smaps" > "$T_DIR/smaps" 2>/dev/null && [ -s "$T_DIR/smaps" ]; then
	awk '
		/^[0-9a-f]+-[0-9a-f]+ / { size = 0 }
		/^Size:/ { size = $2 }
		/^VmFlags:/ { lo = dd = 0; for (i = 2; i <= NF; i++) { if ($i == "lo") lo = 1; if ($i == "dd") dd = 1 }
		              if (size == 256 && lo && dd) found = 1 }
		END { exit found ? 0 : 1 }' "$T_DIR/smaps" || t_fail "the wizard's first secret has no 256 KiB secure heap with VmFlags lo and dd"
	t_ok "the wizard's first secret lives in a secure heap (256 KiB) locked (lo) and excluded from core dumps (dd)"
else
	echo "# smaps of the (non-dumpable) wizard is readable by root only: the heap check needs root"
fi
w_key Escape
w_wait "Step 4 of 10"
w_key F10
[ "$(w_exit_status)" = 0 ] || t_fail "F10 on the import screen did not exit 0"
# Part 4's wizard starts on the start screen again, not in the profile saved at step 4.
rm -r "$XDG_STATE_HOME/hsm-onboard/onboarding"

# 4. A library that is there but cannot be loaded (an empty file first in the search path).
mkdir -p "$T_DIR/badlib" "$T_DIR/badcfg"
: > "$T_DIR/badlib/libcrypto.so.3"
: > "$T_DIR/badcfg/libconfig.so.9"
t_run 69 "'secrets' with a broken libcrypto" env LD_LIBRARY_PATH="$T_DIR/badlib" "$HSMO" secrets --profile X
t_grep "$T_ERR" "hsm-onboard: cannot load libcrypto.so.3 (install the Debian package libssl3)" \
	"the error names libcrypto.so.3 and the package libssl3"
t_run 69 "'clusters' with a broken libconfig" env LD_LIBRARY_PATH="$T_DIR/badcfg" "$HSMO" clusters
t_grep "$T_ERR" "cannot load libconfig.so.9 (install the Debian package libconfig9)" \
	"the error names libconfig.so.9 and the package libconfig9"
t_run 0 "'--version' needs none of them" env LD_LIBRARY_PATH="$T_DIR/badlib" "$HSMO" --version

w_start LD_LIBRARY_PATH="$T_DIR/badlib" -- wizard
to_first_secret
st=$(w_exit_status)
[ "$st" = 69 ] || t_fail "the wizard with a broken libcrypto exited $st, expected 69"
# The whole pane with its history, wrapped lines joined: the message is printed after the terminal
# is restored, on the normal screen, where it may wrap and scroll.
w_tmux capture-pane -p -J -S - -t w > "$T_DIR/pane"
t_grep "$T_DIR/pane" "hsm-onboard: cannot load libcrypto.so.3 (install the Debian package libssl3)" \
	"the wizard's message is on the normal screen"
t_ok "the wizard with a broken libcrypto exits 69 at its first secret and names the library after restoring the terminal"
t_done
