#!/bin/bash
# tests/skips.sh BUILD_DIR...: lists every skipped test of the given builds' last `make check` by name,
# and judges each skip by the tag that tests/lib.sh's t_skip_* helpers put in its reason
# (doc/DESIGN.md, "Skips"):
#   [missing PKG]    allowed only while the Debian package PKG is not installed on this machine;
#   [build FEATURE]  allowed only when the same test passed in another of the given builds (the
#                    release build skips the failpoint and sanitizer tests that the sanitize build runs);
#   [machine]        allowed: the kernel or the sandbox forbids the proof (it is listed all the same).
# A reason may carry several tags (a test that skipped several parts); every one must be allowed. A
# skip without a tag names no reason that can be checked, so it is not allowed.
# Exit 0 when every skip is allowed, 1 otherwise. ./quickstart.sh test runs it after both builds.
# DPKG_QUERY overrides dpkg-query (tests/skips-judge.sh runs this on invented logs).
set -u

DPKG_QUERY=${DPKG_QUERY:-dpkg-query}
[ $# -gt 0 ] || { echo "usage: tests/skips.sh BUILD_DIR..." >&2; exit 64; }

result_of() { # result_of TRS: the test's :test-result:
	sed -n 's/^:test-result: *//p' "$1" 2>/dev/null | head -n 1
}

installed() { # installed PKG: 0 installed, 1 not installed, 2 cannot tell
	command -v "$DPKG_QUERY" >/dev/null 2>&1 || return 2
	"$DPKG_QUERY" -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

n_skip=0 n_bad=0
for dir in "$@"; do
	[ -d "$dir/tests" ] || continue
	while IFS= read -r trs; do
		[ "$(result_of "$trs")" = SKIP ] || continue
		n_skip=$((n_skip + 1))
		rel=${trs#"$dir"/}
		rel=${rel%.trs}
		log=${trs%.trs}.log
		reason=$(grep -E '^SKIP: ' "$log" 2>/dev/null | tail -n 1 | sed 's/^SKIP: [^:]*: //')
		[ -n "$reason" ] || reason="(no SKIP: line in $log)"
		verdict=allowed why=
		tags=$(grep -oE '\[(missing|build|machine)( [^]]*)?\]' <<<"$reason" || true)
		if [ -z "$tags" ]; then
			verdict="NOT ALLOWED" why="the reason names nothing this machine lacks ([missing PKG], [build F], [machine])"
		fi
		while IFS= read -r tag; do
			[ -n "$tag" ] || continue
			kind=$(sed -E 's/^\[([a-z]+).*/\1/' <<<"$tag")
			arg=$(sed -E 's/^\[[a-z]+ ?([^]]*)\]$/\1/' <<<"$tag")
			case $kind in
			missing)
				installed "$arg"
				case $? in
				0) verdict="NOT ALLOWED" why="$why; $arg is installed" ;;
				1) why="$why; $arg is not installed" ;;
				*) why="$why; cannot ask dpkg whether $arg is installed" ;;
				esac
				;;
			build)
				passed_in=
				for other in "$@"; do
					[ "$other" != "$dir" ] || continue
					[ "$(result_of "$other/$rel.trs")" = PASS ] && passed_in=$other
				done
				if [ -n "$passed_in" ]; then
					why="$why; passed in $passed_in"
				else
					verdict="NOT ALLOWED" why="$why; no build with $arg ran it"
				fi
				;;
			machine) why="$why; this machine forbids it" ;;
			esac
		done <<<"$tags"
		[ "$verdict" = allowed ] || n_bad=$((n_bad + 1))
		echo "SKIP: $dir/$rel: $reason -> $verdict (${why#; })"
	done < <(find "$dir/tests" -name '*.trs' | LC_ALL=C sort)
done
echo "skips: $n_skip, not allowed: $n_bad"
[ "$n_bad" -eq 0 ]
