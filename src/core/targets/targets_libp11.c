/* targets_libp11.c: the libp11 target, the OpenSSL engine (libp11) file (targets.h). */
#include "config.h"

#include "targets_common.h"

#include "cryptolib.h"
#include "i18n.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

const struct target target_libp11 = {
    "libp11", "openssl/libp11/Installation/configuration",
    N_("OpenSSL engine (libp11, Debian: libengine-pkcs11-openssl): openssl.cnf"),
    N_("OpenSSL engine (libp11): openssl.cnf"), TARGET_FITS_PKCS11};

int tg_libp11(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d)
{
	char pin_path[PATH_MAX + 32], cnf[PATH_MAX + 32], engines[PATH_MAX], engine[PATH_MAX + 32];
	if (!in->pin)
		return diag_set(d, EX_DATAERR, "%s", _("the vault holds no PIN for applications"));
	int rc = tg_plain(_("module path"), in->module, d);
	if (rc == EX_OK && in->token_label)
		rc = tg_plain(_("token label"), in->token_label, d);
	if (rc == EX_OK)
		rc = tg_openssl_folder(dir, d);
	if (rc != EX_OK)
		return rc;
	snprintf(pin_path, sizeof pin_path, "%s/openssl-pin.secret.cnf", dir);
	snprintf(cnf, sizeof cnf, "%s/openssl.cnf", dir);
	/* Debian's libengine-pkcs11-openssl installs ENGINESDIR/pkcs11.so (and libpkcs11.so); the docs
	 * name /usr/lib/ssl/engines/libpkcs11.so. */
	tg_openssl_dir(OPENSSL_ENGINES_DIR, "/usr/lib/ssl/engines", engines, sizeof engines);
	snprintf(engine, sizeof engine, "%s/pkcs11.so", engines);
	if (!tg_exists(engine)) {
		snprintf(engine, sizeof engine, "%s/libpkcs11.so", engines);
		if (!tg_exists(engine))
			snprintf(engine, sizeof engine, "%s/pkcs11.so", engines);
	}
	/* libp11 takes the PIN only from its PIN setting, so OpenSSL's .include brings it in from a 0600
	 * file: openssl.cnf itself holds no secret. */
	rc = tg_write_secret(
	    pin_path, "# hsm-onboard: the PKCS#11 PIN for openssl.cnf (keep this file mode 0600)\nPIN = \"",
	    in->pin, "\"\n", TG_OPENSSL, out, _("OpenSSL engine PIN (mode 0600, included by openssl.cnf)"), d);
	if (rc != EX_OK)
		return rc;
	struct tg_buf b = {0};
	tg_printf(
	    &b,
	    "# OpenSSL configuration for the PKCS#11 engine (libp11), written by hsm-onboard.\n"
	    "# Layout: Securosys docs, openssl/libp11/Installation/configuration. Use it with\n"
	    "#   OPENSSL_CONF=%s openssl ... -engine pkcs11 -keyform engine \\\n"
	    "#     -inkey 'pkcs11:token=%s;object=KEY-LABEL;type=private'\n"
	    "# (libp11 refuses module-path in a URI: the module is set below). It holds no secret: the PIN\n"
	    "# comes from the included file, mode 0600. libp11 uses at most 31 characters of a PIN.\n",
	    cnf, in->token_label ? in->token_label : "");
	tg_primus_comment(&b, in, dir);
	tg_printf(&b,
	          "openssl_conf = openssl_init\n\n"
	          "[openssl_init]\nengines = engine_section\n\n"
	          "[engine_section]\npkcs11 = pkcs11_section\n\n"
	          "[pkcs11_section]\n"
	          "engine_id = pkcs11\n"
	          "dynamic_path = \"%s\"\n"
	          "MODULE_PATH = \"%s\"\n"
	          ".include %s\n"
	          "init = 0\n",
	          engine, in->module, pin_path);
	return tg_write_buf(&b, cnf, 0644, out, _("OpenSSL engine configuration (OPENSSL_CONF)"), d);
}
