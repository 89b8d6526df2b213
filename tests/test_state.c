/* test_state.c: state.json round trip of every field, and refusal (never a crash) of bad input. */
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
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "state.h"
#include "testutil.h"

static void fill(struct state *st)
{
	state_init(st);
	st->tier = TIER_ECO_CC;
	st->service_type = SERVICE_TYPE_TSBAAS_DEDICATED;
	st->api = API_CNG;
	st->hsm_user = strdup("ACMEHSM01");
	st->service_user = strdup("ACME-PROXY-01");
	st->company = strdup("ACME_Corp");
	st->service = strdup("ecocc");
	st->cluster = strdup("ECO01");
	st->issued = 1795737600;    /* 2026-11-27T00:00:00Z */
	st->first_use = 1795740000;
	st->renewal_pending = 1;
	st->created = 1795700001;
	st->step = STEP_PROVIDER;
	st->rotation = ROTATION_PROMOTED;
	st->engine.engine = strdup("pkcs11");
	st->engine.module = strdup("/usr/lib/softhsm/libsofthsm2.so");
	st->engine.token_label = strdup("tok \"quoted\" ü");
	st->engine.slot = 3;
	st->engine.ppin = strdup("/opt/primus/bin/ppin");
	st->engine.config_dir = strdup("/tmp/cfg");
	const char *hosts[] = {"ch01-api.cloudshsm.com", "ch02-api.cloudshsm.com"};
	assert_int_equal(state_set_hosts(st, hosts, 2), 1);
	assert_int_equal(state_set_hosts(st, hosts, 2), 0);
	st->api_endpoint = strdup("https://acme.cloudshsm.com");
	st->jwt_exp = 1798329600;
	state_set_error(st, "CKR_PIN_INCORRECT", "login failed");
	st->last_error.at = 1795741000;
	char e0[] = "a.example:2310", c0[] = "ok", e1[] = "b.example:2310", c1[] = "timeout";
	struct state_check checks[2] = {{e0, c0, 12}, {e1, c1, -1}};
	state_set_checks(st, checks, 2, 1795742000);
	state_add_event(st, "imported", "service, hsm");
	state_add_event(st, "first-use", NULL);
	st->events[0].at = 1795700001;
	st->events[1].at = 1795740000;
}

static void assert_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* PATH (PATH_MAX) names NAME in the test folder, where ST is saved. */
static void save_in(char *path, const char *name, const struct state *st)
{
	snprintf(path, PATH_MAX, "%s/%s", testutil_dir, name);
	struct diag d;
	assert_int_equal(state_save(path, st, &d), EX_OK);
}

/* The text of the file at PATH (freed by the caller); its length in *len. */
static char *read_text(const char *path, size_t *len)
{
	char *text;
	struct diag d;
	assert_int_equal(fsutil_read_bounded(path, 1 << 20, 0, &text, len, &d), EX_OK);
	return text;
}

