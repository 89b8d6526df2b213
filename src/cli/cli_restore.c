/* cli_restore.c: `restore --output DIR`, the Primus provider's files written back from the vault.
 *
 * After ppin -a, .secrets.cfg holds the permanent secret and is the partition's only key; the rotation
 * copies it (and primus.cfg) into the vault at once (DESIGN.md, "Engines"). This command
 * writes both back, for example on a new machine or after the originals were lost: owner-only, or
 * shared with a group (--group primus, as the docs' provider group). */
#include "config.h"

#include "b64.h"
#include "cli.h"
#include "cli_engine.h"
#include "cli_passphrase.h"
#include "engine.h"
#include "engine_shared.h"
#include "fsutil.h"
#include "i18n.h"
#include "secmem.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

/* The vault's copy of label (base64), decoded into a secmem buffer. */
static int restore_get(const struct vault *v, enum vault_label label, const char *name, char **data,
                       size_t *len, struct diag *d)
{
	const char *b64 = vault_get(v, label);
	if (!b64)
		return diag_set(d, EX_NOINPUT,
		                _("the vault holds no copy of %s: it is kept only after a connect with the primus "
		                  "engine"),
		                name);
	if (b64_decode(b64, data, len) != 0)
		return diag_set(d, EX_DATAERR, _("the vault's copy of %s is damaged (%s)"), name,
		                vault_label_name(label));
	return EX_OK;
}

static int restore_check(const struct cli_engine_opts *o)
{
	if (!o->output)
		return cli_usage_error("restore", "%s", _("--output DIR is required"));
	if (o->ov.engine || o->ov.module || o->ov.token_label || o->ov.slot >= 0 || o->ov.ppin ||
	    o->ov.n_endpoints || o->ov.client_id)
		return cli_usage_error("restore", "%s", _("restore takes only --output, --group and --force"));
	return EX_OK;
}

int cli_restore(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_engine_opts o;
	struct cli_engine ce;
	struct diag d;
	int rc = cli_engine_begin(ctx, "restore", argc, argv, restore_check, &o, &ce, &d);
	if (rc != EX_OK)
		return rc;
	char dir[PATH_MAX];
	rc = fsutil_output_dir(o.output, dir, &d);
	if (rc == EX_OK)
		rc = cli_open_vault(ctx, &ce.p, &ce.v, &d);
	/* Into a folder that other partitions share, only this partition's entries change
	 * (engine_shared.h). */
	char *sec = NULL, *cfg = NULL;
	struct engine_shared_pair pair = {.dir = dir,
	                                  .user = ce.p.st.hsm_user,
	                                  .group = o.group,
	                                  .force = o.ov.force};
	struct filelist files = {0};
	if (rc == EX_OK)
		rc = restore_get(ce.v, VAULT_PRIMUS_SECRETS_CFG, ".secrets.cfg", &sec, &pair.secrets_len, &d);
	if (rc == EX_OK)
		rc = restore_get(ce.v, VAULT_PRIMUS_CFG, "primus.cfg", &cfg, &pair.cfg_len, &d);
	pair.secrets = sec;
	pair.cfg = cfg;
	if (rc == EX_OK && !pair.user)
		rc = diag_set(&d, EX_DATAERR, "%s", _("the profile has no HSM User Name"));
	if (rc == EX_OK)
		rc = engine_shared_write(&pair, &files, &d);
	secmem_free(sec);
	secmem_free(cfg);
	cli_engine_close(&ce);
	if (rc != EX_OK) {
		filelist_free(&files);
		return cli_report(&d);
	}
	if (o.group)
		printf(_("Written (mode 0640, group %s):\n"), o.group);
	else
		printf("%s", _("Written (mode 0600):\n"));
	for (size_t i = 0; i < files.n; i++)
		printf("  %s: %s\n", files.what[i], files.path[i]);
	char secp[PATH_MAX + 16], cfgp[PATH_MAX + 16];
	snprintf(secp, sizeof secp, "%s/.secrets.cfg", dir);
	snprintf(cfgp, sizeof cfgp, "%s/primus.cfg", dir);
	filelist_free(&files);
	printf(_("Point the provider at them: SECUROSYS_PKCS11_CONF=%s SECUROSYS_SECRETS_CONF=%s\n"), cfgp, secp);
	return EX_OK;
}
