/* test_import.c: import_credfiles() with hand-built credential files: pairing, all or nothing, one
 * profile per HSM user, identical re-import, renewal, tier inference, crash-resume by re-running. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "import.h"
#include "profile.h"
#include "secmem.h"
#include "vault.h"
#include "testutil.h"

#define PASS "an import test passphrase"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A credfile as the parser would return it for NAME: company_svc_kind_user_date.txt. */
static void cf_make(struct credfile *cf, enum credfile_kind kind, const char *company, const char *svc,
                    const char *user, const char *date, const char *hsm_user)
{
	memset(cf, 0, sizeof *cf);
	char path[256];
	static const char *const kinds[] = {"x", "service", "hsm", "credentials", "jwt"};
	snprintf(path, sizeof path, "/in/%s_%s_%s_%s_%s.txt", company, svc, kinds[kind], user, date);
	cf->path = strdup(path);
	cf->kind = kind;
	cf->name.kind = kind;
	cf->name.company = dup_or_null(company);
	cf->name.service = dup_or_null(svc);
	cf->name.user = dup_or_null(user);
	cf->name.date = dup_or_null(date);
	cf->hsm_user = dup_or_null(hsm_user);
}

/* files[0] service, files[1] hsm, for user. */
static void make_pair(struct credfile *files, const char *svc, const char *user, const char *setup_pw)
{
	cf_make(&files[0], CREDFILE_SERVICE, "ACME_Corp", svc, user, "2026-11-20", user);
	files[0].service_user = strdup("proxy-user");
	files[0].service_password = secmem_strdup("svc-secret-1");
	cf_make(&files[1], CREDFILE_HSM, "ACME_Corp", svc, user, "2026-11-20", user);
	files[1].setup_password = secmem_strdup(setup_pw);
	files[1].pkcs11_password = secmem_strdup("p11-secret-1");
}

static int passphrase_calls;
static char *test_passphrase(void *ctx, const char *profile, int create, struct diag *d)
{
	(void)ctx;
	(void)profile;
	(void)create;
	(void)d;
	passphrase_calls++;
	return secmem_strdup(PASS);
}

static int confirm_answer, confirm_calls;
static int test_confirm(void *ctx, const char *question)
{
	(void)ctx;
	assert_null(strstr(question, "SETUP"));
	confirm_calls++;
	return confirm_answer;
}

static void opts_init(struct import_opts *o)
{
	memset(o, 0, sizeof *o);
	o->kdf_ms = 1;
	o->passphrase = test_passphrase;
}

static int profile_exists(const char *name)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/state/hsm-onboard/%s", testutil_dir, name);
	return access(p, F_OK) == 0;
}

static void load(const char *name, struct profile *p, struct vault **v)
{
	struct diag d;
	assert_int_equal(profile_open(name, 0, p, &d), EX_OK);
	assert_true(p->has_state);
	if (v)
		assert_int_equal(vault_open(p->vault_path, PASS, v, &d), EX_OK);
}

/* Imports files, which must succeed; returns whether the profile changed. */
static int import_ok(struct credfile *files, size_t n, const struct import_opts *o)
{
	struct import_result r = {0};
	struct diag d;
	assert_int_equal(import_credfiles(files, n, o, &r, &d), EX_OK);
	int changed = r.changed[0];
	import_result_free(&r);
	return changed;
}

static void free_files(struct credfile *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		credfile_free(&files[i]);
}

/* The profile's vault holds want under label. */
static void assert_vault(const char *name, enum vault_label label, const char *want)
{
	struct profile p;
	struct vault *v;
	load(name, &p, &v);
	assert_string_equal(vault_get(v, label), want);
	vault_close(v);
	profile_close(&p);
}

/* The tier comes from the service name in the file names (doc/securosys-facts.md); an unknown one
 * needs --tier. */
