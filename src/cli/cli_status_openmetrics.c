/* cli_status_openmetrics.c: `status --format openmetrics`, for Prometheus through node_exporter's
 * textfile collector (README "Monitoring many profiles").
 *
 * The Prometheus text exposition format (version 0.0.4), which is also valid OpenMetrics text: per
 * metric family a "# HELP" and a "# TYPE ... gauge" line, then one sample per profile labelled
 * profile, user, tier and cluster; "# EOF" at the end (OpenMetrics requires it; to Prometheus it is a
 * comment). No sample carries a timestamp: the textfile collector refuses them. Label values are
 * escaped as both formats require: backslash, double quote and line feed become \\, \" and \n (the
 * cluster name comes from state.json, which a person may have edited). Nothing here is a secret:
 * only state.json is read, which holds none (DESIGN.md "Data and where it lives").
 *
 * The HELP texts are English in every locale, not translated: node_exporter refuses a metric whose
 * HELP differs between two files, so the text of one name must be the same on every machine.
 *
 * Gauges rather than one stateset: the textfile collector accepts only the Prometheus types, so each
 * state is a sample of its own with a "state" label, 1 for the current one and 0 for the others.
 *
 * Every sample, the generation timestamp included, carries "user": the Unix user that wrote the file.
 * One textfile directory collects the files of every user of a machine (README "Monitoring many
 * profiles"); profile names are chosen per user, so only the pair (user, profile) is unique there, and
 * without it node_exporter drops one of two equal series, and one user's dead timer raises no alert. */
#include "config.h"

#include "cli.h"
#include "cli_status.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

/* One family: its name, help, and the value of one profile (returns 0 when it has none). */
struct status_family {
	const char *name;
	const char *help;
	int (*value)(const struct status_row *row, time_t now, long long *out);
};

static int status_om_readable(const struct status_row *row, time_t now, long long *out)
{
	(void)now;
	*out = row->rc == EX_OK;
	return 1;
}

static int status_om_has_deadline(const struct status_row *row)
{
	return row->rc == EX_OK && (row->ex.state == EXPIRY_RUNNING || row->ex.state == EXPIRY_EXPIRED) &&
	       row->ex.deadline > 0;
}

static int status_om_remaining(const struct status_row *row, time_t now, long long *out)
{
	if (!status_om_has_deadline(row))
		return 0;
	*out = (long long)row->ex.deadline - (long long)now;
	return 1;
}

static int status_om_expiry(const struct status_row *row, time_t now, long long *out)
{
	(void)now;
	if (!status_om_has_deadline(row))
		return 0;
	*out = (long long)row->ex.deadline;
	return 1;
}

static int status_om_in_use(const struct status_row *row, time_t now, long long *out)
{
	(void)now;
	if (row->rc != EX_OK)
		return 0;
	*out = row->st.first_use > 0 && row->ex.state != EXPIRY_REPLACED;
	return 1;
}

static int status_om_checked_at(const struct status_row *row, time_t now, long long *out)
{
	(void)now;
	if (row->rc != EX_OK || row->st.checked_at <= 0)
		return 0;
	*out = (long long)row->st.checked_at;
	return 1;
}

static int status_om_check_ok(const struct status_row *row, time_t now, long long *out)
{
	(void)now;
	if (row->rc != EX_OK || row->st.checked_at <= 0)
		return 0;
	int ok = row->st.n_checks > 0;
	for (size_t i = 0; i < row->st.n_checks; i++)
		if (!row->st.checks[i].category || strcmp(row->st.checks[i].category, "ok") != 0)
			ok = 0;
	*out = ok;
	return 1;
}

static const struct status_family status_om_families[] = {
    {"hsm_onboard_profile_readable",
     "1 when the profile's state.json could be read, 0 when not (the other metrics are then absent).",
     status_om_readable},
    {"hsm_onboard_setup_password_remaining_seconds",
     "Seconds until the setup password expires, negative once expired, at the time the file was written; "
     "absent while there is no deadline (unused, replaced, unknown).",
     status_om_remaining},
    {"hsm_onboard_setup_password_expiry_timestamp_seconds",
     "When the setup password expires, in seconds since the epoch; absent while there is no deadline.",
     status_om_expiry},
    {"hsm_onboard_setup_password_in_use",
     "1 when a first use of the setup password is recorded and the rotation has not replaced it yet.",
     status_om_in_use},
    {"hsm_onboard_last_check_timestamp_seconds",
     "When the last network preflight (hsm-onboard check) ran, in seconds since the epoch.",
     status_om_checked_at},
    {"hsm_onboard_last_check_success",
     "1 when every endpoint of the last network preflight was ok, 0 when one failed.", status_om_check_ok},
};

