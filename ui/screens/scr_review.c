/* scr_review.c: step 5, every non-secret field of the profile (what `status` prints) and, for the
 * secrets, only whether the vault holds them: a fixed row of placeholders that says nothing of the
 * real length. */
#include "config.h"

#include "i18n.h"
#include "vault.h"
#include "wiz.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void scr_review_row(int *y, const struct screen_area *a, const char *label, const char *value)
{
	tui_put(*y, a->x, 22, label, A_BOLD, 0);
	tui_put(*y, a->x + 22, a->cols - 22, value && value[0] ? value : "-", A_NORMAL, 1);
	(*y)++;
}

static void scr_review_draw(struct wiz *w, const struct screen_area *a)
{
	if (!w->have_prof)
		return;
	const struct state *st = &w->prof.st;
	int y = a->y;
	char buf[128];
	scr_review_row(&y, a, _("Profile"), w->prof.name);
	scr_review_row(&y, a, _("Tier"), state_tier_name(st->tier));
	scr_review_row(&y, a, _("Service type"), state_service_type_name(st->service_type));
	scr_review_row(&y, a, _("API"), state_api_name(st->api));
	scr_review_row(&y, a, _("Cluster"), st->cluster);
	scr_review_row(&y, a, _("Company"), st->company);
	scr_review_row(&y, a, _("HSM user"), st->hsm_user);
	scr_review_row(&y, a, _("Service user (proxy)"), st->service_user);
	if (st->api_endpoint)
		scr_review_row(&y, a, _("API endpoint"), st->api_endpoint);
	buf[0] = '\0';
	if (st->issued) {
		struct tm tm;
		gmtime_r(&st->issued, &tm);
		strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	}
	scr_review_row(&y, a, _("Date of issue"), buf);
	y++;
	tui_put(y++, a->x, a->cols, _("Secrets (in the encrypted vault, never shown):"), A_BOLD, 0);
	static const enum vault_label labels[] = {VAULT_SERVICE_PASSWORD, VAULT_SETUP_PASSWORD,
	                                          VAULT_PKCS11_PASSWORD, VAULT_JWT, VAULT_CURRENT};
	static const char *const names[] = {N_("Service password"), N_("Setup password"), N_("PKCS#11 password"),
	                                    N_("JWT"), N_("User secret")};
	char dots[64] = "";
	for (int i = 0; i < 6; i++)
		snprintf(dots + strlen(dots), sizeof dots - strlen(dots), "%s", tui_glyph_secret(&w->tui));
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		const char *v;
		if (w->vault)
			v = vault_get(w->vault, labels[i]) ? dots : _("not stored");
		else
			v = _("(vault locked: U unlocks it to check)");
		scr_review_row(&y, a, _(names[i]), v);
	}
}

static int scr_review_key(struct wiz *w, int key)
{
	if (key == 'u' || key == 'U') {
		wiz_unlock(w);
		return SCR_REDRAW;
	}
	return SCR_IGNORED;
}

const struct screen_ops scr_review_ops = {
    .title = N_("Review"),
    .help = N_("Check that the fields match your order. The secrets are in the encrypted vault; the "
               "wizard never shows them. If something is wrong, go back (Esc) and import the right files, "
               "or run 'hsm-onboard status' to see the same."),
    .hints = N_("U unlock"),
    .draw = scr_review_draw,
    .key = scr_review_key,
};
