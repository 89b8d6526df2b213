/* engine_primus.c: the Securosys Primus PKCS#11 provider, driven through its ppin tool (engine.h).
 *
 * The engine for Securosys PKCS#11 customers; CNG is set up on the Windows machine (orders_path_of).
 * doc/securosys-facts.md, sections "Primus provider files", "ppin" and "The PKCS#11 PIN":
 *   - primus.cfg in the documented layout (primus_cfg.h), one hsmN per master and clone host, written
 *     and read back before ppin sees it;
 *   - ppin -c CFG -s SECRETS selects the files; the documented flow is -p -e SERVICE_USER (the proxy
 *     password), -a -e HSM_USER (the setup password, then the PKCS#11 password; ppin keeps the
 *     permanent secret, ciphered, in .secrets.cfg), then -t; -l lists "Configured|MISSING" and drives
 *     the resume; a failed -u deletes the secret, so this engine never calls -u;
 *   - verify logs in as an application does: libprimusP11 through p11-kit, C_Login(CKU_USER) with the
 *     PKCS#11 password; the setup password is never a PIN.
 * Secrets reach ppin only through a pseudo-terminal that is its controlling terminal, stdin and
 * stdout (ptyrun.h), each after its documented prompt and with echo off, never in argv or the
 * environment: ppin prompts without echo, and such a prompt reads /dev/tty, which no pipe reaches.
 *
 * The tests and the demo drive this engine against hsm-onboard-ppin-sim (src/ppin-sim/ppin_sim.c),
 * which implements the documented behaviour over a SoftHSM2 token, not against the vendor binary. */
#include "config.h"

#include "engine.h"

#include "engine_common.h"
#include "engine_shared.h"
#include "doctor.h"
#include "hsmcodes.h"
#include "primus_cfg.h"
#include "ptyrun.h"
#include "quote.h"
#include "fsutil.h"
#include "i18n.h"
#include "secmem.h"
#include "spawn.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#define PP_OUTPUT_MAX 65536
/* The prompts come at once; the answer's check needs the HSM, which the whole-run bound covers. */
#define PP_PROMPT_TIMEOUT_MS 30000
/* An unfinished line that is not the expected prompt, unchanged this long: ppin waits for something. */
#define PP_QUIET_MS 3000

struct pp_priv {
	char ppin[PATH_MAX];
	char cfg[PATH_MAX + 16];
	char secrets[PATH_MAX + 16];
};

/* Every code in ppin's output goes through the one table (hsmcodes.h); the most telling one decides
 * the message and the next step, the others are named too. */
static int pp_codes_fail(struct engine_ctx *e, const unsigned long *codes, size_t n, const char *what,
                         struct diag *d)
{
	const struct hsmcodes_entry *h = hsmcodes_pick(codes, n);
	char code[16], also[96] = "";
	unsigned long main_code = codes[0];
	for (size_t i = 0; i < n; i++)
		if (hsmcodes_lookup(codes[i]) == h && (h->code == 0 || h->code == codes[i])) {
			main_code = codes[i];
			break;
		}
	hsmcodes_format(main_code, code, sizeof code);
	for (size_t i = 0, used = 0; i < n; i++) {
		if (codes[i] == main_code || used >= sizeof also - 12)
			continue;
		char c[16];
		hsmcodes_format(codes[i], c, sizeof c);
		used += (size_t)snprintf(also + used, sizeof also - used, "%s%s", used ? ", " : "", c);
	}
	int rejected = h->cls == HSMCODES_SETUP_REFUSED || h->cls == HSMCODES_SETUP_EXPIRED ||
	               h->cls == HSMCODES_PIN_REFUSED;
	engine_set_code(e, code, rejected, h->cls == HSMCODES_SETUP_EXPIRED);
	if (also[0])
		return diag_set(d, h->exit_code, _("ppin %s: %s (%s; also reported: %s). %s"), what, _(h->what), code,
		                also, _(h->next));
	return diag_set(d, h->exit_code, _("ppin %s: %s (%s). %s"), what, _(h->what), code, _(h->next));
}

