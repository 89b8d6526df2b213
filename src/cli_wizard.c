/* cli_wizard.c: `wizard` starts the ncurses wizard (ui/); `demo` builds a throwaway world (demo.h)
 * and runs the wizard on it. Both need a terminal: off one, they name the CLI commands instead. */
#include "config.h"

#include "cli.h"
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
		{"download-dir", required_argument, NULL, 'd'},
		{NULL, 0, NULL, 0},
	};
	struct wizard_opts o = {.profile = ctx->profile, .ascii = ctx->ascii, .kdf_ms = ctx->kdf_ms};
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o.download_dir = optarg;
			break;
		default:
			return cli_usage_error(argv[0], "%s", _("unknown option"));
		}
	}
	if (optind < argc)
		return cli_usage_error(argv[0], _("unexpected argument '%s'"), argv[optind]);
	if (ctx->passphrase_fd >= 0)
		return cli_usage_error(argv[0], "%s", _("the wizard asks for the passphrase itself; --passphrase-fd is for the other commands"));
	int rc = cli_wizard_need_tty(argv[0]);
	if (rc != EX_OK)
		return rc;
	return wizard_run(&o, NULL);
}
