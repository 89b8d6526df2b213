/* engine_primus.c: the Securosys Primus PKCS#11 provider, driven through its ppin tool (engine.h).
 *
 * Facts from docs.securosys.com (pkcs/Installation/pkcs11_provider_configuration, ppin_tool,
 * permanent_secret_management, Tutorials/troubleshooting):
 *   - primus.cfg is libconfig: hsms { hsm0 { host, port = "2310", slots { slot0 { client_id,
 *     user_name, proxy_user, id } } } }, one hsmN per host of the cluster (master first);
 *   - ppin -c CFG -s SECRETS selects the files; -p -e SERVICE_USER asks for the proxy password,
 *     -a -e HSM_USER for the setup password then the PKCS#11 password and stores the permanent secret
 *     in .secrets.cfg; -l lists "permanent secret: Configured|MISSING"; -t [--user U] logs in;
 *   - a failed -u deletes the existing secret, so this engine never calls -u.
 * Secrets reach ppin only on its stdin (a socket, so a child that exits early cannot SIGPIPE us),
 * never in argv or the environment. The child runs in its own session without a controlling
 * terminal, so a getpass-style prompt reads stdin instead of /dev/tty.
 *
 * This engine is verified against the documented behaviour (tests/ppin-standin), not the vendor
 * binary, which is not available to the test suite. */
#include "config.h"

#include "engine.h"

#include "cfglib.h"
#include "fsutil.h"
#include "i18n.h"
#include "secmem.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PP_OUTPUT_MAX 65536
#define PP_TIMEOUT_MS 120000

struct pp_priv {
	char ppin[PATH_MAX];
	char cfg[PATH_MAX + 16];
	char secrets[PATH_MAX + 16];
};

/* The documented error codes, with what to do next. */
static int pp_code_fail(struct engine_ctx *e, const char *code, const char *what, struct diag *d)
{
	struct pp_priv *p = e->priv;
	if (strcmp(code, "0x80005017") == 0) {
		engine_set_code(e, code, 1, 0);
		return diag_set(d, EX_NOPERM,
		                _("ppin %s: the HSM rejected the setup password (%s). It is not retried "
		                  "automatically: too many wrong attempts lock the login for a while. Check that "
		                  "the profile holds the setup password of the latest hsm file; if it is refused "
		                  "again, run 'hsm-onboard ticket'"),
		                what, code);
	}
	if (strcmp(code, "0x80005018") == 0) {
		engine_set_code(e, code, 1, 1);
		return diag_set(d, EX_NOPERM,
		                _("ppin %s: the setup password has expired (%s). A new one costs a support "
		                  "ticket: run 'hsm-onboard ticket' and open it at support.securosys.com"),
		                what, code);
	}
	engine_set_code(e, code, 0, 0);
	if (strcmp(code, "0x80005015") == 0 || strcmp(code, "0x8000003B") == 0)
		return diag_set(d, EX_UNAVAILABLE,
		                strcmp(code, "0x80005015") == 0
		                        ? _("ppin %s: the HSM network is unreachable (%s). Check DNS, the firewall "
		                            "for port 2310 and that your source IP is on the partition's "
		                            "whitelist (see status.cloudshsm.com); then run connect again")
		                        : _("ppin %s: the connection timed out (%s). Check the firewall for port "
		                            "2310 and the source-IP whitelist; then run connect again"),
		                what, code);
	if (strcmp(code, "0x80005007") == 0)
		return diag_set(d, EX_CANTCREAT,
		                _("ppin %s: no write access to the secrets file %s (%s). Fix its permissions "
		                  "and run connect again"),
		                what, p->secrets, code);
	if (strcmp(code, "0x80005003") == 0 || strcmp(code, "0x80005004") == 0)
		return diag_set(d, EX_CONFIG,
		                _("ppin %s: the %s file was not found (%s): %s"), what,
		                strcmp(code, "0x80005003") == 0 ? "primus.cfg" : ".secrets.cfg", code,
		                strcmp(code, "0x80005003") == 0 ? p->cfg : p->secrets);
	return diag_set(d, EX_UNAVAILABLE, _("ppin %s failed with error %s; see the Primus troubleshooting page"),
	                what, code);
}

