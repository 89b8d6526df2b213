/* cli_status.c: `status [--format F] [--output FILE]`, the setup password's countdown for every profile.
 *
 * It reads state.json only: no passphrase, and no lock either, so monitoring can poll while a wizard
 * holds the profile (state.json is replaced atomically, so a reader sees the old or the new file).
 * The profiles are read once (cli_status_gather); each format is a writer of its own over that report
 * (cli_status.h). */
#include "config.h"

#include "cli.h"
#include "cli_status.h"
#include "fsutil.h"
#include "i18n.h"
#include "profile.h"
#include "ticket.h"

#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

enum status_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_NAGIOS, FORMAT_OPENMETRICS };

static int status_row_read(struct status_row *row, const char *name, time_t now)
{
	struct profile p;
	struct diag d;
	diag_clear(&d);
	memset(row, 0, sizeof *row);
	state_init(&row->st);
	if (!(row->name = strdup(name)))
		return EX_OSERR;
	int r = profile_open(name, PROFILE_NEED_STATE, &p, &d);
	if (r == EX_OK) {
		/* The state moves into the row; the profile keeps an empty one to free. */
		row->st = p.st;
		state_init(&p.st);
		expiry_compute(&row->st, now, &row->ex);
	} else {
		row->rc = r;
		if (!(row->error = strdup(d.msg)))
			r = EX_OSERR;
	}
	if (p.name)
		profile_close(&p);
	return row->error || r == EX_OK ? EX_OK : r;
}

int cli_status_gather(const char *name, time_t now, struct status_report *r, struct diag *d)
{
	char **names = NULL;
	size_t n = 0;
	memset(r, 0, sizeof *r);
	r->now = now;
	if (name) {
		if (!(names = calloc(1, sizeof *names)) || !(names[0] = strdup(name))) {
			free(names);
			return diag_set(d, EX_OSERR, "%s", _("out of memory"));
		}
		n = 1;
	} else {
		int rc = profile_list(&names, &n, d);
		if (rc != EX_OK)
			return rc;
		r->listed = 1;
	}
	if (n && !(r->rows = calloc(n, sizeof *r->rows))) {
		profile_list_free(names, n);
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	}
	for (size_t i = 0; i < n; i++) {
		if (status_row_read(&r->rows[i], names[i], now) != EX_OK) {
			r->n = i + 1;
			profile_list_free(names, n);
			return diag_set(d, EX_OSERR, "%s", _("out of memory"));
		}
	}
	r->n = n;
	profile_list_free(names, n);
	return EX_OK;
}

void cli_status_report_free(struct status_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->rows[i].name);
		free(r->rows[i].error);
		state_free(&r->rows[i].st);
	}
	free(r->rows);
	memset(r, 0, sizeof *r);
}

/* Profiles whose provider files went into one folder (doc/DESIGN.md, "Shared provider folders"). */
static int status_same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];
	if (!a || !b)
		return 0;
	if (!realpath(a, ra))
		snprintf(ra, sizeof ra, "%s", a);
	if (!realpath(b, rb))
		snprintf(rb, sizeof rb, "%s", b);
	return strcmp(ra, rb) == 0;
}

size_t cli_status_sharing(const struct status_report *r, size_t i, const char **names, size_t max)
{
	size_t n = 0;
	const char *dir = r->rows[i].rc == EX_OK ? r->rows[i].st.engine.config_dir : NULL;
	for (size_t k = 0; dir && k < r->n && n < max; k++)
		if (k != i && r->rows[k].rc == EX_OK && status_same_dir(dir, r->rows[k].st.engine.config_dir))
			names[n++] = r->rows[k].name;
	return n;
}

int cli_status_report_errors(const struct status_report *r)
{
	int rc = EX_OK;
	for (size_t i = 0; i < r->n; i++) {
		if (r->rows[i].rc == EX_OK)
			continue;
		cli_error("%s", r->rows[i].error);
		if (rc == EX_OK)
			rc = r->rows[i].rc;
	}
	return rc;
}

/* "2 d 04 h 13 min left: expires Fri 27 Nov 2026 00:00 CET" and the other states, in words. */
void cli_status_words(const struct expiry *ex, char *buf, size_t size)
{
	char when[96];
	struct ticket_countdown c;
	switch (ex->state) {
	case EXPIRY_RUNNING:
		ticket_countdown_of(ex, &c);
		if (ex->worst_case)
			snprintf(buf, size,
			         _("at most %s left, worst case: expires by %s. TSB/XKS make the exchange themselves; we "
			           "cannot see when they log in: record their first start with 'hsm-onboard mark-used'"),
			         c.left, c.until);
		else
			snprintf(buf, size, _("%s left: expires %s"), c.left, c.until);
		return;
	case EXPIRY_EXPIRED:
		expiry_format_local(ex->deadline, when, sizeof when);
		if (ex->worst_case) {
			snprintf(
			    buf, size,
			    _("may have EXPIRED since %s, worst case: TSB/XKS make the exchange themselves; we cannot "
			      "see when they log in: record their first start with 'hsm-onboard mark-used --at'"),
			    when);
			return;
		}
		snprintf(buf, size, _("EXPIRED since %s: a renewal needs a support ticket ('hsm-onboard ticket')"),
		         when);
		return;
	case EXPIRY_UNUSED:
		snprintf(buf, size, "%s", _("not used yet: the 7 days start at the first use"));
		return;
	case EXPIRY_REPLACED:
		snprintf(buf, size, "%s", _("replaced by the rotation: no countdown any more"));
		return;
	case EXPIRY_UNKNOWN: break;
	}
	ticket_unknown_text(ex, buf, size);
}

