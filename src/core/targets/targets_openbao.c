/* targets_openbao.c: the openbao target, OpenBao's securosys seal (targets.h). */
#include "config.h"

#include "targets_common.h"

#include "i18n.h"
#include "secmem.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

const struct target target_openbao = {
    "openbao", "openbao.org/docs/configuration/seal/securosys",
    N_("OpenBao: the seal \"securosys\" stanza (TSBaaS, with the securosys plugin of openbao-plugins)"),
    N_("OpenBao: seal stanza"), TARGET_FITS_TSBAAS};

/* OpenBao's own Securosys seal (openbao.org, docs/configuration/seal/securosys): the external KMS plugin
 * of openbao-plugins, with only its documented keys. */
int tg_openbao(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d)
{
	char api[2048], seal[PATH_MAX + 40];
	int rc = tg_tsbaas_check(in, api, sizeof api, d);
	if (rc != EX_OK)
		return rc;
	snprintf(seal, sizeof seal, "%s/openbao-seal-securosys.secret.hcl", dir);
	size_t n = strlen(in->jwt) + strlen(api) + 1024;
	char *text = secmem_alloc(n);
	if (!text)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	snprintf(text, n,
	         "# Auto-unseal of OpenBao through TSBaaS, written by hsm-onboard (openbao.org,\n"
	         "# docs/configuration/seal/securosys). OpenBao loads this seal from the securosys plugin of\n"
	         "# openbao-plugins. Copy this stanza into OpenBao's configuration. It holds the JWT\n"
	         "# (bearer_token): keep it mode 0600.\n"
	         "seal \"securosys\" {\n"
	         "  key_label        = \"" TARGETS_SEAL_KEY "\"\n"
	         "  tsb_api_endpoint = \"%s\"\n"
	         "  auth             = \"TOKEN\"\n"
	         "  bearer_token     = \"%s\"\n"
	         "}\n",
	         api, in->jwt);
	rc = tg_write_secret(seal, "", text, "", TG_RAW, out,
	                     _("OpenBao auto-unseal stanza (mode 0600, holds the JWT)"), d);
	secmem_free(text);
	return rc;
}
