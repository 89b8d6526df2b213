/* scr_done.c: step 10, onboarding complete, with a summary of the profile (what `status` shows) and
 * what must persist on the profile's route: the engine's files, or, when the exchange is not ours,
 * what TSB/XKS or the Windows KSP keep (doc/securosys-facts.md, "What must persist"). */
#include "config.h"

#include "engine.h"
#include "expiry.h"
#include "i18n.h"
#include "orders.h"
#include "wiz.h"
#include "wiz_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Where the exchange happened, when it was not an engine of ours. */
enum scr_done_route {
	SCR_DONE_ENGINE = 0, /* an engine of ours made the exchange (or none was needed) */
	SCR_DONE_HANDOVER,   /* the setup password was handed over to TSB/XKS (targets_handover) */
	SCR_DONE_KSP,        /* CNG: the Windows machine made it (orders_path_of) */
};

static enum scr_done_route scr_done_route_of(const struct state *st)
{
	if (st->rotation == ROTATION_NONE && expiry_handed_over(st))
		return SCR_DONE_HANDOVER;
	if (!st->engine.engine && orders_path_is(st, ORDERS_PATH_KSP))
		return SCR_DONE_KSP;
	return SCR_DONE_ENGINE;
}

static void scr_done_enter(struct wiz *w)
{
	w->finished = 1;
}

static void scr_done_row(struct wiz *w, int *y, const struct screen_area *a, const char *label,
                         const char *value)
{
	tui_put(*y, a->x + 2, 24, label, A_BOLD, 0);
	tui_put(*y, a->x + 26, a->cols - 26, value ? value : "-", A_NORMAL, 0);
	(void)w;
	(*y)++;
}

/* The setup password's countdown in one row; after a hand-over it is the worst case until the first
 * start is recorded (expiry.h, worst_case). */
static void scr_done_countdown(const struct state *st, char *buf, size_t size)
{
	struct expiry e;
	char left[64];
	expiry_compute(st, time(NULL), &e);
	switch (e.state) {
	case EXPIRY_RUNNING:
		expiry_format_left(e.seconds_left, left, sizeof left);
		snprintf(buf, size, e.worst_case ? _("at most %s left (worst case)") : _("%s left"), left);
		return;
	case EXPIRY_EXPIRED:
		snprintf(buf, size, "%s", e.worst_case ? _("may have EXPIRED (worst case)") : _("EXPIRED"));
		return;
	case EXPIRY_REPLACED: snprintf(buf, size, "%s", _("replaced")); return;
	default: snprintf(buf, size, "%s", _("unknown")); return;
	}
}

/* A blank row before the last lines (rows of them), when the area has room for it: the longer
 * translations of the texts above take it. */
static int scr_done_gap(int y, const struct screen_area *a, int rows)
{
	return y + rows < a->y + a->rows ? y + 1 : y;
}

/* The rest of the screen for a route whose exchange is not ours: where it happened, the countdown,
 * and what must persist there. */
static void scr_done_route_draw(struct wiz *w, int y, const struct screen_area *a, enum scr_done_route route)
{
	const struct state *st = &w->prof.st;
	char dir[1024], cfg[1024], cd[128];
	wiz_engine_config_dir(w, dir, sizeof dir);
	tui_path_fit(dir, a->cols - 26, cfg, sizeof cfg);
	int handover = route == SCR_DONE_HANDOVER;
	/* tsb/Installation/On-Premise-Installation: encryptionPassword encrypts the user secret TSB keeps
	 * in its database; xks/Installation: the hidden encrypted .secret file; mscng/Installation/
	 * Configuring: the KSP's connection secrets are specific to each machine. */
	const char *keep =
	    handover
	        ? _("TSB and XKS make the exchange themselves and keep the permanent secret. What must persist: "
	            "TSB's database together with its encryptionPassword, and XKS's hidden .secret file. Losing "
	            "them after day 7 means a paid renewal of the setup password. We cannot see when they log "
	            "in: until their first start is recorded, the countdown shows the worst case.")
	        : _("The Windows machine's KSP made the exchange and keeps the permanent secret, encrypted for "
	            "that machine only. What must persist: that machine and its KSP configuration; a backup "
	            "restored on another machine needs a new setup password (a paid renewal after day 7). "
	            "Nothing of the secret is on this machine.");
	const char *hint =
	    handover ? _("S records when TSB/XKS started (or 'hsm-onboard mark-used'). Enter leaves the "
	                 "wizard.")
	             : _("Press Enter to leave the wizard.");
	scr_done_row(w, &y, a, _("Exchange"),
	             handover ? _("handed over to TSB/XKS") : _("on the Windows machine (KSP)"));
	scr_done_row(w, &y, a, handover ? _("Files in") : _("KSP steps in"), cfg);
	if (handover) {
		scr_done_countdown(st, cd, sizeof cd);
		scr_done_row(w, &y, a, _("Setup password"), cd);
	}
	y++;
	y += tui_wrap(y, a->x, a->cols, 6, keep, A_NORMAL);
	y = scr_done_gap(y, a, 2);
	tui_wrap(y, a->x, a->cols, 2, hint, tui_attr(&w->tui, TUI_DIM));
}

