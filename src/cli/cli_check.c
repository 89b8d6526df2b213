/* cli_check.c: `check`: the cluster preflight and the TSBaaS check (netcheck.h), with the JWT
 * (multi-tenant) or by mutual TLS (dedicated, --cert and --key), printed as a table or JSON, and
 * recorded in the profile for the support ticket. */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
#include "cli_net.h"
#include "clusters.h"
#include "cli_passphrase.h"
#include "i18n.h"
#include "orders.h"
#include "netcheck.h"
#include "profile.h"
#include "secmem.h"
#include "vault.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#define CHECK_MAX_ENDPOINTS 64

struct check_run {
	struct netcheck_endpoint e[CHECK_MAX_ENDPOINTS + 1];
	char *hosts[CHECK_MAX_ENDPOINTS];
	size_t n;
	char url[NETCHECK_LABEL_MAX];
	char cluster_name[64]; /* the table's spelling of --cluster */
	char *jwt;             /* secmem */
	time_t jwt_exp;
};

static void check_print_seconds(long long s)
{
	long long a = s < 0 ? -s : s;
	if (a >= 86400)
		printf(P_("%lld day", "%lld days", (unsigned long)(a / 86400)), a / 86400);
	else if (a >= 3600)
		printf(P_("%lld hour", "%lld hours", (unsigned long)(a / 3600)), a / 3600);
	else
		printf(P_("%lld minute", "%lld minutes", (unsigned long)(a / 60)), a / 60);
}

static void check_print_text(const struct check_run *run, const struct netcheck_result *r, size_t n)
{
	printf("%-44s %-8s %9s\n", _("ENDPOINT"), _("RESULT"), _("LATENCY"));
	for (size_t i = 0; i < n; i++) {
		char hint[512];
		netcheck_result_hint(&run->e[i], &r[i], hint, sizeof hint);
		printf("%-44s %-8s %6ld ms\n", r[i].label, netcheck_category_name(r[i].category), r[i].latency_ms);
		if (r[i].category != NETCHECK_OK) {
			if (r[i].detail[0])
				printf("    %s\n", r[i].detail);
			printf("    %s\n", hint);
		}
	}
	if (run->jwt_exp) {
		long long left = (long long)(run->jwt_exp - time(NULL));
		char date[64];
		struct tm tm;
		strftime(date, sizeof date, "%Y-%m-%d %H:%M %Z", localtime_r(&run->jwt_exp, &tm));
		if (left > 0) {
			printf(_("JWT expires %s (in "), date);
			check_print_seconds(left);
			puts(")");
		} else {
			printf(_("JWT expired %s ("), date);
			check_print_seconds(left);
			puts(_(" ago): ask Securosys support for a new one"));
		}
	}
}

/* One schema whatever the result: every key is present, null when it does not apply. */
static void check_print_json(const struct check_run *run, const struct netcheck_result *r, size_t n,
                             time_t at)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		char hint[512];
		netcheck_result_hint(&run->e[i], &r[i], hint, sizeof hint);
		json_array_append_new(
		    list, json_pack("{s:s,s:s,s:I,s:o,s:o,s:o}", "endpoint", r[i].label, "category",
		                    netcheck_category_name(r[i].category), "latency_ms", (json_int_t)r[i].latency_ms,
		                    "http_status", r[i].http_status ? json_integer(r[i].http_status) : json_null(),
		                    "detail", cli_json_str(r[i].detail), "hint", cli_json_str(hint)));
	}
	cli_json_print(
	    json_pack("{s:o,s:b,s:o,s:o,s:o}", "checked_at", cli_json_time(at), "ok", netcheck_all_ok(r, n),
	              "results", list, "jwt_expires_at", cli_json_time(run->jwt_exp), "jwt_seconds_left",
	              run->jwt_exp ? json_integer((json_int_t)(run->jwt_exp - time(NULL))) : json_null()));
}

/* Reads the JWT from the profile's vault into run->jwt (secmem). */
static int check_load_jwt(struct cli_ctx *ctx, struct profile *p, struct check_run *run)
{
	struct diag d;
	diag_clear(&d);
	struct vault *v = NULL;
	if (cli_open_vault(ctx, p, &v, &d) != EX_OK)
		return cli_report(&d);
	const char *jwt = vault_get(v, VAULT_JWT);
	if (jwt)
		run->jwt = secmem_strdup(jwt);
	vault_close(v);
	if (!run->jwt) {
		cli_error(_("profile %s holds no JWT: import its _jwt_ credential file first"), p->name);
		return EX_DATAERR;
	}
	return EX_OK;
}

