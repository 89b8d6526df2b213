/* targets_env.c: the env target, primus.env for services and containers (targets.h). */
#include "config.h"

#include "targets_common.h"

#include "i18n.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

const struct target target_env = {
    "env", "pkcs/Installation/pkcs11_provider_configuration",
    N_("primus.env for services and containers (Primus provider 1.8.4 or later)"),
    N_("primus.env for services and containers"), TARGET_FITS_PRIMUS};

int tg_env(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d)
{
	(void)in;
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/primus.env", dir);
	struct tg_buf b = {0};
	tg_printf(&b,
	          "# For services and containers using the Primus PKCS#11 provider, written by hsm-onboard.\n"
	          "# The provider reads these variables from version 1.8.4 on (Securosys docs,\n"
	          "# pkcs/Installation/pkcs11_provider_configuration); older versions read only\n"
	          "# /etc/primus/primus.cfg. systemd: EnvironmentFile=%s; docker: --env-file.\n"
	          "# No secret here: .secrets.cfg (mode 0600) holds the user secret, ciphered.\n"
	          "SECUROSYS_PKCS11_CONF=%s/primus.cfg\n"
	          "SECUROSYS_SECRETS_CONF=%s/.secrets.cfg\n",
	          path, dir, dir);
	return tg_write_buf(&b, path, 0644, out, _("Primus provider environment (provider 1.8.4 or later)"), d);
}
