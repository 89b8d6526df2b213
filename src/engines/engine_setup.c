/* engine_setup.c: the engine context from a profile, for connect, verify, config and the wizard. */
#include "config.h"

#include "engine_setup.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

void engine_overrides_init(struct engine_overrides *o)
{
	memset(o, 0, sizeof *o);
	o->slot = -1;
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
	const char *name = o->engine ? o->engine : st->engine.engine;
	if (!name)
		name = engine_default_name((int)st->service_type, (int)st->api);
	const struct engine_ops *ops = engine_find(name);
	if (!ops)
		return diag_set(d, EX_USAGE, "%s",
		                _("no engine chosen for this profile: give --engine pkcs11 or --engine primus"));

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
	e->service_user = st->service_user;
	if (o->n_endpoints) {
		for (size_t i = 0; i < o->n_endpoints && i < ENGINE_MAX_HOSTS; i++)
			e->hosts[e->n_hosts++] = o->endpoints[i];
	} else if (st->engine.n_hosts) {
		/* The hosts connect was given: the Welcome Support Ticket's, which win over the table. */
		for (size_t i = 0; i < st->engine.n_hosts && i < ENGINE_MAX_HOSTS; i++)
			e->hosts[e->n_hosts++] = st->engine.hosts[i];
	} else if (st->cluster) {
		/* Without the table (or the cluster in it) the primus engine asks for --endpoint, or reuses
		 * the primus.cfg of an earlier connect. */
		struct diag ignored;
		diag_clear(&ignored);
		if (clusters_load(NULL, &s->clusters, &ignored) == EX_OK) {
			const struct cluster *c = clusters_find(&s->clusters, st->cluster);
			for (size_t i = 0; c && i < c->n_hosts && i < ENGINE_MAX_HOSTS; i++)
				e->hosts[e->n_hosts++] = c->hosts[i];
		}
	}
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
