/* wiz_engine.c: the engine context for the rotation and provider screens (wiz_engine.h). */
#include "config.h"

#include "wiz_engine.h"

#include "i18n.h"
#include "orders.h"
#include "rotation.h"
#include "vault.h"

#include <stdio.h>
#include <string.h>

#include "engine_setup.h"

/* The wizard opens one engine at a time; what the setup owns lives until wiz_engine_close. */
static struct engine_setup wiz_engine_setup;

int wiz_engine_open(struct wiz *w, struct engine_ctx *e)
{
	const struct state *st = &w->prof.st;
	struct engine_overrides o;
	engine_overrides_init(&o);
	/* The profile's path decides the engine (orders_path_of; DESIGN.md, "Engines"). */
	o.engine = orders_path_engine(st);
	if (!engine_find(o.engine)) {
		struct diag nd;
		diag_clear(&nd);
		engine_setup_no_engine(st, &nd);
		wiz_status(w, TUI_ERROR, "%s", nd.msg);
		return -1;
	}
	const struct engine_ops *ops = engine_find(o.engine ? o.engine : st->engine.engine);
	if (!st->engine.module && ops->needs_module) {
		wiz_status(w, TUI_ERROR, "%s",
		           _("No PKCS#11 module in the profile: 'hsm-onboard connect --module PATH' sets it."));
		return -1;
	}
	/* The folder the provider screen writes into: when it already serves other partitions, ppin adds
	 * this one to their .secrets.cfg (engine_shared.h). */
	char dir[4096];
	wiz_engine_config_dir(w, dir, sizeof dir);
	o.shared_dir = dir[0] && !rotation_has_secret(st) ? dir : NULL;
	struct diag d;
	diag_clear(&d);
	if (engine_setup_open(&wiz_engine_setup, e, st, w->prof.dir, w->vault, &o, &d) != 0) {
		engine_setup_close(&wiz_engine_setup, e);
		wiz_status(w, TUI_ERROR, "%s", d.msg);
		return -1;
	}
	return 0;
}

void wiz_engine_close(struct engine_ctx *e)
{
	engine_setup_close(&wiz_engine_setup, e);
}

void wiz_engine_config_dir(const struct wiz *w, char *buf, size_t size)
{
	struct diag d;
	diag_clear(&d);
	if (w->prof.st.engine.config_dir)
		snprintf(buf, size, "%s", w->prof.st.engine.config_dir);
	else if (profile_config_dir(w->prof.name, buf, size, &d) != 0)
		buf[0] = '\0';
}
