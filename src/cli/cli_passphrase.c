/* cli_passphrase.c: passphrase entry (fd or terminal without echo), confirmations, profile choice. */
#include "config.h"

#include "cli_passphrase.h"
#include "i18n.h"
#include "secmem.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>

#define CLI_PASSPHRASE_MAX 1024

/* The line read from --passphrase-fd: an fd can be read only once, and one import may open several
 * vaults. Freed (wiped) at exit. */
static char *cli_pass_cached;

static void cli_pass_wipe(void)
{
	secmem_free(cli_pass_cached);
	cli_pass_cached = NULL;
}

int cli_is_terminal(void)
{
	return isatty(STDIN_FILENO);
}

/* Reads one line from fd into secure memory, byte by byte so nothing after the line is consumed. */
static char *cli_read_line(int fd, int *too_long, int *err)
{
	char *buf = secmem_alloc(CLI_PASSPHRASE_MAX);
	*too_long = 0;
	*err = 0;
	if (!buf) {
		*err = ENOMEM;
		return NULL;
	}
	size_t len = 0;
	for (;;) {
		char c;
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = errno;
			secmem_free(buf);
			return NULL;
		}
		if (n == 0 || c == '\n')
			break;
		if (len == CLI_PASSPHRASE_MAX) {
			*too_long = 1;
			continue;
		}
		buf[len++] = c;
	}
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	buf[len] = '\0';
	return buf;
}

/* The terminal's settings while echo is off, so a signal can put them back. */
static struct termios cli_saved_tio;
static int cli_tty_fd = -1;

static void cli_restore_tty(int sig)
{
	if (cli_tty_fd >= 0)
		tcsetattr(cli_tty_fd, TCSAFLUSH, &cli_saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

static char *cli_ask_tty(int fd, const char *prompt, struct diag *d)
{
	if (tcgetattr(fd, &cli_saved_tio) != 0) {
		diag_set_errno(d, EX_IOERR, "%s", _("cannot read the terminal's settings"));
		return NULL;
	}
	struct termios tio = cli_saved_tio;
	tio.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	tio.c_lflag |= ICANON;
	struct sigaction sa = {0}, old_int, old_term, old_quit, old_hup;
	sa.sa_handler = cli_restore_tty;
	sigemptyset(&sa.sa_mask);
	cli_tty_fd = fd;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGQUIT, &sa, &old_quit);
	sigaction(SIGHUP, &sa, &old_hup);
	char *line = NULL;
	if (write(fd, prompt, strlen(prompt)) >= 0 && tcsetattr(fd, TCSAFLUSH, &tio) == 0) {
		int too_long, err;
		line = cli_read_line(fd, &too_long, &err);
		if (line && too_long) {
			secmem_free(line);
			line = NULL;
			diag_set(d, EX_DATAERR, _("the passphrase is longer than %d characters"), CLI_PASSPHRASE_MAX);
		} else if (!line) {
			errno = err;
			diag_set_errno(d, EX_IOERR, "%s", _("cannot read the passphrase from the terminal"));
		}
	} else {
		diag_set_errno(d, EX_IOERR, "%s", _("cannot turn off the terminal's echo"));
	}
	tcsetattr(fd, TCSAFLUSH, &cli_saved_tio);
	if (write(fd, "\n", 1) < 0) {
		/* the newline is cosmetic */
	}
	cli_tty_fd = -1;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return line;
}

char *cli_passphrase_read(const struct cli_ctx *ctx, const char *profile, int create, struct diag *d)
{
	if (ctx->passphrase_fd >= 0) {
		if (!cli_pass_cached) {
			int too_long, err;
			char *line = cli_read_line(ctx->passphrase_fd, &too_long, &err);
			if (!line) {
				errno = err;
				diag_set_errno(d, EX_IOERR, _("--passphrase-fd %d: cannot read"), ctx->passphrase_fd);
				return NULL;
			}
			if (too_long) {
				secmem_free(line);
				diag_set(d, EX_DATAERR, _("--passphrase-fd %d: the passphrase is longer than %d characters"),
				         ctx->passphrase_fd, CLI_PASSPHRASE_MAX);
				return NULL;
			}
			if (!line[0]) {
				secmem_free(line);
				diag_set(d, EX_USAGE, _("--passphrase-fd %d: no passphrase (empty line or end of file)"),
				         ctx->passphrase_fd);
				return NULL;
			}
			cli_pass_cached = line;
			atexit(cli_pass_wipe);
		}
		if (create && vault_passphrase_check_for(cli_pass_cached, profile, d) != EX_OK)
			return NULL;
		char *copy = secmem_strdup(cli_pass_cached);
		if (!copy)
			diag_set(d, EX_OSERR, "%s", _("out of secure memory"));
		return copy;
	}

	if (!cli_is_terminal()) {
		diag_set(d, EX_USAGE, "%s",
		         _("the vault passphrase is needed, but there is no terminal to ask it on: give "
		           "--passphrase-fd N"));
		return NULL;
	}
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		diag_set_errno(d, EX_USAGE, "%s",
		               _("cannot open /dev/tty to ask the vault passphrase; give --passphrase-fd N"));
		return NULL;
	}
	char prompt[256];
	char *pass = NULL;
	for (int attempt = 0; attempt < 3 && !pass; attempt++) {
		if (create)
			snprintf(prompt, sizeof prompt,
			         _("New vault passphrase for profile %s (at least %d characters): "), profile,
			         VAULT_PASSPHRASE_MIN);
		else
			snprintf(prompt, sizeof prompt, _("Vault passphrase for profile %s: "), profile);
		char *a = cli_ask_tty(fd, prompt, d);
		if (!a)
			break;
		if (!create) {
			pass = a;
			break;
		}
		if (vault_passphrase_check_for(a, profile, d) != EX_OK) {
			secmem_free(a);
			fprintf(stderr, "%s\n", d->msg);
			continue;
		}
		snprintf(prompt, sizeof prompt, "%s", _("Repeat the passphrase: "));
		char *b = cli_ask_tty(fd, prompt, d);
		if (!b) {
			secmem_free(a);
			break;
		}
		if (secmem_equal(a, b)) {
			pass = a;
			diag_clear(d);
		} else {
			secmem_free(a);
			diag_set(d, EX_DATAERR, "%s", _("the two passphrases differ"));
			fprintf(stderr, "%s\n", d->msg);
		}
		secmem_free(b);
	}
	close(fd);
	return pass;
}

