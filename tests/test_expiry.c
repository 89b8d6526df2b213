/* test_expiry.c: the tier rules at 1 s either side of the deadline, Europe/Zurich midnight across the
 * daylight-saving changes (and against the system tz database), missing data, replacement, formats. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "expiry.h"
#include "rotation.h"

#include <sysexits.h>

#define DAY 86400
#define WEEK ((time_t)EXPIRY_LIFETIME_SECONDS)

/* Writable copies of the event kinds (struct state_event holds char *). */
static char k_imported[] = "imported", k_rotated[] = "rotated", k_pkcs11[] = "pkcs11";

/* UTC seconds of a calendar time, computed with timegm so the expectations do not reuse expiry.c. */
static time_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	                .tm_hour = h, .tm_min = mi, .tm_sec = s};
	return timegm(&tm);
}

static void st_zero(struct state *st, enum state_tier tier)
{
	memset(st, 0, sizeof *st);
	st->version = STATE_FORMAT_VERSION;
	st->tier = tier;
	st->engine.slot = -1;
}

static int setup_zurich(void **state)
{
	(void)state;
	/* Only this test process: the product never touches TZ. */
	setenv("TZ", "Europe/Zurich", 1);
	tzset();
	setlocale(LC_ALL, "C");
	return 0;
}

static void test_zurich_midnight_known(void **state)
{
	(void)state;
	assert_int_equal(expiry_zurich_midnight(2026, 11, 27), utc(2026, 11, 26, 23, 0, 0)); /* CET */
	assert_int_equal(expiry_zurich_midnight(2026, 7, 1), utc(2026, 6, 30, 22, 0, 0));    /* CEST */
	/* 2026-03-29 and 2026-10-25 are the switch Sundays: at 00:00 the old offset still holds. */
	assert_int_equal(expiry_zurich_midnight(2026, 3, 29), utc(2026, 3, 28, 23, 0, 0));
	assert_int_equal(expiry_zurich_midnight(2026, 3, 30), utc(2026, 3, 29, 22, 0, 0));
	assert_int_equal(expiry_zurich_midnight(2026, 10, 25), utc(2026, 10, 24, 22, 0, 0));
	assert_int_equal(expiry_zurich_midnight(2026, 10, 26), utc(2026, 10, 25, 23, 0, 0));
	assert_int_equal(expiry_zurich_midnight(2024, 2, 29), utc(2024, 2, 28, 23, 0, 0));
	assert_int_equal(expiry_zurich_midnight(1975, 7, 1), utc(1975, 6, 30, 23, 0, 0)); /* no DST yet */
	assert_int_equal(expiry_zurich_midnight(2026, 2, 29), -1);
	assert_int_equal(expiry_zurich_midnight(2026, 13, 1), -1);
	assert_int_equal(expiry_zurich_midnight(2026, 4, 31), -1);
	assert_int_equal(expiry_zurich_midnight(2026, 1, 0), -1);
}

/* The EU rule in expiry.c against the tz database, every day 1981-2037. */
static void test_zurich_midnight_matches_tzdata(void **state)
{
	(void)state;
	int days = 0;
	for (time_t day = utc(1981, 1, 1, 12, 0, 0); day < utc(2038, 1, 1, 0, 0, 0); day += DAY) {
		struct tm g;
		gmtime_r(&day, &g);
		struct tm l = {.tm_year = g.tm_year, .tm_mon = g.tm_mon, .tm_mday = g.tm_mday, .tm_isdst = -1};
		time_t want = mktime(&l);
		time_t got = expiry_zurich_midnight(g.tm_year + 1900, g.tm_mon + 1, g.tm_mday);
		if (got != want)
			fail_msg("%04d-%02d-%02d: expiry %lld, tzdata %lld", g.tm_year + 1900, g.tm_mon + 1,
			         g.tm_mday, (long long)got, (long long)want);
		days++;
	}
	assert_true(days > 20000);
}

