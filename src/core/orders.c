/* orders.c: the order channels (see orders.h); every text cites doc/securosys-facts.md, section
 * "Order channels and tiers". */
#include "config.h"

#include "orders.h"

#include "engine_port.h"
#include "clusters.h"
#include "i18n.h"

#include <string.h>

static const struct {
	const char *name, *summary, *fact;
} orders_channels[ORDERS_CHANNEL_COUNT] = {
    [ORDERS_SALES] = {"sales", N_("a service user file and an HSM user file"),
                      N_("Ordered through sales: one email per file with a SecureSafe link, and a SecureCode "
                         "that opens it; the service user file and the HSM user file")},
    [ORDERS_ONLINE] = {"online",
                       N_("no SecureSafe email; one combined file from the Cloud Console (6-character PIN)"),
                       N_("Online order: one combined credentials file, downloaded in the Cloud Console "
                          "(MyServices, Download) with the 6-character PIN emailed at subscription; not "
                          "through SecureSafe")},
    [ORDERS_TSBAAS_MULTI] =
        {"tsbaas-multi", N_("a JWT file for the REST API"),
         N_("Multi-tenant TSBaaS: the JWT file (API-Endpoint and JWT-TOKEN); the REST API "
            "takes the JWT as a Bearer token")},
    [ORDERS_TSBAAS_DEDICATED] =
        {"tsbaas-dedicated", N_("HSM files; the REST API by mutual TLS (client certificate and key)"),
         N_("Dedicated TSBaaS: the REST API authenticates by mutual TLS with your client "
            "certificate, whose trust Securosys support sets up, not by a JWT; test it "
            "with 'hsm-onboard check --api-endpoint URL --cert FILE --key FILE'")},
    [ORDERS_BYOK] = {"byok", N_("an ECO partition, JCE only"),
                     N_("BYOK: an ECO partition, used through the JCE provider only")},
};

static int orders_valid(enum orders_channel c)
{
	return (int)c >= 0 && c < ORDERS_CHANNEL_COUNT;
}

const char *orders_channel_name(enum orders_channel c)
{
	return orders_valid(c) ? orders_channels[c].name : "unknown";
}

const char *orders_channel_summary(enum orders_channel c)
{
	return orders_valid(c) ? _(orders_channels[c].summary) : "";
}

const char *orders_channel_fact(enum orders_channel c)
{
	return orders_valid(c) ? _(orders_channels[c].fact) : "";
}

size_t orders_channels_of_kind(enum credfile_kind kind, enum orders_channel *out)
{
	switch (kind) {
	case CREDFILE_SERVICE:
	case CREDFILE_HSM:
		out[0] = ORDERS_SALES;
		out[1] = ORDERS_TSBAAS_DEDICATED;
		out[2] = ORDERS_BYOK;
		return 3;
	case CREDFILE_COMBINED: out[0] = ORDERS_ONLINE; return 1;
	case CREDFILE_JWT: out[0] = ORDERS_TSBAAS_MULTI; return 1;
	case CREDFILE_UNKNOWN: break;
	}
	return 0;
}

enum orders_channel orders_channel_of_service_type(enum state_service_type t)
{
	switch (t) {
	case SERVICE_TYPE_TSBAAS_MULTI: return ORDERS_TSBAAS_MULTI;
	case SERVICE_TYPE_TSBAAS_DEDICATED: return ORDERS_TSBAAS_DEDICATED;
	case SERVICE_TYPE_STANDARD:
	case SERVICE_TYPE_UNKNOWN: break;
	}
	return ORDERS_SALES;
}

/* The engine of the PKCS#11 path, whose provider brings ppin. */
#define ORDERS_PRIMUS_ENGINE "primus"

void orders_path_of(const struct state *st, struct orders_path *out)
{
	/* doc/securosys-facts.md, "Order channels and tiers" and "APIs and their exchange": a multi-tenant
	 * TSBaaS and the REST API have a JWT or a client certificate, no setup password; PKCS#11 exchanges
	 * through ppin; JCE, and BYOK (an ECO partition whose only API is JCE), through GetUserSecret; CNG
	 * through the KSP's "Test all Connections" on Windows, whose secret is tied to that machine. The
	 * tier does not change the path: BYOK is told by its API. */
	enum state_api api = st->api == API_UNKNOWN ? API_PKCS11 : st->api;
	out->api = api;
	out->engine = NULL;
	if (st->service_type == SERVICE_TYPE_TSBAAS_MULTI || api == API_REST) {
		out->kind = ORDERS_PATH_NONE;
		out->api = API_REST;
	} else if (api == API_JCE) {
		out->kind = ORDERS_PATH_JCE;
		out->engine = "jce";
	} else if (api == API_CNG) {
		out->kind = ORDERS_PATH_KSP;
	} else {
		out->kind = ORDERS_PATH_PRIMUS;
		out->engine = ORDERS_PRIMUS_ENGINE;
	}
	out->port = clusters_api_port(out->api);
}

const char *orders_path_engine(const struct state *st)
{
	if (st->engine.engine)
		return st->engine.engine;
	struct orders_path op;
	orders_path_of(st, &op);
	return op.engine;
}

int orders_has_ppin(const struct state *st)
{
	return !st->engine.engine || engine_uses_provider_files(st->engine.engine);
}

int orders_path_is(const struct state *st, enum orders_path_kind kind)
{
	struct orders_path op;
	orders_path_of(st, &op);
	return op.kind == kind;
}

const char *orders_path_name(enum orders_path_kind k)
{
	switch (k) {
	case ORDERS_PATH_PRIMUS: return "primus";
	case ORDERS_PATH_JCE: return "jce";
	case ORDERS_PATH_KSP: return "ksp";
	case ORDERS_PATH_NONE: break;
	}
	return "none";
}

const char *orders_path_summary(enum orders_path_kind k)
{
	switch (k) {
	case ORDERS_PATH_PRIMUS:
		return _("PKCS#11: ppin of the Primus provider exchanges the setup password here");
	case ORDERS_PATH_JCE:
		return _("JCE (and BYOK): Primus Tools' GetUserSecret exchanges the setup password here");
	case ORDERS_PATH_KSP:
		return _("CNG: the Windows KSP exchanges the setup password on the Windows machine (Test all "
		         "Connections)");
	case ORDERS_PATH_NONE: break;
	}
	return _("REST/TSBaaS: no setup password to exchange");
}
