/* clusters.h: the CloudHSM cluster table (data/clusters.conf, installed in $(pkgdatadir)), so a changed
 * host list needs no rebuild. Each cluster has a master host and clone hosts; ports are per API. */
#ifndef HSMO_CLUSTERS_H
#define HSMO_CLUSTERS_H

#include <stddef.h>

#include "diag.h"
#include "state.h"

#define CLUSTERS_MAX_HOSTS 8

struct cluster {
	char *name;                      /* "ECO01", "SBX01", ... */
	char *description;               /* one line, e.g. "Economy, Switzerland" */
	char *hosts[CLUSTERS_MAX_HOSTS]; /* hosts[0] is the master */
	size_t n_hosts;
	char *rest; /* REST (TSBaaS) base URL, e.g. "https://rest-api.cloudshsm.com/v1" */
};

/* The host of c's REST base URL ("rest-api.cloudshsm.com"; "sbx-rest-api.cloudshsm.com" for SBX01)
 * into buf: REST is probed there, not on the cluster's chNN-api hosts (doc/securosys-facts.md,
 * section "Connectivity and network checks"). 0, or -1 when there is none. */
int clusters_rest_host(const struct cluster *c, char *buf, size_t size);

/* A translated warning when a tier does not run on cluster (Sandbox on SBX01; ECO-CC on CCM01 or
 * CCMUS01; doc/securosys-facts.md, section "Order channels and tiers"), or NULL when it fits or either
 * is unknown. tier is an enum state_tier. */
const char *clusters_tier_warning(int tier, const char *cluster);

struct cluster_table {
	char *source; /* the file it was read from */
	char *as_of;  /* date of the Securosys page the facts come from */
	struct cluster *clusters;
	size_t n;
	int ports[API_REST + 1]; /* per enum state_api, from the file's ports section (0 for API_UNKNOWN) */
};

/* The installed table: clusters.conf in paths_pkgdatadir() ($HSM_ONBOARD_DATADIR when set, the
 * source tree's data/ for a binary in its build tree, else PKGDATADIR). */
const char *clusters_default_path(void);

/* Loads path, or the installed table when path is NULL. Errors are "FILE:LINE: message". */
int clusters_load(const char *path, struct cluster_table *t, struct diag *d);
/* Parses a table held in memory (for the loader and the fuzzer). */
int clusters_parse(const char *text, size_t len, const char *display_name, struct cluster_table *t,
                   struct diag *d);
void clusters_free(struct cluster_table *t);
const struct cluster *clusters_find(const struct cluster_table *t, const char *name);
/* The port of an API: JCE 2300, PKCS#11 2310, CNG 2320, REST 443; 0 when unknown. The one table of
 * default ports: every other place asks it (or clusters_port_api) instead of writing a number. */
int clusters_api_port(enum state_api api);
/* The API whose default port this is; API_UNKNOWN for any other port. */
enum state_api clusters_port_api(int port);
/* The port of an API in this table (the file's ports section), falling back to clusters_api_port;
 * API_UNKNOWN counts as PKCS#11, so every front end checks the same port for an undecided profile. */
int clusters_table_port(const struct cluster_table *t, enum state_api api);

#endif
