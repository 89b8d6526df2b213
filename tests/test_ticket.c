/* test_ticket.c: every ticket format holds every required field, the statements and the "not expired"
 * notice at the top; text fits 80 columns; markdown is a table; JSON follows the schema in ticket.h;
 * hostile state strings are neutralized; and nothing shaped like a secret gets in. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <locale.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "expiry.h"
#include "qr.h"
#include "ticket.h"

static time_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
	return timegm(&tm);
}

/* Invented values. The secrets below are what the vault of such a profile would hold; the ticket
 * code is never given them, and the outputs must not contain them nor anything shaped like them. */
static char hsm_user[] = "ACME_ECO_7781", service_user[] = "svc-ACME_ECO_7781", company[] = "ACME",
            service[] = "eco", cluster[] = "ECO01", err_code[] = "CKR_PIN_INCORRECT",
            err_msg[] = "The PIN is incorrect (the setup password was refused)",
            ep1[] = "eco01-master.example.invalid:2310", ep2[] = "eco01-clone.example.invalid:2310",
            cat_ok[] = "ok", cat_to[] = "timeout";
static const char *const secrets[] = {"FDgKb-zxsPR-ud6EN-GK6Jz-adrvB", "x7Q!svcPassw0rd#1",
                                      "1234567890abcdef", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"};
static const char *const hosts[] = {"eco01-master.example.invalid", "eco01-clone.example.invalid"};

static struct state_check checks[2];
static struct state st;
static struct ticket_options opt;
static const time_t first_use_t = 1795501600; /* 2026-11-24 06:26:40 UTC */

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "Europe/Zurich", 1); /* this test process only */
	tzset();
	setlocale(LC_ALL, "C");
	return 0;
}

static void fill(void)
{
	memset(&st, 0, sizeof st);
	st.version = STATE_FORMAT_VERSION;
	st.tier = TIER_ECO;
	st.service_type = SERVICE_TYPE_STANDARD;
	st.api = API_PKCS11;
	st.hsm_user = hsm_user;
	st.service_user = service_user;
	st.company = company;
	st.service = service;
	st.cluster = cluster;
	st.issued = utc(2026, 11, 20, 0, 0);
	st.first_use = first_use_t;
	st.engine.slot = -1;
	st.last_error.at = first_use_t + 60;
	st.last_error.code = err_code;
	st.last_error.message = err_msg;
	checks[0] = (struct state_check){ep1, cat_ok, 12};
	checks[1] = (struct state_check){ep2, cat_to, 5000};
	st.checks = checks;
	st.n_checks = 2;
	st.checked_at = first_use_t - 600;

	memset(&opt, 0, sizeof opt);
	opt.profile = "acme-eco";
	opt.contract = "OFFER-2026-0042";
	opt.contact = "Jane Doe, +41 00 000 00 00";
	opt.generated = first_use_t + 8 * 86400;
	opt.tool_version = "9.9.9-test";
	opt.os = "TestOS 1.0 x86_64";
	opt.hosts = hosts;
	opt.n_hosts = 2;
}

static char *render(enum ticket_format f, time_t now)
{
	struct expiry ex;
	struct diag d;
	char *out = NULL;
	diag_clear(&d);
	expiry_compute(&st, now, &ex);
	assert_int_equal(ticket_render(&st, &ex, &opt, f, &out, &d), EX_OK);
	assert_non_null(out);
	return out;
}

static void assert_has(const char *doc, const char *what)
{
	if (!strstr(doc, what))
		fail_msg("'%s' missing from:\n%s", what, doc);
}

/* As assert_has, but the phrase may be wrapped: runs of blanks in doc count as one space. */
static char *flatten(const char *s)
{
	char *flat = malloc(strlen(s) + 1), *o = flat;
	assert_non_null(flat);
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '\n') {
			if (o == flat || o[-1] != ' ')
				*o++ = ' ';
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return flat;
}

