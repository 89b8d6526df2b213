/* cli_status_json.c: `status --json`, {"profiles": [...]}, times in ISO 8601 UTC, null where unknown.
 * The keys are a contract with scripts (README "The setup password's countdown"): add, never rename. */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
#include "cli_status.h"
#include "orders.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <time.h>

static json_t *status_json_profile(const struct status_report *r, size_t i)
{
	const char *name = r->rows[i].name;
	const struct state *st = &r->rows[i].st;
	const struct expiry *ex = &r->rows[i].ex;
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "hsm_user", cli_json_str(st->hsm_user));
	json_object_set_new(o, "service_user", cli_json_str(st->service_user));
	json_object_set_new(o, "tier",
	                    st->tier == TIER_UNKNOWN ? json_null() : json_string(state_tier_name(st->tier)));
	json_object_set_new(o, "service_type",
	                    st->service_type == SERVICE_TYPE_UNKNOWN
	                        ? json_null()
	                        : json_string(state_service_type_name(st->service_type)));
	json_object_set_new(o, "api",
	                    st->api == API_UNKNOWN ? json_null() : json_string(state_api_name(st->api)));
	/* How the setup password is exchanged: primus, jce, ksp or none (orders_path_of). */
	struct orders_path op;
	orders_path_of(st, &op);
	json_object_set_new(o, "path", json_string(orders_path_name(op.kind)));
	json_object_set_new(o, "cluster", cli_json_str(st->cluster));
	json_object_set_new(o, "step", json_string(state_step_name(st->step)));
	json_object_set_new(o, "setup_password", cli_json_setup_password(st, ex));
	/* The folder of the provider files, and the other profiles whose files are in it too. */
	json_object_set_new(o, "config_dir", cli_json_str(st->engine.config_dir));
	const char *names[16];
	size_t n = cli_status_sharing(r, i, names, 16);
	json_t *shared = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(shared, json_string(names[k]));
	json_object_set_new(o, "shares_config_dir_with", shared);
	return o;
}

int cli_status_write_json(FILE *out, const struct status_report *r)
{
	int rc = cli_status_report_errors(r);
	json_t *list = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct status_row *row = &r->rows[i];
		if (row->rc == EX_OK)
			json_array_append_new(list, status_json_profile(r, i));
	}
	int prc = cli_json_write(out, json_pack("{s:o}", "profiles", list));
	return prc != EX_OK ? prc : rc;
}
