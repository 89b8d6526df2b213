/* cli_engine.c: shared by connect, verify and config (cli_engine.h). */
#include "config.h"

#include "cli_engine.h"
#include "i18n.h"
#include "secmem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <termios.h>
#include <unistd.h>

const struct option cli_engine_longopts[] = {
	{"engine", required_argument, NULL, CLI_ENGINE_OPT_ENGINE},
	{"module", required_argument, NULL, CLI_ENGINE_OPT_MODULE},
	{"token-label", required_argument, NULL, CLI_ENGINE_OPT_TOKEN},
	{"slot", required_argument, NULL, CLI_ENGINE_OPT_SLOT},
	{"ppin", required_argument, NULL, CLI_ENGINE_OPT_PPIN},
	{"endpoint", required_argument, NULL, CLI_ENGINE_OPT_ENDPOINT},
	{"output", required_argument, NULL, CLI_ENGINE_OPT_OUTPUT},
	{NULL, 0, NULL, 0},
};

void cli_engine_opts_init(struct cli_engine_opts *o)
{
	memset(o, 0, sizeof *o);
	o->slot = -1;
}

int cli_engine_parse(const char *cmd, int argc, char **argv, struct cli_engine_opts *o)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", cli_engine_longopts, NULL)) != -1) {
		char *end;
		switch (c) {
		case CLI_ENGINE_OPT_ENGINE:
			if (!engine_find(optarg))
				return cli_usage_error(cmd, _("--engine: '%s' is not an engine (use pkcs11 or primus)"), optarg);
			o->engine = optarg;
			break;
		case CLI_ENGINE_OPT_MODULE:
			o->module = optarg;
			break;
		case CLI_ENGINE_OPT_TOKEN:
			o->token_label = optarg;
			break;
		case CLI_ENGINE_OPT_SLOT:
			errno = 0;
			o->slot = strtol(optarg, &end, 10);
			if (errno || *optarg == '\0' || *end != '\0' || o->slot < 0)
				return cli_usage_error(cmd, _("--slot: '%s' is not a slot number"), optarg);
			break;
		case CLI_ENGINE_OPT_PPIN:
			o->ppin = optarg;
			break;
		case CLI_ENGINE_OPT_ENDPOINT:
			if (o->n_endpoints >= ENGINE_MAX_HOSTS)
				return cli_usage_error(cmd, _("--endpoint: at most %d hosts"), ENGINE_MAX_HOSTS);
			o->endpoints[o->n_endpoints++] = optarg;
			break;
		case CLI_ENGINE_OPT_OUTPUT:
			o->output = optarg;
			break;
		case ':':
			return cli_usage_error(cmd, _("option '%s' needs a value"), argv[optind - 1]);
		default:
			return cli_usage_error(cmd, _("unknown option '%s'"), argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, _("unexpected argument '%s'"), argv[optind]);
	if (o->token_label && o->slot >= 0)
		return cli_usage_error(cmd, "%s", _("--token-label and --slot exclude each other"));
	return EX_OK;
}

int cli_engine_open_profile(struct cli_ctx *ctx, struct cli_engine *ce, struct diag *d)
{
	memset(ce, 0, sizeof *ce);
	ce->p.lock_fd = -1;
	const char *name = ctx->profile;
	char **names = NULL;
	size_t n = 0;
	if (!name) {
		int rc = profile_list(&names, &n, d);
		if (rc != EX_OK)
			return rc;
		if (n != 1) {
			profile_list_free(names, n);
			return diag_set(d, EX_USAGE, "%s",
			                n == 0 ? _("there is no profile yet: import the credential files first")
			                       : _("there are several profiles: choose one with --profile NAME"));
		}
		name = names[0];
	}
	int rc = profile_open(name, PROFILE_LOCK, &ce->p, d);
	profile_list_free(names, n);
	if (rc != EX_OK)
		return rc;
	if (!ce->p.has_state) {
		profile_close(&ce->p);
		return diag_set(d, EX_NOINPUT, _("profile %s has no state.json: import the credential files again"),
		                name);
	}
	return EX_OK;
}

/* The vault passphrase from --passphrase-fd or the terminal (echo off), into secure memory.
 * TODO(profile helper): switch to the shared cli_passphrase once it is on main. */
