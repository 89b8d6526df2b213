/* cli_forget.c: `forget [--yes]`: deletes a profile, overwriting its vault first. */
#include "config.h"

#include "cli.h"
#include "cli_passphrase.h"
#include "i18n.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

int cli_forget(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"yes", no_argument, NULL, 'y'}, {NULL, 0, NULL, 0}};
	int c, yes = ctx->yes;
	while ((c = getopt_long(argc, argv, "y", opts, NULL)) != -1) {
		if (c == 'y')
			yes = 1;
		else
			return cli_usage_error("forget", "%s", _("unknown option"));
	}
	if (optind < argc)
		return cli_usage_error("forget", _("unexpected argument '%s'"), argv[optind]);

	struct diag d;
	diag_clear(&d);
	struct profile p;
	/* No state is read: a damaged profile must be deletable too. No passphrase either: deleting
	 * needs no secret, and a forgotten passphrase is a reason to forget. */
	int rc = cli_open_profile(ctx, PROFILE_LOCK | PROFILE_NO_STATE, &p, &d);
	if (rc != EX_OK)
		return cli_report(&d);
	if (!yes) {
		if (!cli_is_terminal()) {
			rc = cli_usage_error("forget", _("deleting profile %s needs a confirmation: give --yes"), p.name);
			profile_close(&p);
			return rc;
		}
		char question[512];
		snprintf(question, sizeof question,
		         _("Delete profile %s (%s) and overwrite its vault? The secrets in it cannot be recovered."),
		         p.name, p.dir);
		if (!cli_confirm(question)) {
			printf(_("Profile %s kept.\n"), p.name);
			profile_close(&p);
			return EX_OK;
		}
	}
	rc = profile_remove(&p, &d);
	if (rc != EX_OK) {
		profile_close(&p);
		return cli_report(&d);
	}
	printf(_("Profile %s deleted; its vault was overwritten first.\n"), p.name);
	profile_close(&p);
	return EX_OK;
}