static int check_add(struct check_run *run, const char *host, int port, int tls)
{
	if (run->n >= CHECK_MAX_ENDPOINTS)
		return cli_usage_error("check", _("at most %d endpoints"), CHECK_MAX_ENDPOINTS);
	char *h = strdup(host);
	if (!h)
		return EX_OSERR;
	run->hosts[run->n] = h;
	run->e[run->n] = (struct netcheck_endpoint){.host = h,
	                                            .port = port,
	                                            .tls = tls || clusters_port_api(port) == API_REST};
	run->n++;
	return EX_OK;
}

static int check_from_cluster(struct check_run *run, const char *name, enum state_api api, int tls)
{
	struct netcheck_cluster c;
	struct diag d;
	diag_clear(&d);
	int rc = netcheck_cluster_endpoints(name, api, tls, &c, &d);
	if (rc == EX_USAGE)
		rc = cli_usage_error("check", "%s", d.msg);
	else if (rc != EX_OK)
		rc = cli_report(&d);
	snprintf(run->cluster_name, sizeof run->cluster_name, "%s", c.name);
	for (size_t i = 0; rc == EX_OK && i < c.n; i++)
		rc = check_add(run, c.e[i].host, c.e[i].port, c.e[i].tls);
	netcheck_cluster_free(&c);
	return rc;
}

/* --api-endpoint without a profile to take the JWT from and without a client certificate. */
static int check_api_endpoint_usage(const char *cmd)
{
	return cli_usage_error(
	    cmd, "%s",
	    _("--api-endpoint needs a profile holding the JWT (--profile NAME), or, for a "
	      "dedicated TSBaaS, the client certificate of mutual TLS (--cert FILE --key FILE)"));
}

/* The command line, as given: the phases below decide what it means together with the profile. */
struct check_args {
	const char *cmd; /* argv[0], for the usage errors */
	long timeout_ms;
	const char *api_endpoint, *cluster, *cert, *key;
	enum state_api api;
	int tls;
	const char *endpoints[CHECK_MAX_ENDPOINTS];
	size_t n_endpoints;
};

static int check_parse(int argc, char **argv, struct check_args *a)
{
	enum {
		OPT_TIMEOUT = 1,
		OPT_ENDPOINT,
		OPT_API_ENDPOINT,
		OPT_TLS,
		OPT_CLUSTER,
		OPT_API,
		OPT_CERT,
		OPT_KEY
	};
	static const struct option opts[] = {
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"endpoint", required_argument, NULL, OPT_ENDPOINT},
	    {"api-endpoint", required_argument, NULL, OPT_API_ENDPOINT},
	    {"tls", no_argument, NULL, OPT_TLS},
	    {"cluster", required_argument, NULL, OPT_CLUSTER},
	    {"api", required_argument, NULL, OPT_API},
	    {"cert", required_argument, NULL, OPT_CERT},
	    {"key", required_argument, NULL, OPT_KEY},
	    {NULL, 0, NULL, 0},
	};
	memset(a, 0, sizeof *a);
	a->cmd = argv[0];
	a->timeout_ms = 5000;
	a->api = API_UNKNOWN;
	int c, rc;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_TIMEOUT:
			if ((rc = cli_net_parse_timeout(argv[0], optarg, 600.0, &a->timeout_ms)) != EX_OK)
				return rc;
			break;
		case OPT_ENDPOINT:
			if (a->n_endpoints >= CHECK_MAX_ENDPOINTS)
				return cli_usage_error(argv[0], _("at most %d endpoints"), CHECK_MAX_ENDPOINTS);
			a->endpoints[a->n_endpoints++] = optarg;
			break;
		case OPT_API_ENDPOINT: a->api_endpoint = optarg; break;
		case OPT_TLS: a->tls = 1; break;
		case OPT_CLUSTER: a->cluster = optarg; break;
		case OPT_API:
			if (state_api_parse(optarg, &a->api) != 0 || a->api == API_UNKNOWN)
				return cli_usage_error(argv[0], _("--api: '%s' is not pkcs11, jce, cng or rest"), optarg);
			break;
		case OPT_CERT: a->cert = optarg; break;
		case OPT_KEY: a->key = optarg; break;
		default: return cli_usage_error(argv[0], "%s", _("unknown option"));
		}
	}
	if (optind < argc)
		return cli_usage_error(argv[0], _("unexpected argument '%s'"), argv[optind]);
	return EX_OK;
}

