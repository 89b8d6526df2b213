/* import.c: parsed credential files into profiles, all or nothing (see import.h).
 *
 * Three phases, so that a refusal changes nothing:
 *   1. group the files by HSM User Name and check they agree (no file system access);
 *   2. per profile: open and lock it, read its state, open or create its vault, work out in memory
 *      what would change (a different setup password is a renewal and needs a confirmation);
 *   3. only when every profile passed phase 2: write, per profile, the vault first and then
 *      state.json. A crash between the two (failpoint "import.between-vault-and-state") leaves a vault
 *      whose state is re-created by running the same import again: a profile without state.json
 *      always counts as changed.
 * Directories made in phase 2 for new profiles are removed again when a later step refuses.
 *
 * Secrets are only ever compared (constant time) and copied from the credfiles' secure buffers into
 * the vault's; they never reach a message, a warning or state.json. */
#include "config.h"

#include "import.h"
#include "failpoint.h"
#include "fsutil.h"
#include "i18n.h"
#include "profile.h"
#include "rotation.h"
#include "secmem.h"
#include "vault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#define IMPORT_MAX_FILES_PER_GROUP 16

/* A value taken from one file, remembered with the file, so a conflict can name both. */
struct import_field {
	const char *value;
	const char *file;
};

enum import_slot {
	SLOT_SERVICE_PASSWORD, /* = VAULT_SERVICE_PASSWORD ... */
	SLOT_SETUP_PASSWORD,
	SLOT_PKCS11_PASSWORD,
	SLOT_JWT,
	SLOT_SECRETS, /* the slots below are not secrets */
	SLOT_SERVICE_USER = SLOT_SECRETS,
	SLOT_API_ENDPOINT,
	SLOT_COUNT,
};

struct import_group {
	const char *hsm_user;
	const struct credfile *files[IMPORT_MAX_FILES_PER_GROUP];
	size_t n_files;
	struct import_field f[SLOT_COUNT];
	time_t jwt_exp;
	const char *company, *service, *date;
	enum state_tier name_tier;
	const char *name_tier_file;
	int has_jwt;

	struct profile prof;
	int prof_open;
	int created_dir;
	int fresh_profile; /* no vault and no state.json before this import */
	int kept_prev;     /* vault.prev / state.json.prev hold the files before this import */
	struct vault *vault;
	int new_vault;
	int secrets_changed;
	int changed;
	int renewed;     /* the setup password is (or was, before a crash) being replaced */
	int renewal_new; /* ... and this run is the one that replaces it in the vault */
	enum state_tier tier;
	enum state_service_type stype;
	enum state_api api;
	time_t issued;
	char kinds[128];
};

static const char *import_kind_word(enum credfile_kind k)
{
	switch (k) {
	case CREDFILE_SERVICE: return "service";
	case CREDFILE_HSM: return "hsm";
	case CREDFILE_COMBINED: return "credentials";
	case CREDFILE_JWT: return "jwt";
	default: return "unknown";
	}
}

static const char *import_slot_what(enum import_slot s)
{
	switch (s) {
	case SLOT_SERVICE_PASSWORD: return _("service passwords");
	case SLOT_SETUP_PASSWORD: return _("setup passwords");
	case SLOT_PKCS11_PASSWORD: return _("PKCS#11 passwords");
	case SLOT_JWT: return _("JWTs");
	case SLOT_SERVICE_USER: return _("Service User Names");
	default: return _("API endpoints");
	}
}

static int import_set(struct import_group *g, enum import_slot s, const char *value, const char *file,
                      struct diag *d)
{
	if (!value)
		return EX_OK;
	struct import_field *f = &g->f[s];
	if (f->value) {
		int same = s < SLOT_SECRETS ? secmem_equal(f->value, value) : strcmp(f->value, value) == 0;
		if (!same)
			return diag_set(d, EX_DATAERR,
			                _("%s and %s hold different %s for HSM user %s; nothing was imported"), f->file,
			                file, import_slot_what(s), g->hsm_user);
		return EX_OK;
	}
	f->value = value;
	f->file = file;
	return EX_OK;
}

