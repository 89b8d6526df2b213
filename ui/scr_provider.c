/* scr_provider.c: step 9, the provider configuration (what `config` writes): where the files went,
 * and the next step. */
#include "config.h"

#include "core.h"
#include "i18n.h"
#include "wizard.h"

#include <stdio.h>

static void scr_provider_draw(struct wiz *w, const struct screen_area *a)
{
	char cli[256];
	snprintf(cli, sizeof cli, "hsm-onboard config --profile %s", w->have_prof ? w->prof.name : "NAME");
	wiz_draw_missing(w, a, _("the provider configuration"), cli);
}

static int scr_provider_key(struct wiz *w, int key)
{
	(void)w;
	(void)key;
	return SCR_IGNORED;
}

const struct screen_ops scr_provider_ops = {
	.title = N_("Provider configuration"),
	.help = N_("The provider configuration tells your application how to reach the HSM: for PKCS#11 a "
	           "primus.cfg, for JCE a properties file, for REST the endpoint. It holds no secret; the "
	           "user secret stays in the vault."),
	.draw = scr_provider_draw,
	.key = scr_provider_key,
};
