/* cli_passphrase.h: the CLI's way to get the vault passphrase, confirmations, and the profile to use.
 *
 * Every command that opens a vault calls these, so the passphrase is asked the same way everywhere:
 * from --passphrase-fd N (one line, read once per process and reused), or else on the terminal
 * (/dev/tty) without echo, twice when a vault is created. Off a terminal without --passphrase-fd the
 * answer is an EX_USAGE error, never a hang. The passphrase only ever lives in secure memory. */
#ifndef HSMO_CLI_PASSPHRASE_H
#define HSMO_CLI_PASSPHRASE_H

#include "cli.h"
#include "diag.h"
#include "profile.h"
#include "state.h"
#include "vault.h"

/* 1 when stdin is a terminal: only then does the CLI ask questions (off a terminal, an answer that
 * is needed and not given by an option is an error). */
int cli_is_terminal(void);

/* The passphrase for profile's vault (create=1: a new vault, asked twice on a terminal, at least
 * VAULT_PASSPHRASE_MIN characters). Returns a secmem string (free with secmem_free), or NULL with d
 * set: EX_USAGE off a terminal without --passphrase-fd, EX_USAGE when it is too short, EX_DATAERR when the
 * two entries differ, EX_IOERR when the fd cannot be read. */
char *cli_passphrase_read(const struct cli_ctx *ctx, const char *profile, int create, struct diag *d);
/* The same as an import_passphrase_fn; ctx is the struct cli_ctx. */
char *cli_passphrase_cb(void *ctx, const char *profile, int create, struct diag *d);

/* Asks question on the terminal, "[y/N]"; 1 for yes. 0 off a terminal. */
int cli_confirm(const char *question);

/* The profile a command works on: --profile, else the only profile there is; else EX_USAGE naming
 * the profiles to choose from (or EX_NOINPUT when there is none). *name is malloc-ed. */
int cli_profile_name(const struct cli_ctx *ctx, char **name, struct diag *d);
/* Opens (and locks, when flags say so) the profile cli_profile_name() picks. */
int cli_open_profile(const struct cli_ctx *ctx, int flags, struct profile *p, struct diag *d);
/* Opens p's vault, asking for its passphrase. */
int cli_open_vault(const struct cli_ctx *ctx, const struct profile *p, struct vault **v, struct diag *d);

#endif