/* The first "0x8000XXXX" in the output, if any. */
static int pp_find_code(const char *out, char *code, size_t size)
{
	for (const char *s = strstr(out, "0x8000"); s; s = strstr(s + 1, "0x8000")) {
		size_t n = 2;
		while (n < 10 && ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'A' && s[n] <= 'F') ||
		                  (s[n] >= 'a' && s[n] <= 'f')))
			n++;
		if (n == 10) {
			snprintf(code, size, "0x%.8s", s + 2);
			for (char *c = code + 2; *c; c++)
				if (*c >= 'a' && *c <= 'f')
					*c = (char)(*c - 'a' + 'A');
			return 1;
		}
	}
	return 0;
}

static long pp_ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Runs ppin with args (after -c CFG -s SECRETS), feeding input (may be NULL) on stdin. The output
 * (stdout and stderr) lands in *out (malloc'd). Returns EX_OK when it ran; *status is its exit. */
static int pp_run(struct engine_ctx *e, const char *const *args, const char *input, char **out, int *status,
                  struct diag *d)
{
	struct pp_priv *p = e->priv;
	const char *argv[16];
	size_t n = 0;
	argv[n++] = p->ppin;
	argv[n++] = "-c";
	argv[n++] = p->cfg;
	argv[n++] = "-s";
	argv[n++] = p->secrets;
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;

	int in[2], outp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0)
		return diag_set_errno(d, EX_OSERR, "%s", _("cannot create a socket for ppin"));
	if (pipe2(outp, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		return diag_set_errno(d, EX_OSERR, "%s", _("cannot create a pipe for ppin"));
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		close(outp[0]);
		close(outp[1]);
		return diag_set_errno(d, EX_OSERR, "%s", _("cannot start ppin"));
	}
	if (pid == 0) {
		setsid();
		dup2(in[1], 0);
		dup2(outp[1], 1);
		dup2(outp[1], 2);
		signal(SIGPIPE, SIG_DFL);
		execve(argv[0], (char *const *)(uintptr_t)argv, environ);
		_exit(127);
	}
	close(in[1]);
	close(outp[1]);
	if (input) {
		size_t len = strlen(input), off = 0;
		while (off < len) {
			ssize_t w = send(in[0], input + off, len - off, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;   /* ppin stopped reading; its output says why */
			off += (size_t)w;
		}
	}
	shutdown(in[0], SHUT_WR);

	char *buf = malloc(PP_OUTPUT_MAX + 1);
	size_t used = 0;
	int timed_out = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long left = PP_TIMEOUT_MS - pp_ms_since(&t0);
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		struct pollfd pfd = {outp[0], POLLIN, 0};
		int pr = poll(&pfd, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0) {
			timed_out = pr == 0;
			break;
		}
		char tmp[4096];
		ssize_t r = read(outp[0], tmp, sizeof tmp);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		size_t take = (size_t)r;
		if (buf && used + take > PP_OUTPUT_MAX)
			take = PP_OUTPUT_MAX - used;
		if (buf)
			memcpy(buf + used, tmp, take);
		used += take;
	}
	close(outp[0]);
	close(in[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (!buf)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	buf[used] = '\0';
	if (timed_out) {
		free(buf);
		engine_set_code(e, "PPIN_TIMEOUT", 0, 0);
		return diag_set(d, EX_UNAVAILABLE, _("ppin %s did not finish within %d s"), args[0], PP_TIMEOUT_MS / 1000);
	}
	*out = buf;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + (WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
	if (*status == 127 && used == 0) {
		free(buf);
		*out = NULL;
		engine_set_code(e, "PPIN_NOT_FOUND", 0, 0);
		return diag_set(d, EX_UNAVAILABLE, _("%s could not be run"), p->ppin);
	}
	return EX_OK;
}

/* Runs one ppin command that must succeed. */
static int pp_do(struct engine_ctx *e, const char *const *args, const char *input, const char *what, char **out,
                 struct diag *d)
{
	char *o = NULL;
	int status = 0;
	int rc = pp_run(e, args, input, &o, &status, d);
	if (rc != EX_OK)
		return rc;
	char code[16];
	if (status != 0 || pp_find_code(o, code, sizeof code)) {
		if (pp_find_code(o, code, sizeof code))
			rc = pp_code_fail(e, code, what, d);
		else {
			engine_set_code(e, "PPIN_FAILED", 0, 0);
			rc = diag_set(d, EX_UNAVAILABLE, _("ppin %s failed with exit status %d"), what, status);
		}
		free(o);
		return rc;
	}
	if (out)
		*out = o;
	else
		free(o);
	return EX_OK;
}

static int pp_find_ppin(struct engine_ctx *e, char *buf, size_t size, struct diag *d)
{
	if (e->ppin && e->ppin[0]) {
		if (access(e->ppin, X_OK) != 0) {
			engine_set_code(e, "PPIN_NOT_FOUND", 0, 0);
			return diag_set_errno(d, EX_UNAVAILABLE, _("%s: ppin cannot be run; check the --ppin path"),
			                      e->ppin);
		}
		if (!realpath(e->ppin, buf))
			snprintf(buf, size, "%s", e->ppin);
		return EX_OK;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t w = strcspn(path, ":");
		if (w > 0 && w < size - 6) {
			snprintf(buf, size, "%.*s/ppin", (int)w, path);
			if (access(buf, X_OK) == 0)
				return EX_OK;
		}
		path += w;
		if (*path == ':')
			path++;
	}
	engine_set_code(e, "PPIN_NOT_FOUND", 0, 0);
	return diag_set(d, EX_UNAVAILABLE, "%s",
	                _("ppin was not found in PATH: install the Primus PKCS#11 provider (it ships ppin in "
	                  "/usr/local/primus/bin) or give --ppin PATH"));
}

/* primus.cfg as documented, rendered by libconfig into a malloc'd string. */
static int pp_render_cfg(struct engine_ctx *e, char **text, size_t *len, struct diag *d)
{
	int lrc = cfglib_load(d);
	if (lrc != EX_OK)
		return lrc;
	config_t cfg;
	cfglib_config_init(&cfg);
	config_setting_t *root = config_root_setting(&cfg);
	config_setting_t *hsms = cfglib_config_setting_add(root, "hsms", CONFIG_TYPE_GROUP);
	char port[16];
	snprintf(port, sizeof port, "%d", e->port);
	for (size_t i = 0; hsms && i < e->n_hosts; i++) {
		char name[32];
		snprintf(name, sizeof name, "hsm%zu", i);
		config_setting_t *h = cfglib_config_setting_add(hsms, name, CONFIG_TYPE_GROUP);
		config_setting_t *s;
		if (!h)
			break;
		if ((s = cfglib_config_setting_add(h, "host", CONFIG_TYPE_STRING)))
			cfglib_config_setting_set_string(s, e->hosts[i]);
		if ((s = cfglib_config_setting_add(h, "port", CONFIG_TYPE_STRING)))
			cfglib_config_setting_set_string(s, port);
		if ((s = cfglib_config_setting_add(h, "priority", CONFIG_TYPE_INT)))
			cfglib_config_setting_set_int(s, (int)i);
		config_setting_t *slots = cfglib_config_setting_add(h, "slots", CONFIG_TYPE_GROUP);
		config_setting_t *slot = slots ? cfglib_config_setting_add(slots, "slot0", CONFIG_TYPE_GROUP) : NULL;
		if (!slot)
			break;
		if ((s = cfglib_config_setting_add(slot, "client_id", CONFIG_TYPE_STRING)))
			cfglib_config_setting_set_string(s, PACKAGE);
		if ((s = cfglib_config_setting_add(slot, "user_name", CONFIG_TYPE_STRING)))
			cfglib_config_setting_set_string(s, e->hsm_user);
		if (e->service_user && (s = cfglib_config_setting_add(slot, "proxy_user", CONFIG_TYPE_STRING)))
			cfglib_config_setting_set_string(s, e->service_user);
		if ((s = cfglib_config_setting_add(slot, "id", CONFIG_TYPE_INT)))
			cfglib_config_setting_set_int(s, 0);
	}
	FILE *f = open_memstream(text, len);
	if (!f) {
		cfglib_config_destroy(&cfg);
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	}
	fprintf(f, "// primus.cfg for %s, written by %s; see docs.securosys.com, PKCS#11 provider "
	           "configuration\n", e->hsm_user, PACKAGE_STRING);
	cfglib_config_write(&cfg, f);
	cfglib_config_destroy(&cfg);
	if (fclose(f) != 0)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	return EX_OK;
}

static int pp_write_cfg(struct engine_ctx *e, const char *path, struct diag *d)
{
	char *text = NULL;
	size_t len = 0;
	int rc = pp_render_cfg(e, &text, &len, d);
	if (rc == EX_OK)
		rc = fsutil_write_atomic(path, text, len, 0644, "config", d);
	free(text);
	return rc;
}

static int pp_open(struct engine_ctx *e, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	if (!e->hsm_user)
		return diag_set(d, EX_DATAERR, "%s", _("the profile has no HSM User Name"));
	if (!e->work_dir)
		return diag_set(d, EX_SOFTWARE, "%s", _("no working directory for the Primus configuration"));
	struct pp_priv *p = calloc(1, sizeof *p);
	if (!p)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	e->priv = p;
	int rc = pp_find_ppin(e, p->ppin, sizeof p->ppin, d);
	if (rc == EX_OK)
		rc = fsutil_mkdir_private(e->work_dir, d);
	if (rc != EX_OK) {
		free(p);
		e->priv = NULL;
		return rc;
	}
	snprintf(p->cfg, sizeof p->cfg, "%s/primus.cfg", e->work_dir);
	snprintf(p->secrets, sizeof p->secrets, "%s/.secrets.cfg", e->work_dir);
	/* ppin reads primus.cfg for every command, so it is there before the first one. Without hosts
	 * given, the one written by an earlier connect is used as it is (the hosts live there). */
	struct stat sb;
	if (e->n_hosts == 0 && stat(p->cfg, &sb) == 0)
		return EX_OK;
	if (e->n_hosts == 0) {
		engine_set_code(e, "NO_HOSTS", 0, 0);
		rc = diag_set(d, EX_CONFIG, "%s",
		              _("no HSM host is known for this profile's cluster: give --endpoint HOST (from "
		                "your Welcome ticket)"));
	} else {
		rc = pp_write_cfg(e, p->cfg, d);
	}
	if (rc != EX_OK) {
		free(p);
		e->priv = NULL;
	}
	return rc;
}

static void pp_close(struct engine_ctx *e)
{
	free(e->priv);
	e->priv = NULL;
}

static int pp_preflight(struct engine_ctx *e, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	static const char *const args[] = {"-v", NULL};
	return pp_do(e, args, NULL, "-v", NULL, d);
}

static int pp_new_secret(struct engine_ctx *e, char **out, struct diag *d)
{
	if (!e->pkcs11_password) {
		engine_set_code(e, "PKCS11_PASSWORD_MISSING", 0, 0);
		return diag_set(d, EX_DATAERR, "%s",
		                _("the profile holds no PKCS#11 password: the Primus provider needs the "
		                  "'PKCS#11 password' line of the hsm credential file; import that file first"));
	}
	*out = secmem_strdup(e->pkcs11_password);
	return *out ? EX_OK : diag_set(d, EX_OSERR, "%s", _("out of secure memory"));
}

/* ppin -l: is the permanent secret of the HSM user configured? It uses no secret, so it costs no
 * login attempt. */
static int pp_login_probe(struct engine_ctx *e, const char *secret, struct diag *d)
{
	(void)secret;
	engine_set_code(e, "", 0, 0);
	static const char *const args[] = {"-l", NULL};
	char *o = NULL;
	int rc = pp_do(e, args, NULL, "-l", &o, d);
	if (rc != EX_OK)
		return rc;
	char want[300];
	snprintf(want, sizeof want, "user '%s'", e->hsm_user);
	int configured = 0;
	for (char *line = strtok(o, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, "slot-id") && strstr(line, want) && strstr(line, "Configured"))
			configured = 1;
	free(o);
	if (configured)
		return EX_OK;
	engine_set_code(e, "PPIN_SECRET_MISSING", 1, 0);
	return diag_set(d, EX_NOPERM, _("ppin -l: no permanent secret is configured for %s"), e->hsm_user);
}

static int pp_first_connect(struct engine_ctx *e, const char *setup, const char *pending, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	int rc;
	if (e->service_user) {
		if (!e->service_password) {
			engine_set_code(e, "PROXY_PASSWORD_MISSING", 0, 0);
			return diag_set(d, EX_DATAERR, "%s",
			                _("the profile holds no Service User Password: import the service credential "
			                  "file first"));
		}
		const char *args[] = {"-p", "-e", e->service_user, NULL};
		char *in = secmem_alloc(strlen(e->service_password) + 1);
		if (!in)
			return diag_set(d, EX_OSERR, "%s", _("out of secure memory"));
		snprintf(in, strlen(e->service_password) + 2, "%s\n", e->service_password);
		rc = pp_do(e, args, in, "-p", NULL, d);
		secmem_free(in);
		if (rc != EX_OK)
			return rc;
	}
	const char *args[] = {"-a", "-e", e->hsm_user, NULL};
	size_t n = strlen(setup) + strlen(pending) + 2;
	char *in = secmem_alloc(n);
	if (!in)
		return diag_set(d, EX_OSERR, "%s", _("out of secure memory"));
	snprintf(in, n + 1, "%s\n%s\n", setup, pending);
	rc = pp_do(e, args, in, "-a", NULL, d);
	secmem_free(in);
	return rc;
}

static int pp_verify(struct engine_ctx *e, const char *current, struct diag *d)
{
	(void)current;
	engine_set_code(e, "", 0, 0);
	const char *args[] = {"-t", "--user", e->hsm_user, NULL};
	char *o = NULL;
	int rc = pp_do(e, args, NULL, "-t", &o, d);
	if (rc != EX_OK)
		return rc;
	char want[300];
	snprintf(want, sizeof want, "user=%s: OK", e->hsm_user);
	int ok = strstr(o, want) != NULL;
	free(o);
	if (ok)
		return EX_OK;
	engine_set_code(e, "PPIN_TEST_FAILED", 1, 0);
	return diag_set(d, EX_NOPERM, _("ppin -t: the login of %s did not succeed"), e->hsm_user);
}

static int pp_write_config(struct engine_ctx *e, const char *dir, const char *current, void (*hook)(void),
                           struct engine_files *out, struct diag *d)
{
	(void)current;
	engine_set_code(e, "", 0, 0);
	struct pp_priv *p = e->priv;
	struct stat sb;
	int rc;
	if (stat(dir, &sb) != 0) {
		rc = fsutil_mkdir_private(dir, d);
		if (rc != EX_OK)
			return rc;
	} else if (!S_ISDIR(sb.st_mode)) {
		return diag_set(d, EX_CANTCREAT, _("%s: not a directory"), dir);
	}
	char absdir[PATH_MAX], workabs[PATH_MAX], cfg[PATH_MAX + 16], sec[PATH_MAX + 16];
	if (!realpath(dir, absdir))
		return diag_set_errno(d, EX_CANTCREAT, "%s", dir);
	if (!realpath(e->work_dir, workabs))
		snprintf(workabs, sizeof workabs, "%s", e->work_dir);
	snprintf(cfg, sizeof cfg, "%s/primus.cfg", absdir);
	snprintf(sec, sizeof sec, "%s/.secrets.cfg", absdir);
	if (strcmp(absdir, workabs) != 0) {
		/* The permanent secret as ppin stored it (ciphered by ppin): copied, never read for meaning. */
		char *data = NULL;
		size_t len = 0;
		rc = fsutil_read_bounded(p->secrets, 16384, FSUTIL_READ_SECRET, &data, &len, d);
		if (rc != EX_OK)
			return rc;
		rc = fsutil_write_atomic(sec, data, len, 0600, "config", d);
		secmem_free(data);
		if (rc != EX_OK)
			return rc;
	}
	engine_files_add(out, sec, _("Primus secrets file (mode 0600; SECUROSYS_SECRETS_CONF)"));
	if (hook)
		hook();
	/* The primus.cfg ppin used, so the application sees exactly what was tested. */
	char *text = NULL;
	size_t len = 0;
	rc = fsutil_read_bounded(p->cfg, 1 << 20, 0, &text, &len, d);
	if (rc != EX_OK)
		return rc;
	rc = fsutil_write_atomic(cfg, text, len, 0644, "config", d);
	free(text);
	if (rc != EX_OK)
		return rc;
	engine_files_add(out, cfg, _("Primus configuration (SECUROSYS_PKCS11_CONF)"));
	return EX_OK;
}

const struct engine_ops engine_primus_ops = {
	.name = "primus",
	.open = pp_open,
	.close = pp_close,
	.preflight = pp_preflight,
	.new_secret = pp_new_secret,
	.login_probe = pp_login_probe,
	.first_connect = pp_first_connect,
	.verify = pp_verify,
	.write_config = pp_write_config,
};
