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
 * environment never hold a secret. The jar is the engine's module (--module, else ENGINE_PRIMUS_TOOLS_JAR
 * or $HSM_ONBOARD_PRIMUS_TOOLS); java is found in PATH. Both are checked when the engine opens, before
 * the rotation records the first use. */
#include "config.h"

#include "engine.h"
#include "engine_common.h"
#include "clusters.h"
#include "fsutil.h"
#include "hsmcodes.h"
#include "i18n.h"
#include "secmem.h"
#include "spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sysexits.h>
#include <unistd.h>

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
	/* The docs unzip Primus Tools into a work folder of the user's choice
	 * (primus-tools/Installation/primus-tools-installation): without --module, the environment's
	 * path, then our assumed default (doc/securosys-facts.md, "JCE, TSB and XKS"). */
	if (!e->module || !e->module[0]) {
		const char *env = getenv("HSM_ONBOARD_PRIMUS_TOOLS");
		e->module = env && env[0] ? env : ENGINE_PRIMUS_TOOLS_JAR;
	}
	if (access(e->module, R_OK) != 0) {
		engine_set_code(e, "MODULE_LOAD", 0, 0);
		return diag_set_errno(
		    d, EX_UNAVAILABLE,
		    _("Primus Tools (%s) cannot be read: download Primus Tools from the Securosys "
		      "support portal, unzip it and give --module PATH/primus-tools.jar. Nothing was "
		      "sent"),
		    e->module);
	}
	/* java is handed the setup password's file: only one nobody else could have planted
	 * (engine_find_trusted; doc/DESIGN.md, "Secrets"). */
	char java[PATH_MAX];
	int jrc = engine_find_trusted("java", java, sizeof java, d);
	if (jrc == EX_NOPERM) {
		engine_set_code(e, "JAVA_MISSING", 0, 0);
		return jrc;
	}
	if (jrc != EX_OK) {
		engine_set_code(e, "JAVA_MISSING", 0, 0);
		return diag_set(d, EX_UNAVAILABLE, "%s",
		                _("java was not found in PATH: install a Java runtime (Debian: "
		                  "openjdk-17-jre-headless), which Primus Tools needs. Nothing was sent"));
	}
	if (e->port == clusters_api_port(API_PKCS11)) /* engine_ctx_init's default: this engine's own */
		e->port = clusters_api_port(API_JCE);
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

/* The call whose secret files are on disk, for the signal handler; NULL between calls. */
static struct jce_call *volatile jce_active;
static struct sigaction jce_old_int, jce_old_term, jce_old_hup;

/* Overwrites and removes one file with async-signal-safe calls only (the handler's shredder). */
static void jce_shred_raw(const char *path)
{
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			unsigned char buf[512];
			for (off_t left = st.st_size; left > 0; left -= (off_t)sizeof buf) {
				if (getrandom(buf, sizeof buf, GRND_NONBLOCK) < 0)
					memset(buf, 0, sizeof buf);
				if (write(fd, buf, left < (off_t)sizeof buf ? (size_t)left : sizeof buf) < 0)
					break;
			}
			fsync(fd);
		}
		close(fd);
	}
	unlink(path);
}

/* Kills every child of ours, with its process group (spawn gives the tool its own, so the terminal's
 * Ctrl-C never reaches it): async-signal-safe, so /proc is read with raw getdents64. */
static void jce_kill_children(void)
{
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	char buf[4096];
	long n;
	pid_t self = getpid();
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < n;) {
			/* struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name */
			unsigned short reclen;
			memcpy(&reclen, buf + off + 16, sizeof reclen);
			const char *name = buf + off + 19;
			off += reclen;
			pid_t pid = 0;
			const char *c = name;
			for (; *c >= '0' && *c <= '9'; c++)
				pid = pid * 10 + (*c - '0');
			if (*c || pid <= 0)
				continue;
			char stat_path[40], line[512];
			int k = 0;
			memcpy(stat_path, "/proc/", 6);
			k = 6;
			for (const char *q = name; *q && k < 30; q++)
				stat_path[k++] = *q;
			memcpy(stat_path + k, "/stat", 6);
			int fd = open(stat_path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			ssize_t len = read(fd, line, sizeof line - 1);
			close(fd);
			if (len <= 0)
				continue;
			line[len] = '\0';
			/* "PID (COMM) STATE PPID ...": COMM may hold anything, so from the last ')'. */
			char *rp = NULL;
			for (char *q = line; *q; q++)
				if (*q == ')')
					rp = q;
			if (!rp || !rp[1] || !rp[2] || !rp[3])
				continue;
			pid_t ppid = 0;
			for (const char *q = rp + 4; *q >= '0' && *q <= '9'; q++)
				ppid = ppid * 10 + (*q - '0');
			if (ppid == self) {
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
			}
		}
	}
	close(dfd);
}

