/* cli_import.c: `import [--tier T] [--service-type S] [--issued DATE] [--renew] [--shred] FILE...`. */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
#include "cli_passphrase.h"
#include "i18n.h"
#include "import.h"
#include "secmem.h"

#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

static int cli_import_confirm(void *ctx, const char *question)
{
	(void)ctx;
	return cli_confirm(question);
}

/* Off a terminal this is never called (ask_tier stays NULL): the missing --tier is an error. */
static enum state_tier cli_import_ask_tier(void *ctx, const char *profile)
{
	(void)ctx;
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return TIER_UNKNOWN;
	enum state_tier t = TIER_UNKNOWN;
	for (int attempt = 0; attempt < 3 && !t; attempt++) {
		/* Two messages, so neither carries a newline (translations keep one line each). */
		fprintf(tty, _("The file names do not tell the tier of profile %s."), profile);
		fprintf(tty, "\n%s", _("Tier (SBX, ECO, ECO-CC, PLATINUM): "));
		fflush(tty);
		char line[64];
		if (!fgets(line, sizeof line, tty))
			break;
		line[strcspn(line, "\r\n")] = '\0';
		if (state_tier_parse(line, &t) != 0)
			t = TIER_UNKNOWN;
	}
	fclose(tty);
	return t;
}

int cli_import(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { OPT_TIER = 1, OPT_STYPE, OPT_ISSUED, OPT_RENEW, OPT_SHRED, OPT_API };
	static const struct option opts[] = {
	    {"tier", required_argument, NULL, OPT_TIER},
	    {"service-type", required_argument, NULL, OPT_STYPE},
	    {"issued", required_argument, NULL, OPT_ISSUED},
	    {"renew", no_argument, NULL, OPT_RENEW},
	    {"shred", no_argument, NULL, OPT_SHRED},
	    {"api", required_argument, NULL, OPT_API},
	    {NULL, 0, NULL, 0},
	};
	struct import_opts o = {0};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_TIER:
			if (state_tier_parse(optarg, &o.tier) != 0)
				return cli_usage_error("import", _("--tier: '%s' is not one of SBX, ECO, ECO-CC, PLATINUM"),
				                       optarg);
			break;
		case OPT_STYPE:
			if (state_service_type_parse(optarg, &o.service_type) != 0)
				return cli_usage_error("import",
				                       _("--service-type: '%s' is not one of standard, tsbaas-multi, "
				                         "tsbaas-dedicated"),
				                       optarg);
			break;
		case OPT_API:
			/* A BYOK order is ECO with API jce (orders_path_of). */
			if (state_api_parse(optarg, &o.api) != 0 || o.api == API_UNKNOWN)
				return cli_usage_error("import", _("--api: '%s' is not pkcs11, jce, cng or rest"), optarg);
			break;
		case OPT_ISSUED: o.issued = optarg; break;
		case OPT_RENEW: o.renew = 1; break;
		case OPT_SHRED: o.shred = 1; break;
		default: return cli_usage_error("import", "%s", _("unknown option"));
		}
	}
	if (optind >= argc)
		return cli_usage_error("import", "%s", _("no credential file given"));
	if (cli_stdin_once("import", argv + optind, argc - optind) != EX_OK)
		return EX_USAGE;

	o.profile = ctx->profile;
	o.kdf_ms = ctx->kdf_ms;
	o.accept_setup_format = ctx->accept_setup_format;
	o.renew = o.renew || ctx->yes;
	o.passphrase = cli_passphrase_cb;
	o.passphrase_ctx = ctx;
	if (cli_is_terminal()) {
		o.confirm = cli_import_confirm;
		o.ask_tier = cli_import_ask_tier;
	}

	struct import_result r = {0};
	struct diag d;
	diag_clear(&d);
	int rc = import_paths((const char *const *)argv + optind, (size_t)(argc - optind), &o, &r, &d);
	cli_report_warnings(&r.warnings);
	if (rc != EX_OK) {
		import_result_free(&r);
		return cli_report(&d);
	}
	if (ctx->json) {
		rc = cli_json_print(json_pack("{s:o}", "profiles", cli_json_import_profiles(NULL, &r)));
	} else {
		for (size_t i = 0; i < r.n_profiles; i++) {
			if (r.changed[i])
				printf(_("Profile %s: imported.\n"), r.profiles[i]);
			else
				printf(_("Profile %s: already up to date, nothing changed.\n"), r.profiles[i]);
		}
		if (r.n_profiles)
			printf("%s\n", _("Next: 'hsm-onboard status' shows the setup password's countdown."));
	}
	import_result_free(&r);
	return EX_OK;
}
