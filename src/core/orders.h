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

#endif