static char *cli_engine_passphrase(struct cli_ctx *ctx, const char *profile, struct diag *d)
{
	int fd = ctx->passphrase_fd;
	int tty = -1;
	struct termios old;
	int restore = 0;
	if (fd < 0) {
		tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
		if (tty < 0) {
			diag_set(d, EX_USAGE, "%s",
			         _("no terminal to ask for the vault passphrase: use --passphrase-fd N"));
			return NULL;
		}
		fd = tty;
		char prompt[256];
		int n = snprintf(prompt, sizeof prompt, _("Vault passphrase for profile %s: "), profile);
		if (n > 0 && write(tty, prompt, (size_t)n) < 0) {
			/* the prompt is a courtesy */
		}
		if (tcgetattr(tty, &old) == 0) {
			struct termios t = old;
			t.c_lflag &= ~(tcflag_t)ECHO;
			restore = tcsetattr(tty, TCSAFLUSH, &t) == 0;
		}
	}
	char *buf = secmem_alloc(1024);
	size_t len = 0;
	while (buf && len < 1024) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		buf[len++] = c;
	}
	if (restore) {
		tcsetattr(tty, TCSAFLUSH, &old);
		if (write(tty, "\n", 1) < 0) {
			/* cosmetic */
		}
	}
	if (tty >= 0)
		close(tty);
	if (!buf) {
		diag_set(d, EX_OSERR, "%s", _("out of secure memory"));
		return NULL;
	}
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	if (len == 0) {
		secmem_free(buf);
		diag_set(d, EX_USAGE, "%s", _("no vault passphrase was given"));
		return NULL;
	}
	return buf;
}

static char *cli_engine_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s/%s", dir, name);
	return s;
}

int cli_engine_open_rest(struct cli_ctx *ctx, struct cli_engine *ce, const struct cli_engine_opts *o,
                         struct diag *d)
{
	struct state *st = &ce->p.st;
	const char *name = o->engine ? o->engine : st->engine.engine;
	const struct engine_ops *ops = engine_find(name);
	if (!ops)
		return diag_set(d, EX_USAGE, "%s",
		                _("no engine chosen for this profile: give --engine pkcs11 or --engine primus"));
	char *pass = cli_engine_passphrase(ctx, ce->p.name, d);
	if (!pass)
		return d->code;
	int rc = vault_open(ce->p.vault_path, pass, &ce->v, d);
	secmem_free(pass);
	if (rc != EX_OK)
		return rc;

	struct engine_ctx *e = &ce->e;
	engine_ctx_init(e, ops);
	e->module = o->module ? o->module : st->engine.module;
	if (o->slot >= 0 || o->token_label) {
		e->slot = o->slot;
		e->token_label = o->token_label;
	} else {
		e->slot = st->engine.slot;
		e->token_label = st->engine.token_label;
	}
	e->ppin = o->ppin ? o->ppin : st->engine.ppin;
	e->hsm_user = st->hsm_user;
	e->service_user = st->service_user;
	if (o->n_endpoints) {
		for (size_t i = 0; i < o->n_endpoints; i++)
			e->hosts[i] = o->endpoints[i];
		e->n_hosts = o->n_endpoints;
	} else {
		e->n_hosts = engine_cluster_hosts(st->cluster, e->hosts, ENGINE_MAX_HOSTS);
	}
	e->service_password = vault_get(ce->v, VAULT_SERVICE_PASSWORD);
	e->pkcs11_password = vault_get(ce->v, VAULT_PKCS11_PASSWORD);
	ce->work_dir = cli_engine_join(ce->p.dir, "primus");
	e->work_dir = ce->work_dir;
	if (!ce->work_dir)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	rc = ops->open(e, d);
	if (rc != EX_OK)
		return rc;
	ce->engine_open = 1;
	return EX_OK;
}

void cli_engine_close(struct cli_engine *ce)
{
	if (ce->engine_open)
		ce->e.ops->close(&ce->e);
	ce->engine_open = 0;
	if (ce->v)
		vault_close(ce->v);
	ce->v = NULL;
	free(ce->work_dir);
	ce->work_dir = NULL;
	profile_close(&ce->p);
}
