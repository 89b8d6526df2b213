#!/bin/sh
# link-hardening.sh: the built hsm-onboard is a position-independent executable with full RELRO, as
# configure asks the linker for (-pie -Wl,-z,relro,-z,now), read back from the ELF file with readelf:
# type DYN with the PIE flag, a GNU_RELRO segment, and BIND_NOW (every symbol bound at start, so the
# GOT can be read-only before main runs).
. "$top_srcdir/tests/lib.sh"
t_need_tool readelf binutils

readelf -h "$HSMO" > "$T_DIR/header"
t_grep "$T_DIR/header" "DYN (Position-Independent Executable file)" "hsm-onboard is a PIE"
readelf -l "$HSMO" > "$T_DIR/segments"
t_grep "$T_DIR/segments" "GNU_RELRO" "hsm-onboard has a RELRO segment"
readelf -d "$HSMO" > "$T_DIR/dynamic"
grep -qE 'FLAGS.*BIND_NOW|FLAGS_1.*NOW' "$T_DIR/dynamic" || { cat "$T_DIR/dynamic" >&2; t_fail "no BIND_NOW: RELRO is partial"; }
t_ok "hsm-onboard binds every symbol at start (BIND_NOW): full RELRO"
t_done
