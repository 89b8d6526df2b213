#!/bin/bash
# deb-package.sh: the Debian package, from a clean checkout to a clean removal, with the real tools.
#   1. dpkg-buildpackage -us -uc -b in a copy of the committed tree plus uncommitted changes to
#      tracked files (git stash create), nothing else: no build products, no untracked files;
#   2. lintian: no error and no warning;
#   3. apt-get install ./hsm-onboard_*.deb, then the installed program: --version, man -w, the bash
#      completion as bash-completion loads it, a German --help, systemd-analyze verify of the user
#      units, the demo in tmux to its end (tests/installed-demo.sh), the autopkgtest (debian/tests)
#      with the null runner;
#   4. apt-get remove: every file of the package is gone, the user's state is left alone; then
#      apt-get purge, so dpkg forgets it too.
# It installs into the system (as root): whatever happens, the package is removed again at the end,
# so no other test finds a /usr/bin/hsm-onboard. Run by `./quickstart.sh package`.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=0
ok() { n=$((n + 1)); echo "ok $n - package: $*"; }
fail() { echo "FAIL: package: $*" >&2; echo "$n passed, 1 failed"; exit 1; }
step() { echo "== $* ($(date -u +%H:%M:%S), $SECONDS s)"; }
[ "$(id -u)" -eq 0 ] || fail "run as root (apt-get install)"
for t in dpkg-buildpackage lintian apt-get git tmux man bash; do
	command -v "$t" >/dev/null || fail "$t is missing (./quickstart.sh package installs it)"
done
if dpkg-query -W -f='${Status}' hsm-onboard 2>/dev/null | grep -q 'install ok installed'; then
	fail "hsm-onboard is already installed as a package: remove it first (apt-get remove hsm-onboard)"
fi
[ ! -e /usr/bin/hsm-onboard ] || fail "/usr/bin/hsm-onboard exists and is not from the package: not touching it"

work=$(mktemp -d /tmp/hsmo-deb.XXXXXX)
installed=
cleanup() {
	rc=$?
	if [ -n "$installed" ]; then
		apt-get purge -y -qq -o DPkg::Lock::Timeout=900 hsm-onboard >/dev/null 2>&1 || dpkg --purge hsm-onboard >/dev/null 2>&1 || true
	fi
	[ -n "${KEEP:-}" ] && echo "# kept $work" || rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT

# ---- 1. build from a clean checkout ----
step "dpkg-buildpackage"
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
src="$work/hsm-onboard-$version"
mkdir -p "$src"
rev=$(git -C "$top" stash create 2>/dev/null || true)
git -C "$top" archive "${rev:-HEAD}" | tar -x -C "$src"
t0=$SECONDS
(cd "$src" && dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1 || { tail -n 60 "$work/build.log" >&2; fail "dpkg-buildpackage failed"; }
arch=$(dpkg --print-architecture)
deb="$work/hsm-onboard_${version}_$arch.deb"
changes="$work/hsm-onboard_${version}_$arch.changes"
[ -f "$deb" ] || fail "no $deb"
grep -qE '^# PASS: +[1-9]' "$work/build.log" || fail "the build ran no unit test"
ok "dpkg-buildpackage -us -uc -b builds $(basename "$deb") from a clean checkout in $((SECONDS - t0)) s ($(grep -E '^# PASS:' "$work/build.log" | tr -s ' ') unit tests)"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libssl3 libcurl4 libp11-kit0 libconfig9 libqrencode4 libjansson4 libncursesw6; do
	case ", $depends," in *", $lib"[,\ ]*) ;; *) fail "Depends lacks $lib: $depends" ;; esac
done
ok "Depends names the linked and the dlopen()ed libraries: $depends"
recommends=$(dpkg-deb -f "$deb" Recommends)
case $recommends in *softhsm2*opensc*) ok "Recommends: $recommends" ;; *) fail "Recommends: $recommends" ;; esac

# ---- 2. lintian ----
step "lintian"
t0=$SECONDS
lintian --fail-on error,warning --display-info "$changes" > "$work/lintian.out" 2>&1 || { cat "$work/lintian.out" >&2; fail "lintian reports an error or a warning"; }
! grep -E '^[EW]: ' "$work/lintian.out" || fail "lintian printed errors or warnings"
ok "lintian: no error, no warning in $((SECONDS - t0)) s$(grep -c '^[IP]: ' "$work/lintian.out" | sed 's/^0$//; s/^\(..*\)$/ (\1 info tags)/')"

