/* cli_restore.c: `restore --output DIR`, the Primus provider's files written back from the vault.
 *
 * After ppin -a, .secrets.cfg holds the permanent secret and is the partition's only key; the rotation
 * copies it (and primus.cfg) into the vault at once (DESIGN.md, "Engines"). This command
 * writes both back, for example on a new machine or after the originals were lost: owner-only, or
 * shared with a group (--group primus, as the docs' provider group). */
#include "config.h"

#include "cli.h"
#include "cli_engine.h"
#include "cli_passphrase.h"
#include "engine.h"
#include "fsutil.h"
#include "i18n.h"
#include "secmem.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

static int restore_one(const struct vault *v, enum vault_label label, const char *dir, const char *name,
                       const char *group, char *path, size_t size, struct diag *d)
{
	const char *b64 = vault_get(v, label);
	if (!b64)
		return diag_set(d, EX_NOINPUT,
		                _("the vault holds no copy of %s: it is kept only after a connect with the primus "
		                  "engine"),
		                name);
	char *data = NULL;
	size_t len = 0;
	if (engine_b64_decode(b64, &data, &len) != 0)
		return diag_set(d, EX_DATAERR, _("the vault's copy of %s is damaged (%s)"), name,
		                vault_label_name(label));
	snprintf(path, size, "%s/%s", dir, name);
	int rc = engine_write_file(path, data, len, group, d);
	secmem_free(data);
	return rc;
}

static int restore_check(const struct cli_engine_opts *o)
{
	if (!o->output)
		return cli_usage_error("restore", "%s", _("--output DIR is required"));
	if (o->ov.engine || o->ov.module || o->ov.token_label || o->ov.slot >= 0 || o->ov.ppin ||
	    o->ov.n_endpoints)
		return cli_usage_error("restore", "%s", _("restore takes only --output and --group"));
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
	rc = fsutil_output_dir(o.output, NULL, &d);
	if (rc == EX_OK)
		rc = cli_open_vault(ctx, &ce.p, &ce.v, &d);
	char sec[PATH_MAX + 16], cfg[PATH_MAX + 16];
	if (rc == EX_OK)
		rc = restore_one(ce.v, VAULT_PRIMUS_SECRETS_CFG, o.output, ".secrets.cfg", o.group, sec, sizeof sec,
		                 &d);
	if (rc == EX_OK)
		rc = restore_one(ce.v, VAULT_PRIMUS_CFG, o.output, "primus.cfg", o.group, cfg, sizeof cfg, &d);
	cli_engine_close(&ce);
	if (rc != EX_OK)
		return cli_report(&d);
	if (o.group)
		printf(_("Written (mode 0640, group %s):\n"), o.group);
	else
		printf("%s", _("Written (mode 0600):\n"));
	printf("  %s\n  %s\n", sec, cfg);
	printf(_("Point the provider at them: SECUROSYS_PKCS11_CONF=%s SECUROSYS_SECRETS_CONF=%s\n"), cfg, sec);
	return EX_OK;
}