/* ppin on a pseudo-terminal (ptyrun.h; doc/DESIGN.md, "Driving ppin"): it prompts without echo and
 * may read /dev/tty, which no pipe reaches. Runs ppin with args (after -c CFG -s SECRETS) and answers
 * the steps' prompts in order; an unexpected prompt or a silence stops it before anything more is
 * sent, and its text is shown quoted. The output lands in *out (malloc'd). EX_OK when it ran to its
 * exit; *status is its exit status. */
static int pp_run(struct engine_ctx *e, const char *const *args, const struct ptyrun_step *steps,
                  size_t n_steps, char **out, int *status, struct diag *d)
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

	struct ptyrun_opts o = {
	    .argv = argv,
	    .steps = steps,
	    .n_steps = n_steps,
	    .output_max = PP_OUTPUT_MAX,
	    .step_timeout_ms = PP_PROMPT_TIMEOUT_MS,
	    .timeout_ms = ENGINE_TOOL_TIMEOUT_MS,
	    .quiet_ms = PP_QUIET_MS,
	};
	struct ptyrun_result r;
	if (ptyrun_run(&o, &r) != 0) {
		int rc;
		switch (r.failed) {
		case PTYRUN_STAGE_PTY:
			rc = diag_set_errno(d, EX_OSERR, "%s", _("cannot open a pseudo-terminal for ppin"));
			break;
		case PTYRUN_STAGE_MEMORY: rc = diag_set(d, EX_OSERR, "%s", _("out of memory")); break;
		default: rc = diag_set_errno(d, EX_OSERR, "%s", _("cannot start ppin")); break;
		}
		ptyrun_result_free(&r);
		return rc;
	}
	if (r.stop != PTYRUN_EXITED) {
		/* The text it stopped at: never a secret (echo was off, and nothing was sent after it). */
		char seen[160];
		snprintf(seen, sizeof seen, "%s", r.unexpected && r.unexpected[0] ? r.unexpected : "");
		size_t k = strlen(seen);
		while (k > 0 && (seen[k - 1] == ' ' || seen[k - 1] == '\n'))
			seen[--k] = '\0';
		const char *expected = r.answered < n_steps ? steps[r.answered].prompt : NULL;
		int timeout = r.stop == PTYRUN_TIMEOUT;
		size_t answered = r.answered;
		ptyrun_result_free(&r);
		engine_set_code(e, timeout ? "PPIN_TIMEOUT" : "PPIN_UNEXPECTED", 0, 0);
		if (timeout && !seen[0] && expected)
			return diag_set(d, EX_UNAVAILABLE,
			                _("ppin %s: no prompt \"%s:\" within %ld s; stopped (%zu of %zu answers sent)"),
			                args[0], expected, (long)(PP_PROMPT_TIMEOUT_MS / 1000), answered, n_steps);
		if (timeout)
			return diag_set(d, EX_UNAVAILABLE, _("ppin %s did not finish within %d s; it last showed \"%s\""),
			                args[0], ENGINE_TOOL_TIMEOUT_MS / 1000, quote_text(seen));
		return diag_set(d, EX_PROTOCOL,
		                _("ppin %s asked \"%s\", which is not in its documented dialogue. Stopped "
		                  "before anything more was sent (%zu of %zu answers sent). Check the ppin "
		                  "version ('hsm-onboard doctor') or run ppin by hand"),
		                args[0], quote_text(seen), answered, n_steps);
	}
	*status = r.status;
	if (r.status == 127 && r.out_len == 0) {
		ptyrun_result_free(&r);
		*out = NULL;
		engine_set_code(e, "PPIN_NOT_FOUND", 0, 0);
		return diag_set(d, EX_UNAVAILABLE, _("%s could not be run"), p->ppin);
	}
	*out = r.out; /* the caller frees it */
	return EX_OK;
}

/* Runs one ppin command that must succeed. On a failure the output's codes are kept in *codes (when
 * not NULL) for a caller that handles one of them itself. */
