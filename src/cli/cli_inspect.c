/* cli_inspect.c: `hsm-onboard inspect FILE...`, a read-only look at credential files.
 *
 * The support user runs this before anything is imported, so it must be safe to paste its output
 * into a ticket: every secret appears only as "present, N characters". It also answers the first
 * question support asks: do the service file and the technical file belong together? (It pairs them
 * as import does: import_files_disagree, so a folder of several customers' sets is fine.) And it says
 * through which order channel each file came and what that channel means (orders.h, as the wizard's
 * subscription and emails screens say it), and, with --cluster, whether the tier the file name tells
 * runs on that cluster (clusters_tier_warning, as the subscription screen warns). */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
#include "clusters.h"
#include "credfile.h"
#include "import.h"
#include "i18n.h"
#include "orders.h"
#include "profile.h"
#include "quote.h"

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
	enum orders_channel channels[ORDERS_CHANNEL_COUNT]; /* the order channels the file may come through */
	size_t n_channels;
	enum state_tier tier;     /* from the file name's <svc>, TIER_UNKNOWN when it does not tell */
	const char *tier_warning; /* clusters_tier_warning against --cluster, or NULL */
	/* No credential file names the API (doc/securosys-facts.md, "APIs and their exchange"): it comes
	 * from the profile of the file's HSM user, when one was imported with it, else it is unknown. */
	char api_profile[80]; /* that profile's name, "" when there is none */
	enum state_api api;   /* its API, API_UNKNOWN when not recorded */
};

/* The profile whose HSM user is the file's, and its API, into it (read only, no lock); one that
 * records an API wins over one that does not. */
static void inspect_profile_api(struct inspect_item *it)
{
	char **names = NULL;
	size_t n = 0;
	struct diag d;
	diag_clear(&d);
	if (!it->cf.hsm_user || profile_list(&names, &n, &d) != EX_OK)
		return;
	for (size_t i = 0; i < n && it->api == API_UNKNOWN; i++) {
		struct profile p;
		diag_clear(&d);
		if (profile_open(names[i], PROFILE_NEED_STATE, &p, &d) != EX_OK)
			continue;
		if (p.st.hsm_user && strcmp(p.st.hsm_user, it->cf.hsm_user) == 0) {
			snprintf(it->api_profile, sizeof it->api_profile, "%s", p.name);
			it->api = p.st.api;
		}
		profile_close(&p);
	}
	profile_list_free(names, n);
}

static void inspect_print_api(const struct inspect_item *it)
{
	char line[256];
	if (!it->api_profile[0])
		snprintf(line, sizeof line, "%s", _("not in the files (pass import --api)"));
	else if (it->api == API_UNKNOWN)
		snprintf(line, sizeof line, _("not in the files, nor in profile %s (pass import --api)"),
		         it->api_profile);
	else
		snprintf(line, sizeof line, _("%s (profile %s; the files do not say it)"), state_api_name(it->api),
		         it->api_profile);
	printf("  %-24s %s\n", _("API:"), line);
}

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
	size_t n = quote_utf8_chars(secret, secret ? strlen(secret) : 0);
	printf("  %-24s ", label);
	printf(P_("present, %zu character\n", "present, %zu characters\n", n), n);
}

static void inspect_print_plain(const char *label, const char *value)
{
	if (value)
		printf("  %-24s %s\n", label, quote_c(value));
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
	printf("%s\n", quote_c(it->arg));
	printf("  %-24s %s: %s\n", _("kind:"), credfile_kind_name(cf->kind), credfile_kind_description(cf->kind));
	if (cf->name.date)
		printf("  %-24s %s %s, %s %s, %s %s, %s %s\n", _("file name:"), _("company"),
		       quote_c(cf->name.company), _("service"), quote_c(cf->name.service), _("user"),
		       quote_c(cf->name.user), _("date"), quote_c(cf->name.date));
	else
		printf("  %-24s %s\n", _("file name:"),
		       _("not in the usual <company>_<svc>_<kind>_<user>_<date>.txt shape"));
	if (it->n_channels) {
		printf("  %-24s", _("order channel:"));
		for (size_t i = 0; i < it->n_channels; i++)
			printf("%s%s", i ? ", " : " ", orders_channel_name(it->channels[i]));
		putchar('\n');
	}
	if (it->tier)
		printf("  %-24s %s\n", _("tier (file name):"), state_tier_name(it->tier));
	inspect_print_api(it);
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
	                 secret ? json_integer((json_int_t)quote_utf8_chars(secret, strlen(secret)))
	                        : json_null());
}

/* jansson escapes what JSON requires, but refuses a string that is not UTF-8 (a file name may be
 * anything): that one is shown quoted, as on the terminal. */
static json_t *inspect_str(const char *s)
{
	json_t *j = json_string(s);
	return j ? j : json_string(quote_c(s));
}

static json_t *inspect_str_or_null(const char *s)
{
	return s ? inspect_str(s) : json_null();
}

