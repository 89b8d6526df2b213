/* cli_config.c: `config --output DIR`, the provider configuration for applications.
 * It prints the paths it wrote, never the secret. */
#include "config.h"

#include "cli.h"
#include "cli_engine.h"
#include "i18n.h"
#include "rotation.h"

#include <stdio.h>
#include <sysexits.h>

int cli_config(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_engine_opts o;
	cli_engine_opts_init(&o);
	int rc = cli_engine_parse("config", argc, argv, &o);
	if (rc != EX_OK)
		return rc;
	if (!o.output)
		return cli_usage_error("config", "%s", _("--output DIR is required"));
	struct diag d;
	diag_clear(&d);
	struct cli_engine ce;
	rc = cli_engine_open_profile(ctx, &ce, &d);
	if (rc != EX_OK)
		return cli_report(&d);
	if (!rotation_is_done(&ce.p.st)) {
		cli_engine_close(&ce);
		cli_error("%s", _("the user secret is not in place yet: run 'hsm-onboard connect' first"));
		return EX_USAGE;
	}
	struct engine_files files = {0};
	rc = cli_engine_open_rest(ctx, &ce, &o, &d);
	if (rc == EX_OK)
		rc = rotation_write_config(&ce.p, ce.v, &ce.e, o.output, &files, &d);
	if (rc != EX_OK) {
		engine_files_free(&files);
		cli_engine_close(&ce);
		return cli_report(&d);
	}
	if (ctx->json) {
		rc = cli_engine_print_json(&ce, ce.e.ops->name, &files, NULL);
		engine_files_free(&files);
		cli_engine_close(&ce);
		return rc;
	}
	for (size_t i = 0; i < files.n; i++)
		printf("%s: %s\n", files.what[i], files.path[i]);
	if (ce.e.ops == &engine_primus_ops)
		printf(_("Point the provider at them: SECUROSYS_PKCS11_CONF=%s SECUROSYS_SECRETS_CONF=%s\n"),
		       files.n > 1 ? files.path[1] : "", files.path[0]);
	engine_files_free(&files);
	cli_engine_close(&ce);
	return EX_OK;
}
