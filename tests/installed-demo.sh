#!/bin/bash
# installed-demo.sh: the INSTALLED hsm-onboard's demo, in a real terminal (tmux), to its end, as a
# user of the Debian package meets it: SoftHSM2 found at the path the package was built for, the
# catalogs, the wizard, the real rotation, and no file left behind without --keep.
#
# Not part of `make check` (it tests an installed program): run by debian/tests/demo (autopkgtest)
# and by tests/deb-package.sh, from the source tree, with HSMO pointing at the installed binary.
export HSMO=${HSMO:-/usr/bin/hsm-onboard}
export top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
export top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"
[ -x "$HSMO" ] || t_fail "$HSMO is not installed"

pass="installed demo $(t_rand_alnum 12)"
t_secret "$pass"
w_start TMPDIR="$T_DIR" -- demo
w_wait "Step 1 of 10: Subscription" 30
set -- "$T_DIR"/hsm-onboard-demo.*
demo=$1
[ -d "$demo" ] || t_fail "no demo directory under $T_DIR"
for f in "$demo"/Downloads/*.txt; do
	sed -n 's/^\(Service User Password\|HSM User Setup Password\|PKCS#11 password \): //p' "$f" \
		| while read -r s; do t_secret "$s"; done
done
t_ok "the installed demo starts its wizard on a SoftHSM2 token in $demo"
w_demo_walk "$pass"
t_grep "$W_ROTATED" "[x] ppin -t, and login with the PKCS#11 password verified" \
	"the installed demo exchanged the setup password through its ppin simulator"
w_key Enter
st=$(w_exit_status 30)
[ "$st" = 0 ] || t_fail "the installed demo exited $st"
t_ok "the installed demo ran to its end (exit 0)"
[ ! -e "$demo" ] || t_fail "the demo left $demo behind (no --keep)"
t_ok "the demo removed its files"
T_SCAN_EXCLUDE=
t_scan_leaks "$W_CAP"
t_done
