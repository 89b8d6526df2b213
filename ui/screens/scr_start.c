/* scr_start.c: the start screen: every profile with its step and live countdown (what `status`
 * lists), "New onboarding", and "Support ticket". With exactly one unfinished profile it resumes that
 * one at once. */
#include "config.h"

#include "expiry.h"
#include "i18n.h"
#include "wiz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCR_START_MAX 32

static struct {
	size_t n;                        /* profiles listed */
	struct profile prof[SCR_START_MAX];
	size_t sel;                      /* 0..n-1 profiles, n new, n+1 ticket */
	int auto_done;                   /* auto-resume happens once per run */
} scr_start;

static void scr_start_leave(struct wiz *w)
{
	(void)w;
	for (size_t i = 0; i < scr_start.n; i++)
		profile_close(&scr_start.prof[i]);
	scr_start.n = 0;
}

static void scr_start_enter(struct wiz *w)
{
	scr_start_leave(w);
	/* Back at the start, no profile is current (nor locked). */
	wiz_close_profile(w);
	scr_start.sel = 0;
	char **names = NULL;
	size_t n = 0;
	struct diag d;
	diag_clear(&d);
	if (profile_list(&names, &n, &d) != 0) {
		wiz_status(w, TUI_ERROR, "%s", d.msg);
		return;
	}
	for (size_t i = 0; i < n && scr_start.n < SCR_START_MAX; i++) {
		struct profile *p = &scr_start.prof[scr_start.n];
		memset(p, 0, sizeof *p);
		diag_clear(&d);
		if (profile_open(names[i], 0, p, &d) == 0)
			scr_start.n++;
	}
	profile_list_free(names, n);
	if (scr_start.n == 0)
		scr_start.sel = 0; /* "New onboarding" */
	size_t unfinished = 0, which = 0;
	for (size_t i = 0; i < scr_start.n; i++)
		if (scr_start.prof[i].st.step != STEP_DONE) {
			unfinished++;
			which = i;
		}
	if (!scr_start.auto_done && unfinished == 1) {
		scr_start.auto_done = 1;
		char name[128];
		snprintf(name, sizeof name, "%s", scr_start.prof[which].name);
		enum state_step step = scr_start.prof[which].st.step;
		scr_start_leave(w);
		if (wiz_open_profile(w, name, 0) == 0) {
			w->goto_screen = step == STEP_START ? SCREEN_SUBSCRIPTION : (enum screen_id)step;
			w->pending_goto = 1;
			return;
		}
		scr_start_enter(w);
		return;
	}
	scr_start.auto_done = 1;
}

static void scr_start_countdown(struct wiz *w, const struct profile *p, char *buf, size_t size)
{
	struct expiry e;
	char left[64];
	expiry_compute(&p->st, time(NULL), &e);
	switch (e.state) {
	case EXPIRY_RUNNING:
		expiry_format_left(e.seconds_left, left, sizeof left);
		snprintf(buf, size, _("%s left"), left);
		break;
	case EXPIRY_UNUSED:
		snprintf(buf, size, "%s", _("not used yet"));
		break;
	case EXPIRY_EXPIRED:
		snprintf(buf, size, "%s", _("EXPIRED"));
		break;
	case EXPIRY_REPLACED:
		snprintf(buf, size, "%s", _("replaced"));
		break;
	default:
		snprintf(buf, size, "%s", _("unknown"));
		break;
	}
	(void)w;
}

static void scr_start_rows(struct wiz *w, const struct screen_area *a, int only_countdown)
{
	int y = a->y + 4;
	for (size_t i = 0; i < scr_start.n && y < a->y + a->rows - 4; i++, y++) {
		const struct profile *p = &scr_start.prof[i];
		char cd[96];
		scr_start_countdown(w, p, cd, sizeof cd);
		attr_t at = i == scr_start.sel ? tui_attr(&w->tui, TUI_HILITE) : A_NORMAL;
		if (!only_countdown) {
			char line[256];
			snprintf(line, sizeof line, "%s %-24.24s %2d %-14s", i == scr_start.sel ? ">" : " ", p->name,
			         (int)p->st.step,
			         state_step_name(p->st.step)
			);
			tui_put(y, a->x, a->cols, line, at, 1);
		}
		tui_put(y, a->x + 46, a->cols - 46, cd, at, 1);
	}
}

