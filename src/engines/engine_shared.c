/* engine_shared.c: the Primus provider's files in a shared folder (engine_shared.h). */
#include "config.h"

#include "engine_shared.h"

#include "fsutil.h"
#include "i18n.h"
#include "primus_cfg.h"
#include "secmem.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

/* ppin stores a few ciphered secrets per partition; far below this, and within the secure heap. */
#define ES_SECRETS_MAX 16384
#define ES_CFG_MAX (1 << 20)

/* Reads path when it exists: EX_OK with *data NULL when it does not. */
static int es_read(const char *path, size_t max, int flags, char **data, size_t *len, struct diag *d)
{
	struct stat sb;
	*data = NULL;
	*len = 0;
	if (lstat(path, &sb) != 0 && errno == ENOENT)
		return EX_OK;
	return fsutil_read_bounded(path, max, flags | FSUTIL_READ_NOFOLLOW, data, len, d);
}

static int es_same(const char *a, size_t alen, const char *b, size_t blen)
{
	return a && b && alen == blen && memcmp(a, b, alen) == 0;
}

/* The user names other than self a .secrets.cfg lists, in the layout ppin writes (`name = "USER";` in primus.users;
 * doc/securosys-facts.md, section "Several partitions", an assumption), appended to buf. */
static void es_secret_users(const char *text, size_t len, const char *self, char *buf, size_t size)
{
	const char *end = text + len;
	for (const char *line = text; line && line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		const char *p = line;
		while (p < line + n && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(line + n - p) > 8 && strncmp(p, "name", 4) == 0) {
			p += 4;
			while (p < line + n && (*p == ' ' || *p == '\t' || *p == '=' || *p == ':'))
				p++;
			const char *q = p < line + n && *p == '"' ? memchr(p + 1, '"', (size_t)(line + n - p - 1)) : NULL;
			size_t used = strlen(buf);
			size_t w = q ? (size_t)(q - p - 1) : 0;
			if (q && !(strlen(self) == w && strncmp(p + 1, self, w) == 0) && w < 200 && used + w + 4 < size)
				snprintf(buf + used, size - used, "%s%.*s", used ? ", " : "", (int)(q - p - 1), p + 1);
		}
		line = nl ? nl + 1 : NULL;
	}
}

