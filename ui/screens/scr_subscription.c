/* scr_subscription.c: step 1, what was ordered: tier, service type, API and cluster (the same values
 * as import's --tier/--service-type and config's --api/--cluster), each with a one-line explanation;
 * the tier's expiry rule shows at once. */
#include "config.h"

#include "clusters.h"
#include "expiry.h"
#include "i18n.h"
#include "orders.h"
#include "wiz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	enum state_tier v;
	const char *label, *why;
} scr_sub_tiers[] = {
    {TIER_SBX, N_("Sandbox (SBX)"), N_("for tests; no production keys")},
    {TIER_ECO, N_("Economy (ECO)"), N_("shared production partition")},
    {TIER_ECO_CC, N_("Economy Certified (ECO-CC)"),
     N_("certified operation; the password clock starts at issue")},
    {TIER_PLATINUM, N_("Platinum"), N_("dedicated capacity and support")},
};
/* What each service type delivers and how it authenticates comes from orders.h, as inspect says it. */
static const struct {
	enum state_service_type v;
	const char *label;
} scr_sub_services[] = {
    {SERVICE_TYPE_STANDARD, N_("HSM (standard)")},
    {SERVICE_TYPE_TSBAAS_MULTI, N_("TSBaaS, multi-tenant")},
    {SERVICE_TYPE_TSBAAS_DEDICATED, N_("HSM with dedicated TSBaaS")},
};
static const struct {
	enum state_api v;
	const char *label, *why;
} scr_sub_apis[] = {
    {API_PKCS11, N_("PKCS#11"), N_("port 2310; Primus PKCS#11 provider or any PKCS#11 client")},
    {API_JCE, N_("JCE"), N_("port 2300; the Primus Java provider")},
    {API_CNG, N_("CNG"), N_("port 2320; Windows CNG/KSP")},
    {API_REST, N_("REST (TSBaaS)"), N_("port 443; HTTPS with a JWT, or by mutual TLS (dedicated)")},
};
#define SCR_N(a) (sizeof a / sizeof a[0])

static struct {
	size_t field; /* 0 tier, 1 service, 2 api, 3 cluster */
	size_t tier, service, api, cluster;
	struct cluster_table ct;
	int have_ct;
	char ct_err[DIAG_MSG_MAX];
} scr_sub;

static void scr_sub_enter(struct wiz *w)
{
	scr_sub.field = 0;
	scr_sub.tier = 1;
	scr_sub.service = 0;
	scr_sub.api = 0;
	scr_sub.cluster = 0;
	if (w->have_prof) {
		for (size_t i = 0; i < SCR_N(scr_sub_tiers); i++)
			if (scr_sub_tiers[i].v == w->prof.st.tier)
				scr_sub.tier = i;
		for (size_t i = 0; i < SCR_N(scr_sub_services); i++)
			if (scr_sub_services[i].v == w->prof.st.service_type)
				scr_sub.service = i;
		for (size_t i = 0; i < SCR_N(scr_sub_apis); i++)
			if (scr_sub_apis[i].v == w->prof.st.api)
				scr_sub.api = i;
	}
	struct diag d;
	diag_clear(&d);
	scr_sub.ct_err[0] = '\0';
	if (!scr_sub.have_ct) {
		if (clusters_load(NULL, &scr_sub.ct, &d) == 0)
			scr_sub.have_ct = 1;
		else
			snprintf(scr_sub.ct_err, sizeof scr_sub.ct_err, "%s", d.msg);
	}
	if (scr_sub.have_ct && w->have_prof && w->prof.st.cluster)
		for (size_t i = 0; i < scr_sub.ct.n; i++)
			if (strcmp(scr_sub.ct.clusters[i].name, w->prof.st.cluster) == 0)
				scr_sub.cluster = i;
}

static void scr_sub_leave(struct wiz *w)
{
	(void)w;
	if (scr_sub.have_ct)
		clusters_free(&scr_sub.ct);
	scr_sub.have_ct = 0;
}

static void scr_sub_field(struct wiz *w, int y, const struct screen_area *a, size_t idx, const char *name,
                          const char *value, const char *why)
{
	char line[512];
	attr_t at = idx == scr_sub.field ? tui_attr(&w->tui, TUI_HILITE) : A_NORMAL;
	snprintf(line, sizeof line, "%-14s < %s >", name, value);
	tui_put(y, a->x, a->cols, line, at, 1);
	tui_put(y + 1, a->x + 17, a->cols - 17, why, tui_attr(&w->tui, TUI_DIM), 1);
}