/* A label value, escaped: \ " and line feed. */
static void status_om_label(FILE *out, const char *s)
{
	fputc('"', out);
	/* What needs no escape goes out in runs: a desk writes several labels per profile and family. */
	while (s && *s) {
		size_t run = strcspn(s, "\\\"\n");
		fwrite(s, 1, run, out);
		s += run;
		if (!*s)
			break;
		fputs(*s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : "\\n", out);
		s++;
	}
	fputc('"', out);
}

/* The Unix user running this (the file's writer): its name, or its number when it has none. */
static const char *status_om_user(void)
{
	static char user[64];
	if (!user[0]) {
		const struct passwd *pw = getpwuid(geteuid());
		if (pw && pw->pw_name && pw->pw_name[0])
			snprintf(user, sizeof user, "%s", pw->pw_name);
		else
			snprintf(user, sizeof user, "%lu", (unsigned long)geteuid());
	}
	return user;
}

static void status_om_labels(FILE *out, const struct status_row *row, const char *state)
{
	const struct state *st = &row->st;
	fputs("{profile=", out);
	status_om_label(out, row->name);
	fputs(",user=", out);
	status_om_label(out, status_om_user());
	fputs(",tier=", out);
	status_om_label(out, row->rc == EX_OK && st->tier != TIER_UNKNOWN ? state_tier_name(st->tier) : "");
	fputs(",cluster=", out);
	status_om_label(out, row->rc == EX_OK ? st->cluster : NULL);
	if (state) {
		fputs(",state=", out);
		status_om_label(out, state);
	}
	fputc('}', out);
}

static void status_om_head(FILE *out, const char *name, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* A family with a "state" label: one sample per state name, 1 for the row's current one. */
static void status_om_states(FILE *out, const struct status_report *r, const char *name, const char *help,
                             const char *const *states, size_t n_states,
                             const char *(*current)(const struct status_row *row))
{
	int any = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (r->rows[i].rc != EX_OK)
			continue;
		if (!any++)
			status_om_head(out, name, help);
		const char *now_in = current(&r->rows[i]);
		for (size_t s = 0; s < n_states; s++) {
			fputs(name, out);
			status_om_labels(out, &r->rows[i], states[s]);
			fprintf(out, " %d\n", strcmp(states[s], now_in) == 0);
		}
	}
}

static const char *status_om_expiry_state(const struct status_row *row)
{
	return expiry_state_name(row->ex.state);
}

static const char *status_om_rotation_state(const struct status_row *row)
{
	return state_rotation_name(row->st.rotation);
}

int cli_status_write_openmetrics(FILE *out, const struct status_report *r)
{
	static const char *const expiry_states[] = {"unused", "running", "expired", "replaced", "unknown"};
	static const char *const rotation_states[] = {"none",     "first-use", "pending",
	                                              "promoted", "verified",  "configured"};
	int rc = cli_status_report_errors(r);
	status_om_head(out, "hsm_onboard_status_generated_timestamp_seconds",
	               "When hsm-onboard status wrote these metrics, in seconds since the epoch.");
	fputs("hsm_onboard_status_generated_timestamp_seconds{user=", out);
	status_om_label(out, status_om_user());
	fprintf(out, "} %lld\n", (long long)r->now);
	for (size_t f = 0; f < sizeof status_om_families / sizeof status_om_families[0]; f++) {
		const struct status_family *fam = &status_om_families[f];
		int any = 0;
		for (size_t i = 0; i < r->n; i++) {
			long long v;
			if (!fam->value(&r->rows[i], r->now, &v))
				continue;
			if (!any++)
				status_om_head(out, fam->name, fam->help);
			fputs(fam->name, out);
			status_om_labels(out, &r->rows[i], NULL);
			fprintf(out, " %lld\n", v);
		}
	}
	status_om_states(out, r, "hsm_onboard_setup_password_state",
	                 "The setup password's countdown state: 1 for the current one (unused, running, expired, "
	                 "replaced, unknown).",
	                 expiry_states, sizeof expiry_states / sizeof expiry_states[0], status_om_expiry_state);
	status_om_states(out, r, "hsm_onboard_rotation_state",
	                 "Where the secret rotation stands: 1 for the current step (none, first-use, pending, "
	                 "promoted, verified, configured); pending for long means an interrupted rotation.",
	                 rotation_states, sizeof rotation_states / sizeof rotation_states[0],
	                 status_om_rotation_state);
	fputs("# EOF\n", out);
	return rc;
}
