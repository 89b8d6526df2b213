/* expiry.c: the setup password's lifetime, per tier (expiry.h).
 *
 * Europe/Zurich without the tz database: the wizard and the CLI share this library, and switching TZ
 * with setenv()+tzset() would change every other time the process shows, and is not thread-safe. The
 * rule is small and stable: Switzerland has followed the EU rule since 1981, CET (UTC+1) in winter and
 * CEST (UTC+2) from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC (of
 * September up to 1995). Local
 * midnight is never inside the switch hour (02:00-03:00 local), so the offset at 00:00 on a date is the
 * offset of the whole previous evening, and follows from the date alone. test_expiry cross-checks this
 * against the system's tz database for every day of 1981-2037. Before 1981 there was no DST: UTC+1. */
#include "config.h"

#include "expiry.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (the civil-from-days inverse, see
 * H. Hinnant's "chrono-compatible low-level date algorithms"). */
static long long expiry_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	const long long era = (y >= 0 ? y : y - 399) / 400;
	const long long yoe = y - era * 400;
	const long long doy = (153LL * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int expiry_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int expiry_month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && expiry_leap(y) ? 29 : days[m - 1];
}

/* Days since the epoch of the last Sunday of month m. */
static long long expiry_last_sunday(int y, int m)
{
	long long last = expiry_days_from_civil(y, m, expiry_month_days(y, m));
	/* 1970-01-01 was a Thursday: weekday 4 with Sunday 0. */
	long long wday = ((last % 7) + 7 + 4) % 7;
	return last - wday;
}

time_t expiry_zurich_midnight(int year, int month, int day)
{
	if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1 ||
	    day > expiry_month_days(year, month))
		return -1;
	long long days = expiry_days_from_civil(year, month, day);
	int offset_h = 1;
	/* At 00:00 on the switch Sunday the switch (01:00 UTC) has not happened yet: summer time holds
	 * on the days after the March Sunday, up to and including the October Sunday. */
	if (year >= 1981 && days > expiry_last_sunday(year, 3) &&
	    days <= expiry_last_sunday(year, year >= 1996 ? 10 : 9))
		offset_h = 2;
	long long t = days * 86400LL - offset_h * 3600LL;
	if ((long long)(time_t)t != t)
		return -1;
	return (time_t)t;
}

static int expiry_rotated(const struct state *st, time_t *at)
{
	int found = 0;
	*at = 0;
	for (size_t i = 0; i < st->n_events; i++) {
		if (st->events[i].kind && strcmp(st->events[i].kind, "rotated") == 0) {
			found = 1;
			*at = st->events[i].at;
		} else if (st->events[i].kind && strcmp(st->events[i].kind, "renewed") == 0) {
			/* A renewal brings a new setup password, not yet replaced. */
			found = 0;
			*at = 0;
		}
	}
	if (st->rotation >= ROTATION_PROMOTED)
		found = 1;
	return found;
}

/* When the current setup password arrived: the last import or renewal, else the profile's creation. */
static time_t expiry_arrived(const struct state *st)
{
	time_t at = 0;
	for (size_t i = 0; i < st->n_events; i++) {
		const char *k = st->events[i].kind;
		if (k && (strcmp(k, "imported") == 0 || strcmp(k, "renewed") == 0))
			at = st->events[i].at;
	}
	return at ? at : st->created;
}

time_t expiry_handed_over(const struct state *st)
{
	time_t arrived = expiry_arrived(st), at = 0;
	for (size_t i = 0; i < st->n_events; i++) {
		const char *k = st->events[i].kind;
		if (k && strcmp(k, "handed-over") == 0 && st->events[i].at >= arrived)
			at = st->events[i].at;
	}
	return at;
}

