/* doctor.c: the readiness checks before the Primus exchange (doctor.h). */
#include "config.h"

#include "doctor.h"

#include "diag.h"
#include "fsutil.h"
#include "i18n.h"
#include "ptyrun.h"
#include "secmem.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <unistd.h>

/* The versions the docs name (doc/securosys-facts.md, section "ppin"): ppin -t needs 1.8.1; the
 * environment variables and the fallback location need 1.8.4 (pkcs11_provider_configuration, note 2). */
static const int doctor_min_version[3] = {1, 8, 1};
static const int doctor_env_version[3] = {1, 8, 4};

const char *doctor_level_name(enum doctor_level l)
{
	switch (l) {
	case DOCTOR_OK: return "ok";
	case DOCTOR_NOTE: return "note";
	case DOCTOR_WARN: return "warning";
	default: return "fail";
	}
}

void doctor_add(struct doctor_report *r, const char *id, enum doctor_level level, const char *fmt, ...)
{
	if (r->n >= DOCTOR_MAX_ITEMS)
		return;
	struct doctor_item *it = &r->items[r->n++];
	it->id = id;
	it->level = level;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(it->msg, sizeof it->msg, fmt, ap);
	va_end(ap);
	if (level == DOCTOR_FAIL)
		r->fails++;
	else if (level == DOCTOR_WARN)
		r->warns++;
}

int doctor_parse_version(const char *text, int v[3])
{
	v[0] = v[1] = v[2] = 0;
	for (const char *p = text; p && *p; p++) {
		if (*p < '0' || *p > '9' || (p > text && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == '.')))
			continue;
		char *end;
		long a = strtol(p, &end, 10);
		if (*end != '.' || end[1] < '0' || end[1] > '9')
			continue;
		long b = strtol(end + 1, &end, 10), c = 0;
		if (*end == '.' && end[1] >= '0' && end[1] <= '9')
			c = strtol(end + 1, &end, 10);
		if (a > 999 || b > 999 || c > 9999)
			continue;
		v[0] = (int)a;
		v[1] = (int)b;
		v[2] = (int)c;
		return 0;
	}
	return -1;
}

static int doctor_below(const int v[3], const int min[3])
{
	for (int i = 0; i < 3; i++)
		if (v[i] != min[i])
			return v[i] < min[i];
	return 0;
}

void doctor_primus_home(const char *ppin, char *buf, size_t size)
{
	snprintf(buf, size, "%s", DOCTOR_PRIMUS_HOME);
	if (!ppin)
		return;
	const char *slash = strrchr(ppin, '/');
	if (!slash || slash - ppin < 4 || strncmp(slash - 4, "/bin", 4) != 0)
		return;
	int len = (int)(slash - 4 - ppin);
	if (len > 0)
		snprintf(buf, size, "%.*s", len, ppin);
}

