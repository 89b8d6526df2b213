/* scr_securecode.c: step 3, the SecureCode SMS. Nothing is typed here: the code unlocks the
 * download in SecureSafe, in the browser. The screen only says what to expect. */
#include "config.h"

#include "i18n.h"
#include "orders.h"
#include "wiz.h"

#include <stdio.h>

static const char *const scr_securecode_items[] = {
    N_("The SMS came to the mobile number of the privileged support user"),
    N_("The SecureCode was typed into SecureSafe, in the browser (not here)"),
    N_("Every file of every email is downloaded"),
};
#define SCR_SECURECODE_N (sizeof scr_securecode_items / sizeof scr_securecode_items[0])

static struct {
	int done[SCR_SECURECODE_N];
	size_t sel;
} scr_securecode;

static void scr_securecode_draw(struct wiz *w, const struct screen_area *a)
{
	int y = a->y;
	/* Only what the docs say (doc/securosys-facts.md, sections "Onboarding steps" and "Order
	 * channels and tiers"); no invented message text. */
	y += tui_wrap(y, a->x, a->cols, 4,
	              _("For each SecureSafe email, Securosys sends a SecureCode (a one-time code) to the mobile "
	                "number of the privileged support user."),
	              A_NORMAL);
	y++;
	y += tui_wrap(y, a->x, a->cols, 3, orders_channel_fact(ORDERS_ONLINE), tui_attr(&w->tui, TUI_DIM));
	y++;
	y += tui_wrap(y, a->x, a->cols, 3,
	              _("Open the SecureSafe link from the email, type the SecureCode there, and download the "
	                "files. hsm-onboard never asks for the SecureCode."),
	              A_NORMAL);
	y++;
	for (size_t i = 0; i < SCR_SECURECODE_N; i++) {
		char line[256];
		snprintf(line, sizeof line, "%s %s", tui_glyph_check(&w->tui, scr_securecode.done[i]),
		         _(scr_securecode_items[i]));
		tui_put(y++, a->x, a->cols, line, i == scr_securecode.sel ? tui_attr(&w->tui, TUI_HILITE) : A_NORMAL,
		        1);
	}
	y++;
	tui_wrap(y, a->x, a->cols, 2,
	         _("Space ticks an item (for your own tracking). Enter goes on to the download."),
	         tui_attr(&w->tui, TUI_DIM));
}

static int scr_securecode_key(struct wiz *w, int key)
{
	(void)w;
	if (wiz_choice_key(key, &scr_securecode.sel, SCR_SECURECODE_N))
		return SCR_REDRAW;
	if (key == ' ') {
		scr_securecode.done[scr_securecode.sel] ^= 1;
		return SCR_REDRAW;
	}
	return SCR_IGNORED;
}

const struct screen_ops scr_securecode_ops = {
    .title = N_("SecureCode"),
    .help = N_("Securosys sends a SecureCode by SMS for each SecureSafe link. It unlocks the download in "
               "SecureSafe, in your browser; hsm-onboard never needs it. When the SMS did not arrive, "
               "check that the mobile number on the order is right, then contact Securosys support."),
    .hints = N_("Space tick"),
    .draw = scr_securecode_draw,
    .key = scr_securecode_key,
};
