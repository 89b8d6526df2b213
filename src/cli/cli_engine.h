/* cli_engine.h: what connect, verify and config share: the engine options, and opening the profile,
 * the vault and the engine in that order. */
#ifndef HSMO_CLI_ENGINE_H
#define HSMO_CLI_ENGINE_H

#include <getopt.h>
#include <jansson.h>

#include "cli.h"
#include "clusters.h"
#include "engine.h"
#include "engine_setup.h"
#include "profile.h"
#include "vault.h"

struct cli_engine_opts {
	const char *engine;
	const char *module;
	const char *token_label;
	long slot;
	const char *ppin;
	const char *endpoints[ENGINE_MAX_HOSTS];
	size_t n_endpoints;
	const char *output;
	int retry_refused;      /* connect --retry-refused */
};

enum { CLI_ENGINE_OPT_ENGINE = 2000, CLI_ENGINE_OPT_MODULE, CLI_ENGINE_OPT_TOKEN, CLI_ENGINE_OPT_SLOT,
       CLI_ENGINE_OPT_PPIN, CLI_ENGINE_OPT_ENDPOINT, CLI_ENGINE_OPT_OUTPUT, CLI_ENGINE_OPT_HELP,
       CLI_ENGINE_OPT_RETRY_REFUSED };

/* The long options every engine command accepts, NULL-terminated. */
extern const struct option cli_engine_longopts[];

struct cli_engine {
	struct profile p;
	struct vault *v;
	struct engine_ctx e;
	struct engine_setup es;
};

void cli_engine_opts_init(struct cli_engine_opts *o);
/* Parses argv with cli_engine_longopts; EX_OK, EX_USAGE (reported), or -1 for --help (printed). */
int cli_engine_parse(const char *cmd, int argc, char **argv, struct cli_engine_opts *o);
/* Opens and locks the profile (ctx->profile, or the only one there is). */
int cli_engine_open_profile(struct cli_ctx *ctx, struct cli_engine *ce, struct diag *d);
/* Asks for the passphrase, opens the vault, fills and opens the engine (options over the state). */
int cli_engine_open_rest(struct cli_ctx *ctx, struct cli_engine *ce, const struct cli_engine_opts *o,
                         struct diag *d);
void cli_engine_close(struct cli_engine *ce);
/* The --json document of connect, verify and config: {"profile", "engine", "connected",
 * "config_written", "files": [{"path", "description"}]}, plus extra's keys (taken) when given. */
int cli_engine_print_json(const struct cli_engine *ce, const char *engine, const struct engine_files *files,
                          json_t *extra);

#endif
