/* orders.h: the order channels, what each one delivers and how it authenticates (contract).
 *
 * doc/securosys-facts.md, section "Order channels and tiers": an order through sales comes as
 * SecureSafe emails with a SecureCode; an online order as one combined file from the Cloud Console;
 * a multi-tenant TSBaaS as a JWT file; a dedicated TSBaaS authenticates by mutual TLS; BYOK is an ECO
 * partition used through JCE only. The wizard's subscription and emails screens and `inspect` take
 * their texts from here, so they say the same thing. The tier/cluster rule is clusters_tier_warning. */
#ifndef HSMO_ORDERS_H
#define HSMO_ORDERS_H

#include <stddef.h>

#include "credfile.h"
#include "state.h"

enum orders_channel {
	ORDERS_SALES = 0,        /* ordered through sales: the service file and the hsm file */
	ORDERS_ONLINE,           /* bought in the Cloud Console: one combined file */
	ORDERS_TSBAAS_MULTI,     /* multi-tenant TSBaaS: the JWT file */
	ORDERS_TSBAAS_DEDICATED, /* HSM with dedicated TSBaaS: mutual TLS for the REST API */
	ORDERS_BYOK,             /* BYOK: an ECO partition, JCE only */
	ORDERS_CHANNEL_COUNT,
};

/* "sales", "online", "tsbaas-multi", "tsbaas-dedicated", "byok": stable names for JSON (never
 * translated). */
const char *orders_channel_name(enum orders_channel c);
/* One line for a screen's field, translated (e.g. "a JWT file for the REST API"). */
const char *orders_channel_summary(enum orders_channel c);
/* The whole fact, translated: what arrives, how, and how it authenticates. */
const char *orders_channel_fact(enum orders_channel c);

/* The channels a credential file of this kind may have come through, the likeliest first, into out
 * (room for ORDERS_CHANNEL_COUNT); returns how many. A service or hsm file cannot tell an order through
 * sales from a dedicated TSBaaS or a BYOK order, which deliver the same files; 0 for an unknown kind. */
size_t orders_channels_of_kind(enum credfile_kind kind, enum orders_channel *out);

/* The channel a service type is ordered through (the subscription screen's choice). */
enum orders_channel orders_channel_of_service_type(enum state_service_type t);

/* How a profile's setup password is exchanged (doc/DESIGN.md, "Engines"). This is the one rule: the
 * CLI, the wizard, config --list, the preflight's port and the docs all ask it and keep no copy. */
enum orders_path_kind {
	ORDERS_PATH_PRIMUS = 0, /* PKCS#11 (or an API not recorded): the Primus provider's ppin, here */
	ORDERS_PATH_JCE,        /* JCE and BYOK (ECO, JCE only): Primus Tools' GetUserSecret, here */
	ORDERS_PATH_KSP,        /* CNG: the Windows KSP makes the exchange on the Windows machine */
	ORDERS_PATH_NONE,       /* REST and TSBaaS: no setup password is exchanged */
};

struct orders_path {
	enum orders_path_kind kind;
	const char *engine; /* the engine of engine_find that makes the exchange here; NULL for KSP, NONE */
	enum state_api api; /* the API whose port the preflight and `check` test (never API_UNKNOWN) */
	int port;           /* that API's default port (clusters_api_port) */
};

/* The path of a profile (its tier, service type and API). Never fails: an API not recorded is
 * PKCS#11, what a Securosys partition is ordered with by default. */
void orders_path_of(const struct state *st, struct orders_path *out);
/* The engine that makes the exchange on this machine (engine_find), the engine the profile chose
 * first; NULL when the exchange does not happen here (CNG, REST, TSBaaS). */
const char *orders_path_engine(const struct state *st);
/* 1 unless the profile chose an engine that does not keep the Primus provider's files
 * (engine_uses_provider_files): ppin (which fetches the partition log for `ticket --partition-log`)
 * comes with that provider. A profile that
 * chose no engine yet may still have the provider installed, so it counts as having ppin. */
int orders_has_ppin(const struct state *st);
/* 1 when the profile's path is kind. */
int orders_path_is(const struct state *st, enum orders_path_kind kind);
/* "primus", "jce", "ksp", "none": stable names for JSON and inspect (never translated). */
const char *orders_path_name(enum orders_path_kind k);
/* One translated line for screens and status: "PKCS#11 through the Primus provider (ppin)". */
const char *orders_path_summary(enum orders_path_kind k);

#endif
