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
	/* --engine, --module, --token-label, --slot, --ppin, --endpoint (count), --pin-length: what
	 * engine_setup_open takes over the profile's state */
	struct engine_overrides ov;
	const char *endpoints[ENGINE_MAX_HOSTS]; /* --endpoint, repeatable */
	const char *output;
	const char *group;      /* --group: provider files shared with this group (0640) */
	const char *targets[8]; /* config --for, repeatable */
	size_t n_targets;
	int list;           /* config --list */
	int retry_refused;  /* connect --retry-refused */
	int system;         /* config --system: /etc/primus, group primus, as root */
	int force;          /* --force: an --output folder others own or may write (fsutil_secret_dir);
	                     * the same option sets ov.force (provider files of other partitions) */
	int blinded_secret; /* config --blinded-secret: tsb/xks get the blinded user secret (not in the docs) */
};

enum {
	CLI_ENGINE_OPT_ENGINE = 2000,
	CLI_ENGINE_OPT_MODULE,
	CLI_ENGINE_OPT_TOKEN,
	CLI_ENGINE_OPT_SLOT,
	CLI_ENGINE_OPT_PPIN,
	CLI_ENGINE_OPT_ENDPOINT,
	CLI_ENGINE_OPT_OUTPUT,
	CLI_ENGINE_OPT_HELP,
	CLI_ENGINE_OPT_GROUP,
	CLI_ENGINE_OPT_PIN_LENGTH,
	CLI_ENGINE_OPT_FOR,
	CLI_ENGINE_OPT_LIST,
	CLI_ENGINE_OPT_RETRY_REFUSED,
	CLI_ENGINE_OPT_CLIENT_ID,
	CLI_ENGINE_OPT_FORCE,
	CLI_ENGINE_OPT_SYSTEM,
	CLI_ENGINE_OPT_BLINDED_SECRET,
	CLI_ENGINE_OPT_PRIMUS_HOME
};

/* The long options every engine command accepts, NULL-terminated. */
extern const struct option cli_engine_longopts[];

struct cli_engine {
	struct profile p;
	struct vault *v;
	struct engine_ctx e;
	struct engine_setup es;
};

/* What every engine command does first: parses argv with cli_engine_longopts, lets check (may be NULL)
 * refuse options the command does not take, then opens and locks the profile (ctx->profile, or the
 * only one there is; it must hold a state.json). EX_OK with ce open (close it with cli_engine_close);
 * otherwise the exit code, already reported. d is cleared, for the command's own use. */
int cli_engine_begin(struct cli_ctx *ctx, const char *cmd, int argc, char **argv,
                     int (*check)(const struct cli_engine_opts *o), struct cli_engine_opts *o,
                     struct cli_engine *ce, struct diag *d);
/* The engine overrides of the options, with --endpoint's hosts in them. */
struct engine_overrides cli_engine_overrides(const struct cli_engine_opts *o);
/* Asks for the passphrase, opens the vault, fills and opens the engine (options over the state). */
int cli_engine_open_rest(struct cli_ctx *ctx, struct cli_engine *ce, const struct cli_engine_opts *o,
                         struct diag *d);
void cli_engine_close(struct cli_engine *ce);
/* Shows an engine's documented step ("Step 2 of 3: ppin -a -e USER") on stderr: an engine progress
 * callback (engine.h). */
void cli_engine_progress(void *arg, int step, int total, const char *what);
/* The --json document of connect, verify and config: {"profile", "engine", "connected",
 * "config_written", "files": [{"path", "description"}]}, plus extra's keys (taken) when given. */
int cli_engine_print_json(const struct cli_engine *ce, const char *engine, const struct filelist *files,
                          json_t *extra);

#endif
