/* scr_preflight.c: step 7, the cluster preflight: every host of the profile's cluster on the API's port,
 * probed at once by netcheck_run, with each failure's hint: the same core calls as `check --profile`,
 * so the results and the "checked" event are recorded the same way (netcheck_store), for the ticket. A failure costs nothing: the setup
 * password is not used here. */
#include "config.h"

#include "i18n.h"
#include "wiz_engine.h"
#include "wiz.h"
#include "netcheck.h"
#include "orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct {
	struct netcheck_result r[CLUSTERS_MAX_HOSTS];
	int ports[CLUSTERS_MAX_HOSTS];
	size_t n;
	int ran;
	char note[DIAG_MSG_MAX];
} scr_pre;

/* Esc cancels the probes still running (netcheck polls this about every 100 ms). */
static int scr_pre_cancel(void *ctx)
{
	(void)ctx;
	timeout(0);
	int k = getch();
	return k == 27 || tui_hangup_pending();
}

static void scr_pre_run(struct wiz *w)
{
	scr_pre.n = 0;
	scr_pre.ran = 0;
	scr_pre.note[0] = '\0';
	if (!w->have_prof)
		return;
	const struct state *st = &w->prof.st;
	if (!st->cluster || w->opts.demo) {
		snprintf(scr_pre.note, sizeof scr_pre.note, "%s",
		         w->opts.demo
		             ? _("Demo: no cluster host to check; the SoftHSM2 token is local.")
		             : _("No cluster chosen on step 1, so there is no host to check. 'hsm-onboard check "
		                 "--endpoint HOST:PORT' checks the hosts of your Welcome ticket."));
		return;
	}
	struct netcheck_cluster c;
	struct diag d;
	diag_clear(&d);
	/* The port of the profile's path (orders_path_of): CNG 2320, JCE 2300, PKCS#11 2310. */
	struct orders_path op;
	orders_path_of(st, &op);
	if (netcheck_cluster_endpoints(st->cluster, op.api, 0, &c, &d) != 0) {
		snprintf(scr_pre.note, sizeof scr_pre.note, "%s", d.msg);
		netcheck_cluster_free(&c);
		return;
	}
	int port = c.port;
	for (size_t i = 0; i < c.n; i++)
		scr_pre.ports[i] = port;
	scr_pre.n = c.n;
	char msg[256];
	snprintf(msg, sizeof msg,
	         P_("Checking %zu host of %s on port %d... (Esc cancels)",
	            "Checking %zu hosts of %s on port %d... (Esc cancels)", scr_pre.n),
	         scr_pre.n, st->cluster, port);
	wiz_status(w, TUI_NORMAL, "%s", msg);
	wiz_redraw(w);
	struct netcheck_opts o = {.timeout_ms = 5000, .cacert = w->opts.cacert, .cancel = scr_pre_cancel};
	int rc = netcheck_run(c.e, scr_pre.n, &o, scr_pre.r, &d);
	netcheck_cluster_free(&c);
	w->status[0] = '\0';
	if (rc != 0) {
		snprintf(scr_pre.note, sizeof scr_pre.note, "%s", d.msg);
		scr_pre.n = 0;
		return;
	}
	scr_pre.ran = 1;
	netcheck_store(&w->prof.st, scr_pre.r, scr_pre.n, time(NULL));
	wiz_save(w);
}

/* The engine's own preflight (module loads, token present; no login), as `connect` runs first. */
static struct {
	int ran, ok;
	char msg[DIAG_MSG_MAX];
} scr_pre_engine;

