/* scr_rotation.c: step 8, the point of no return: it explains what happens, asks for "yes", then runs
 * rotation_run (the protocol behind `connect`) and shows each step's result. On an error it shows the
 * mapped message and the next step: retry, ticket or quit; it never retries the setup password by
 * itself. A rotation left in flight by a crash is resumed at once on entering (the resume probe). */
#include "config.h"

#include "expiry.h"
#include "i18n.h"
#include "orders.h"
#include "targets.h"

#include "engine_setup.h"
#include "wiz_engine.h"
#include "wiz.h"
#include "rotation.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static struct {
	char typed[8];
	int ran;
	int failed;
	int resumed;
	int refused; /* the HSM refused the setup password: R sends nothing (rotation.h) */
	char msg[DIAG_MSG_MAX];
} scr_rot;

/* The engine of the profile's path (orders_path_of; DESIGN.md, "Engines"), or NULL. */
static const char *scr_rot_engine_name(const struct wiz *w)
{
	return w->have_prof ? orders_path_engine(&w->prof.st) : NULL;
}

/* Its vtable: its words and steps come from engine_text and engine_steps. */
static const struct engine_ops *scr_rot_engine(const struct wiz *w)
{
	const char *e = scr_rot_engine_name(w);
	return engine_find(e ? e : "pkcs11");
}

static const char *scr_rot_text(const struct wiz *w, enum engine_text what)
{
	static char buf[1024];
	const struct engine_ops *ops = scr_rot_engine(w);
	struct engine_text_args ta = {.engine = ops ? ops->name : NULL};
	if (engine_text(ops, what, &ta, buf, sizeof buf) != 0)
		buf[0] = '\0';
	return buf;
}

/* A CNG profile: the exchange happens on the Windows machine, so "yes" here only records that it
 * happened, the first use (mscng/Installation/Configuring, "Test all Connections"). */
static int scr_rot_is_ksp(const struct wiz *w)
{
	return w->have_prof && !w->prof.st.engine.engine && orders_path_is(&w->prof.st, ORDERS_PATH_KSP);
}

/* W: the KSP settings and steps, as 'config --for ksp' writes them (engine_setup_write_ksp), into the
 * profile's configuration folder. They hold no secret, so the vault stays closed. */
static void scr_rot_ksp_write(struct wiz *w)
{
	const struct target *ts[] = {targets_find("ksp")};
	char dir[1024];
	wiz_engine_config_dir(w, dir, sizeof dir);
	struct filelist files = {0};
	struct diag d;
	diag_clear(&d);
	if (engine_setup_write_ksp(ts, 1, w->prof.name, &w->prof.st, NULL, dir, &files, &d) != 0)
		wiz_status(w, TUI_ERROR, "%s", d.msg);
	else
		wiz_status(w, TUI_OK, _("KSP settings and steps written to %s (no secret in them)."), dir);
	filelist_free(&files);
}

/* 0 once the first use is recorded and saved. */
static int scr_rot_ksp_confirm(struct wiz *w)
{
	struct diag d;
	diag_clear(&d);
	int changed = 0;
	time_t now = time(NULL);
	int rc = expiry_mark_used(&w->prof.st, w->prof.name, now, now, &changed, &d);
	if (rc == 0 && changed)
		rc = profile_save_state(&w->prof, &d);
	if (rc != 0)
		wiz_status(w, TUI_ERROR, "%s", d.msg);
	return rc;
}

/* A JCE profile whose exchange has not begun can hand the setup password over to TSB or XKS, which
 * make the exchange themselves (targets_handover; doc/securosys-facts.md, "JCE, TSB and XKS"). */
static int scr_rot_can_hand_over(const struct wiz *w)
{
	return w->have_prof && targets_can_hand_over(&w->prof.st);
}

