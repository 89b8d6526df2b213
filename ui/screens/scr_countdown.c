/* scr_countdown.c: step 6, the setup password's countdown (what `status` computes, expiry.h). The big
 * figures (days, hours, minutes) and the small seconds beside them are redrawn in place once a second;
 * the rest of the screen is drawn once. */
#include "config.h"

#include "expiry.h"
#include "i18n.h"
#include "wiz.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* A 3x5 font for the figures: "6d 23:59" takes 32 columns. */
static const char *scr_countdown_glyph(char c)
{
	switch (c) {
	case '0': return "####.##.##.####";
	case '1': return ".#.##..#..#.###";
	case '2': return "###..#####..###";
	case '3': return "###..####..####";
	case '4': return "#.##.####..#..#";
	case '5': return "####..###..####";
	case '6': return "####..####.####";
	case '7': return "###..#..#..#..#";
	case '8': return "####.#####.####";
	case '9': return "####.####..####";
	case ':': return "....#.....#....";
	case 'd': return "..#..#####.####";
	default: return "...............";
	}
}

/* The big figures, and the seconds small on their bottom row. Only the cells that differ from the last
 * frame reach the link (ncurses), so a second costs what changes in it: big seconds changed up to 15
 * cells over five rows, each row a cursor motion, ~30 B a second; small ones change one or two cells
 * right where the cursor was left, a few bytes (doc/PERFORMANCE.md, "tick-bytes"). */
static void scr_countdown_big(struct wiz *w, int y, int x, long long left)
{
	char text[64], secs[32];
	if (left < 0)
		left = 0;
	snprintf(text, sizeof text, "%lldd %02lld:%02lld", left / 86400, left % 86400 / 3600, left % 3600 / 60);
	/* TRANSLATORS: the seconds of the countdown, small beside its big figures; keep the width fixed. */
	snprintf(secs, sizeof secs, _("%02lld s"), left % 60);
	const char *on = w->tui.ascii ? "#" : "\xe2\x96\x88";
	/* Plain cells: the figures are five rows high and stand out without colour. Any attribute would
	 * cost every tick its set and its reset (ncurses returns to normal after each update). */
	attr_t a = A_NORMAL;
	for (int row = 0; row < 5; row++) {
		char line[512];
		size_t off = 0;
		for (const char *p = text; *p && off + 64 < sizeof line; p++) {
			const char *g = scr_countdown_glyph(*p);
			for (int col = 0; col < 3; col++) {
				const char *cell = g[row * 3 + col] == '#' ? on : " ";
				size_t n = strlen(cell);
				memcpy(line + off, cell, n);
				off += n;
			}
			line[off++] = ' ';
		}
		line[off] = '\0';
		if (row == 4)
			snprintf(line + off, sizeof line - off, "%s", secs);
		tui_put(y + row, x, 60, line, a, 1);
	}
}

/* Why a handed-over profile's countdown is the worst case (expiry.h, worst_case; doc/securosys-facts.md,
 * "What must persist"). */
static const char *scr_countdown_why(void)
{
	return _("TSB/XKS make the exchange themselves; we cannot see when they log in. So the countdown runs "
	         "from the hand-over until their first start is recorded (Done screen, or 'hsm-onboard "
	         "mark-used').");
}

