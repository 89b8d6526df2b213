/* cli_status.h: the writers of `status`, over one gathering of the profiles' facts.
 *
 * cli_status.c reads every profile's state.json once into a status_report; each output format is one
 * writer over that report (cli_status_text.c, cli_status_json.c, cli_status_nagios.c,
 * cli_status_openmetrics.c), so the formats cannot disagree on a fact and a new one adds no reading. */
#ifndef HSMO_CLI_STATUS_H
#define HSMO_CLI_STATUS_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "expiry.h"
#include "state.h"

/* One profile: its state and countdown, or why it could not be read. */
struct status_row {
	char *name;
	int rc;           /* EX_OK, or the sysexits code of the failure */
	char *error;      /* the failure's message (rc != EX_OK), else NULL */
	struct state st;  /* loaded when rc == EX_OK */
	struct expiry ex; /* computed at the report's time when rc == EX_OK */
};

struct status_report {
	time_t now; /* one clock reading for every profile */
	struct status_row *rows;
	size_t n;
	int listed; /* every profile was listed (no --profile) */
};

/* Reads the named profile, or every profile when name is NULL. Fills r (free with
 * cli_status_report_free). Returns EX_OK, or the code of a failure to list the profiles (in d);
 * a profile that cannot be read is a row with its error, not a failure. */
int cli_status_gather(const char *name, time_t now, struct status_report *r, struct diag *d);
void cli_status_report_free(struct status_report *r);

/* The other profiles of r whose provider files are in row i's folder (engine.config_dir): up to max
 * names (borrowed) into names; returns how many. */
size_t cli_status_sharing(const struct status_report *r, size_t i, const char **names, size_t max);

/* The countdown in words: "2 d 04 h 13 min left: expires Fri 27 Nov 2026 00:00 CET", and the other
 * states, translated (the Nagios writer switches the messages to C first). */
void cli_status_words(const struct expiry *ex, char *buf, size_t size);

/* Prints the error of every unreadable profile to stderr; returns the sysexits code of the first, or
 * EX_OK. The text, JSON and OpenMetrics writers call it and still write the readable profiles. */
int cli_status_report_errors(const struct status_report *r);

/* The writers. Each returns the command's exit code: the text, JSON and OpenMetrics writers the
 * sysexits code of the first unreadable profile (after writing everything else), the Nagios writer
 * the plugin code 0 to 3. */
int cli_status_write_text(FILE *out, const struct status_report *r);
int cli_status_write_json(FILE *out, const struct status_report *r);
int cli_status_write_nagios(FILE *out, const struct status_report *r, const char *list_error);
int cli_status_write_openmetrics(FILE *out, const struct status_report *r);

#endif