/* S after a hand-over: when TSB/XKS started, recorded as mark-used does (expiry_mark_used). */
static void scr_done_ask_started(struct wiz *w)
{
	char now_text[32];
	time_t now = time(NULL);
	struct tm tm;
	if (!localtime_r(&now, &tm) || strftime(now_text, sizeof now_text, "%Y-%m-%d %H:%M", &tm) == 0)
		now_text[0] = '\0';
	char *typed = wiz_ask_text(
	    w, _("When did TSB/XKS start?"),
	    _("Their first start used the setup password: its 7 days run from then. When was it? "
	      "YYYY-MM-DD HH:MM in local time, or ISO 8601 with a zone; Enter takes the time shown (now)."),
	    now_text);
	if (!typed)
		return;
	time_t at;
	int r = expiry_parse_time(typed, &at);
	if (r != 0) {
		wiz_status(w, TUI_ERROR,
		           _("'%s' is not a time: use YYYY-MM-DD HH:MM, or ISO 8601 with a zone "
		             "(2026-11-24T10:30+01:00)"),
		           typed);
		free(typed);
		return;
	}
	free(typed);
	struct diag d;
	diag_clear(&d);
	int changed = 0;
	int rc = expiry_mark_used(&w->prof.st, w->prof.name, at, time(NULL), &changed, &d);
	if (rc == 0 && changed)
		rc = profile_save_state(&w->prof, &d);
	if (rc != 0)
		wiz_status(w, TUI_ERROR, "%s", d.msg);
	else if (changed)
		wiz_status(w, TUI_OK, "%s", _("First start recorded: the countdown now runs from it."));
	else
		wiz_status(w, TUI_OK, "%s", _("An earlier first use is recorded already: it stays."));
}

static void scr_done_draw(struct wiz *w, const struct screen_area *a)
{
	int y = a->y;
	tui_put(y, a->x, a->cols, _("Onboarding complete"), tui_attr(&w->tui, TUI_OK), 0);
	y += 2;
	if (!w->have_prof)
		return;
	const struct state *st = &w->prof.st;
	enum scr_done_route route = scr_done_route_of(st);
	scr_done_row(w, &y, a, _("Profile"), w->prof.name);
	scr_done_row(w, &y, a, _("HSM user"), st->hsm_user);
	scr_done_row(w, &y, a, _("Tier"), state_tier_name(st->tier));
	scr_done_row(w, &y, a, _("API"), state_api_name(st->api));
	scr_done_row(w, &y, a, _("Cluster"), st->cluster);
	if (route != SCR_DONE_ENGINE) {
		scr_done_route_draw(w, y, a, route);
		return;
	}
	scr_done_row(w, &y, a, _("Engine"), orders_path_engine(st));
	scr_done_row(w, &y, a, _("Rotation"), state_rotation_name(st->rotation));
	char cfg[1024];
	tui_path_fit(st->engine.config_dir ? st->engine.config_dir : "-", a->cols - 26, cfg, sizeof cfg);
	scr_done_row(w, &y, a, _("Configuration in"), cfg);
	y++;
	char keep[1024];
	struct engine_text_args ta = {.engine = st->engine.engine};
	if (engine_text(engine_find(st->engine.engine), ENGINE_TEXT_KEEP, &ta, keep, sizeof keep) == 0) {
		y += tui_wrap(y, a->x, a->cols, 5, keep, A_NORMAL);
		y++;
		tui_wrap(y, a->x, a->cols, 2, _("Press Enter to leave the wizard."), tui_attr(&w->tui, TUI_DIM));
		return;
	}
	/* Where the user secret is now, as engine_secret_place says: the vault always, and the copy the
	 * provider configuration wrote, when it was written. */
	char place[1200], dir[1024], text[1600];
	if (st->rotation >= ROTATION_CONFIGURED && st->engine.config_dir) {
		tui_path_fit(st->engine.config_dir, a->cols / 2, dir, sizeof dir);
		/* The engine of the profile's path when the wizard chose it (orders_path_of). */
		const char *eng = orders_path_engine(st) ? orders_path_engine(st) : "pkcs11";
		if (engine_secret_place(eng, dir, place, sizeof place) != 0)
			place[0] = '\0';
	} else {
		place[0] = '\0';
	}
	if (place[0])
		snprintf(
		    text, sizeof text,
		    _("The setup password was exchanged for a new user secret. It is in this profile's encrypted "
		      "vault and in %s for your application: keep that file private, and the vault passphrase "
		      "safe."),
		    place);
	else
		snprintf(text, sizeof text, "%s",
		         _("The setup password was exchanged for a new user secret, stored only in this profile's "
		           "encrypted vault. Keep the vault passphrase safe: 'hsm-onboard config' writes the secret "
		           "to a 0600 PIN file when an application needs it."));
	y += tui_wrap(y, a->x, a->cols, 5, text, A_NORMAL);
	y++;
	tui_wrap(y, a->x, a->cols, 2, _("Press Enter to leave the wizard."), tui_attr(&w->tui, TUI_DIM));
}

static int scr_done_key(struct wiz *w, int key)
{
	enum scr_done_route route = w->have_prof ? scr_done_route_of(&w->prof.st) : SCR_DONE_ENGINE;
	if (route == SCR_DONE_HANDOVER && (key == 's' || key == 'S')) {
		scr_done_ask_started(w);
		return SCR_REDRAW;
	}
	/* These routes came from the rotation step, past the provider step they have no use for. */
	if (route != SCR_DONE_ENGINE && (key == TUI_KEY_ESC || key == KEY_LEFT)) {
		w->goto_screen = SCREEN_ROTATION;
		return SCR_GOTO;
	}
	return SCR_IGNORED;
}

const struct screen_ops scr_done_ops = {
    .title = N_("Done"),
    .help = N_("The onboarding is complete. 'hsm-onboard status' shows this profile at any time; "
               "'hsm-onboard verify' logs in with the stored user secret to check it still works."),
    .enter = scr_done_enter,
    .draw = scr_done_draw,
    .key = scr_done_key,
};
