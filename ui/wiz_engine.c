/* wiz_engine.c: the engine context for the rotation and provider screens (wiz_engine.h). */
#include "config.h"

#include "wiz_engine.h"

#if HAVE_CORE_ROTATION && HAVE_CORE_ENGINE_PKCS11
#include "i18n.h"
#include "vault.h"

#include <stdio.h>
#include <string.h>

static const char *wiz_engine_hosts[ENGINE_MAX_HOSTS];

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
	e->work_dir = w->prof.dir;
	e->hsm_user = st->hsm_user;
	e->service_user = st->service_user;
	e->port = 2310;
	if (st->cluster) {
		e->n_hosts = engine_cluster_hosts(st->cluster, wiz_engine_hosts, ENGINE_MAX_HOSTS);
		for (size_t i = 0; i < e->n_hosts; i++)
			e->hosts[i] = wiz_engine_hosts[i];
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
