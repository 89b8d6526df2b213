/* targets_vault.c: the vault target, HashiCorp Vault's seals (TSBaaS, or the pkcs11 seal) (targets.h). */
#include "config.h"

#include "targets_common.h"

#include "i18n.h"
#include "randsecret.h"
#include "secmem.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

const struct target target_vault = {
    "vault",
    "hc_sse/Installation/configuration, hc_vault/Concepts/autounseal, "
    "hc-vault-enterprise/Installation/installation",
    N_("HashiCorp Vault: secrets engine script and auto-unseal stanza (TSBaaS), or the pkcs11 seal"),
    N_("HashiCorp Vault: seal stanza"), TARGET_FITS_PKCS11 | TARGET_FITS_TSBAAS};

static int tg_vault_tsbaas(const struct targets_input *in, const char *dir, struct filelist *out,
                           struct diag *d)
{
	char api[2048];
	int rc = tg_tsbaas_check(in, api, sizeof api, d);
	if (rc != EX_OK)
		return rc;
	char token[PATH_MAX + 40], script[PATH_MAX + 40], seal[PATH_MAX + 40];
	snprintf(token, sizeof token, "%s/vault-bearer-token.secret", dir);
	snprintf(script, sizeof script, "%s/vault-secrets-engine.sh", dir);
	snprintf(seal, sizeof seal, "%s/vault-seal-securosys.secret.hcl", dir);

	/* The JWT alone: `vault write key=@file` reads it, so it never reaches argv. */
	rc = tg_write_secret(token, "", in->jwt, "", TG_RAW, out,
	                     _("Vault bearer token (mode 0600, holds the JWT)"), d);
	if (rc != EX_OK)
		return rc;
	struct tg_buf b = {0};
	tg_printf(
	    &b,
	    "#!/bin/sh\n"
	    "# Configures the Securosys secrets engine of HashiCorp Vault for TSBaaS, written by hsm-onboard\n"
	    "# (Securosys docs, hc_sse/Installation/configuration). Run it where `vault` is logged in.\n"
	    "# The JWT stays in the 0600 file: Vault reads `bearertoken=@FILE` itself.\n"
	    "set -eu\n"
	    "exec vault write securosys-hsm/config auth=\"TOKEN\" bearertoken=@");
	tg_sh_quote(&b, token);
	tg_printf(&b, " restapi=");
	tg_sh_quote(&b, api);
	tg_printf(&b, "\n");
	rc = tg_write_buf(&b, script, 0755, out, _("Vault secrets engine setup script"), d);
	if (rc != EX_OK)
		return rc;

	/* Vault reads a seal's settings only from its configuration: the stanza holds the JWT and the key
	 * password, so the whole file is 0600. */
	char *kp = tg_old_setting(seal, "key_password", '=');
	if (!kp)
		kp = randsecret_new(ENGINE_PIN_DEFAULT);
	if (!kp)
		return diag_set(d, EX_SOFTWARE, "%s", _("the random generator failed"));
	size_t n = strlen(in->jwt) + strlen(kp) + strlen(api) + 1024;
	char *text = secmem_alloc(n);
	if (!text) {
		secmem_free(kp);
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	}
	snprintf(
	    text, n + 1,
	    "# Auto-unseal of HashiCorp Vault through TSBaaS, written by hsm-onboard (Securosys docs,\n"
	    "# hc_vault/Concepts/autounseal). The seal \"securosys-hsm\" exists only in Securosys' build of\n"
	    "# Vault (github.com/securosys-com/hcvault-ce-rest-integration), not in HashiCorp's; OpenBao\n"
	    "# has its own: 'hsm-onboard config --for openbao'.\n"
	    "# Copy this stanza into Vault's config.hcl. It holds the JWT\n"
	    "# (bearer_token) and the unseal key's password (key_password): keep it mode 0600. Keep\n"
	    "# key_password once Vault has created its key; hsm-onboard keeps it when it rewrites this file.\n"
	    "seal \"securosys-hsm\" {\n"
	    "  key_label        = \"" TARGETS_SEAL_KEY "\"\n"
	    "  key_password     = \"%s\"\n"
	    "  tsb_api_endpoint = \"%s\"\n"
	    "  auth             = \"TOKEN\"\n"
	    "  bearer_token     = \"%s\"\n"
	    "  check_every      = 5\n"
	    "  approval_timeout = 30\n"
	    "}\n",
	    kp, api, in->jwt);
	/* The JWT and the random password are of [A-Za-z0-9._-] (checked at import, made here), so no
	 * escaping is needed; tg_write_secret writes the text as it is. */
	rc = tg_write_secret(seal, "", text, "", TG_RAW, out,
	                     _("Vault auto-unseal stanza (mode 0600, holds the JWT)"), d);
	secmem_free(text);
	secmem_free(kp);
	return rc;
}