/* One schema for valid and invalid files: every key is present, null when it does not apply. */
static json_t *inspect_item_json(const struct inspect_item *it)
{
	json_t *warnings = json_array();
	for (size_t i = 0; i < it->w.n; i++)
		json_array_append_new(warnings, inspect_str(it->w.msg[i]));
	int ok = it->rc == EX_OK;
	const struct credfile *cf = &it->cf;
	json_t *name = json_null(), *secrets = json_null(), *jwt = json_null();
	if (ok && cf->name.date)
		name = json_pack("{s:s,s:o,s:o,s:o,s:o}", "kind", credfile_kind_name(cf->name.kind), "company",
		                 inspect_str(cf->name.company), "service", inspect_str(cf->name.service), "user",
		                 inspect_str(cf->name.user), "date", inspect_str(cf->name.date));
	if (ok)
		secrets =
		    json_pack("{s:o,s:o,s:o,s:o}", "service_password", inspect_secret_json(cf->service_password),
		              "setup_password", inspect_secret_json(cf->setup_password), "pkcs11_password",
		              inspect_secret_json(cf->pkcs11_password), "jwt", inspect_secret_json(cf->jwt));
	if (ok && cf->jwt)
		jwt = json_pack("{s:o,s:o}", "iat", cli_json_time(cf->jwt_iat), "exp", cli_json_time(cf->jwt_exp));
	json_t *channels = json_null();
	if (ok) {
		channels = json_array();
		for (size_t i = 0; i < it->n_channels; i++)
			json_array_append_new(channels, json_string(orders_channel_name(it->channels[i])));
	}
	json_t *api = ok && it->api_profile[0] && it->api != API_UNKNOWN ? json_string(state_api_name(it->api))
	                                                                 : json_null();
	json_t *j = json_pack(
	    "{s:o,s:b,s:o,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "path", inspect_str(it->arg),
	    "valid", ok, "error", ok ? json_null() : inspect_str(it->d.msg), "exit_code", it->rc, "warnings",
	    warnings, "kind", ok ? json_string(credfile_kind_name(cf->kind)) : json_null(), "name", name,
	    "service_user", inspect_str_or_null(ok ? cf->service_user : NULL), "hsm_user",
	    inspect_str_or_null(ok ? cf->hsm_user : NULL), "api_endpoint",
	    inspect_str_or_null(ok ? cf->api_endpoint : NULL), "secrets", secrets, "jwt", jwt, "channels",
	    channels, "tier", it->tier ? json_string(state_tier_name(it->tier)) : json_null(), "tier_warning",
	    cli_json_str(it->tier_warning));
	/* "api" is the profile's (null when no profile of this HSM user records it), "api_profile" names
	 * that profile: the files never carry the API. */
	json_object_set_new(j, "api", api);
	json_object_set_new(j, "api_profile", cli_json_str(ok && it->api_profile[0] ? it->api_profile : NULL));
	return j;
}

static void inspect_pair_text(const struct inspect_item *svc, const struct inspect_item *hsm, int same)
{
	if (same)
		printf(_("pairing: %s and %s belong together (HSM User Name %s)"),
		       quote_c(inspect_basename(svc->arg)), quote_c(inspect_basename(hsm->arg)),
		       quote_c(svc->cf.hsm_user));
	else
		printf(_("pairing: %s and %s do NOT belong together: the service file names HSM user %s, the "
		         "technical file %s"),
		       quote_c(inspect_basename(svc->arg)), quote_c(inspect_basename(hsm->arg)),
		       quote_c(svc->cf.hsm_user), quote_c(hsm->cf.hsm_user));
	putchar('\n');
}

/* The pairing import applies (import_file_user, import_files_disagree): the valid files fall into
 * one set per HSM user, a service and a technical file of one set belong together, and only two
 * files that import would refuse together are a mismatch. Several customers' complete sets in one
 * folder are therefore fine, as import takes them. */
static json_t *inspect_pairs(const struct inspect_item *items, int n, int json, int *mismatches)
{
	json_t *pairs = json ? json_array() : NULL;
	size_t n_valid = 0;
	for (int i = 0; i < n; i++)
		n_valid += items[i].rc == EX_OK;
	for (int i = 0; i < n; i++) {
		for (int j = i + 1; j < n; j++) {
			if (items[i].rc != EX_OK || items[j].rc != EX_OK)
				continue;
			const struct inspect_item *x = &items[i], *y = &items[j];
			if (x->cf.kind == CREDFILE_HSM && y->cf.kind == CREDFILE_SERVICE)
				x = &items[j], y = &items[i];
			int svc_hsm = x->cf.kind == CREDFILE_SERVICE && y->cf.kind == CREDFILE_HSM;
			int differ = import_files_disagree(&x->cf, &y->cf, n_valid);
			int same = !differ && strcmp(import_file_user(&x->cf), import_file_user(&y->cf)) == 0;
			if (svc_hsm && (same || differ)) {
				if (json)
					json_array_append_new(pairs, json_pack("{s:o,s:o,s:b,s:o,s:o}", "service_file",
					                                       inspect_str(x->arg), "hsm_file",
					                                       inspect_str(y->arg), "pair", same,
					                                       "service_hsm_user", inspect_str(x->cf.hsm_user),
					                                       "hsm_hsm_user", inspect_str(y->cf.hsm_user)));
				else
					inspect_pair_text(x, y, same);
			}
			if (differ) {
				(*mismatches)++;
				cli_warning(_("%s and %s name different HSM users (%s, %s): they are not one pair"),
				            quote_c(x->arg), quote_c(y->arg), quote_c(x->cf.hsm_user),
				            quote_c(y->cf.hsm_user));
			}
		}
	}
	return pairs;
}