/* "YYYY-MM-DD" -> 00:00 UTC of that date; -1 when it is not a real date. */
static time_t import_parse_date(const char *s)
{
	int y, m, dd, n = 0;
	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &dd, &n) != 3 || n != 10 || s[4] != '-' ||
	    s[7] != '-')
		return -1;
	if (y < 2000 || y > 2200 || m < 1 || m > 12 || dd < 1 || dd > 31)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = dd};
	time_t t = timegm(&tm);
	struct tm back;
	if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != dd || back.tm_mon != m - 1)
		return -1;
	return t;
}

const char *import_file_user(const struct credfile *cf)
{
	return cf->hsm_user ? cf->hsm_user : cf->name.user;
}

int import_files_disagree(const struct credfile *a, const struct credfile *b, size_t n)
{
	if (!a->hsm_user || !b->hsm_user || strcmp(a->hsm_user, b->hsm_user) == 0)
		return 0;
	int same_name = a->name.user && b->name.user && strcmp(a->name.user, b->name.user) == 0;
	int only_pair = n == 2 && ((a->kind == CREDFILE_SERVICE && b->kind == CREDFILE_HSM) ||
	                           (a->kind == CREDFILE_HSM && b->kind == CREDFILE_SERVICE));
	return same_name || only_pair;
}

/* Phase 1: one group per HSM user, every value agreed on by every file that has it. */
static int import_group_files(const struct credfile *files, size_t n, struct import_group *groups,
                              size_t *n_groups, struct import_result *r, struct diag *d)
{
	*n_groups = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (import_files_disagree(&files[i], &files[j], n))
				return diag_set(d, EX_DATAERR,
				                _("%s and %s disagree on the HSM User Name ('%s' and '%s'); nothing was "
				                  "imported"),
				                files[i].path, files[j].path, files[i].hsm_user, files[j].hsm_user);
	for (size_t i = 0; i < n; i++) {
		const struct credfile *cf = &files[i];
		const char *path = cf->path ? cf->path : "?";
		if (cf->kind == CREDFILE_UNKNOWN)
			return diag_set(d, EX_DATAERR, _("%s: not a credential file; nothing was imported"), path);
		const char *user = import_file_user(cf);
		if (!user)
			return diag_set(d, EX_DATAERR,
			                _("%s: neither the contents nor the file name give the HSM User Name, so it "
			                  "belongs to no profile; nothing was imported"),
			                path);
		struct import_group *g = NULL;
		for (size_t k = 0; k < *n_groups; k++)
			if (strcmp(groups[k].hsm_user, user) == 0)
				g = &groups[k];
		if (!g) {
			if (*n_groups == IMPORT_MAX_PROFILES)
				return diag_set(d, EX_USAGE, _("more than %d HSM users in one import"), IMPORT_MAX_PROFILES);
			g = &groups[(*n_groups)++];
			g->hsm_user = user;
		}
		if (g->n_files == IMPORT_MAX_FILES_PER_GROUP)
			return diag_set(d, EX_USAGE, _("too many files for HSM user %s"), user);
		g->files[g->n_files++] = cf;
		int rc;
		if ((rc = import_set(g, SLOT_SERVICE_PASSWORD, cf->service_password, path, d)) ||
		    (rc = import_set(g, SLOT_SETUP_PASSWORD, cf->setup_password, path, d)) ||
		    (rc = import_set(g, SLOT_PKCS11_PASSWORD, cf->pkcs11_password, path, d)) ||
		    (rc = import_set(g, SLOT_JWT, cf->jwt, path, d)) ||
		    (rc = import_set(g, SLOT_SERVICE_USER, cf->service_user, path, d)) ||
		    (rc = import_set(g, SLOT_API_ENDPOINT, cf->api_endpoint, path, d)))
			return rc;
		if (cf->jwt_exp)
			g->jwt_exp = cf->jwt_exp;
		if (cf->kind == CREDFILE_JWT)
			g->has_jwt = 1;
		if (!g->company)
			g->company = cf->name.company;
		if (!g->service)
			g->service = cf->name.service;
		/* The technical file's date is the setup password's date of issue. */
		if (cf->name.date && (!g->date || cf->kind == CREDFILE_HSM || cf->kind == CREDFILE_COMBINED))
			g->date = cf->name.date;
		enum state_tier t;
		if (cf->name.service && state_tier_parse(cf->name.service, &t) == 0) {
			if (g->name_tier && g->name_tier != t)
				diag_warn(&r->warnings,
				          _("%s names tier %s but %s names tier %s; using %s (give --tier to choose)"),
				          g->name_tier_file, state_tier_name(g->name_tier), path, state_tier_name(t),
				          state_tier_name(g->name_tier));
			else if (!g->name_tier) {
				g->name_tier = t;
				g->name_tier_file = path;
			}
		}
		size_t len = strlen(g->kinds);
		snprintf(g->kinds + len, sizeof g->kinds - len, "%s%s", len ? ", " : "", import_kind_word(cf->kind));
	}
	return EX_OK;
}