static void assert_has_flow(const char *doc, const char *what)
{
	char *flat = flatten(doc), *w = flatten(what);
	if (!strstr(flat, w))
		fail_msg("'%s' missing from:\n%s", what, doc);
	free(flat);
	free(w);
}

static void assert_no_secret(const char *doc)
{
	for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
		if (strstr(doc, secrets[i]))
			fail_msg("secret %zu found in the ticket", i);
	/* Nothing shaped like a setup password (5 groups of 5 letters and digits). */
	regex_t re;
	assert_int_equal(regcomp(&re, "[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){4}", REG_EXTENDED | REG_NOSUB), 0);
	assert_int_not_equal(regexec(&re, doc, 0, NULL, 0), 0);
	regfree(&re);
}

static void test_text_fields(void **state)
{
	(void)state;
	fill();
	char *t = render(TICKET_FORMAT_TEXT, opt.generated);
	/* Where the renewal is asked for, the P1 rule and the Partition SO caveat (support terms). */
	assert_non_null(strstr(t, "support.securosys.com/external/service-catalogue/18"));
	assert_non_null(strstr(t, "confirmed by phone"));
	assert_non_null(strstr(t, "Partition SO"));
	const char *want[] = {
	    "Request:",
	    "Renewal of the HSM setup password for HSM user ACME_ECO_7781",
	    "Company:            ACME",
	    "Service:            eco",
	    "Tier:               ECO",
	    "Service type:       standard",
	    "HSM user:           ACME_ECO_7781",
	    "Service user:       svc-ACME_ECO_7781",
	    "Cluster:            ECO01",
	    "Hosts:              eco01-master.example.invalid, eco01-clone.example.invalid",
	    /* a date, not a moment: nothing between it and the next field */
	    "Date of issue:      2026-11-20\nFirst use:",
	    "First use:          2026-11-24 06:26 UTC (Tue 24 Nov 2026 07:26 CET)",
	    "Expiry:             2026-12-01 06:26 UTC (Tue 01 Dec 2026 07:26 CET)",
	    "State:              expired since 2026-12-01 06:26 UTC",
	    "Last error:         CKR_PIN_INCORRECT: The PIN is incorrect",
	    "Preflight:          2026-11-24 06:16 UTC",
	    "eco01-master.example.invalid:2310 ok (12 ms)",
	    "timeout (5000 ms)",
	    "Contract/offer:     OFFER-2026-0042",
	    "Contact:            Jane Doe, +41 00 000 00 00",
	    "Generated:          2026-12-02 06:26 UTC",
	    "Tool:               hsm-onboard 9.9.9-test",
	    "OS:                 TestOS 1.0 x86_64",
	    "Profile:            acme-eco",
	    "Expiry rule:",
	    "after its first use",
	    "A renewal of the setup password incurs costs.",
	    "Only registered support users can file support tickets.",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_has_flow(t, want[i]);
	assert_null(strstr(t, "NOT expired")); /* it is expired: no notice */
	assert_no_secret(t);
	free(t);
}

static size_t columns(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

static void test_text_fits_80_columns(void **state)
{
	(void)state;
	fill();
	char longmsg[600];
	memset(longmsg, 0, sizeof longmsg);
	for (int i = 0; i < 40; i++)
		strcat(longmsg, "word√ü ");
	strcat(longmsg, "Averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryverylongword end");
	st.last_error.message = longmsg;
	char *t = render(TICKET_FORMAT_TEXT, first_use_t + 3600);
	int lines = 0;
	for (const char *p = t; *p;) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);
		if (columns(p, (size_t)(nl - p)) > TICKET_WIDTH)
			fail_msg("line over 80 columns: %.*s", (int)(nl - p), p);
		p = nl + 1;
		lines++;
	}
	assert_true(lines > 25);
	/* The wrapped message keeps its words and the continuation is aligned under the value. */
	assert_has(t, "Averyveryveryveryvery");
	assert_has(t, "\n                    word√ü word√ü");
	assert_has_flow(t, " end; recorded 2026-11-24 06:27 UTC");
	free(t);
}

