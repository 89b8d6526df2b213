/* cli_net.h: what the network commands (check, fetch, watch) share in the CLI: the vault passphrase
 * asked once per run (a watch may import several times, and --passphrase-fd can be read only once),
 * and the import of downloaded files with the same options and messages as `import`. */
#ifndef HSMO_CLI_NET_H
#define HSMO_CLI_NET_H

#include <signal.h>
#include <stddef.h>

#include "cli.h"
#include "diag.h"
#include "import.h"

struct cli_net_pass {
	struct cli_ctx *ctx;
	char *cached;  /* secmem */
	/* Set by the command's SIGINT handler: a passphrase prompt interrupted by Ctrl-C gives up. */
	volatile sig_atomic_t *stop;
};

/* An import_passphrase_fn: reads --passphrase-fd (first line) or asks on the terminal without echo
 * (twice for a new vault); remembers the answer for the next call. */
char *cli_net_passphrase(void *pass_ctx, const char *profile, int create, struct diag *d);
void cli_net_pass_wipe(struct cli_net_pass *p);

/* Fills import options from the common options (profile, kdf-ms, --yes). */
void cli_net_import_opts(struct cli_ctx *ctx, struct cli_net_pass *pass, int shred, struct import_opts *o);
/* Imports paths and prints the result lines; returns the sysexits code. */
int cli_net_import(struct cli_ctx *ctx, struct cli_net_pass *pass, const char *const *paths, size_t n,
                   int shred);

#endif
