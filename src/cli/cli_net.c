/* cli_net.c: shared by fetch and watch (see cli_net.h). */
#include "config.h"

#include "cli_net.h"
#include "cli_json.h"
#include "cli_passphrase.h"
#include "i18n.h"
#include "secmem.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

static char *cli_net_passphrase(void *ctx, const char *profile, int create, struct diag *d)
{
	struct cli_net_import *im = ctx;
	if (im->cached && !create)
		return secmem_strdup(im->cached);
	char *pass = cli_passphrase_read(im->ctx, profile, create, d);
	if (pass && !im->cached)
		im->cached = secmem_strdup(pass);
	return pass;
}

static int cli_net_confirm(void *ctx, const char *question)
{
	(void)ctx;
	return cli_confirm(question);
}

int cli_net_parse_timeout(const char *cmd, const char *arg, double max_s, long *ms)
{
	char *end;
	double v = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || !(v >= 0.1 && v <= max_s))
		return cli_usage_error(cmd, _("--timeout: '%s' is not a number of seconds from 0.1 to %.0f"), arg,
		                       max_s);
	*ms = (long)(v * 1000.0 + 0.5);
	return EX_OK;
}

int cli_net_parse_tier(const char *cmd, const char *arg, struct cli_net_import *im)
{
	if (state_tier_parse(arg, &im->tier) != 0)
		return cli_usage_error(cmd, _("--tier: '%s' is not one of SBX, ECO, ECO-CC, PLATINUM"), arg);
	return EX_OK;
}

int cli_net_parse_service_type(const char *cmd, const char *arg, struct cli_net_import *im)
{
	if (state_service_type_parse(arg, &im->service_type) != 0)
		return cli_usage_error(
		    cmd, _("--service-type: '%s' is not one of standard, tsbaas-multi, tsbaas-dedicated"), arg);
	return EX_OK;
}

int cli_net_parse_options(int argc, char **argv, double max_s, int shred_option, long *timeout_ms,
                          struct cli_net_import *im)
{
	enum { OPT_TIMEOUT = 1, OPT_TIER, OPT_STYPE, OPT_SHRED };
	/* Two tables, not one with a flag: --shred must stay unknown to fetch, for getopt's own message
	 * and its abbreviations ("--s" is --service-type there, ambiguous in watch). */
	static const struct option fetch_opts[] = {
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"tier", required_argument, NULL, OPT_TIER},
	    {"service-type", required_argument, NULL, OPT_STYPE},
	    {NULL, 0, NULL, 0},
	};
	static const struct option watch_opts[] = {
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"shred", no_argument, NULL, OPT_SHRED},
	    {"tier", required_argument, NULL, OPT_TIER},
	    {"service-type", required_argument, NULL, OPT_STYPE},
	    {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "", shred_option ? watch_opts : fetch_opts, NULL)) != -1) {
		int bad = EX_OK;
		if (c == OPT_TIMEOUT)
			bad = cli_net_parse_timeout(argv[0], optarg, max_s, timeout_ms);
		else if (c == OPT_SHRED)
			im->shred = 1;
		else if (c == OPT_TIER)
			bad = cli_net_parse_tier(argv[0], optarg, im);
		else if (c == OPT_STYPE)
			bad = cli_net_parse_service_type(argv[0], optarg, im);
		else
			return cli_usage_error(argv[0], "%s", _("unknown option"));
		if (bad != EX_OK)
			return bad;
	}
	return EX_OK;
}

static volatile sig_atomic_t cli_net_signalled;

static void cli_net_on_signal(int sig)
{
	(void)sig;
	cli_net_signalled = 1;
}

void cli_net_catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cli_net_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int cli_net_interrupted(void)
{
	return cli_net_signalled;
}

json_t *cli_net_profiles_json(const struct cli_net_import *im)
{
	return im->profiles ? json_incref(im->profiles) : json_array();
}

int cli_net_import_paths(struct cli_net_import *im, const char *const *paths, size_t n)
{
	struct import_opts o;
	memset(&o, 0, sizeof o);
	o.profile = im->ctx->profile;
	o.tier = im->tier;
	o.service_type = im->service_type;
	o.kdf_ms = im->ctx->kdf_ms;
	o.accept_setup_format = im->ctx->accept_setup_format;
	o.shred = im->shred;
	o.renew = im->ctx->yes;
	o.passphrase = cli_net_passphrase;
	o.passphrase_ctx = im;
	if (cli_is_terminal())
		o.confirm = cli_net_confirm;
	struct import_result r;
	memset(&r, 0, sizeof r);
	struct diag d;
	diag_clear(&d);
	int rc = import_paths(paths, n, &o, &r, &d);
	cli_report_warnings(&r.warnings);
	if (rc != EX_OK) {
		import_result_free(&r);
		return cli_report(&d);
	}
	/* The same messages as `import`. */
	if (im->ctx->json)
		im->profiles = cli_json_import_profiles(im->profiles, &r);
	for (size_t i = 0; !im->ctx->json && i < r.n_profiles; i++) {
		if (r.changed[i])
			printf(_("Profile %s: imported.\n"), r.profiles[i]);
		else
			printf(_("Profile %s: already up to date, nothing changed.\n"), r.profiles[i]);
	}
	fflush(stdout);
	import_result_free(&r);
	return EX_OK;
}

void cli_net_import_done(struct cli_net_import *im)
{
	secmem_free(im->cached);
	im->cached = NULL;
	json_decref(im->profiles);
	im->profiles = NULL;
}