static void check_first_use_tier(enum state_tier tier)
{
	struct state st;
	struct expiry ex;
	st_zero(&st, tier);
	st.first_use = utc(2026, 11, 20, 9, 30, 0);
	time_t deadline = st.first_use + WEEK;

	expiry_compute(&st, deadline - 1, &ex);
	assert_int_equal(ex.state, EXPIRY_RUNNING);
	assert_int_equal(ex.deadline, deadline);
	assert_int_equal(ex.seconds_left, 1);
	assert_int_equal(ex.since, st.first_use);

	expiry_compute(&st, deadline, &ex);
	assert_int_equal(ex.state, EXPIRY_EXPIRED);

	expiry_compute(&st, deadline + 1, &ex);
	assert_int_equal(ex.state, EXPIRY_EXPIRED);
	assert_int_equal(ex.deadline, deadline);
	assert_int_equal(ex.since, deadline);
	assert_null(ex.missing);
}

static void test_sbx(void **state) { (void)state; check_first_use_tier(TIER_SBX); }
static void test_eco(void **state) { (void)state; check_first_use_tier(TIER_ECO); }
static void test_platinum(void **state) { (void)state; check_first_use_tier(TIER_PLATINUM); }

static void test_eco_without_first_use_is_unused(void **state)
{
	(void)state;
	struct state st;
	struct expiry ex;
	struct state_event ev[] = {{utc(2026, 11, 2, 8, 0, 0), k_imported, NULL}};
	st_zero(&st, TIER_ECO);
	st.created = utc(2026, 11, 1, 8, 0, 0);
	st.events = ev;
	st.n_events = 1;
	/* Even years later: without a first use, the 7 days have not started. */
	expiry_compute(&st, utc(2030, 1, 1, 0, 0, 0), &ex);
	assert_int_equal(ex.state, EXPIRY_UNUSED);
	assert_int_equal(ex.deadline, 0);
	assert_int_equal(ex.since, ev[0].at);
	assert_string_equal(expiry_state_name(ex.state), "unused");
}

static void test_eco_cc(void **state)
{
	(void)state;
	struct state st;
	struct expiry ex;
	st_zero(&st, TIER_ECO_CC);
	st.issued = utc(2026, 11, 20, 0, 0, 0);
	st.first_use = utc(2026, 11, 25, 0, 0, 0); /* ignored: ECO-CC counts from the issue date */
	time_t deadline = utc(2026, 11, 26, 23, 0, 0); /* 27 Nov 00:00 CET */

	expiry_compute(&st, deadline - 1, &ex);
	assert_int_equal(ex.state, EXPIRY_RUNNING);
	assert_int_equal(ex.seconds_left, 1);
	assert_int_equal(ex.deadline, deadline);
	assert_int_equal(ex.since, utc(2026, 11, 19, 23, 0, 0));
	expiry_compute(&st, deadline + 1, &ex);
	assert_int_equal(ex.state, EXPIRY_EXPIRED);

	char buf[64];
	expiry_format_local(deadline, buf, sizeof buf);
	assert_string_equal(buf, "Fri 27 Nov 2026 00:00 CET");
}

/* Issued the day before the spring change: the 7 x 24 h run from 00:00 CET, so the deadline falls at
 * 01:00 CEST; the countdown never grants the hour the clocks skip. */
static void test_eco_cc_before_spring_change(void **state)
{
	(void)state;
	struct state st;
	struct expiry ex;
	char buf[64];
	st_zero(&st, TIER_ECO_CC);
	st.issued = utc(2026, 3, 28, 0, 0, 0);
	time_t deadline = utc(2026, 4, 3, 23, 0, 0);
	expiry_compute(&st, utc(2026, 3, 28, 10, 0, 0), &ex);
	assert_int_equal(ex.state, EXPIRY_RUNNING);
	assert_int_equal(ex.deadline, deadline);
	assert_int_equal(ex.seconds_left, deadline - utc(2026, 3, 28, 10, 0, 0));
	expiry_format_local(deadline, buf, sizeof buf);
	assert_string_equal(buf, "Sat 04 Apr 2026 01:00 CEST");
	expiry_compute(&st, deadline - 1, &ex);
	assert_int_equal(ex.state, EXPIRY_RUNNING);
	expiry_compute(&st, deadline + 1, &ex);
	assert_int_equal(ex.state, EXPIRY_EXPIRED);
}

