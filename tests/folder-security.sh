#!/bin/sh
# folder-security.sh: a folder shared with a group (the docs' /etc/primus, every provider user in group
# primus) gives nothing away, and forget leaves nothing behind.
#
#   - `restore --group` and `config --group` while a group member swaps a symbolic link to another file
#     of the operator in right after each rename (tests/swapinject.so, so the window is hit every run,
#     not raced): the file outside the folder keeps its bytes, mode and group;
#   - `forget` of a connected primus profile (its primus/ work folder made unlink fail with EISDIR after
#     the vault was shredded) exits 0 and leaves nothing; downloads of its user go with it, another
#     user's download whose name merely contains "_USER_" stays.
. "${top_srcdir:?}/tests/lib.sh"

t_need_softhsm
t_need_pkcs11_tool
t_ppin_sim
SWAP_SO=$top_builddir/tests/swapinject.so
[ -f "$SWAP_SO" ] || t_fail "$SWAP_SO is not built (it is in check_DATA)"
t_passphrase "shared folder pass $(t_rand_alnum 10)"
T_SCAN_EXCLUDE="$T_DIR/creds"
S="$XDG_STATE_HOME/hsm-onboard"

t_make_credfiles "$T_DIR/creds" acme hsm SHAREUSER 20261120 pkcs11
t_import SHAREUSER "$PASS" --tier SBX
t_softhsm_token SHAREUSER
printf '%s' "$T_SERVICE_PW" | sha256sum | cut -d' ' -f1 > "$HSM_ONBOARD_PPIN_SIM_DIR/proxy.sha256"
t_run 0 "connect (primus)" t_hsmo --profile SHAREUSER --yes connect --ppin "$SIM" --module "$SOFTHSM2_MODULE" \
	--endpoint hsm-a.example.test
[ -d "$S/SHAREUSER/primus" ] || t_fail "connect left no primus/ work folder: the forget case below would prove nothing"

# A group other than the operator's own, so that a chown through the link would show (as root any
# group may be given; otherwise the operator's own group, and the mode shows it).
GROUP=$(id -gn)
if [ "$(id -u)" -eq 0 ] && getent group nogroup >/dev/null; then GROUP=nogroup; fi

# ---- --group with a link swapped in after each rename ----
VICTIM=$T_DIR/operator-private.key
printf 'the operator private key %s\n' "$(t_rand_alnum 8)" > "$VICTIM"
chmod 600 "$VICTIM"
victim_id() { stat -c '%a %G %s' "$VICTIM"; sha256sum < "$VICTIM"; }
BEFORE=$(victim_id)
swap_case() {
	sw_what=$1 sw_name=$2
	shift 2
	rm -f "$T_DIR/swap.log"
	t_run 0 "$sw_what while $sw_name is swapped for a link" H_SWAP "$sw_name" "$@"
	grep -q "swapped .*/$sw_name\$" "$T_DIR/swap.log" 2>/dev/null || t_fail "$sw_what: the link was never swapped in (the test proves nothing)"
	[ "$(victim_id)" = "$BEFORE" ] || t_fail "$sw_what: the file outside the folder changed: $(victim_id) (was $BEFORE)"
	t_ok "$sw_what: the swap happened and the file outside the folder kept bytes, mode and group"
}
# H_SWAP NAME ARGS...: t_hsmo with the swapping shim preloaded (the preload may follow ASan's runtime).
H_SWAP() {
	_n=$1
	shift
	LD_PRELOAD="$SWAP_SO" SWAP_PATH="$T_DIR/shared/$_n" SWAP_TARGET="$VICTIM" SWAP_LOG="$T_DIR/swap.log" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
		t_hsmo "$@"
}
mkdir -p "$T_DIR/shared"
for f in .secrets.cfg primus.cfg; do
	swap_case "restore --group" "$f" --profile SHAREUSER restore --output "$T_DIR/shared" --group "$GROUP"
	rm -f "$T_DIR/shared/$f"
	swap_case "config --group" "$f" --profile SHAREUSER config --output "$T_DIR/shared" --group "$GROUP"
	rm -f "$T_DIR/shared/$f"
done
t_run 0 "restore --group without the swap" t_hsmo --profile SHAREUSER restore --output "$T_DIR/shared" --group "$GROUP"
[ "$(stat -c '%a %G' "$T_DIR/shared/.secrets.cfg")" = "640 $GROUP" ] || t_fail "restore --group: $(stat -c '%a %G' "$T_DIR/shared/.secrets.cfg")"
t_ok "restore --group: the file is 0640 and the group's"
left=$(find "$T_DIR/shared" -name '*.tmp')
[ -z "$left" ] || t_fail "temp files left in the shared folder: $left"
t_ok "no temp file left in the shared folder"

