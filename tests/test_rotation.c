/* test_rotation.c: rotation_run, the lock-out-proof exchange (doc/DESIGN.md, "Exchange and rotation"),
 * against a fake engine_ops whose "HSM" is one PIN in memory: every transition from a fresh profile
 * to VERIFIED and CONFIGURED, the resume probe after each kind of stop, the refusal guard, and each
 * failure return. The end-to-end tests (connect.sh, crash-connect.sh) prove the same through
 * SoftHSM2 and failpoint builds; these run in milliseconds and name the transition that broke. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "b64.h"
#include "engine_port.h"
#include "profile.h"
#include "rotation.h"
#include "secmem.h"
#include "state.h"
#include "testutil.h"
#include "vault.h"

#define PASS "a rotation test passphrase"
#define SETUP "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"
#define FRESH "fresh-pending-secret-0123456789"

/* The fake HSM and what the rotation asked of it. */
static struct {
	char pin[128];   /* the PIN the partition accepts now */
	int unreachable; /* every login fails without a refusal (network down) */
	int fail_new;    /* new_secret fails; 2: with a refusal (as the JCE exchange can) */
	int fail_verify; /* verify is refused although the PIN is right (a locked account) */
	int fail_config; /* write_config fails */
	int n_new, n_probe, n_change, n_verify, n_config, n_keep;
	char changed_to[128]; /* the pending secret first_connect was given */
} hsm;

static int fake_login(struct engine_ctx *e, const char *secret, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	if (hsm.unreachable) {
		engine_set_code(e, "NETWORK", 0, 0);
		return diag_set(d, EX_UNAVAILABLE, "the fake HSM is not reachable");
	}
	if (strcmp(secret, hsm.pin) != 0) {
		engine_set_code(e, "CKR_PIN_INCORRECT", 1, 0);
		return diag_set(d, EX_NOPERM, "the fake HSM refused the PIN");
	}
	return EX_OK;
}

static int fake_open(struct engine_ctx *e, struct diag *d)
{
	(void)e;
	(void)d;
	return EX_OK;
}

static void fake_close(struct engine_ctx *e)
{
	(void)e;
}

static int fake_new_secret(struct engine_ctx *e, char **out, struct diag *d)
{
	hsm.n_new++;
	engine_set_code(e, "", 0, 0);
	/* 2 plays the JCE exchange, which sends the setup password here: the first use comes first. */
	if (hsm.fail_new == 2 && e->before_setup) {
		int rc = e->before_setup(e->before_setup_arg, d);
		if (rc != EX_OK)
			return rc;
	}
	if (hsm.fail_new) {
		engine_set_code(e, hsm.fail_new == 2 ? "0x80005017" : "RAND", hsm.fail_new == 2, 0);
		return diag_set(d, hsm.fail_new == 2 ? EX_NOPERM : EX_SOFTWARE, "no new secret");
	}
	*out = secmem_strdup(FRESH);
	return *out ? EX_OK : EX_OSERR;
}

static int fake_probe(struct engine_ctx *e, const char *secret, struct diag *d)
{
	hsm.n_probe++;
	return fake_login(e, secret, d);
}

static int fake_first_connect(struct engine_ctx *e, const char *setup, const char *pending, struct diag *d)
{
	hsm.n_change++;
	snprintf(hsm.changed_to, sizeof hsm.changed_to, "%s", pending);
	/* As every engine: the first use is recorded right before the setup password is sent. */
	int rc = e->before_setup ? e->before_setup(e->before_setup_arg, d) : EX_OK;
	if (rc != EX_OK)
		return rc;
	rc = fake_login(e, setup, d);
	if (rc == EX_OK)
		snprintf(hsm.pin, sizeof hsm.pin, "%s", pending);
	return rc;
}

static int fake_verify(struct engine_ctx *e, const char *current, struct diag *d)
{
	hsm.n_verify++;
	if (hsm.fail_verify) {
		engine_set_code(e, "CKR_PIN_LOCKED", 1, 1);
		return diag_set(d, EX_NOPERM, "the fake HSM's account is locked");
	}
	return fake_login(e, current, d);
}