static void scr_start_draw(struct wiz *w, const struct screen_area *a)
{
	int y = a->y;
	tui_wrap(y, a->x, a->cols, 3,
	         _("hsm-onboard walks you from the Securosys emails to a connected, configured CloudHSM "
	           "partition. Every step is saved; you can stop and resume at any time."),
	         A_NORMAL);
	char head[200];
	snprintf(head, sizeof head, "  %-24s %-17s %s", _("Profile"), _("Step"), _("Setup password"));
	tui_put(a->y + 3, a->x, a->cols, head, A_BOLD, 1);
	if (scr_start.n == 0)
		tui_put(a->y + 4, a->x + 2, a->cols - 2, _("(no profile yet)"), tui_attr(&w->tui, TUI_DIM), 0);
	scr_start_rows(w, a, 0);
	int base = a->y + a->rows - 3;
	const char *items[2] = {_("New onboarding"), _("Support ticket for the selected profile")};
	wiz_draw_choices(w, base, a->x, a->cols, items, 2,
	                 scr_start.sel >= scr_start.n ? scr_start.sel - scr_start.n : 99);
}

static int scr_start_tick(struct wiz *w, const struct screen_area *a)
{
	scr_start_rows(w, a, 1);
	return scr_start.n > 0;
}

static char *scr_start_new_name(void)
{
	char name[64];
	for (int i = 1; i < 1000; i++) {
		snprintf(name, sizeof name, i == 1 ? "onboarding" : "onboarding-%d", i);
		int used = 0;
		for (size_t k = 0; k < scr_start.n; k++)
			if (strcmp(scr_start.prof[k].name, name) == 0)
				used = 1;
		if (!used)
			break;
	}
	return strdup(name);
}

static int scr_start_key(struct wiz *w, int key)
{
	size_t total = scr_start.n + 2;
	if (wiz_choice_key(key, &scr_start.sel, total))
		return SCR_REDRAW;
	if (key == TUI_KEY_ESC)
		return SCR_HANDLED;
	int enter = key == '\r' || key == '\n' || key == KEY_ENTER;
	if (key == 'n' || key == 'N' || (enter && scr_start.sel == scr_start.n)) {
		char *def = scr_start_new_name();
		char *name = wiz_ask_text(w, _("New onboarding"),
		                          _("A name for the profile (letters, digits, '.', '_', '-'); the HSM user "
		                            "name is a good choice:"),
		                          def);
		free(def);
		if (!name)
			return SCR_REDRAW;
		if (!profile_name_valid(name)) {
			wiz_status(w, TUI_ERROR, _("'%s' is not a valid profile name."), name);
			free(name);
			return SCR_REDRAW;
		}
		scr_start_leave(w);
		int rc = wiz_open_profile(w, name, 1);
		free(name);
		if (rc != 0) {
			scr_start_enter(w);
			return SCR_REDRAW;
		}
		w->goto_screen = SCREEN_SUBSCRIPTION;
		return SCR_GOTO;
	}
	if (scr_start.sel > scr_start.n || key == 't' || key == 'T') {
		if (!enter && key != 't' && key != 'T')
			return SCR_IGNORED;
		if (scr_start.n == 0) {
			wiz_status(w, TUI_WARN, "%s", _("A ticket needs a profile: there is none yet."));
			return SCR_REDRAW;
		}
		size_t i = scr_start.sel < scr_start.n ? scr_start.sel : 0;
		char name[128];
		snprintf(name, sizeof name, "%s", scr_start.prof[i].name);
		scr_start_leave(w);
		if (wiz_open_profile(w, name, 0) != 0) {
			scr_start_enter(w);
			return SCR_REDRAW;
		}
		w->goto_screen = SCREEN_TICKET;
		return SCR_GOTO;
	}
	if (enter && scr_start.sel < scr_start.n) {
		char name[128];
		snprintf(name, sizeof name, "%s", scr_start.prof[scr_start.sel].name);
		enum state_step step = scr_start.prof[scr_start.sel].st.step;
		scr_start_leave(w);
		if (wiz_open_profile(w, name, 0) != 0) {
			scr_start_enter(w);
			return SCR_REDRAW;
		}
		w->goto_screen = step == STEP_START ? SCREEN_SUBSCRIPTION : (enum screen_id)step;
		return SCR_GOTO;
	}
	return enter ? SCR_HANDLED : SCR_IGNORED;
}

const struct screen_ops scr_start_ops = {
	.title = N_("hsm-onboard"),
	.help = N_("Choose a profile and press Enter to resume it at the step it reached, N for a new "
	           "onboarding, or T for a support ticket (when the setup password has expired). A profile "
	           "lives in ~/.local/state/hsm-onboard; 'hsm-onboard status' lists the same."),
	.hints = N_("N new  T ticket"),
	.enter = scr_start_enter,
	.draw = scr_start_draw,
	.key = scr_start_key,
	.leave = scr_start_leave,
	.tick = scr_start_tick,
};
