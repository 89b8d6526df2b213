/* cli_net.h: what the network commands (check, fetch, watch) share in the CLI: the import of
 * downloaded or watched files with the same options, questions and messages as `import`. The
 * passphrase comes from cli_passphrase.h; a watch that imports several times asks on the terminal only
 * once, since it keeps the answer (in secure memory) for the run. */
#ifndef HSMO_CLI_NET_H
#define HSMO_CLI_NET_H

#include <jansson.h>
#include <stddef.h>

#include "cli.h"
#include "diag.h"
#include "import.h"

struct cli_net_import {
	struct cli_ctx *ctx;
	enum state_tier tier;                 /* --tier, or TIER_UNKNOWN */
	enum state_service_type service_type; /* --service-type, or SERVICE_TYPE_UNKNOWN */
	int shred;
	char *cached;     /* the passphrase given for this run (secmem) */
	json_t *profiles; /* --json: the profiles imported so far, as import prints them */
};

/* Parses the options fetch and watch share: --timeout (seconds from 0.1 to max_s, into *timeout_ms),
 * --tier, --service-type and, with shred_option (watch; fetch always shreds), --shred. EX_OK with
 * optind at the first argument, or a reported EX_USAGE. */
int cli_net_parse_options(int argc, char **argv, double max_s, int shred_option, long *timeout_ms,
                          struct cli_net_import *im);
/* SIGINT and SIGTERM only set a flag, so that fetch keeps its .part for a resume and watch still
 * prints what it imported; cli_net_interrupted() reads the flag. */
void cli_net_catch_signals(void);
int cli_net_interrupted(void);
/* The --json "profiles" array: a new reference to what was imported, or an empty array. */
json_t *cli_net_profiles_json(const struct cli_net_import *im);
/* Parses the --tier and --service-type values of fetch and watch; EX_OK or a reported EX_USAGE. */
int cli_net_parse_tier(const char *cmd, const char *arg, struct cli_net_import *im);
int cli_net_parse_service_type(const char *cmd, const char *arg, struct cli_net_import *im);
/* Parses a --timeout value of check, fetch or watch: seconds from 0.1 to max_s, into *ms; EX_OK or a
 * reported EX_USAGE. */
int cli_net_parse_timeout(const char *cmd, const char *arg, double max_s, long *ms);
/* Imports paths and prints the result lines like `import` (under --json, adds them to im->profiles);
 * returns the sysexits code. */
int cli_net_import_paths(struct cli_net_import *im, const char *const *paths, size_t n);
/* Wipes the kept passphrase and frees im->profiles. */
void cli_net_import_done(struct cli_net_import *im);

#endif