static int pp_do_codes(struct engine_ctx *e, const char *const *args, const struct ptyrun_step *steps,
                       size_t n_steps, const char *what, char **out, unsigned long *codes, size_t *n_codes,
                       struct diag *d)
{
	char *o = NULL;
	int status = 0;
	int rc = pp_run(e, args, steps, n_steps, &o, &status, d);
	if (rc != EX_OK)
		return rc;
	unsigned long found[8];
	size_t n = hsmcodes_scan(o, found, sizeof found / sizeof found[0]);
	if (status != 0 || n > 0) {
		if (n > 0)
			rc = pp_codes_fail(e, found, n, what, d);
		else {
			engine_set_code(e, "PPIN_FAILED", 0, 0);
			rc = diag_set(d, EX_UNAVAILABLE, _("ppin %s failed with exit status %d"), what, status);
		}
		if (codes && n_codes) {
			memcpy(codes, found, n * sizeof found[0]);
			*n_codes = n;
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

/* A ppin command without secrets: no prompt is expected, so any prompt stops it. */
static int pp_do(struct engine_ctx *e, const char *const *args, const char *what, char **out, struct diag *d)
{
	return pp_do_codes(e, args, NULL, 0, what, out, NULL, NULL, d);
}

static void pp_progress(struct engine_ctx *e, int step, const char *a, const char *b, const char *c)
{
	if (!e->progress)
		return;
	char what[300];
	snprintf(what, sizeof what, "ppin %s%s%s%s%s", a, b ? " " : "", b ? b : "", c ? " " : "", c ? c : "");
	e->progress(e->progress_arg, step, 3, what);
}

int engine_primus_find_ppin(const char *given, char *buf, size_t size, struct diag *d)
{
	if (given && given[0]) {
		if (access(given, X_OK) != 0)
			return diag_set_errno(d, EX_UNAVAILABLE, _("%s: ppin cannot be run; check the --ppin path"),
			                      given);
		if (!realpath(given, buf))
			snprintf(buf, size, "%s", given);
		return EX_OK;
	}
	/* The provider installs it here (doc/securosys-facts.md, section "Primus provider files"). */
	if (access(ENGINE_PRIMUS_PPIN, X_OK) == 0) {
		snprintf(buf, size, "%s", ENGINE_PRIMUS_PPIN);
		return EX_OK;
	}
	/* On PATH only a ppin nobody else could have planted gets the secrets (engine_find_trusted). */
	int rc = engine_find_trusted("ppin", buf, size, d);
	if (rc != EX_UNAVAILABLE)
		return rc;
	return diag_set(
	    d, EX_UNAVAILABLE, "%s",
	    _("ppin was found neither in /usr/local/primus/bin nor in PATH: install the Primus PKCS#11 "
	      "provider or give --ppin PATH"));
}

/* Log fetching needs no secret and no terminal: a plain capture in a new session (so a prompt, which
 * the documented command has none of, reads /dev/null and ends it). */
int engine_primus_fetch_log(const char *ppin, const char *work_dir, const char *hsm_user, time_t since,
                            char **out, struct diag *d)
{
	char prog[PATH_MAX], cfg[PATH_MAX + 16], secrets[PATH_MAX + 16], day[16];
	*out = NULL;
	if (!hsm_user || !hsm_user[0])
		return diag_set(d, EX_DATAERR, "%s", _("the profile names no HSM user"));
	snprintf(cfg, sizeof cfg, "%s/primus.cfg", work_dir);
	snprintf(secrets, sizeof secrets, "%s/.secrets.cfg", work_dir);
	if (access(cfg, R_OK) != 0)
		return diag_set(d, EX_UNAVAILABLE, _("%s is missing: run 'hsm-onboard connect' first"), cfg);
	int rc = engine_primus_find_ppin(ppin, prog, sizeof prog, d);
	if (rc != EX_OK)
		return rc;
	struct tm tm;
	if (!gmtime_r(&since, &tm) || strftime(day, sizeof day, "%Y-%m-%d", &tm) == 0)
		return diag_set(d, EX_SOFTWARE, "%s", _("the log's start date cannot be written"));
	/* hsm0 is the master (doc/securosys-facts.md, section "Primus provider files"). */
	const char *const argv[] = {prog,     "-c",    cfg,    "-s",      secrets, "--fetchlog", "--user",
	                            hsm_user, "--hsm", "hsm0", "--since", day,     NULL};
	struct spawn_opts o = {.argv = argv,
	                       .path = prog,
	                       .flags = SPAWN_CAPTURE | SPAWN_NEW_SESSION,
	                       .output_max = ENGINE_PRIMUS_LOG_MAX,
	                       .timeout_ms = ENGINE_TOOL_TIMEOUT_MS};
	struct spawn_result r;
	if (spawn_run(&o, &r) != 0) {
		int err = r.err;
		spawn_result_free(&r);
		errno = err;
		return diag_set_errno(d, EX_OSERR, "%s", _("cannot start ppin"));
	}
	if (r.timed_out) {
		spawn_result_free(&r);
		return diag_set(d, EX_UNAVAILABLE, _("ppin --fetchlog did not finish within %d s"),
		                ENGINE_TOOL_TIMEOUT_MS / 1000);
	}
	if (r.status != 0) {
		/* A failure's codes go through the one table; the log lines of a success may name codes too,
		 * so only a failure is scanned. */
		unsigned long codes[8];
		size_t n = hsmcodes_scan(r.out ? r.out : "", codes, sizeof codes / sizeof codes[0]);
		const struct hsmcodes_entry *h = n ? hsmcodes_pick(codes, n) : NULL;
		int status = r.status;
		spawn_result_free(&r);
		if (h) {
			char code[16];
			unsigned long main_code = codes[0];
			for (size_t i = 0; i < n; i++)
				if (hsmcodes_lookup(codes[i]) == h) {
					main_code = codes[i];
					break;
				}
			hsmcodes_format(main_code, code, sizeof code);
			/* A refusal by the HSM's configuration is where the setting is named; other codes (the
			 * network, the files) say what they say everywhere else. */
			if (h->cls == HSMCODES_DISABLED)
				return diag_set(d, h->exit_code,
				                _("ppin --fetchlog: %s (%s); the HSM configuration must allow "
				                  "log fetching via the API"),
				                _(h->what), code);
			return diag_set(d, h->exit_code, _("ppin --fetchlog: %s (%s)"), _(h->what), code);
		}
		if (status == 127)
			return diag_set(d, EX_UNAVAILABLE, _("%s could not be run"), prog);
		return diag_set(d, EX_UNAVAILABLE, _("ppin --fetchlog failed with exit status %d"), status);
	}
	if (r.truncated) {
		/* The first 256 KiB are kept: the oldest entries since the date, the newest are cut; the
		 * ticket says so. */
		const char *note = _("[cut: the log exceeds 256 KiB]");
		size_t len = strlen(r.out), nl = strlen(note);
		char *s = realloc(r.out, len + nl + 3);
		if (s) {
			snprintf(s + len, nl + 3, "%s%s\n", len && s[len - 1] != '\n' ? "\n" : "", note);
			r.out = s;
		}
	}
	*out = r.out;
	r.out = NULL;
	spawn_result_free(&r);
	return EX_OK;
}

static int pp_find_ppin(struct engine_ctx *e, char *buf, size_t size, struct diag *d)
{
	int rc = engine_primus_find_ppin(e->ppin, buf, size, d);
	if (rc != EX_OK)
		engine_set_code(e, rc == EX_NOPERM ? "PPIN_UNTRUSTED" : "PPIN_NOT_FOUND", 0, 0);
	return rc;
}

/* primus.cfg as documented, written, then read back the way the provider reads it. */
static int pp_write_cfg(struct engine_ctx *e, const char *path, struct diag *d)
{
	/* The docs: client_id "can be freely chosen", typically the HSM user name and/or an application ID;
	 * it is what the HSM log shows. HSMUSER@hostname tells the partitions and machines apart there. */
	char client_id[320], host[256] = "";
	if (gethostname(host, sizeof host - 1) != 0 || !host[0])
		snprintf(host, sizeof host, "localhost");
	snprintf(client_id, sizeof client_id, "%s@%s", e->hsm_user, host);
	struct primus_cfg_in in = {
	    .hosts = e->hosts,
	    .n_hosts = e->n_hosts,
	    .port = e->port,
	    .client_id = e->client_id && e->client_id[0] ? e->client_id : client_id,
	    .user_name = e->hsm_user,
	    .proxy_user = e->service_user,
	};
	char *text = NULL;
	size_t len = 0;
	int rc = primus_cfg_render(&in, &text, &len, d);
	if (rc == EX_OK)
		rc = fsutil_write_atomic(path, text, len, 0600, "config", d);
	free(text);
	if (rc != EX_OK)
		return rc;
	struct primus_cfg back;
	rc = primus_cfg_load(path, &back, d);
	if (rc == EX_OK && (back.n_hsms != e->n_hosts || !primus_cfg_has_user(&back, e->hsm_user)))
		rc = diag_set(d, EX_SOFTWARE, _("%s: the file read back differs from what was written"), path);
	primus_cfg_free(&back);
	return rc;
}

/* A shared --output folder: ppin starts from its .secrets.cfg (engine_shared_seed). */
static int pp_seed_shared(struct engine_ctx *e, struct diag *d)
{
	char dir[PATH_MAX], work[PATH_MAX];
	if (!realpath(e->shared_dir, dir))
		return EX_OK; /* not there yet: nothing to share */
	if (realpath(e->work_dir, work) && strcmp(dir, work) == 0)
		return EX_OK;
	return engine_shared_seed(dir, e->work_dir, e->force, d);
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
	/* connect --output into a folder that already serves other partitions: ppin adds this user to a
	 * copy of their .secrets.cfg, so that one file serves them all (engine_shared.h). */
	if (e->shared_dir && (rc = pp_seed_shared(e, d)) != EX_OK) {
		free(p);
		e->priv = NULL;
		return rc;
	}
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

/* The readiness checks (doctor.h; doc/DESIGN.md, "Readiness"), before anything is recorded or sent:
 * the first failure refuses, the warnings go to e->warnings. */
static int pp_preflight(struct engine_ctx *e, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	struct pp_priv *p = e->priv;
	struct doctor_opts o = {
	    .ppin = p->ppin,
	    .module = e->module && e->module[0] ? e->module : NULL,
	    .primus_home = e->primus_home,
	    .group = e->group,
	};
	struct doctor_report r;
	doctor_run(&o, &r);
	for (size_t i = 0; i < r.n; i++) {
		if (r.items[i].level == DOCTOR_FAIL) {
			engine_set_code(e, strcmp(r.items[i].id, "version") == 0 ? "PPIN_VERSION" : "NOT_READY", 0, 0);
			return diag_set(d, EX_UNAVAILABLE, _("not ready for the exchange, nothing was sent: %s"),
			                r.items[i].msg);
		}
		if (r.items[i].level == DOCTOR_WARN && e->warnings)
			diag_warn(e->warnings, "%s", r.items[i].msg);
	}
	return EX_OK;
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

/* ppin needs the secrets file to exist (0x80005004); the docs copy it from the installer's template
 * (pkcs11_provider_configuration), and so does this, right before the first ppin command that uses
 * it, after the readiness checks passed. */
static int pp_seed(struct engine_ctx *e, struct diag *d)
{
	struct pp_priv *p = e->priv;
	char home[PATH_MAX];
	if (e->primus_home && e->primus_home[0])
		snprintf(home, sizeof home, "%s", e->primus_home);
	else
		doctor_primus_home(p->ppin, home, sizeof home);
	if (doctor_seed_secrets(home, p->secrets) != 0)
		return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot create the secrets file"), p->secrets);
	return EX_OK;
}

/* ppin -l: is the permanent secret of the HSM user configured? It uses no secret, so it costs no
 * login attempt. */
static int pp_listed(struct engine_ctx *e, int *configured, struct diag *d)
{
	static const char *const args[] = {"-l", NULL};
	char *o = NULL;
	*configured = 0;
	int rc = pp_seed(e, d);
	if (rc == EX_OK)
		rc = pp_do(e, args, "-l", &o, d);
	if (rc != EX_OK)
		return rc;
	char want[300];
	snprintf(want, sizeof want, "user '%s'", e->hsm_user);
	for (char *line = strtok(o, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, "slot-id") && strstr(line, want) && strstr(line, "Configured"))
			*configured = 1;
	free(o);
	return EX_OK;
}

/* During a renewal: .secrets.cfg still as it was right before ppin -u (or no copy was taken yet, so
 * ppin -u never ran), so the update has not happened. */
static int pp_unchanged_since_renewal(struct engine_ctx *e)
{
	struct pp_priv *p = e->priv;
	if (!e->renewal)
		return 0;
	if (!e->secrets_before)
		return 1;
	char *now = NULL;
	size_t len = 0;
	struct diag d2;
	diag_clear(&d2);
	if (fsutil_read_bounded(p->secrets, 16384, FSUTIL_READ_SECRET, &now, &len, &d2) != EX_OK)
		return 0;
	int same = len == e->secrets_before_len && memcmp(now, e->secrets_before, len) == 0;
	secmem_free(now);
	return same;
}

static int pp_login_probe(struct engine_ctx *e, const char *secret, struct diag *d)
{
	(void)secret;
	engine_set_code(e, "", 0, 0);
	int configured = 0;
	int rc = pp_listed(e, &configured, d);
	if (rc != EX_OK)
		return rc;
	/* After a renewal, "Configured" may be the stale entry that ppin -u is to replace. */
	if (configured && pp_unchanged_since_renewal(e)) {
		engine_set_code(e, "PPIN_SECRET_STALE", 1, 0);
		return diag_set(d, EX_NOPERM, _("ppin -l: the entry of %s predates the renewal"), e->hsm_user);
	}
	if (configured)
		return EX_OK;
	engine_set_code(e, "PPIN_SECRET_MISSING", 1, 0);
	return diag_set(d, EX_NOPERM, _("ppin -l: no permanent secret is configured for %s"), e->hsm_user);
}

static int pp_first_connect(struct engine_ctx *e, const char *setup, const char *pending, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	int rc = pp_seed(e, d);
	if (rc != EX_OK)
		return rc;
	/* 1. ppin -p -e SERVICE_USER: the proxy password, before the permanent secret (CloudHSM). */
	if (e->service_user) {
		if (!e->service_password) {
			engine_set_code(e, "PROXY_PASSWORD_MISSING", 0, 0);
			return diag_set(d, EX_DATAERR, "%s",
			                _("the profile holds no Service User Password: import the service credential "
			                  "file first"));
		}
		pp_progress(e, 1, "-p -e", e->service_user, NULL);
		const char *args[] = {"-p", "-e", e->service_user, NULL};
		char prompt[300];
		snprintf(prompt, sizeof prompt, "Provide proxy password for '%s'", e->service_user);
		const struct ptyrun_step steps[] = {{prompt, e->service_password}};
		rc = pp_do_codes(e, args, steps, 1, "-p", NULL, NULL, NULL, d);
		if (rc != EX_OK)
			return rc;
	}
	/* 2. ppin -a -e HSM_USER: the setup password, then the PKCS#11 password, each after its documented
	 * prompt. After a renewal, an entry of the user that .secrets.cfg still holds is stale: ppin -u
	 * -e HSM_USER replaces it (permanent_secret_management; the rotation kept the file in the vault
	 * before). A failed update removes the entry, so the next try finds none and is -a again; a
	 * refused setup password is never sent again either way (rotation.h). The first use is recorded
	 * right before, as late as it can be: nothing before this line sends the setup password. */
	int update = 0;
	if (e->renewal && (rc = pp_listed(e, &update, d)) != EX_OK)
		return rc;
	if (update && e->before_update && (rc = e->before_update(e->before_setup_arg, d)) != EX_OK)
		return rc;
	if (e->before_setup && (rc = e->before_setup(e->before_setup_arg, d)) != EX_OK)
		return rc;
	pp_progress(e, 2, update ? "-u -e" : "-a -e", e->hsm_user, NULL);
	const char *args[] = {update ? "-u" : "-a", "-e", e->hsm_user, NULL};
	char p_setup[300], p_p11[300];
	snprintf(p_setup, sizeof p_setup, "Provide setup password for '%s'", e->hsm_user);
	snprintf(p_p11, sizeof p_p11, "Provide PKCS11 password for '%s'", e->hsm_user);
	const struct ptyrun_step steps[] = {{p_setup, setup}, {p_p11, pending}};
	unsigned long codes[8];
	size_t n_codes = 0;
	rc = pp_do_codes(e, args, steps, 2, args[0], NULL, codes, &n_codes, d);
	if (rc != EX_OK && n_codes == 1 && codes[0] == 0x80005002UL) {
		/* "HSM/User configuration already exists": the secret of an earlier -a is in .secrets.cfg.
		 * ppin -l (no secret used) says whether it is Configured; then the exchange is done. */
		struct diag d2;
		diag_clear(&d2);
		struct engine_error before = e->err;
		if (e->ops->login_probe(e, NULL, &d2) == EX_OK) {
			diag_clear(d);
			engine_set_code(e, "", 0, 0);
			return EX_OK;
		}
		/* 0x80005002 refuses the addition, not the setup password (doc/securosys-facts.md, section
		 * "Error codes"): the probe's "secret missing" must not be recorded as a refusal
		 * (doc/DESIGN.md, "Refused setup password"). */
		e->err = before;
		rc =
		    diag_set(d, EX_CONFIG,
		             _("ppin -a: the HSM user %s is already configured (0x80005002), but ppin -l lists no "
		               "permanent secret for it. Every file is kept in %s; compare its .secrets.cfg with the "
		               "vault's copy ('hsm-onboard restore --output DIR') before removing anything with "
		               "ppin -r, then run connect again"),
		             e->hsm_user, e->work_dir);
	}
	return rc;
}

/* 3. ppin -t, then a login as an application makes it: the provider's library through p11-kit,
 * C_Login(CKU_USER) with the PKCS#11 password (pkcs/Tutorials/troubleshooting;
 * doc/securosys-facts.md, section "The PKCS#11 PIN"). */
static int pp_verify(struct engine_ctx *e, const char *current, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	struct pp_priv *p = e->priv;
	pp_progress(e, 3, "-t", NULL, NULL);
	const char *args[] = {"-t", "--user", e->hsm_user, NULL};
	char *o = NULL;
	int rc = pp_do(e, args, "-t", &o, d);
	if (rc != EX_OK)
		return rc;
	char want[300];
	snprintf(want, sizeof want, "user=%s: OK", e->hsm_user);
	int ok = strstr(o, want) != NULL;
	free(o);
	if (!ok) {
		engine_set_code(e, "PPIN_TEST_FAILED", 1, 0);
		return diag_set(d, EX_NOPERM, _("ppin -t: the login of %s did not succeed"), e->hsm_user);
	}
	/* The provider finds its files through these (provider 1.8.4+); they are paths, not secrets. */
	if (setenv("SECUROSYS_PKCS11_CONF", p->cfg, 1) != 0 ||
	    setenv("SECUROSYS_SECRETS_CONF", p->secrets, 1) != 0)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	struct engine_ctx pk;
	engine_ctx_init(&pk, &engine_pkcs11_ops);
	pk.module = e->module && e->module[0] ? e->module : ENGINE_PRIMUS_MODULE;
	pk.token_label = e->token_label;
	pk.slot = e->slot;
	pk.hsm_user = e->hsm_user;
	rc = pk.ops->open(&pk, d);
	if (rc == EX_OK) {
		rc = pk.ops->verify(&pk, current, d);
		pk.ops->close(&pk);
	}
	e->err = pk.err;
	memcpy(e->token, pk.token, sizeof e->token);
	return rc;
}

static int pp_write_config(struct engine_ctx *e, const char *dir, const char *current, void (*hook)(void),
                           struct filelist *out, struct diag *d)
{
	(void)current;
	engine_set_code(e, "", 0, 0);
	struct pp_priv *p = e->priv;
	char absdir[PATH_MAX], workabs[PATH_MAX];
	int rc = fsutil_output_dir(dir, absdir, d);
	if (rc != EX_OK)
		return rc;
	if (!realpath(e->work_dir, workabs))
		snprintf(workabs, sizeof workabs, "%s", e->work_dir);
	struct engine_shared_pair pair = {.dir = absdir,
	                                  .user = e->hsm_user,
	                                  .group = e->group,
	                                  .force = e->force,
	                                  .hook = hook};
	char *sec = NULL, *seed = NULL, *text = NULL;
	char seed_path[PATH_MAX + 32];
	snprintf(seed_path, sizeof seed_path, "%s/" ENGINE_SHARED_SEED_NAME, e->work_dir);
	struct stat sb;
	if (strcmp(absdir, workabs) != 0) {
		/* The permanent secret as ppin stored it (ciphered by ppin): copied, never read for meaning. */
		rc = fsutil_read_bounded(p->secrets, 16384, FSUTIL_READ_SECRET, &sec, &pair.secrets_len, d);
		if (rc == EX_OK && lstat(seed_path, &sb) == 0)
			rc = fsutil_read_bounded(seed_path, 16384, FSUTIL_READ_SECRET, &seed, &pair.seed_len, d);
		pair.secrets = sec;
		pair.seed = seed;
	}
	/* The primus.cfg ppin used, so the application sees exactly what was tested (merged into a shared
	 * folder's). */
	if (rc == EX_OK)
		rc = fsutil_read_bounded(p->cfg, 1 << 20, 0, &text, &pair.cfg_len, d);
	pair.cfg = text;
	if (rc == EX_OK)
		rc = engine_shared_write(&pair, out, d);
	/* The seed did its work: the folder now holds what ppin wrote. */
	if (rc == EX_OK && seed) {
		struct diag ignored;
		diag_clear(&ignored);
		fsutil_shred(seed_path, &ignored);
	}
	secmem_free(sec);
	secmem_free(seed);
	free(text);
	return rc;
}

static int pp_keep_files(struct engine_ctx *e, struct engine_kept *out, struct diag *d)
{
	struct pp_priv *p = e->priv;
	memset(out, 0, sizeof *out);
	/* The secrets file holds a few ciphered secrets; 16 KiB is far above what ppin writes and within
	 * the secure heap. */
	int rc = fsutil_read_bounded(p->secrets, 16384, FSUTIL_READ_SECRET, &out->secrets, &out->secrets_len, d);
	if (rc == EX_OK)
		rc = fsutil_read_bounded(p->cfg, 1 << 20, 0, &out->cfg, &out->cfg_len, d);
	if (rc != EX_OK)
		engine_kept_free(out);
	return rc;
}

const struct engine_ops engine_primus_ops = {
    .name = "primus",
    .apps_use_pkcs11_password = 1,
    .secret_file = ENGINE_PRIMUS_SECRETS_NAME,
    .steps = engine_primus_steps,
    .text = engine_primus_text,
    .open = pp_open,
    .close = pp_close,
    .preflight = pp_preflight,
    .new_secret = pp_new_secret,
    .login_probe = pp_login_probe,
    .first_connect = pp_first_connect,
    .verify = pp_verify,
    .write_config = pp_write_config,
    .keep_files = pp_keep_files,
};