static void test_roundtrip_every_field(void **state)
{
	(void)state;
	struct state a, b;
	struct diag d;
	diag_clear(&d);
	fill(&a);
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/state.json", testutil_dir);
	assert_int_equal(state_save(path, &a, &d), EX_OK);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(state_load(path, &b, &d), EX_OK);

	assert_int_equal(b.version, STATE_FORMAT_VERSION);
	assert_int_equal(b.tier, a.tier);
	assert_int_equal(b.service_type, a.service_type);
	assert_int_equal(b.api, a.api);
	assert_str(b.hsm_user, a.hsm_user);
	assert_str(b.service_user, a.service_user);
	assert_str(b.company, a.company);
	assert_str(b.service, a.service);
	assert_str(b.cluster, a.cluster);
	assert_int_equal(b.issued, a.issued);
	assert_int_equal(b.first_use, a.first_use);
	assert_int_equal(b.renewal_pending, 1);
	assert_int_equal(b.created, a.created);
	assert_int_equal(b.step, a.step);
	assert_int_equal(b.rotation, a.rotation);
	assert_str(b.engine.engine, a.engine.engine);
	assert_str(b.engine.module, a.engine.module);
	assert_str(b.engine.token_label, a.engine.token_label);
	assert_int_equal(b.engine.slot, 3);
	assert_str(b.engine.ppin, a.engine.ppin);
	assert_str(b.engine.config_dir, a.engine.config_dir);
	assert_int_equal(b.engine.n_hosts, 2);
	assert_str(b.engine.hosts[0], "ch01-api.cloudshsm.com");
	assert_str(b.engine.hosts[1], "ch02-api.cloudshsm.com");
	assert_str(b.api_endpoint, a.api_endpoint);
	assert_int_equal(b.jwt_exp, a.jwt_exp);
	assert_int_equal(b.last_error.at, a.last_error.at);
	assert_str(b.last_error.code, a.last_error.code);
	assert_str(b.last_error.message, a.last_error.message);
	assert_int_equal(b.checked_at, a.checked_at);
	assert_int_equal(b.n_checks, 2);
	assert_str(b.checks[1].endpoint, "b.example:2310");
	assert_str(b.checks[1].category, "timeout");
	assert_int_equal(b.checks[0].latency_ms, 12);
	assert_int_equal(b.checks[1].latency_ms, -1);
	assert_int_equal(b.n_events, 2);
	assert_str(b.events[0].kind, "imported");
	assert_str(b.events[0].detail, "service, hsm");
	assert_int_equal(b.events[0].at, 1795700001);
	assert_str(b.events[1].kind, "first-use");
	assert_null(b.events[1].detail);

	/* Times are ISO 8601 UTC on disk; the issued date reads back as its calendar date. */
	size_t len;
	char *text = read_text(path, &len);
	assert_non_null(strstr(text, "\"issued\": \"2026-11-27T00:00:00Z\""));
	assert_non_null(strstr(text, "\"tier\": \"ECO-CC\""));
	assert_non_null(strstr(text, "\"step\": \"provider\""));
	free(text);
	state_free(&a);
	state_free(&b);
}

static void test_defaults_are_null(void **state)
{
	(void)state;
	struct state a, b;
	struct diag d;
	state_init(&a);
	char path[PATH_MAX];
	save_in(path, "empty.json", &a);
	size_t len;
	char *text = read_text(path, &len);
	assert_non_null(strstr(text, "\"tier\": null"));
	assert_non_null(strstr(text, "\"first_use\": null"));
	assert_non_null(strstr(text, "\"slot\": null"));
	assert_int_equal(state_parse(text, len, "x", &b, &d), EX_OK);
	assert_int_equal(b.tier, TIER_UNKNOWN);
	assert_int_equal(b.first_use, 0);
	assert_int_equal(b.engine.slot, -1);
	assert_null(b.hsm_user);
	free(text);
	state_free(&a);
	state_free(&b);

	/* Only the version is required. */
	assert_int_equal(state_parse("{\"version\":1}", 13, "x", &b, &d), EX_OK);
	assert_int_equal(b.step, STEP_START);
	state_free(&b);
}

static void expect_bad(const char *json, const char *want)
{
	struct state st;
	struct diag d;
	diag_clear(&d);
	int rc = state_parse(json, strlen(json), "S.json", &st, &d);
	if (rc != EX_DATAERR || !strstr(d.msg, want))
		fail_msg("input %s: rc %d, message '%s', wanted '%s'", json, rc, d.msg, want);
	assert_non_null(strstr(d.msg, "S.json"));
	state_free(&st);
}

