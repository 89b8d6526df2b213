/* main.c: process hardening, i18n, common options and command dispatch. */
#include "config.h"

#include "cli.h"
#include "paths.h"
#include "quote.h"
#include "failpoint.h"
#include "i18n.h"
#include "secmem.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

static const char *main_progname = PACKAGE;

/* Every message may carry a file name or a value from outside: it reaches the terminal only through
 * quote_text, so a control character in it is shown escaped, never sent raw (base/quote.h). */
static void main_vmessage(const char *prefix, const char *fmt, va_list ap)
{
	char *msg = NULL;
	fprintf(stderr, "%s: %s", main_progname, prefix);
	if (vasprintf(&msg, fmt, ap) >= 0) {
		fputs(quote_text(msg), stderr);
		free(msg);
	}
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	main_vmessage("", fmt, ap);
	va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	main_vmessage(_("warning: "), fmt, ap);
	va_end(ap);
}

void cli_print_wrapped(FILE *f, const char *text)
{
	/* Columns are counted in bytes: a UTF-8 paragraph folds a little early, never late. */
	enum { WIDTH = 78 };
	size_t col = 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (n == 0)
			break;
		if (col && col + 1 + n > WIDTH) {
			fputc('\n', f);
			col = 0;
		} else if (col) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, n, f);
		col += n;
		p += n;
	}
	fputc('\n', f);
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
	va_start(ap, fmt);
	main_vmessage("", fmt, ap);
	va_end(ap);
	if (command)
		fprintf(stderr, _("Try '%s %s --help' for more information.\n"), main_progname, command);
	else
		fprintf(stderr, _("Try '%s --help' for more information.\n"), main_progname);
	return EX_USAGE;
}

int cli_stdin_once(const char *command, char *const *files, int n)
{
	int seen = 0;
	for (int i = 0; i < n; i++)
		if (strcmp(files[i], "-") == 0 && seen++)
			return cli_usage_error(command, "%s", _("'-' (standard input) can be given only once"));
	return EX_OK;
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
	        "password has expired.\n"),
	      stdout);
	fputs(_("\nCommands:\n"), stdout);
	for (const struct cli_command *c = cli_commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary && c->summary[0] ? _(c->summary) : "");
	fputs(_("\nCommon options, accepted before or after the command:\n"
	        "      --profile NAME       the profile to use (default: the HSM User Name)\n"
	        "      --passphrase-fd N    read the vault passphrase from file descriptor N\n"
	        "      --kdf-ms N           scrypt cost of a new vault, in ms (default 500),\n"
	        "                           never below the floor N=2^15, r=8 (OWASP)\n"
	        "      --accept-setup-format\n"
	        "                           accept a setup password that is not five groups of\n"
	        "                           five letters and digits (if Securosys changes it)\n"
	        "      --cacert FILE        trust this CA certificate for HTTPS\n"
	        "      --ascii              draw with ASCII characters only\n"
	        "      --json               print the result as one JSON document\n"
	        "      --yes                answer yes to confirmations\n"
	        "  -h, --help               display this help and exit\n"
	        "  -V, --version            output version information and exit\n"),
	      stdout);
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
	        "There is NO WARRANTY, to the extent permitted by law.\n"),
	      stdout);
}

/* doc/DESIGN.md, "Secrets", rule 2: no core dump and no ptrace by the same user may see a secret. */
static void main_harden(void)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	struct rlimit rl = {0, 0};
	setrlimit(RLIMIT_CORE, &rl);
}

/* Like OpenSSH's sanitise_stdfd(): a closed stdin, stdout or stderr would be handed to the next
 * file we open (the profile lock, the vault's temp file), and a later read from --passphrase-fd 0 or a
 * printf would then read or write that file. /dev/null goes onto each closed one before anything is
 * opened. Returns the set of descriptors that were closed (bit N for fd N), so that --passphrase-fd
 * naming one of them is still refused. Exits when /dev/null cannot be opened: nothing is safe then. */
static unsigned main_sanitise_stdfd(void)
{
	unsigned closed = 0;
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
			closed |= 1u << fd;
	if (!closed)
		return 0;
	int nullfd = open("/dev/null", O_RDWR);
	if (nullfd < 0)
		_exit(EX_OSERR);
	for (int fd = 0; fd <= 2; fd++)
		if ((closed & (1u << fd)) && fd != nullfd && dup2(nullfd, fd) != fd)
			_exit(EX_OSERR);
	if (nullfd > 2)
		close(nullfd);
	return closed;
}

/* --passphrase-fd N must name a descriptor this process was given, open for reading, and not a
 * directory; checked before any file is opened, so that N cannot be one of our own files (the lock
 * file would otherwise become the passphrase, and seal a new vault with its text). */
