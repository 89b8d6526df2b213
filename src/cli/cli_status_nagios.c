/* cli_status_nagios.c: `status --check`, one line for Nagios, Icinga or a cron job.
 *
 * It follows the Monitoring Plugins Interface (monitoring-plugin-guidelines): exit 0 OK,
 * 1 WARNING, 2 CRITICAL, 3 UNKNOWN; one status line "SERVICE STATUS - text | perfdata", where each
 * perfdata item is 'label'=value[UOM];[warn];[crit];[min];[max], and warn and crit are ranges in the
 * guidelines' syntax ("Range expressions"): a bare "N" means the range 0..N and alerts when the
 * value is OUTSIDE it (below 0 or above N), "N:" means N..infinity and alerts when the value is below
 * N. The value here is the time left, which alerts when it gets small, so the thresholds are
 * "172800:" and "43200:". Without a profile that has a countdown there is no perfdata, and so no "|".
 * The line is not localised: cli_status.c sets the C locale for it, and says why. */
#include "config.h"

#include "cli.h"
#include "cli_status.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>

/* Nagios plugin exit codes. */
enum status_nagios { NAGIOS_OK = 0, NAGIOS_WARNING = 1, NAGIOS_CRITICAL = 2, NAGIOS_UNKNOWN = 3 };

static enum status_nagios status_nagios_level(const struct expiry *ex)
{
	switch (ex->state) {
	case EXPIRY_RUNNING:
	case EXPIRY_EXPIRED: {
		static const enum status_nagios level[] = {NAGIOS_OK, NAGIOS_WARNING, NAGIOS_CRITICAL};
		return level[expiry_urgency(ex)];
	}
	case EXPIRY_UNUSED:
	case EXPIRY_REPLACED: return NAGIOS_OK;
	case EXPIRY_UNKNOWN: break;
	}
	return NAGIOS_UNKNOWN;
}

/* Which of two levels the single summary line reports: CRITICAL, then WARNING, then UNKNOWN. */
static int status_nagios_rank(enum status_nagios l)
{
	static const int rank[] = {0, 2, 3, 1};
	return rank[l];
}

static const char *status_nagios_name(enum status_nagios l)
{
	static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
	return names[l];
}

/* Free text on the status line: '|' would start the performance data early (the plugin guidelines'
 * separator), and a control character would end or garble the line, so both become a space. */
static void status_nagios_text(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		fputc(*p == '|' || *p < 0x20 || *p == 0x7f ? ' ' : *p, out);
}

int cli_status_write_nagios(FILE *out, const struct status_report *r, const char *list_error)
{
	if (list_error) {
		fputs("HSM-ONBOARD UNKNOWN - ", out);
		status_nagios_text(out, list_error);
		fputc('\n', out);
		return NAGIOS_UNKNOWN;
	}
	if (r->n == 0) {
		fprintf(out, "HSM-ONBOARD UNKNOWN - %s\n", _("no profile found"));
		return NAGIOS_UNKNOWN;
	}
	enum status_nagios worst = NAGIOS_OK;
	for (size_t i = 0; i < r->n; i++) {
		const struct status_row *row = &r->rows[i];
		enum status_nagios l = row->rc != 0 ? NAGIOS_UNKNOWN : status_nagios_level(&row->ex);
		if (status_nagios_rank(l) > status_nagios_rank(worst))
			worst = l;
	}
	fprintf(out, "HSM-ONBOARD %s - ", status_nagios_name(worst));
	for (size_t i = 0; i < r->n; i++) {
		const struct status_row *row = &r->rows[i];
		char words[512];
		if (i)
			fputs("; ", out);
		if (row->rc != 0) {
			status_nagios_text(out, row->error);
			continue;
		}
		cli_status_words(&row->ex, words, sizeof words);
		status_nagios_text(out, row->name);
		fputs(": ", out);
		status_nagios_text(out, words);
	}
	const char *sep = " |";
	for (size_t i = 0; i < r->n; i++) {
		const struct status_row *row = &r->rows[i];
		if (row->rc != 0 || (row->ex.state != EXPIRY_RUNNING && row->ex.state != EXPIRY_EXPIRED))
			continue;
		/* An expired password has no time left: 0, the minimum, inside no threshold range. */
		fprintf(out, "%s '%s_seconds_left'=%llds;%d:;%d:;0", sep, row->name,
		        row->ex.state == EXPIRY_RUNNING ? row->ex.seconds_left : 0LL, EXPIRY_WARN_SECONDS,
		        EXPIRY_CRIT_SECONDS);
		sep = "";
	}
	fputc('\n', out);
	return (int)worst;
}