static int fake_write_config(struct engine_ctx *e, const char *dir, const char *current, void (*hook)(void),
                             struct filelist *out, struct diag *d)
{
	(void)e;
	(void)current;
	hsm.n_config++;
	if (hook)
		hook();
	if (hsm.fail_config)
		return diag_set(d, EX_CANTCREAT, "%s: cannot write", dir);
	return filelist_add(out, dir, "fake") == 0 ? EX_OK : EX_SOFTWARE;
}

static int fake_keep_files(struct engine_ctx *e, struct engine_kept *out, struct diag *d)
{
	(void)e;
	(void)d;
	hsm.n_keep++;
	memset(out, 0, sizeof *out);
	out->secrets = secmem_strdup("provider secret bytes");
	out->secrets_len = strlen("provider secret bytes");
	out->cfg = strdup("primus { }");
	out->cfg_len = strlen("primus { }");
	return EX_OK;
}

static const struct engine_ops fake_ops = {
    .name = "fake",
    .open = fake_open,
    .close = fake_close,
    .preflight = fake_open,
    .new_secret = fake_new_secret,
    .login_probe = fake_probe,
    .first_connect = fake_first_connect,
    .verify = fake_verify,
    .write_config = fake_write_config,
};

/* One vault for every test, emptied for each: scrypt runs once per binary (its floor costs ~100 ms
 * a run), so the cases stay in milliseconds. rotation_run writes only through the vault it is given. */
static struct vault *shared_vault;
static char shared_vault_path[512];

/* One test's world: a fresh profile holding the setup password, the fake HSM accepting it. */
struct world {
	struct profile p;
	struct vault *v;
	struct engine_ctx e;
	struct rotation_report r;
	struct diag d;
};

static void world_open(struct world *w, const struct engine_ops *ops)
{
	static int n;
	char name[32];
	snprintf(name, sizeof name, "ROT%02d", ++n);
	memset(w, 0, sizeof *w);
	memset(&hsm, 0, sizeof hsm);
	snprintf(hsm.pin, sizeof hsm.pin, "%s", SETUP);
	assert_int_equal(profile_open(name, PROFILE_CREATE | PROFILE_LOCK, &w->p, &w->d), EX_OK);
	w->p.st.tier = TIER_ECO;
	w->p.st.hsm_user = strdup(name);
	if (!shared_vault) {
		assert_int_equal(vault_create(w->p.vault_path, PASS, 1, &shared_vault, &w->d), EX_OK);
		snprintf(shared_vault_path, sizeof shared_vault_path, "%s", w->p.vault_path);
	}
	w->v = shared_vault;
	for (int l = 0; l < VAULT_LABEL_COUNT; l++)
		assert_int_equal(vault_set(w->v, (enum vault_label)l, NULL, &w->d), EX_OK);
	assert_int_equal(vault_set(w->v, VAULT_SETUP_PASSWORD, SETUP, &w->d), EX_OK);
	assert_int_equal(vault_save(w->v, &w->d), EX_OK);
	assert_int_equal(profile_save_state(&w->p, &w->d), EX_OK);
	engine_ctx_init(&w->e, ops);
	diag_clear(&w->d);
}

static void world_close(struct world *w)
{
	rotation_report_free(&w->r);
	profile_close(&w->p);
}

/* The state as the next run will find it: reloaded from state.json, so what was not saved is lost.
 * (The vault stays in memory; test_fresh_run_verifies reads it back from disk once.) */
static void world_reload(struct world *w)
{
	char *name = strdup(w->p.name);
	profile_close(&w->p);
	assert_int_equal(profile_open(name, PROFILE_LOCK, &w->p, &w->d), EX_OK);
	free(name);
	rotation_report_free(&w->r);
	memset(&w->r, 0, sizeof w->r);
	diag_clear(&w->d);
}

/* A run that stopped after PENDING was saved (first use on 2026-11-21 at 09:00 UTC). */
static void world_stopped_at_pending(struct world *w, const char *pending)
{
	w->p.st.rotation = ROTATION_PENDING;
	w->p.st.first_use = 1795200000;
	assert_int_equal(vault_set(w->v, VAULT_PENDING, pending, &w->d), EX_OK);
	assert_int_equal(vault_save(w->v, &w->d), EX_OK);
}

