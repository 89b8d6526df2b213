/* expiry.h: the setup password's 7-day lifetime (doc/DESIGN.md, "Purpose").
 *
 *   SBX, ECO, PLATINUM: 7 x 24 h from the first use.
 *   ECO-CC:             7 x 24 h from 00:00 Europe/Zurich on the date of issue (conservative: the
 *                       countdown never shows more time than the customer really has).
 * Once the rotation has replaced the setup password, the countdown stops. */
#ifndef HSMO_EXPIRY_H
#define HSMO_EXPIRY_H

#include <time.h>

#include "diag.h"
#include "state.h"

#define EXPIRY_LIFETIME_SECONDS (7 * 24 * 3600)
/* When a running countdown is urgent: one definition for every place that says so, the Nagios line
 * (WARNING, CRITICAL), the start screen's summary and the Prometheus alert rules
 * (data/prometheus/hsm-onboard-alerts.yml, which tests/alert-rules.sh checks against these). 48 h
 * leaves two working days to finish the connection or to order a renewal; under 12 h it is today. */
#define EXPIRY_WARN_SECONDS (48 * 3600)
#define EXPIRY_CRIT_SECONDS (12 * 3600)

enum expiry_state {
	EXPIRY_UNKNOWN = 0, /* data missing: see missing */
	EXPIRY_UNUSED,      /* first-use tiers before the first use: no deadline yet */
	EXPIRY_RUNNING,
	EXPIRY_EXPIRED,
	EXPIRY_REPLACED, /* the rotation is done */
};

struct expiry {
	enum expiry_state state;
	time_t deadline;        /* 0 when there is none */
	long long seconds_left; /* deadline - now, only for RUNNING */
	time_t since;           /* when the state began (first use, deadline, rotation), 0 unknown */
	const char *missing;    /* for UNKNOWN: a translated phrase naming the missing data */
	/* 1 when deadline is the worst case, not a known one: the setup password was handed over to TSB or
	 * XKS, which log in at their first start, a moment we cannot see; until that first use is recorded
	 * (mark-used), the hand-over itself is taken as it (doc/securosys-facts.md, "What must persist"). */
	int worst_case;
};

enum expiry_urgency {
	EXPIRY_CALM = 0, /* no countdown, or more than EXPIRY_WARN_SECONDS left */
	EXPIRY_WARN,     /* less than EXPIRY_WARN_SECONDS left */
	EXPIRY_CRIT,     /* less than EXPIRY_CRIT_SECONDS left, or expired */
};

void expiry_compute(const struct state *st, time_t now, struct expiry *out);
/* When the current setup password was handed over to TSB or XKS (the last "handed-over" event since
 * it arrived), 0 when it was not. */
time_t expiry_handed_over(const struct state *st);
/* How urgent ex is, by the thresholds above (EXPIRY_UNKNOWN counts as calm: the caller says
 * "unknown" itself). */
enum expiry_urgency expiry_urgency(const struct expiry *ex);
/* "unknown", "unused", "running", "expired", "replaced": stable names for JSON. */
const char *expiry_state_name(enum expiry_state s);
/* "2 d 04 h 13 min" into buf. */
void expiry_format_left(long long seconds, char *buf, size_t size);
/* The local time with its zone, e.g. "Fri 27 Nov 2026 00:00 CET", in the locale's format. */
void expiry_format_local(time_t t, char *buf, size_t size);
/* The tier's rule as one translated sentence. */
const char *expiry_rule_text(enum state_tier tier);
/* 00:00 Europe/Zurich on YYYY-MM-DD, as UTC seconds; -1 when the date is invalid. */
time_t expiry_zurich_midnight(int year, int month, int day);

/* A time given by the user (mark-used --at): ISO 8601 "YYYY-MM-DDTHH:MM[:SS]" followed by "Z" or an
 * offset "+HH:MM"/"-HH:MM"/"+HHMM" is absolute; without a zone, and as "YYYY-MM-DD HH:MM[:SS]", it is
 * local time. Returns 0, or EXPIRY_TIME_INVALID, or EXPIRY_TIME_NONEXISTENT for a local time that a
 * daylight-saving change skips. */
#define EXPIRY_TIME_INVALID (-1)
#define EXPIRY_TIME_NONEXISTENT (-2)
int expiry_parse_time(const char *s, time_t *out);

/* Declares at as the first use of the setup password (mark-used: it was tried elsewhere, so the
 * countdown must not show more time than is left). The rules: only for the first-use tiers (ECO-CC:
 * EX_USAGE; no tier: EX_DATAERR naming profile), not once the rotation replaced the password, not in
 * the future, not before the date of issue (its Zurich midnight), and a recorded first use only moves
 * earlier: when it is already at or before at, *changed is 0 and nothing changes. Otherwise st gets
 * the new first use and a "first-use" event; the caller saves it. */
int expiry_mark_used(struct state *st, const char *profile, time_t at, time_t now, int *changed,
                     struct diag *d);

#endif