/* SIGINT, SIGTERM, SIGHUP while a tool runs: its secret files are shredded and it is killed, then the
 * signal does what it would have done (doc/DESIGN.md, "Secrets"). */
static void jce_on_signal(int sig)
{
	struct jce_call *c = jce_active;
	if (c) {
		jce_shred_raw(c->setup);
		jce_shred_raw(c->proxy);
		jce_shred_raw(c->secret);
		rmdir(c->dir);
		jce_kill_children();
	}
	/* What it would have done without us: the caller's handler, or the default. */
	sigaction(sig, sig == SIGINT ? &jce_old_int : sig == SIGTERM ? &jce_old_term : &jce_old_hup, NULL);
	raise(sig);
}

/* Catches sig for the call, unless it is ignored (nohup): an ignored signal stays ignored. */
static void jce_catch(int sig, const struct sigaction *sa, struct sigaction *old)
{
	sigaction(sig, NULL, old);
	if (old->sa_handler != SIG_IGN)
		sigaction(sig, sa, NULL);
}

/* Shreds the folders (PROFILE/primus.jce.*) that a run which was killed (SIGKILL, a power cut) left,
 * with the setup and service passwords in them. The profile lock is held, so none is a live call's. */
static void jce_sweep_stale(const char *base)
{
	char dir[PATH_MAX], prefix[NAME_MAX + 8];
	snprintf(dir, sizeof dir, "%s", base);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	snprintf(prefix, sizeof prefix, "%s.jce.", slash + 1);
	DIR *dh = opendir(dir);
	if (!dh)
		return;
	struct dirent *e;
	while ((e = readdir(dh))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		char sub[PATH_MAX];
		struct stat st;
		if ((size_t)snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= sizeof sub ||
		    lstat(sub, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		DIR *sh = opendir(sub);
		if (!sh)
			continue;
		struct dirent *f;
		while ((f = readdir(sh))) {
			char path[PATH_MAX];
			if (strcmp(f->d_name, ".") == 0 || strcmp(f->d_name, "..") == 0 ||
			    (size_t)snprintf(path, sizeof path, "%s/%s", sub, f->d_name) >= sizeof path)
				continue;
			struct diag ignored;
			if (fsutil_shred(path, &ignored) != EX_OK)
				unlink(path);
		}
		closedir(sh);
		rmdir(sub);
	}
	closedir(dh);
}

/* The private folder beside the profile's work directory, mode 0700; from here until jce_call_end a
 * signal shreds it. */
static int jce_call_begin(struct engine_ctx *e, struct jce_call *c, struct diag *d)
{
	memset(c, 0, sizeof *c);
	/* The setup password goes into a file here: only ever inside the profile (doc/DESIGN.md,
	 * "Secrets", rule 1), never a shared temp folder. engine_setup always sets the folder. */
	if (!e->work_dir)
		return diag_set(d, EX_SOFTWARE, "%s",
		                _("the jce engine has no private folder in the profile for its password files: "
		                  "refused, because they never go to a shared temp folder"));
	jce_sweep_stale(e->work_dir);
	snprintf(c->dir, sizeof c->dir, "%s.jce.XXXXXX", e->work_dir);
	if (!mkdtemp(c->dir))
		return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot make a private folder"), c->dir);
	snprintf(c->setup, sizeof c->setup, "%s/setup", c->dir);
	snprintf(c->proxy, sizeof c->proxy, "%s/proxy", c->dir);
	snprintf(c->secret, sizeof c->secret, "%s/secret", c->dir);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = jce_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	jce_active = c;
	jce_catch(SIGINT, &sa, &jce_old_int);
	jce_catch(SIGTERM, &sa, &jce_old_term);
	jce_catch(SIGHUP, &sa, &jce_old_hup);
	return EX_OK;
}

/* Every file overwritten and removed, then the folder. */
static void jce_call_end(struct jce_call *c)
{
	sigaction(SIGINT, &jce_old_int, NULL);
	sigaction(SIGTERM, &jce_old_term, NULL);
	sigaction(SIGHUP, &jce_old_hup, NULL);
	jce_active = NULL;
	struct diag ignored;
	const char *files[] = {c->setup, c->proxy, c->secret};
	for (size_t i = 0; i < 3; i++)
		if (access(files[i], F_OK) == 0)
			fsutil_shred(files[i], &ignored);
	rmdir(c->dir);
}

/* The tool's time limit; a test build may shorten it (HSM_ONBOARD_TEST_JCE_TIMEOUT_MS). */
static long jce_timeout_ms(void)
{
#ifdef ENABLE_FAILPOINTS
	const char *env = getenv("HSM_ONBOARD_TEST_JCE_TIMEOUT_MS");
	if (env && env[0]) {
		char *end;
		long v = strtol(env, &end, 10);
		if (*end == '\0' && v > 0)
			return v;
	}
#endif
	return ENGINE_TOOL_TIMEOUT_MS;
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
	/* The java that open checked (engine_find_trusted), by its path: execvp would search PATH again. */
	char java[PATH_MAX];
	int jrc = engine_find_trusted("java", java, sizeof java, d);
	if (jrc == EX_UNAVAILABLE)
		diag_set(d, EX_UNAVAILABLE, "%s", _("java was not found in PATH. Nothing was sent"));
	if (jrc != EX_OK)
		return -1;
	const char *argv[40];
	size_t n = 0;
	argv[n++] = java;
	argv[n++] = "-jar";
	argv[n++] = e->module;
	for (size_t i = 0; args[i] && n < sizeof argv / sizeof argv[0] - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	/* With a timeout, spawn gives the tool its own process group and kills all of it when the time
	 * is up (java starts threads, and may start helpers). */
	struct spawn_opts o = {
	    .argv = argv,
	    .flags = SPAWN_CAPTURE,
	    .output_max = sizeof c->out - 1,
	    .timeout_ms = jce_timeout_ms(),
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
	int timed_out = r.timed_out;
	spawn_result_free(&r);
	if (timed_out) {
		engine_set_code(e, "JCE_TIMEOUT", 0, 0);
		return diag_set(d, EX_UNAVAILABLE,
		                _("Primus Tools (java) did not finish within %ld s and was stopped; nothing was "
		                  "stored. Check the host and port 2300, then run the command again"),
		                jce_timeout_ms() / 1000),
		       -1;
	}
	if (r.status == 127)
		return diag_set(d, EX_UNAVAILABLE, "%s",
		                _("java was not found: install a Java runtime (Debian: openjdk-17-jre-headless)")),
		       -1;
	return r.status;
}

/* A failed call: every Securosys code in the output goes through the one table (hsmcodes.h), like
 * ppin's; the most telling decides. Access disabled (0x80005019, 0x80000069) is the partition's
 * Client API Access, changed through the support portal, never a refused secret
 * (doc/securosys-facts.md, "Error codes"). */
static int jce_fail(struct engine_ctx *e, const struct jce_call *c, int setup, int status, struct diag *d)
{
	unsigned long codes[8];
	size_t n = hsmcodes_scan(c->out, codes, sizeof codes / sizeof codes[0]);
	const struct hsmcodes_entry *h = hsmcodes_pick(codes, n);
	if (!h) {
		engine_set_code(e, "JCE_TOOL", 0, 0);
		return diag_set(d, EX_UNAVAILABLE, _("Primus Tools failed (exit %d); nothing was stored"), status);
	}
	unsigned long main_code = codes[0];
	for (size_t i = 0; i < n; i++)
		if (hsmcodes_lookup(codes[i]) == h && (h->code == 0 || h->code == codes[i])) {
			main_code = codes[i];
			break;
		}
	char code[16];
	hsmcodes_format(main_code, code, sizeof code);
	int setup_refusal = h->cls == HSMCODES_SETUP_REFUSED || h->cls == HSMCODES_SETUP_EXPIRED;
	int rejected = setup_refusal || h->cls == HSMCODES_PIN_REFUSED;
	/* Only GetUserSecret sends the setup password: a Login's refusal is one of the user secret. */
	engine_set_code(e, code, rejected, h->cls == HSMCODES_SETUP_EXPIRED);
	if (h->cls == HSMCODES_DISABLED)
		return diag_set(d, h->exit_code,
		                _("Primus Tools: client API access is disabled for this partition (%s): change it "
		                  "through the support portal (support.securosys.com). The setup password was not "
		                  "refused"),
		                code);
	if (rejected && setup)
		return diag_set(d, EX_NOPERM,
		                _("the HSM rejected the setup password (%s); it is not retried automatically: "
		                  "repeated wrong attempts can lock the account. If it is refused again, run "
		                  "'hsm-onboard ticket'"),
		                code);
	if (rejected)
		return diag_set(d, EX_NOPERM,
		                _("the HSM rejected the stored user secret (%s); it is not retried "
		                  "automatically"),
		                code);
	if (h->cls == HSMCODES_NETWORK)
		return diag_set(d, EX_UNAVAILABLE,
		                _("Primus Tools could not reach the HSM (%s); check the host, port 2300 and "
		                  "the firewall, then run the command again"),
		                code);
	return diag_set(d, h->exit_code, _("Primus Tools: %s (%s). %s"), _(h->what), code, _(h->next));
}

/* A Primus Tools command line; the passwords it names are files (jce_put), never argv. */
struct jce_argv {
	const char *v[20];
	size_t n;
	char port[16];
	char pw[PATH_MAX + 24];
	char proxypw[PATH_MAX + 24];
};

/* Starts the command line of tool: the HSM, the user with the password that pwfile receives, and the
 * proxy user when the profile has one. The caller adds the tool's own options. */
static int jce_argv_begin(struct engine_ctx *e, const struct jce_call *c, const char *tool,
                          const char *pwfile, const char *password, struct jce_argv *a, struct diag *d)
{
	snprintf(a->port, sizeof a->port, "%d", e->port);
	snprintf(a->pw, sizeof a->pw, "file:%s", pwfile);
	snprintf(a->proxypw, sizeof a->proxypw, "file:%s", c->proxy);
	a->n = 0;
	a->v[a->n++] = tool;
	a->v[a->n++] = "-host";
	a->v[a->n++] = e->hosts[0];
	a->v[a->n++] = "-port";
	a->v[a->n++] = a->port;
	a->v[a->n++] = "-user";
	a->v[a->n++] = e->hsm_user;
	a->v[a->n++] = "-password";
	a->v[a->n++] = a->pw;
	int rc = jce_put(pwfile, password, d);
	if (rc == EX_OK && e->service_user && e->service_password) {
		a->v[a->n++] = "-primusproxyuser";
		a->v[a->n++] = e->service_user;
		a->v[a->n++] = "-primusproxypassword";
		a->v[a->n++] = a->proxypw;
		rc = jce_put(c->proxy, e->service_password, d);
	}
	a->v[a->n] = NULL;
	return rc;
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
	struct jce_argv a;
	rc = jce_argv_begin(e, &c, "GetUserSecret", c.setup, e->setup_password, &a, d);
	a.v[a.n++] = "-blinded";
	a.v[a.n++] = "-outputfile";
	a.v[a.n++] = c.secret;
	a.v[a.n] = NULL;
	if (rc != EX_OK) {
		jce_call_end(&c);
		return rc;
	}
	/* GetUserSecret sends the setup password: the first use is recorded right before (engine.h). */
	if (e->before_setup && (rc = e->before_setup(e->before_setup_arg, d)) != EX_OK) {
		jce_call_end(&c);
		return rc;
	}
	int status = jce_run(e, &c, a.v, d);
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
	struct jce_argv a;
	rc = jce_argv_begin(e, &c, "Login", c.secret, secret, &a, d);
	if (rc == EX_OK) {
		int status = jce_run(e, &c, a.v, d);
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
                            struct filelist *out, struct diag *d)
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
		filelist_add(out, path, _("JCE user secret, blinded (mode 0600; -password file:)"));
	return rc;
}

const struct engine_ops engine_jce_ops = {
    .name = "jce",
    .secret_file = ENGINE_JCE_SECRET_NAME,
    .text = engine_jce_text,
    .open = jce_open,
    .close = jce_close,
    .preflight = jce_preflight,
    .new_secret = jce_new_secret,
    .login_probe = jce_login,
    .first_connect = jce_first_connect,
    .verify = jce_login,
    .write_config = jce_write_config,
};