/* Mutual TLS, the dedicated TSBaaS' authentication (doc/securosys-facts.md, section "Order
 * channels and tiers"): the key holds a secret and is refused when others may read it, before
 * anything is sent. Without --key the key is in the certificate file. */
static int check_client_cert(const struct check_args *a)
{
	struct diag d;
	diag_clear(&d);
	if (a->key && !a->cert)
		return cli_usage_error(a->cmd, "%s", _("--key needs --cert FILE (the client certificate)"));
	if (a->cert && !a->api_endpoint)
		return cli_usage_error(a->cmd, "%s",
		                       _("--cert and --key are for the REST API of a dedicated TSBaaS: give "
		                         "--api-endpoint URL"));
	if (a->cert && (netcheck_client_cert_check(a->cert, &d) != EX_OK ||
	                netcheck_client_key_check(a->key ? a->key : a->cert, &d) != EX_OK))
		return cli_report(&d);
	return EX_OK;
}

/* The hosts of --endpoint, in their order. */
static int check_add_endpoints(const struct check_args *a, struct check_run *run)
{
	struct diag d;
	diag_clear(&d);
	for (size_t i = 0; i < a->n_endpoints; i++) {
		char *host;
		int port;
		if (netcheck_parse_endpoint(a->endpoints[i], &host, &port, &d) != EX_OK)
			return cli_usage_error(a->cmd, "--endpoint: %s", d.msg);
		int rc = check_add(run, host, port, a->tls);
		free(host);
		if (rc != EX_OK)
			return rc;
	}
	return EX_OK;
}

/* A profile is used when named, or when nothing else says what to check: then the only one. Sets
 * *have when p was opened (close it with profile_close). */
static int check_open_profile(struct cli_ctx *ctx, const struct check_args *a, struct profile *p, int *have)
{
	if (ctx->profile || (a->n_endpoints == 0 && !a->cluster && !a->cert)) {
		struct diag d;
		diag_clear(&d);
		char *pname = NULL;
		int rc = cli_profile_name(ctx, &pname, &d);
		if (rc != EX_OK)
			rc = a->api_endpoint && !ctx->profile ? check_api_endpoint_usage(a->cmd) : cli_report(&d);
		else if ((rc = profile_open(pname, PROFILE_LOCK | PROFILE_NEED_STATE, p, &d)) != EX_OK)
			cli_report(&d);
		else
			*have = 1;
		free(pname);
		if (rc != EX_OK)
			return rc;
	}
	if (a->api_endpoint && !*have && !a->cert)
		return check_api_endpoint_usage(a->cmd);
	return EX_OK;
}

/* The cluster's hosts, unless endpoints were given: --cluster, else the profile's (st, NULL without a
 * profile). A TSBaaS or --api-endpoint needs no cluster. */
static int check_cluster_hosts(const struct check_args *a, struct check_run *run, const struct state *st,
                               int tsbaas)
{
	if (a->n_endpoints)
		return EX_OK;
	const char *cl = a->cluster ? a->cluster : (st ? st->cluster : NULL);
	/* --api, else the port of the profile's path (orders_path_of). */
	struct orders_path op = {.api = API_UNKNOWN};
	if (st)
		orders_path_of(st, &op);
	if (cl)
		return check_from_cluster(run, cl, a->api != API_UNKNOWN ? a->api : op.api, a->tls);
	if (!tsbaas && !a->api_endpoint)
		return cli_usage_error(
		    a->cmd, "%s",
		    _("no cluster is known for this profile: give --cluster NAME (see 'hsm-onboard "
		      "clusters') or --endpoint HOST:PORT"));
	return EX_OK;
}

/* TSBaaS: GET versionInfo by mutual TLS (dedicated), or with the JWT (multi-tenant). p is zeroed
 * without a profile: then --cert was given (check_open_profile). */
