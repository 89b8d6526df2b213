/* rotation.c: the rotation protocol's state machine (rotation.h). */
#include "config.h"

#include "rotation.h"
#include "b64.h"
#include "expiry.h"
#include "failpoint.h"
#include "i18n.h"
#include "secmem.h"
#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

static int rotation_renewing(const struct state *st);

void rotation_report_free(struct rotation_report *r)
{
	filelist_free(&r->files);
	diag_warnings_free(&r->warnings);
	memset(r, 0, sizeof *r);
}

void rotation_reset_for_renewal(struct state *st)
{
	st->first_use = 0;
	st->renewal_pending = 0;
	/* A renewal after an exchange (the permanent secret was reset by support) needs the exchange
	 * again: the new setup password is still to be used (doc/DESIGN.md, "Renewal"). */
	if (st->rotation == ROTATION_FIRST_USE || st->rotation >= ROTATION_PROMOTED)
		st->rotation = ROTATION_NONE;
	if (st->step > STEP_COUNTDOWN && st->rotation == ROTATION_NONE)
		st->step = STEP_COUNTDOWN;
	/* A refusal was of the old setup password: the new one may be sent (doc/DESIGN.md, "Refused setup
	 * password"). */
	free(st->setup_refused.engine);
	free(st->setup_refused.code);
	memset(&st->setup_refused, 0, sizeof st->setup_refused);
	state_add_event(st, "renewed", _("new setup password imported; first use reset"));
}

int rotation_has_secret(const struct state *st)
{
	return st->rotation >= ROTATION_PROMOTED;
}

int rotation_is_done(const struct state *st)
{
	return st->rotation >= ROTATION_VERIFIED;
}

int rotation_is_configured(const struct state *st)
{
	return st->rotation >= ROTATION_CONFIGURED;
}

int rotation_config_allowed(const struct state *st)
{
	return rotation_is_done(st) || state_is_tsbaas(st);
}

int rotation_refusal_blocks(const struct state *st)
{
	return !rotation_has_secret(st) && rotation_setup_refused(st);
}

int rotation_check_handed_over(const struct state *st, struct diag *d)
{
	if (st->rotation != ROTATION_NONE || !expiry_handed_over(st))
		return EX_OK;
	return diag_set(d, EX_USAGE, "%s",
	                _("the setup password was handed over to TSB/XKS ('config --for tsb|xks'): they make the "
	                  "exchange themselves, and an exchange of ours would use it up under them. If they "
	                  "never started, forget this profile and import the credential files again"));
}

int rotation_in_flight(const struct state *st)
{
	return st->rotation >= ROTATION_FIRST_USE && st->rotation < ROTATION_VERIFIED;
}

int rotation_engine_fixed(const struct state *st)
{
	return st->rotation >= ROTATION_PENDING;
}

/* Records the failure in d in the state, so status, the wizard and the ticket can say what happened.
 * The message never holds a secret (engines never put one there). Returns d->code. */
static int rotation_fail(struct profile *p, const struct engine_ctx *e, struct diag *d)
{
	int code = d->code;
	state_set_error(&p->st, e && e->err.code[0] ? e->err.code : "ERROR", d->msg);
	struct diag d2;
	diag_clear(&d2);
	/* The original error matters more than a failed save of it; the save error is only appended. */
	if (profile_save_state(p, &d2) != EX_OK) {
		size_t len = strlen(d->msg);
		snprintf(d->msg + len, sizeof d->msg - len, "; %s", d2.msg);
	}
	d->code = code;
	return code;
}

static void rotation_clear_error(struct state *st)
{
	free(st->last_error.code);
	free(st->last_error.message);
	st->last_error.code = NULL;
	st->last_error.message = NULL;
	st->last_error.at = 0;
}

static int rotation_set_state(struct profile *p, enum state_rotation r, const char *event, const char *detail,
                              struct diag *d)
{
	p->st.rotation = r;
	if (event)
		state_add_event(&p->st, event, detail);
	return profile_save_state(p, d);
}