/* Issued the day before the autumn change: counted from 00:00 CEST, the deadline is 23:00 CET. */
static void test_eco_cc_before_autumn_change(void **state)
{
	(void)state;
	struct state st;
	struct expiry ex;
	char buf[64];
	st_zero(&st, TIER_ECO_CC);
	st.issued = utc(2026, 10, 24, 0, 0, 0);
	time_t deadline = utc(2026, 10, 30, 22, 0, 0);
	expiry_compute(&st, deadline - 1, &ex);
	assert_int_equal(ex.state, EXPIRY_RUNNING);
	assert_int_equal(ex.deadline, deadline);
	assert_int_equal(ex.seconds_left, 1);
	expiry_compute(&st, deadline + 1, &ex);
	assert_int_equal(ex.state, EXPIRY_EXPIRED);
	expiry_format_local(deadline, buf, sizeof buf);
	assert_string_equal(buf, "Fri 30 Oct 2026 23:00 CET");
}

static void test_missing_data(void **state)
{
	(void)state;
	struct state st;
	struct expiry ex;
	time_t now = utc(2026, 11, 27, 0, 0, 0);

	st_zero(&st, TIER_UNKNOWN);
	st.first_use = now - DAY;
	expiry_compute(&st, now, &ex);
	assert_int_equal(ex.state, EXPIRY_UNKNOWN);
	assert_string_equal(ex.missing, "the tier");
	assert_string_equal(expiry_state_name(ex.state), "unknown");

	st_zero(&st, TIER_ECO_CC);
	st.first_use = now - DAY;
	expiry_compute(&st, now, &ex);
	assert_int_equal(ex.state, EXPIRY_UNKNOWN);
	assert_string_equal(ex.missing, "the date of issue");
	assert_int_equal(ex.deadline, 0);

	/* The rotation started (first use recorded as a step) but the time is lost. */
	st_zero(&st, TIER_PLATINUM);
	st.rotation = ROTATION_FIRST_USE;
	expiry_compute(&st, now, &ex);
	assert_int_equal(ex.state, EXPIRY_UNKNOWN);
	assert_string_equal(ex.missing, "the time of first use");
}

static void test_replaced(void **state)
{
	(void)state;
	struct state st;
	struct expiry ex;
	time_t now = utc(2026, 11, 27, 0, 0, 0);

	st_zero(&st, TIER_ECO);
	st.first_use = now - 8 * DAY; /* would be expired */
	st.rotation = ROTATION_PROMOTED;
	expiry_compute(&st, now, &ex);
	assert_int_equal(ex.state, EXPIRY_REPLACED);
	assert_string_equal(expiry_state_name(ex.state), "replaced");

	struct state_event ev[] = {
		{now - 9 * DAY, k_imported, NULL},
		{now - 2 * DAY, k_rotated, k_pkcs11},
	};
	st_zero(&st, TIER_ECO_CC); /* no issue date: still replaced, the rotation is what matters */
	st.events = ev;
	st.n_events = 2;
	expiry_compute(&st, now, &ex);
	assert_int_equal(ex.state, EXPIRY_REPLACED);
	assert_int_equal(ex.since, now - 2 * DAY);
}

static void test_renewal_resets(void **state)
{
	(void)state;
	struct state st;
	struct expiry ex;
	time_t now = utc(2026, 11, 27, 0, 0, 0);
	st_zero(&st, TIER_SBX);
	st.first_use = now - 8 * DAY;
	expiry_compute(&st, now, &ex);
	assert_int_equal(ex.state, EXPIRY_EXPIRED);
	/* A renewal clears the first use (import --renew); the new password is unused. */
	st.rotation = ROTATION_FIRST_USE;
	st.step = STEP_ROTATION;
	st.renewal_pending = 1;
	rotation_reset_for_renewal(&st);
	assert_int_equal(st.first_use, 0);
	assert_int_equal(st.renewal_pending, 0);
	assert_int_equal(st.rotation, ROTATION_NONE);
	assert_int_equal(st.step, STEP_COUNTDOWN);
	assert_int_equal(st.n_events, 1);
	assert_string_equal(st.events[0].kind, "renewed");
	expiry_compute(&st, now, &ex);
	assert_int_equal(ex.state, EXPIRY_UNUSED);
	state_free(&st);
}

