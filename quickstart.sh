#!/usr/bin/env bash
# quickstart.sh demo|test|package: from a fresh Debian 12 clone to a running demo, a green test suite,
# or a Debian package built, linted, installed, used and removed again.
#
# Both commands install what is missing (Debian packages only), generate the locales the tests use,
# bootstrap, configure and build out of tree under _build/. They are idempotent: a second run installs
# nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")"
top=$(pwd)

usage() {
	echo "Usage: ./quickstart.sh demo|test|package"
	echo "  demo     install what is missing, build, and run hsm-onboard on its built-in demo"
	echo "  test     install what is missing, build, and run the whole test suite"
	echo "  package  build the Debian package from a clean checkout, run lintian, install it,"
	echo "           test the installed program (demo, autopkgtest) and remove it again"
}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
[ -n "${NO_COLOR:-}" ] || [ ! -t 1 ] && say() { printf '==> %s\n' "$*"; }

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "quickstart: run as root, or install sudo" >&2; exit 77; }
	SUDO=sudo
fi

# Every package, and why it is here.
PACKAGES=(
	build-essential autoconf automake autopoint gettext libtool pkgconf  # the GNU autotools build
	libncurses-dev        # ncursesw with form, menu and panel: the wizard
	libcurl4-openssl-dev  # HTTPS downloads, preflight and the TSBaaS check
	libssl-dev openssl    # OpenSSL 3: AES-256-GCM, scrypt, secure heap; the test CA
	libqrencode-dev       # QR codes of the SecureSafe link and the ticket
	libcmocka-dev         # unit tests
	libjansson-dev        # state.json, JSON output, JWT claims
	libconfig-dev         # primus.cfg
	libp11-kit-dev p11-kit  # loading PKCS#11 modules
	softhsm2              # the real PKCS#11 token of the demo and the tests
	shellcheck            # tests/shellcheck.sh: the shell scripts and the completion pass it
	opensc                # pkcs11-tool, an independent client to check the rotation
	libengine-pkcs11-openssl  # libp11: OpenSSL signs with the token's key through the generated openssl.cnf
	gnutls-bin            # p11tool: logs in with the generated PKCS#11 URI and its pin-source file
	nginx-light           # HTTPS server on 127.0.0.1 for the network tests
	tmux                  # drives the wizard in a real terminal in the tests
	bash-completion       # its pkg-config file says where the completion is installed
	groff-base            # renders the man page in its test
	faketime              # moves the clock for the countdown tests
	zbar-tools            # zbarimg decodes the drawn QR codes in the tests: they must scan
	locales               # de_DE/fr_FR UTF-8 for the translation tests
	dialog                # the anchor of the startup benchmark
	valgrind              # make check-valgrind
	strace                # tests/leak-e2e.sh records the argv and environment of every child process
	clang libclang-rt-14-dev  # libFuzzer targets
	clang-format          # tests/format.sh: the files of tests/format-files match .clang-format
	ca-certificates python3 file
	python3-yaml          # tests/targets-jce.sh reads the generated TSB and XKS YAML with a real parser
	prometheus            # promtool: checks the OpenMetrics output and the alerting rules, unit-tests the rules
	prometheus-node-exporter curl  # the textfile collector scraped on 127.0.0.1 (tests/metrics-scrape.sh)
)
# What the package test needs on top (`./quickstart.sh package`, and the end of `test`).
PACKAGING_PACKAGES=(
	debhelper dpkg-dev    # dpkg-buildpackage, plain dh (debhelper compat 13)
	lintian               # the package must pass it without an error or a warning
	autopkgtest           # runs debian/tests against the installed package (null runner)
	man-db                # man -w hsm-onboard on the installed package
	systemd               # systemd-analyze verify of the user units
)

