/* cli_doctor.c: `doctor`: is this machine ready for the Primus exchange? (doctor.h)
 *
 * The same checks the primus engine's preflight runs at the start of `connect` and in the wizard,
 * plus, for a profile with a cluster, the network preflight of `check`. Needs no passphrase and sends
 * no secret. Exit 0 when nothing refuses the exchange (warnings allowed), 69 when something does. */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
#include "doctor.h"
#include "engine.h"
#include "i18n.h"
#include "netcheck.h"
#include "profile.h"
#include "quote.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

enum { DOCTOR_OPT_PPIN = 1, DOCTOR_OPT_MODULE, DOCTOR_OPT_HOME, DOCTOR_OPT_GROUP };

/* The profile's cluster answers (the network preflight, netcheck.h): none answering refuses, some
 * failing warn. */
static void doctor_cluster(struct cli_ctx *ctx, const struct state *st, struct doctor_report *r)
{
	if (!st->cluster)
		return;
	struct netcheck_cluster c;
	struct diag d;
	diag_clear(&d);
	if (netcheck_cluster_endpoints(st->cluster, st->api, 0, &c, &d) != 0) {
		doctor_add(r, "cluster", DOCTOR_WARN, "%s", d.msg);
		netcheck_cluster_free(&c);
		return;
	}
	struct netcheck_result res[CLUSTERS_MAX_HOSTS];
	struct netcheck_opts o = {.timeout_ms = 5000, .cacert = ctx->cacert};
	int rc = netcheck_run(c.e, c.n, &o, res, &d);
	size_t ok = 0;
	for (size_t i = 0; rc == 0 && i < c.n; i++)
		ok += res[i].category == NETCHECK_OK;
	if (rc != 0)
		doctor_add(r, "cluster", DOCTOR_WARN, "%s", d.msg);
	else if (ok == 0)
		doctor_add(r, "cluster", DOCTOR_FAIL,
		           _("no host of cluster %s answers on port %d: ppin could not reach the HSM ('hsm-onboard "
		             "check' says why)"),
		           st->cluster, c.port);
	else if (ok < c.n)
		doctor_add(r, "cluster", DOCTOR_WARN,
		           _("%zu of %zu hosts of cluster %s answer ('hsm-onboard check')"), ok, c.n, st->cluster);
	else
		doctor_add(r, "cluster", DOCTOR_OK, _("every host of cluster %s answers on port %d"), st->cluster,
		           c.port);
	netcheck_cluster_free(&c);
}

static int doctor_print(struct cli_ctx *ctx, const struct doctor_report *r)
{
	if (ctx->json) {
		json_t *list = json_array();
		for (size_t i = 0; i < r->n; i++)
			json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "id", r->items[i].id, "level",
			                                      doctor_level_name(r->items[i].level), "message",
			                                      r->items[i].msg));
		int rc = cli_json_print(json_pack("{s:b,s:o,s:s,s:o}", "ready", r->fails == 0, "version",
		                                  r->version_text[0] ? json_string(r->version_text) : json_null(),
		                                  "primus_home", r->primus_home, "checks", list));
		return rc != EX_OK ? rc : r->fails ? EX_UNAVAILABLE : EX_OK;
	}
	for (size_t i = 0; i < r->n; i++) {
		const char *tag = r->items[i].level == DOCTOR_OK     ? _("ok")
		                  : r->items[i].level == DOCTOR_NOTE ? _("note")
		                  : r->items[i].level == DOCTOR_WARN ? _("warning")
		                                                     : _("REFUSED");
		printf("%-9s %-10s %s\n", tag, r->items[i].id, quote_text(r->items[i].msg));
	}
	if (r->fails)
		printf(_("Not ready: connect would refuse to start. Nothing was recorded or sent.\n"));
	else if (r->warns)
		printf(_("Ready, with warnings.\n"));
	else
		printf(_("Ready for the exchange.\n"));
	return r->fails ? EX_UNAVAILABLE : EX_OK;
}

int cli_doctor(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"ppin", required_argument, NULL, DOCTOR_OPT_PPIN},
	    {"module", required_argument, NULL, DOCTOR_OPT_MODULE},
	    {"primus-home", required_argument, NULL, DOCTOR_OPT_HOME},
	    {"group", required_argument, NULL, DOCTOR_OPT_GROUP},
	    {NULL, 0, NULL, 0},
	};
	const char *ppin = NULL, *module = NULL, *home = NULL, *group = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case DOCTOR_OPT_PPIN: ppin = optarg; break;
		case DOCTOR_OPT_MODULE: module = optarg; break;
		case DOCTOR_OPT_HOME: home = optarg; break;
		case DOCTOR_OPT_GROUP: group = optarg; break;
		case ':': return cli_usage_error("doctor", _("%s needs a value"), argv[optind - 1]);
		default: return cli_usage_error("doctor", _("unknown option '%s'"), argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("doctor", _("unexpected argument '%s'"), argv[optind]);

	/* A profile, when named, gives its remembered ppin, module and group, and its cluster. */
	struct profile p;
	int have = 0;
	struct diag d;
	diag_clear(&d);
	if (ctx->profile) {
		if (profile_open(ctx->profile, PROFILE_NEED_STATE, &p, &d) != EX_OK)
			return cli_report(&d);
		have = 1;
		if (!ppin)
			ppin = p.st.engine.ppin;
		if (!module)
			module = p.st.engine.module;
	}
	struct doctor_report r;
	char found[PATH_MAX];
	if (engine_primus_find_ppin(ppin, found, sizeof found, &d) != EX_OK) {
		memset(&r, 0, sizeof r);
		doctor_primus_home(NULL, r.primus_home, sizeof r.primus_home);
		if (home)
			snprintf(r.primus_home, sizeof r.primus_home, "%s", home);
		doctor_add(&r, "ppin", DOCTOR_FAIL, "%s", d.msg);
	} else {
		struct doctor_opts o = {.ppin = found, .module = module, .primus_home = home, .group = group};
		doctor_run(&o, &r);
	}
	if (have) {
		doctor_cluster(ctx, &p.st, &r);
		profile_close(&p);
	}
	return doctor_print(ctx, &r);
}