/* A dated copy of path (mode 0600) beside it, named in out. */
static int es_backup(const char *path, const char *data, size_t len, const char *what, struct filelist *out,
                     struct diag *d)
{
	char stamp[32], bak[PATH_MAX + 64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(bak, sizeof bak, "%s.%s.bak", path, stamp);
	int rc = fsutil_write_new(bak, data, len, 0600, 0, "config", d);
	if (rc == EX_OK)
		filelist_add(out, bak, what);
	return rc;
}

/* The pair itself: the secrets first, then primus.cfg (merged when there is one). */
static int es_write(const struct engine_shared_pair *p, const char *sec, const char *cfg, const char *merged,
                    size_t merged_len, int slot_id, const char *others, struct filelist *out, struct diag *d)
{
	if (p->secrets) {
		int rc = engine_write_file(sec, p->secrets, p->secrets_len, p->group, d);
		if (rc != EX_OK)
			return rc;
	}
	filelist_add(out, sec,
	             p->group
	                 ? _("Primus secrets file (mode 0640, shared with the group; SECUROSYS_SECRETS_CONF)")
	                 : _("Primus secrets file (mode 0600; SECUROSYS_SECRETS_CONF)"));
	if (p->hook)
		p->hook();
	int rc = engine_write_file(cfg, merged ? merged : p->cfg, merged ? merged_len : p->cfg_len, p->group, d);
	if (rc != EX_OK)
		return rc;
	if (merged && others[0]) {
		char what[1400];
		snprintf(what, sizeof what,
		         _("Primus configuration (SECUROSYS_PKCS11_CONF; slot id %d, shared with %s)"), slot_id,
		         others);
		filelist_add(out, cfg, what);
	} else {
		filelist_add(out, cfg, _("Primus configuration (SECUROSYS_PKCS11_CONF)"));
	}
	return EX_OK;
}

int engine_shared_write(const struct engine_shared_pair *p, struct filelist *out, struct diag *d)
{
	char sec[PATH_MAX + 16], cfg[PATH_MAX + 16];
	snprintf(sec, sizeof sec, "%s/" ENGINE_PRIMUS_SECRETS_NAME, p->dir);
	snprintf(cfg, sizeof cfg, "%s/primus.cfg", p->dir);
	char *old_sec = NULL, *old_cfg = NULL, *merged = NULL;
	size_t old_sec_len = 0, old_cfg_len = 0, merged_len = 0;
	int rc = es_read(sec, ES_SECRETS_MAX, FSUTIL_READ_SECRET, &old_sec, &old_sec_len, d);
	if (rc == EX_OK)
		rc = es_read(cfg, ES_CFG_MAX, 0, &old_cfg, &old_cfg_len, d);
	if (rc != EX_OK)
		goto done;

	/* .secrets.cfg: none yet, ours already, or the one ppin added this user to. */
	int sec_differs = p->secrets && old_sec && !es_same(old_sec, old_sec_len, p->secrets, p->secrets_len) &&
	                  !es_same(old_sec, old_sec_len, p->seed, p->seed_len);
	char others[1024] = "", users[1024] = "";
	int n_others = 0, cfg_foreign = 0, reformatted = 0, slot_id = -1;
	struct primus_cfg theirs;
	struct diag ignored;
	diag_clear(&ignored);
	if (old_cfg && primus_cfg_parse(old_cfg, cfg, &theirs, &ignored) == EX_OK) {
		/* The other partitions, for the messages (this user's own slots are replaced). */
		for (size_t i = 0; i < theirs.n_hsms; i++)
			for (size_t k = 0; k < theirs.hsms[i].n_slots; k++) {
				struct primus_cfg_slot *sl = &theirs.hsms[i].slots[k];
				char one[320];
				snprintf(one, sizeof one, "%s (slot %d)", sl->user_name, sl->id);
				if (strcmp(sl->user_name, p->user) != 0 && !strstr(others, one) &&
				    strlen(others) + strlen(one) + 3 < sizeof others) {
					snprintf(others + strlen(others), sizeof others - strlen(others), "%s%s",
					         others[0] ? ", " : "", one);
					n_others++;
				}
			}
		primus_cfg_free(&theirs);
	} else if (old_cfg && !es_same(old_cfg, old_cfg_len, p->cfg, p->cfg_len)) {
		cfg_foreign = 1;
		snprintf(others, sizeof others, "%s", _("not in the documented layout"));
	}
	if (old_sec)
		es_secret_users(old_sec, old_sec_len, p->user, users, sizeof users);
	/* A different .secrets.cfg is this profile's own older one only when everything beside it names this
	 * partition alone; without a primus.cfg nobody can tell whose it is. */
	int foreign = cfg_foreign || (sec_differs && (n_others > 0 || !old_cfg || users[0]));
	if (!foreign && old_cfg && !es_same(old_cfg, old_cfg_len, p->cfg, p->cfg_len)) {
		struct primus_cfg mine;
		const char *hosts[PRIMUS_CFG_MAX_HSMS];
		struct primus_cfg_in in;
		rc = primus_cfg_parse(p->cfg, cfg, &mine, d);
		if (rc != EX_OK)
			goto done;
		if (primus_cfg_partition(&mine, p->user, hosts, PRIMUS_CFG_MAX_HSMS, &in) != 0)
			rc = diag_set(d, EX_SOFTWARE, _("%s: this profile's primus.cfg has no slot of %s"), cfg, p->user);
		else
			rc = primus_cfg_merge(old_cfg, cfg, &in, &merged, &merged_len, &slot_id, &reformatted, d);
		primus_cfg_free(&mine);
		if (rc != EX_OK)
			goto done;
	}
	struct filelist baks = {0};
	if (foreign) {
		if (!p->force) {
			rc = diag_set(
			    d, EX_CANTCREAT,
			    _("%s already holds the Primus provider files of other partitions (primus.cfg: %s; "
			      ".secrets.cfg: %s). Writing this profile's files would take their permanent secrets away, "
			      "and a new one needs a paid renewal. Choose another folder, or give --force to replace "
			      "them (a dated copy is kept beside them, mode 0600)"),
			    p->dir, others[0] ? others : _("none"), users[0] ? users : _("users unknown"));
			goto done;
		}
		if (old_sec)
			rc = es_backup(sec, old_sec, old_sec_len, _("Backup of the replaced .secrets.cfg (mode 0600)"),
			               &baks, d);
		if (rc == EX_OK && old_cfg)
			rc = es_backup(cfg, old_cfg, old_cfg_len, _("Backup of the replaced primus.cfg (mode 0600)"),
			               &baks, d);
	} else if (merged && reformatted) {
		/* A hand-edited primus.cfg: its comments and spacing do not survive libconfig. */
		rc = es_backup(cfg, old_cfg, old_cfg_len, _("Backup of the hand-edited primus.cfg (mode 0600)"),
		               &baks, d);
	}
	if (rc == EX_OK)
		rc = es_write(p, sec, cfg, merged, merged_len, slot_id, others, out, d);
	for (size_t i = 0; i < baks.n; i++)
		filelist_add(out, baks.path[i], baks.what[i]);
	filelist_free(&baks);
done:
	secmem_free(old_sec);
	free(old_cfg);
	free(merged);
	return rc;
}

int engine_shared_seed(const char *dir, const char *work_dir, int force, struct diag *d)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16], seed[PATH_MAX + 32];
	snprintf(from, sizeof from, "%s/" ENGINE_PRIMUS_SECRETS_NAME, dir);
	snprintf(to, sizeof to, "%s/" ENGINE_PRIMUS_SECRETS_NAME, work_dir);
	snprintf(seed, sizeof seed, "%s/" ENGINE_SHARED_SEED_NAME, work_dir);
	char *data = NULL, *mine = NULL;
	size_t len = 0, mine_len = 0;
	int rc = es_read(from, ES_SECRETS_MAX, FSUTIL_READ_SECRET, &data, &len, d);
	if (rc != EX_OK || !data)
		return rc;
	struct stat sb;
	if (lstat(to, &sb) == 0) {
		/* An exchange that began without this folder: its copy cannot take the others' secrets any
		 * more, and writing it back would replace them. Said now, before anything is sent. */
		if (lstat(seed, &sb) != 0 && !force &&
		    (rc = es_read(to, ES_SECRETS_MAX, FSUTIL_READ_SECRET, &mine, &mine_len, d)) == EX_OK &&
		    !es_same(data, len, mine, mine_len))
			rc =
			    diag_set(d, EX_CANTCREAT,
			             _("%s already holds a .secrets.cfg, and this profile's connection began without it: "
			               "nothing was sent. Finish the connection without --output and write the files "
			               "into another folder, or give --force to replace that file (a dated copy is kept "
			               "beside it, mode 0600)"),
			             dir);
		secmem_free(mine);
		secmem_free(data);
		return rc;
	}
	/* The seed first: a crash between the two leaves a seed without a copy, which the next run redoes. */
	rc = fsutil_write_atomic(seed, data, len, 0600, "config", d);
	if (rc == EX_OK)
		rc = fsutil_write_atomic(to, data, len, 0600, "config", d);
	secmem_free(data);
	return rc;
}

int engine_shared_check(const char *dir, int force, struct diag *d)
{
	char cfg[PATH_MAX + 16];
	snprintf(cfg, sizeof cfg, "%s/primus.cfg", dir);
	char *text = NULL;
	size_t len = 0;
	int rc = es_read(cfg, ES_CFG_MAX, 0, &text, &len, d);
	if (rc != EX_OK || !text || force) {
		free(text);
		return rc;
	}
	struct primus_cfg c;
	struct diag why;
	diag_clear(&why);
	if (primus_cfg_parse(text, cfg, &c, &why) == EX_OK)
		primus_cfg_free(&c);
	else
		rc = diag_set(
		    d, EX_CANTCREAT,
		    _("%s cannot take this partition's entries (%s); nothing was sent. Choose another folder, or "
		      "give --force to replace it (a dated copy is kept beside it, mode 0600)"),
		    cfg, why.msg);
	free(text);
	return rc;
}