# ---- folders for secrets: refused when others own them or may write them (no sticky bit) ----
folder_case() { # folder_case MODE OWNER WANT-RC WORDS: restore into a fresh folder of that mode and owner
	rm -rf "$T_DIR/f"
	mkdir "$T_DIR/f"
	chmod "$1" "$T_DIR/f"
	[ "$2" = me ] || chown "$2" "$T_DIR/f"
	t_run "$3" "restore into a folder $1 owned by $2" t_hsmo --profile SHAREUSER restore --output "$T_DIR/f"
	t_grep "$T_ERR" "$4" "folder $1 of $2: the reason is given"
	[ "$3" -eq 0 ] || [ -z "$(ls -A "$T_DIR/f")" ] || t_fail "the refused restore wrote: $(ls -A "$T_DIR/f")"
}
folder_case 777 me 77 "can be written by every user without the sticky bit"
folder_case 770 me 77 "can be written by its group without the sticky bit"
folder_case 1777 me 0 "can be listed by every user"
t_run 0 "--force writes into the folder others may write" t_hsmo --profile SHAREUSER restore --output "$T_DIR/f" --force
chmod 1777 "$T_DIR/f"
if [ "$(id -u)" -eq 0 ]; then
	folder_case 700 nobody 77 "belongs to another user"
	t_run 0 "--force writes into another user's folder" t_hsmo --profile SHAREUSER restore --output "$T_DIR/f" --force
	[ -f "$T_DIR/f/.secrets.cfg" ] || t_fail "--force wrote nothing"
	t_ok "--force overrides the refusal"
fi
rm -rf "$T_DIR/f"

# ---- forget: everything, or nothing ----
DL=$S/.downloads
mkdir -p "$DL"
chmod 700 "$DL"
MINE=$DL/acme_hsm_hsm_SHAREUSER_20261120.txt
THEIRS=$DL/acme_SHAREUSER_hsm_OTHERUSER_20261120.txt
printf 'HSM User Name: SHAREUSER\n' > "$MINE"
printf 'HSM User Name: OTHERUSER\n' > "$THEIRS"
chmod 600 "$MINE" "$THEIRS"
t_run 0 "forget of a connected primus profile" "$HSMO" --profile SHAREUSER forget --discard-user-secret --yes
[ ! -e "$S/SHAREUSER" ] || t_fail "forget left: $(find "$S/SHAREUSER")"
t_ok "forget left nothing of the profile (its primus/ folder included)"
[ ! -e "$MINE" ] || t_fail "forget kept the profile user's download"
[ -f "$THEIRS" ] || t_fail "forget deleted another user's download (its name contains _SHAREUSER_)"
t_ok "forget removed the user's download and kept OTHERUSER's"
t_run 66 "status no longer lists it" "$HSMO" --profile SHAREUSER status
rm -rf "$T_DIR/shared"

# ---- forget as an ordinary user: read-only files and folders of its own go, anything else stops it
# before the vault is touched (as root, the kernel's permission checks would not apply) ----
if [ "$(id -u)" -eq 0 ]; then
	. "$top_srcdir/tests/hardening-lib.sh"
	trap 'rc=$?; h_world_cleanup; (exit $rc); t_cleanup' EXIT
	h_world
	NS=$H_W/home/st/hsm-onboard/P1
	nobody_profile() {
		rm -rf "$H_W/home/st"
		mkdir -p "$NS/primus/sub"
		printf '{"version": 1, "step": "import", "hsm_user": "P1"}\n' > "$NS/state.json"
		printf 'not a real vault\n' > "$NS/vault"
		printf 'secret\n' > "$NS/primus/.secrets.cfg"
		printf 'work\n' > "$NS/primus/sub/f"
		chmod 700 "$H_W/home/st" "$H_W/home/st/hsm-onboard" "$NS"
		h_world_chown "$H_W/home"
	}
	nobody_forget() {
		# shellcheck disable=SC2086 # H_RUNAS is a command and its arguments
		$H_RUNAS env -i HOME="$H_W/home" XDG_STATE_HOME="$H_W/home/st" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
			UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" "$H_BIN" --profile P1 forget --yes
	}
	nobody_profile
	chmod 400 "$NS/primus/.secrets.cfg"
	chmod 500 "$NS/primus/sub"
	t_run 0 "forget as nobody, with a read-only file and folder of its own" nobody_forget
	[ ! -e "$NS" ] || t_fail "forget left: $(find "$NS")"
	t_ok "forget opened up and removed its own read-only file and folder"
	nobody_profile
	chown root:root "$NS/primus/sub" "$NS/primus/sub/f"
	chmod 755 "$NS/primus/sub"
	t_run 74 "forget as nobody, with root's folder inside the profile" nobody_forget
	t_grep "$T_ERR" "primus/sub: cannot remove" "the entry that cannot go is named"
	[ -f "$NS/vault" ] && [ -f "$NS/state.json" ] && [ -f "$NS/primus/.secrets.cfg" ] ||
		t_fail "the refused forget removed something: $(find "$NS")"
	t_ok "nothing was removed: the vault, state.json and .secrets.cfg are all there"
fi
t_scan_leaks
t_done
