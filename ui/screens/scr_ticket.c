/* scr_ticket.c: the support-ticket screen (from the start screen, the countdown or a failure): a
 * preview of what `ticket` prints, its QR code, and save in a chosen format. The ticket is built from
 * state.json only (ticket.h never opens the vault), so no secret can reach it. */
#include "config.h"

#include "expiry.h"
#include "i18n.h"
#include "qr.h"
#include "ticket.h"
#include "wiz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static struct {
	char *text;
	size_t top;
	int show_qr;
	struct qr_text qr;
	int have_qr;
} scr_ticket;

static int scr_ticket_render(struct wiz *w, enum ticket_format f, char **out, struct diag *d)
{
	struct expiry ex;
	expiry_compute(&w->prof.st, time(NULL), &ex);
	struct ticket_options o = {.profile = w->prof.name, .generated = time(NULL)};
	return ticket_render(&w->prof.st, &ex, &o, f, out, d);
}

static void scr_ticket_enter(struct wiz *w)
{
	scr_ticket.top = 0;
	scr_ticket.show_qr = 0;
	struct diag d;
	diag_clear(&d);
	free(scr_ticket.text);
	scr_ticket.text = NULL;
	if (w->have_prof && scr_ticket_render(w, TICKET_FORMAT_TEXT, &scr_ticket.text, &d) != 0)
		wiz_status(w, TUI_ERROR, "%s", d.msg);
}

static void scr_ticket_leave(struct wiz *w)
{
	(void)w;
	free(scr_ticket.text);
	scr_ticket.text = NULL;
	if (scr_ticket.have_qr)
		qr_text_free(&scr_ticket.qr);
	scr_ticket.have_qr = 0;
}

static void scr_ticket_draw(struct wiz *w, const struct screen_area *a)
{
	(void)w;
	if (scr_ticket.show_qr && scr_ticket.have_qr) {
		for (size_t i = 0; i < scr_ticket.qr.n_lines && (int)i < a->rows + 2; i++)
			tui_put(a->y - 1 + (int)i, a->x, scr_ticket.qr.columns, scr_ticket.qr.lines[i], A_NORMAL, 0);
		return;
	}
	if (!scr_ticket.text)
		return;
	const char *p = scr_ticket.text;
	for (size_t skip = scr_ticket.top; skip > 0 && *p; p++)
		if (*p == '\n')
			skip--;
	for (int r = 0; r < a->rows && *p; r++) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char line[512];
		snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
		tui_put(a->y + r, a->x, a->cols, line, A_NORMAL, 0);
		p += n + (e ? 1 : 0);
	}
}

static int scr_ticket_key(struct wiz *w, int key)
{
	if (key == KEY_DOWN || key == 'j' || key == KEY_NPAGE) {
		scr_ticket.top += key == KEY_NPAGE ? 10 : 1;
		return SCR_REDRAW;
	}
	if (key == KEY_UP || key == 'k' || key == KEY_PPAGE) {
		size_t n = key == KEY_PPAGE ? 10 : 1;
		scr_ticket.top = scr_ticket.top > n ? scr_ticket.top - n : 0;
		return SCR_REDRAW;
	}
	if (key == 'q' || key == 'Q') {
		scr_ticket.show_qr = !scr_ticket.show_qr;
		if (scr_ticket.show_qr && !scr_ticket.have_qr && w->have_prof) {
			struct expiry ex;
			struct diag d;
			char *sum = NULL;
			diag_clear(&d);
			expiry_compute(&w->prof.st, time(NULL), &ex);
			struct ticket_options o = {.profile = w->prof.name, .generated = time(NULL)};
			if (ticket_qr_summary(&w->prof.st, &ex, &o, &sum, &d) == 0 &&
			    qr_render(sum, w->tui.ascii, &scr_ticket.qr, &d) == 0) {
				scr_ticket.have_qr = 1;
				if ((int)scr_ticket.qr.n_lines > w->tui.rows - 3)
					wiz_status(w, TUI_WARN, "%s",
					           _("The QR code is taller than the screen: 'hsm-onboard ticket --qr' prints it "
					             "whole."));
			} else {
				wiz_status(w, TUI_ERROR, "%s", d.msg);
				scr_ticket.show_qr = 0;
			}
			free(sum);
		}
		return SCR_REDRAW;
	}
	if ((key == 's' || key == 'S') && w->have_prof) {
		/* The format is chosen, as --format chooses it, never guessed from the file name; the file is
		 * written by ticket_save, as `ticket --output` writes it. */
		char *fmt = wiz_ask_text(w, _("Save the ticket"),
		                         _("Format (markdown for the ticket portal, text or json):"), "markdown");
		enum ticket_format f;
		if (!fmt || ticket_format_parse(fmt, &f) != 0) {
			if (fmt)
				wiz_status(w, TUI_ERROR, _("'%s' is not text, markdown or json"), fmt);
			free(fmt);
			return SCR_REDRAW;
		}
		free(fmt);
		char def[1024];
		snprintf(def, sizeof def, "%s/hsm-onboard-ticket-%s%s", getenv("HOME") ? getenv("HOME") : ".",
		         w->prof.name, ticket_format_extension(f));
		char *path = wiz_ask_text(w, _("Save the ticket"), _("File name:"), def);
		if (!path)
			return SCR_REDRAW;
		struct stat sb;
		int force = 0;
		if (lstat(path, &sb) == 0) {
			char q[1200];
			snprintf(q, sizeof q, _("%s exists. Replace it?"), path);
			force = wiz_confirm(w, q, 0);
			if (!force) {
				free(path);
				return SCR_REDRAW;
			}
		}
		char *out = NULL;
		struct diag d;
		diag_clear(&d);
		if (scr_ticket_render(w, f, &out, &d) == 0 && ticket_save(path, out, strlen(out), force, &d) == 0)
			wiz_status(w, TUI_OK, _("Saved %s. Print it with: lp %s"), path, path);
		else
			wiz_status(w, TUI_ERROR, "%s", d.msg);
		free(out);
		free(path);
		return SCR_REDRAW;
	}
	if (key == '\r' || key == '\n' || key == KEY_ENTER)
		return SCR_BACK;
	return SCR_IGNORED;
}

const struct screen_ops scr_ticket_ops = {
    .title = N_("Support ticket"),
    .help = N_("When the setup password has expired, only Securosys can issue a new one, through a support "
               "ticket filed by a registered support user (a paid service). This is what to paste into the "
               "ticket: S saves it (Markdown, JSON or text), Q shows it as a QR code. It never contains a "
               "secret."),
    .hints = N_("S save  Q QR"),
    .enter = scr_ticket_enter,
    .draw = scr_ticket_draw,
    .key = scr_ticket_key,
    .leave = scr_ticket_leave,
};