static void test_malformed(void **state)
{
	(void)state;
	expect_bad("", "not valid JSON");
	expect_bad("not json", "not valid JSON");
	expect_bad("[1,2]", "top level");
	expect_bad("{}", "field version");
	expect_bad("{\"version\":\"1\"}", "field version");
	expect_bad("{\"version\":2}", "unknown format version 2");
	expect_bad("{\"version\":0}", "unknown format version 0");
	expect_bad("{\"version\":1,\"version\":1}", "not valid JSON");
	expect_bad("{\"version\":1,\"tier\":3}", "field tier");
	expect_bad("{\"version\":1,\"tier\":\"GOLD\"}", "field tier");
	expect_bad("{\"version\":1,\"hsm_user\":[]}", "field hsm_user: expected a string");
	expect_bad("{\"version\":1,\"issued\":1795737600}", "field issued: expected an ISO 8601");
	expect_bad("{\"version\":1,\"issued\":\"2026-02-30T00:00:00Z\"}", "field issued");
	expect_bad("{\"version\":1,\"issued\":\"2026-11-27T00:00:00+01\"}", "field issued");
	expect_bad("{\"version\":1,\"first_use\":\"2026-11-27 00:00:00Z\"}", "field first_use");
	expect_bad("{\"version\":1,\"step\":\"flying\"}", "field step");
	expect_bad("{\"version\":1,\"renewal_pending\":1}", "field renewal_pending");
	expect_bad("{\"version\":1,\"rotation\":true}", "field rotation");
	expect_bad("{\"version\":1,\"engine\":\"pkcs11\"}", "field engine: expected an object");
	expect_bad("{\"version\":1,\"engine\":{\"slot\":\"1\"}}", "field engine.slot");
	expect_bad("{\"version\":1,\"engine\":{\"slot\":1.5}}", "field engine.slot");
	expect_bad("{\"version\":1,\"engine\":{\"slot\":99999999999}}", "field engine.slot");
	expect_bad("{\"version\":1,\"engine\":{\"hosts\":\"a\"}}", "field engine.hosts");
	expect_bad("{\"version\":1,\"engine\":{\"hosts\":[\"a\",2]}}", "field engine.hosts[1]");
	expect_bad("{\"version\":1,\"engine\":{\"hosts\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}}",
	           "field engine.hosts");
	expect_bad("{\"version\":1,\"last_error\":{\"code\":5}}", "field last_error.code");
	expect_bad("{\"version\":1,\"checks\":{}}", "field checks");
	expect_bad("{\"version\":1,\"checks\":[1]}", "field checks[0]");
	expect_bad("{\"version\":1,\"checks\":[{\"latency_ms\":\"x\"}]}", "field checks[0].latency_ms");
	expect_bad("{\"version\":1,\"events\":[{\"at\":null,\"kind\":\"a\"},{\"kind\":7}]}", "field events[1].kind");
	expect_bad("{\"version\":1,\"events\":[{\"at\":null}]}", "field events[0].kind");
	expect_bad("{\"version\":1,\"events\":[\"imported\"]}", "field events[0]");
	expect_bad("{\"version\":1,\"company\":\"a\\u0000b\"}", "");
}

/* Every prefix of a valid document is refused (or, when it happens to be valid, loads); none crashes. */
static void test_truncated_everywhere(void **state)
{
	(void)state;
	struct state a, b;
	struct diag d;
	fill(&a);
	char path[PATH_MAX];
	save_in(path, "full.json", &a);
	state_free(&a);
	size_t len;
	char *text = read_text(path, &len);
	size_t refused = 0;
	for (size_t cut = 0; cut < len; cut++) {
		diag_clear(&d);
		int rc = state_parse(text, cut, "cut.json", &b, &d);
		/* Only the prefix that drops just the trailing newline is still a whole document. */
		if (cut == len - 1) {
			assert_int_equal(rc, EX_OK);
		} else {
			assert_int_equal(rc, EX_DATAERR);
			assert_non_null(strstr(d.msg, "cut.json"));
			refused++;
		}
		state_free(&b);
	}
	assert_int_equal(refused, len - 1);
	free(text);
}