/* mark-used's rules, one row each: what is refused (and how), what changes nothing, what is recorded. */
static void test_mark_used(void **state)
{
	(void)state;
	const time_t now = utc(2026, 11, 22, 9, 0, 0);
	const time_t issued = utc(2026, 11, 20, 0, 0, 0);
	/* 00:00 Zurich on the date of issue is 23:00 UTC the day before: the earliest allowed. */
	const time_t earliest = utc(2026, 11, 19, 23, 0, 0);
	static const struct {
		const char *name;
		enum state_tier tier;
		enum state_rotation rotation;
		int has_first_use; /* a first use recorded a day before now */
		long long at_from_now;
		int before_issue;  /* at = earliest - 1 instead */
		int rc, changed;
	} rows[] = {
		{"ECO: recorded", TIER_ECO, ROTATION_NONE, 0, -3600, 0, EX_OK, 1},
		{"SBX: recorded", TIER_SBX, ROTATION_NONE, 0, 0, 0, EX_OK, 1},
		{"PLATINUM: earlier than recorded", TIER_PLATINUM, ROTATION_NONE, 1, -2 * DAY, 0, EX_OK, 1},
		{"later than recorded: nothing changes", TIER_ECO, ROTATION_NONE, 1, -3600, 0, EX_OK, 0},
		{"ECO-CC: the rule does not apply", TIER_ECO_CC, ROTATION_NONE, 0, -3600, 0, EX_USAGE, 0},
		{"no tier: cannot be dated", TIER_UNKNOWN, ROTATION_NONE, 0, -3600, 0, EX_DATAERR, 0},
		{"after the rotation", TIER_ECO, ROTATION_VERIFIED, 0, -3600, 0, EX_USAGE, 0},
		{"in the future", TIER_ECO, ROTATION_NONE, 0, 60, 0, EX_USAGE, 0},
		{"before the date of issue", TIER_ECO, ROTATION_NONE, 0, 0, 1, EX_USAGE, 0},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct state st;
		st_zero(&st, rows[i].tier);
		st.issued = issued;
		st.rotation = rows[i].rotation;
		time_t before = rows[i].has_first_use ? now - DAY : 0;
		st.first_use = before;
		time_t at = rows[i].before_issue ? earliest - 1 : now + rows[i].at_from_now;
		struct diag d;
		diag_clear(&d);
		int changed = -1;
		int rc = expiry_mark_used(&st, "P1", at, now, &changed, &d);
		if (rc != rows[i].rc || changed != rows[i].changed)
			fail_msg("%s: rc %d changed %d (%s)", rows[i].name, rc, changed, d.msg);
		assert_int_equal(st.first_use, changed ? at : before);
		assert_int_equal(st.n_events, (size_t)changed);
		if (rc != EX_OK)
			assert_true(d.msg[0] != '\0');
		state_free(&st);
	}
	/* Exactly the earliest instant is allowed. */
	struct state st;
	st_zero(&st, TIER_ECO);
	st.issued = issued;
	struct diag d;
	int changed = 0;
	assert_int_equal(expiry_mark_used(&st, "P1", earliest, now, &changed, &d), EX_OK);
	assert_int_equal(changed, 1);
	state_free(&st);
}

static void test_format_left(void **state)
{
	(void)state;
	char buf[64];
	expiry_format_left(2 * DAY + 4 * 3600 + 13 * 60 + 5, buf, sizeof buf);
	assert_string_equal(buf, "2 d 04 h 13 min");
	expiry_format_left(7 * DAY, buf, sizeof buf);
	assert_string_equal(buf, "7 d 00 h 00 min");
	expiry_format_left(5 * 3600 + 3 * 60 + 59, buf, sizeof buf);
	assert_string_equal(buf, "5 h 03 min");
	expiry_format_left(125, buf, sizeof buf);
	assert_string_equal(buf, "2 min 05 s");
	expiry_format_left(7, buf, sizeof buf);
	assert_string_equal(buf, "7 s");
	expiry_format_left(-5, buf, sizeof buf);
	assert_string_equal(buf, "0 s");
	expiry_format_left(1, buf, 4); /* truncates, never overflows */
	assert_string_equal(buf, "1 s");
}

