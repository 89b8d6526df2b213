/* cli_status.c: `status [--json] [--check]`, the setup password's countdown for every profile.
 *
 * It reads state.json only: no passphrase, and no lock either, so monitoring can poll while a wizard
 * holds the profile (state.json is replaced atomically, so a reader sees the old or the new file). */
#include "config.h"

#include "cli.h"
#include "expiry.h"
#include "i18n.h"
#include "profile.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#define STATUS_WARN_SECONDS (48 * 3600)
#define STATUS_CRIT_SECONDS (12 * 3600)

/* Nagios plugin exit codes. */
enum status_nagios { NAGIOS_OK = 0, NAGIOS_WARNING = 1, NAGIOS_CRITICAL = 2, NAGIOS_UNKNOWN = 3 };

static json_t *status_time(time_t t)
{
	struct tm tm;
	char buf[32];
	if (t <= 0 || !gmtime_r(&t, &tm) || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

static json_t *status_str(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *status_json_profile(const char *name, const struct state *st, const struct expiry *ex)
{
	json_t *sp = json_object();
	json_object_set_new(sp, "state", json_string(expiry_state_name(ex->state)));
	json_object_set_new(sp, "issued", status_time(st->issued));
	json_object_set_new(sp, "first_use", status_time(st->first_use));
	json_object_set_new(sp, "expires_at", status_time(ex->deadline));
	json_object_set_new(sp, "seconds_left",
	                    ex->state == EXPIRY_RUNNING ? json_integer(ex->seconds_left) : json_null());
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "hsm_user", status_str(st->hsm_user));
	json_object_set_new(o, "service_user", status_str(st->service_user));
	json_object_set_new(o, "tier", st->tier == TIER_UNKNOWN ? json_null() : json_string(state_tier_name(st->tier)));
	json_object_set_new(o, "service_type", st->service_type == SERVICE_TYPE_UNKNOWN ? json_null()
	                    : json_string(state_service_type_name(st->service_type)));
	json_object_set_new(o, "step", json_string(state_step_name(st->step)));
	json_object_set_new(o, "setup_password", sp);
	return o;
}

/* "2 d 04 h 13 min left: expires Fri 27 Nov 2026 00:00 CET" and the other states, in words. */
static void status_words(const struct expiry *ex, char *buf, size_t size)
{
	char left[64], when[96];
	switch (ex->state) {
	case EXPIRY_RUNNING:
		expiry_format_left(ex->seconds_left, left, sizeof left);
		expiry_format_local(ex->deadline, when, sizeof when);
		snprintf(buf, size, _("%s left: expires %s"), left, when);
		return;
	case EXPIRY_EXPIRED:
		expiry_format_local(ex->deadline, when, sizeof when);
		snprintf(buf, size, _("EXPIRED since %s: a renewal needs a support ticket ('hsm-onboard ticket')"), when);
		return;
	case EXPIRY_UNUSED:
		snprintf(buf, size, "%s", _("not used yet: the 7 days start at the first use"));
		return;
	case EXPIRY_REPLACED:
		snprintf(buf, size, "%s", _("replaced by the rotation: no countdown any more"));
		return;
	case EXPIRY_UNKNOWN:
		break;
	}
	snprintf(buf, size, _("unknown: %s is missing"), ex->missing ? ex->missing : _("data"));
}

static enum status_nagios status_level(const struct expiry *ex)
{
	switch (ex->state) {
	case EXPIRY_RUNNING:
		if (ex->seconds_left < STATUS_CRIT_SECONDS)
			return NAGIOS_CRITICAL;
		return ex->seconds_left < STATUS_WARN_SECONDS ? NAGIOS_WARNING : NAGIOS_OK;
	case EXPIRY_EXPIRED:
		return NAGIOS_CRITICAL;
	case EXPIRY_UNUSED:
	case EXPIRY_REPLACED:
		return NAGIOS_OK;
	case EXPIRY_UNKNOWN:
		break;
	}
	return NAGIOS_UNKNOWN;
}

/* Which of two levels the single summary line reports: CRITICAL, then WARNING, then UNKNOWN. */
static int status_rank(enum status_nagios l)
{
	static const int rank[] = {0, 2, 3, 1};
	return rank[l];
}

static const char *status_level_name(enum status_nagios l)
{
	static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
	return names[l];
}

int cli_status(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"check", no_argument, NULL, 'c'},
		{NULL, 0, NULL, 0},
	};
	int json = ctx->json, check = 0, c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'c': check = 1; break;
		default: return cli_usage_error("status", "%s", _("unknown option"));
		}
	}
	if (optind < argc)
		return cli_usage_error("status", _("unexpected argument '%s'"), argv[optind]);
	if (json && check)
		return cli_usage_error("status", "%s", _("--json and --check exclude each other"));

	struct diag d;
	char **names = NULL;
	size_t n = 0;
	diag_clear(&d);
	if (ctx->profile) {
		names = calloc(1, sizeof *names);
		if (!names || !(names[0] = strdup(ctx->profile))) {
			free(names);
			return EX_OSERR;
		}
		n = 1;
	} else if (profile_list(&names, &n, &d) != EX_OK) {
		if (check) {
			printf("HSM-ONBOARD UNKNOWN - %s\n", d.msg);
			return NAGIOS_UNKNOWN;
		}
		return cli_report(&d);
	}

	time_t now = time(NULL);
	int rc = EX_OK;
	enum status_nagios worst = NAGIOS_OK;
	json_t *list = json_array();
	char *line = NULL;
	size_t line_len = 0;
	FILE *lf = check ? open_memstream(&line, &line_len) : NULL;
	char *perf = NULL;
	size_t perf_len = 0;
	FILE *pf = check ? open_memstream(&perf, &perf_len) : NULL;
	if (check && (!lf || !pf)) {
		if (lf) fclose(lf);
		if (pf) fclose(pf);
		free(line);
		free(perf);
		profile_list_free(names, n);
		json_decref(list);
		return EX_OSERR;
	}

	for (size_t i = 0; i < n; i++) {
		struct profile p;
		struct expiry ex;
		char words[512];
		memset(&p, 0, sizeof p);
		p.lock_fd = -1;
		diag_clear(&d);
		int r = profile_open(names[i], 0, &p, &d);
		if (r == EX_OK && !p.has_state)
			r = diag_set(&d, EX_NOINPUT, _("profile %s has no state.json"), names[i]);
		if (r != EX_OK) {
			if (check) {
				if (status_rank(NAGIOS_UNKNOWN) > status_rank(worst))
					worst = NAGIOS_UNKNOWN;
				fprintf(lf, "%s%s", i ? "; " : "", d.msg);
			} else {
				cli_report(&d);
				if (rc == EX_OK)
					rc = r;
			}
			if (r == EX_OK || p.name)
				profile_close(&p);
			continue;
		}
		expiry_compute(&p.st, now, &ex);
		status_words(&ex, words, sizeof words);
		if (check) {
			enum status_nagios l = status_level(&ex);
			if (status_rank(l) > status_rank(worst))
				worst = l;
			fprintf(lf, "%s%s: %s", i ? "; " : "", names[i], words);
			if (ex.state == EXPIRY_RUNNING || ex.state == EXPIRY_EXPIRED)
				fprintf(pf, " '%s_seconds_left'=%llds;%d;%d;0", names[i],
				        ex.state == EXPIRY_RUNNING ? ex.seconds_left : 0LL,
				        STATUS_WARN_SECONDS, STATUS_CRIT_SECONDS);
		} else if (json) {
			json_array_append_new(list, status_json_profile(names[i], &p.st, &ex));
		} else {
			printf(_("%s: HSM user %s, %s, %s, step %s"), names[i],
			       p.st.hsm_user ? p.st.hsm_user : _("unknown"),
			       p.st.tier ? state_tier_name(p.st.tier) : _("tier unknown"),
			       p.st.service_type ? state_service_type_name(p.st.service_type) : _("service type unknown"),
			       state_step_name(p.st.step));
			printf("\n  ");
			printf(_("setup password: %s"), words);
			putchar('\n');
		}
		profile_close(&p);
	}

	if (check) {
		fclose(lf);
		fclose(pf);
		if (n == 0) {
			worst = NAGIOS_UNKNOWN;
			printf("HSM-ONBOARD UNKNOWN - %s\n", _("no profile found"));
		} else {
			printf("HSM-ONBOARD %s - %s |%s\n", status_level_name(worst), line, perf);
		}
		free(line);
		free(perf);
		rc = (int)worst;
	} else if (json) {
		json_t *root = json_pack("{s:o}", "profiles", list);
		list = NULL;
		char *s = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		json_decref(root);
		if (!s) {
			rc = EX_OSERR;
		} else {
			puts(s);
			free(s);
		}
	} else if (n == 0) {
		puts(_("No profile yet. Import the credential files with 'hsm-onboard import FILE...'."));
	}
	json_decref(list);
	profile_list_free(names, n);
	return rc;
}