# ---- 3. install and use ----
step "apt-get install"
installed=1
apt-get install -y -qq -o DPkg::Lock::Timeout=900 "$deb" > "$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "apt-get install ./$(basename "$deb") failed"; }
dpkg-query -W -f='${Status}' hsm-onboard | grep -q 'install ok installed' || fail "not installed"
dpkg -L hsm-onboard > "$work/files"
ok "apt-get install ./$(basename "$deb"): $(wc -l < "$work/files") paths"
v=$(LC_ALL=C hsm-onboard --version | head -n 1)
[ "$v" = "hsm-onboard $version" ] || fail "--version says '$v'"
ok "hsm-onboard --version: $v"
m=$(man -w hsm-onboard)
[ "$m" = /usr/share/man/man1/hsm-onboard.1.gz ] || fail "man -w hsm-onboard says '$m'"
LC_ALL=C MANWIDTH=80 man hsm-onboard 2>/dev/null | grep -q 'openmetrics' || fail "man hsm-onboard does not render"
ok "man -w hsm-onboard: $m (and it renders)"
comp=$(bash --norc --noprofile -c '
	. /usr/share/bash-completion/bash_completion
	__load_completion hsm-onboard || exit 1
	f=$(complete -p hsm-onboard | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
	COMP_WORDS=(hsm-onboard status --format ""); COMP_CWORD=3; COMP_LINE="hsm-onboard status --format "; COMP_POINT=${#COMP_LINE}
	"$f" hsm-onboard "" --format
	printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "')
[ "$comp" = "json nagios openmetrics text " ] || fail "bash-completion's loader completes 'status --format' as '$comp'"
ok "bash completion, loaded on demand by bash-completion: status --format -> $comp"
loc=$(locale -a | grep -i '^de_DE\.utf-\?8$' | head -n 1 || true)
[ -n "$loc" ] || fail "the de_DE.UTF-8 locale is not generated (./quickstart.sh package generates it)"
de=$(LC_ALL=$loc LANGUAGE="" hsm-onboard --help | head -n 1)
case $de in Aufruf:*) ok "German --help from the installed catalog: $de" ;; *) fail "LC_ALL=$loc --help: '$de'" ;; esac
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$work/run" && chmod 700 "$work/run"
	XDG_RUNTIME_DIR="$work/run" systemd-analyze verify --user /usr/lib/systemd/user/hsm-onboard-metrics.service \
		/usr/lib/systemd/user/hsm-onboard-metrics.timer > "$work/verify.out" 2>&1 || { cat "$work/verify.out" >&2; fail "systemd-analyze verify"; }
	[ ! -s "$work/verify.out" ] || { cat "$work/verify.out" >&2; fail "systemd-analyze verify warns"; }
	ok "systemd-analyze verify --user accepts the installed units (ExecStart, man page)"
fi
[ ! -e /etc/systemd/user/timers.target.wants/hsm-onboard-metrics.timer ] || fail "the timer was enabled for every user"
ok "the metrics timer is installed, not enabled for every user"
step "the installed demo in tmux"
HSMO=/usr/bin/hsm-onboard top_srcdir="$src" top_builddir="$src" bash "$src/tests/installed-demo.sh" > "$work/demo.log" 2>&1 \
	|| { cat "$work/demo.log" >&2; fail "the installed demo"; }
ok "the installed demo ran to its end in tmux ($(grep -c '^ok ' "$work/demo.log") checks)"
if command -v autopkgtest >/dev/null; then
	step "autopkgtest -- null"
	t0=$SECONDS
	set +e
	autopkgtest --output-dir "$work/autopkgtest" "$deb" "$src" -- null > "$work/autopkgtest.log" 2>&1
	arc=$?
	set -e
	[ "$arc" -eq 0 ] || { tail -n 40 "$work/autopkgtest.log" >&2; fail "autopkgtest exited $arc"; }
	grep -E '^(demo|metrics) +PASS' "$work/autopkgtest/summary" > "$work/at.pass" || true
	[ "$(wc -l < "$work/at.pass")" -eq 2 ] || { cat "$work/autopkgtest/summary" >&2; fail "autopkgtest: not every test passed"; }
	ok "autopkgtest (null runner, as root): $(tr -s ' \n' ' ' < "$work/autopkgtest/summary")in $((SECONDS - t0)) s"
fi

# ---- 4. remove ----
step "apt-get remove"
export HOME="$work/home" XDG_STATE_HOME="$work/home/.local/state"
mkdir -p "$XDG_STATE_HOME/hsm-onboard/USER01" && chmod 700 "$XDG_STATE_HOME/hsm-onboard" "$XDG_STATE_HOME/hsm-onboard/USER01"
printf '{"version": 1, "step": "import", "tier": "ECO"}\n' > "$XDG_STATE_HOME/hsm-onboard/USER01/state.json"
chmod 600 "$XDG_STATE_HOME/hsm-onboard/USER01/state.json"
hsm-onboard status --format openmetrics --output "$XDG_STATE_HOME/metrics.prom" >/dev/null
apt-get remove -y -qq -o DPkg::Lock::Timeout=900 hsm-onboard > "$work/remove.log" 2>&1 || { cat "$work/remove.log" >&2; fail "apt-get remove"; }
status=$(dpkg-query -W -f='${Status}' hsm-onboard 2>/dev/null || true)
# "config-files" (rc) only because debhelper's postrm (the user units) waits for a purge: the
# package has no conffile, so no file of it stays.
case $status in ""|"unknown ok not-installed"|"deinstall ok not-installed"|"deinstall ok config-files") ;;
	*) fail "after apt-get remove, dpkg says '$status'" ;; esac
[ -z "$(dpkg-query -W -f='${Conffiles}' hsm-onboard 2>/dev/null || true)" ] || fail "the package has conffiles"
left=
while read -r f; do
	[ -d "$f" ] && continue
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done < "$work/files"
[ -z "$left" ] || fail "apt-get remove left:$left"
for d in /usr/share/doc/hsm-onboard /usr/share/hsm-onboard; do
	[ ! -e "$d" ] || fail "apt-get remove left $d"
done
ok "apt-get remove leaves no file of the package (dpkg: '${status:-not known}'), no /usr/bin/hsm-onboard"
apt-get purge -y -qq -o DPkg::Lock::Timeout=900 hsm-onboard > "$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "apt-get purge"; }
installed=
status=$(dpkg-query -W -f='${Status}' hsm-onboard 2>/dev/null || true)
case $status in ""|"unknown ok not-installed"|"purge ok not-installed") ;; *) fail "after apt-get purge, dpkg says '$status'" ;; esac
ok "apt-get purge then forgets the package (dpkg: '${status:-not known}')"
[ -f "$XDG_STATE_HOME/hsm-onboard/USER01/state.json" ] && [ -f "$XDG_STATE_HOME/metrics.prom" ] || fail "the user's state was touched"
ok "the user's state (profiles, metrics file) is left alone"
echo "# package: $n checks passed in $SECONDS s"
echo "$n passed, 0 failed"