static int tg_vault_pkcs11(const struct targets_input *in, const char *dir, struct filelist *out,
                           struct diag *d)
{
	if (!in->pin)
		return diag_set(d, EX_DATAERR, "%s", _("the vault holds no PIN for applications"));
	int rc = tg_plain(_("module path"), in->module, d);
	if (rc == EX_OK && in->token_label)
		rc = tg_plain(_("token label"), in->token_label, d);
	if (rc != EX_OK)
		return rc;
	char env[PATH_MAX + 40], seal[PATH_MAX + 40];
	snprintf(env, sizeof env, "%s/vault-hsm-pin.secret.env", dir);
	snprintf(seal, sizeof seal, "%s/vault-seal-pkcs11.hcl", dir);
	/* Vault reads the pin from VAULT_HSM_PIN when the stanza has none: the stanza stays free of it and
	 * the service manager sets the variable from this 0600 file. */
	/* A primus profile: the provider in Vault's process finds its files through these (1.8.4+). */
	char prefix[2 * PATH_MAX + 200] = "";
	if (engine_uses_provider_files(in->engine)) {
		rc = tg_plain(_("folder"), dir, d);
		if (rc != EX_OK)
			return rc;
		snprintf(prefix, sizeof prefix,
		         "SECUROSYS_PKCS11_CONF=\"%s/primus.cfg\"\nSECUROSYS_SECRETS_CONF=\"%s/.secrets.cfg\"\n", dir,
		         dir);
	}
	strncat(prefix, "VAULT_HSM_PIN=\"", sizeof prefix - strlen(prefix) - 1);
	rc = tg_write_secret(env, prefix, in->pin, "\"\n", TG_SYSTEMD, out,
	                     _("Vault HSM PIN (mode 0600, EnvironmentFile for the Vault service)"), d);
	if (rc != EX_OK)
		return rc;
	struct tg_buf b = {0};
	tg_printf(&b,
	          "# Vault Enterprise seal through PKCS#11, written by hsm-onboard (Securosys docs,\n"
	          "# hc-vault-enterprise/Installation/installation). Copy this stanza into Vault's config.hcl.\n"
	          "# No PIN here: Vault reads VAULT_HSM_PIN, set from the 0600 file\n"
	          "#   systemd: EnvironmentFile=%s\n"
	          "seal \"pkcs11\" {\n"
	          "  lib          = \"%s\"\n"
	          "  token_label  = \"%s\"\n"
	          "  key_label    = \"" TARGETS_SEAL_KEY "\"\n"
	          "  mechanism    = \"0x1087\"\n"
	          "  generate_key = \"true\"\n"
	          "}\n",
	          env, in->module, in->token_label ? in->token_label : "");
	return tg_write_buf(&b, seal, 0644, out, _("Vault Enterprise pkcs11 seal stanza"), d);
}

int tg_vault(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d)
{
	return targets_is_tsbaas(in->st) ? tg_vault_tsbaas(in, dir, out, d) : tg_vault_pkcs11(in, dir, out, d);
}