static int has_event(const struct state *st, const char *kind)
{
	for (size_t i = 0; i < st->n_events; i++)
		if (st->events[i].kind && strcmp(st->events[i].kind, kind) == 0)
			return 1;
	return 0;
}

static void assert_vault(const struct vault *v, enum vault_label l, const char *want)
{
	const char *got = vault_get(v, l);
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

/* NONE -> FIRST_USE -> PENDING -> change -> PROMOTED -> VERIFIED, each durable. */
static void test_fresh_run_verifies(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_OK);
	assert_int_equal(hsm.n_new, 1);
	assert_int_equal(hsm.n_probe, 0); /* a fresh PENDING was never sent: no probe, no wasted attempt */
	assert_int_equal(hsm.n_change, 1);
	assert_int_equal(hsm.n_verify, 1);
	assert_int_equal(hsm.n_config, 0);
	assert_string_equal(hsm.pin, FRESH);
	assert_false(w.r.resumed || w.r.already_done || w.r.pending_worked || w.r.config_written);
	world_reload(&w);
	assert_int_equal(w.p.st.rotation, ROTATION_VERIFIED);
	assert_true(w.p.st.first_use != 0);
	assert_int_equal(w.p.st.step, STEP_PROVIDER);
	assert_vault(w.v, VAULT_CURRENT, FRESH);
	assert_vault(w.v, VAULT_PENDING, NULL);
	assert_vault(w.v, VAULT_PREVIOUS, NULL);
	assert_true(has_event(&w.p.st, "first-use") && has_event(&w.p.st, "change-sent") &&
	            has_event(&w.p.st, "rotated") && has_event(&w.p.st, "verified"));
	assert_null(w.p.st.last_error.code);
	/* Durable: the vault on disk says the same. */
	struct vault *disk = NULL;
	assert_int_equal(vault_open(shared_vault_path, PASS, &disk, &w.d), EX_OK);
	assert_vault(disk, VAULT_CURRENT, FRESH);
	assert_vault(disk, VAULT_PENDING, NULL);
	assert_vault(disk, VAULT_SETUP_PASSWORD, SETUP);
	vault_close(disk);
	world_close(&w);
}

/* With a folder, the configuration follows: CONFIGURED and STEP_DONE. */
static void test_fresh_run_with_config(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, testutil_dir, &w.r, &w.d), EX_OK);
	assert_int_equal(hsm.n_config, 1);
	assert_true(w.r.config_written);
	assert_int_equal(w.r.files.n, 1);
	world_reload(&w);
	assert_int_equal(w.p.st.rotation, ROTATION_CONFIGURED);
	assert_int_equal(w.p.st.step, STEP_DONE);
	assert_string_equal(w.p.st.engine.config_dir, testutil_dir);
	world_close(&w);
}

/* A verified profile sends nothing again; only a missing configuration is written. */
static void test_already_done(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_OK);
	world_reload(&w);
	memset(&hsm, 0, sizeof hsm);
	snprintf(hsm.pin, sizeof hsm.pin, "%s", FRESH);
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_OK);
	assert_true(w.r.already_done);
	assert_int_equal(hsm.n_new + hsm.n_probe + hsm.n_change + hsm.n_verify + hsm.n_config, 0);
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, testutil_dir, &w.r, &w.d), EX_OK);
	assert_int_equal(hsm.n_change, 0);
	assert_int_equal(hsm.n_config, 1);
	assert_int_equal(w.p.st.rotation, ROTATION_CONFIGURED);
	world_close(&w);
}

/* No setup password: EX_DATAERR before the clock starts. */
static void test_no_setup_password(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	assert_int_equal(vault_set(w.v, VAULT_SETUP_PASSWORD, NULL, &w.d), EX_OK);
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_DATAERR);
	assert_non_null(strstr(w.d.msg, "import the hsm credential file"));
	assert_int_equal(hsm.n_new + hsm.n_change, 0);
	assert_int_equal(w.p.st.first_use, 0);
	world_close(&w);
}

/* The refusal guard: a setup password the HSM refused is never sent again, and nothing else is done
 * either: no first use, no new secret, no probe. */