static int status_format_parse(const char *s, enum status_format *out)
{
	static const struct {
		const char *name;
		enum status_format f;
	} formats[] = {
	    {"text", FORMAT_TEXT},
	    {"json", FORMAT_JSON},
	    {"nagios", FORMAT_NAGIOS},
	    {"openmetrics", FORMAT_OPENMETRICS},
	};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (strcmp(s, formats[i].name) == 0) {
			*out = formats[i].f;
			return 0;
		}
	}
	return -1;
}

static int status_write(enum status_format format, FILE *out, const struct status_report *r,
                        const char *list_error)
{
	switch (format) {
	case FORMAT_JSON: return cli_status_write_json(out, r);
	case FORMAT_NAGIOS: return cli_status_write_nagios(out, r, list_error);
	case FORMAT_OPENMETRICS: return cli_status_write_openmetrics(out, r);
	case FORMAT_TEXT: break;
	}
	return cli_status_write_text(out, r);
}

/* EX_OK with *format and *output set, or a reported EX_USAGE. */
static int status_parse(struct cli_ctx *ctx, int argc, char **argv, enum status_format *format,
                        const char **output)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"check", no_argument, NULL, 'c'},
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	int json = ctx->json, check = 0, formats = 0, c;
	*format = FORMAT_TEXT;
	*output = NULL;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'c': check = 1; break;
		case 'f':
			if (status_format_parse(optarg, format) != 0)
				return cli_usage_error(
				    "status", _("unknown format '%s': use text, json, nagios or openmetrics"), optarg);
			formats++;
			break;
		case 'o': *output = optarg; break;
		default: return cli_usage_error("status", "%s", _("unknown option"));
		}
	}
	if (optind < argc)
		return cli_usage_error("status", _("unexpected argument '%s'"), argv[optind]);
	if (json && check)
		return cli_usage_error("status", "%s", _("--json and --check exclude each other"));
	if (formats && (check || (json && *format != FORMAT_JSON)))
		return cli_usage_error("status", "%s", _("--format excludes --check and a different --json"));
	if (check)
		*format = FORMAT_NAGIOS;
	else if (json && !formats)
		*format = FORMAT_JSON;
	return EX_OK;
}

/* Writes the report in format to standard output, or with output to that file; returns the writer's
 * exit code, or the failure's (reported). */
static int status_output(enum status_format format, const char *output, const struct status_report *r,
                         const char *list_error)
{
	char *text = NULL;
	size_t text_len = 0;
	FILE *out = output ? open_memstream(&text, &text_len) : stdout;
	if (!out) {
		cli_error("%s", _("out of memory"));
		return EX_OSERR;
	}
	int rc = status_write(format, out, r, list_error);
	if (!output)
		return fflush(stdout) == 0 ? rc : EX_IOERR;
	if (fclose(out) != 0 || !text) {
		free(text);
		cli_error("%s", _("out of memory"));
		return EX_OSERR;
	}
	/* Atomic (a random temp name per writer, fsync, rename): node_exporter's textfile collector
	 * reads only "*.prom", so it never sees a half-written file, and two writers never share a temp.
	 * 0644: the metrics hold no secret, and the collector runs as another user. */
	struct diag d;
	diag_clear(&d);
	int wrc = fsutil_write_atomic(output, text, text_len, 0644, "status", &d);
	free(text);
	if (wrc != EX_OK)
		return cli_report(&d);
	return rc;
}

int cli_status(struct cli_ctx *ctx, int argc, char **argv)
{
	enum status_format format;
	const char *output;
	int rc = status_parse(ctx, argc, argv, &format, &output);
	if (rc != EX_OK)
		return rc;
	if (format == FORMAT_NAGIOS) {
		/* The Monitoring Plugins Interface (monitoring-plugin-guidelines, "Output of a Monitoring
		 * Plugin") makes this line a contract: the monitoring system parses it, its UI shows it next
		 * to other plugins' English lines, admins grep and alert on it, and the perfdata is machine
		 * readable. So it reads the same on every host, whatever the locale of the cron job or the
		 * agent: the whole line, messages and dates alike, is in the C locale (English, "Sat 28 Nov
		 * 2026 10:00 CET"); only the time zone stays the host's. gettext ignores LANGUAGE while
		 * LC_MESSAGES is "C". */
		setlocale(LC_MESSAGES, "C");
		setlocale(LC_TIME, "C");
	}

	struct status_report r;
	struct diag d;
	diag_clear(&d);
	rc = cli_status_gather(ctx->profile, time(NULL), &r, &d);
	if (rc != EX_OK && format != FORMAT_NAGIOS) {
		cli_status_report_free(&r);
		return cli_report(&d);
	}
	rc = status_output(format, output, &r, rc != EX_OK ? d.msg : NULL);
	cli_status_report_free(&r);
	return rc;
}
