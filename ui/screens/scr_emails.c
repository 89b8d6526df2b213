/* scr_emails.c: step 2, the SecureSafe emails: a checklist that depends on the service type, and the
 * SecureSafe link as a QR code (qr_render, as `ticket` uses it) for the phone that holds the SMS. The
 * link stays in memory only: it is not a secret, but it leads to the credentials. */
#include "config.h"

#include "i18n.h"
#include "orders.h"
#include "qr.h"
#include "wiz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	int done[4];
	char online[300];
	size_t sel;
	char *link;
	struct qr_text qr;
	int have_qr;
	char err[DIAG_MSG_MAX];
} scr_emails;

static size_t scr_emails_items(const struct wiz *w, const char **items)
{
	enum state_service_type t = w->have_prof ? w->prof.st.service_type : SERVICE_TYPE_STANDARD;
	size_t n = 0;
	if (t == SERVICE_TYPE_TSBAAS_MULTI) {
		items[n++] = _("Email: SecureSafe link to the JWT file (API-Endpoint and JWT-TOKEN)");
	} else {
		items[n++] = _("Email: SecureSafe link to the service user file (Proxy-User, Proxy-Password)");
		items[n++] = _("Email: SecureSafe link to the HSM user file (setup password)");
		/* No JWT file: a dedicated TSBaaS authenticates by mutual TLS (orders.h). */
		if (t == SERVICE_TYPE_TSBAAS_DEDICATED)
			items[n++] = orders_channel_summary(ORDERS_TSBAAS_DEDICATED);
	}
	snprintf(scr_emails.online, sizeof scr_emails.online, _("Online orders: %s"),
	         orders_channel_summary(ORDERS_ONLINE));
	items[n++] = scr_emails.online;
	return n;
}

static void scr_emails_clear_qr(void)
{
	if (scr_emails.have_qr)
		qr_text_free(&scr_emails.qr);
	scr_emails.have_qr = 0;
}

static void scr_emails_leave(struct wiz *w)
{
	(void)w;
	scr_emails_clear_qr();
	free(scr_emails.link);
	scr_emails.link = NULL;
	scr_emails.err[0] = '\0';
}

static void scr_emails_draw(struct wiz *w, const struct screen_area *a)
{
	const char *items[4];
	size_t n = scr_emails_items(w, items);
	int left = scr_emails.have_qr ? a->cols - scr_emails.qr.columns - 2 : a->cols;
	int y = a->y;
	y += tui_wrap(y, a->x, left, 3,
	              _("Securosys sends the credentials through SecureSafe. Expect these emails (one per file, "
	                "to the privileged support user):"),
	              A_NORMAL);
	y++;
	for (size_t i = 0; i < n; i++) {
		/* Wrapped under the text, not under the check box. */
		int rows = tui_wrap_item(y, a->x, left, 2, tui_glyph_check(&w->tui, scr_emails.done[i]), items[i],
		                         i == scr_emails.sel ? tui_attr(&w->tui, TUI_HILITE) : A_NORMAL);
		y += rows;
	}
	y++;
	if (scr_emails.link) {
		tui_put(y++, a->x, left, _("SecureSafe link:"), A_BOLD, 0);
		tui_wrap(y, a->x, left, 3, scr_emails.link, A_NORMAL);
		y += 4;
	}
	if (scr_emails.err[0]) {
		y += tui_wrap(y, a->x, left, 3, scr_emails.err, tui_attr(&w->tui, TUI_ERROR));
	}
	tui_wrap(y, a->x, left, 4,
	         _("L: paste the SecureSafe link to show it as a QR code, so the phone that received the SMS "
	           "can open it. Space ticks an email. Enter goes on."),
	         tui_attr(&w->tui, TUI_DIM));
	if (scr_emails.have_qr) {
		int qx = a->x + a->cols - scr_emails.qr.columns;
		for (size_t i = 0; i < scr_emails.qr.n_lines && (int)i < a->rows + 2; i++)
			tui_put(a->y - 1 + (int)i, qx, scr_emails.qr.columns, scr_emails.qr.lines[i], A_NORMAL, 0);
	}
}

static int scr_emails_key(struct wiz *w, int key)
{
	const char *items[4];
	size_t n = scr_emails_items(w, items);
	if (wiz_choice_key(key, &scr_emails.sel, n))
		return SCR_REDRAW;
	if (key == ' ') {
		scr_emails.done[scr_emails.sel] ^= 1;
		return SCR_REDRAW;
	}
	if (key == 'l' || key == 'L') {
		char *link =
		    wiz_ask_text(w, _("SecureSafe link"), _("Paste the link from the email:"), scr_emails.link);
		if (!link)
			return SCR_REDRAW;
		scr_emails_clear_qr();
		free(scr_emails.link);
		scr_emails.link = link;
		scr_emails.err[0] = '\0';
		if (strncmp(link, "https://", 8) != 0) {
			snprintf(scr_emails.err, sizeof scr_emails.err, "%s", _("The link should start with https://."));
		}
		struct diag d;
		diag_clear(&d);
		if (link[0] && qr_render(link, w->tui.ascii, &scr_emails.qr, &d) == 0) {
			if ((int)scr_emails.qr.n_lines > w->tui.rows - 3 || scr_emails.qr.columns > w->tui.cols - 34) {
				qr_text_free(&scr_emails.qr);
				snprintf(
				    scr_emails.err, sizeof scr_emails.err, "%s",
				    _("The link is too long for a QR code on this screen; open it on this machine instead."));
			} else {
				scr_emails.have_qr = 1;
			}
		} else if (link[0]) {
			snprintf(scr_emails.err, sizeof scr_emails.err, "%s", d.msg);
		}
		return SCR_REDRAW;
	}
	return SCR_IGNORED;
}

const struct screen_ops scr_emails_ops = {
    .title = N_("Emails"),
    .help = N_("Each credential file comes in its own email with a SecureSafe link; the matching SMS "
               "brings the SecureCode that unlocks it. Paste a link with L to show it as a QR code: scan it "
               "with the phone that received the SMS. The link is kept in memory only."),
    .hints = N_("L link  Space tick"),
    .draw = scr_emails_draw,
    .key = scr_emails_key,
    .leave = scr_emails_leave,
};
