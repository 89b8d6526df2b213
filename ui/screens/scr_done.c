/* scr_done.c: step 10, onboarding complete, with a summary of the profile (what `status` shows). */
#include "config.h"

#include "engine.h"
#include "i18n.h"
#include "orders.h"
#include "wiz.h"

#include <stdio.h>
#include <string.h>

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

static void scr_done_draw(struct wiz *w, const struct screen_area *a)
{
	int y = a->y;
	tui_put(y, a->x, a->cols, _("Onboarding complete"), tui_attr(&w->tui, TUI_OK), 0);
	y += 2;
	if (!w->have_prof)
		return;
	const struct state *st = &w->prof.st;
	scr_done_row(w, &y, a, _("Profile"), w->prof.name);
	scr_done_row(w, &y, a, _("HSM user"), st->hsm_user);
	scr_done_row(w, &y, a, _("Tier"), state_tier_name(st->tier));
	scr_done_row(w, &y, a, _("API"), state_api_name(st->api));
	scr_done_row(w, &y, a, _("Cluster"), st->cluster);
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
	(void)w;
	(void)key;
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