static void test_notice_when_not_expired(void **state)
{
	(void)state;
	fill();
	/* 2 d 04 h 13 min before the deadline. */
	time_t deadline = first_use_t + EXPIRY_LIFETIME_SECONDS;
	time_t now = deadline - (2 * 86400 + 4 * 3600 + 13 * 60 + 30);
	for (int f = TICKET_FORMAT_TEXT; f <= TICKET_FORMAT_JSON; f++) {
		char *t = render((enum ticket_format)f, now);
		assert_has_flow(t, "NOTE: the setup password has NOT expired: 2 d 04 h 13 min left, until "
		                   "Tue 01 Dec 2026 07:26 CET.");
		const char *n = strstr(t, "NOTE: the setup password has NOT expired:");
		assert_non_null(n);
		/* At the top: before the request line. */
		assert_true(n < strstr(t, "Renewal of the HSM setup password for HSM user"));
		free(t);
	}
	/* Unused, replaced and unknown also say it at the top. */
	st.first_use = 0;
	char *t = render(TICKET_FORMAT_TEXT, now);
	assert_has_flow(t, "has NOT expired: it has not been used yet");
	free(t);
	st.rotation = ROTATION_VERIFIED;
	t = render(TICKET_FORMAT_TEXT, now);
	assert_has_flow(t, "has NOT expired: the rotation already replaced it");
	assert_has(t, "replaced by the rotation");
	free(t);
	st.rotation = ROTATION_NONE;
	st.tier = TIER_UNKNOWN;
	t = render(TICKET_FORMAT_MARKDOWN, now);
	assert_has(t, "NOTE: it is not known whether the setup password has expired: the tier is missing.");
	assert_has(t, "| Tier | unknown |");
	free(t);
}