static void test_refusal_guard_sends_nothing(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	w.p.st.setup_refused.at = 1795200000;
	w.p.st.setup_refused.code = strdup("CKR_PIN_INCORRECT");
	w.p.st.setup_refused.engine = strdup("fake");
	assert_true(rotation_refusal_blocks(&w.p.st));
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_NOPERM);
	assert_non_null(strstr(w.d.msg, "not sent again"));
	assert_int_equal(hsm.n_new + hsm.n_probe + hsm.n_change + hsm.n_verify, 0);
	assert_int_equal(w.p.st.first_use, 0);
	assert_int_equal(w.p.st.rotation, ROTATION_NONE);
	/* retry_refused clears it for one confirmed attempt, durably. */
	assert_int_equal(rotation_retry_refused(&w.p, &w.d), EX_OK);
	world_reload(&w);
	assert_false(rotation_setup_refused(&w.p.st));
	assert_true(has_event(&w.p.st, "retry-refused"));
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_OK);
	assert_int_equal(w.p.st.rotation, ROTATION_VERIFIED);
	world_close(&w);
}

/* After a hand-over to TSB/XKS the exchange is theirs: rotation_run sends nothing and records no
 * first use. */
static void test_handed_over_sends_nothing(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	state_add_event(&w.p.st, "handed-over", "tsb");
	assert_int_equal(rotation_check_handed_over(&w.p.st, &w.d), EX_USAGE);
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_USAGE);
	assert_non_null(strstr(w.d.msg, "handed over"));
	assert_int_equal(hsm.n_new + hsm.n_probe + hsm.n_change + hsm.n_verify, 0);
	assert_int_equal(w.p.st.first_use, 0);
	assert_int_equal(w.p.st.rotation, ROTATION_NONE);
	world_close(&w);
}

/* The HSM refuses the setup password at the change: the refusal is recorded durably, PENDING is
 * kept, and the next run sends nothing. */
static void test_setup_refused_is_recorded(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	snprintf(hsm.pin, sizeof hsm.pin, "not the setup password");
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_NOPERM);
	assert_non_null(strstr(w.d.msg, "the refusal is recorded"));
	assert_int_equal(hsm.n_change, 1);
	world_reload(&w);
	assert_true(rotation_setup_refused(&w.p.st));
	assert_string_equal(w.p.st.setup_refused.code, "CKR_PIN_INCORRECT");
	assert_string_equal(w.p.st.setup_refused.engine, "fake");
	assert_true(has_event(&w.p.st, "setup-rejected"));
	assert_string_equal(w.p.st.last_error.code, "CKR_PIN_INCORRECT");
	assert_int_equal(w.p.st.rotation, ROTATION_PENDING);
	assert_vault(w.v, VAULT_PENDING, FRESH);
	assert_vault(w.v, VAULT_CURRENT, NULL);
	memset(&hsm, 0, sizeof hsm);
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_NOPERM);
	assert_int_equal(hsm.n_new + hsm.n_probe + hsm.n_change, 0);
	world_close(&w);
}

/* Stopped after the change reached the HSM, before the vault promoted PENDING: the resume probe finds
 * that PENDING opens the token, and promotes it without a second change. */
static void test_resume_probe_finds_change_done(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	state_add_event(&w.p.st, "change-sent", "fake");
	world_stopped_at_pending(&w, FRESH);
	snprintf(hsm.pin, sizeof hsm.pin, "%s", FRESH);
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_OK);
	assert_true(w.r.resumed && w.r.pending_worked);
	assert_int_equal(hsm.n_probe, 1);
	assert_int_equal(hsm.n_change, 0);
	assert_int_equal(hsm.n_new, 0);
	assert_int_equal(w.p.st.first_use, 1795200000); /* the clock is not restarted */
	world_reload(&w);
	assert_int_equal(w.p.st.rotation, ROTATION_VERIFIED);
	assert_vault(w.v, VAULT_CURRENT, FRESH);
	world_close(&w);
}

/* Stopped after PENDING was saved, before the change: the probe is refused, and the change is sent
 * with the same PENDING, never a new one. */
static void test_resume_probe_refused_retries_same_pending(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	world_stopped_at_pending(&w, "saved-pending-secret");
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_OK);
	assert_true(w.r.resumed);
	assert_false(w.r.pending_worked);
	assert_int_equal(hsm.n_new, 0);
	assert_int_equal(hsm.n_probe, 1);
	assert_int_equal(hsm.n_change, 1);
	assert_string_equal(hsm.changed_to, "saved-pending-secret");
	assert_vault(w.v, VAULT_CURRENT, "saved-pending-secret");
	world_close(&w);
}

