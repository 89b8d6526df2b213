/* engine_jce.c: the JCE exchange through Primus Tools (engine.h; DESIGN.md, "Architecture": jce).
 *
 * JCE, TSB, XKS and BYOK customers exchange the setup password by a JCE login, which returns the
 * permanent user secret. Primus Tools does it (primus-tools/Installation/Provider):
 *   java -jar primus-tools.jar GetUserSecret -host H -port 2300 -user U -password file:SETUP
 *        -primusproxyuser S -primusproxypassword file:PROXY -blinded -outputfile SECRET
 * and `Login ... -password file:SECRET` checks it. GetUserSecret can be run again with the same setup
 * password while it is valid and returns the same secret, so it is the engine's new_secret: the
 * rotation saves the result as PENDING at once, durably, then first_connect logs in with it, and
 * promotion makes it CURRENT (the same crash-safe steps as every engine, rotation.h).
 *
 * Secrets reach the tool only through `file:` arguments: each call makes a private 0700 folder
 * beside the profile, writes the files 0600, and overwrites and removes them afterwards. argv and the
 * environment never hold a secret. The jar is the engine's module (--module); java is found in PATH. */
#include "config.h"

#include "engine.h"
#include "fsutil.h"
#include "i18n.h"
#include "secmem.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#define JCE_PORT 2300
#define JCE_OUT_MAX 4096

struct jce_call {
	char dir[PATH_MAX];
	char setup[PATH_MAX + 16];
	char proxy[PATH_MAX + 16];
	char secret[PATH_MAX + 16];
	char out[JCE_OUT_MAX]; /* what the tool printed (never a secret: the tool gets them in files) */
};

static int jce_open(struct engine_ctx *e, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	if (!e->module || !e->module[0]) {
		engine_set_code(e, "MODULE_MISSING", 0, 0);
		return diag_set(d, EX_USAGE, "%s",
		                _("no Primus Tools jar given: use --module PATH/primus-tools.jar"));
	}
	if (access(e->module, R_OK) != 0) {
		engine_set_code(e, "MODULE_LOAD", 0, 0);
		return diag_set_errno(d, EX_UNAVAILABLE, _("Primus Tools %s cannot be read; check the --module path"),
		                      e->module);
	}
	if (e->port == 2310)
		e->port = JCE_PORT;
	return EX_OK;
}

static void jce_close(struct engine_ctx *e)
{
	(void)e;
}

static int jce_preflight(struct engine_ctx *e, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	if (e->n_hosts == 0 || !e->hsm_user)
		return diag_set(d, EX_USAGE, "%s",
		                _("no HSM host known for the JCE login: give --endpoint HOST or import the cluster"));
	return EX_OK;
}

/* The private folder beside the profile's work directory, mode 0700. */
static int jce_call_begin(struct engine_ctx *e, struct jce_call *c, struct diag *d)
{
	memset(c, 0, sizeof *c);
	const char *base = e->work_dir ? e->work_dir : "/tmp/hsm-onboard";
	snprintf(c->dir, sizeof c->dir, "%s.jce.XXXXXX", base);
	if (!mkdtemp(c->dir))
		return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot make a private folder"), c->dir);
	snprintf(c->setup, sizeof c->setup, "%s/setup", c->dir);
	snprintf(c->proxy, sizeof c->proxy, "%s/proxy", c->dir);
	snprintf(c->secret, sizeof c->secret, "%s/secret", c->dir);
	return EX_OK;
}

/* Every file overwritten and removed, then the folder. */
static void jce_call_end(struct jce_call *c)
{
	struct diag ignored;
	const char *files[] = {c->setup, c->proxy, c->secret};
	for (size_t i = 0; i < 3; i++)
		if (access(files[i], F_OK) == 0)
			fsutil_shred(files[i], &ignored);
	rmdir(c->dir);
}

static int jce_put(const char *path, const char *secret, struct diag *d)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return diag_set_errno(d, EX_CANTCREAT, "%s", path);
	size_t len = strlen(secret), off = 0;
	while (off < len) {
		ssize_t w = write(fd, secret + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return diag_set_errno(d, EX_IOERR, "%s", path);
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0)
		return diag_set_errno(d, EX_IOERR, "%s", path);
	return EX_OK;
}

/* Runs java -jar JAR args..., keeps its output (bounded); returns its exit status, -1 when it could
 * not run. */