static void test_markdown(void **state)
{
	(void)state;
	char pipe_company[] = "ACME | Holding_AG";
	fill();
	st.company = pipe_company;
	char *t = render(TICKET_FORMAT_MARKDOWN, opt.generated);
	assert_true(strncmp(t, "# HSM setup password renewal request\n", 37) == 0);
	assert_has(t, "| Field | Value |\n| --- | --- |\n");
	const char *want[] = {
	    "| Request | Renewal of the HSM setup password for HSM user ACME_ECO_7781 |",
	    "| Company | ACME \\| Holding_AG |",
	    "| Service | eco |",
	    "| Tier | ECO |",
	    "| Service type | standard |",
	    "| HSM user | ACME_ECO_7781 |",
	    "| Service user | svc-ACME_ECO_7781 |",
	    "| Cluster | ECO01 |",
	    "| Hosts | eco01-master.example.invalid, eco01-clone.example.invalid |",
	    "| Date of issue | 2026-11-20 |",
	    "| First use | 2026-11-24 06:26 UTC (Tue 24 Nov 2026 07:26 CET) |",
	    "| Expiry | 2026-12-01 06:26 UTC (Tue 01 Dec 2026 07:26 CET) |",
	    "| State | expired since 2026-12-01 06:26 UTC (Tue 01 Dec 2026 07:26 CET) |",
	    "| Last error | CKR_PIN_INCORRECT: The PIN is incorrect",
	    "| Preflight | 2026-11-24 06:16 UTC",
	    "| Contract/offer | OFFER-2026-0042 |",
	    "| Contact | Jane Doe, +41 00 000 00 00 |",
	    "| Generated | 2026-12-02 06:26 UTC",
	    "| Tool | hsm-onboard 9.9.9-test |",
	    "| OS | TestOS 1.0 x86_64 |",
	    "- A renewal of the setup password incurs costs.",
	    "- Only registered support users can file support tickets.",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_has(t, want[i]);
	/* Every table line has exactly 3 unescaped pipes: 2 columns. */
	for (const char *p = strstr(t, "| Field"); p && *p == '|';) {
		const char *nl = strchr(p, '\n');
		int pipes = 0;
		for (const char *q = p; q < nl; q++)
			pipes += *q == '|' && (q == p || q[-1] != '\\');
		assert_int_equal(pipes, 3);
		p = nl + 1;
	}
	assert_no_secret(t);
	free(t);
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		fail_msg("%s is not a string", key);
	return json_string_value(v);
}

/* The ticket of the current st and opt in JSON, parsed; *text keeps the rendered text. */
static json_t *render_json(char **text)
{
	*text = render(TICKET_FORMAT_JSON, opt.generated);
	json_error_t e;
	json_t *j = json_loads(*text, 0, &e);
	if (!j)
		fail_msg("JSON: %s at line %d", e.text, e.line);
	return j;
}

static void test_json_schema(void **state)
{
	(void)state;
	fill();
	char *t;
	json_t *j = render_json(&t);
	const char *keys[] = {"schema",     "notice",       "request",        "profile",      "company",
	                      "service",    "tier",         "service_type",   "hsm_user",     "service_user",
	                      "cluster",    "hosts",        "setup_password", "last_error",   "preflight",
	                      "contract",   "contact",      "generated_at",   "tool_version", "os",
	                      "statements", "partition_log"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!json_object_get(j, keys[i]))
			fail_msg("key %s missing", keys[i]);
	assert_int_equal(json_object_size(j), sizeof keys / sizeof keys[0]);
	assert_string_equal(jstr(j, "schema"), "hsm-onboard-ticket/1");
	assert_string_equal(jstr(j, "request"), "Renewal of the HSM setup password for HSM user ACME_ECO_7781");
	assert_true(json_is_null(json_object_get(j, "notice")));
	assert_true(json_is_null(json_object_get(j, "partition_log")));
	assert_string_equal(jstr(j, "profile"), "acme-eco");
	assert_string_equal(jstr(j, "company"), "ACME");
	assert_string_equal(jstr(j, "service"), "eco");
	assert_string_equal(jstr(j, "tier"), "ECO");
	assert_string_equal(jstr(j, "service_type"), "standard");
	assert_string_equal(jstr(j, "hsm_user"), "ACME_ECO_7781");
	assert_string_equal(jstr(j, "service_user"), "svc-ACME_ECO_7781");
	assert_string_equal(jstr(j, "cluster"), "ECO01");
	json_t *h = json_object_get(j, "hosts");
	assert_int_equal(json_array_size(h), 2);
	assert_string_equal(json_string_value(json_array_get(h, 0)), "eco01-master.example.invalid");

	json_t *sp = json_object_get(j, "setup_password");
	assert_string_equal(jstr(sp, "state"), "expired");
	assert_string_equal(jstr(sp, "issued"), "2026-11-20T00:00:00Z");
	assert_string_equal(jstr(sp, "first_use"), "2026-11-24T06:26:40Z");
	assert_string_equal(jstr(sp, "expires_at"), "2026-12-01T06:26:40Z");
	assert_string_equal(jstr(sp, "since"), "2026-12-01T06:26:40Z");
	assert_string_equal(jstr(sp, "expires_at_local"), "2026-12-01T07:26:40+01:00");
	assert_string_equal(jstr(sp, "issued_local"), "2026-11-20T01:00:00+01:00");
	assert_string_equal(jstr(sp, "first_use_local"), "2026-11-24T07:26:40+01:00");
	assert_true(json_is_null(json_object_get(sp, "seconds_left")));
	assert_true(json_is_null(json_object_get(sp, "missing")));
	assert_non_null(strstr(jstr(sp, "rule"), "first use"));

	json_t *le = json_object_get(j, "last_error");
	assert_string_equal(jstr(le, "code"), "CKR_PIN_INCORRECT");
	assert_string_equal(jstr(le, "message"), err_msg);
	assert_string_equal(jstr(le, "at"), "2026-11-24T06:27:40Z");
	json_t *pf = json_object_get(j, "preflight");
	assert_string_equal(jstr(pf, "checked_at"), "2026-11-24T06:16:40Z");
	json_t *c1 = json_array_get(json_object_get(pf, "checks"), 1);
	assert_string_equal(jstr(c1, "endpoint"), ep2);
	assert_string_equal(jstr(c1, "category"), "timeout");
	assert_int_equal(json_integer_value(json_object_get(c1, "latency_ms")), 5000);
	assert_string_equal(jstr(j, "contract"), "OFFER-2026-0042");
	assert_string_equal(jstr(j, "contact"), "Jane Doe, +41 00 000 00 00");
	assert_string_equal(jstr(j, "generated_at"), "2026-12-02T06:26:40Z");
	assert_string_equal(jstr(j, "tool_version"), "9.9.9-test");
	assert_string_equal(jstr(j, "os"), "TestOS 1.0 x86_64");
	json_t *s = json_object_get(j, "statements");
	assert_int_equal(json_array_size(s), 4);
	assert_non_null(strstr(json_string_value(json_array_get(s, 2)), "confirmed by phone"));
	assert_non_null(strstr(json_string_value(json_array_get(s, 3)), "Partition SO"));
	assert_string_equal(json_string_value(json_array_get(s, 0)),
	                    "A renewal of the setup password incurs costs.");
	assert_no_secret(t);
	json_decref(j);
	free(t);
}

/* Running: seconds_left is the integer; unknown fields are null, not "unknown". */
static void test_json_running(void **state)
{
	(void)state;
	fill();
	st.first_use = 0;
	st.issued = 0;
	st.company = NULL;
	st.cluster = NULL;
	st.last_error.at = 0;
	st.last_error.code = st.last_error.message = NULL;
	st.n_checks = 0;
	st.checked_at = 0;
	opt.contract = opt.contact = NULL;
	opt.n_hosts = 0;
	st.tier = TIER_PLATINUM;
	st.first_use = opt.generated - 100;
	char *t;
	json_t *j = render_json(&t);
	json_t *sp = json_object_get(j, "setup_password");
	assert_string_equal(jstr(sp, "state"), "running");
	assert_int_equal(json_integer_value(json_object_get(sp, "seconds_left")), EXPIRY_LIFETIME_SECONDS - 100);
	assert_true(json_is_null(json_object_get(sp, "issued")));
	assert_non_null(strstr(jstr(j, "notice"), "NOT expired"));
	const char *nulls[] = {"company", "cluster", "last_error", "preflight", "contract", "contact"};
	for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
		if (!json_is_null(json_object_get(j, nulls[i])))
			fail_msg("%s should be null", nulls[i]);
	assert_int_equal(json_array_size(json_object_get(j, "hosts")), 0);
	json_decref(j);
	free(t);
}

static void test_hostile_strings(void **state)
{
	(void)state;
	fill();
	char evil[] = "AC\x1b[2J\rME\n";
	st.company = evil;
	for (int f = TICKET_FORMAT_TEXT; f <= TICKET_FORMAT_MARKDOWN; f++) {
		char *t = render((enum ticket_format)f, opt.generated);
		assert_null(strchr(t, '\x1b'));
		assert_null(strchr(t, '\r'));
		assert_has(t, "AC [2J ME");
		free(t);
	}
	char *t;
	json_t *j = render_json(&t);
	assert_null(strchr(t, '\x1b'));
	assert_string_equal(jstr(j, "company"), evil); /* JSON keeps the exact value, escaped */
	json_decref(j);
	free(t);
}

/* The partition log comes from the HSM: no escape sequence, carriage return or stray byte reaches the
 * ticket, a markdown fence cannot be closed from inside, and the JSON stays valid. */
static void test_partition_log(void **state)
{
	(void)state;
	fill();
	opt.partition_log = "Dump log starting from 2026-11-20 00:00 UTC\r\nUser: X\x1b[2J\t```\xff end\n";
	char *t = render(TICKET_FORMAT_TEXT, opt.generated);
	assert_has(t, "Partition log (ppin --fetchlog)");
	assert_has(t, "Dump log starting from 2026-11-20 00:00 UTC\nUser: X?[2J ```? end\n");
	assert_null(strchr(t, '\x1b'));
	assert_null(strchr(t, '\r'));
	free(t);
	t = render(TICKET_FORMAT_MARKDOWN, opt.generated);
	assert_has(t, "```text\nDump log starting from 2026-11-20 00:00 UTC\nUser: X?[2J \'\'\'? end\n```\n");
	free(t);
	json_t *j = render_json(&t);
	assert_string_equal(jstr(j, "partition_log"),
	                    "Dump log starting from 2026-11-20 00:00 UTC\nUser: X?[2J ```? end");
	json_decref(j);
	free(t);
	/* Asked for but not available: the ticket says why. */
	opt.partition_log = NULL;
	opt.partition_log_error = "ppin --fetchlog: access disabled\x1b (0x80000069)";
	for (int f = TICKET_FORMAT_TEXT; f <= TICKET_FORMAT_JSON; f++) {
		t = render((enum ticket_format)f, opt.generated);
		assert_has(t, "partition log not available: ppin --fetchlog: access disabled");
		assert_null(strchr(t, '\x1b'));
		free(t);
	}
	opt.partition_log_error = NULL;
}

static void test_qr_summary(void **state)
{
	(void)state;
	fill();
	struct expiry ex;
	struct diag d;
	char *s = NULL;
	diag_clear(&d);
	expiry_compute(&st, opt.generated, &ex);
	assert_int_equal(ticket_qr_summary(&st, &ex, &opt, &s, &d), EX_OK);
	assert_has(s, "HSM user: ACME_ECO_7781\n");
	assert_has(s, "Tier: ECO\n");
	assert_has(s, "State: expired\n");
	assert_has(s, "Expiry: 2026-12-01T06:26:40Z\n");
	assert_has(s, "Contract: OFFER-2026-0042\n");
	assert_has(s, "Contact: Jane Doe");
	assert_no_secret(s);
	struct qr_text q;
	assert_int_equal(qr_render(s, 0, &q, &d), EX_OK);
	if (q.version > 10) /* small enough to scan from a screen */
		fail_msg("version %d for %zu bytes:\n%s", q.version, strlen(s), s);
	qr_text_free(&q);
	free(s);
}

static void test_format_parse(void **state)
{
	(void)state;
	enum ticket_format f;
	assert_int_equal(ticket_format_parse("text", &f), 0);
	assert_int_equal(f, TICKET_FORMAT_TEXT);
	assert_int_equal(ticket_format_parse("markdown", &f), 0);
	assert_int_equal(f, TICKET_FORMAT_MARKDOWN);
	assert_int_equal(ticket_format_parse("md", &f), 0);
	assert_int_equal(ticket_format_parse("json", &f), 0);
	assert_int_equal(f, TICKET_FORMAT_JSON);
	assert_int_equal(ticket_format_parse("pdf", &f), -1);
	assert_int_equal(ticket_format_parse(NULL, &f), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_fields),
	    cmocka_unit_test(test_text_fits_80_columns),
	    cmocka_unit_test(test_notice_when_not_expired),
	    cmocka_unit_test(test_markdown),
	    cmocka_unit_test(test_json_schema),
	    cmocka_unit_test(test_json_running),
	    cmocka_unit_test(test_hostile_strings),
	    cmocka_unit_test(test_partition_log),
	    cmocka_unit_test(test_qr_summary),
	    cmocka_unit_test(test_format_parse),
	};
	return cmocka_run_group_tests_name("ticket", tests, setup, NULL);
}
