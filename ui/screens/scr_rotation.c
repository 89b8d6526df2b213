/* scr_rotation.c: step 8, the point of no return: it explains what happens, asks for "yes", then runs
 * rotation_run (the protocol behind `connect`) and shows each step's result. On an error it shows the
 * mapped message and the next step: retry, ticket or quit; it never retries the setup password by
 * itself. A rotation left in flight by a crash is resumed at once on entering (the resume probe). */
#include "config.h"

#include "i18n.h"
#include "wiz_engine.h"
#include "wiz.h"
#include "rotation.h"

#include <stdio.h>
#include <string.h>

static struct {
	char typed[8];
	int ran;
	int failed;
	int resumed;
	int refused; /* the HSM refused the setup password: R sends nothing (rotation.h) */
	char msg[DIAG_MSG_MAX];
} scr_rot;

static int scr_rot_is_primus(const struct wiz *w)
{
	const char *e = w->have_prof ? w->prof.st.engine.engine : NULL;
	if (!e && w->have_prof)
		e = engine_default_name((int)w->prof.st.service_type, (int)w->prof.st.api);
	return e && strcmp(e, "primus") == 0;
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
	wiz_status(w, TUI_NORMAL, "%s",
	           scr_rot_is_primus(w) ? _("Connecting: ppin -p, ppin -a, ppin -t...")
	                                : _("Connecting: first use, new secret, change, verify..."));
	wiz_redraw(w);
	struct rotation_report rep;
	memset(&rep, 0, sizeof rep);
	struct diag d;
	diag_clear(&d);
	/* The readiness checks first, as connect runs them: nothing is recorded or sent until they pass.
	 * Their warnings are for 'hsm-onboard doctor', not this screen. */
	int rc = e.ops->preflight(&e, &d);
	if (rc == 0)
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
	if (w->have_prof && !rotation_has_secret(&w->prof.st) && rotation_setup_refused(&w->prof.st)) {
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

struct scr_rot_step {
	enum state_rotation at;
	const char *what;
};

static void scr_rotation_steps(struct wiz *w, int y, const struct screen_area *a)
{
	static const struct scr_rot_step generic[] = {
	    {ROTATION_FIRST_USE, N_("First use recorded (the 7 days start)")},
	    {ROTATION_PENDING, N_("New user secret generated and saved in the vault")},
	    {ROTATION_PROMOTED, N_("Setup password replaced on the HSM")},
	    {ROTATION_VERIFIED, N_("Login with the new secret verified")},
	};
	/* The documented ppin flow (doc/securosys-facts.md, section "ppin"). */
	static const struct scr_rot_step primus[] = {
	    {ROTATION_FIRST_USE, N_("First use recorded (the 7 days start)")},
	    {ROTATION_PROMOTED, N_("ppin -p (proxy password), ppin -a (setup, then PKCS#11 password)")},
	    {ROTATION_PROMOTED, N_(".secrets.cfg and primus.cfg kept in the vault")},
	    {ROTATION_VERIFIED, N_("ppin -t, and login with the PKCS#11 password verified")},
	};
	const struct scr_rot_step *steps = scr_rot_is_primus(w) ? primus : generic;
	for (size_t i = 0; i < 4; i++) {
		char line[256];
		int done = w->have_prof && w->prof.st.rotation >= steps[i].at;
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
		tui_wrap(y + 7, a->x, a->cols, 3,
		         scr_rot_is_primus(w)
		             ? _("The setup password is disposed of; .secrets.cfg (the permanent secret) is kept in "
		                 "the encrypted vault. Enter goes on to the provider configuration.")
		             : _("The setup password is gone; the new user secret is only in the encrypted vault. "
		                 "Enter goes on to the provider configuration."),
		         A_NORMAL);
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
	if (scr_rot_is_primus(w))
		y += tui_wrap(y, a->x, a->cols, 6,
		              _("This is the point of no return. hsm-onboard records the first use (for SBX, ECO and "
		                "Platinum the 7 days start now), then runs ppin -p (proxy password), ppin -a (setup "
		                "password, then PKCS#11 password) and ppin -t. ppin keeps the permanent secret in "
		                ".secrets.cfg, which is copied into the vault at once. The setup password is then "
		                "disposed of."),
		              A_NORMAL);
	else
		y +=
		    tui_wrap(y, a->x, a->cols, 6,
		             _("This is the point of no return. hsm-onboard will record the first use (for SBX, ECO "
		               "and Platinum the 7 days start now), generate a new random user secret and save it in "
		               "the vault, log in with the setup password and set the new secret as the token's PIN. "
		               "Generic engine: this fits SoftHSM2 and other tokens, not a Securosys partition."),
		             A_NORMAL);
	y++;
	if (w->have_prof) {
		char line[512];
		const char *eng = w->prof.st.engine.engine;
		if (!eng)
			eng = engine_default_name((int)w->prof.st.service_type, (int)w->prof.st.api);
		snprintf(line, sizeof line, _("Engine: %s   Module: %s   Token: %s"), eng ? eng : "-",
		         w->prof.st.engine.module ? w->prof.st.engine.module : "-",
		         w->prof.st.engine.token_label ? w->prof.st.engine.token_label
		                                       : (w->prof.st.hsm_user ? w->prof.st.hsm_user : "-"));
		/* Two rows: a module path and a token label together can be longer than one. */
		y += tui_wrap(y, a->x, a->cols, 2, line, tui_attr(&w->tui, TUI_DIM));
	}
	y++;
	char prompt[128];
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
	if (enter) {
		if (strcmp(scr_rot.typed, _("yes")) != 0 && strcmp(scr_rot.typed, "yes") != 0) {
			wiz_status(w, TUI_WARN, "%s", _("Type yes (three letters) to connect, or Esc to go back."));
			scr_rot.typed[0] = '\0';
			return SCR_REDRAW;
		}
		scr_rot.typed[0] = '\0';
		scr_rot_run(w);
		return SCR_REDRAW;
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