/* 0 once the files are written and the hand-over saved. */
static int scr_rot_hand_over(struct wiz *w)
{
	if (wiz_unlock(w) != 0)
		return -1;
	const struct target *ts[] = {targets_find("tsb"), targets_find("xks")};
	struct engine_setup es = {0};
	const char *hosts[ENGINE_MAX_HOSTS];
	size_t n = engine_setup_hosts(&es, &w->prof.st, NULL, hosts, ENGINE_MAX_HOSTS);
	char dir[1024];
	wiz_engine_config_dir(w, dir, sizeof dir);
	struct filelist files = {0};
	struct diag d;
	diag_clear(&d);
	int rc = targets_handover(ts, 2, w->prof.name, &w->prof.st, w->vault, hosts, n, dir, &files, &d);
	clusters_free(&es.clusters);
	filelist_free(&files);
	if (rc == 0)
		rc = profile_save_state(&w->prof, &d);
	if (rc != 0)
		wiz_status(w, TUI_ERROR, "%s", d.msg);
	return rc;
}

static void scr_rot_run(struct wiz *w)
{
	scr_rot.failed = 0;
	scr_rot.msg[0] = '\0';
	if (wiz_unlock(w) != 0) {
		scr_rot.failed = 1;
		snprintf(scr_rot.msg, sizeof scr_rot.msg, "%s", _("The vault is needed for the first connection."));
		return;
	}
	struct engine_ctx e;
	if (wiz_engine_open(w, &e) != 0) {
		scr_rot.failed = 1;
		snprintf(scr_rot.msg, sizeof scr_rot.msg, "%s", w->status);
		return;
	}
	wiz_status(w, TUI_NORMAL, "%s", scr_rot_text(w, ENGINE_TEXT_CONNECTING));
	wiz_redraw(w);
	struct rotation_report rep;
	memset(&rep, 0, sizeof rep);
	struct diag d;
	diag_clear(&d);
	/* The readiness checks first, as connect runs them (hosts, Primus Tools, java, ppin, doctor):
	 * nothing is recorded or sent until they pass. Their warnings are for 'hsm-onboard doctor'. */
	int rc = e.ops->preflight ? e.ops->preflight(&e, &d) : 0;
	if (rc != 0) {
		wiz_engine_close(&e);
		w->status[0] = '\0';
		scr_rot.failed = 1;
		snprintf(scr_rot.msg, sizeof scr_rot.msg, "%s", d.msg);
		return;
	}
	rc = rotation_run(&w->prof, w->vault, &e, NULL, &rep, &d);
	wiz_engine_close(&e);
	w->status[0] = '\0';
	scr_rot.ran = 1;
	scr_rot.resumed = rep.resumed;
	if (rc != 0) {
		scr_rot.failed = 1;
		snprintf(scr_rot.msg, sizeof scr_rot.msg, "%s", d.msg);
	} else if (rep.warnings.n) {
		wiz_status(w, TUI_WARN, "%s", rep.warnings.msg[0]);
	}
	rotation_report_free(&rep);
}

static void scr_rotation_enter(struct wiz *w)
{
	memset(&scr_rot, 0, sizeof scr_rot);
	if (w->have_prof && rotation_refusal_blocks(&w->prof.st)) {
		/* The HSM refused this setup password: say so and what comes next, and send nothing. */
		struct diag d;
		diag_clear(&d);
		rotation_check_refused(&w->prof.st, &d);
		scr_rot.failed = 1;
		scr_rot.refused = 1;
		snprintf(scr_rot.msg, sizeof scr_rot.msg, "%s", d.msg);
		return;
	}
	if (w->have_prof && rotation_in_flight(&w->prof.st)) {
		/* Interrupted: the probe decides what happened; nothing new is tried blindly. */
		wiz_status(w, TUI_WARN, "%s",
		           _("A first connection was interrupted: resuming it (the probe runs first)."));
		wiz_redraw(w);
		scr_rot_run(w);
		scr_rot.resumed = 1;
	}
}