/* The probe cannot reach the HSM: nothing is sent, the run stops with the engine's error, and PENDING
 * stays for the next run. */
static void test_resume_probe_unreachable_stops(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	world_stopped_at_pending(&w, "saved-pending-secret");
	hsm.unreachable = 1;
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_UNAVAILABLE);
	assert_int_equal(hsm.n_change, 0);
	world_reload(&w);
	assert_int_equal(w.p.st.rotation, ROTATION_PENDING);
	assert_string_equal(w.p.st.last_error.code, "NETWORK");
	assert_false(rotation_setup_refused(&w.p.st)); /* a network error is no refusal */
	assert_vault(w.v, VAULT_PENDING, "saved-pending-secret");
	world_close(&w);
}

/* Neither PENDING nor the setup password opens the token: stop, keep every file, say so. */
static void test_probe_and_change_refused(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	world_stopped_at_pending(&w, "saved-pending-secret");
	snprintf(hsm.pin, sizeof hsm.pin, "something else entirely");
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_NOPERM);
	assert_non_null(strstr(w.d.msg, "did not open the token either"));
	assert_int_equal(hsm.n_probe, 1);
	assert_int_equal(hsm.n_change, 1);
	world_reload(&w);
	assert_vault(w.v, VAULT_PENDING, "saved-pending-secret");
	assert_vault(w.v, VAULT_SETUP_PASSWORD, SETUP);
	/* The next run knows PENDING was refused after its change: it does not probe it again. */
	assert_int_equal(rotation_retry_refused(&w.p, &w.d), EX_OK);
	memset(&hsm, 0, sizeof hsm);
	snprintf(hsm.pin, sizeof hsm.pin, "%s", SETUP);
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_OK);
	assert_int_equal(hsm.n_probe, 0);
	assert_int_equal(hsm.n_change, 1);
	world_close(&w);
}

/* The vault is written before the state: CURRENT == PENDING in the vault with the state one step
 * behind means the change was done; the run promotes without any login but verify. */
static void test_vault_ahead_of_state_promotes(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	world_stopped_at_pending(&w, FRESH);
	assert_int_equal(vault_set(w.v, VAULT_CURRENT, FRESH, &w.d), EX_OK);
	assert_int_equal(vault_save(w.v, &w.d), EX_OK);
	snprintf(hsm.pin, sizeof hsm.pin, "%s", FRESH);
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_OK);
	assert_true(w.r.resumed);
	assert_int_equal(hsm.n_new + hsm.n_probe + hsm.n_change, 0);
	assert_int_equal(hsm.n_verify, 1);
	assert_true(has_event(&w.p.st, "rotated"));
	assert_int_equal(w.p.st.rotation, ROTATION_VERIFIED);
	world_close(&w);
}

/* new_secret fails: nothing is saved or sent; a refusal there (the JCE exchange) is recorded. */
static void test_new_secret_failures(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	hsm.fail_new = 1;
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_SOFTWARE);
	assert_int_equal(hsm.n_change, 0);
	world_reload(&w);
	/* Nothing was sent, so the clock did not start (doc/DESIGN.md, "Steps"). */
	assert_int_equal(w.p.st.rotation, ROTATION_NONE);
	assert_true(w.p.st.first_use == 0);
	assert_vault(w.v, VAULT_PENDING, NULL);
	assert_false(rotation_setup_refused(&w.p.st));
	hsm.fail_new = 2;
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_NOPERM);
	world_reload(&w);
	assert_int_equal(w.p.st.rotation, ROTATION_FIRST_USE); /* sent: the first use is durable */
	assert_true(w.p.st.first_use != 0);
	assert_true(rotation_setup_refused(&w.p.st));
	assert_string_equal(w.p.st.setup_refused.code, "0x80005017");
	world_close(&w);
}