#ifdef ENABLE_FAILPOINTS
static void rotation_config_hook(void)
{
	FAILPOINT("rotate.during-config");
}
#define ROTATION_CONFIG_HOOK rotation_config_hook
#else
#define ROTATION_CONFIG_HOOK NULL
#endif

int rotation_write_config(struct profile *p, struct vault *v, struct engine_ctx *e, const char *dir,
                          struct filelist *files, struct diag *d)
{
	if (!rotation_is_done(&p->st))
		return diag_set(d, EX_USAGE, "%s",
		                _("the user secret is not in place yet: run 'hsm-onboard connect' first"));
	const char *current = vault_get(v, VAULT_CURRENT);
	if (!current)
		return diag_set(d, EX_DATAERR, "%s",
		                _("the vault holds no user secret although the state says the rotation was done; "
		                  "the vault may be from an older backup"));
	int rc = e->ops->write_config(e, dir, current, ROTATION_CONFIG_HOOK, files, d);
	if (rc != EX_OK)
		return rotation_fail(p, e, d);
	free(p->st.engine.config_dir);
	p->st.engine.config_dir = strdup(dir);
	state_reach_step(&p->st, STEP_DONE);
	return rotation_set_state(p, ROTATION_CONFIGURED, "configured", dir, d);
}

/* The last of the events "change-sent" and "setup-rejected", or NULL. When it is "setup-rejected",
 * PENDING is known not to open the token: the last change sent was refused at its setup-password
 * login, so C_SetPIN (or ppin -a) never ran since, and probing PENDING again would only cost one
 * more wrong attempt against the lock-out counter. */
static const char *rotation_last_change_event(const struct state *st)
{
	for (size_t i = st->n_events; i-- > 0;) {
		const char *k = st->events[i].kind;
		if (k && (strcmp(k, "setup-rejected") == 0 || strcmp(k, "change-sent") == 0))
			return k;
	}
	return NULL;
}

static int rotation_pending_known_bad(const struct state *st)
{
	const char *k = rotation_last_change_event(st);
	return k && strcmp(k, "setup-rejected") == 0;
}

int rotation_secret_at_stake(const struct state *st)
{
	if (st->rotation >= ROTATION_PENDING)
		return 1;
	/* The vault is written before the state: an exchange that was sent or done shows in the events
	 * even if a crash left st->rotation one step behind. */
	for (size_t i = 0; i < st->n_events; i++) {
		const char *k = st->events[i].kind;
		if (k && (strcmp(k, "change-sent") == 0 || strcmp(k, "rotated") == 0))
			return 1;
	}
	return 0;
}

int rotation_setup_refused(const struct state *st)
{
	return st->setup_refused.at != 0 || st->setup_refused.code != NULL;
}