char *cli_passphrase_cb(void *ctx, const char *profile, int create, struct diag *d)
{
	return cli_passphrase_read(ctx, profile, create, d);
}

int cli_confirm(const char *question)
{
	if (!cli_is_terminal())
		return 0;
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return 0;
	fprintf(tty, "%s %s ", question, _("[y/N]"));
	fflush(tty);
	char line[64];
	int yes = 0;
	if (fgets(line, sizeof line, tty)) {
		line[strcspn(line, "\n")] = '\0';
		yes = rpmatch(line) == 1;
	}
	fclose(tty);
	return yes;
}

int cli_profile_name(const struct cli_ctx *ctx, char **name, struct diag *d)
{
	*name = NULL;
	if (ctx->profile) {
		if (!profile_name_valid(ctx->profile))
			return diag_set(d, EX_USAGE, _("'%s' is not a valid profile name"), ctx->profile);
		*name = strdup(ctx->profile);
		return *name ? EX_OK : diag_set(d, EX_OSERR, "%s", _("out of memory"));
	}
	char **names;
	size_t n;
	int rc = profile_list(&names, &n, d);
	if (rc != EX_OK)
		return rc;
	if (n == 1) {
		*name = names[0];
		names[0] = NULL;
		profile_list_free(names, n);
		return EX_OK;
	}
	if (n == 0) {
		profile_list_free(names, n);
		return diag_set(d, EX_NOINPUT, "%s", _("there is no profile yet: import the credential files first"));
	}
	char list[512] = "";
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", names[i]);
	}
	profile_list_free(names, n);
	return diag_set(d, EX_USAGE, _("there are several profiles (%s): choose one with --profile NAME"), list);
}

int cli_open_profile(const struct cli_ctx *ctx, int flags, struct profile *p, struct diag *d)
{
	char *name;
	int rc = cli_profile_name(ctx, &name, d);
	if (rc != EX_OK) {
		memset(p, 0, sizeof *p);
		p->lock_fd = -1;
		return rc;
	}
	rc = profile_open(name, flags, p, d);
	free(name);
	return rc;
}

int cli_open_vault(const struct cli_ctx *ctx, const struct profile *p, struct vault **v, struct diag *d)
{
	*v = NULL;
	/* Refuse a loose mode before asking anything: the passphrase would be typed in vain. */
	int rc = vault_check_mode(p->vault_path, d);
	if (rc != EX_OK)
		return rc;
	char *pass = cli_passphrase_read(ctx, p->name, 0, d);
	if (!pass)
		return d->code;
	rc = vault_open(p->vault_path, pass, v, d);
	secmem_free(pass);
	return rc;
}
