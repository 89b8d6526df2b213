/* main.c: process hardening, i18n, common options and command dispatch. */
#include "config.h"

#include "cli.h"
#include "failpoint.h"
#include "i18n.h"
#include "secmem.h"

#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sysexits.h>
#include <unistd.h>

static const char *main_progname = PACKAGE;

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", main_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: %s", main_progname, _("warning: "));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_report(const struct diag *d)
{
	cli_error("%s", d->msg);
	return d->code;
}

void cli_report_warnings(struct diag_warnings *w)
{
	for (size_t i = 0; i < w->n; i++)
		cli_warning("%s", w->msg[i]);
	diag_warnings_free(w);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", main_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (command)
		fprintf(stderr, _("Try '%s %s --help' for more information.\n"), main_progname, command);
	else
		fprintf(stderr, _("Try '%s --help' for more information.\n"), main_progname);
	return EX_USAGE;
}

static const struct cli_command *main_find(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void cli_command_help(FILE *out, const char *command)
{
	const struct cli_command *c = main_find(command);
	if (!c)
		return;
	/* gettext("") is the catalog's header, never an empty string: a command without arguments or
	 * without a summary must not go through _(). */
	if (c->args && c->args[0])
		fprintf(out, _("Usage: %s [COMMON OPTION]... %s %s\n"), main_progname, c->name, _(c->args));
	else
		fprintf(out, _("Usage: %s [COMMON OPTION]... %s\n"), main_progname, c->name);
	if (c->summary && c->summary[0])
		fprintf(out, "%s\n", _(c->summary));
	if (c->options && c->options[0])
		fprintf(out, "\n%s", _(c->options));
	fputs(_("\nThe common options (see 'hsm-onboard --help') are accepted too.\n"), out);
}

static void main_help(void)
{
	printf(_("Usage: %s [COMMON OPTION]... COMMAND [OPTION]... [ARG]...\n"), main_progname);
	fputs(_("Onboard a Securosys CloudHSM partition: import the credential files into an\n"
	        "encrypted profile, watch the setup password's 7-day countdown, make the first\n"
	        "connection and the secret rotation, and print a support ticket when the setup\n"
	        "password has expired.\n"), stdout);
	fputs(_("\nCommands:\n"), stdout);
	for (const struct cli_command *c = cli_commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary && c->summary[0] ? _(c->summary) : "");
	fputs(_("\nCommon options, accepted before or after the command:\n"
	        "      --profile NAME       the profile to use (default: the HSM User Name)\n"
	        "      --passphrase-fd N    read the vault passphrase from file descriptor N\n"
	        "      --kdf-ms N           scrypt cost of a new vault, in ms (default 500)\n"
	        "      --cacert FILE        trust this CA certificate for HTTPS\n"
	        "      --ascii              draw with ASCII characters only\n"
	        "      --json               print JSON where the command supports it\n"
	        "      --yes                answer yes to confirmations\n"
	        "  -h, --help               display this help and exit\n"
	        "  -V, --version            output version information and exit\n"), stdout);
#ifdef ENABLE_FAILPOINTS
	fputs(_("      --list-failpoints    list the crash points of this test build and exit\n"), stdout);
#endif
	printf(_("\nRun '%s COMMAND --help' for the options of one command.\n"), main_progname);
	/* GNU coding standards: every line of --help fits 80 columns, in every language (tests/po-complete.sh). */
	fputs(_("\nExit status (sysexits.h): 0 success, 64 usage error, 65 bad data, 66 file not\n"
	        "readable, 69 service unavailable, 70 internal error, 71 system error, 73 cannot\n"
	        "create, 74 I/O error, 75 profile in use or interrupted, 77 permission denied or\n"
	        "wrong passphrase, 78 configuration error; 'status --check' uses Nagios codes.\n"),
	      stdout);
	printf(_("\nReport bugs to: %s\n"), PACKAGE_BUGREPORT);
	printf(_("%s home page: <%s>\n"), PACKAGE_NAME, "https://example.invalid/hsm-onboard");
}

static void main_version(void)
{
	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	fputs(_("Copyright (C) 2026 the hsm-onboard developers.\n"
	        "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
	        "This is free software: you are free to change and redistribute it.\n"
	        "There is NO WARRANTY, to the extent permitted by law.\n"), stdout);
}

/* Rule 2 of doc/DESIGN.md's secret rules: no core dump and no ptrace by the same user may see a secret. */
static void main_harden(void)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	struct rlimit rl = {0, 0};
	setrlimit(RLIMIT_CORE, &rl);
}

static int main_parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

enum { OPT_PROFILE = 1000, OPT_PASSFD, OPT_KDFMS, OPT_ASCII, OPT_JSON, OPT_YES, OPT_CACERT };

/* Takes the common options out of argv wherever they stand (before "--"), so that each command's
 * getopt_long only sees its own. Returns EX_OK or EX_USAGE (already reported). */