static int main_check_passphrase_fd(int fd, unsigned closed_stdfd, const char *cmd)
{
	int fl = -1;
	struct stat sb;
	if ((fd <= 2 && (closed_stdfd & (1u << fd))) || fcntl(fd, F_GETFD) == -1 ||
	    (fl = fcntl(fd, F_GETFL)) == -1)
		return cli_usage_error(cmd, _("--passphrase-fd %d: file descriptor %d is not open"), fd, fd);
	if ((fl & O_ACCMODE) == O_WRONLY
#ifdef O_PATH
	    || (fl & O_PATH)
#endif
	)
		return cli_usage_error(cmd, _("--passphrase-fd %d: file descriptor %d is not open for reading"), fd,
		                       fd);
	if (fstat(fd, &sb) != 0 || S_ISDIR(sb.st_mode))
		return cli_usage_error(
		    cmd, _("--passphrase-fd %d: file descriptor %d is a directory, not a passphrase"), fd, fd);
	/* Our children (ppin) need no passphrase. */
	if (fd > 2)
		fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
	return EX_OK;
}

/* coreutils' close_stdout, run at exit: output that did not reach its file (a full disk, a closed
 * descriptor) is an I/O error (74), never a success with a truncated document. A descriptor closed
 * before anything was written to it is not an error. */
static void main_close_stdout(void)
{
	int pending = __fpending(stdout) != 0;
	int prev_fail = ferror(stdout) != 0;
	errno = 0;
	int close_fail = fclose(stdout) != 0;
	if (prev_fail || (close_fail && (pending || errno != EBADF))) {
		int e = close_fail ? errno : 0;
		if (e)
			cli_error(_("write error: %s"), strerror(e));
		else
			cli_error("%s", _("write error"));
		_exit(EX_IOERR);
	}
	/* stderr is flushed, not closed: the sanitizers report leaks on it after this. */
	if (fflush(stderr) != 0 && errno != EBADF)
		_exit(EX_IOERR);
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

enum {
	OPT_PROFILE = 1000,
	OPT_PASSFD,
	OPT_KDFMS,
	OPT_ASCII,
	OPT_JSON,
	OPT_YES,
	OPT_CACERT,
	OPT_ACCEPT_SETUP
};

static const struct main_common {
	const char *name;
	int id;
	int has_arg;
} main_common[] = {
    {"--profile", OPT_PROFILE, 1}, {"--passphrase-fd", OPT_PASSFD, 1},
    {"--kdf-ms", OPT_KDFMS, 1},    {"--ascii", OPT_ASCII, 0},
    {"--json", OPT_JSON, 0},       {"--yes", OPT_YES, 0},
    {"--cacert", OPT_CACERT, 1},   {"--accept-setup-format", OPT_ACCEPT_SETUP, 0},
};
#define MAIN_N_COMMON (sizeof main_common / sizeof main_common[0])

/* The common option that a ("--name" or "--name=value") names: its index, -1 for none, -2 when an
 * abbreviation fits several. Abbreviations count only when prefix is set: before the command word, where
 * nothing but a common option can stand, as getopt_long takes a command's own options after it. After the
 * command word the common options are spelled out, so that no abbreviation of the command's own options
 * is taken away from it. */
static int main_common_find(const char *a, int prefix)
{
	size_t len = strcspn(a, "=");
	int found = -1;
	for (size_t k = 0; k < MAIN_N_COMMON; k++) {
		size_t n = strlen(main_common[k].name);
		if (len == n && strncmp(a, main_common[k].name, n) == 0)
			return (int)k;
		if (prefix && len > 2 && len < n && strncmp(a, main_common[k].name, len) == 0)
			found = found == -1 ? (int)k : -2;
	}
	return found;
}

/* 1 when a is name or, before the command word, an abbreviation of it ("--vers"): --help, --version
 * and --list-failpoints share no first letter with each other or with a common option. */
static int main_abbrev(const char *a, const char *name)
{
	size_t len = strlen(a);
	return len > 2 && len <= strlen(name) && strncmp(a, name, len) == 0;
}

/* Takes the common options out of argv wherever they stand (before "--"), so that each command's
 * getopt_long only sees its own. The first n_before arguments stood before the command word.
 * Returns EX_OK or EX_USAGE (already reported). */
static int main_extract_common(int *argc, char **argv, struct cli_ctx *ctx, const char *cmd, int n_before)
{
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
		int k = main_common_find(a, i <= n_before);
		if (k == -2)
			return cli_usage_error(cmd, _("option '%s' is ambiguous"), a);
		if (k >= 0) {
			const char *eq = strchr(a, '=');
			id = main_common[k].id;
			if (main_common[k].has_arg && eq) {
				val = eq + 1;
			} else if (main_common[k].has_arg) {
				if (i + 1 >= *argc)
					return cli_usage_error(cmd, _("option '%s' requires an argument"), main_common[k].name);
				val = argv[++i];
			} else if (eq) {
				return cli_usage_error(cmd, _("option '%s' takes no argument"), main_common[k].name);
			}
		}
		switch (id) {
		case 0: argv[out++] = argv[i]; break;
		case OPT_PROFILE: ctx->profile = val; break;
		case OPT_PASSFD:
			if (main_parse_int(val, 0, 1 << 20, &ctx->passphrase_fd) != 0)
				return cli_usage_error(cmd, _("--passphrase-fd: '%s' is not a file descriptor"), val);
			break;
		case OPT_KDFMS:
			if (main_parse_int(val, 1, 60000, &ctx->kdf_ms) != 0)
				return cli_usage_error(
				    cmd, _("--kdf-ms: '%s' is not a number of milliseconds from 1 to 60000"), val);
			break;
		case OPT_ASCII: ctx->ascii = 1; break;
		case OPT_JSON: ctx->json = 1; break;
		case OPT_YES: ctx->yes = 1; break;
		case OPT_ACCEPT_SETUP: ctx->accept_setup_format = 1; break;
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

/* Finds the command word: common options may stand before it, and --help, --version (and, in a
 * failpoints build, --list-failpoints) are answered there. EX_OK with *cmd_index set; EX_OK with
 * *cmd_index 0 when such a question was answered; otherwise a usage error. */
static int main_command_word(int argc, char **argv, int *cmd_index)
{
	*cmd_index = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || main_abbrev(a, "--help")) {
			main_help();
			return EX_OK;
		}
		if (strcmp(a, "-V") == 0 || main_abbrev(a, "--version")) {
			main_version();
			return EX_OK;
		}
#ifdef ENABLE_FAILPOINTS
		if (main_abbrev(a, "--list-failpoints")) {
			for (const char *const *p = failpoint_names(); *p; p++)
				puts(*p);
			return EX_OK;
		}
#endif
		if (a[0] != '-' || a[1] == '\0') {
			*cmd_index = i;
			return EX_OK;
		}
		if (strcmp(a, "--") == 0)
			continue;
		/* Before the command word only common options can stand: anything else is an error here,
		 * not a command word later. */
		int k = main_common_find(a, 1);
		if (k == -2)
			return cli_usage_error(NULL, _("option '%s' is ambiguous"), a);
		if (k == -1)
			return cli_usage_error(NULL, _("unknown option '%s'"), a);
		if (main_common[k].has_arg && !strchr(a, '='))
			i++; /* its value */
	}
	return cli_usage_error(NULL, "%s", _("no command given"));
}

/* doc/DESIGN.md, "Secrets", rule 2: the secure heap is up before any command can hold a secret. The
 * commands marked CLI_SECMEM_OWN (the wizard) start it with their first secret (secmem_alloc starts
 * the heap before the secret exists): their first frame needs no OpenSSL, and must not wait for it.
 * Those marked CLI_SECMEM_NEVER (status) hold none, and over a desk of profiles loading libcrypto
 * would be a good part of their cost. */
static int main_secmem_init(const struct cli_command *cmd)
{
	if (cmd->secmem != CLI_SECMEM_MAIN)
		return EX_OK;
	struct diag d;
	diag_clear(&d);
	enum secmem_init_result sec = secmem_init(&d);
	if (sec == SECMEM_NO_LIBRARY)
		return cli_report(&d);
	if (secmem_warning(sec))
		cli_warning("%s", secmem_warning(sec));
	return EX_OK;
}

/* Runs the command, or prints its help when --help or -h stands before a "--". */
static int main_run(const struct cli_command *cmd, struct cli_ctx *ctx, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_command_help(stdout, cmd->name);
			return EX_OK;
		}
	}
	optind = 0;
	return cmd->run(ctx, argc, argv);
}