static void test_names_and_rules(void **state)
{
	(void)state;
	assert_string_equal(expiry_state_name(EXPIRY_RUNNING), "running");
	assert_string_equal(expiry_state_name(EXPIRY_EXPIRED), "expired");
	assert_string_equal(expiry_state_name((enum expiry_state)99), "unknown");
	assert_non_null(strstr(expiry_rule_text(TIER_ECO_CC), "Europe/Zurich"));
	assert_non_null(strstr(expiry_rule_text(TIER_SBX), "first use"));
	assert_string_equal(expiry_rule_text(TIER_ECO), expiry_rule_text(TIER_PLATINUM));
}

static void test_parse_time(void **state)
{
	(void)state;
	time_t t;
	assert_int_equal(expiry_parse_time("2026-11-24T06:26:40Z", &t), 0);
	assert_int_equal(t, utc(2026, 11, 24, 6, 26, 40));
	assert_int_equal(expiry_parse_time("2026-11-24T06:26Z", &t), 0);
	assert_int_equal(t, utc(2026, 11, 24, 6, 26, 0));
	assert_int_equal(expiry_parse_time("2026-11-24T08:26:40+02:00", &t), 0);
	assert_int_equal(t, utc(2026, 11, 24, 6, 26, 40));
	assert_int_equal(expiry_parse_time("2026-11-24T01:26:40-0500", &t), 0);
	assert_int_equal(t, utc(2026, 11, 24, 6, 26, 40));
	/* Local (TZ=Europe/Zurich here): CET in November, CEST in July. */
	assert_int_equal(expiry_parse_time("2026-11-24 07:26", &t), 0);
	assert_int_equal(t, utc(2026, 11, 24, 6, 26, 0));
	assert_int_equal(expiry_parse_time("2026-07-01T10:00:05", &t), 0);
	assert_int_equal(t, utc(2026, 7, 1, 8, 0, 5));
	/* 02:30 on 29 March 2026 does not exist in Zurich. */
	assert_int_equal(expiry_parse_time("2026-03-29 02:30", &t), EXPIRY_TIME_NONEXISTENT);
	const char *bad[] = {"", "yesterday", "2026-11-24", "2026-11-24 7:26", "2026-13-01 00:00",
	                     "2026-02-29 00:00", "2026-11-24 24:00", "2026-11-24T06:26:40Q",
	                     "2026-11-24T06:26:40+25:00", "2026-11-24T06:26:40Zjunk", "2026/11/24 06:26"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (expiry_parse_time(bad[i], &t) != EXPIRY_TIME_INVALID)
			fail_msg("'%s' was accepted", bad[i]);
	assert_int_equal(expiry_parse_time(NULL, &t), EXPIRY_TIME_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zurich_midnight_known),
		cmocka_unit_test(test_zurich_midnight_matches_tzdata),
		cmocka_unit_test(test_sbx),
		cmocka_unit_test(test_eco),
		cmocka_unit_test(test_platinum),
		cmocka_unit_test(test_eco_without_first_use_is_unused),
		cmocka_unit_test(test_eco_cc),
		cmocka_unit_test(test_eco_cc_before_spring_change),
		cmocka_unit_test(test_eco_cc_before_autumn_change),
		cmocka_unit_test(test_missing_data),
		cmocka_unit_test(test_replaced),
		cmocka_unit_test(test_renewal_resets),
		cmocka_unit_test(test_mark_used),
		cmocka_unit_test(test_format_left),
		cmocka_unit_test(test_names_and_rules),
		cmocka_unit_test(test_parse_time),
	};
	return cmocka_run_group_tests_name("expiry", tests, setup_zurich, NULL);
}
