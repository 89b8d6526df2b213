/* cli_inspect.c: `hsm-onboard inspect FILE...`, a read-only look at credential files.
 *
 * The support user runs this before anything is imported, so it must be safe to paste its output
 * into a ticket: every secret appears only as "present, N characters". It also answers the first
 * question support asks: do the service file and the technical file belong together? */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
#include "credfile.h"
#include "i18n.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

struct inspect_item {
	const char *arg;
	int rc;
	struct credfile cf;
	struct diag d;
	struct diag_warnings w;
};

static const char *inspect_basename(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

static void inspect_time(time_t t, char *buf, size_t n)
{
	struct tm tm;
	if (!localtime_r(&t, &tm) || strftime(buf, n, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
		snprintf(buf, n, "%lld", (long long)t);
}

static void inspect_print_secret(const char *label, const char *secret)
{
	if (!secret)
		return;
	size_t n = credfile_utf8_chars(secret);
	printf("  %-24s ", label);
	printf(P_("present, %zu character\n", "present, %zu characters\n", n), n);
}

static void inspect_print_plain(const char *label, const char *value)
{
	if (value)
		printf("  %-24s %s\n", label, value);
}

static void inspect_print_jwt_time(const char *label, time_t t, int is_exp, time_t now)
{
	char when[64];
	if (t == 0) {
		if (is_exp)
			printf("  %-24s %s\n", label, _("no 'exp' claim: the token does not expire by itself"));
		return;
	}
	inspect_time(t, when, sizeof when);
	if (!is_exp) {
		printf("  %-24s %s\n", label, when);
		return;
	}
	if (t <= now) {
		printf("  %-24s %s (%s)\n", label, when, _("expired"));
	} else {
		long days = (long)((t - now) / 86400);
		printf("  %-24s %s (", label, when);
		printf(P_("in %ld day", "in %ld days", days), days);
		puts(")");
	}
}

static void inspect_print_text(const struct inspect_item *it, time_t now)
{
	const struct credfile *cf = &it->cf;
	printf("%s\n", it->arg);
	printf("  %-24s %s: %s\n", _("kind:"), credfile_kind_name(cf->kind), credfile_kind_description(cf->kind));
	if (cf->name.date)
		printf("  %-24s %s %s, %s %s, %s %s, %s %s\n", _("file name:"), _("company"), cf->name.company,
		       _("service"), cf->name.service, _("user"), cf->name.user, _("date"), cf->name.date);
	else
		printf("  %-24s %s\n", _("file name:"),
		       _("not in the usual <company>_<svc>_<kind>_<user>_<date>.txt shape"));
	inspect_print_plain("Service User Name:", cf->service_user);
	inspect_print_secret("Service User Password:", cf->service_password);
	inspect_print_plain("HSM User Name:", cf->hsm_user);
	inspect_print_secret("HSM User Setup Password:", cf->setup_password);
	inspect_print_secret("PKCS#11 password:", cf->pkcs11_password);
	inspect_print_plain("API-Endpoint:", cf->api_endpoint);
	inspect_print_secret("JWT-TOKEN:", cf->jwt);
	if (cf->jwt) {
		inspect_print_jwt_time(_("JWT issued:"), cf->jwt_iat, 0, now);
		inspect_print_jwt_time(_("JWT expires:"), cf->jwt_exp, 1, now);
	}
}

static json_t *inspect_secret_json(const char *secret)
{
	return json_pack("{s:b,s:o}", "present", secret != NULL, "length",
	                 secret ? json_integer((json_int_t)credfile_utf8_chars(secret)) : json_null());
}

/* One schema for valid and invalid files: every key is present, null when it does not apply. */
static json_t *inspect_item_json(const struct inspect_item *it)
{
	json_t *warnings = json_array();
	for (size_t i = 0; i < it->w.n; i++)
		json_array_append_new(warnings, json_string(it->w.msg[i]));
	int ok = it->rc == EX_OK;
	const struct credfile *cf = &it->cf;
	json_t *name = json_null(), *secrets = json_null(), *jwt = json_null();
	if (ok && cf->name.date)
		name = json_pack("{s:s,s:s,s:s,s:s,s:s}", "kind", credfile_kind_name(cf->name.kind), "company",
		                 cf->name.company, "service", cf->name.service, "user", cf->name.user, "date", cf->name.date);
	if (ok)
		secrets = json_pack("{s:o,s:o,s:o,s:o}", "service_password", inspect_secret_json(cf->service_password),
		                    "setup_password", inspect_secret_json(cf->setup_password), "pkcs11_password",
		                    inspect_secret_json(cf->pkcs11_password), "jwt", inspect_secret_json(cf->jwt));
	if (ok && cf->jwt)
		jwt = json_pack("{s:o,s:o}", "iat", cli_json_time(cf->jwt_iat), "exp", cli_json_time(cf->jwt_exp));
	return json_pack("{s:s,s:b,s:o,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "path", it->arg, "valid", ok, "error",
	                 ok ? json_null() : json_string(it->d.msg), "exit_code", it->rc, "warnings", warnings, "kind",
	                 ok ? json_string(credfile_kind_name(cf->kind)) : json_null(), "name", name, "service_user",
	                 cli_json_str(ok ? cf->service_user : NULL), "hsm_user", cli_json_str(ok ? cf->hsm_user : NULL),
	                 "api_endpoint", cli_json_str(ok ? cf->api_endpoint : NULL), "secrets", secrets, "jwt", jwt);
}

/* Every valid service file against every valid technical file: the HSM User Name must be the same,
 * or the gateway lets the session through to a partition the setup password does not open. */
static json_t *inspect_pairs(const struct inspect_item *items, int n, int json)
{
	json_t *pairs = json ? json_array() : NULL;
	for (int i = 0; i < n; i++) {
		if (items[i].rc != EX_OK || items[i].cf.kind != CREDFILE_SERVICE)
			continue;
		for (int j = 0; j < n; j++) {
			if (items[j].rc != EX_OK || items[j].cf.kind != CREDFILE_HSM)
				continue;
			const struct credfile *s = &items[i].cf, *h = &items[j].cf;
			int same = strcmp(s->hsm_user, h->hsm_user) == 0;
			if (json) {
				json_array_append_new(pairs, json_pack("{s:s,s:s,s:b,s:s,s:s}", "service_file", items[i].arg,
				                                       "hsm_file", items[j].arg, "pair", same,
				                                       "service_hsm_user", s->hsm_user, "hsm_hsm_user", h->hsm_user));
			} else if (same) {
				printf(_("pairing: %s and %s belong together (HSM User Name %s)"), inspect_basename(items[i].arg),
				       inspect_basename(items[j].arg), s->hsm_user);
				putchar('\n');
			} else {
				printf(_("pairing: %s and %s do NOT belong together: the service file names HSM user %s, the "
				         "technical file %s"),
				       inspect_basename(items[i].arg), inspect_basename(items[j].arg), s->hsm_user, h->hsm_user);
				putchar('\n');
			}
			if (!same)
				cli_warning(_("%s and %s name different HSM users (%s, %s): they are not one pair"), items[i].arg,
				            items[j].arg, s->hsm_user, h->hsm_user);
		}
	}
	return pairs;
}

int cli_inspect(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {{NULL, 0, NULL, 0}};
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1)
		return cli_usage_error(argv[0], _("unknown option '%s'"), argv[optind - 1]);
	int n = argc - optind;
	if (n <= 0)
		return cli_usage_error(argv[0], "%s", _("no file given"));
	if (cli_stdin_once(argv[0], argv + optind, n) != EX_OK)
		return EX_USAGE;

	struct inspect_item *items = calloc((size_t)n, sizeof *items);
	if (!items) {
		cli_error("%s", _("out of memory"));
		return EX_OSERR;
	}
	int invalid = 0, unreadable = 0;
	for (int i = 0; i < n; i++) {
		struct inspect_item *it = &items[i];
		it->arg = argv[optind + i];
		diag_clear(&it->d);
		it->rc = credfile_parse_file(it->arg, &it->cf, &it->w, &it->d);
		for (size_t k = 0; k < it->w.n; k++)
			cli_warning("%s", it->w.msg[k]);
		if (it->rc == EX_DATAERR)
			invalid++;
		else if (it->rc != EX_OK)
			unreadable++;
		if (it->rc != EX_OK)
			cli_report(&it->d);
	}

	time_t now = time(NULL);
	if (ctx->json) {
		json_t *files = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(files, inspect_item_json(&items[i]));
		cli_json_print(json_pack("{s:o,s:o}", "files", files, "pairs", inspect_pairs(items, n, 1)));
	} else {
		int shown = 0;
		for (int i = 0; i < n; i++) {
			if (items[i].rc != EX_OK)
				continue;
			if (shown++)
				putchar('\n');
			inspect_print_text(&items[i], now);
		}
		if (shown)
			putchar('\n');
		inspect_pairs(items, n, 0);
		/* The summary goes where the messages it refers to went. */
		if (invalid + unreadable)
			fprintf(stderr, P_("%d of %d file is not valid (see the messages above)\n",
			          "%d of %d files are not valid (see the messages above)\n", n),
			       invalid + unreadable, n);
	}

	for (int i = 0; i < n; i++) {
		credfile_free(&items[i].cf);
		diag_warnings_free(&items[i].w);
	}
	free(items);
	if (unreadable)
		return EX_NOINPUT;
	return invalid ? EX_DATAERR : EX_OK;
}