static int jce_run(struct engine_ctx *e, struct jce_call *c, const char *const *args, struct diag *d)
{
	const char *argv[40];
	size_t n = 0;
	argv[n++] = "java";
	argv[n++] = "-jar";
	argv[n++] = e->module;
	for (size_t i = 0; args[i] && n < sizeof argv / sizeof argv[0] - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	struct spawn_opts o = {
	    .argv = argv,
	    .flags = SPAWN_PATH | SPAWN_CAPTURE,
	    .output_max = sizeof c->out - 1,
	};
	struct spawn_result r;
	if (spawn_run(&o, &r) != 0) {
		static const char *const step[] = {
		    [SPAWN_STAGE_OUTPUT] = "pipe",
		    [SPAWN_STAGE_MEMORY] = "malloc",
		    [SPAWN_STAGE_FORK] = "fork",
		    [SPAWN_STAGE_WAIT] = "waitpid",
		};
		const char *what =
		    r.failed < sizeof step / sizeof step[0] && step[r.failed] ? step[r.failed] : "fork";
		diag_set_errno(d, EX_OSERR, "%s", what);
		spawn_result_free(&r);
		return -1;
	}
	memcpy(c->out, r.out, r.out_len + 1);
	spawn_result_free(&r);
	if (r.status == 127)
		return diag_set(d, EX_UNAVAILABLE, "%s",
		                _("java was not found: install a Java runtime (Debian: openjdk-17-jre-headless)")),
		       -1;
	return r.status;
}

/* A failed call: the Securosys code in the output decides whether the HSM refused the secret
 * (doc/securosys-facts.md, "PKCS#11 errors"). */
static int jce_fail(struct engine_ctx *e, const struct jce_call *c, int setup, int status, struct diag *d)
{
	static const struct {
		const char *code;
		int rejected, locked;
	} codes[] = {
	    {"0x80005017", 1, 0}, {"0x80005018", 1, 1}, {"0x80000037", 1, 1},
	    {"0x8000000B", 1, 0}, {"0x80005019", 1, 1}, {"0x80000069", 1, 1},
	    {"0x8000000D", 0, 0}, {"0x80005015", 0, 0}, {"0x8000003B", 0, 0},
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (strstr(c->out, codes[i].code)) {
			engine_set_code(e, codes[i].code, codes[i].rejected, codes[i].locked);
			if (codes[i].rejected && setup)
				return diag_set(
				    d, EX_NOPERM,
				    _("the HSM rejected the setup password (%s); it is not retried automatically: "
				      "repeated wrong attempts can lock the account. If it is refused again, run "
				      "'hsm-onboard ticket'"),
				    codes[i].code);
			if (codes[i].rejected)
				return diag_set(d, EX_NOPERM,
				                _("the HSM rejected the stored user secret (%s); it is not retried "
				                  "automatically"),
				                codes[i].code);
			return diag_set(d, EX_UNAVAILABLE,
			                _("Primus Tools could not reach the HSM (%s); check the host, port 2300 and "
			                  "the firewall, then run the command again"),
			                codes[i].code);
		}
	engine_set_code(e, "JCE_TOOL", 0, 0);
	return diag_set(d, EX_UNAVAILABLE, _("Primus Tools failed (exit %d); nothing was stored"), status);
}

static const char *jce_port(const struct engine_ctx *e, char *buf, size_t size)
{
	snprintf(buf, size, "%d", e->port);
	return buf;
}

static int jce_new_secret(struct engine_ctx *e, char **out, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	int rc = jce_preflight(e, d);
	if (rc != EX_OK)
		return rc;
	if (!e->setup_password)
		return diag_set(d, EX_DATAERR, "%s",
		                _("the profile holds no setup password: import the hsm credential file first"));
	struct jce_call c;
	rc = jce_call_begin(e, &c, d);
	if (rc != EX_OK)
		return rc;
	char port[16];
	const char *args[20];
	size_t n = 0;
	char pw[PATH_MAX + 24], proxypw[PATH_MAX + 24];
	snprintf(pw, sizeof pw, "file:%s", c.setup);
	snprintf(proxypw, sizeof proxypw, "file:%s", c.proxy);
	args[n++] = "GetUserSecret";
	args[n++] = "-host";
	args[n++] = e->hosts[0];
	args[n++] = "-port";
	args[n++] = jce_port(e, port, sizeof port);
	args[n++] = "-user";
	args[n++] = e->hsm_user;
	args[n++] = "-password";
	args[n++] = pw;
	rc = jce_put(c.setup, e->setup_password, d);
	if (rc == EX_OK && e->service_user && e->service_password) {
		args[n++] = "-primusproxyuser";
		args[n++] = e->service_user;
		args[n++] = "-primusproxypassword";
		args[n++] = proxypw;
		rc = jce_put(c.proxy, e->service_password, d);
	}
	args[n++] = "-blinded";
	args[n++] = "-outputfile";
	args[n++] = c.secret;
	args[n] = NULL;
	if (rc != EX_OK) {
		jce_call_end(&c);
		return rc;
	}
	/* GetUserSecret sends the setup password: the first use is recorded right before (engine.h). */
	if (e->before_setup && (rc = e->before_setup(e->before_setup_arg, d)) != EX_OK) {
		jce_call_end(&c);
		return rc;
	}
	int status = jce_run(e, &c, args, d);
	if (status != 0) {
		rc = status < 0 ? d->code : jce_fail(e, &c, 1, status, d);
		jce_call_end(&c);
		return rc;
	}
	char *secret = NULL;
	size_t len = 0;
	rc = fsutil_read_bounded(c.secret, 4096, FSUTIL_READ_SECRET, &secret, &len, d);
	jce_call_end(&c);
	if (rc != EX_OK)
		return rc;
	while (len > 0 && (secret[len - 1] == '\n' || secret[len - 1] == '\r' || secret[len - 1] == ' '))
		secret[--len] = '\0';
	if (len == 0) {
		secmem_free(secret);
		engine_set_code(e, "JCE_TOOL", 0, 0);
		return diag_set(d, EX_PROTOCOL, "%s",
		                _("Primus Tools wrote an empty user secret; nothing was stored"));
	}
	*out = secret;
	return EX_OK;
}

/* Login with the (blinded) user secret. */
static int jce_login(struct engine_ctx *e, const char *secret, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	int rc = jce_preflight(e, d);
	if (rc != EX_OK)
		return rc;
	struct jce_call c;
	rc = jce_call_begin(e, &c, d);
	if (rc != EX_OK)
		return rc;
	char port[16], pw[PATH_MAX + 24], proxypw[PATH_MAX + 24];
	snprintf(pw, sizeof pw, "file:%s", c.secret);
	snprintf(proxypw, sizeof proxypw, "file:%s", c.proxy);
	const char *args[16];
	size_t n = 0;
	args[n++] = "Login";
	args[n++] = "-host";
	args[n++] = e->hosts[0];
	args[n++] = "-port";
	args[n++] = jce_port(e, port, sizeof port);
	args[n++] = "-user";
	args[n++] = e->hsm_user;
	args[n++] = "-password";
	args[n++] = pw;
	rc = jce_put(c.secret, secret, d);
	if (rc == EX_OK && e->service_user && e->service_password) {
		args[n++] = "-primusproxyuser";
		args[n++] = e->service_user;
		args[n++] = "-primusproxypassword";
		args[n++] = proxypw;
		rc = jce_put(c.proxy, e->service_password, d);
	}
	args[n] = NULL;
	if (rc == EX_OK) {
		int status = jce_run(e, &c, args, d);
		if (status != 0)
			rc = status < 0 ? d->code : jce_fail(e, &c, 0, status, d);
	}
	jce_call_end(&c);
	return rc;
}

static int jce_first_connect(struct engine_ctx *e, const char *setup, const char *pending, struct diag *d)
{
	(void)setup;
	/* GetUserSecret made the exchange in new_secret; the secret it gave must open the partition. */
	return jce_login(e, pending, d);
}

static int jce_write_config(struct engine_ctx *e, const char *dir, const char *current, void (*hook)(void),
                            struct engine_files *out, struct diag *d)
{
	(void)e;
	(void)hook;
	char absdir[PATH_MAX], path[PATH_MAX + 32];
	int rc = fsutil_output_dir(dir, absdir, d);
	if (rc != EX_OK)
		return rc;
	/* The blinded secret, as `-password file:` and PrimusLogin.login(user, "file:...") read it. */
	snprintf(path, sizeof path, "%s/" ENGINE_JCE_SECRET_NAME, absdir);
	rc = fsutil_write_atomic(path, current, strlen(current), 0600, "config", d);
	if (rc == EX_OK)
		engine_files_add(out, path, _("JCE user secret, blinded (mode 0600; -password file:)"));
	return rc;
}

const struct engine_ops engine_jce_ops = {
    .name = "jce",
    .open = jce_open,
    .close = jce_close,
    .preflight = jce_preflight,
    .new_secret = jce_new_secret,
    .login_probe = jce_login,
    .first_connect = jce_first_connect,
    .verify = jce_login,
    .write_config = jce_write_config,
};