install_missing() {
	local missing=() p
	for p in "${PACKAGES[@]}" "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		say "All ${#PACKAGES[@]} packages are installed"
		return
	fi
	say "Installing ${#missing[@]} missing packages: ${missing[*]}"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
	# Tests start their own node_exporter on 127.0.0.1 and a free port: stop the system services that
	# the packages' init scripts may have started (a container's policy-rc.d usually forbids it).
	for p in prometheus prometheus-node-exporter; do
		if [ -x "/etc/init.d/$p" ] && $SUDO "/etc/init.d/$p" status >/dev/null 2>&1; then
			say "Stopping the $p service that its package started"
			$SUDO "/etc/init.d/$p" stop >/dev/null || true
		fi
	done
}

generate_locales() {
	local want=(de_DE.UTF-8 fr_FR.UTF-8 en_US.UTF-8) have l missing=()
	have=$(locale -a 2>/dev/null | tr '[:upper:]' '[:lower:]' | sed 's/utf8/utf-8/')
	for l in "${want[@]}"; do
		grep -qx "$(echo "$l" | tr '[:upper:]' '[:lower:]')" <<<"$have" || missing+=("$l")
	done
	[ ${#missing[@]} -eq 0 ] && return
	say "Generating locales: ${missing[*]}"
	for l in "${missing[@]}"; do
		$SUDO sed -i "s/^# *\\($l UTF-8\\)/\\1/" /etc/locale.gen
		grep -q "^$l UTF-8" /etc/locale.gen || echo "$l UTF-8" | $SUDO tee -a /etc/locale.gen >/dev/null
	done
	$SUDO locale-gen >/dev/null
}

# build DIR [configure options...]: out-of-tree build, configured once per set of options.
build() {
	local dir=$1
	shift
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
		say "Bootstrapping"
		./bootstrap >/dev/null 2>&1 || ./bootstrap
	fi
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ] || [ "$(cat "$dir/.options" 2>/dev/null)" != "$*" ] || [ configure -nt "$dir/Makefile" ]; then
		say "Configuring $dir ($*)"
		(cd "$dir" && "$top/configure" --enable-werror "$@" >configure.out) || { cat "$dir/configure.out"; exit 1; }
		echo "$*" > "$dir/.options"
	fi
	say "Building $dir"
	make -C "$dir" -j"$(nproc)" >/dev/null
}

# Adds up the case-level results of every test log: cmocka's [ OK ]/[ FAILED ] and the shell
# tests' "ok N"/"FAIL:" lines.
count_results() {
	local passed=0 failed=0 skipped=0 f n
	for f in "$@"; do
		[ -f "$f" ] || continue
		n=$(grep -cE '^\[       OK \]|^ok [0-9]+' "$f" || true); passed=$((passed + n))
		n=$(grep -cE '^\[  FAILED  \] [^0-9]|^FAIL: ' "$f" || true); failed=$((failed + n))
		n=$(grep -cE '^SKIP: ' "$f" || true); skipped=$((skipped + n))
	done
	echo "$passed $failed $skipped"
}

run_check() {
	local dir=$1 label=$2 rc=0
	say "Running the test suite: $label"
	make -C "$dir" -j"$(nproc)" check >"$dir/check.out" 2>&1 || rc=$?
	grep -E '^(PASS|FAIL|XPASS|ERROR|SKIP): ' "$dir/check.out" || true
	grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$dir/check.out" || true
	if [ "$rc" -ne 0 ]; then
		echo "---- $label: failing logs ----"
		find "$dir/tests" -name '*.log' -exec grep -lE '^(FAIL|ERROR)' {} + 2>/dev/null | while read -r log; do
			echo "---- $log"; tail -n 60 "$log"
		done
		[ -f "$dir/test-suite.log" ] && tail -n 80 "$dir/test-suite.log"
	fi
	return "$rc"
}

# The packaging checks, on the release build: a DESTDIR install and uninstall with the exact
# file list; then `make distcheck`, which builds the tarball, builds it out of tree from a read-only
# source dir in the release configuration (AM_DISTCHECK_CONFIGURE_FLAGS: no sanitizers and no
# failpoints, the fastest configuration, since the two runs above already cover those), runs the test
# suite once more, installs, runs installcheck and checks that uninstall leaves nothing; then a check
# that every file git tracks is in the tarball.
run_packaging() {
	local dir=$1 rc=0
	say "Install round trip: make install/uninstall DESTDIR (tests/install.sh)"
	bash tests/install.sh "$dir" || return 1
	say "make distcheck (the tarball, built and tested from a read-only source dir)"
	make -C "$dir" -j"$(nproc)" distcheck >"$dir/distcheck.out" 2>&1 || rc=$?
	grep -E '^(FAIL|XPASS|ERROR): |^# (TOTAL|PASS|SKIP|FAIL|ERROR):|^ok [0-9]+ - install|archives ready' "$dir/distcheck.out" || true
	if [ "$rc" -ne 0 ]; then
		echo "---- make distcheck failed: last lines of $dir/distcheck.out"
		tail -n 80 "$dir/distcheck.out"
		return 1
	fi
	# shellcheck disable=SC2012 # the newest tarball; its name has no space
	bash tests/distfiles.sh "$(ls -t "$dir"/hsm-onboard-*.tar.* | head -n 1)" || return 1
}

# The unit tests and corpus replays under valgrind memcheck, in a build without sanitizers.
# run_logged LOG LINES PATTERN CMD...: runs CMD with its output in LOG, shows LOG's lines that match
# PATTERN, and its last LINES lines when CMD failed; returns CMD's status.
run_logged() {
	local log=$1 lines=$2 pattern=$3 rc=0
	shift 3
	"$@" >"$log" 2>&1 || rc=$?
	grep -E "$pattern" "$log" || true
	[ "$rc" -eq 0 ] || tail -n "$lines" "$log"
	return "$rc"
}

run_valgrind() {
	say "Running the unit tests under valgrind: $1"
	run_logged "$1/check-valgrind.out" 80 '^(PASS|FAIL|SKIP): |^check-valgrind:' make -C "$1" check-valgrind
}

cmd_test() {
	install_missing "${PACKAGING_PACKAGES[@]}"
	generate_locales
	build _build/release
	build _build/sanitize --enable-sanitizers --enable-failpoints --enable-debug
	local rc=0
	run_check _build/release "release build" || rc=1
	run_check _build/sanitize "ASan+UBSan build with failpoints" || rc=1
	# Every skipped test by name, and a failure for any skip this machine did not need: a package
	# that is installed, or a build feature that no build here had (tests/skips.sh says how it judges).
	say "Skipped tests"
	bash tests/skips.sh _build/release _build/sanitize || rc=1
	run_valgrind _build/release || rc=1
	run_packaging _build/release || rc=1
	run_package _build/package.log || rc=1
	# shellcheck disable=SC2046 # log file names, which have no space
	read -r p f s < <(count_results $(find _build/release/tests _build/sanitize/tests -name '*.log' 2>/dev/null) _build/package.log)
	echo "tests: $p passed, $f failed, $s skipped"
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
		say "Some tests failed"
		exit 1
	fi
	say "All tests passed"
}

cmd_demo() {
	install_missing
	generate_locales
	build _build/release
	if [ -t 0 ] && [ -t 1 ]; then
		say "hsm-onboard demo: a throwaway SoftHSM2 token, invented credential files, the real wizard"
		local rc=0
		# The build tree's binary finds its simulator, catalogs and cluster table itself (paths.h).
		_build/release/hsm-onboard demo "$@" || rc=$?
		# 69: the demo cannot run here (SoftHSM2 is missing or unusable); show what it can instead.
		[ "$rc" -eq 69 ] || return "$rc"
	else
		say "No terminal here: 'hsm-onboard demo' needs one (run ./quickstart.sh demo in a terminal)."
		echo "In a terminal it creates a private 0700 directory with a SoftHSM2 token whose user PIN is"
		echo "a fresh setup password, writes invented credential files named like Securosys's, and walks"
		echo "the wizard through import, countdown, preflight, the real rotation and the provider"
		echo "configuration; at the end it removes the directory (hsm-onboard demo --keep keeps it)."
	fi
	# Global, not local: the EXIT trap runs after cmd_demo has returned, and set -u would abort on an
	# unbound local there, turning a good demo into exit 1.
	demo_dir=$(mktemp -d /tmp/hsm-onboard-demo.XXXXXX)
	trap 'rm -rf "$demo_dir"' EXIT
	local demo=$demo_dir
	say "Generating invented sample credential files in $demo"
	bash tests/gen-credfiles.sh "$demo" >/dev/null
	ls -l "$demo"
	say "hsm-onboard inspect $demo/*.txt"
	_build/release/hsm-onboard inspect "$demo"/*.txt
}

# The Debian package (tests/deb-package.sh): built from a clean checkout by dpkg-buildpackage, lintian
# without an error or a warning, installed with apt-get, the installed program tested (--version, man,
# completion, German help, systemd-analyze verify, the demo in tmux, the autopkgtest), then removed.
# It installs into the system, so it needs root, and it removes the package again whatever happens.
# run_package LOG: the Debian package test (below), its output kept in LOG.
run_package() {
	say "Building, linting, installing, testing and removing the Debian package (tests/deb-package.sh)"
	# shellcheck disable=SC2086 # $SUDO is empty or one word
	run_logged "$1" 60 '^(ok [0-9]+|FAIL:|[EW]: )' $SUDO bash tests/deb-package.sh
}

cmd_package() {
	install_missing "${PACKAGING_PACKAGES[@]}"
	generate_locales
	mkdir -p _build
	run_package _build/package.log
}

case "${1:-}" in
	demo) shift; cmd_demo "$@" ;;
	test) cmd_test ;;
	package) cmd_package ;;
	-h|--help) usage ;;
	*) usage >&2; exit 64 ;;
esac