void expiry_compute(const struct state *st, time_t now, struct expiry *out)
{
	memset(out, 0, sizeof *out);
	out->state = EXPIRY_UNKNOWN;

	time_t start = 0;
	if (st->tier == TIER_ECO_CC) {
		if (st->issued > 0) {
			struct tm tm;
			if (gmtime_r(&st->issued, &tm)) {
				start = expiry_zurich_midnight(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
				if (start < 0)
					start = 0;
			}
		}
	} else if (st->tier != TIER_UNKNOWN) {
		start = st->first_use;
		/* Handed over to TSB or XKS and no first use recorded: the product may have logged in at
		 * once, so the countdown never shows more time than the customer may have. */
		if (start == 0 && st->rotation == ROTATION_NONE && (start = expiry_handed_over(st)) > 0)
			out->worst_case = 1;
	}
	if (start > 0)
		out->deadline = start + EXPIRY_LIFETIME_SECONDS;

	time_t rotated_at;
	if (expiry_rotated(st, &rotated_at)) {
		/* The setup password is gone from the HSM: its deadline no longer matters. */
		out->state = EXPIRY_REPLACED;
		out->since = rotated_at;
		return;
	}
	if (st->tier == TIER_UNKNOWN) {
		out->missing = _("the tier");
		return;
	}
	if (st->tier == TIER_ECO_CC && start == 0) {
		out->missing = _("the date of issue");
		return;
	}
	if (start == 0) {
		/* The rotation records the first use right before the setup password is sent (a saved
		 * PENDING alone sends nothing); if it got that far but no time is recorded, the clock is
		 * running from an unknown moment. */
		if (st->rotation == ROTATION_FIRST_USE || st->rotation >= ROTATION_PROMOTED) {
			out->missing = _("the time of first use");
			return;
		}
		out->state = EXPIRY_UNUSED;
		out->since = expiry_arrived(st);
		return;
	}
	if (now < out->deadline) {
		out->state = EXPIRY_RUNNING;
		out->seconds_left = (long long)out->deadline - (long long)now;
		out->since = start;
	} else {
		out->state = EXPIRY_EXPIRED;
		out->since = out->deadline;
	}
}

enum expiry_urgency expiry_urgency(const struct expiry *ex)
{
	if (ex->state == EXPIRY_EXPIRED ||
	    (ex->state == EXPIRY_RUNNING && ex->seconds_left < EXPIRY_CRIT_SECONDS))
		return EXPIRY_CRIT;
	return ex->state == EXPIRY_RUNNING && ex->seconds_left < EXPIRY_WARN_SECONDS ? EXPIRY_WARN : EXPIRY_CALM;
}

const char *expiry_state_name(enum expiry_state s)
{
	switch (s) {
	case EXPIRY_UNUSED: return "unused";
	case EXPIRY_RUNNING: return "running";
	case EXPIRY_EXPIRED: return "expired";
	case EXPIRY_REPLACED: return "replaced";
	case EXPIRY_UNKNOWN: break;
	}
	return "unknown";
}

void expiry_format_left(long long seconds, char *buf, size_t size)
{
	if (seconds < 0)
		seconds = 0;
	long long days = seconds / 86400;
	int hours = (int)(seconds % 86400 / 3600);
	int mins = (int)(seconds % 3600 / 60);
	if (days > 0)
		snprintf(buf, size, _("%lld d %02d h %02d min"), days, hours, mins);
	else if (hours > 0)
		snprintf(buf, size, _("%d h %02d min"), hours, mins);
	else if (mins > 0)
		snprintf(buf, size, _("%d min %02d s"), mins, (int)(seconds % 60));
	else
		snprintf(buf, size, _("%d s"), (int)seconds);
}

void expiry_format_local(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (size == 0)
		return;
	buf[0] = '\0';
	if (!localtime_r(&t, &tm))
		return;
	/* TRANSLATORS: strftime format of a deadline: weekday, day, month, year, time and zone. Keep %Z. */
	if (strftime(buf, size, _("%a %d %b %Y %H:%M %Z"), &tm) == 0)
		buf[0] = '\0';
}

const char *expiry_rule_text(enum state_tier tier)
{
	switch (tier) {
	case TIER_SBX:
	case TIER_ECO:
	case TIER_PLATINUM: return _("The setup password expires 7 days (168 hours) after its first use.");
	case TIER_ECO_CC:
		return _("The setup password expires 7 days after the date of issue, counted from 00:00 "
		         "Europe/Zurich on that date.");
	case TIER_UNKNOWN: break;
	}
	return _("The tier is unknown, so the expiry rule is unknown.");
}

/* Reads exactly n digits. */
static int expiry_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int expiry_parse_time(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec = 0;
	const char *p = s;
	if (!s || expiry_digits(&p, 4, &y) || *p++ != '-' || expiry_digits(&p, 2, &mo) || *p++ != '-' ||
	    expiry_digits(&p, 2, &d) || (*p != 'T' && *p != 't' && *p != ' '))
		return EXPIRY_TIME_INVALID;
	p++;
	if (expiry_digits(&p, 2, &h) || *p++ != ':' || expiry_digits(&p, 2, &mi))
		return EXPIRY_TIME_INVALID;
	if (*p == ':') {
		p++;
		if (expiry_digits(&p, 2, &sec))
			return EXPIRY_TIME_INVALID;
	}
	if (expiry_zurich_midnight(y, mo, d) < 0 || h > 23 || mi > 59 || sec > 59)
		return EXPIRY_TIME_INVALID;

	if (*p == '\0') {
		/* Local time: mktime decides the offset, and a time the clocks skip comes back changed. */
		struct tm tm = {.tm_year = y - 1900,
		                .tm_mon = mo - 1,
		                .tm_mday = d,
		                .tm_hour = h,
		                .tm_min = mi,
		                .tm_sec = sec,
		                .tm_isdst = -1};
		time_t t = mktime(&tm);
		if (t == (time_t)-1 && !(y == 1969 || y == 1970))
			return EXPIRY_TIME_INVALID;
		if (tm.tm_hour != h || tm.tm_min != mi || tm.tm_mday != d)
			return EXPIRY_TIME_NONEXISTENT;
		*out = t;
		return 0;
	}
	long offset = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;
		if (expiry_digits(&p, 2, &oh))
			return EXPIRY_TIME_INVALID;
		if (*p == ':')
			p++;
		if (expiry_digits(&p, 2, &om) || oh > 14 || om > 59)
			return EXPIRY_TIME_INVALID;
		offset = sign * (oh * 3600L + om * 60L);
	} else {
		return EXPIRY_TIME_INVALID;
	}
	if (*p != '\0')
		return EXPIRY_TIME_INVALID;
	/* From the civil calendar: timegm is neither C11 nor POSIX. */
	long long midnight = expiry_days_from_civil(y, mo, d) * 86400LL;
	*out = (time_t)(midnight + h * 3600LL + mi * 60LL + sec - offset);
	return 0;
}