static int import_str_differs(const char *old, const char *new)
{
	return new && (!old || strcmp(old, new) != 0);
}

static void import_replace(char **dst, const char *src)
{
	if (src && (!*dst || strcmp(*dst, src) != 0)) {
		char *c = strdup(src);
		if (c) {
			free(*dst);
			*dst = c;
		}
	}
}

/* Opens the group's profile, or creates it, locked; refuses one that belongs to another HSM user. */
static int import_open_profile(struct import_group *g, const char *name, struct diag *d)
{
	int rc = profile_open(name, PROFILE_LOCK, &g->prof, d);
	if (rc == EX_NOINPUT) {
		diag_clear(d);
		rc = profile_open(name, PROFILE_CREATE | PROFILE_LOCK, &g->prof, d);
		g->created_dir = rc == EX_OK;
	} else if (rc == EX_OK && profile_half_made(g->prof.dir)) {
		/* Left by an import stopped before its vault was sealed: ours to remove if this one fails. */
		g->created_dir = 1;
	}
	if (rc != EX_OK)
		return rc;
	g->prof_open = 1;
	struct state *st = &g->prof.st;
	if (st->hsm_user && strcmp(st->hsm_user, g->hsm_user) != 0)
		return diag_set(d, EX_DATAERR,
		                _("profile %s belongs to HSM user %s, but the files are for HSM user %s; nothing was "
		                  "imported"),
		                name, st->hsm_user, g->hsm_user);
	return EX_OK;
}

/* The profile's facts the import decides: tier, service type, API and issue date. Written to m, not
 * to g, so that a group whose import fails later keeps what it had. */
struct import_meta {
	enum state_tier tier;
	enum state_service_type stype;
	enum state_api api;
	time_t issued;
};

static int import_choose_meta(const struct import_group *g, const char *name, const struct import_opts *o,
                              struct import_result *r, struct import_meta *m, struct diag *d)
{
	const struct state *st = &g->prof.st;
	/* The tier: --tier, else the file names, else what the profile already knows, else ask. */
	enum state_tier tier = o->tier ? o->tier : g->name_tier ? g->name_tier : st->tier;
	if (o->tier && g->name_tier && o->tier != g->name_tier)
		diag_warn(&r->warnings, _("%s names tier %s; using --tier %s"), g->name_tier_file,
		          state_tier_name(g->name_tier), state_tier_name(o->tier));
	/* Only a setup password's countdown needs the tier; a JWT or a service file alone does not. */
	int needs_tier = g->f[SLOT_SETUP_PASSWORD].value != NULL;
	if (!tier && needs_tier && o->ask_tier)
		tier = o->ask_tier(o->ask_tier_ctx, name);
	if (!tier && needs_tier)
		return diag_set(d, EX_USAGE,
		                _("profile %s: the file names do not tell the tier; give --tier SBX, ECO, ECO-CC or "
		                  "PLATINUM (nothing was imported)"),
		                name);
	m->tier = tier;
	m->stype = o->service_type    ? o->service_type
	           : g->has_jwt       ? SERVICE_TYPE_TSBAAS_MULTI
	           : st->service_type ? st->service_type
	                              : SERVICE_TYPE_STANDARD;
	/* The API decides the path of the exchange (orders_path_of): once the exchange has begun with one
	 * path, another would send the setup password a second way. */
	m->api = o->api ? o->api : st->api;
	if (o->api && st->api && o->api != st->api && st->rotation >= ROTATION_FIRST_USE)
		return diag_set(d, EX_USAGE,
		                _("profile %s: its exchange began with API %s; --api %s cannot change it now "
		                  "(nothing was imported)"),
		                name, state_api_name(st->api), state_api_name(o->api));
	m->issued = 0;
	if (o->issued)
		m->issued = import_parse_date(o->issued);
	else if (g->date)
		m->issued = import_parse_date(g->date);
	if (m->issued < 0)
		m->issued = 0;
	return EX_OK;
}

