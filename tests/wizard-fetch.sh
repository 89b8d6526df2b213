#!/bin/bash
# wizard-fetch.sh: the wizard's HTTPS download (U on the import screen) against a real nginx whose
# certificate only a throwaway CA signed. Without --cacert the download fails verification and
# nothing is added; with `hsm-onboard --cacert CA wizard` the same link downloads and joins the list.
# A --cacert that cannot be read is a usage error before the wizard starts.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/net-lib.sh"
. "$top_srcdir/tests/wizard-lib.sh"
# Both libraries set an EXIT trap: stop nginx, then let the wizard's clean-up end the test.
trap 'rc=$?; net_stop_nginx; (exit $rc); w_cleanup' EXIT
net_require
net_make_ca

WWW="$NET_DIR/www"
mkdir -p "$WWW/files"
t_make_credfiles "$WWW/files" ACME sbx WIZDL 20261120
HSM_NAME=$(basename "$T_HSM_FILE")
chmod -R a+rX "$WWW"
printf '\t\tlocation /files/ { }\n' > "$NET_DIR/server.block"
net_start_nginx "$NET_DIR/server.block"
URL="https://127.0.0.1:$NET_PORT/files/$HSM_NAME"
DL="$XDG_STATE_HOME/hsm-onboard/.downloads"

t_run 64 "--cacert that cannot be read" "$HSMO" --cacert "$T_DIR/no-such-ca.pem" wizard
t_grep "$T_ERR" "--cacert: cannot read" "the error names --cacert"

# to_import_screen [ARGS...]: starts the wizard (ARGS before the command) and walks to the import screen.
to_import_screen() {
	w_start -- "$@" wizard --kdf-ms "$W_KDF_MS"
	w_new_onboarding
	w_key Enter
	w_wait "Step 2 of 10: Emails"
	w_key Enter
	w_wait "Step 3 of 10: SecureCode"
	w_key Enter
	w_wait "Step 4 of 10: Download and import"
}
# download: U, the link, Enter.
download() {
	w_key U
	w_wait "The direct https:// link"
	w_type "$URL"
	w_key Enter
}

to_import_screen
download
w_wait "TLS failed" 30
[ ! -e "$DL/$HSM_NAME" ] || t_fail "a download that failed verification left $DL/$HSM_NAME"
t_ok "without --cacert the download fails TLS verification and leaves no file"
w_key F10
w_exit_status >/dev/null

rm -rf "$XDG_STATE_HOME/hsm-onboard"
to_import_screen --cacert "$NET_DIR/ca.pem"
download
w_wait "Downloaded " 30
[ -f "$DL/$HSM_NAME" ] || t_fail "no $DL/$HSM_NAME after the download"
cmp -s "$DL/$HSM_NAME" "$T_HSM_FILE" || t_fail "the downloaded file differs from the served one"
t_ok "with --cacert the wizard downloads the link ($HSM_NAME, byte for byte)"
w_wait "$HSM_NAME"
t_ok "the download joins the import list"
w_key F10
w_exit_status >/dev/null

T_SCAN_EXCLUDE=$(basename "$DL") t_scan_leaks "$W_CAP"
t_done