static void scr_rotation_steps(struct wiz *w, int y, const struct screen_area *a)
{
	const struct engine_step *steps = engine_steps(scr_rot_engine(w));
	for (size_t i = 0; i < ENGINE_STEPS; i++) {
		char line[256];
		int done = w->have_prof && (int)w->prof.st.rotation >= steps[i].at;
		snprintf(line, sizeof line, "%s %s", tui_glyph_check(&w->tui, done), _(steps[i].what));
		tui_put(y + (int)i, a->x, a->cols, line, done ? tui_attr(&w->tui, TUI_OK) : A_NORMAL, 1);
	}
}

static void scr_rotation_draw(struct wiz *w, const struct screen_area *a)
{
	int y = a->y;
	if (w->have_prof && rotation_is_done(&w->prof.st)) {
		tui_put(y, a->x, a->cols,
		        scr_rot.resumed ? _("Resumed: the interrupted rotation is complete.")
		                        : _("The first connection is done."),
		        tui_attr(&w->tui, TUI_OK), 0);
		scr_rotation_steps(w, y + 2, a);
		tui_wrap(y + 7, a->x, a->cols, 3, scr_rot_text(w, ENGINE_TEXT_ROTATED), A_NORMAL);
		return;
	}
	if (scr_rot.failed && (scr_rot.refused || (w->have_prof && rotation_setup_refused(&w->prof.st)))) {
		tui_put(y, a->x, a->cols, _("The HSM refused the setup password."), tui_attr(&w->tui, TUI_ERROR), 0);
		y += 2;
		y += tui_wrap(y, a->x, a->cols, 9, scr_rot.msg, A_NORMAL) + 1;
		tui_wrap(
		    y, a->x, a->cols, 3,
		    _("Every file is kept. T prepares a support ticket, F10 saves and quits; after importing the "
		      "renewed hsm file, come back here."),
		    tui_attr(&w->tui, TUI_WARN));
		return;
	}
	if (scr_rot.failed) {
		tui_put(y, a->x, a->cols, _("The first connection did not complete."), tui_attr(&w->tui, TUI_ERROR),
		        0);
		y += 2;
		y += tui_wrap(y, a->x, a->cols, 5, scr_rot.msg, A_NORMAL) + 1;
		scr_rotation_steps(w, y, a);
		y += 5;
		tui_wrap(y, a->x, a->cols, 4,
		         _("Every file is kept. R retries (the resume probe checks first which secret works), T "
		           "prepares a support ticket, F10 saves and quits. The setup password is never tried again "
		           "by itself."),
		         tui_attr(&w->tui, TUI_WARN));
		return;
	}
	if (scr_rot_is_ksp(w))
		y += tui_wrap(
		    y, a->x, a->cols, 8,
		    _("CNG: the setup password is exchanged on the Windows machine, not here. There, install the "
		      "Securosys KSP, add each HSM host on port 2320 with the HSM user name and the setup password "
		      "in SecurosysKspCfg, then click \"Test all Connections\": it fetches the permanent secret, "
		      "encrypted for that machine only. 'hsm-onboard config --for ksp' writes the settings and "
		      "steps. Type yes once the Windows machine has connected: that records the first use."),
		    A_NORMAL);
	else
		y += tui_wrap(y, a->x, a->cols, 7, scr_rot_text(w, ENGINE_TEXT_NO_RETURN), A_NORMAL);
	if (scr_rot_is_ksp(w)) {
		char dir[1024], fit[1024], line[1200];
		wiz_engine_config_dir(w, dir, sizeof dir);
		tui_path_fit(dir, a->cols / 2, fit, sizeof fit);
		snprintf(line, sizeof line, _("W writes the KSP settings and steps into %s now."), fit);
		y += tui_wrap(y, a->x, a->cols, 2, line, tui_attr(&w->tui, TUI_DIM));
	}
	y++;
	if (w->have_prof && !scr_rot_is_ksp(w)) {
		char line[512];
		const char *eng = scr_rot_engine_name(w);
		snprintf(line, sizeof line, _("Engine: %s   Module: %s   Token: %s"), eng ? eng : "-",
		         w->prof.st.engine.module ? w->prof.st.engine.module : "-",
		         w->prof.st.engine.token_label ? w->prof.st.engine.token_label
		                                       : (w->prof.st.hsm_user ? w->prof.st.hsm_user : "-"));
		/* Two rows: a module path and a token label together can be longer than one. */
		y += tui_wrap(y, a->x, a->cols, 2, line, tui_attr(&w->tui, TUI_DIM));
	}
	if (scr_rot_can_hand_over(w))
		y += tui_wrap(y, a->x, a->cols, 2,
		              _("H hands the setup password over to TSB/XKS instead: they make the exchange "
		                "themselves (config --for tsb|xks)."),
		              tui_attr(&w->tui, TUI_DIM));
	y++;
	char prompt[128];
	if (scr_rot_is_ksp(w))
		snprintf(prompt, sizeof prompt, _("Type yes when the Windows machine has connected: %s_"),
		         scr_rot.typed);
	else
		snprintf(prompt, sizeof prompt, _("Type yes and press Enter to connect: %s_"), scr_rot.typed);
	tui_put(y, a->x, a->cols, prompt, A_BOLD, 1);
}

