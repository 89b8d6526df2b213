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

static long cli_watch_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Imports path, and on success adds its kind to *kinds. A file that fails to import is reported; the
 * watch goes on, so a new download can fix it. */
static void cli_watch_import(struct cli_net_import *im, const char *path, unsigned *kinds)
{
	fprintf(stderr, _("found %s\n"), quote_c(path));
	const char *one[1] = {path};
	if (cli_net_import_paths(im, one, 1) != EX_OK)
		return;
	struct credfile_name cn;
	memset(&cn, 0, sizeof cn);
	if (credfile_parse_name(path, &cn) == 0)
		*kinds |= WATCH_KIND_BIT(cn.kind);
	credfile_name_free(&cn);
}

/* Polls w until every expected kind was imported (EX_OK), Ctrl-C (130), the deadline (EX_NOINPUT)
 * or a failure of the watch itself (reported). */
static int cli_watch_loop(struct watch *w, struct cli_net_import *im, long timeout_ms)
{
	struct diag d;
	diag_clear(&d);
	unsigned kinds = 0;
	long deadline = timeout_ms > 0 ? cli_watch_now_ms() + timeout_ms : 0;
	while (!watch_kinds_complete(kinds)) {
		if (cli_net_interrupted()) {
			fprintf(stderr, "%s\n", _("interrupted"));
			return 130;
		}
		long wait = 250;
		if (deadline) {
			long left = deadline - cli_watch_now_ms();
			if (left <= 0) {
				cli_error("%s", _("timed out before every expected credential file arrived"));
				return EX_NOINPUT;
			}
			if (left < wait)
				wait = left;
		}
		char *path = NULL;
		int rc = watch_poll(w, (int)wait, &path, &d);
		if (rc != EX_OK) {
			cli_report(&d);
			return rc;
		}
		if (path)
			cli_watch_import(im, path, &kinds);
		free(path);
	}
	return EX_OK;
}

int cli_watch(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_net_import im = {.ctx = ctx};
	long timeout_ms = -1;
	int rc = cli_net_parse_options(argc, argv, 86400.0, 1, &timeout_ms, &im);
	if (rc != EX_OK)
		return rc;
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
	cli_net_catch_signals();
	fprintf(stderr, _("watching %s for credential files (Ctrl-C to stop)\n"), quote_c(dir));
	fflush(stderr);
	rc = cli_watch_loop(w, &im, timeout_ms);
	/* Under --json the document is printed however the watch ended: what was imported counts. */
	if (ctx->json)
		cli_json_print(json_pack("{s:s,s:b,s:o}", "dir", dir, "complete", rc == EX_OK, "profiles",
		                         cli_net_profiles_json(&im)));
	else if (rc == EX_OK)
		printf("%s\n", _("every expected credential file was imported"));
	cli_net_import_done(&im);
	watch_close(w);
	return rc;
}
