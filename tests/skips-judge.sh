#!/bin/sh
# skips-judge.sh: tests/skips.sh, which ./quickstart.sh test uses to fail on a skip that hides a
# regression, run on invented test logs of two builds, with dpkg-query replaced by a stand-in that
# says only softhsm2 is installed. Proves each rule: a [missing] skip of an installed package fails, of
# a missing one passes; a [build] skip passes only when the same test passed in the other build; a
# [machine] skip passes; an untagged skip fails; every skipped test is listed by name.
. "$top_srcdir/tests/lib.sh"

JUDGE="$top_srcdir/tests/skips.sh"
R="$T_DIR/release" S="$T_DIR/sanitize"
mkdir -p "$R/tests/fuzz" "$S/tests" "$T_DIR/bin"
cat > "$T_DIR/bin/dpkg-query" <<'EOF'
#!/bin/sh
# dpkg-query -W -f='${Status}' PKG
for last; do :; done
[ "$last" = softhsm2 ] && { printf 'install ok installed'; exit 0; }
exit 1
EOF
chmod +x "$T_DIR/bin/dpkg-query"
export DPKG_QUERY="$T_DIR/bin/dpkg-query"

# fake BUILD NAME RESULT [SKIP-REASON]
fake() {
	printf ':test-result: %s\n' "$3" > "$1/tests/$2.trs"
	{ echo "ok 1 - something"; [ -z "${4:-}" ] || echo "SKIP: $2: $4"; } > "$1/tests/$2.log"
}
fake "$R" crash-import SKIP "not a --enable-failpoints build [build failpoints]"
fake "$S" crash-import PASS
fake "$R" unit-ok PASS
fake "$S" unit-ok PASS
fake "$R" fuzz/replay_x PASS

t_run 0 "a release-only failpoint skip, passed in the sanitize build" bash "$JUDGE" "$R" "$S"
t_grep "$T_OUT" "SKIP: $R/tests/crash-import: not a --enable-failpoints build [build failpoints] -> allowed" \
	"the skipped test is listed by name, with its reason and verdict"
t_grep "$T_OUT" "skips: 1, not allowed: 0" "one skip counted"

fake "$S" crash-import SKIP "not a --enable-failpoints build [build failpoints]"
t_run 1 "a failpoint skip that no build ran" bash "$JUDGE" "$R" "$S"
t_grep "$T_OUT" "no build with failpoints ran it" "says why"
fake "$S" crash-import PASS

fake "$S" connect SKIP "SoftHSM2 module not found (configure looked for it) [missing softhsm2]"
t_run 1 "a skip for a package that is installed" bash "$JUDGE" "$R" "$S"
t_grep "$T_OUT" "softhsm2 is installed" "names the installed package"
rm "$S/tests/connect.trs"

fake "$S" net-check SKIP "nginx is not installed [missing nginx-light]"
fake "$S" hardening SKIP "hardening: proofs not possible here; ptrace restricted [machine]"
t_run 0 "skips for a missing package and for the machine" bash "$JUDGE" "$R" "$S"
t_grep "$T_OUT" "nginx-light is not installed" "the missing package is named"
t_grep "$T_OUT" "SKIP: $S/tests/hardening:" "the machine skip is listed"

fake "$S" leak-e2e SKIP "parts not run; A: SoftHSM2 [missing softhsm2]; D: tmux [missing tmux]"
t_run 1 "one of several tags is not allowed" bash "$JUDGE" "$R" "$S"
rm "$S/tests/leak-e2e.trs"

fake "$S" po-complete SKIP "catalogs not complete yet"
t_run 1 "a skip without a tag" bash "$JUDGE" "$R" "$S"
t_grep "$T_OUT" "the reason names nothing this machine lacks" "an untagged skip is refused"
t_grep "$T_OUT" "skips: 4, not allowed: 1" "every skip of both builds counted"
t_done