static void scr_countdown_draw(struct wiz *w, const struct screen_area *a)
{
	if (!w->have_prof)
		return;
	struct expiry e;
	char buf[256], when[128];
	expiry_compute(&w->prof.st, time(NULL), &e);
	int y = a->y;
	switch (e.state) {
	case EXPIRY_RUNNING:
		tui_put(y, a->x, a->cols,
		        e.worst_case ? _("Time left to start TSB/XKS, worst case:")
		                     : _("The setup password expires in:"),
		        A_BOLD, 0);
		scr_countdown_big(w, y + 2, a->x + 2, e.seconds_left);
		y += 8;
		expiry_format_local(e.deadline, when, sizeof when);
		snprintf(buf, sizeof buf, e.worst_case ? _("Deadline at the earliest: %s") : _("Deadline: %s"), when);
		tui_put(y++, a->x, a->cols, buf, A_BOLD, 0);
		if (e.worst_case)
			y += tui_wrap(y, a->x, a->cols, 4, scr_countdown_why(), tui_attr(&w->tui, TUI_WARN));
		break;
	case EXPIRY_UNUSED:
		tui_put(y, a->x, a->cols, _("The setup password has not been used yet."), A_BOLD, 0);
		y += 2;
		y += tui_wrap(y, a->x, a->cols, 3,
		              _("The 7 days start at the first connection: the clock starts when step 8 logs in "
		                "with the setup password for the first time."),
		              A_NORMAL);
		y++;
		break;
	case EXPIRY_EXPIRED:
		expiry_format_local(e.deadline, when, sizeof when);
		snprintf(buf, sizeof buf,
		         e.worst_case ? _("The setup password may have EXPIRED on %s (worst case).")
		                      : _("The setup password EXPIRED on %s."),
		         when);
		tui_put(y, a->x, a->cols, buf, tui_attr(&w->tui, TUI_ERROR), 0);
		y += 2;
		if (e.worst_case)
			y += tui_wrap(y, a->x, a->cols, 3, scr_countdown_why(), tui_attr(&w->tui, TUI_WARN)) + 1;
		y += tui_wrap(y, a->x, a->cols, 4,
		              _("Only Securosys can issue a new one, through a support ticket (a paid service). "
		                "Press Enter to prepare the ticket; then import the new file with "
		                "'hsm-onboard import --renew'."),
		              A_NORMAL);
		y++;
		break;
	case EXPIRY_REPLACED:
		tui_put(y, a->x, a->cols, _("The setup password was replaced by the user secret: no deadline."),
		        tui_attr(&w->tui, TUI_OK), 0);
		y += 2;
		break;
	default:
		snprintf(buf, sizeof buf, _("No countdown yet: %s."), e.missing ? e.missing : "?");
		tui_wrap(y, a->x, a->cols, 2, buf, tui_attr(&w->tui, TUI_WARN));
		y += 3;
		break;
	}
	y++;
	snprintf(buf, sizeof buf, _("Rule for %s: %s"), state_tier_name(w->prof.st.tier),
	         expiry_rule_text(w->prof.st.tier));
	y += tui_wrap(y, a->x, a->cols, 3, buf, tui_attr(&w->tui, TUI_DIM));
	if (e.state != EXPIRY_EXPIRED)
		tui_wrap(y + 1, a->x, a->cols, 2, _("Enter goes on to the preflight. T prepares a support ticket."),
		         tui_attr(&w->tui, TUI_DIM));
}

static int scr_countdown_tick(struct wiz *w, const struct screen_area *a)
{
	if (!w->have_prof)
		return 0;
	struct expiry e;
	expiry_compute(&w->prof.st, time(NULL), &e);
	if (e.state != EXPIRY_RUNNING)
		return 0;
	scr_countdown_big(w, a->y + 2, a->x + 2, e.seconds_left);
	return 1;
}

static int scr_countdown_key(struct wiz *w, int key)
{
	if (key == 't' || key == 'T') {
		w->goto_screen = SCREEN_TICKET;
		return SCR_GOTO;
	}
	if (w->have_prof && (key == '\r' || key == '\n' || key == KEY_ENTER)) {
		struct expiry e;
		expiry_compute(&w->prof.st, time(NULL), &e);
		if (e.state == EXPIRY_EXPIRED) {
			w->goto_screen = SCREEN_TICKET;
			return SCR_GOTO;
		}
	}
	return SCR_IGNORED;
}

const struct screen_ops scr_countdown_ops = {
    .title = N_("Countdown"),
    .help = N_("The setup password lives 7 days: from its first use for SBX, ECO and Platinum, from the "
               "date of issue for ECO Certified. Before it expires, the first connection (step 8) replaces "
               "it with a user secret. After it expires, only a paid support ticket brings a new one."),
    .hints = N_("T ticket"),
    .draw = scr_countdown_draw,
    .key = scr_countdown_key,
    .tick = scr_countdown_tick,
};
