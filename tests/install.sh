#!/bin/sh
# tests/install.sh: `make install` puts exactly the binary, the demo's ppin simulator, the data files,
# the man page, the catalogs and the bash completion in place, each of them works, and `make uninstall` removes all of them.
#
#   tests/install.sh BUILDDIR   a DESTDIR round trip on a configured build directory (quickstart.sh test):
#                               install into a temp dir, compare the file list with the expected one,
#                               check the files, uninstall, and check that no file is left.
#   tests/install.sh --installed
#                               checks an installed tree; run by `make installcheck`, and so by
#                               `make distcheck` after its own install (the environment gives the dirs).
#
# It is not part of `make check`: running make inside make check is fragile (a parallel make, a
# read-only srcdir under distcheck). distcheck covers the --prefix install, its installcheck and the
# emptiness after uninstall; this script adds the exact file list for a DESTDIR install.
set -eu

n=0
ok() { n=$((n + 1)); echo "ok $n - install: $*"; }
fail() { echo "FAIL: install: $*" >&2; exit 1; }

# check_installed: every expected file is where it belongs and works. Uses DESTDIR and the dirs.
check_installed() {
	: "${bindir:?}" "${libexecdir:?}" "${man1dir:?}" "${localedir:?}" "${pkgdatadir:?}" "${srcdir:?}"
	d=${DESTDIR:-}
	bin="$d$bindir/hsm-onboard"
	[ -x "$bin" ] || fail "$bin is missing or not executable"
	v=$(LC_ALL=C "$bin" --version 2>/dev/null | head -n 1)
	case $v in
	"hsm-onboard "[0-9]*) ok "$bin runs: $v" ;;
	*) fail "$bin --version says '$v'" ;;
	esac

	# The demo's ppin simulator (src/ppin-sim/ppin_sim.c) lives in libexecdir, where the demo looks for it.
	sim="$d$libexecdir/hsm-onboard-ppin-sim"
	[ -x "$sim" ] || fail "$sim is missing or not executable"
	"$sim" -v 2>/dev/null | grep -q 'simulated by hsm-onboard-ppin-sim' || fail "$sim -v does not answer"
	ok "demo ppin simulator $sim"

	man="$d$man1dir/hsm-onboard.1"
	[ -f "$man" ] || fail "$man is missing"
	! LC_ALL=C groff -man -Tascii -ww -z "$man" 2>&1 | grep . || fail "$man renders with warnings"
	LC_ALL=C groff -man -Tascii -P-cbou "$man" 2>/dev/null | grep -q 'EXIT STATUS' || fail "$man does not render"
	ok "man page $man"

	for f in ${dist_pkgdata_DATA:-}; do
		[ -f "$d$pkgdatadir/${f##*/}" ] || fail "data file $d$pkgdatadir/${f##*/} is missing"
		ok "data file $d$pkgdatadir/${f##*/}"
	done

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/hsmo-installcheck.XXXXXX")
	# shellcheck disable=SC2013 # a list of words, one a line
	for lang in $(sed 's/#.*//' "$srcdir/po/LINGUAS"); do
		mo="$d$localedir/$lang/LC_MESSAGES/hsm-onboard.mo"
		[ -f "$mo" ] || { rm -rf "$tmp"; fail "catalog $mo is missing"; }
		# Without DESTDIR the binary finds its catalogs: its help must come out translated.
		loc=$(locale -a 2>/dev/null | grep -i "^${lang}_.*\.utf-\{0,1\}8$" | head -n 1 || true)
		if [ -z "$d" ] && [ -n "$loc" ]; then
			LC_ALL=C "$bin" --help > "$tmp/C" 2>/dev/null
			LC_ALL=$loc LANGUAGE='' "$bin" --help > "$tmp/$lang" 2>/dev/null
			first=$(head -n 1 "$tmp/$lang")
			if cmp -s "$tmp/C" "$tmp/$lang"; then
				rm -rf "$tmp"
				fail "LC_ALL=$loc hsm-onboard --help is not translated: $mo is not used"
			fi
			ok "catalog $mo is used: LC_ALL=$loc --help starts with '$first'"
		else
			ok "catalog $mo"
		fi
	done
	rm -rf "$tmp"

	if [ -n "${systemduserunitdir:-}" ]; then
		svc="$d$systemduserunitdir/hsm-onboard-metrics.service"
		[ -f "$svc" ] && [ -f "$d$systemduserunitdir/hsm-onboard-metrics.timer" ] \
			|| fail "the systemd user units are missing in $d$systemduserunitdir"
		# The service runs the installed binary (the .in's @bindir@ was replaced).
		grep -q "^ExecStart=$bindir/hsm-onboard status --format openmetrics " "$svc" \
			|| fail "$svc does not run $bindir/hsm-onboard"
		ok "systemd user units in $d$systemduserunitdir"
	fi
	if [ -n "${hsmoexamplesdir:-}" ]; then
		[ -f "$d$hsmoexamplesdir/hsm-onboard-alerts.yml" ] || fail "$d$hsmoexamplesdir/hsm-onboard-alerts.yml is missing"
		ok "alerting rules example $d$hsmoexamplesdir/hsm-onboard-alerts.yml"
	fi

	if [ -n "${bashcompletiondir:-}" ]; then
		comp="$d$bashcompletiondir/hsm-onboard"
		[ -f "$comp" ] || fail "bash completion $comp is missing"
		bash --norc --noprofile -c ". '$comp' && complete -p hsm-onboard" >/dev/null 2>&1 \
			|| fail "$comp does not register a completion for hsm-onboard"
		ok "bash completion $comp"
	fi
}

