/* cli_net.c: shared by check, fetch and watch (see cli_net.h). */
#include "config.h"

#include "cli_net.h"
#include "i18n.h"
#include "secmem.h"
#include "vault.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>

#define CLI_NET_PASS_MAX 1024

/* Reads one line from fd into a secmem buffer, byte by byte so nothing past the newline is consumed
 * and no stdio buffer keeps a copy. */
static char *cli_net_read_line(int fd, volatile sig_atomic_t *stop, struct diag *d)
{
	char *buf = secmem_alloc(CLI_NET_PASS_MAX);
	if (!buf) {
		diag_set(d, EX_OSERR, "%s", _("out of memory"));
		return NULL;
	}
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR && !(stop && *stop))
			continue;
		if (r < 0 && errno == EINTR) {
			diag_set(d, EX_TEMPFAIL, "%s", _("interrupted"));
			secmem_free(buf);
			return NULL;
		}
		if (r < 0) {
			diag_set_errno(d, EX_IOERR, "%s", _("cannot read the passphrase"));
			secmem_free(buf);
			return NULL;
		}
		if (r == 0 || c == '\n')
			break;
		if (n >= CLI_NET_PASS_MAX) {
			diag_set(d, EX_USAGE, _("the passphrase is longer than %d bytes"), CLI_NET_PASS_MAX);
			secmem_free(buf);
			return NULL;
		}
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return buf;
}

static char *cli_net_ask_tty(const char *prompt, volatile sig_atomic_t *stop, struct diag *d)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		diag_set(d, EX_USAGE, "%s", _("no terminal to ask the vault passphrase: use --passphrase-fd N"));
		return NULL;
	}
	struct termios old, noecho;
	int restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		noecho.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &noecho);
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* The prompt is a courtesy; reading still works. */
	}
	char *line = cli_net_read_line(fd, stop, d);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* Same as above. */
	}
	close(fd);
	return line;
}

char *cli_net_passphrase(void *pass_ctx, const char *profile, int create, struct diag *d)
{
	struct cli_net_pass *p = pass_ctx;
	if (p->cached)
		return secmem_strdup(p->cached);
	char *pass;
	if (p->ctx->passphrase_fd >= 0) {
		pass = cli_net_read_line(p->ctx->passphrase_fd, p->stop, d);
	} else {
		char prompt[256];
		snprintf(prompt, sizeof prompt,
		         create ? _("New vault passphrase for profile %s: ") : _("Vault passphrase for profile %s: "),
		         profile ? profile : "?");
		pass = cli_net_ask_tty(prompt, p->stop, d);
		if (pass && create) {
			char *again = cli_net_ask_tty(_("Repeat the passphrase: "), p->stop, d);
			if (!again) {
				secmem_free(pass);
				return NULL;
			}
			int same = secmem_equal(pass, again);
			secmem_free(again);
			if (!same) {
				secmem_free(pass);
				diag_set(d, EX_USAGE, "%s", _("the two passphrases differ"));
				return NULL;
			}
		}
	}
	if (!pass)
		return NULL;
	p->cached = secmem_strdup(pass);
	return pass;
}

void cli_net_pass_wipe(struct cli_net_pass *p)
{
	secmem_free(p->cached);
	p->cached = NULL;
}

void cli_net_import_opts(struct cli_ctx *ctx, struct cli_net_pass *pass, int shred, struct import_opts *o)
{
	memset(o, 0, sizeof *o);
	o->profile = ctx->profile;
	o->kdf_ms = ctx->kdf_ms;
	o->shred = shred;
	o->passphrase = cli_net_passphrase;
	o->passphrase_ctx = pass;
}

int cli_net_import(struct cli_ctx *ctx, struct cli_net_pass *pass, const char *const *paths, size_t n,
                   int shred)
{
	struct import_opts o;
	cli_net_import_opts(ctx, pass, shred, &o);
	struct import_result r;
	memset(&r, 0, sizeof r);
	struct diag d;
	diag_clear(&d);
	int rc = import_paths(paths, n, &o, &r, &d);
	cli_report_warnings(&r.warnings);
	if (rc != EX_OK) {
		import_result_free(&r);
		return cli_report(&d);
	}
	/* The same messages as `import`. */
	for (size_t i = 0; i < r.n_profiles; i++) {
		if (r.changed[i])
			printf(_("Profile %s: imported.\n"), r.profiles[i]);
		else
			printf(_("Profile %s: already up to date, nothing changed.\n"), r.profiles[i]);
	}
	fflush(stdout);
	import_result_free(&r);
	return EX_OK;
}