static void test_load_missing_and_huge(void **state)
{
	(void)state;
	struct state st;
	struct diag d;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/none.json", testutil_dir);
	assert_int_equal(state_load(path, &st, &d), EX_NOINPUT);
	state_free(&st);
	snprintf(path, sizeof path, "%s/huge.json", testutil_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	/* Over the 16 MiB read limit (the event log's cap keeps a real file far below it). */
	for (int i = 0; i < 17 * 1024 * 1024 / 8; i++)
		fputs("        ", f);
	fclose(f);
	assert_int_equal(state_load(path, &st, &d), EX_DATAERR);
	state_free(&st);
}

static size_t count_kind(const struct state *st, const char *kind)
{
	size_t n = 0;
	for (size_t i = 0; i < st->n_events; i++)
		if (strcmp(st->events[i].kind, kind) == 0)
			n++;
	return n;
}

static long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* Two weeks of `check` from cron every 5 minutes, with verifies in between: the milestones stay, the
 * routine events keep only the most recent STATE_ROUTINE_KEEP, and the file stays under 256 KiB. */
static void test_event_log_is_capped(void **state)
{
	(void)state;
	struct state st;
	struct diag d;
	diag_clear(&d);
	state_init(&st);
	st.hsm_user = strdup("ACMEHSM01");
	state_add_event(&st, "imported", "service,hsm");
	state_add_event(&st, "first-use", "pkcs11");
	state_add_event(&st, "change-sent", "pkcs11");
	state_add_event(&st, "rotated", "the setup password was replaced by the user secret");
	state_add_event(&st, "verified", "first verify");
	char detail[160];
	for (int i = 0; i < 4000; i++) {
		snprintf(detail, sizeof detail, "ch01-api.cloudshsm.com:2310 ok, ch02-api.cloudshsm.com:2310 ok #%d", i);
		state_add_event(&st, i % 10 == 9 ? "verified" : "checked", detail);
		st.events[st.n_events - 1].at = 1795737600 + 300 * (time_t)i;
	}
	state_add_event(&st, "renewed", "new setup password imported; first use reset");
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/capped.json", testutil_dir);
	assert_int_equal(state_save(path, &st, &d), EX_OK);
	assert_true(file_size(path) > 0);
	assert_true(file_size(path) < 256 * 1024);
	struct state back;
	assert_int_equal(state_load(path, &back, &d), EX_OK);
	assert_int_equal(count_kind(&back, "imported"), 1);
	assert_int_equal(count_kind(&back, "first-use"), 1);
	assert_int_equal(count_kind(&back, "change-sent"), 1);
	assert_int_equal(count_kind(&back, "rotated"), 1);
	assert_int_equal(count_kind(&back, "renewed"), 1);
	/* The first verify is a milestone; the routine ones are the most recent. */
	assert_string_equal(back.events[4].kind, "verified");
	assert_string_equal(back.events[4].detail, "first verify");
	assert_int_equal(count_kind(&back, "checked") + count_kind(&back, "verified") - 1, STATE_ROUTINE_KEEP);
	assert_string_equal(back.events[back.n_events - 1].kind, "renewed");
	const struct state_event *last = &back.events[back.n_events - 2];
	assert_string_equal(last->kind, "verified");
	assert_non_null(strstr(last->detail, "#3999"));
	assert_int_equal(last->at, 1795737600 + 300 * (time_t)3999);
	state_free(&back);
	state_free(&st);
}

/* A state.json that an older version let grow past the old 1 MiB limit still loads, and the next
 * write compacts it. */
static void test_oversized_old_file_loads_and_compacts(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/old.json", testutil_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"version\": 1, \"hsm_user\": \"ACMEHSM01\", \"rotation\": \"verified\", \"events\": [\n"
	      "  {\"at\": \"2026-11-20T10:00:00Z\", \"kind\": \"imported\", \"detail\": \"service,hsm\"},\n"
	      "  {\"at\": \"2026-11-20T11:00:00Z\", \"kind\": \"rotated\", \"detail\": null}", f);
	for (int i = 0; i < 40000; i++)
		fprintf(f, ",\n  {\"at\": \"2026-11-21T00:00:00Z\", \"kind\": \"checked\", \"detail\": \"check number %d\"}", i);
	fputs("\n]}\n", f);
	fclose(f);
	assert_true(file_size(path) > 2 * 1024 * 1024);
	struct state st;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(state_load(path, &st, &d), EX_OK);
	assert_int_equal(st.rotation, ROTATION_VERIFIED);
	assert_int_equal(st.n_events, 40002);
	assert_int_equal(state_save(path, &st, &d), EX_OK);
	assert_true(file_size(path) < 256 * 1024);
	state_free(&st);
	assert_int_equal(state_load(path, &st, &d), EX_OK);
	assert_int_equal(count_kind(&st, "imported"), 1);
	assert_int_equal(count_kind(&st, "rotated"), 1);
	assert_int_equal(count_kind(&st, "checked"), STATE_ROUTINE_KEEP);
	assert_string_equal(st.events[st.n_events - 1].detail, "check number 39999");
	state_free(&st);
}

