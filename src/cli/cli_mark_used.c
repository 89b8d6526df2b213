/* cli_mark_used.c: `mark-used [--at TIME]`, declaring the setup password's first use.
 *
 * For SBX, ECO and PLATINUM the 7 days run from the first use. The engine records it before its first
 * login; this command is for a password already tried elsewhere (a colleague's machine, ppin by hand),
 * so the countdown does not show more time than is left. A recorded first use only moves earlier. */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
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

/* {"profile", "changed", "setup_password"}: the countdown in the shape of status --json. */
static int mark_used_json(const char *name, int changed, const struct state *st, time_t now)
{
	struct expiry ex;
	expiry_compute(st, now, &ex);
	return cli_json_print(json_pack("{s:s,s:b,s:o}", "profile", name, "changed", changed, "setup_password",
	                                cli_json_setup_password(st, &ex)));
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
			return cli_usage_error("mark-used",
			                       _("--at: '%s' does not exist in the local time zone "
			                         "(the clocks skip it); give the time with its offset"),
			                       at_arg);
		if (r != 0)
			return cli_usage_error("mark-used",
			                       _("--at: '%s' is not a time; use ISO 8601 "
			                         "(2026-11-24T09:30:00Z, 2026-11-24T10:30+01:00) or local "
			                         "'YYYY-MM-DD HH:MM'"),
			                       at_arg);
	}

	struct profile p;
	struct diag d;
	diag_clear(&d);
	int rc = cli_open_profile(ctx, PROFILE_LOCK | PROFILE_NEED_STATE, &p, &d);
	if (rc != EX_OK)
		return cli_report(&d);

	/* The tier and date rules are expiry's (expiry_mark_used); this only asks and shows. */
	int changed = 0;
	char when[96], left[64];
	rc = expiry_mark_used(&p.st, p.name, at, now, &changed, &d);
	if (rc != EX_OK) {
		cli_report(&d);
		goto out;
	}
	if (!changed && ctx->json) {
		rc = mark_used_json(p.name, 0, &p.st, now);
		goto out;
	}
	if (!changed) {
		expiry_format_local(p.st.first_use, when, sizeof when);
		printf(_("The first use is already recorded at %s; only an earlier time can replace it."), when);
		printf("\n%s\n", _("Nothing changed."));
		goto out;
	}
	rc = profile_save_state(&p, &d);
	if (rc != EX_OK) {
		cli_report(&d);
		goto out;
	}
	if (ctx->json) {
		rc = mark_used_json(p.name, 1, &p.st, now);
		goto out;
	}
	struct expiry ex;
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
	profile_close(&p);
	return rc;
}
