/* cli_engine.c: shared by connect, verify and config (cli_engine.h). */
#include "config.h"

#include "cli_engine.h"
#include "cli_json.h"
#include "cli_passphrase.h"
#include "clusters.h"
#include "fsutil.h"
#include "i18n.h"
#include "orders.h"
#include "secmem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

const struct option cli_engine_longopts[] = {
    {"engine", required_argument, NULL, CLI_ENGINE_OPT_ENGINE},
    {"module", required_argument, NULL, CLI_ENGINE_OPT_MODULE},
    {"token-label", required_argument, NULL, CLI_ENGINE_OPT_TOKEN},
    {"slot", required_argument, NULL, CLI_ENGINE_OPT_SLOT},
    {"ppin", required_argument, NULL, CLI_ENGINE_OPT_PPIN},
    {"endpoint", required_argument, NULL, CLI_ENGINE_OPT_ENDPOINT},
    {"output", required_argument, NULL, CLI_ENGINE_OPT_OUTPUT},
    {"group", required_argument, NULL, CLI_ENGINE_OPT_GROUP},
    {"pin-length", required_argument, NULL, CLI_ENGINE_OPT_PIN_LENGTH},
    {"for", required_argument, NULL, CLI_ENGINE_OPT_FOR},
    {"list", no_argument, NULL, CLI_ENGINE_OPT_LIST},
    {"retry-refused", no_argument, NULL, CLI_ENGINE_OPT_RETRY_REFUSED},
    {"client-id", required_argument, NULL, CLI_ENGINE_OPT_CLIENT_ID},
    {"force", no_argument, NULL, CLI_ENGINE_OPT_FORCE},
    {"system", no_argument, NULL, CLI_ENGINE_OPT_SYSTEM},
    {"blinded-secret", no_argument, NULL, CLI_ENGINE_OPT_BLINDED_SECRET},
    {"primus-home", required_argument, NULL, CLI_ENGINE_OPT_PRIMUS_HOME},
    {NULL, 0, NULL, 0},
};

static void cli_engine_opts_init(struct cli_engine_opts *o)
{
	memset(o, 0, sizeof *o);
	engine_overrides_init(&o->ov);
}

/* EX_OK, or EX_USAGE (reported). */
static int cli_engine_parse(const char *cmd, int argc, char **argv, struct cli_engine_opts *o)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", cli_engine_longopts, NULL)) != -1) {
		char *end;
		switch (c) {
		case CLI_ENGINE_OPT_ENGINE:
			if (!engine_find(optarg))
				return cli_usage_error(cmd, _("--engine: '%s' is not an engine (use pkcs11, primus or jce)"),
				                       optarg);
			o->ov.engine = optarg;
			break;
		case CLI_ENGINE_OPT_MODULE: o->ov.module = optarg; break;
		case CLI_ENGINE_OPT_TOKEN: o->ov.token_label = optarg; break;
		case CLI_ENGINE_OPT_SLOT:
			errno = 0;
			o->ov.slot = strtol(optarg, &end, 10);
			if (errno || *optarg == '\0' || *end != '\0' || o->ov.slot < 0)
				return cli_usage_error(cmd, _("--slot: '%s' is not a slot number"), optarg);
			break;
		case CLI_ENGINE_OPT_PPIN: o->ov.ppin = optarg; break;
		case CLI_ENGINE_OPT_PRIMUS_HOME: o->ov.primus_home = optarg; break;
		case CLI_ENGINE_OPT_ENDPOINT:
			if (o->ov.n_endpoints >= ENGINE_MAX_HOSTS)
				return cli_usage_error(cmd, _("--endpoint: at most %d hosts"), ENGINE_MAX_HOSTS);
			o->endpoints[o->ov.n_endpoints++] = optarg;
			break;
		case CLI_ENGINE_OPT_OUTPUT: o->output = optarg; break;
		case CLI_ENGINE_OPT_GROUP: o->group = optarg; break;
		case CLI_ENGINE_OPT_PIN_LENGTH: {
			errno = 0;
			long n = strtol(optarg, &end, 10);
			if (errno || *optarg == '\0' || *end != '\0' || n < ENGINE_PIN_MIN || n > ENGINE_SECRET_MAX)
				return cli_usage_error(cmd, _("--pin-length: '%s' is not a length from %d to %d"), optarg,
				                       ENGINE_PIN_MIN, ENGINE_SECRET_MAX);
			o->ov.pin_length = (size_t)n;
			break;
		}
		case CLI_ENGINE_OPT_FOR:
			if (strcmp(cmd, "config") != 0)
				return cli_usage_error(cmd, "%s", _("--for is an option of 'config'"));
			if (o->n_targets >= sizeof o->targets / sizeof o->targets[0])
				return cli_usage_error(cmd, _("--for: at most %d targets"), 8);
			o->targets[o->n_targets++] = optarg;
			break;
		case CLI_ENGINE_OPT_LIST:
			if (strcmp(cmd, "config") != 0)
				return cli_usage_error(cmd, "%s", _("--list is an option of 'config'"));
			o->list = 1;
			break;
		case CLI_ENGINE_OPT_RETRY_REFUSED:
			/* Only connect sends the setup password. */
			if (strcmp(cmd, "connect") != 0)
				return cli_usage_error(cmd, _("unknown option '%s'"), argv[optind - 1]);
			o->retry_refused = 1;
			break;
		case CLI_ENGINE_OPT_CLIENT_ID:
			/* It goes into primus.cfg, whose reader takes any string; the HSM log shows it. */
			if (!optarg[0] || strlen(optarg) > 128 || strpbrk(optarg, "\"\\\n\r"))
				return cli_usage_error(cmd, "%s",
				                       _("--client-id: give 1 to 128 characters without quotes, backslashes "
				                         "or line breaks"));
			o->ov.client_id = optarg;
			break;
		/* One --force for both guards: a folder others own or may write, and provider files
			 * that hold other partitions' secrets (kept as a dated backup). */
		case CLI_ENGINE_OPT_FORCE:
			o->ov.force = 1;
			o->force = 1;
			break;
		case CLI_ENGINE_OPT_SYSTEM:
			if (strcmp(cmd, "config") != 0)
				return cli_usage_error(cmd, "%s", _("--system is an option of 'config'"));
			o->system = 1;
			break;
		case CLI_ENGINE_OPT_BLINDED_SECRET:
			if (strcmp(cmd, "config") != 0)
				return cli_usage_error(cmd, _("unknown option '%s'"), argv[optind - 1]);
			o->blinded_secret = 1;
			break;
		case ':': return cli_usage_error(cmd, _("option '%s' needs a value"), argv[optind - 1]);
		default: return cli_usage_error(cmd, _("unknown option '%s'"), argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, _("unexpected argument '%s'"), argv[optind]);
	if (o->ov.token_label && o->ov.slot >= 0)
		return cli_usage_error(cmd, "%s", _("--token-label and --slot exclude each other"));
	return EX_OK;
}