static int scr_rotation_key(struct wiz *w, int key)
{
	int enter = key == '\r' || key == '\n' || key == KEY_ENTER;
	if (w->have_prof && rotation_is_done(&w->prof.st))
		return SCR_IGNORED;
	if (scr_rot.failed) {
		if (key == 'r' || key == 'R') {
			scr_rot_run(w);
			return SCR_REDRAW;
		}
		if (key == 't' || key == 'T') {
			w->goto_screen = SCREEN_TICKET;
			return SCR_GOTO;
		}
		return enter ? SCR_HANDLED : SCR_IGNORED;
	}
	/* After the hand-over, or the Windows machine's connection, there is nothing left to configure
	 * here: the Done screen says what must persist (scr_done.c). */
	if ((key == 'H' || key == 'h') && scr_rot.typed[0] == '\0' && scr_rot_can_hand_over(w)) {
		if (scr_rot_hand_over(w) != 0)
			return SCR_REDRAW;
		w->goto_screen = SCREEN_DONE;
		return SCR_GOTO;
	}
	if ((key == 'W' || key == 'w') && scr_rot.typed[0] == '\0' && scr_rot_is_ksp(w)) {
		scr_rot_ksp_write(w);
		return SCR_REDRAW;
	}
	if (enter) {
		if (strcmp(scr_rot.typed, _("yes")) != 0 && strcmp(scr_rot.typed, "yes") != 0) {
			wiz_status(w, TUI_WARN, "%s", _("Type yes (three letters) to connect, or Esc to go back."));
			scr_rot.typed[0] = '\0';
			return SCR_REDRAW;
		}
		scr_rot.typed[0] = '\0';
		if (!scr_rot_is_ksp(w)) {
			scr_rot_run(w);
			return SCR_REDRAW;
		}
		if (scr_rot_ksp_confirm(w) != 0)
			return SCR_REDRAW;
		w->goto_screen = SCREEN_DONE;
		return SCR_GOTO;
	}
	size_t n = strlen(scr_rot.typed);
	if ((key == KEY_BACKSPACE || key == 127 || key == 8) && n > 0) {
		scr_rot.typed[n - 1] = '\0';
		return SCR_REDRAW;
	}
	if (key >= 'A' && key <= 'z' && n + 1 < sizeof scr_rot.typed) {
		scr_rot.typed[n] = (char)key;
		scr_rot.typed[n + 1] = '\0';
		return SCR_REDRAW;
	}
	if (key == KEY_LEFT)
		return SCR_HANDLED; /* Left is not "back" while typing */
	return SCR_IGNORED;
}

const struct screen_ops scr_rotation_ops = {
    .title = N_("First connection"),
    .help = N_("The first connection logs in with the setup password and replaces it at once with a new, "
               "random user secret, saved in the vault before it is sent. This cannot be undone. If it "
               "fails, the wizard checks which secret the HSM accepts and never retries the setup password "
               "by itself."),
    .enter = scr_rotation_enter,
    .draw = scr_rotation_draw,
    .key = scr_rotation_key,
};