static void scr_pre_engine_run(struct wiz *w)
{
	scr_pre_engine.ran = 0;
	if (!w->have_prof || !w->prof.st.engine.engine)
		return;
	struct engine_ctx e;
	scr_pre_engine.ran = 1;
	if (wiz_engine_open(w, &e) != 0) {
		scr_pre_engine.ok = 0;
		snprintf(scr_pre_engine.msg, sizeof scr_pre_engine.msg, "%s", w->status);
		w->status[0] = '\0';
		return;
	}
	struct diag d;
	diag_clear(&d);
	struct diag_warnings warn;
	memset(&warn, 0, sizeof warn);
	e.warnings = &warn;
	scr_pre_engine.ok = e.ops->preflight(&e, &d) == 0;
	e.warnings = NULL;
	/* Its warnings name paths of this machine and are not shown here: 'hsm-onboard doctor' does. */
	struct engine_text_args ta = {.engine = e.ops->name};
	if (scr_pre_engine.ok)
		engine_text(e.ops, ENGINE_TEXT_PREFLIGHT, &ta, scr_pre_engine.msg, sizeof scr_pre_engine.msg);
	else
		snprintf(scr_pre_engine.msg, sizeof scr_pre_engine.msg, "%s", d.msg);
	diag_warnings_free(&warn);
	wiz_engine_close(&e);
}

static void scr_preflight_enter(struct wiz *w)
{
	scr_pre_engine_run(w);
	scr_pre_run(w);
}

static void scr_preflight_draw(struct wiz *w, const struct screen_area *a)
{
	int y = a->y;
	if (scr_pre_engine.ran)
		y += tui_wrap(y, a->x, a->cols, 3, scr_pre_engine.msg,
		              scr_pre_engine.ok ? tui_attr(&w->tui, TUI_OK) : tui_attr(&w->tui, TUI_ERROR)) +
		     1;
	if (scr_pre.note[0]) {
		y += tui_wrap(y, a->x, a->cols, 4, scr_pre.note, tui_attr(&w->tui, TUI_WARN)) + 1;
	}
	for (size_t i = 0; i < scr_pre.n && y < a->y + a->rows - 3; i++) {
		const struct netcheck_result *r = &scr_pre.r[i];
		char line[512], hint[512];
		snprintf(line, sizeof line, "%-40s %-8s %6ld ms", r->label, netcheck_category_name(r->category),
		         r->latency_ms);
		tui_put(y++, a->x, a->cols, line,
		        r->category == NETCHECK_OK ? tui_attr(&w->tui, TUI_OK) : tui_attr(&w->tui, TUI_ERROR), 0);
		if (r->category != NETCHECK_OK) {
			netcheck_hint(r->category, scr_pre.ports[i], hint, sizeof hint);
			y += tui_wrap(y, a->x + 4, a->cols - 4, 2, hint, A_NORMAL);
		}
	}
	if (scr_pre.ran)
		tui_wrap(a->y + a->rows - 2, a->x, a->cols, 2,
		         netcheck_all_ok(scr_pre.r, scr_pre.n)
		             ? _("Every host answers. Enter goes on to the first connection.")
		             : _("R checks again. Enter goes on anyway (the first connection will probably fail)."),
		         tui_attr(&w->tui, TUI_DIM));
	else
		tui_wrap(a->y + a->rows - 2, a->x, a->cols, 2, _("R checks again. Enter goes on."),
		         tui_attr(&w->tui, TUI_DIM));
}

static int scr_preflight_key(struct wiz *w, int key)
{
	if (key == 'r' || key == 'R') {
		scr_pre_engine_run(w);
		scr_pre_run(w);
		return SCR_REDRAW;
	}
	return SCR_IGNORED;
}

const struct screen_ops scr_preflight_ops = {
    .title = N_("Preflight"),
    .help = N_("Before the first connection, the preflight checks that each cluster host answers on your "
               "API's port (DNS, TCP, TLS). A failure here costs nothing: the setup password is not used. "
               "Typical fixes: open the port in the firewall, or have Securosys add your source IP to the "
               "allow-list."),
    .hints = N_("R again"),
    .enter = scr_preflight_enter,
    .draw = scr_preflight_draw,
    .key = scr_preflight_key,
};