int cli_engine_begin(struct cli_ctx *ctx, const char *cmd, int argc, char **argv,
                     int (*check)(const struct cli_engine_opts *o), struct cli_engine_opts *o,
                     struct cli_engine *ce, struct diag *d)
{
	diag_clear(d);
	cli_engine_opts_init(o);
	int rc = cli_engine_parse(cmd, argc, argv, o);
	if (rc == EX_OK && check)
		rc = check(o);
	if (rc != EX_OK)
		return rc;
	if (o->output) {
		/* The secret files go there: a folder others own or may write is refused before anything
		 * runs (doc/DESIGN.md, "Data"). */
		struct diag_warnings w = {0};
		rc = fsutil_secret_dir(o->output, o->force, &w, d);
		cli_report_warnings(&w);
		if (rc != EX_OK)
			return cli_report(d);
	}
	memset(ce, 0, sizeof *ce);
	ce->p.lock_fd = -1;
	rc = cli_open_profile(ctx, PROFILE_LOCK | PROFILE_NEED_STATE, &ce->p, d);
	return rc == EX_OK ? EX_OK : cli_report(d);
}

struct engine_overrides cli_engine_overrides(const struct cli_engine_opts *o)
{
	struct engine_overrides ov = o->ov;
	ov.endpoints = o->endpoints;
	return ov;
}

int cli_engine_open_rest(struct cli_ctx *ctx, struct cli_engine *ce, const struct cli_engine_opts *o,
                         struct diag *d)
{
	struct engine_overrides ov = cli_engine_overrides(o);
	/* Fail on a missing engine before asking for the passphrase. */
	if (!engine_find(o->ov.engine ? o->ov.engine : orders_path_engine(&ce->p.st)))
		return engine_setup_no_engine(&ce->p.st, d);
	int rc = cli_open_vault(ctx, &ce->p, &ce->v, d);
	if (rc != EX_OK)
		return rc;
	rc = engine_setup_open(&ce->es, &ce->e, &ce->p.st, ce->p.dir, ce->v, &ov, d);
	ce->e.group = o->group;
	ce->e.progress = cli_engine_progress;
	return rc;
}

void cli_engine_progress(void *arg, int step, int total, const char *what)
{
	(void)arg;
	fprintf(stderr, _("Step %d of %d: %s\n"), step, total, what);
	fflush(stderr);
}

void cli_engine_close(struct cli_engine *ce)
{
	engine_setup_close(&ce->es, &ce->e);
	if (ce->v)
		vault_close(ce->v);
	ce->v = NULL;
	profile_close(&ce->p);
}

int cli_engine_print_json(const struct cli_engine *ce, const char *engine, const struct filelist *files,
                          json_t *extra)
{
	const struct state *st = &ce->p.st;
	json_t *list = json_array();
	for (size_t i = 0; files && list && i < files->n; i++)
		json_array_append_new(list,
		                      json_pack("{s:s,s:s}", "path", files->path[i], "description", files->what[i]));
	json_t *o = json_pack("{s:s,s:o,s:b,s:b,s:o}", "profile", ce->p.name, "engine",
	                      cli_json_str(engine ? engine : st->engine.engine), "connected",
	                      st->rotation >= ROTATION_VERIFIED, "config_written",
	                      st->rotation >= ROTATION_CONFIGURED, "files", list);
	if (o && extra)
		json_object_update(o, extra);
	json_decref(extra);
	return cli_json_print(o);
}