/* The channels of the valid files, each once, in orders.h's order: a service or hsm file may come
 * from an order through sales, a dedicated TSBaaS or BYOK, so all three facts are shown for it. */
static json_t *inspect_channels(const struct inspect_item *items, int n, int json)
{
	json_t *list = json ? json_array() : NULL;
	int shown = 0;
	for (int c = 0; c < ORDERS_CHANNEL_COUNT; c++) {
		int used = 0;
		for (int i = 0; i < n && !used; i++)
			for (size_t k = 0; items[i].rc == EX_OK && k < items[i].n_channels; k++)
				used |= items[i].channels[k] == (enum orders_channel)c;
		if (!used)
			continue;
		if (json) {
			json_array_append_new(list, json_pack("{s:s,s:s}", "channel",
			                                      orders_channel_name((enum orders_channel)c), "fact",
			                                      orders_channel_fact((enum orders_channel)c)));
			continue;
		}
		if (!shown++)
			puts(_("Order channels these files may come from:"));
		printf("  - %s\n", orders_channel_fact((enum orders_channel)c));
	}
	if (shown)
		putchar('\n');
	return list;
}

/* --cluster NAME: its spelling in the cluster table; EX_USAGE for a name the table does not have. */
static int inspect_cluster(const char *cmd, const char *name, char *buf, size_t size)
{
	struct cluster_table t;
	struct diag d;
	diag_clear(&d);
	if (clusters_load(NULL, &t, &d) != EX_OK)
		return cli_report(&d);
	const struct cluster *cl = clusters_find(&t, name);
	if (cl)
		snprintf(buf, size, "%s", cl->name);
	clusters_free(&t);
	return cl ? EX_OK : cli_usage_error(cmd, _("unknown cluster '%s' (see 'hsm-onboard clusters')"), name);
}

int cli_inspect(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { OPT_CLUSTER = 1 };
	static const struct option longopts[] = {{"cluster", required_argument, NULL, OPT_CLUSTER},
	                                         {NULL, 0, NULL, 0}};
	opterr = 0;
	int c;
	char cluster[64] = "";
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (c != OPT_CLUSTER)
			return cli_usage_error(argv[0], _("unknown option '%s'"), argv[optind - 1]);
		int rc = inspect_cluster(argv[0], optarg, cluster, sizeof cluster);
		if (rc != EX_OK)
			return rc;
	}
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
		it->rc = credfile_parse_file_flags(
		    it->arg, ctx->accept_setup_format ? CREDFILE_ACCEPT_SETUP_FORMAT : 0, &it->cf, &it->w, &it->d);
		for (size_t k = 0; k < it->w.n; k++)
			cli_warning("%s", it->w.msg[k]);
		if (it->rc == EX_DATAERR)
			invalid++;
		else if (it->rc != EX_OK)
			unreadable++;
		if (it->rc != EX_OK) {
			cli_report(&it->d);
			continue;
		}
		it->n_channels = orders_channels_of_kind(it->cf.kind, it->channels);
		if (it->cf.name.service && state_tier_parse(it->cf.name.service, &it->tier) != 0)
			it->tier = TIER_UNKNOWN;
		it->tier_warning = cluster[0] ? clusters_tier_warning((int)it->tier, cluster) : NULL;
		inspect_profile_api(it);
		if (it->tier_warning)
			cli_warning(_("%s: the file name says tier %s, the cluster is %s: %s"), quote_c(it->arg),
			            state_tier_name(it->tier), cluster, it->tier_warning);
	}

	time_t now = time(NULL);
	int mismatches = 0;
	if (ctx->json) {
		json_t *files = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(files, inspect_item_json(&items[i]));
		json_t *pairs = inspect_pairs(items, n, 1, &mismatches);
		cli_json_print(json_pack("{s:o,s:o,s:o,s:o}", "files", files, "pairs", pairs, "cluster",
		                         cli_json_str(cluster[0] ? cluster : NULL), "channels",
		                         inspect_channels(items, n, 1)));
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
		inspect_channels(items, n, 0);
		inspect_pairs(items, n, 0, &mismatches);
		/* The summary goes where the messages it refers to went. */
		if (invalid + unreadable)
			fprintf(stderr,
			        P_("%d of %d file is not valid (see the messages above)\n",
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
	/* A service file and a technical file of different HSM users are bad data as a set, exactly as
	 * import refuses them: a script that checks the files first must see it in the exit code. */
	return invalid || mismatches ? EX_DATAERR : EX_OK;
}
