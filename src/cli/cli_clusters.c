/* cli_clusters.c: `clusters [--file FILE]`: the cluster table, for people and (--json) for scripts. */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
#include "clusters.h"
#include "i18n.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <sysexits.h>

static int cli_clusters_json(const struct cluster_table *t)
{
	json_t *root = json_object();
	json_t *ports = json_object();
	for (int api = API_PKCS11; api <= API_REST; api++)
		json_object_set_new(ports, state_api_name((enum state_api)api),
		                    json_integer(clusters_table_port(t, (enum state_api)api)));
	json_t *list = json_array();
	for (size_t i = 0; i < t->n; i++) {
		const struct cluster *c = &t->clusters[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(c->name));
		json_object_set_new(o, "description", json_string(c->description));
		json_object_set_new(o, "master", json_string(c->hosts[0]));
		json_t *clones = json_array();
		for (size_t k = 1; k < c->n_hosts; k++)
			json_array_append_new(clones, json_string(c->hosts[k]));
		json_object_set_new(o, "clones", clones);
		json_object_set_new(o, "rest", json_string(c->rest));
		json_array_append_new(list, o);
	}
	json_object_set_new(root, "source", json_string(t->source));
	json_object_set_new(root, "as_of", json_string(t->as_of));
	json_object_set_new(root, "ports", ports);
	json_object_set_new(root, "clusters", list);
	return cli_json_print(root);
}

int cli_clusters(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"file", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	const char *file = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		if (c == 'f')
			file = optarg;
		else
			return cli_usage_error(argv[0], "%s", _("unknown option"));
	}
	if (optind < argc)
		return cli_usage_error(argv[0], _("unexpected argument '%s'"), argv[optind]);

	struct cluster_table t;
	struct diag d;
	diag_clear(&d);
	if (clusters_load(file, &t, &d) != EX_OK)
		return cli_report(&d);
	int rc = EX_OK;
	if (ctx->json) {
		rc = cli_clusters_json(&t);
	} else {
		printf(_("CloudHSM clusters from %s (Securosys page of %s)\n"), t.source, t.as_of);
		printf(_("Ports: JCE %d, PKCS#11 %d, CNG %d, REST %d\n\n"), clusters_table_port(&t, API_JCE),
		       clusters_table_port(&t, API_PKCS11), clusters_table_port(&t, API_CNG),
		       clusters_table_port(&t, API_REST));
		for (size_t i = 0; i < t.n; i++) {
			const struct cluster *cl = &t.clusters[i];
			printf("%-8s %s\n", cl->name, cl->description);
			printf(_("         master: %s\n"), cl->hosts[0]);
			for (size_t k = 1; k < cl->n_hosts; k++)
				printf(_("         clone:  %s\n"), cl->hosts[k]);
			printf(_("         REST:   %s\n"), cl->rest);
		}
		fputs(_("\nYour Welcome Support Ticket wins over this table; check its hosts with\n"
		        "'hsm-onboard check --endpoint HOST:PORT'.\n"),
		      stdout);
	}
	clusters_free(&t);
	return rc;
}
