#!/bin/sh
# tests/distfiles.sh TARBALL: every file that git tracks is in the release tarball. `make distcheck`
# only notices a missing file when a build or a test needs it, and a test that skips (no SoftHSM2, no
# nginx) or a fixture read only on failure would let a missing file through. Run by quickstart.sh test
# after distcheck; skips outside a git checkout.
set -eu
tarball=${1:?usage: tests/distfiles.sh TARBALL}
top=$(cd "$(dirname "$0")/.." && pwd)
if ! git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "SKIP: distfiles: not a git checkout"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hsmo-distfiles.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Not in the tarball on purpose: git's own files and the empty-directory marker.
git -C "$top" ls-files | grep -vxE '\.gitignore|m4/\.keep|\.gitattributes' | sort > "$tmp/tracked"
tar -tf "$tarball" | sed -e 's|^[^/]*/||' -e '/\/$/d' -e '/^$/d' | sort > "$tmp/shipped"
missing=$(comm -23 "$tmp/tracked" "$tmp/shipped")
if [ -n "$missing" ]; then
	echo "FAIL: distfiles: tracked files missing from $(basename "$tarball") (add them to EXTRA_DIST or _SOURCES):" >&2
	echo "$missing" | sed 's/^/  /' >&2
	exit 1
fi
echo "ok 1 - distfiles: all $(wc -l < "$tmp/tracked") tracked files are in $(basename "$tarball")"
