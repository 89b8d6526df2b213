/* wiz_engine.c: the engine context for the rotation and provider screens (wiz_engine.h). */
#include "config.h"

#include "wiz_engine.h"

#if HAVE_CORE_ROTATION && HAVE_CORE_ENGINE_PKCS11
#include "i18n.h"
#include "vault.h"

#include <stdio.h>
#include <string.h>

#include "clusters.h"

/* The hosts stay valid while the engine is open, so the table lives as long as the wizard. */
static struct cluster_table wiz_engine_clusters;
static char wiz_engine_work_dir[4096];

int wiz_engine_open(struct wiz *w, struct engine_ctx *e)
{
	const struct state *st = &w->prof.st;
	const char *name = st->engine.engine ? st->engine.engine : "pkcs11";
	const struct engine_ops *ops = engine_find(name);
	if (!ops) {
		wiz_status(w, TUI_ERROR, _("Unknown engine '%s' in the profile: set it with 'hsm-onboard connect --engine'."), name);
		return -1;
	}
	engine_ctx_init(e, ops);
	e->module = st->engine.module;
	e->token_label = st->engine.token_label;
	e->slot = st->engine.slot;
	e->ppin = st->engine.ppin;
	/* The same primus work directory as the CLI's connect, so either front end resumes the other. */
	snprintf(wiz_engine_work_dir, sizeof wiz_engine_work_dir, "%s/primus", w->prof.dir);
	e->work_dir = wiz_engine_work_dir;
	e->hsm_user = st->hsm_user;
	e->service_user = st->service_user;
	e->port = 2310;
	if (st->cluster) {
		struct diag dc;
		diag_clear(&dc);
		if (!wiz_engine_clusters.n)
			clusters_load(NULL, &wiz_engine_clusters, &dc);
		const struct cluster *c = clusters_find(&wiz_engine_clusters, st->cluster);
		for (size_t i = 0; c && i < c->n_hosts && i < ENGINE_MAX_HOSTS; i++)
			e->hosts[e->n_hosts++] = c->hosts[i];
	}
	if (w->vault) {
		e->service_password = vault_get(w->vault, VAULT_SERVICE_PASSWORD);
		e->pkcs11_password = vault_get(w->vault, VAULT_PKCS11_PASSWORD);
	}
	if (!e->module && ops == &engine_pkcs11_ops) {
		wiz_status(w, TUI_ERROR, "%s",
		           _("No PKCS#11 module in the profile: 'hsm-onboard connect --module PATH' sets it."));
		return -1;
	}
	struct diag d;
	diag_clear(&d);
	if (ops->open(e, &d) != 0) {
		wiz_status(w, TUI_ERROR, "%s", d.msg);
		return -1;
	}
	return 0;
}

void wiz_engine_close(struct engine_ctx *e)
{
	if (e->ops && e->ops->close)
		e->ops->close(e);
}

void wiz_engine_config_dir(const struct wiz *w, char *buf, size_t size)
{
	if (w->prof.st.engine.config_dir)
		snprintf(buf, size, "%s", w->prof.st.engine.config_dir);
	else
		snprintf(buf, size, "%s/config", w->prof.dir);
}
#else
typedef int wiz_engine_unused;
#endif