int rotation_check_refused(const struct state *st, struct diag *d)
{
	if (!rotation_setup_refused(st))
		return EX_OK;
	char when[40] = "?";
	struct tm tm;
	if (st->setup_refused.at && gmtime_r(&st->setup_refused.at, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	return diag_set(
	    d, EX_NOPERM,
	    _("the HSM refused this profile's setup password on %s (%s, engine %s). It is not sent "
	      "again: every wrong attempt uses up the partition's lock-out counter. Next: import the "
	      "renewed hsm credential file ('hsm-onboard import --renew FILE'), which clears this; or "
	      "run 'hsm-onboard ticket' for the support ticket that asks for one. If the refusal was "
	      "a mistake, 'hsm-onboard connect --retry-refused' sends it once more"),
	    when, st->setup_refused.code ? st->setup_refused.code : "?",
	    st->setup_refused.engine ? st->setup_refused.engine : "?");
}

static void rotation_clear_refusal(struct state *st)
{
	free(st->setup_refused.engine);
	free(st->setup_refused.code);
	memset(&st->setup_refused, 0, sizeof st->setup_refused);
}

int rotation_retry_refused(struct profile *p, struct diag *d)
{
	if (!rotation_setup_refused(&p->st))
		return EX_OK;
	state_add_event(&p->st, "retry-refused", p->st.setup_refused.code);
	rotation_clear_refusal(&p->st);
	return profile_save_state(p, d);
}

static void rotation_record_refusal(struct state *st, const struct engine_ctx *e)
{
	rotation_clear_refusal(st);
	st->setup_refused.at = time(NULL);
	st->setup_refused.engine = strdup(e->ops->name);
	st->setup_refused.code = strdup(e->err.code[0] ? e->err.code : "REFUSED");
	state_add_event(st, "setup-rejected", e->err.code);
}

/* After the change, a local write error (a full disk, EIO) loses nothing: PENDING was saved in the
 * vault before it was sent, and every step from here on is idempotent. Says so, instead of only
 * "write failed", so that nobody deletes the profile in a panic. Returns d->code. */
static int rotation_note_kept(struct diag *d)
{
	size_t len = strlen(d->msg);
	snprintf(d->msg + len, sizeof d->msg - len, "; %s",
	         _("the HSM already holds the new user secret, and the vault keeps it (it was saved before it "
	           "was sent): nothing is lost. Free some disk space, then run 'hsm-onboard connect' to finish"));
	return d->code;
}

/* Step 5: verify with CURRENT, then forget PREVIOUS and PENDING. */
static int rotation_step_verify(struct profile *p, struct vault *v, struct engine_ctx *e, struct diag *d)
{
	const char *current = vault_get(v, VAULT_CURRENT);
	if (!current)
		return diag_set(d, EX_DATAERR, "%s", _("the vault holds no user secret to verify"));
	int rc = e->ops->verify(e, current, d);
	if (rc != EX_OK) {
		if (e->err.rejected) {
			/* Keep PREVIOUS: it is the only other secret that might still open the token. */
			size_t len = strlen(d->msg);
			snprintf(d->msg + len, sizeof d->msg - len, "; %s",
			         _("every file is kept; run 'hsm-onboard ticket' for a support ticket if it persists"));
		}
		return rotation_fail(p, e, d);
	}
	if (vault_get(v, VAULT_PREVIOUS) || vault_get(v, VAULT_PENDING) ||
	    vault_get(v, VAULT_PRIMUS_SECRETS_CFG_BEFORE_RENEWAL)) {
		vault_set(v, VAULT_PRIMUS_SECRETS_CFG_BEFORE_RENEWAL, NULL, d);
		vault_set(v, VAULT_PREVIOUS, NULL, d);
		vault_set(v, VAULT_PENDING, NULL, d);
		rc = vault_save(v, d);
		if (rc != EX_OK) {
			rotation_note_kept(d);
			return rotation_fail(p, e, d);
		}
	}
	rotation_clear_error(&p->st);
	state_reach_step(&p->st, STEP_PROVIDER);
	rc = rotation_set_state(p, ROTATION_VERIFIED, "verified", e->ops->name, d);
	return rc == EX_OK ? rc : rotation_note_kept(d);
}

/* Step 3b: the provider's files the exchange left (primus: .secrets.cfg, now the partition's only
 * key, and primus.cfg) go into the vault, durably, before anything else (DESIGN.md, "Engines"). Done after a fresh exchange and on a resume that finds the exchange done; a vault that
 * already holds them keeps its copy. */
static int rotation_keep_files(struct profile *p, struct vault *v, struct engine_ctx *e, int fresh,
                               struct diag *d)
{
	if (!e->ops->keep_files || (!fresh && vault_get(v, VAULT_PRIMUS_SECRETS_CFG)))
		return EX_OK;
	struct engine_kept k;
	int rc = e->ops->keep_files(e, &k, d);
	if (rc != EX_OK)
		return rotation_fail(p, e, d);
	char *sec = b64_encode(k.secrets, k.secrets_len), *cfg = b64_encode(k.cfg, k.cfg_len);
	engine_kept_free(&k);
	if (!sec || !cfg)
		rc = diag_set(d, EX_OSERR, "%s", _("out of secure memory"));
	if (rc == EX_OK)
		rc = vault_set(v, VAULT_PRIMUS_SECRETS_CFG, sec, d);
	if (rc == EX_OK)
		rc = vault_set(v, VAULT_PRIMUS_CFG, cfg, d);
	secmem_free(sec);
	secmem_free(cfg);
	if (rc == EX_OK)
		rc = vault_save(v, d);
	if (rc != EX_OK)
		return rc;
	FAILPOINT("rotate.after-files-kept");
	state_add_event(&p->st, "files-kept", "primus-secrets-cfg primus-cfg");
	return profile_save_state(p, d);
}

/* Step 1, called by the engine immediately before it sends the setup password (engine.h,
 * before_setup): the first use starts the 7-day clock, so it is durable before the password leaves.
 * A first use only ever moves earlier: one already recorded is kept. */
struct rotation_first_use_arg {
	struct profile *p;
	struct vault *v;
	struct engine_ctx *e;
	const char *engine;
};

static int rotation_first_use(void *arg, struct diag *d)
{
	struct rotation_first_use_arg *a = arg;
	struct state *st = &a->p->st;
	if (st->first_use != 0 && st->rotation >= ROTATION_FIRST_USE && st->step >= STEP_ROTATION)
		return EX_OK;
	FAILPOINT("rotate.before-first-use");
	if (st->first_use == 0) {
		st->first_use = time(NULL);
		state_add_event(st, "first-use", a->engine);
	}
	state_reach_step(st, STEP_ROTATION);
	if (st->rotation < ROTATION_FIRST_USE)
		st->rotation = ROTATION_FIRST_USE;
	int rc = profile_save_state(a->p, d);
	if (rc != EX_OK)
		return rc;
	FAILPOINT("rotate.after-first-use");
	return EX_OK;
}

/* 1 when a renewed setup password was imported since the last exchange: the last of the events
 * "renewed" and "rotated" is "renewed". */
static int rotation_renewing(const struct state *st)
{
	for (size_t i = st->n_events; i-- > 0;) {
		const char *k = st->events[i].kind;
		if (k && strcmp(k, "rotated") == 0)
			return 0;
		if (k && strcmp(k, "renewed") == 0)
			return 1;
	}
	return 0;
}

/* A renewal over an entry ppin keeps (primus: .secrets.cfg): the engine calls this right before
 * ppin -u (engine.h, before_update), after ppin -p may have rewritten the file: the file as it is then
 * goes into the vault, durably, before ppin -u may change or remove it (doc/DESIGN.md, "Renewal"). It
 * is kept until the new secret is verified; a resume compares the file with it. */
static int rotation_renewal_backup(void *arg, struct diag *d)
{
	struct rotation_first_use_arg *a = arg;
	struct engine_kept k;
	int rc = a->e->ops->keep_files(a->e, &k, d);
	if (rc != EX_OK)
		return rc;
	char *b64 = b64_encode(k.secrets, k.secrets_len);
	engine_kept_free(&k);
	if (!b64)
		return diag_set(d, EX_OSERR, "%s", _("out of secure memory"));
	const char *had = vault_get(a->v, VAULT_PRIMUS_SECRETS_CFG_BEFORE_RENEWAL);
	if (had && secmem_equal(had, b64)) {
		secmem_free(b64); /* an earlier run kept this very file */
		return EX_OK;
	}
	rc = vault_set(a->v, VAULT_PRIMUS_SECRETS_CFG_BEFORE_RENEWAL, b64, d);
	secmem_free(b64);
	if (rc == EX_OK)
		rc = vault_save(a->v, d);
	if (rc != EX_OK)
		return rc;
	FAILPOINT("rotate.after-renewal-backup");
	return EX_OK;
}

/* The engine learns that this exchange follows a renewal, and gets the backup an earlier run made. */
static int rotation_renewal_setup(struct profile *p, struct vault *v, struct engine_ctx *e, char **buf,
                                  struct diag *d)
{
	*buf = NULL;
	if (!e->ops->keep_files || !rotation_renewing(&p->st))
		return EX_OK;
	e->renewal = 1;
	e->before_update = rotation_renewal_backup;
	const char *kept = vault_get(v, VAULT_PRIMUS_SECRETS_CFG_BEFORE_RENEWAL);
	if (!kept)
		return EX_OK;
	size_t len = 0;
	if (b64_decode(kept, buf, &len) != 0)
		return diag_set(d, EX_DATAERR, "%s",
		                _("the vault's copy of .secrets.cfg before the renewal is damaged"));
	e->secrets_before = *buf;
	e->secrets_before_len = len;
	return EX_OK;
}

/* Step 4: the HSM has the new secret; keep it as CURRENT before anything else. */
static int rotation_step_promote(struct profile *p, struct vault *v, struct diag *d)
{
	const char *pending = vault_get(v, VAULT_PENDING);
	const char *setup = vault_get(v, VAULT_SETUP_PASSWORD);
	int rc = vault_set(v, VAULT_CURRENT, pending, d);
	if (rc == EX_OK && setup)
		rc = vault_set(v, VAULT_PREVIOUS, setup, d);
	if (rc == EX_OK)
		rc = vault_save(v, d);
	if (rc != EX_OK)
		return rc;
	FAILPOINT("rotate.after-promote");
	return rotation_set_state(p, ROTATION_PROMOTED, "rotated",
	                          _("the setup password was replaced by the user secret"), d);
}

/* What a step of the exchange returns when the run goes on to the next step. Any other value is the
 * run's result, returned as it is: a failure's code comes from d (rotation_fail), so it is not used
 * to tell "go on" from "stop". */
#define ROTATION_NEXT (-1)

/* The vault is written before the state at every step, so it may be one step ahead after a crash: a
 * CURRENT in the vault means the HSM accepted it (doc/DESIGN.md, "Steps"). Not after a renewal:
 * CURRENT is then the secret of the exchange before, which a primus PENDING (the PKCS#11 password)
 * may equal; the resume probe decides instead. */
static int rotation_vault_ahead(const struct state *st, struct vault *v)
{
	return st->rotation < ROTATION_PROMOTED && !rotation_renewing(st) && vault_get(v, VAULT_CURRENT) &&
	       vault_get(v, VAULT_PENDING) &&
	       secmem_equal(vault_get(v, VAULT_CURRENT), vault_get(v, VAULT_PENDING));
}

/* Step 2: PENDING, saved before it is sent, and never regenerated once saved. *fresh says it was
 * made by this run, so the HSM cannot have seen it. ROTATION_NEXT, or the run's result. */
static int rotation_step_pending(struct profile *p, struct vault *v, struct engine_ctx *e, int *fresh,
                                 struct diag *d)
{
	struct state *st = &p->st;
	int rc;
	*fresh = 0;
	if (!vault_get(v, VAULT_PENDING)) {
		char *pending = NULL;
		rc = e->ops->new_secret(e, &pending, d);
		if (rc != EX_OK) {
			/* The JCE exchange sends the setup password here: a refusal is recorded like one
			 * at the change, so it is never sent again unasked. */
			if (e->err.rejected)
				rotation_record_refusal(st, e);
			return rotation_fail(p, e, d);
		}
		rc = vault_set(v, VAULT_PENDING, pending, d);
		secmem_free(pending);
		if (rc == EX_OK)
			rc = vault_save(v, d);
		if (rc != EX_OK)
			return rc;
		*fresh = 1;
	}
	FAILPOINT("rotate.after-pending-saved");
	if (st->rotation < ROTATION_PENDING) {
		if (st->step < STEP_ROTATION)
			st->step = STEP_ROTATION;
		rc = rotation_set_state(p, ROTATION_PENDING, NULL, NULL, d);
		if (rc != EX_OK)
			return rc;
	}
	return ROTATION_NEXT;
}

/* Step 3a: the resume probe (doc/DESIGN.md, "Resume"). A fresh PENDING was never sent, so probing it
 * would only cost a wrong attempt; nor is one the HSM refused since it was last sent. Sets *probed
 * when PENDING was tried, *promoted when it opened the token. ROTATION_NEXT, or the run's result. */
static int rotation_step_probe(struct profile *p, struct engine_ctx *e, const char *pending, int fresh,
                               struct rotation_report *r, int *probed, int *promoted, struct diag *d)
{
	*probed = *promoted = 0;
	if (fresh || rotation_pending_known_bad(&p->st))
		return ROTATION_NEXT;
	*probed = 1;
	int rc = e->ops->login_probe(e, pending, d);
	if (rc == EX_OK) {
		r->pending_worked = 1;
		*promoted = 1;
	} else if (!e->err.rejected) {
		return rotation_fail(p, e, d);
	}
	diag_clear(d);
	return ROTATION_NEXT;
}

/* Step 3b: the change itself, which sends the setup password. ROTATION_NEXT, or the run's result. */
static int rotation_step_change(struct profile *p, struct engine_ctx *e, const char *setup,
                                const char *pending, int probed, struct diag *d)
{
	struct state *st = &p->st;
	int rc;
	/* Durably noted before the change is sent, so a later run knows whether PENDING may have
	 * reached the HSM since the last refusal (doc/DESIGN.md, "Refused setup password"). */
	const char *last = rotation_last_change_event(st);
	if (!last || strcmp(last, "change-sent") != 0) {
		state_add_event(st, "change-sent", e->ops->name);
		rc = profile_save_state(p, d);
		if (rc != EX_OK)
			return rc;
	}
	rc = e->ops->first_connect(e, setup, pending, d);
	if (rc != EX_OK) {
		/* The one place where an engine's refusal becomes durable: whatever the engine, a
		 * rejected first_connect means the HSM refused the setup password. */
		if (e->err.rejected) {
			rotation_record_refusal(st, e);
			size_t len = strlen(d->msg);
			snprintf(d->msg + len, sizeof d->msg - len, "; %s",
			         _("the refusal is recorded and this setup password will not be sent again. "
			           "Next: import the renewed hsm credential file ('hsm-onboard import --renew "
			           "FILE'), or run 'hsm-onboard ticket' for the support ticket that asks for one"));
		}
		if (e->err.rejected && probed && !e->err.locked) {
			/* Neither PENDING nor the setup password opens the token. */
			size_t len = strlen(d->msg);
			snprintf(d->msg + len, sizeof d->msg - len, "; %s",
			         _("the stored new secret did not open the token either. Every file is "
			           "kept. Run 'hsm-onboard ticket' and open a support ticket"));
		}
		return rotation_fail(p, e, d);
	}
	FAILPOINT("rotate.after-change");
	return ROTATION_NEXT;
}

/* Steps 1 to 4, up to the promotion of PENDING to CURRENT: the part that sends the setup password.
 * ROTATION_NEXT, or the run's result. */
static int rotation_exchange(struct profile *p, struct vault *v, struct engine_ctx *e,
                             struct rotation_report *r, struct diag *d)
{
	struct state *st = &p->st;
	int rc;
	const char *setup = vault_get(v, VAULT_SETUP_PASSWORD);
	if (!setup)
		return diag_set(d, EX_DATAERR, "%s",
		                _("the profile holds no setup password: import the hsm credential file first"));
	/* A refused setup password is never sent again, and nothing else is tried either. */
	if ((rc = rotation_check_refused(st, d)) != EX_OK)
		return rc;
	if (st->rotation > ROTATION_FIRST_USE || vault_get(v, VAULT_PENDING))
		r->resumed = 1;

	/* 1. First use: recorded by the engine's before_setup call, immediately before the setup
	 * password is sent (rotation_first_use), so a run that stops earlier (a wrong secrets file,
	 * no network at ppin -p) leaves the 7-day clock untouched. */

	/* 2. PENDING. */
	int fresh = 0;
	rc = rotation_step_pending(p, v, e, &fresh, d);
	if (rc != ROTATION_NEXT)
		return rc;

	/* 3. The resume probe, then the change. */
	const char *pending = vault_get(v, VAULT_PENDING);
	int promoted = 0, probed = 0;
	rc = rotation_step_probe(p, e, pending, fresh, r, &probed, &promoted, d);
	if (rc != ROTATION_NEXT)
		return rc;
	if (!promoted) {
		rc = rotation_step_change(p, e, setup, pending, probed, d);
		if (rc != ROTATION_NEXT)
			return rc;
	}
	rc = rotation_keep_files(p, v, e, !r->pending_worked, d);
	if (rc != EX_OK)
		return rc;

	/* 4. Promote. */
	rc = rotation_step_promote(p, v, d);
	if (rc != EX_OK)
		return rotation_note_kept(d);
	return ROTATION_NEXT;
}

static int rotation_run_steps(struct profile *p, struct vault *v, struct engine_ctx *e,
                              const char *config_dir, struct rotation_report *r, struct diag *d)
{
	struct state *st = &p->st;
	int rc;

	if (rotation_vault_ahead(st, v)) {
		r->resumed = 1;
		rc = rotation_set_state(p, ROTATION_PROMOTED, "rotated", _("promotion completed on resume"), d);
		if (rc != EX_OK)
			return rotation_note_kept(d);
	}
	if (st->rotation >= ROTATION_VERIFIED) {
		r->already_done = 1;
		if (config_dir && st->rotation < ROTATION_CONFIGURED) {
			rc = rotation_write_config(p, v, e, config_dir, &r->files, d);
			r->config_written = rc == EX_OK;
			return rc;
		}
		return EX_OK;
	}

	if (st->rotation < ROTATION_PROMOTED) {
		rc = rotation_exchange(p, v, e, r, d);
		if (rc != ROTATION_NEXT)
			return rc;
	}

	/* 5. Verify, then the configuration. */
	rc = rotation_step_verify(p, v, e, d);
	if (rc != EX_OK)
		return rc;
	if (config_dir) {
		rc = rotation_write_config(p, v, e, config_dir, &r->files, d);
		r->config_written = rc == EX_OK;
	}
	return rc;
}

int rotation_run(struct profile *p, struct vault *v, struct engine_ctx *e, const char *config_dir,
                 struct rotation_report *r, struct diag *d)
{
	struct rotation_first_use_arg fu = {p, v, e, e->ops->name};
	e->before_setup = rotation_first_use;
	e->before_setup_arg = &fu;
	char *before = NULL;
	int rc = rotation_check_handed_over(&p->st, d);
	if (rc == EX_OK && p->st.rotation < ROTATION_PROMOTED)
		rc = rotation_renewal_setup(p, v, e, &before, d);
	if (rc == EX_OK)
		rc = rotation_run_steps(p, v, e, config_dir, r, d);
	e->before_setup = NULL;
	e->before_update = NULL;
	e->before_setup_arg = NULL;
	e->renewal = 0;
	e->secrets_before = NULL;
	e->secrets_before_len = 0;
	secmem_free(before);
	return rc;
}

int rotation_verify(struct profile *p, struct vault *v, struct engine_ctx *e, struct diag *d)
{
	if (!rotation_has_secret(&p->st))
		return diag_set(d, EX_USAGE, "%s", _("there is no user secret yet: run 'hsm-onboard connect' first"));
	if (p->st.rotation == ROTATION_PROMOTED)
		return rotation_step_verify(p, v, e, d);
	const char *current = vault_get(v, VAULT_CURRENT);
	if (!current)
		return diag_set(d, EX_DATAERR, "%s", _("the vault holds no user secret to verify"));
	int rc = e->ops->verify(e, current, d);
	if (rc != EX_OK)
		return rotation_fail(p, e, d);
	state_add_event(&p->st, "verified", e->ops->name);
	rotation_clear_error(&p->st);
	return profile_save_state(p, d);
}
