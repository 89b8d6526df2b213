/* cli.h: the command-line front end's contract.
 *
 * main() strips the common options (below) from anywhere in argv, then calls the command's function
 * with the rest, argv[0] being the command name, ready for getopt_long. Commands print; the core does
 * not. Every command returns a sysexits.h code. */
#ifndef HSMO_CLI_H
#define HSMO_CLI_H

#include <stdio.h>

#include "diag.h"

struct cli_ctx {
	const char *profile;     /* --profile NAME, or NULL */
	int passphrase_fd;       /* --passphrase-fd N, or -1: read the passphrase from the terminal */
	int kdf_ms;              /* --kdf-ms N, or 0: calibrate to the default */
	int ascii;               /* --ascii, or a locale that is not UTF-8 */
	int json;                /* --json */
	int yes;                 /* --yes: confirmations are given */
	const char *cacert;      /* --cacert FILE */
	int accept_setup_format; /* --accept-setup-format: a setup password of another shape is a warning */
};

enum cli_secmem {
	CLI_SECMEM_MAIN = 0, /* main() starts it before the command runs */
	/* The command's first secret starts it (secmem_alloc starts the heap before the secret exists):
	 * the wizard, whose first frame must not wait for libcrypto, and whose start screen and countdown
	 * need none. */
	CLI_SECMEM_OWN,
	/* The command never holds a secret (status reads state.json only, which holds none), so it needs
	 * neither libcrypto nor the heap; were it ever to, secmem_alloc starts the heap first. */
	CLI_SECMEM_NEVER,
};

struct cli_command {
	const char *name;
	int (*run)(struct cli_ctx *ctx, int argc, char **argv);
	const char *args;    /* usage after the name, N_()-marked, e.g. "[OPTION]... FILE..." */
	const char *summary; /* one line, N_()-marked */
	const char *options; /* the command's own options, one per line, N_()-marked; may be "" */
	/* Who starts the secure heap (doc/DESIGN.md, "Secrets", rule 2). */
	enum cli_secmem secmem;
};

/* The command table, NULL-terminated, in the order of --help; cli_commands.c holds it. */
extern const struct cli_command cli_commands[];

/* Prints "hsm-onboard: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "hsm-onboard: warning: <message>" to stderr. */
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* text as a paragraph on f, folded between words at 78 columns (a word longer than that stands
 * alone on its line), with a newline at the end. */
void cli_print_wrapped(FILE *f, const char *text);
/* Prints d's message as an error and returns d->code. */
int cli_report(const struct diag *d);
/* Prints each warning, then frees them. */
void cli_report_warnings(struct diag_warnings *w);
/* "Try 'hsm-onboard COMMAND --help'" for a usage error; returns EX_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "-" (standard input) may stand once among a command's n file arguments: EX_OK, or EX_USAGE
 * (reported). */
int cli_stdin_once(const char *command, char *const *files, int n);
/* Prints the usage line and summary of one command, for its --help. */
void cli_command_help(FILE *out, const char *command);

/* ---- The commands, one cli_<name>.c each. Keep each area's lines together. ---- */
/* Credential files */
int cli_inspect(struct cli_ctx *ctx, int argc, char **argv);
/* Profiles and vault */
int cli_import(struct cli_ctx *ctx, int argc, char **argv);
int cli_secrets(struct cli_ctx *ctx, int argc, char **argv);
int cli_forget(struct cli_ctx *ctx, int argc, char **argv);
/* Countdown and ticket */
int cli_status(struct cli_ctx *ctx, int argc, char **argv);
int cli_ticket(struct cli_ctx *ctx, int argc, char **argv);
int cli_mark_used(struct cli_ctx *ctx, int argc, char **argv);
/* Engines and rotation */
int cli_doctor(struct cli_ctx *ctx, int argc, char **argv);
int cli_connect(struct cli_ctx *ctx, int argc, char **argv);
int cli_verify(struct cli_ctx *ctx, int argc, char **argv);
int cli_restore(struct cli_ctx *ctx, int argc, char **argv);
int cli_config(struct cli_ctx *ctx, int argc, char **argv);
/* Network */
int cli_clusters(struct cli_ctx *ctx, int argc, char **argv);
int cli_check(struct cli_ctx *ctx, int argc, char **argv);
int cli_fetch(struct cli_ctx *ctx, int argc, char **argv);
int cli_watch(struct cli_ctx *ctx, int argc, char **argv);
/* Wizard */
int cli_wizard(struct cli_ctx *ctx, int argc, char **argv);
int cli_demo(struct cli_ctx *ctx, int argc, char **argv);

#endif
