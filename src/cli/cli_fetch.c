/* cli_fetch.c: `fetch URL...`: downloads credential files over HTTPS (fetch.h) into the private
 * download folder, then imports them all together, exactly like `import` (a service file and its hsm
 * file pair up only when imported together). The plaintext downloads are shredded after a successful
 * import and kept (mode 0600) after a failed one, since a download link may work only once. */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
#include "cli_net.h"
#include "fetch.h"
#include "i18n.h"
#include "quote.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#define FETCH_CLI_MAX_URLS 16

struct cli_fetch_progress {
	const char *name;
	int tty;
	long long last;
};

/* A progress line on a terminal; Ctrl-C cancels and keeps the .part for a resume. */
static int cli_fetch_progress(void *ctx, long long now, long long total)
{
	struct cli_fetch_progress *p = ctx;
	if (cli_net_interrupted())
		return 1;
	if (p->tty && now != p->last) {
		p->last = now;
		fputc('\r', stderr);
		if (total > 0)
			fprintf(stderr, _("%s: %lld of %lld bytes"), quote_c(p->name), now, total);
		else
			fprintf(stderr, _("%s: %lld bytes"), quote_c(p->name), now);
		fflush(stderr);
	}
	return 0;
}

/* Downloads every URL into dir, in order, stopping at the first failure; paths[i] gets the i-th file's
 * path (free them). */
static int cli_fetch_download_all(struct cli_ctx *ctx, char *const *urls, int n, const char *dir,
                                  long timeout_ms, char **paths)
{
	struct diag d;
	diag_clear(&d);
	int tty = isatty(STDERR_FILENO);
	for (int i = 0; i < n; i++) {
		char name[256];
		fetch_file_name(urls[i], name, sizeof name);
		struct cli_fetch_progress prog = {.name = name, .tty = tty, .last = -1};
		struct fetch_opts o = {.cacert = ctx->cacert,
		                       .timeout_ms = timeout_ms,
		                       .progress = cli_fetch_progress,
		                       .progress_ctx = &prog};
		struct fetch_result r;
		int rc = fetch_url(urls[i], dir, &o, &r, &d);
		if (tty && prog.last >= 0)
			fputc('\n', stderr);
		if (rc != EX_OK) {
			cli_report(&d);
			return rc;
		}
		if (r.restarted)
			cli_warning(_("%s: the server ignored the resume request; downloaded again from the start"),
			            name);
		else if (r.resumed_from > 0)
			fprintf(stderr, _("%s: resumed after %lld bytes\n"), quote_c(name), r.resumed_from);
		fprintf(stderr, _("downloaded %s\n"), quote_c(name));
		paths[i] = r.path;
	}
	return EX_OK;
}

/* Imports the downloads together, as `import` would; on a failure they stay in dir for a retry. */
static int cli_fetch_import(struct cli_ctx *ctx, struct cli_net_import *im, char *const *urls, int n,
                            const char *dir, char **paths)
{
	/* Ctrl-C at a passphrase prompt ends the program (the prompt restores the terminal). */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	int rc = cli_net_import_paths(im, (const char *const *)paths, (size_t)n);
	if (rc == EX_OK && ctx->json) {
		json_t *files = json_array();
		for (int i = 0; i < n; i++) {
			char name[256];
			fetch_file_name(urls[i], name, sizeof name);
			json_array_append_new(files, json_string(name));
		}
		rc = cli_json_print(json_pack("{s:o,s:o}", "files", files, "profiles", cli_net_profiles_json(im)));
	}
	cli_net_import_done(im);
	if (rc != EX_OK)
		cli_error(_("the downloaded files are kept in %s (mode 0600) for another try: "
		            "'hsm-onboard import FILE...' or fetch again"),
		          dir);
	return rc;
}

int cli_fetch(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_net_import im = {.ctx = ctx, .shred = 1};
	long timeout_ms = 0;
	int rc = cli_net_parse_options(argc, argv, 3600.0, 0, &timeout_ms, &im);
	if (rc != EX_OK)
		return rc;
	int n = argc - optind;
	if (n <= 0)
		return cli_usage_error(argv[0], "%s", _("no URL given"));
	if (n > FETCH_CLI_MAX_URLS)
		return cli_usage_error(argv[0], _("at most %d URLs"), FETCH_CLI_MAX_URLS);
	char *const *urls = argv + optind;

	struct diag d;
	diag_clear(&d);
	char dir[4096];
	if (fetch_download_dir(dir, sizeof dir, &d) != EX_OK)
		return cli_report(&d);
	cli_net_catch_signals();
	char *paths[FETCH_CLI_MAX_URLS] = {0};
	rc = cli_fetch_download_all(ctx, urls, n, dir, timeout_ms, paths);
	if (rc == EX_OK) {
		rc = cli_fetch_import(ctx, &im, urls, n, dir, paths);
	} else {
		/* All or nothing: what did arrive is not imported alone, and stays private for a retry. */
		for (int i = 0; i < n; i++)
			if (paths[i])
				cli_error(_("%s was downloaded but not imported, because another download failed"), paths[i]);
	}
	for (int i = 0; i < n; i++)
		free(paths[i]);
	return rc;
}