/* Opens the vault, or creates it. The passphrase is asked only now, when everything before it is
 * known to be fine. */
static int import_open_vault(struct import_group *g, const char *name, const struct import_opts *o,
                             struct import_result *r, struct diag *d)
{
	int rc;
	char *pass = NULL;
	if (access(g->prof.vault_path, F_OK) == 0) {
		/* A loose mode is refused before the passphrase is typed in vain. */
		if ((rc = vault_check_mode(g->prof.vault_path, d)) != EX_OK)
			return rc;
		pass = o->passphrase ? o->passphrase(o->passphrase_ctx, name, 0, d) : NULL;
		if (!pass)
			return d->code ? d->code : diag_set(d, EX_USAGE, _("profile %s: no vault passphrase"), name);
		rc = vault_open(g->prof.vault_path, pass, &g->vault, d);
	} else {
		pass = o->passphrase ? o->passphrase(o->passphrase_ctx, name, 1, d) : NULL;
		if (!pass)
			return d->code ? d->code : diag_set(d, EX_USAGE, _("profile %s: no vault passphrase"), name);
		rc = vault_create(g->prof.vault_path, pass, o->kdf_ms, &g->vault, d);
		g->new_vault = rc == EX_OK;
		if (rc == EX_OK && vault_kdf_floor_hit(g->vault))
			diag_warn(&r->warnings,
			          _("profile %s: the scrypt cost calibrated for %d ms is below the floor; the vault uses "
			            "the floor instead, N=2^%d, r=%d"),
			          name, o->kdf_ms > 0 ? o->kdf_ms : VAULT_DEFAULT_KDF_MS, VAULT_KDF_FLOOR_LOG2N,
			          VAULT_KDF_FLOOR_R);
	}
	secmem_free(pass);
	return rc;
}

/* Puts the files' secrets into the open vault (in memory). A different setup password is a renewal,
 * which needs --renew or the user's confirmation; *renewal says it is one. */
static int import_merge_secrets(struct import_group *g, const char *name, const struct import_opts *o,
                                int *renewal, struct diag *d)
{
	int rc;
	*renewal = 0;
	for (int s = 0; s < SLOT_SECRETS; s++) {
		const char *nv = g->f[s].value;
		const char *old = vault_get(g->vault, (enum vault_label)s);
		if (!nv || (old && secmem_equal(old, nv)))
			continue;
		if (s == SLOT_SETUP_PASSWORD && old)
			*renewal = 1;
		g->secrets_changed = 1;
	}
	if (*renewal) {
		char question[DIAG_MSG_MAX];
		snprintf(question, sizeof question,
		         _("Profile %s already holds a different setup password. Replace it with the one from %s "
		           "(a renewal after a support ticket)? This resets the first-use date."),
		         name, g->f[SLOT_SETUP_PASSWORD].file);
		if (!o->renew && !(o->confirm && o->confirm(o->confirm_ctx, question)))
			return diag_set(d, EX_USAGE,
			                _("profile %s already holds a different setup password; %s would replace it (a "
			                  "renewal). Confirm with --renew; nothing was imported"),
			                name, g->f[SLOT_SETUP_PASSWORD].file);
		g->renewed = 1;
		g->renewal_new = 1;
	}
	for (int s = 0; s < SLOT_SECRETS; s++)
		if (g->f[s].value && (rc = vault_set(g->vault, (enum vault_label)s, g->f[s].value, d)) != EX_OK)
			return rc;
	return EX_OK;
}

/* Phase 2 for one group: everything but the writes. */
static int import_prepare(struct import_group *g, const char *name, const struct import_opts *o,
                          struct import_result *r, struct diag *d)
{
	int rc = import_open_profile(g, name, d);
	if (rc != EX_OK)
		return rc;
	struct state *st = &g->prof.st;
	struct import_meta m = {0};
	if ((rc = import_choose_meta(g, name, o, r, &m, d)) != EX_OK)
		return rc;
	if ((rc = import_open_vault(g, name, o, r, d)) != EX_OK)
		return rc;
	int renewal = 0;
	if ((rc = import_merge_secrets(g, name, o, &renewal, d)) != EX_OK)
		return rc;