if [ "${1:-}" = "--installed" ]; then
	check_installed
	echo "# install: $n checks passed"
	exit 0
fi

build=${1:?usage: tests/install.sh BUILDDIR | --installed}
[ -f "$build/Makefile" ] || fail "$build is not a configured build directory"
make -s -C "$build" hsmo-print-install-dirs > "$build/install-dirs.out"
eval "$(sed -n "s/^\\([A-Za-z_0-9]*\\)=\\(.*\\)\$/\\1='\\2'/p" "$build/install-dirs.out")"

dest=$(mktemp -d "${TMPDIR:-/tmp}/hsmo-install.XXXXXX")
trap 'rm -rf "$dest" "$dest.want" "$dest.got"' EXIT
make -C "$build" install DESTDIR="$dest" > "$build/install.out" 2>&1 \
	|| { tail -n 30 "$build/install.out" >&2; fail "make install failed"; }

# The exact list: nothing missing, nothing more.
{
	echo "$dest$bindir/hsm-onboard"
	echo "$dest$libexecdir/hsm-onboard-ppin-sim"
	echo "$dest$libexecdir/hsm-onboard-jce-standin"
	echo "$dest$man1dir/hsm-onboard.1"
	for f in $dist_pkgdata_DATA; do echo "$dest$pkgdatadir/${f##*/}"; done
	# shellcheck disable=SC2013 # a list of words, one a line
	for lang in $(sed 's/#.*//' "$srcdir/po/LINGUAS"); do
		echo "$dest$localedir/$lang/LC_MESSAGES/hsm-onboard.mo"
	done
	[ -z "$bashcompletiondir" ] || echo "$dest$bashcompletiondir/hsm-onboard"
	if [ -n "$systemduserunitdir" ]; then
		echo "$dest$systemduserunitdir/hsm-onboard-metrics.service"
		echo "$dest$systemduserunitdir/hsm-onboard-metrics.timer"
	fi
	echo "$dest$hsmoexamplesdir/hsm-onboard-alerts.yml"
} | sort > "$dest.want"
find "$dest" \( -type f -o -type l \) | sort > "$dest.got"
if ! cmp -s "$dest.want" "$dest.got"; then
	diff "$dest.want" "$dest.got" | sed "s|$dest||" >&2 || true
	fail "make install DESTDIR=... installed other files than expected (< expected, > installed)"
fi
ok "make install DESTDIR installs exactly $(wc -l < "$dest.want") files:$(sed "s|$dest| |" "$dest.want" | tr -d '\n')"

DESTDIR=$dest
check_installed

make -C "$build" uninstall DESTDIR="$dest" > "$build/uninstall.out" 2>&1 \
	|| { tail -n 30 "$build/uninstall.out" >&2; fail "make uninstall failed"; }
left=$(find "$dest" \( -type f -o -type l \) | sed "s|$dest||")
[ -z "$left" ] || fail "make uninstall DESTDIR left files behind: $left"
ok "make uninstall DESTDIR removes every installed file"
echo "# install: $n checks passed"
