#!/bin/bash
# wizard-paste.sh: the wizard's paste path (V on the import screen) under the same rules as files:
# the pasted text is never echoed, a wrapped secret line is not quoted back, a setup password cut when
# copied is refused with its line, and nothing of the paste is written unencrypted anywhere.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"

mkdir -p "$HOME/Downloads"
setup=$(t_setup_password)
t_secret "$setup"
t_secret "Xq7 Zr9"
cut=${setup%-*-*-*}
t_secret "$cut"

w_start -- wizard --kdf-ms 20
w_new_onboarding
w_key Right
w_wait "Economy Certified (ECO-CC)"
w_key Enter Enter Enter
w_wait "Step 4 of 10"
w_key v
w_wait "Paste the whole credential file"
w_type "HSM User Name: PASTE01"; w_key Enter
w_type "HSM User Setup Password: $setup"; w_key Enter
w_type "Xq7 Zr9: kP2v"; w_key Enter
cp "$(w_capture)" "$T_DIR/while-pasting"
t_nogrep "$T_DIR/while-pasting" "$setup" "the pasted setup password is not echoed"
t_nogrep "$T_DIR/while-pasting" "Xq7" "no pasted text is echoed"
w_key C-d
w_wait "pasted-1:3: unrecognised line ignored"
t_grep "$W_SCREEN" "hsm file, HSM user PASTE01" "the paste was validated"
t_nogrep "$W_SCREEN" "Xq7" "the wrapped line is not quoted back"
# A second paste: each paste keeps only what it needs of the secure heap.
w_key v
w_wait "Paste the whole credential file"
w_type "HSM User Name: PASTE02"; w_key Enter
w_type "HSM User Setup Password: $cut"; w_key Enter
w_key C-d
w_wait "pasted-2:2: the HSM User Setup Password is not in"
t_nogrep "$W_SCREEN" "out of memory" "a second paste has room"
t_nogrep "$W_SCREEN" "$cut" "the cut setup password is not shown"
w_key F10
w_exit_status >/dev/null
t_scan_leaks
t_done
