/* cli_status_json.c: `status --json`, {"profiles": [...]}, times in ISO 8601 UTC, null where unknown.
 * The keys are a contract with scripts (README "The setup password's countdown"): add, never rename. */
#include "config.h"

#include "cli.h"
#include "cli_status.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <time.h>

static json_t *status_json_time(time_t t)
{
	struct tm tm;
	char buf[32];
	if (t <= 0 || !gmtime_r(&t, &tm) || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

static json_t *status_json_str(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *status_json_profile(const char *name, const struct state *st, const struct expiry *ex)
{
	json_t *sp = json_object();
	json_object_set_new(sp, "state", json_string(expiry_state_name(ex->state)));
	json_object_set_new(sp, "issued", status_json_time(st->issued));
	json_object_set_new(sp, "first_use", status_json_time(st->first_use));
	json_object_set_new(sp, "expires_at", status_json_time(ex->deadline));
	json_object_set_new(sp, "seconds_left",
	                    ex->state == EXPIRY_RUNNING ? json_integer(ex->seconds_left) : json_null());
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "hsm_user", status_json_str(st->hsm_user));
	json_object_set_new(o, "service_user", status_json_str(st->service_user));
	json_object_set_new(o, "tier", st->tier == TIER_UNKNOWN ? json_null() : json_string(state_tier_name(st->tier)));
	json_object_set_new(o, "service_type", st->service_type == SERVICE_TYPE_UNKNOWN ? json_null()
	                    : json_string(state_service_type_name(st->service_type)));
	json_object_set_new(o, "api", st->api == API_UNKNOWN ? json_null() : json_string(state_api_name(st->api)));
	json_object_set_new(o, "cluster", status_json_str(st->cluster));
	json_object_set_new(o, "step", json_string(state_step_name(st->step)));
	json_object_set_new(o, "setup_password", sp);
	return o;
}

int cli_status_write_json(FILE *out, const struct status_report *r)
{
	int rc = cli_status_report_errors(r);
	json_t *list = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct status_row *row = &r->rows[i];
		if (row->rc == EX_OK)
			json_array_append_new(list, status_json_profile(row->name, &row->st, &row->ex));
	}
	json_t *root = json_pack("{s:o}", "profiles", list);
	char *s = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	if (!s)
		return EX_OSERR;
	fprintf(out, "%s\n", s);
	free(s);
	return rc;
}
