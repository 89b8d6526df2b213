/* cli_wizard.c: `wizard` starts the ncurses wizard (ui/); `demo` builds a throwaway world (demo.h)
 * and runs the wizard on it. Both need a terminal: off one, they name the CLI commands instead. */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
#include "demo.h"
#include "i18n.h"
#include "wizard.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

static int cli_wizard_need_tty(const char *cmd)
{
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return EX_OK;
	cli_error(_("'%s' needs a terminal (stdin and stdout must be a tty)."), cmd);
	fputs(_("Without a terminal, use the commands the wizard calls:\n"
	        "  hsm-onboard inspect FILE...          check credential files\n"
	        "  hsm-onboard import FILE...           import them into an encrypted profile\n"
	        "  hsm-onboard status                   the setup password's countdown\n"
	        "  hsm-onboard check                    the cluster preflight\n"
	        "  hsm-onboard connect                  first connection and secret rotation\n"
	        "  hsm-onboard config                   the provider configuration\n"
	        "  hsm-onboard ticket                   a support ticket for an expired password\n"),
	      stderr);
	return EX_USAGE;
}

int cli_wizard(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {NULL, 0, NULL, 0},
	};
	struct wizard_opts o = {.profile = ctx->profile,
	                        .ascii = ctx->ascii,
	                        .kdf_ms = ctx->kdf_ms,
	                        .cacert = ctx->cacert,
	                        .accept_setup_format = ctx->accept_setup_format};
	if (getopt_long(argc, argv, "", longopts, NULL) != -1)
		return cli_usage_error(argv[0], "%s", _("unknown option"));
	if (optind < argc)
		return cli_usage_error(argv[0], _("unexpected argument '%s'"), argv[optind]);
	if (ctx->passphrase_fd >= 0)
		return cli_usage_error(
		    argv[0], "%s",
		    _("the wizard asks for the passphrase itself; --passphrase-fd is for the other commands"));
	int rc = cli_json_refuse(ctx, argv[0]);
	if (rc == EX_OK)
		rc = cli_wizard_need_tty(argv[0]);
	if (rc != EX_OK)
		return rc;
	return wizard_run(&o, NULL);
}

int cli_demo(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"keep", no_argument, NULL, 'k'},
	    {"api", required_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	int keep = 0, c;
	enum state_api api = API_PKCS11;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': keep = 1; break;
		case 'a':
			/* The demo walks the path of an API (orders_path_of): PKCS#11 or JCE. */
			if (state_api_parse(optarg, &api) != 0 || (api != API_PKCS11 && api != API_JCE))
				return cli_usage_error(argv[0], _("--api: '%s' is not pkcs11 or jce"), optarg);
			break;
		default: return cli_usage_error(argv[0], "%s", _("unknown option"));
		}
	}
	if (optind < argc)
		return cli_usage_error(argv[0], _("unexpected argument '%s'"), argv[optind]);
	if (ctx->profile)
		return cli_usage_error(argv[0], "%s", _("the demo uses its own profile; --profile is not for it"));
	int rc = cli_json_refuse(ctx, argv[0]);
	if (rc == EX_OK)
		rc = cli_wizard_need_tty(argv[0]);
	if (rc != EX_OK)
		return rc;
	struct demo dm;
	struct diag d;
	diag_clear(&d);
	rc = api == API_JCE ? demo_create_jce(NULL, &dm, &d) : demo_create(NULL, NULL, &dm, &d);
	if (rc != EX_OK) {
		cli_report(&d);
		if (dm.dir && !keep)
			demo_remove(&dm, &d);
		demo_free(&dm);
		return rc;
	}
	struct wizard_opts o = {
	    .profile = DEMO_PROFILE,
	    .ascii = ctx->ascii,
	    .kdf_ms = ctx->kdf_ms,
	    .accept_setup_format = ctx->accept_setup_format,
	    .download_dir = dm.downloads,
	    .demo = 1,
	    .cacert = ctx->cacert,
	};
	int finished = 0;
	rc = wizard_run(&o, &finished);
	/* The screen is restored by now: say where the demo lived, one short line each. */
	printf("%s\n", finished ? _("The demo onboarding is complete.") : _("The demo was left before the end."));
	if (keep) {
		printf(_("Demo files kept (--keep) in:\n  %s\n"), dm.dir);
		printf(_("Remove them with: rm -rf %s\n"), dm.dir);
	} else {
		diag_clear(&d);
		if (demo_remove(&dm, &d) != EX_OK) {
			cli_report(&d);
			if (rc == EX_OK)
				rc = d.code;
		} else {
			printf(_("Demo files were in %s; removed (--keep keeps them).\n"), dm.dir);
		}
	}
	demo_free(&dm);
	return rc;
}