int main(int argc, char **argv)
{
	/* First of all: nothing may be opened before fds 0-2 are safe. */
	unsigned closed_stdfd = main_sanitise_stdfd();
	main_harden();
	atexit(main_close_stdout);

	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	/* LOCALEDIR, or the build tree's catalogs for a binary run from it (paths.h). */
	bindtextdomain(PACKAGE, paths_localedir());
	textdomain(PACKAGE);
#endif
	struct cli_ctx ctx = {.passphrase_fd = -1};
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		ctx.ascii = 1;

	int cmd_index;
	int rc = main_command_word(argc, argv, &cmd_index);
	if (rc != EX_OK || !cmd_index)
		return rc;
	const struct cli_command *cmd = main_find(argv[cmd_index]);
	if (!cmd)
		return cli_usage_error(NULL, _("unknown command '%s'"), argv[cmd_index]);
	/* Build the command's argv: its name, then everything but the command word. */
	char **cargv = calloc((size_t)argc + 1, sizeof *cargv);
	if (!cargv)
		return EX_OSERR;
	int cargc = 0;
	cargv[cargc++] = argv[cmd_index];
	for (int i = 1; i < argc; i++)
		if (i != cmd_index)
			cargv[cargc++] = argv[i];
	rc = main_extract_common(&cargc, cargv, &ctx, cmd->name, cmd_index - 1);
	/* Before libcrypto is loaded and before any profile file is opened. */
	if (rc == EX_OK && ctx.passphrase_fd >= 0)
		rc = main_check_passphrase_fd(ctx.passphrase_fd, closed_stdfd, cmd->name);
	if (rc == EX_OK)
		rc = main_secmem_init(cmd);
	if (rc == EX_OK)
		rc = main_run(cmd, &ctx, cargc, cargv);
	free(cargv);
	return rc;
}