static void expiry_iso(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

int expiry_mark_used(struct state *st, const char *profile, time_t at, time_t now, int *changed,
                     struct diag *d)
{
	*changed = 0;
	if (st->tier == TIER_ECO_CC)
		return diag_set(d, EX_USAGE, "%s",
		                _("mark-used does not apply to ECO-CC: its setup password expires 7 days after the "
		                  "date of issue, whatever its first use"));
	if (st->tier == TIER_UNKNOWN)
		return diag_set(d, EX_DATAERR,
		                _("profile %s has no tier, so the first use cannot be dated; set it with "
		                  "'hsm-onboard import --tier T'"),
		                profile);
	struct expiry ex;
	expiry_compute(st, now, &ex);
	if (ex.state == EXPIRY_REPLACED)
		return diag_set(d, EX_USAGE, "%s",
		                _("the setup password was already replaced by the rotation: there is no countdown "
		                  "to start"));
	/* Before the date of issue (its Zurich midnight, the earliest it can be) the password did not exist. */
	if (st->issued > 0) {
		struct tm g;
		gmtime_r(&st->issued, &g);
		time_t earliest = expiry_zurich_midnight(g.tm_year + 1900, g.tm_mon + 1, g.tm_mday);
		if (earliest > 0 && at < earliest) {
			char when[96];
			expiry_format_local(earliest, when, sizeof when);
			return diag_set(d, EX_USAGE, _("--at: that is before the password was issued (%s)"), when);
		}
	}
	if (at > now) {
		char iso[32];
		expiry_iso(at, iso, sizeof iso);
		return diag_set(d, EX_USAGE, _("--at: '%s' is in the future"), iso);
	}
	if (st->first_use > 0 && st->first_use <= at)
		return EX_OK;

	char iso[32], detail[128];
	expiry_iso(at, iso, sizeof iso);
	snprintf(detail, sizeof detail, "declared with mark-used: %s", iso);
	st->first_use = at;
	state_add_event(st, "first-use", detail);
	*changed = 1;
	return EX_OK;
}