static void scr_sub_draw(struct wiz *w, const struct screen_area *a)
{
	int y = a->y;
	tui_wrap(y, a->x, a->cols, 2,
	         _("What did you order? The Welcome email and the order confirmation say. Up/Down choose a "
	           "field, Left/Right change it."),
	         A_NORMAL);
	y += 3;
	scr_sub_field(w, y, a, 0, _("Tier"), _(scr_sub_tiers[scr_sub.tier].label),
	              _(scr_sub_tiers[scr_sub.tier].why));
	y += 3;
	scr_sub_field(
	    w, y, a, 1, _("Service type"), _(scr_sub_services[scr_sub.service].label),
	    orders_channel_summary(orders_channel_of_service_type(scr_sub_services[scr_sub.service].v)));
	y += 3;
	scr_sub_field(w, y, a, 2, _("API"), _(scr_sub_apis[scr_sub.api].label), _(scr_sub_apis[scr_sub.api].why));
	y += 3;
	if (w->opts.demo) {
		/* What the state says (the demo profile names its token's cluster), as Review and Done show. */
		scr_sub_field(w, y, a, 3, _("Cluster"), w->have_prof && w->prof.st.cluster ? w->prof.st.cluster : "-",
		              _("a local SoftHSM2 token stands in for the cluster"));
	} else if (scr_sub.have_ct && scr_sub.ct.n > 0) {
		const struct cluster *c = &scr_sub.ct.clusters[scr_sub.cluster];
		char why[300];
		snprintf(why, sizeof why, "%s (%s)", c->description ? c->description : "",
		         c->n_hosts ? c->hosts[0] : "");
		scr_sub_field(w, y, a, 3, _("Cluster"), c->name, why);
	} else {
		scr_sub_field(w, y, a, 3, _("Cluster"), "-", scr_sub.ct_err);
	}
	y += 3;
	char rule[512];
	const char *mismatch = !w->opts.demo && scr_sub.have_ct && scr_sub.ct.n > 0
	                           ? clusters_tier_warning((int)scr_sub_tiers[scr_sub.tier].v,
	                                                   scr_sub.ct.clusters[scr_sub.cluster].name)
	                           : NULL;
	if (mismatch)
		snprintf(rule, sizeof rule, "%s", mismatch);
	else
		snprintf(rule, sizeof rule, _("Setup password: %s"), expiry_rule_text(scr_sub_tiers[scr_sub.tier].v));
	y += tui_wrap(y, a->x, a->cols, 2, rule, tui_attr(&w->tui, TUI_WARN));
	/* BYOK has no service type of its own: it is told by tier and API (orders_path_of;
	 * doc/securosys-facts.md, "Order channels and tiers", cloudhsm/Packages/byok). */
	tui_wrap(y, a->x, a->cols, 2,
	         _("BYOK is tier ECO with API JCE: its partition has PKCS#11, CNG and REST disabled."),
	         tui_attr(&w->tui, TUI_DIM));
}

static size_t scr_sub_count(size_t field)
{
	switch (field) {
	case 0: return SCR_N(scr_sub_tiers);
	case 1: return SCR_N(scr_sub_services);
	case 2: return SCR_N(scr_sub_apis);
	default: return scr_sub.have_ct ? scr_sub.ct.n : 0;
	}
}

static size_t *scr_sub_value(size_t field)
{
	switch (field) {
	case 0: return &scr_sub.tier;
	case 1: return &scr_sub.service;
	case 2: return &scr_sub.api;
	default: return &scr_sub.cluster;
	}
}

static int scr_sub_key(struct wiz *w, int key)
{
	if (key == KEY_UP || key == KEY_DOWN || key == '\t' || key == KEY_BTAB) {
		int k = key == KEY_BTAB ? KEY_UP : key;
		wiz_choice_key(k, &scr_sub.field, 4);
		return SCR_REDRAW;
	}
	if (key == KEY_LEFT || key == KEY_RIGHT || key == ' ') {
		size_t n = scr_sub_count(scr_sub.field), *v = scr_sub_value(scr_sub.field);
		if (n)
			*v = key == KEY_LEFT ? (*v + n - 1) % n : (*v + 1) % n;
		/* A service type that implies its API (multi-tenant TSBaaS: REST only) selects it
		 * (state_service_api). */
		enum state_api implied = state_service_api(scr_sub_services[scr_sub.service].v);
		for (size_t i = 0; scr_sub.field == 1 && implied && i < SCR_N(scr_sub_apis); i++)
			if (scr_sub_apis[i].v == implied)
				scr_sub.api = i;
		return SCR_REDRAW;
	}
	if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		if (w->have_prof) {
			struct state *st = &w->prof.st;
			st->tier = scr_sub_tiers[scr_sub.tier].v;
			st->service_type = scr_sub_services[scr_sub.service].v;
			st->api = scr_sub_apis[scr_sub.api].v;
			/* The demo's "cluster" is a local SoftHSM2 token: no cluster host to check. */
			if (scr_sub.have_ct && scr_sub.ct.n > 0 && !w->opts.demo) {
				free(st->cluster);
				st->cluster = strdup(scr_sub.ct.clusters[scr_sub.cluster].name);
			}
			if (wiz_save(w) != 0)
				return SCR_REDRAW;
		}
		return SCR_NEXT;
	}
	return SCR_IGNORED;
}

const struct screen_ops scr_subscription_ops = {
    .title = N_("Subscription"),
    .help = N_("The tier decides when the setup password's 7 days start: at the first use (SBX, ECO, "
               "Platinum) or at the date of issue (ECO Certified). The service type decides which files "
               "come; the API which port the preflight checks; the cluster which hosts."),
    .hints = N_("Left/Right change"),
    .enter = scr_sub_enter,
    .draw = scr_sub_draw,
    .key = scr_sub_key,
    .leave = scr_sub_leave,
};