static void test_tier_from_service_name(void **state)
{
	(void)state;
	static const struct {
		const char *svc, *user;
		enum state_tier tier;
	} cases[] = {
	    {"sbx", "TIER01", TIER_SBX},           {"eco", "TIER02", TIER_ECO},
	    {"eco-cc", "TIER03", TIER_ECO_CC},     {"pla", "TIER04", TIER_PLATINUM},
	    {"Platinum", "TIER05", TIER_PLATINUM},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct credfile f[2];
		make_pair(f, cases[i].svc, cases[i].user, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
		struct import_opts o;
		opts_init(&o);
		assert_int_equal(import_ok(f, 2, &o), 1);
		struct profile p;
		load(cases[i].user, &p, NULL);
		assert_int_equal(p.st.tier, cases[i].tier);
		profile_close(&p);
		free_files(f, 2);
	}
}

static void test_pair_imports(void **state)
{
	(void)state;
	struct credfile f[2];
	make_pair(f, "eco", "ALICE01", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
	struct import_opts o;
	opts_init(&o);
	struct import_result r = {0};
	struct diag d;
	assert_int_equal(import_credfiles(f, 2, &o, &r, &d), EX_OK);
	assert_int_equal(r.n_profiles, 1);
	assert_string_equal(r.profiles[0], "ALICE01");
	assert_int_equal(r.changed[0], 1);
	import_result_free(&r);

	struct profile p;
	struct vault *v;
	load("ALICE01", &p, &v);
	assert_int_equal(p.st.tier, TIER_ECO);
	assert_int_equal(p.st.service_type, SERVICE_TYPE_STANDARD);
	assert_string_equal(p.st.hsm_user, "ALICE01");
	assert_string_equal(p.st.service_user, "proxy-user");
	assert_string_equal(p.st.company, "ACME_Corp");
	assert_string_equal(p.st.service, "eco");
	assert_int_equal(p.st.issued, 1795132800); /* 2026-11-20T00:00:00Z */
	assert_int_equal(p.st.first_use, 0);
	assert_int_equal(p.st.step, STEP_REVIEW);
	assert_true(p.st.created > 0);
	assert_int_equal(p.st.n_events, 1);
	assert_string_equal(p.st.events[0].kind, "imported");
	assert_string_equal(vault_get(v, VAULT_SETUP_PASSWORD), "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
	assert_string_equal(vault_get(v, VAULT_SERVICE_PASSWORD), "svc-secret-1");
	assert_string_equal(vault_get(v, VAULT_PKCS11_PASSWORD), "p11-secret-1");
	assert_null(vault_get(v, VAULT_JWT));
	vault_close(v);
	struct stat st;
	assert_int_equal(stat(p.dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(p.state_path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(p.vault_path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	time_t mtime = st.st_mtime;
	profile_close(&p);

	/* Identical again: nothing is written, no event. */
	assert_int_equal(import_ok(f, 2, &o), 0);
	load("ALICE01", &p, NULL);
	assert_int_equal(p.st.n_events, 1);
	assert_int_equal(stat(p.vault_path, &st), 0);
	assert_int_equal(st.st_mtime, mtime);
	profile_close(&p);
	free_files(f, 2);
}

static void test_mismatched_pair_writes_nothing(void **state)
{
	(void)state;
	struct credfile f[2];
	make_pair(f, "sbx", "BOB01", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
	free(f[1].hsm_user);
	f[1].hsm_user = strdup("BOB02");
	struct import_opts o;
	opts_init(&o);
	struct import_result r = {0};
	struct diag d;
	passphrase_calls = 0;
	assert_int_equal(import_credfiles(f, 2, &o, &r, &d), EX_DATAERR);
	assert_non_null(strstr(d.msg, f[0].path));
	assert_non_null(strstr(d.msg, f[1].path));
	assert_non_null(strstr(d.msg, "disagree"));
	assert_int_equal(passphrase_calls, 0);
	assert_false(profile_exists("BOB01"));
	assert_false(profile_exists("BOB02"));
	free_files(f, 2);
}

static void test_several_users_all_or_nothing(void **state)
{
	(void)state;
	struct credfile f[4];
	make_pair(f, "pla", "CAROL01", "AAAAA-BBBBB-CCCCC-DDDDD-11111");
	make_pair(f + 2, "pla", "DAVE01", "AAAAA-BBBBB-CCCCC-DDDDD-22222");
	struct import_opts o;
	opts_init(&o);
	struct import_result r = {0};
	struct diag d;

	/* Two hsm files for DAVE01 with different setup passwords: refused, neither profile appears. */
	struct credfile g[5];
	memcpy(g, f, sizeof f);
	cf_make(&g[4], CREDFILE_HSM, "ACME_Corp", "pla", "DAVE01", "2026-11-21", "DAVE01");
	g[4].setup_password = secmem_strdup("ZZZZZ-BBBBB-CCCCC-DDDDD-22222");
	assert_int_equal(import_credfiles(g, 5, &o, &r, &d), EX_DATAERR);
	assert_non_null(strstr(d.msg, "different setup passwords"));
	assert_null(strstr(d.msg, "ZZZZZ"));
	assert_false(profile_exists("CAROL01"));
	assert_false(profile_exists("DAVE01"));
	credfile_free(&g[4]);

	/* --profile with two users is a usage error. */
	o.profile = "one";
	assert_int_equal(import_credfiles(f, 4, &o, &r, &d), EX_USAGE);
	o.profile = NULL;

	assert_int_equal(import_credfiles(f, 4, &o, &r, &d), EX_OK);
	assert_int_equal(r.n_profiles, 2);
	import_result_free(&r);
	assert_vault("DAVE01", VAULT_SETUP_PASSWORD, "AAAAA-BBBBB-CCCCC-DDDDD-22222");
	assert_vault("CAROL01", VAULT_SETUP_PASSWORD, "AAAAA-BBBBB-CCCCC-DDDDD-11111");
	free_files(f, 4);
}

static void test_tier_needed(void **state)
{
	(void)state;
	struct credfile f[2];
	make_pair(f, "cloudhsm", "ERIN01", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
	struct import_opts o;
	opts_init(&o);
	struct import_result r = {0};
	struct diag d;
	assert_int_equal(import_credfiles(f, 2, &o, &r, &d), EX_USAGE);
	assert_non_null(strstr(d.msg, "--tier"));
	assert_false(profile_exists("ERIN01"));
	o.tier = TIER_ECO_CC;
	o.issued = "2026-11-25";
	assert_int_equal(import_ok(f, 2, &o), 1);
	struct profile p;
	load("ERIN01", &p, NULL);
	assert_int_equal(p.st.tier, TIER_ECO_CC);
	assert_int_equal(p.st.issued, 1795564800); /* 2026-11-25T00:00:00Z */
	profile_close(&p);
	o.issued = "2026-13-01";
	assert_int_equal(import_credfiles(f, 2, &o, &r, &d), EX_USAGE);
	free_files(f, 2);
}

static void test_renewal(void **state)
{
	(void)state;
	struct credfile f[2];
	make_pair(f, "sbx", "FRANK01", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
	struct import_opts o;
	opts_init(&o);
	struct import_result r = {0};
	struct diag d;
	assert_int_equal(import_ok(f, 2, &o), 1);
	/* The setup password was used meanwhile. */
	struct profile p;
	assert_int_equal(profile_open("FRANK01", PROFILE_LOCK, &p, &d), EX_OK);
	p.st.first_use = 1795200000;
	p.st.rotation = ROTATION_FIRST_USE;
	p.st.step = STEP_PREFLIGHT;
	assert_int_equal(profile_save_state(&p, &d), EX_OK);
	profile_close(&p);

	struct credfile n;
	cf_make(&n, CREDFILE_HSM, "ACME_Corp", "sbx", "FRANK01", "2026-11-26", "FRANK01");
	n.setup_password = secmem_strdup("NEWPW-BBBBB-CCCCC-DDDDD-EEEEE");
	/* No confirmation possible: refused, nothing changed. */
	assert_int_equal(import_credfiles(&n, 1, &o, &r, &d), EX_USAGE);
	assert_non_null(strstr(d.msg, "--renew"));
	assert_null(strstr(d.msg, "NEWPW"));
	/* Asked, and the answer is no. */
	o.confirm = test_confirm;
	confirm_answer = 0;
	confirm_calls = 0;
	assert_int_equal(import_credfiles(&n, 1, &o, &r, &d), EX_USAGE);
	assert_int_equal(confirm_calls, 1);
	struct vault *v;
	load("FRANK01", &p, &v);
	assert_string_equal(vault_get(v, VAULT_SETUP_PASSWORD), "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
	assert_int_equal(p.st.first_use, 1795200000);
	vault_close(v);
	profile_close(&p);
	/* Yes: replaced, first use reset, event recorded; the service password stays. */
	confirm_answer = 1;
	assert_int_equal(import_ok(&n, 1, &o), 1);
	load("FRANK01", &p, &v);
	assert_string_equal(vault_get(v, VAULT_SETUP_PASSWORD), "NEWPW-BBBBB-CCCCC-DDDDD-EEEEE");
	assert_string_equal(vault_get(v, VAULT_SERVICE_PASSWORD), "svc-secret-1");
	assert_int_equal(p.st.first_use, 0);
	assert_int_equal(p.st.rotation, ROTATION_NONE);
	assert_int_equal(p.st.renewal_pending, 0);
	assert_int_equal(p.st.step, STEP_COUNTDOWN);
	assert_int_equal(p.st.issued, 1795651200); /* 2026-11-26 */
	int renewed = 0;
	for (size_t i = 0; i < p.st.n_events; i++)
		renewed += strcmp(p.st.events[i].kind, "renewed") == 0;
	assert_int_equal(renewed, 1);
	vault_close(v);
	profile_close(&p);
	credfile_free(&n);
	free_files(f, 2);
}

/* A crash after the vault and before the state (simulated: state.json removed) is repaired by
 * running the same import again. */
static void test_rerun_recreates_state(void **state)
{
	(void)state;
	struct credfile f[2];
	make_pair(f, "eco-cc", "GINA01", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
	struct import_opts o;
	opts_init(&o);
	assert_int_equal(import_ok(f, 2, &o), 1);
	char sp[PATH_MAX];
	snprintf(sp, sizeof sp, "%s/state/hsm-onboard/GINA01/state.json", testutil_dir);
	assert_int_equal(unlink(sp), 0);
	assert_int_equal(import_ok(f, 2, &o), 1);
	struct profile p;
	load("GINA01", &p, NULL);
	assert_int_equal(p.st.tier, TIER_ECO_CC);
	profile_close(&p);
	assert_vault("GINA01", VAULT_PKCS11_PASSWORD, "p11-secret-1");
	free_files(f, 2);
}

/* A renewal that died after its vault write (marker set, vault holds the new password, state still
 * the old one's) is completed by running the same import again, without asking again. */
static void test_interrupted_renewal_completes(void **state)
{
	(void)state;
	struct credfile f[2];
	make_pair(f, "eco", "HANK01", "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
	struct import_opts o;
	opts_init(&o);
	struct diag d;
	assert_int_equal(import_ok(f, 2, &o), 1);
	struct profile p;
	struct vault *v;
	assert_int_equal(profile_open("HANK01", PROFILE_LOCK, &p, &d), EX_OK);
	assert_int_equal(vault_open(p.vault_path, PASS, &v, &d), EX_OK);
	assert_int_equal(vault_set(v, VAULT_SETUP_PASSWORD, "NEWPW-BBBBB-CCCCC-DDDDD-EEEEE", &d), EX_OK);
	assert_int_equal(vault_save(v, &d), EX_OK);
	vault_close(v);
	p.st.first_use = 1795200000;
	p.st.renewal_pending = 1;
	assert_int_equal(profile_save_state(&p, &d), EX_OK);
	profile_close(&p);

	struct credfile n;
	cf_make(&n, CREDFILE_HSM, "ACME_Corp", "eco", "HANK01", "2026-11-26", "HANK01");
	n.setup_password = secmem_strdup("NEWPW-BBBBB-CCCCC-DDDDD-EEEEE");
	assert_int_equal(import_ok(&n, 1, &o), 1);
	load("HANK01", &p, NULL);
	assert_int_equal(p.st.first_use, 0);
	assert_int_equal(p.st.renewal_pending, 0);
	assert_string_equal(p.st.events[p.st.n_events - 2].kind, "renewed");
	profile_close(&p);
	credfile_free(&n);
	free_files(f, 2);
}

static void test_jwt_and_locked(void **state)
{
	(void)state;
	struct credfile j;
	cf_make(&j, CREDFILE_JWT, "ACME_Corp", "tsbaas", "TSB01", "2026-11-22", NULL);
	j.jwt = secmem_strdup("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig");
	j.api_endpoint = strdup("https://acme.cloudshsm.com");
	j.jwt_exp = 1800000000;
	struct import_opts o;
	opts_init(&o);
	struct import_result r = {0};
	struct diag d;

	/* The profile is locked by someone else: 75, nothing written. */
	struct profile p;
	assert_int_equal(profile_open("TSB01", PROFILE_CREATE | PROFILE_LOCK, &p, &d), EX_OK);
	passphrase_calls = 0;
	/* flock belongs to the open file, so this process's second open is refused like another's. */
	diag_clear(&d);
	assert_int_equal(import_credfiles(&j, 1, &o, &r, &d), EX_TEMPFAIL);
	char want[64];
	snprintf(want, sizeof want, "profile TSB01 is in use by PID %ld since ", (long)getpid());
	assert_non_null(strstr(d.msg, want));
	assert_int_equal(passphrase_calls, 0);
	assert_int_equal(access(p.vault_path, F_OK), -1);
	assert_int_equal(access(p.state_path, F_OK), -1);
	profile_close(&p);

	assert_int_equal(import_ok(&j, 1, &o), 1);
	struct vault *v;
	load("TSB01", &p, &v);
	/* No setup password, so no countdown: the tier may stay unknown. */
	assert_int_equal(p.st.tier, TIER_UNKNOWN);
	assert_int_equal(p.st.service_type, SERVICE_TYPE_TSBAAS_MULTI);
	assert_int_equal(p.st.api, API_REST);
	assert_string_equal(p.st.api_endpoint, "https://acme.cloudshsm.com");
	assert_int_equal(p.st.jwt_exp, 1800000000);
	assert_string_equal(vault_get(v, VAULT_JWT), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig");
	vault_close(v);
	profile_close(&p);
	credfile_free(&j);
}

int main(void)
{
	secmem_init(NULL);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tier_from_service_name),
	    cmocka_unit_test(test_pair_imports),
	    cmocka_unit_test(test_mismatched_pair_writes_nothing),
	    cmocka_unit_test(test_several_users_all_or_nothing),
	    cmocka_unit_test(test_tier_needed),
	    cmocka_unit_test(test_renewal),
	    cmocka_unit_test(test_rerun_recreates_state),
	    cmocka_unit_test(test_interrupted_renewal_completes),
	    cmocka_unit_test(test_jwt_and_locked),
	};
	return cmocka_run_group_tests_name("import", tests, testutil_setup_state, testutil_teardown);
}
