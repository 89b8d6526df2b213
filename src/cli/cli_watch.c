/* cli_watch.c: `watch [DIR]`: imports credential files as the browser finishes downloading them
 * (watch.h), until every expected kind is there (service and hsm, or combined, or jwt), Ctrl-C, or
 * --timeout. */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
#include "cli_net.h"
#include "credfile.h"
#include "i18n.h"
#include "quote.h"
#include "watch.h"

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

static volatile sig_atomic_t cli_watch_interrupted;

static void cli_watch_on_signal(int sig)
{
	(void)sig;
	cli_watch_interrupted = 1;
}

static long cli_watch_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cli_watch(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { OPT_TIMEOUT = 1, OPT_SHRED, OPT_TIER, OPT_STYPE };
	static const struct option opts[] = {
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"shred", no_argument, NULL, OPT_SHRED},
	    {"tier", required_argument, NULL, OPT_TIER},
	    {"service-type", required_argument, NULL, OPT_STYPE},
	    {NULL, 0, NULL, 0},
	};
	struct cli_net_import im = {.ctx = ctx};
	long timeout_ms = -1;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int bad = EX_OK;
		if (c == OPT_TIMEOUT) {
			bad = cli_net_parse_timeout(argv[0], optarg, 86400.0, &timeout_ms);
		} else if (c == OPT_SHRED) {
			im.shred = 1;
		} else if (c == OPT_TIER) {
			bad = cli_net_parse_tier(argv[0], optarg, &im);
		} else if (c == OPT_STYPE) {
			bad = cli_net_parse_service_type(argv[0], optarg, &im);
		} else {
			return cli_usage_error(argv[0], "%s", _("unknown option"));
		}
		if (bad != EX_OK)
			return bad;
	}
	if (argc - optind > 1)
		return cli_usage_error(argv[0], _("unexpected argument '%s'"), argv[optind + 1]);

	struct diag d;
	diag_clear(&d);
	char dir[PATH_MAX];
	if (optind < argc)
		snprintf(dir, sizeof dir, "%s", argv[optind]);
	else if (watch_default_dir(dir, sizeof dir, &d) != EX_OK)
		return cli_report(&d);

	struct watch *w;
	if (watch_open(dir, &w, &d) != EX_OK)
		return cli_report(&d);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cli_watch_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	fprintf(stderr, _("watching %s for credential files (Ctrl-C to stop)\n"), quote_c(dir));
	fflush(stderr);
	unsigned kinds = 0;
	int rc = EX_OK;
	long deadline = timeout_ms > 0 ? cli_watch_now_ms() + timeout_ms : 0;
	while (!watch_kinds_complete(kinds)) {
		if (cli_watch_interrupted) {
			fprintf(stderr, "%s\n", _("interrupted"));
			rc = 130;
			break;
		}
		long wait = 250;
		if (deadline) {
			long left = deadline - cli_watch_now_ms();
			if (left <= 0) {
				cli_error("%s", _("timed out before every expected credential file arrived"));
				rc = EX_NOINPUT;
				break;
			}
			if (left < wait)
				wait = left;
		}
		char *path = NULL;
		if ((rc = watch_poll(w, (int)wait, &path, &d)) != EX_OK) {
			cli_report(&d);
			break;
		}
		if (!path)
			continue;
		fprintf(stderr, _("found %s\n"), quote_c(path));
		const char *one[1] = {path};
		/* A file that fails to import is reported; the watch goes on, so a new download can fix it. */
		if (cli_net_import_paths(&im, one, 1) == EX_OK) {
			struct credfile_name cn;
			memset(&cn, 0, sizeof cn);
			if (credfile_parse_name(path, &cn) == 0)
				kinds |= WATCH_KIND_BIT(cn.kind);
			credfile_name_free(&cn);
		}
		free(path);
	}
	/* Under --json the document is printed however the watch ended: what was imported counts. */
	if (ctx->json)
		cli_json_print(json_pack("{s:s,s:b,s:o}", "dir", dir, "complete", rc == EX_OK, "profiles",
		                         im.profiles ? json_incref(im.profiles) : json_array()));
	else if (rc == EX_OK)
		printf("%s\n", _("every expected credential file was imported"));
	cli_net_import_done(&im);
	watch_close(w);
	return rc;
}
