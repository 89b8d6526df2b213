/* engine_setup.c: the engine context from a profile, for connect, verify, config and the wizard. */
#include "config.h"

#include "engine_setup.h"
#include "i18n.h"
#include "orders.h"
#include "targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

void engine_overrides_init(struct engine_overrides *o)
{
	memset(o, 0, sizeof *o);
	o->slot = -1;
}

int engine_setup_no_engine(const struct state *st, struct diag *d)
{
	struct orders_path op;
	orders_path_of(st, &op);
	if (op.kind == ORDERS_PATH_KSP)
		return diag_set(d, EX_CONFIG, "%s",
		                _("a CNG partition exchanges its setup password on the Windows machine, with the "
		                  "Securosys KSP (SecurosysKspCfg, Test all Connections): nothing is sent from here; "
		                  "'hsm-onboard config --for ksp --output DIR' writes the settings and the steps"));
	if (op.kind == ORDERS_PATH_NONE)
		return diag_set(d, EX_CONFIG, "%s",
		                _("this profile uses the REST API (TSBaaS): there is no setup password to exchange"));
	return diag_set(d, EX_USAGE, "%s",
	                _("no engine chosen for this profile: give --engine primus, jce or pkcs11"));
}

size_t engine_setup_hosts(struct engine_setup *s, const struct state *st, const struct engine_overrides *o,
                          const char **hosts, size_t max)
{
	size_t n = 0;
	if (o && o->n_endpoints) {
		for (size_t i = 0; i < o->n_endpoints && n < max; i++)
			hosts[n++] = o->endpoints[i];
	} else if (st->engine.n_hosts) {
		/* The hosts connect was given: the Welcome Support Ticket's, which win over the table. */
		for (size_t i = 0; i < st->engine.n_hosts && n < max; i++)
			hosts[n++] = st->engine.hosts[i];
	} else if (st->cluster) {
		/* Without the table (or the cluster in it) the primus engine asks for --endpoint, or reuses
		 * the primus.cfg of an earlier connect. */
		struct diag ignored;
		diag_clear(&ignored);
		clusters_free(&s->clusters);
		if (clusters_load(NULL, &s->clusters, &ignored) == EX_OK) {
			const struct cluster *c = clusters_find(&s->clusters, st->cluster);
			for (size_t i = 0; c && i < c->n_hosts && n < max; i++)
				hosts[n++] = c->hosts[i];
		}
	}
	return n;
}

int engine_setup_open(struct engine_setup *s, struct engine_ctx *e, const struct state *st,
                      const char *profile_dir, const struct vault *v, const struct engine_overrides *o,
                      struct diag *d)
{
	struct engine_overrides none;
	if (!o) {
		engine_overrides_init(&none);
		o = &none;
	}
	memset(s, 0, sizeof *s);
	/* The profile's path decides the engine (orders_path_of; DESIGN.md, "Engines"). */
	const char *name = o->engine ? o->engine : orders_path_engine(st);
	const struct engine_ops *ops = engine_find(name);
	if (!ops)
		return engine_setup_no_engine(st, d);

	engine_ctx_init(e, ops);
	e->module = o->module ? o->module : st->engine.module;
	if (o->slot >= 0 || o->token_label) {
		e->slot = o->slot;
		e->token_label = o->token_label;
	} else {
		e->slot = st->engine.slot;
		e->token_label = st->engine.token_label;
	}
	e->ppin = o->ppin ? o->ppin : st->engine.ppin;
	e->primus_home = o->primus_home;
	e->hsm_user = st->hsm_user;
	e->pin_length = o->pin_length;
	e->client_id = o->client_id ? o->client_id : st->engine.client_id;
	e->shared_dir = o->shared_dir;
	e->force = o->force;
	e->service_user = st->service_user;
	e->n_hosts = engine_setup_hosts(s, st, o, e->hosts, ENGINE_MAX_HOSTS);
	if (v) {
		e->service_password = vault_get(v, VAULT_SERVICE_PASSWORD);
		e->pkcs11_password = vault_get(v, VAULT_PKCS11_PASSWORD);
		e->setup_password = vault_get(v, VAULT_SETUP_PASSWORD);
	}
	size_t n = strlen(profile_dir) + sizeof "/primus";
	s->work_dir = malloc(n);
	if (!s->work_dir)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	snprintf(s->work_dir, n, "%s/primus", profile_dir);
	e->work_dir = s->work_dir;
	int rc = ops->open(e, d);
	if (rc == EX_OK)
		s->opened = 1;
	return rc;
}

void engine_setup_close(struct engine_setup *s, struct engine_ctx *e)
{
	if (s->opened && e->ops && e->ops->close)
		e->ops->close(e);
	s->opened = 0;
	free(s->work_dir);
	s->work_dir = NULL;
	clusters_free(&s->clusters);
}

int engine_setup_write_ksp(const struct target *const *ts, size_t n, const char *profile,
                           const struct state *st, const struct engine_overrides *o, const char *dir,
                           struct filelist *out, struct diag *d)
{
	struct engine_setup es = {0};
	const char *hosts[ENGINE_MAX_HOSTS];
	struct orders_path op;
	orders_path_of(st, &op);
	struct targets_input in;
	targets_input_from(&in, profile, st, NULL, NULL);
	in.hosts = hosts;
	in.n_hosts = engine_setup_hosts(&es, st, o, hosts, ENGINE_MAX_HOSTS);
	in.port = op.port;
	int rc = targets_write_list(ts, n, &in, dir, out, d);
	clusters_free(&es.clusters);
	return rc;
}