	/* An earlier run confirmed a renewal, wrote its marker and maybe the vault, then died: the
	 * vault now holds the new setup password, so this run completes the state part. */
	if (!renewal && st->renewal_pending && g->f[SLOT_SETUP_PASSWORD].value)
		g->renewed = 1;
	g->tier = m.tier;
	g->stype = m.stype;
	g->api = m.api;
	g->issued = m.issued;
	int meta = !g->prof.has_state || m.tier != st->tier || m.stype != st->service_type || m.api != st->api ||
	           import_str_differs(st->hsm_user, g->hsm_user) ||
	           import_str_differs(st->service_user, g->f[SLOT_SERVICE_USER].value) ||
	           import_str_differs(st->company, g->company) || import_str_differs(st->service, g->service) ||
	           import_str_differs(st->api_endpoint, g->f[SLOT_API_ENDPOINT].value) ||
	           (m.issued && m.issued != st->issued) || (g->jwt_exp && g->jwt_exp != st->jwt_exp);
	g->changed = meta || g->secrets_changed || g->new_vault || g->renewed;
	return EX_OK;
}

/* The state changes of an import, applied in memory just before state.json is written. */
static void import_apply_state(struct import_group *g)
{
	struct state *st = &g->prof.st;
	if (!st->created)
		st->created = time(NULL);
	st->tier = g->tier;
	st->service_type = g->stype;
	if (g->api)
		st->api = g->api;
	import_replace(&st->hsm_user, g->hsm_user);
	import_replace(&st->service_user, g->f[SLOT_SERVICE_USER].value);
	import_replace(&st->company, g->company);
	import_replace(&st->service, g->service);
	import_replace(&st->api_endpoint, g->f[SLOT_API_ENDPOINT].value);
	if (g->issued)
		st->issued = g->issued;
	if (g->jwt_exp)
		st->jwt_exp = g->jwt_exp;
	if (!st->api)
		st->api = state_service_api(g->stype);
	if (g->renewed)
		rotation_reset_for_renewal(st);
	state_reach_step(st, STEP_REVIEW);
	state_add_event(st, "imported", g->kinds);
}

/* Phase 3 for one group: vault first, then state. A renewal first marks the state, so a crash after
 * the vault write cannot leave the new setup password with the old one's first-use date. */
static int import_commit(struct import_group *g, struct diag *d)
{
	/* From here on the directory holds (or may hold) our files: never remove it on a later error. */
	g->created_dir = 0;
	int rc;
	if (g->renewal_new) {
		g->prof.st.renewal_pending = 1;
		if ((rc = profile_save_state(&g->prof, d)) != EX_OK)
			return rc;
	}
	if (g->secrets_changed || g->new_vault) {
		rc = vault_save(g->vault, d);
		if (rc != EX_OK)
			return rc;
	}
	FAILPOINT("import.between-vault-and-state");
	import_apply_state(g);
	return profile_save_state(&g->prof, d);
}

/* A multi-profile import is all or nothing (import.h): before any group is written, each profile's
 * current vault and state.json are kept as hard links (no data is copied, so a full disk cannot stop
 * it), and put back by rename if a later group fails. */
static void import_prev_path(const struct import_group *g, const char *file, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s.prev", g->prof.dir, file);
}

static int import_keep_prev(struct import_group *g, struct diag *d)
{
	const char *paths[2] = {g->prof.vault_path, g->prof.state_path};
	const char *names[2] = {"vault", "state.json"};
	int have = 0;
	for (int i = 0; i < 2; i++) {
		char prev[4096];
		import_prev_path(g, names[i], prev, sizeof prev);
		unlink(prev);
		if (link(paths[i], prev) == 0)
			have = 1;
		else if (errno != ENOENT)
			return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot keep the previous version"), paths[i]);
	}
	g->fresh_profile = !have;
	g->kept_prev = 1;
	return EX_OK;
}