/* verify refuses CURRENT after the change: the run fails with every file kept (PREVIOUS too). */
static void test_verify_refused_keeps_files(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	hsm.fail_verify = 1;
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_NOPERM);
	assert_non_null(strstr(w.d.msg, "every file is kept"));
	world_reload(&w);
	assert_int_equal(w.p.st.rotation, ROTATION_PROMOTED);
	assert_string_equal(w.p.st.last_error.code, "CKR_PIN_LOCKED");
	assert_vault(w.v, VAULT_CURRENT, FRESH);
	assert_vault(w.v, VAULT_PREVIOUS, SETUP);
	/* The next run only verifies: nothing is sent again. */
	hsm.fail_verify = 0;
	hsm.n_change = 0;
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_OK);
	assert_int_equal(hsm.n_change, 0);
	assert_vault(w.v, VAULT_PREVIOUS, NULL);
	world_close(&w);
}

/* write_config fails: the rotation stays VERIFIED, the error is recorded, a re-run writes it. */
static void test_config_failure(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	hsm.fail_config = 1;
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, testutil_dir, &w.r, &w.d), EX_CANTCREAT);
	assert_false(w.r.config_written);
	world_reload(&w);
	assert_int_equal(w.p.st.rotation, ROTATION_VERIFIED);
	assert_non_null(w.p.st.last_error.message);
	hsm.fail_config = 0;
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, testutil_dir, &w.r, &w.d), EX_OK);
	assert_true(w.r.already_done && w.r.config_written);
	assert_int_equal(hsm.n_change, 1);
	world_close(&w);
}

/* An engine whose exchange leaves files (keep_files): they go into the vault before the promotion. */
static void test_keep_files(void **unused)
{
	(void)unused;
	struct engine_ops keeping = fake_ops;
	keeping.name = "fake-keeping";
	keeping.keep_files = fake_keep_files;
	struct world w;
	world_open(&w, &keeping);
	assert_int_equal(rotation_run(&w.p, w.v, &w.e, NULL, &w.r, &w.d), EX_OK);
	assert_int_equal(hsm.n_keep, 1);
	world_reload(&w);
	assert_true(has_event(&w.p.st, "files-kept"));
	char *bytes = NULL;
	size_t len = 0;
	assert_int_equal(b64_decode(vault_get(w.v, VAULT_PRIMUS_SECRETS_CFG), &bytes, &len), 0);
	assert_int_equal(len, strlen("provider secret bytes"));
	assert_memory_equal(bytes, "provider secret bytes", len);
	secmem_free(bytes);
	assert_non_null(vault_get(w.v, VAULT_PRIMUS_CFG));
	world_close(&w);
}

/* rotation_write_config alone refuses before the rotation is done. */
static void test_config_needs_rotation(void **unused)
{
	(void)unused;
	struct world w;
	world_open(&w, &fake_ops);
	struct filelist files = {0};
	assert_false(rotation_config_allowed(&w.p.st));
	assert_int_equal(rotation_write_config(&w.p, w.v, &w.e, testutil_dir, &files, &w.d), EX_USAGE);
	assert_int_equal(hsm.n_config, 0);
	filelist_free(&files);
	world_close(&w);
}

int main(void)
{
	secmem_init(NULL);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fresh_run_verifies),
	    cmocka_unit_test(test_fresh_run_with_config),
	    cmocka_unit_test(test_already_done),
	    cmocka_unit_test(test_no_setup_password),
	    cmocka_unit_test(test_refusal_guard_sends_nothing),
	    cmocka_unit_test(test_handed_over_sends_nothing),
	    cmocka_unit_test(test_setup_refused_is_recorded),
	    cmocka_unit_test(test_resume_probe_finds_change_done),
	    cmocka_unit_test(test_resume_probe_refused_retries_same_pending),
	    cmocka_unit_test(test_resume_probe_unreachable_stops),
	    cmocka_unit_test(test_probe_and_change_refused),
	    cmocka_unit_test(test_vault_ahead_of_state_promotes),
	    cmocka_unit_test(test_new_secret_failures),
	    cmocka_unit_test(test_verify_refused_keeps_files),
	    cmocka_unit_test(test_config_failure),
	    cmocka_unit_test(test_keep_files),
	    cmocka_unit_test(test_config_needs_rotation),
	};
	int failed = cmocka_run_group_tests_name("rotation", tests, testutil_setup_state, testutil_teardown);
	vault_close(shared_vault);
	return failed;
}
