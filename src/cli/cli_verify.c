/* cli_verify.c: `verify`, a login with the stored user secret. */
#include "config.h"

#include "cli.h"
#include "cli_engine.h"
#include "i18n.h"
#include "rotation.h"

#include <stdio.h>
#include <sysexits.h>

static int verify_check(const struct cli_engine_opts *o)
{
	if (o->output)
		return cli_usage_error("verify", "%s", _("--output belongs to the config command"));
	return EX_OK;
}

int cli_verify(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_engine_opts o;
	struct cli_engine ce;
	struct diag d;
	int rc = cli_engine_begin(ctx, "verify", argc, argv, verify_check, &o, &ce, &d);
	if (rc != EX_OK)
		return rc;
	if (!rotation_has_secret(&ce.p.st)) {
		cli_error(_("profile %s has no user secret yet: run 'hsm-onboard connect' first"), ce.p.name);
		cli_engine_close(&ce);
		return EX_USAGE;
	}
	rc = cli_engine_open_rest(ctx, &ce, &o, &d);
	if (rc == EX_OK)
		rc = rotation_verify(&ce.p, ce.v, &ce.e, &d);
	if (rc != EX_OK) {
		cli_engine_close(&ce);
		return cli_report(&d);
	}
	if (ctx->json)
		rc = cli_engine_print_json(&ce, ce.e.ops->name, NULL, json_pack("{s:b}", "verified", 1));
	else {
		char text[1024];
		struct engine_text_args ta = {.engine = ce.e.ops->name, .profile = ce.p.name, .token = ce.e.token};
		if (engine_text(ce.e.ops, ENGINE_TEXT_VERIFIED, &ta, text, sizeof text) == 0)
			fputs(text, stdout);
	}
	cli_engine_close(&ce);
	return rc;
}
