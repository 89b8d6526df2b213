/* cli_json.h: the one way the CLI writes --json output.
 *
 * Every command prints exactly one JSON document on stdout under --json (doc/hsm-onboard.1, "JSON
 * OUTPUT"): keys in a fixed order, every documented key present (null when unknown), times as ISO 8601
 * UTC strings, never a secret. A command with nothing to say in JSON refuses --json as a usage error.
 * Write errors are not checked here: main() checks the close of stdout at exit (exit 74). */
#ifndef HSMO_CLI_JSON_H
#define HSMO_CLI_JSON_H

#include <jansson.h>
#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "expiry.h"
#include "import.h"
#include "state.h"

/* Prints doc on stdout as one document and a newline, and releases it. doc may be NULL (out of
 * memory): then nothing is printed and EX_OSERR is returned (reported); else EX_OK. */
int cli_json_print(json_t *doc);
/* The same, on out (status writes to a file for the textfile collector). */
int cli_json_write(FILE *out, json_t *doc);
/* An ISO 8601 UTC time ("2026-11-24T09:30:00Z"), or null for t <= 0. */
json_t *cli_json_time(time_t t);
/* A string, or null for NULL or "". */
json_t *cli_json_str(const char *s);
/* The "profiles" array of import, fetch and watch: [{"name", "changed"}]; appends to arr when given. */
json_t *cli_json_import_profiles(json_t *arr, const struct import_result *r);
/* The setup password's countdown, as status prints it: {"state", "issued", "first_use", "expires_at",
 * "seconds_left"}. */
json_t *cli_json_setup_password(const struct state *st, const struct expiry *ex);
/* For a command that has nothing to print as JSON: EX_USAGE (reported) under --json, else EX_OK. */
int cli_json_refuse(const struct cli_ctx *ctx, const char *command);

#endif