static void test_names(void **state)
{
	(void)state;
	enum state_tier t;
	assert_int_equal(state_tier_parse("eco-cc", &t), 0);
	assert_int_equal(t, TIER_ECO_CC);
	assert_int_equal(state_tier_parse("ECOCC", &t), 0);
	assert_int_equal(t, TIER_ECO_CC);
	assert_int_equal(state_tier_parse("pla", &t), 0);
	assert_int_equal(t, TIER_PLATINUM);
	assert_int_equal(state_tier_parse("sbx", &t), 0);
	assert_int_equal(t, TIER_SBX);
	assert_int_equal(state_tier_parse("gold", &t), -1);
	assert_string_equal(state_tier_name(TIER_ECO_CC), "ECO-CC");
	enum state_service_type s;
	assert_int_equal(state_service_type_parse("tsbaas-multi", &s), 0);
	assert_int_equal(s, SERVICE_TYPE_TSBAAS_MULTI);
	assert_int_equal(state_service_type_parse("other", &s), -1);
	enum state_api a;
	assert_int_equal(state_api_parse("REST", &a), 0);
	assert_int_equal(a, API_REST);
	assert_string_equal(state_step_name(STEP_DONE), "done");
	assert_string_equal(state_step_name(STEP_COUNT), "unknown");
	assert_string_equal(state_rotation_name(ROTATION_FIRST_USE), "first-use");
}

/* The stored step only moves forward (state_reach_step): the wizard's import screen, the core's
 * import and the rotation all advance it, none sets it back. */
static void test_reach_step_never_goes_back(void **unused)
{
	(void)unused;
	struct state st;
	memset(&st, 0, sizeof st);
	st.step = STEP_IMPORT;
	assert_int_equal(state_reach_step(&st, STEP_REVIEW), 1);
	assert_int_equal(st.step, STEP_REVIEW);
	assert_int_equal(state_reach_step(&st, STEP_IMPORT), 0);
	assert_int_equal(st.step, STEP_REVIEW);
	assert_int_equal(state_reach_step(&st, STEP_REVIEW), 0);
	assert_int_equal(state_reach_step(&st, STEP_DONE), 1);
	assert_int_equal(state_reach_step(&st, STEP_SUBSCRIPTION), 0);
	assert_int_equal(st.step, STEP_DONE);
}

/* The TSBaaS rules (state_is_tsbaas, state_service_api): multi-tenant, or an API endpoint; only
 * multi-tenant implies REST. */
static void test_tsbaas_rules(void **unused)
{
	(void)unused;
	struct state st;
	memset(&st, 0, sizeof st);
	assert_false(state_is_tsbaas(&st));
	st.service_type = SERVICE_TYPE_TSBAAS_MULTI;
	assert_true(state_is_tsbaas(&st));
	st.service_type = SERVICE_TYPE_TSBAAS_DEDICATED;
	assert_false(state_is_tsbaas(&st));
	char empty[] = "", url[] = "https://acme.cloudshsm.com";
	st.api_endpoint = empty;
	assert_false(state_is_tsbaas(&st));
	st.api_endpoint = url;
	assert_true(state_is_tsbaas(&st));
	assert_int_equal(state_service_api(SERVICE_TYPE_TSBAAS_MULTI), API_REST);
	assert_int_equal(state_service_api(SERVICE_TYPE_TSBAAS_DEDICATED), API_UNKNOWN);
	assert_int_equal(state_service_api(SERVICE_TYPE_STANDARD), API_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_every_field),
		cmocka_unit_test(test_defaults_are_null),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_load_missing_and_huge),
		cmocka_unit_test(test_event_log_is_capped),
		cmocka_unit_test(test_oversized_old_file_loads_and_compacts),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_reach_step_never_goes_back),
		cmocka_unit_test(test_tsbaas_rules),
	};
	return cmocka_run_group_tests_name("state", tests, testutil_setup, testutil_teardown);
}