static int main_extract_common(int *argc, char **argv, struct cli_ctx *ctx, const char *cmd)
{
	static const struct {
		const char *name;
		int id;
		int has_arg;
	} common[] = {
		{"--profile", OPT_PROFILE, 1},   {"--passphrase-fd", OPT_PASSFD, 1},
		{"--kdf-ms", OPT_KDFMS, 1},      {"--ascii", OPT_ASCII, 0},
		{"--json", OPT_JSON, 0},         {"--yes", OPT_YES, 0},
		{"--cacert", OPT_CACERT, 1},
	};
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		int id = 0;
		const char *val = NULL;
		for (size_t k = 0; k < sizeof common / sizeof common[0]; k++) {
			size_t n = strlen(common[k].name);
			if (strncmp(a, common[k].name, n) != 0)
				continue;
			if (a[n] == '\0') {
				id = common[k].id;
				if (common[k].has_arg) {
					if (i + 1 >= *argc)
						return cli_usage_error(cmd, _("option '%s' requires an argument"), a);
					val = argv[++i];
				}
			} else if (a[n] == '=' && common[k].has_arg) {
				id = common[k].id;
				val = a + n + 1;
			}
			if (id)
				break;
		}
		switch (id) {
		case 0:
			argv[out++] = argv[i];
			break;
		case OPT_PROFILE:
			ctx->profile = val;
			break;
		case OPT_PASSFD:
			if (main_parse_int(val, 0, 1 << 20, &ctx->passphrase_fd) != 0)
				return cli_usage_error(cmd, _("--passphrase-fd: '%s' is not a file descriptor"), val);
			break;
		case OPT_KDFMS:
			if (main_parse_int(val, 1, 60000, &ctx->kdf_ms) != 0)
				return cli_usage_error(cmd, _("--kdf-ms: '%s' is not a number of milliseconds from 1 to 60000"), val);
			break;
		case OPT_ASCII:
			ctx->ascii = 1;
			break;
		case OPT_JSON:
			ctx->json = 1;
			break;
		case OPT_YES:
			ctx->yes = 1;
			break;
		case OPT_CACERT:
			/* Checked once here, for every command that makes HTTPS requests (check, fetch, the
			 * wizard's download and preflight): a typo must not turn into a TLS error later. */
			if (access(val, R_OK) != 0)
				return cli_usage_error(cmd, _("--cacert: cannot read '%s'"), val);
			ctx->cacert = val;
			break;
		}
	}
	*argc = out;
	argv[out] = NULL;
	return EX_OK;
}

int main(int argc, char **argv)
{
	main_harden();

	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	const char *localedir = LOCALEDIR;
#ifdef ENABLE_FAILPOINTS
	/* Test builds only: the German and French tests run the built binary on catalogs compiled from
	 * po/ into a temp dir, before anything is installed. Release builds read LOCALEDIR only. */
	if (getenv("HSM_ONBOARD_LOCALEDIR") && getenv("HSM_ONBOARD_LOCALEDIR")[0] == '/')
		localedir = getenv("HSM_ONBOARD_LOCALEDIR");
#endif
	bindtextdomain(PACKAGE, localedir);
	textdomain(PACKAGE);
#endif
	struct cli_ctx ctx = {.passphrase_fd = -1};
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		ctx.ascii = 1;

	/* Common options may stand before the command: find the command word first. */
	int cmd_index = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			if (cmd_index)
				break;
			main_help();
			return EX_OK;
		}
		if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			main_version();
			return EX_OK;
		}
#ifdef ENABLE_FAILPOINTS
		if (strcmp(a, "--list-failpoints") == 0) {
			for (const char *const *p = failpoint_names(); *p; p++)
				puts(*p);
			return EX_OK;
		}
#endif
		if (a[0] != '-') {
			/* Skip the argument of a common option that takes one. */
			if (i > 1 && (strcmp(argv[i - 1], "--profile") == 0 || strcmp(argv[i - 1], "--passphrase-fd") == 0 ||
			              strcmp(argv[i - 1], "--kdf-ms") == 0 || strcmp(argv[i - 1], "--cacert") == 0))
				continue;
			cmd_index = i;
			break;
		}
	}
	if (!cmd_index)
		return cli_usage_error(NULL, "%s", _("no command given"));

	const struct cli_command *cmd = main_find(argv[cmd_index]);
	if (!cmd)
		return cli_usage_error(NULL, _("unknown command '%s'"), argv[cmd_index]);
	/* doc/DESIGN.md, secret rule 2: the secure heap is up before any command can hold a secret. The
	 * wizard alone starts it itself, right after its first frame and before it reads a key: that frame
	 * needs no secret and no OpenSSL, and must not wait for libcrypto to load. */
	if (cmd->run != cli_wizard) {
		struct diag d;
		diag_clear(&d);
		enum secmem_init_result sec = secmem_init(&d);
		if (sec == SECMEM_NO_LIBRARY)
			return cli_report(&d);
		if (secmem_warning(sec))
			cli_warning("%s", secmem_warning(sec));
	}

	/* Build the command's argv: its name, then everything but the command word. */
	char **cargv = calloc((size_t)argc + 1, sizeof *cargv);
	if (!cargv)
		return EX_OSERR;
	int cargc = 0;
	cargv[cargc++] = argv[cmd_index];
	for (int i = 1; i < argc; i++)
		if (i != cmd_index)
			cargv[cargc++] = argv[i];
	int rc = main_extract_common(&cargc, cargv, &ctx, cmd->name);
	if (rc == EX_OK) {
		for (int i = 1; i < cargc; i++) {
			if (strcmp(cargv[i], "--") == 0)
				break;
			if (strcmp(cargv[i], "--help") == 0 || strcmp(cargv[i], "-h") == 0) {
				cli_command_help(stdout, cmd->name);
				free(cargv);
				return EX_OK;
			}
		}
		optind = 0;
		rc = cmd->run(&ctx, cargc, cargv);
	}
	free(cargv);
	return rc;
}
