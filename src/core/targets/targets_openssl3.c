/* targets_openssl3.c: the openssl3 target, the OpenSSL 3 pkcs11-provider's file (targets.h). */
#include "config.h"

#include "targets_common.h"

#include "cryptolib.h"
#include "i18n.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

const struct target target_openssl3 = {"openssl3", "openssl/osslv3/Installation/configuration",
                                       N_("OpenSSL 3 pkcs11-provider: openssl-provider.cnf"),
                                       N_("OpenSSL 3 provider: openssl-provider.cnf"), TARGET_FITS_PKCS11};

int tg_openssl3(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d)
{
	char pin_path[PATH_MAX + 32], cnf[PATH_MAX + 32], modules[PATH_MAX], provider[PATH_MAX + 32];
	int rc = tg_plain(_("module path"), in->module, d);
	if (rc == EX_OK)
		rc = tg_openssl_folder(dir, d);
	/* pkcs11-provider reads at most 31 characters of a PIN file (32 from its version 1.2.0): a longer
	 * PIN would be cut and refused by the HSM, costing a login attempt (doc/securosys-facts.md,
	 * "OpenSSL"). */
	if (rc == EX_OK && in->pin && strlen(in->pin) > TARGETS_OPENSSL3_PIN_MAX)
		rc = diag_set(
		    d, EX_DATAERR,
		    _("the OpenSSL 3 pkcs11-provider reads at most %d characters of a PIN file, and this "
		      "profile's PIN has %zu: the provider would cut it and the HSM would refuse the login. "
		      "A new PIN of at most %d characters is set by 'connect --pin-length %d' (engine "
		      "pkcs11); a Primus PKCS#11 password comes from the credential file"),
		    TARGETS_OPENSSL3_PIN_MAX, strlen(in->pin), TARGETS_OPENSSL3_PIN_MAX, TARGETS_OPENSSL3_PIN_MAX);
	if (rc == EX_OK)
		rc = tg_pin_file(in, dir, pin_path, sizeof pin_path, out, d);
	if (rc != EX_OK)
		return rc;
	snprintf(cnf, sizeof cnf, "%s/openssl-provider.cnf", dir);
	/* Where a distribution's pkcs11-provider package puts it; the docs' build installs it under
	 * /usr/local/lib/ossl-modules. */
	tg_openssl_dir(OPENSSL_MODULES_DIR, "/usr/local/lib/ossl-modules", modules, sizeof modules);
	snprintf(provider, sizeof provider, "%s/pkcs11.so", modules);
	if (!tg_exists(provider) && tg_exists("/usr/local/lib/ossl-modules/pkcs11.so"))
		snprintf(provider, sizeof provider, "%s", "/usr/local/lib/ossl-modules/pkcs11.so");
	struct tg_buf b = {0};
	tg_printf(
	    &b,
	    "# OpenSSL 3 configuration for the PKCS#11 provider (pkcs11-provider), written by hsm-onboard.\n"
	    "# Layout: Securosys docs, openssl/osslv3/Installation/configuration. Use it with\n"
	    "#   OPENSSL_CONF=%s\n"
	    "# It holds no secret: the provider reads the PIN from the file, mode 0600.\n",
	    cnf);
	tg_primus_comment(&b, in, dir);
	tg_printf(&b,
	          "HOME = .\n"
	          "openssl_conf = openssl_init\n"
	          "config_diagnostics = 1\n\n"
	          "[openssl_init]\nproviders = provider_sect\n\n"
	          "[provider_sect]\ndefault = default_sect\nbase = base_sect\npkcs11 = pkcs11_sect\n\n"
	          "[base_sect]\nactivate = 1\n\n"
	          "[default_sect]\nactivate = 1\n\n"
	          "[pkcs11_sect]\n"
	          "module = %s\n"
	          "pkcs11-module-path = \"%s\"\n"
	          "pkcs11-module-token-pin = file:%s\n"
	          "pkcs11-module-load-behavior = early\n"
	          "pkcs11-module-quirks = no-deinit no-operation-state\n"
	          "activate = 1\n",
	          provider, in->module, pin_path);
	return tg_write_buf(&b, cnf, 0644, out, _("OpenSSL 3 provider configuration (OPENSSL_CONF)"), d);
}
