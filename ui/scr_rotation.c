/* scr_rotation.c: step 8, the point of no return: the first connection and the secret rotation
 * (the same protocol as `connect`). */
#include "config.h"

#include "core.h"
#include "i18n.h"
#include "wizard.h"

#include <stdio.h>

static void scr_rotation_draw(struct wiz *w, const struct screen_area *a)
{
	char cli[256];
	snprintf(cli, sizeof cli, "hsm-onboard connect --profile %s", w->have_prof ? w->prof.name : "NAME");
	wiz_draw_missing(w, a, _("the first connection and rotation"), cli);
}

static int scr_rotation_key(struct wiz *w, int key)
{
	(void)w;
	(void)key;
	return SCR_IGNORED;
}

const struct screen_ops scr_rotation_ops = {
	.title = N_("First connection"),
	.help = N_("The first connection logs in with the setup password and replaces it at once with a new, "
	           "random user secret, saved in the vault before it is sent. This cannot be undone. If it "
	           "fails, the wizard checks which secret the HSM accepts and never retries the setup password "
	           "by itself."),
	.draw = scr_rotation_draw,
	.key = scr_rotation_key,
};
