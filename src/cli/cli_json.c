/* cli_json.c: the CLI's JSON writer (cli_json.h). */
#include "config.h"

#include "cli_json.h"
#include "i18n.h"

#include <stdio.h>
#include <sysexits.h>

int cli_json_print(json_t *doc)
{
	return cli_json_write(stdout, doc);
}

int cli_json_write(FILE *out, json_t *doc)
{
	if (!doc) {
		cli_error("%s", _("out of memory"));
		return EX_OSERR;
	}
	/* A failed write leaves stdout's error flag set; main's exit check turns it into exit 74 with one
	 * message, whatever the command printed before. */
	json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(doc);
	return EX_OK;
}

json_t *cli_json_time(time_t t)
{
	struct tm tm;
	char buf[32];
	if (t <= 0 || !gmtime_r(&t, &tm) || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

json_t *cli_json_str(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

json_t *cli_json_import_profiles(json_t *arr, const struct import_result *r)
{
	if (!arr)
		arr = json_array();
	for (size_t i = 0; arr && i < r->n_profiles; i++)
		json_array_append_new(arr, json_pack("{s:s,s:b}", "name", r->profiles[i], "changed", r->changed[i]));
	return arr;
}

json_t *cli_json_setup_password(const struct state *st, const struct expiry *ex)
{
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:b}", "state", expiry_state_name(ex->state), "issued",
	                 cli_json_time(st->issued), "first_use", cli_json_time(st->first_use), "expires_at",
	                 cli_json_time(ex->deadline), "seconds_left",
	                 ex->state == EXPIRY_RUNNING ? json_integer(ex->seconds_left) : json_null(), "worst_case",
	                 ex->worst_case);
}

int cli_json_refuse(const struct cli_ctx *ctx, const char *command)
{
	if (!ctx->json)
		return EX_OK;
	return cli_usage_error(command, _("--json: '%s' has nothing to print as JSON"), command);
}