int doctor_seed_secrets(const char *primus_home, const char *secrets_path)
{
	struct stat sb;
	if (lstat(secrets_path, &sb) == 0)
		return 0;
	char tmpl[PATH_MAX + 32];
	snprintf(tmpl, sizeof tmpl, "%s/etc/.secrets.cfg", primus_home);
	struct diag d;
	diag_clear(&d);
	char *data = NULL;
	size_t len = 0;
	if (fsutil_read_bounded(tmpl, 65536, FSUTIL_READ_SECRET, &data, &len, &d) != 0) {
		data = NULL;
		len = 0;
	}
	int rc = fsutil_write_atomic(secrets_path, data ? data : "", len, 0600, "config", &d);
	secmem_free(data);
	if (rc != 0) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* ppin -v on a pty (it may want a terminal even there); its version from the output. */
static void doctor_version(const struct doctor_opts *o, struct doctor_report *r)
{
	const char *const argv[] = {o->ppin, "-v", NULL};
	struct ptyrun_opts po = {
	    .argv = argv,
	    .output_max = 4096,
	    .step_timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 10000,
	    .timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 10000,
	    .quiet_ms = 3000,
	};
	struct ptyrun_result pr;
	if (ptyrun_run(&po, &pr) != 0 || pr.stop != PTYRUN_EXITED || pr.status != 0) {
		doctor_add(r, "version", DOCTOR_FAIL,
		           _("%s -v did not answer (exit %d): the provider cannot be used"), o->ppin,
		           pr.out ? pr.status : -1);
		ptyrun_result_free(&pr);
		return;
	}
	int v[3];
	int known = doctor_parse_version(pr.out, v) == 0;
	ptyrun_result_free(&pr);
	if (!known) {
		doctor_add(r, "version", DOCTOR_WARN, "%s",
		           _("ppin -v names no version: this program follows the provider 1.8.4 and later"));
		return;
	}
	memcpy(r->version, v, sizeof v);
	snprintf(r->version_text, sizeof r->version_text, "%d.%d.%d", v[0], v[1], v[2]);
	if (doctor_below(v, doctor_min_version))
		doctor_add(r, "version", DOCTOR_FAIL,
		           _("the Primus provider is version %s; version 1.8.1 or later is needed (ppin -t, the "
		             "connection test, came with 1.8.1). Install a newer provider from the Securosys "
		             "downloads page"),
		           r->version_text);
	else if (doctor_below(v, doctor_env_version))
		doctor_add(r, "version", DOCTOR_WARN,
		           _("the Primus provider is version %s: before 1.8.4 it reads its files only from "
		             "/etc/primus (SECUROSYS_PKCS11_CONF and SECUROSYS_SECRETS_CONF are ignored). Put the "
		             "files there ('config --output /etc/primus --group primus'), or update the provider"),
		           r->version_text);
	else
		doctor_add(r, "version", DOCTOR_OK, _("Primus provider %s"), r->version_text);
}

/* Group primus: the installer's group that may read the provider's files. */
static void doctor_group(const struct doctor_opts *o, struct doctor_report *r)
{
	const char *want = o->group ? o->group : "primus";
	struct group *g = getgrnam(want);
	struct passwd *pw = getpwuid(getuid());
	const char *user = pw ? pw->pw_name : "USER";
	int shared = o->group != NULL || o->shared_etc;
	if (!g) {
		doctor_add(r, "group", shared ? DOCTOR_WARN : DOCTOR_NOTE,
		           _("there is no group %s on this machine (the provider's installer creates 'primus')"),
		           want);
		return;
	}
	int member = getegid() == g->gr_gid || (pw && pw->pw_gid == g->gr_gid);
	gid_t groups[256];
	int n = getgroups(256, groups);
	for (int i = 0; i < n && !member; i++)
		member = groups[i] == g->gr_gid;
	for (char **m = g->gr_mem; !member && m && *m; m++)
		member = strcmp(*m, user) == 0;
	if (member)
		doctor_add(r, "group", DOCTOR_OK, _("%s is in group %s"), user, want);
	else
		doctor_add(r, "group", shared ? DOCTOR_WARN : DOCTOR_NOTE,
		           _("%s is not in group %s, which may read the provider's files. Run: sudo usermod -a -G %s "
		             "%s (then log in again)"),
		           user, want, want, user);
}

static void doctor_templates(struct doctor_report *r)
{
	char cfg[PATH_MAX + 32], sec[PATH_MAX + 32];
	snprintf(cfg, sizeof cfg, "%s/etc/primus.cfg", r->primus_home);
	snprintf(sec, sizeof sec, "%s/etc/.secrets.cfg", r->primus_home);
	int has_cfg = access(cfg, F_OK) == 0, has_sec = access(sec, F_OK) == 0;
	if (has_cfg && has_sec)
		doctor_add(r, "templates", DOCTOR_OK,
		           _("templates %s and %s found; the work folder is seeded from them"), cfg, sec);
	else
		doctor_add(
		    r, "templates", DOCTOR_WARN,
		    _("the provider's templates are missing (%s%s%s): the work folder gets an empty .secrets.cfg "
		      "instead (ppin needs the file to exist, 0x80005004). Is PRIMUS_HOME %s right? "
		      "(--primus-home)"),
		    has_cfg ? "" : cfg, !has_cfg && !has_sec ? ", " : "", has_sec ? "" : sec, r->primus_home);
}

static void doctor_clock(struct doctor_report *r)
{
	struct timex tx;
	memset(&tx, 0, sizeof tx);
	int state = adjtimex(&tx);
	if (state < 0)
		doctor_add(r, "clock", DOCTOR_WARN, "%s",
		           _("whether the clock is synchronised is unknown: the countdown and TLS rely on it"));
	else if (state == TIME_ERROR || (tx.status & STA_UNSYNC))
		doctor_add(r, "clock", DOCTOR_WARN, "%s",
		           _("the clock is not synchronised (NTP): the countdown and TLS rely on it. Enable time "
		             "synchronisation (timedatectl set-ntp true)"));
	else
		doctor_add(r, "clock", DOCTOR_OK, "%s", _("the clock is synchronised"));
}

size_t doctor_run(const struct doctor_opts *o, struct doctor_report *r)
{
	memset(r, 0, sizeof *r);
	if (o->primus_home && o->primus_home[0])
		snprintf(r->primus_home, sizeof r->primus_home, "%s", o->primus_home);
	else
		doctor_primus_home(o->ppin, r->primus_home, sizeof r->primus_home);
	if (!o->ppin || access(o->ppin, X_OK) != 0) {
		doctor_add(r, "ppin", DOCTOR_FAIL,
		           _("ppin cannot be run (%s): install the Primus PKCS#11 provider or give --ppin PATH"),
		           o->ppin ? o->ppin : "-");
	} else {
		doctor_add(r, "ppin", DOCTOR_OK, "%s", o->ppin);
		doctor_version(o, r);
	}
	char lib[PATH_MAX + 32];
	if (o->module && o->module[0])
		snprintf(lib, sizeof lib, "%s", o->module);
	else
		snprintf(lib, sizeof lib, "%s/lib/libprimusP11.so", r->primus_home);
	if (access(lib, R_OK) != 0)
		doctor_add(
		    r, "library", DOCTOR_FAIL,
		    _("the provider's library %s cannot be read: the login that verifies the exchange needs it "
		      "(--module PATH)"),
		    lib);
	else
		doctor_add(r, "library", DOCTOR_OK, "%s", lib);
	doctor_group(o, r);
	doctor_templates(r);
	doctor_clock(r);
	return r->fails;
}