static int check_api_endpoint(struct cli_ctx *ctx, const struct check_args *a, struct check_run *run,
                              struct profile *p)
{
	struct diag d;
	diag_clear(&d);
	const char *base = a->api_endpoint ? a->api_endpoint : p->st.api_endpoint;
	if (!base)
		return cli_usage_error(a->cmd, "%s", _("the profile has no API endpoint: give --api-endpoint URL"));
	if (netcheck_version_url(base, run->url, sizeof run->url, &d) != EX_OK)
		return cli_usage_error(a->cmd, "%s", d.msg);
	if (a->cert) {
		run->e[run->n++] = (struct netcheck_endpoint){.url = run->url, .cert = a->cert, .key = a->key};
		return EX_OK;
	}
	if (p->st.service_type == SERVICE_TYPE_TSBAAS_DEDICATED)
		return cli_usage_error(
		    a->cmd,
		    _("profile %s is a dedicated TSBaaS: its REST API authenticates by mutual TLS, "
		      "not by a JWT; give --cert FILE --key FILE"),
		    p->name);
	int rc = check_load_jwt(ctx, p, run);
	if (rc != EX_OK)
		return rc;
	run->jwt_exp = p->st.jwt_exp;
	run->e[run->n++] = (struct netcheck_endpoint){.url = run->url, .bearer = run->jwt};
	return EX_OK;
}

/* Records the results in the profile, for status and the support ticket. */
static void check_record(const struct check_args *a, const struct check_run *run, struct profile *p,
                         const struct netcheck_result *res, time_t at)
{
	/* A cluster or API named on the command line becomes the profile's choice (it was found in
	 * the table above), so the next check, the wizard and the provider configuration use it. */
	if (a->cluster && run->cluster_name[0] &&
	    (!p->st.cluster || strcmp(p->st.cluster, run->cluster_name) != 0)) {
		free(p->st.cluster);
		p->st.cluster = strdup(run->cluster_name);
	}
	if (a->api != API_UNKNOWN && a->n_endpoints == 0)
		p->st.api = a->api;
	netcheck_store(&p->st, res, run->n, at);
	struct diag d;
	diag_clear(&d);
	if (profile_save_state(p, &d) != EX_OK)
		cli_warning("%s", d.msg);
}

/* Runs the checks, prints them, and records them when p (NULL without a profile) is given: EX_OK
 * when every endpoint answered, else EX_UNAVAILABLE. */
static int check_run_all(const struct cli_ctx *ctx, const struct check_args *a, const struct check_run *run,
                         struct profile *p)
{
	struct netcheck_result *res = calloc(run->n ? run->n : 1, sizeof *res);
	if (!res)
		return EX_OSERR;
	struct diag d;
	diag_clear(&d);
	struct netcheck_opts o = {.timeout_ms = a->timeout_ms, .cacert = ctx->cacert};
	int rc = netcheck_run(run->e, run->n, &o, res, &d);
	if (rc != EX_OK) {
		cli_report(&d);
		free(res);
		return rc;
	}
	time_t at = time(NULL);
	if (ctx->json)
		check_print_json(run, res, run->n, at);
	else
		check_print_text(run, res, run->n);
	fflush(stdout);
	if (p)
		check_record(a, run, p, res, at);
	rc = netcheck_all_ok(res, run->n) ? EX_OK : EX_UNAVAILABLE;
	free(res);
	return rc;
}

/* The phases in order; each reports its own failure. */
int cli_check(struct cli_ctx *ctx, int argc, char **argv)
{
	struct check_args a;
	int rc = check_parse(argc, argv, &a);
	if (rc != EX_OK)
		return rc;
	struct check_run run;
	memset(&run, 0, sizeof run);
	struct profile p;
	memset(&p, 0, sizeof p);
	p.lock_fd = -1;
	int have_profile = 0;
	if ((rc = check_client_cert(&a)) == EX_OK && (rc = check_add_endpoints(&a, &run)) == EX_OK)
		rc = check_open_profile(ctx, &a, &p, &have_profile);
	int tsbaas = have_profile && state_is_tsbaas(&p.st);
	if (rc == EX_OK)
		rc = check_cluster_hosts(&a, &run, have_profile ? &p.st : NULL, tsbaas);
	if (rc == EX_OK && (a.api_endpoint || tsbaas))
		rc = check_api_endpoint(ctx, &a, &run, &p);
	if (rc == EX_OK)
		rc = check_run_all(ctx, &a, &run, have_profile ? &p : NULL);
	if (have_profile)
		profile_close(&p);
	secmem_free(run.jwt);
	for (size_t i = 0; i < CHECK_MAX_ENDPOINTS; i++)
		free(run.hosts[i]);
	return rc;
}