static void import_roll_back(struct import_group *g)
{
	const char *paths[2] = {g->prof.vault_path, g->prof.state_path};
	const char *names[2] = {"vault", "state.json"};
	struct diag ignored;
	diag_clear(&ignored);
	for (int i = 0; i < 2; i++) {
		char prev[4096];
		import_prev_path(g, names[i], prev, sizeof prev);
		if (rename(prev, paths[i]) != 0 && errno == ENOENT) {
			/* There was no such file before: what this import wrote goes. */
			if (i == 0)
				fsutil_shred(paths[i], &ignored);
			else
				unlink(paths[i]);
		}
	}
	fsutil_sync_parent(g->prof.vault_path, &ignored);
	if (g->fresh_profile)
		g->created_dir = 1;
}

static void import_drop_prev(struct import_group *g)
{
	char prev[4096];
	import_prev_path(g, "vault", prev, sizeof prev);
	unlink(prev);
	import_prev_path(g, "state.json", prev, sizeof prev);
	unlink(prev);
	g->kept_prev = 0;
}

static void import_release(struct import_group *g, int failed)
{
	vault_close(g->vault);
	g->vault = NULL;
	if (!g->prof_open)
		return;
	if (failed && g->created_dir) {
		/* Nothing was written in it: take the empty directory away again. */
		char lock[4096];
		snprintf(lock, sizeof lock, "%s/lock", g->prof.dir);
		unlink(lock);
		rmdir(g->prof.dir);
	}
	profile_close(&g->prof);
	g->prof_open = 0;
}

int import_credfiles(const struct credfile *files, size_t n, const struct import_opts *o,
                     struct import_result *r, struct diag *d)
{
	diag_clear(d);
	if (n == 0)
		return diag_set(d, EX_USAGE, "%s", _("no credential files to import"));
	if (o->issued && import_parse_date(o->issued) < 0)
		return diag_set(d, EX_USAGE, _("--issued: '%s' is not a date (YYYY-MM-DD)"), o->issued);
	struct import_group *groups = calloc(IMPORT_MAX_PROFILES, sizeof *groups);
	if (!groups)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	size_t ng = 0;
	int rc = import_group_files(files, n, groups, &ng, r, d);
	if (rc == EX_OK && o->profile && ng > 1)
		rc = diag_set(d, EX_USAGE,
		              _("--profile names one profile, but the files are for %zu HSM users (%s, %s%s)"), ng,
		              groups[0].hsm_user, groups[1].hsm_user, ng > 2 ? ", ..." : "");
	for (size_t i = 0; rc == EX_OK && i < ng; i++) {
		const char *name = o->profile ? o->profile : groups[i].hsm_user;
		if (!profile_name_valid(name)) {
			rc = diag_set(d, o->profile ? EX_USAGE : EX_DATAERR,
			              _("'%s' cannot name a profile (use 1 to 64 letters, digits, '.', '_' or '-'); give "
			                "--profile NAME"),
			              name);
			break;
		}
		rc = import_prepare(&groups[i], name, o, r, d);
	}
	for (size_t i = 0; rc == EX_OK && ng > 1 && i < ng; i++)
		if (groups[i].changed)
			rc = import_keep_prev(&groups[i], d);
	for (size_t i = 0; rc == EX_OK && i < ng; i++) {
		if (groups[i].changed)
			rc = import_commit(&groups[i], d);
	}
	for (size_t i = 0; i < ng; i++) {
		if (!groups[i].kept_prev)
			continue;
		if (rc != EX_OK)
			import_roll_back(&groups[i]);
		import_drop_prev(&groups[i]);
	}
	if (rc != EX_OK && ng > 1) {
		size_t len = strlen(d->msg);
		snprintf(d->msg + len, sizeof d->msg - len, "; %s", _("no profile was changed"));
	}
	if (rc == EX_OK) {
		for (size_t i = 0; i < ng; i++) {
			r->profiles[r->n_profiles] = strdup(groups[i].prof.name);
			r->changed[r->n_profiles] = groups[i].changed;
			if (r->profiles[r->n_profiles])
				r->n_profiles++;
		}
	}
	for (size_t i = 0; i < ng; i++)
		import_release(&groups[i], rc != EX_OK);
	free(groups);
	return rc;
}

void import_result_free(struct import_result *r)
{
	for (size_t i = 0; i < r->n_profiles; i++)
		free(r->profiles[i]);
	r->n_profiles = 0;
	diag_warnings_free(&r->warnings);
}
