/* cli_mark_used.c: `mark-used [--at TIME]`, declaring the setup password's first use.
 *
 * For SBX, ECO and PLATINUM the 7 days run from the first use. The engine records it before its first
 * login; this command is for a password already tried elsewhere (a colleague's machine, ppin by hand),
 * so the countdown does not show more time than is left. A recorded first use only moves earlier. */
#include "config.h"

#include "cli.h"
#include "cli_passphrase.h"
#include "expiry.h"
#include "i18n.h"
#include "profile.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

static void mark_used_iso(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

int cli_mark_used(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"at", required_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	const char *at_arg = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'a')
			return cli_usage_error("mark-used", "%s", _("unknown option"));
		at_arg = optarg;
	}
	if (optind < argc)
		return cli_usage_error("mark-used", _("unexpected argument '%s'"), argv[optind]);

	time_t now = time(NULL), at = now;
	if (at_arg) {
		int r = expiry_parse_time(at_arg, &at);
		if (r == EXPIRY_TIME_NONEXISTENT)
			return cli_usage_error("mark-used", _("--at: '%s' does not exist in the local time zone "
			                                      "(the clocks skip it); give the time with its offset"),
			                       at_arg);
		if (r != 0)
			return cli_usage_error("mark-used", _("--at: '%s' is not a time; use ISO 8601 "
			                                      "(2026-11-24T09:30:00Z, 2026-11-24T10:30+01:00) or local "
			                                      "'YYYY-MM-DD HH:MM'"), at_arg);
		if (at > now)
			return cli_usage_error("mark-used", _("--at: '%s' is in the future"), at_arg);
	}

	char *name = NULL;
	struct profile p;
	struct diag d;
	memset(&p, 0, sizeof p);
	p.lock_fd = -1;
	diag_clear(&d);
	int rc = cli_profile_name(ctx, &name, &d);
	if (rc != EX_OK)
		return cli_report(&d);
	rc = profile_open(name, PROFILE_LOCK, &p, &d);
	if (rc == EX_OK && !p.has_state)
		rc = diag_set(&d, EX_NOINPUT, _("profile %s has no state.json: import the credential files first"), name);
	if (rc != EX_OK) {
		cli_report(&d);
		goto out;
	}

	struct expiry ex;
	char when[96], iso[32], left[64];
	expiry_compute(&p.st, now, &ex);
	if (p.st.tier == TIER_ECO_CC) {
		cli_error("%s", _("mark-used does not apply to ECO-CC: its setup password expires 7 days after the "
		                  "date of issue, whatever its first use"));
		rc = EX_USAGE;
		goto out;
	}
	if (p.st.tier == TIER_UNKNOWN) {
		cli_error(_("profile %s has no tier, so the first use cannot be dated; set it with "
		            "'hsm-onboard import --tier T'"), name);
		rc = EX_DATAERR;
		goto out;
	}
	if (ex.state == EXPIRY_REPLACED) {
		cli_error("%s", _("the setup password was already replaced by the rotation: there is no countdown "
		                  "to start"));
		rc = EX_USAGE;
		goto out;
	}
	/* Before the date of issue (its Zurich midnight, the earliest it can be) the password did not exist. */
	if (p.st.issued > 0) {
		struct tm g;
		gmtime_r(&p.st.issued, &g);
		time_t earliest = expiry_zurich_midnight(g.tm_year + 1900, g.tm_mon + 1, g.tm_mday);
		if (earliest > 0 && at < earliest) {
			expiry_format_local(earliest, when, sizeof when);
			cli_error(_("--at: that is before the password was issued (%s)"), when);
			rc = EX_USAGE;
			goto out;
		}
	}
	if (p.st.first_use > 0 && p.st.first_use <= at) {
		expiry_format_local(p.st.first_use, when, sizeof when);
		printf(_("The first use is already recorded at %s; only an earlier time can replace it."), when);
		printf("\n%s\n", _("Nothing changed."));
		rc = EX_OK;
		goto out;
	}

	char detail[128];
	mark_used_iso(at, iso, sizeof iso);
	snprintf(detail, sizeof detail, "declared with mark-used: %s", iso);
	p.st.first_use = at;
	state_add_event(&p.st, "first-use", detail);
	rc = profile_save_state(&p, &d);
	if (rc != EX_OK) {
		cli_report(&d);
		goto out;
	}
	expiry_compute(&p.st, now, &ex);
	expiry_format_local(at, when, sizeof when);
	printf(_("First use recorded: %s."), when);
	putchar('\n');
	expiry_format_local(ex.deadline, when, sizeof when);
	if (ex.state == EXPIRY_RUNNING) {
		expiry_format_left(ex.seconds_left, left, sizeof left);
		printf(_("The setup password expires %s (%s left)."), when, left);
		putchar('\n');
	} else if (ex.state == EXPIRY_EXPIRED) {
		printf(_("The setup password EXPIRED %s."), when);
		printf("\n%s\n", _("A renewal needs a support ticket: see 'hsm-onboard ticket'."));
	}
out:
	if (p.name)
		profile_close(&p);
	free(name);
	return rc;
}
