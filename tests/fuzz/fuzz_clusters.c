/* fuzz_clusters.c: the cluster-table parser (clusters_parse). The table is a data file the user can
 * replace from their Welcome ticket, so it is input like any other.
 *
 * Invariants: EX_OK or EX_DATAERR with a message; after a success every cluster has a name, at most
 * CLUSTERS_MAX_HOSTS hosts and no NULL host, and clusters_find finds each cluster by its name. */
#include "config.h"

#include "fuzz.h"

#include <string.h>
#include <sysexits.h>

#include "clusters.h"
#include "diag.h"
#include "secmem.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return fuzz_init_secmem(argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cluster_table t;
	memset(&t, 0, sizeof t);
	struct diag d;
	diag_clear(&d);
	int rc = clusters_parse((const char *)data, size, "clusters.conf", &t, &d);
	fuzz_check_result("clusters_parse", rc, d.msg);
	if (rc == EX_OK) {
		if (t.n && !t.clusters)
			fuzz_fail("a count without its array");
		for (size_t i = 0; i < t.n; i++) {
			const struct cluster *c = &t.clusters[i];
			if (!c->name)
				fuzz_fail("cluster %zu has no name", i);
			if (c->n_hosts > CLUSTERS_MAX_HOSTS)
				fuzz_fail("cluster %s has %zu hosts", c->name, c->n_hosts);
			for (size_t h = 0; h < c->n_hosts; h++)
				if (!c->hosts[h])
					fuzz_fail("cluster %s: host %zu is NULL", c->name, h);
			if (!clusters_find(&t, c->name))
				fuzz_fail("clusters_find does not find %s", c->name);
		}
	}
	clusters_free(&t);
	for (int a = API_UNKNOWN; a <= API_REST; a++)
		(void)clusters_api_port((enum state_api)a);
	return 0;
}
