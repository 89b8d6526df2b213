/* wizard.c: the frame around every screen (header, footer, help, status line) and the screen loop
 * (wizard.h). Screens are driven by enum screen_id, which is enum state_step plus the ticket. */
#include "config.h"

#include "wiz.h"

#include "expiry.h"
#include "i18n.h"
#include "secmem.h"
#include "secret_entry.h"
#include "vault.h"

#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sysexits.h>
#include <time.h>

static const struct screen_ops *const wiz_screens[SCREEN_COUNT] = {
    [SCREEN_START] = &scr_start_ops,         [SCREEN_SUBSCRIPTION] = &scr_subscription_ops,
    [SCREEN_EMAILS] = &scr_emails_ops,       [SCREEN_SECURECODE] = &scr_securecode_ops,
    [SCREEN_IMPORT] = &scr_import_ops,       [SCREEN_REVIEW] = &scr_review_ops,
    [SCREEN_COUNTDOWN] = &scr_countdown_ops, [SCREEN_PREFLIGHT] = &scr_preflight_ops,
    [SCREEN_ROTATION] = &scr_rotation_ops,   [SCREEN_PROVIDER] = &scr_provider_ops,
    [SCREEN_DONE] = &scr_done_ops,           [SCREEN_TICKET] = &scr_ticket_ops,
};

/* The texts that name the frame's keys (the table below), two spaces apart: the help's entries when
 * help, else the footer's labels. */
static void wiz_key_texts(int help, char *buf, size_t size);

/* Header: row 0; status line: rows-2; footer: rows-1; the screen gets rows 2 .. rows-3. */
struct screen_area wiz_area(const struct wiz *w)
{
	struct screen_area a = {2, 2, w->tui.rows - 5, w->tui.cols - 4};
	return a;
}

void wiz_status(struct wiz *w, int attr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->status, sizeof w->status, fmt, ap);
	va_end(ap);
	w->status_attr = attr;
}

/* The header's right part: the profile and its countdown. Only this field changes once a second. */
static void wiz_draw_countdown_field(struct wiz *w)
{
	char right[200] = "";
	if (w->have_prof) {
		struct expiry e;
		char left[64];
		expiry_compute(&w->prof.st, time(NULL), &e);
		switch (e.state) {
		case EXPIRY_RUNNING:
			expiry_format_left(e.seconds_left, left, sizeof left);
			snprintf(right, sizeof right, _("%s %s %s left"), w->prof.name, tui_glyph_sep(&w->tui), left);
			break;
		case EXPIRY_EXPIRED:
			snprintf(right, sizeof right, _("%s %s password EXPIRED"), w->prof.name, tui_glyph_sep(&w->tui));
			break;
		case EXPIRY_UNUSED:
			snprintf(right, sizeof right, _("%s %s 7 days start at first use"), w->prof.name,
			         tui_glyph_sep(&w->tui));
			break;
		case EXPIRY_REPLACED:
			snprintf(right, sizeof right, _("%s %s password replaced"), w->prof.name, tui_glyph_sep(&w->tui));
			break;
		default: snprintf(right, sizeof right, "%s", w->prof.name); break;
		}
	}
	int width = tui_width(right);
	int cols = w->tui.cols;
	int field = cols - w->hdr_left - 1; /* the step title keeps its columns */
	if (field < 1)
		return;
	if (width > field)
		width = field;
	attr_t a = tui_attr(&w->tui, TUI_TITLE);
	tui_put(0, cols - field, field - width - 1, "", a, 1);
	tui_put(0, cols - width - 1, width, right, a, 0);
	tui_put(0, cols - 1, 1, "", a, 1);
}

static int wiz_countdown_running(const struct wiz *w)
{
	if (!w->have_prof)
		return 0;
	struct expiry e;
	expiry_compute(&w->prof.st, time(NULL), &e);
	return e.state == EXPIRY_RUNNING;
}

static void wiz_draw_header(struct wiz *w)
{
	attr_t a = tui_attr(&w->tui, TUI_TITLE);
	char left[200];
	const struct screen_ops *s = wiz_screens[w->cur];
	if (w->cur >= SCREEN_SUBSCRIPTION && w->cur <= SCREEN_DONE)
		snprintf(left, sizeof left, _(" Step %d of %d: %s"), (int)w->cur, (int)STEP_DONE, _(s->title));
	else
		snprintf(left, sizeof left, " %s", _(s->title));
	tui_put(0, 0, w->tui.cols, left, a, 1);
	w->hdr_left = tui_width(left);
	wiz_draw_countdown_field(w);
}

static void wiz_draw_footer(struct wiz *w)
{
	attr_t a = tui_attr(&w->tui, TUI_TITLE);
	const struct screen_ops *s = wiz_screens[w->cur];
	char keys[300], line[400];
	wiz_key_texts(0, keys, sizeof keys);
	snprintf(line, sizeof line, " %s%s%s", keys, s->hints ? "  " : "", s->hints ? _(s->hints) : "");
	tui_put(w->tui.rows - 1, 0, w->tui.cols, line, a, 1);
	tui_put(w->tui.rows - 2, 0, w->tui.cols, "", A_NORMAL, 1);
	if (w->status[0])
		tui_put(w->tui.rows - 2, 1, w->tui.cols - 2, w->status,
		        tui_attr(&w->tui, (enum tui_attr)w->status_attr), 0);
}

void wiz_redraw(struct wiz *w)
{
	if (w->tui.too_small) {
		tui_draw_too_small(&w->tui);
		return;
	}
	erase();
	wiz_draw_header(w);
	struct screen_area a = wiz_area(w);
	wiz_screens[w->cur]->draw(w, &a);
	wiz_draw_footer(w);
	refresh();
}

static void wiz_repaint_cb(void *ctx)
{
	wiz_redraw(ctx);
}

/* The popups of the wizard (help, confirmation, text and path entry) are all tui_modal; this lays one
 * out with text wrapped at its top and extra rows below it for a field. Returns the content row after
 * the text, or -1 when the terminal is too small for it (the notice is drawn instead). */
static int wiz_popup(struct wiz *w, struct tui_modal *m, const char *title, const char *text, int extra,
                     const char *keys)
{
	if (w->tui.too_small) {
		tui_modal_close(m);
		tui_draw_too_small(&w->tui);
		return -1;
	}
	int width = w->tui.cols < 72 ? w->tui.cols : 72;
	int rows = tui_wrap_rows(text, width - 4, 0) + extra;
	if (tui_modal_open(&w->tui, m, rows, width, title, keys) != 0) {
		tui_draw_too_small(&w->tui);
		return -1;
	}
	int used = tui_wwrap(m->win, 2, 2, m->cols, m->rows - extra, text, A_NORMAL, 0);
	return 2 + used;
}

/* A key for a popup; after a resize the screen below is drawn anew and the popup closed, so that
 * the caller lays it out again for the new size. */
static int wiz_popup_key(struct wiz *w, struct tui_modal *m)
{
	int k = tui_getkey(&w->tui, -1);
	if (k == KEY_RESIZE) {
		tui_modal_close(m);
		wiz_redraw(w);
	}
	return k;
}

static void wiz_help(struct wiz *w)
{
	const struct screen_ops *s = wiz_screens[w->cur];
	char keys[1024], text[2048];
	wiz_key_texts(1, keys, sizeof keys);
	snprintf(text, sizeof text, "%s\n\n%s. %s", _(s->help), keys,
	         _("Progress is saved at every step; run 'hsm-onboard wizard' to resume."));
	struct tui_modal m = {0};
	for (;;) {
		if (wiz_popup(w, &m, _("Help"), text, 0, _("Any key closes the help.")) >= 0)
			tui_modal_show(&m);
		int k = wiz_popup_key(w, &m);
		if (k == KEY_RESIZE || k == TUI_KEY_TIMEOUT)
			continue;
		break;
	}
	tui_modal_close(&m);
}

int wiz_confirm(struct wiz *w, const char *question, int def)
{
	struct tui_modal m = {0};
	int answer = -1;
	while (answer < 0) {
		if (wiz_popup(w, &m, _("Confirm"), question, 0, def ? _("[Y/n]") : _("[y/N]")) >= 0)
			tui_modal_show(&m);
		int k = wiz_popup_key(w, &m);
		if (k == TUI_KEY_HANGUP || k == TUI_KEY_ESC)
			answer = 0;
		else if (k == '\r' || k == '\n' || k == KEY_ENTER)
			answer = def;
		else if (k > ' ' && k < 0x7f) {
			/* The locale's yes and no letters, as the CLI's confirmations read them (rpmatch): the
			 * prompt says "[j/N]" in German and "[o/N]" in French, and y/n work everywhere. */
			const char a[2] = {(char)k, '\0'};
			int r = rpmatch(a);
			if (r >= 0)
				answer = r;
		}
	}
	tui_modal_close(&m);
	return answer;
}

static char *wiz_ask_text_impl(struct wiz *w, const char *title, const char *prompt, const char *initial,
                               int tab)
{
	char buf[1024];
	size_t n = 0;
	if (initial) {
		snprintf(buf, sizeof buf, "%s", initial);
		n = strlen(buf);
	} else {
		buf[0] = '\0';
	}
	struct tui_modal m = {0};
	char *res = NULL;
	for (;;) {
		int y = wiz_popup(w, &m, title, prompt, 2,
		                  tab ? _("Enter accept  Tab complete  Esc cancel  Ctrl-U clear")
		                      : _("Enter accept  Esc cancel  Ctrl-U clear"));
		if (y >= 0) {
			/* Show the end of a long value, where the typing happens. */
			const char *shown = buf + tui_suffix_at(buf, m.cols - 1);
			tui_wput(m.win, y + 1, 2, m.cols, shown, tui_attr(&w->tui, TUI_HILITE), 1);
			tui_modal_show(&m);
		}
		int k = wiz_popup_key(w, &m);
		if (k == KEY_RESIZE)
			continue;
		if (k == TUI_KEY_HANGUP || k == TUI_KEY_ESC)
			break;
		if (k == '\r' || k == '\n' || k == KEY_ENTER) {
			res = strdup(buf);
			break;
		}
		if (k == '\t' && tab && n + 1 < sizeof buf) {
			buf[n++] = '\t';
			buf[n] = '\0';
			res = strdup(buf);
			break;
		}
		if (k == KEY_BACKSPACE || k == 127 || k == 8) {
			while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
				n--;
			if (n > 0)
				n--;
			buf[n] = '\0';
		} else if (k == TUI_CTRL('u')) {
			n = 0;
			buf[0] = '\0';
		} else if (k >= 0x20 && k <= 0xff && k != 127 && n + 1 < sizeof buf) {
			buf[n++] = (char)k;
			buf[n] = '\0';
		}
	}
	tui_modal_close(&m);
	return res;
}

char *wiz_ask_text(struct wiz *w, const char *title, const char *prompt, const char *initial)
{
	return wiz_ask_text_impl(w, title, prompt, initial, 0);
}

/* Tab completion: the longest common prefix of the glob matches (folders end in '/'). */
static char *wiz_complete(char *typed)
{
	char pat[1100];
	snprintf(pat, sizeof pat, "%s*", typed);
	glob_t g;
	memset(&g, 0, sizeof g);
	char *res = typed;
	if (glob(pat, GLOB_MARK | GLOB_TILDE, NULL, &g) == 0 && g.gl_pathc > 0) {
		size_t common = strlen(g.gl_pathv[0]);
		for (size_t i = 1; i < g.gl_pathc; i++) {
			size_t k = 0;
			while (k < common && g.gl_pathv[i][k] == g.gl_pathv[0][k])
				k++;
			common = k;
		}
		char *c = strndup(g.gl_pathv[0], common);
		if (c) {
			free(typed);
			res = c;
		}
	}
	globfree(&g);
	return res;
}

char *wiz_ask_path(struct wiz *w, const char *title, const char *prompt, const char *initial)
{
	char *cur = initial ? strdup(initial) : NULL;
	for (;;) {
		char *p = wiz_ask_text_impl(w, title, prompt, cur, 1);
		free(cur);
		if (!p)
			return NULL;
		size_t len = strlen(p);
		if (len == 0 || p[len - 1] != '\t') {
			/* "~/" as a shell reads it: the path goes to open(2), which does not. */
			const char *home = getenv("HOME");
			if (p[0] == '~' && (p[1] == '/' || p[1] == '\0') && home) {
				size_t n = strlen(home) + len + 1;
				char *x = malloc(n);
				if (x) {
					snprintf(x, n, "%s%s", home, p + 1);
					free(p);
					p = x;
				}
			}
			return p;
		}
		p[len - 1] = '\0';
		cur = wiz_complete(p);
	}
}

char *wiz_ask_passphrase(struct wiz *w, const char *profile, int create)
{
	char title[256], *first = NULL;
	const char *note = NULL;
	snprintf(title, sizeof title, create ? _("New vault passphrase for %s") : _("Vault passphrase for %s"),
	         profile ? profile : "");
	for (;;) {
		struct secret_entry e = {
		    .title = title,
		    .prompt = first ? _("Type the passphrase again:")
		                    : (create ? _("Choose a passphrase (at least 12 characters). It encrypts the "
		                                  "secrets on this machine; it is not sent anywhere.")
		                              : _("Passphrase:")),
		    .note = note,
		    .repaint = wiz_repaint_cb,
		    .repaint_ctx = w,
		};
		char *s = NULL;
		size_t len = 0;
		enum secret_entry_result r = secret_entry_run(&w->tui, &e, &s, &len);
		wiz_redraw(w);
		if (r != SECRET_ENTRY_OK) {
			secmem_free(first);
			return NULL;
		}
		if (!create)
			return s;
		if (!first) {
			/* The core's rule, the same as the CLI's: empty, white space only, too short, or
			 * trivially weak (a repeat, a short pattern, the profile or login name). */
			struct diag pd;
			diag_clear(&pd);
			if (vault_passphrase_check_for(s, profile, &pd) != EX_OK) {
				static char pass_note[DIAG_MSG_MAX];
				snprintf(pass_note, sizeof pass_note, "%s", pd.msg);
				note = pass_note;
				secmem_free(s);
				continue;
			}
			first = s;
			note = NULL;
			continue;
		}
		if (secmem_equal(first, s)) {
			secmem_free(first);
			return s;
		}
		secmem_free(s);
		secmem_free(first);
		first = NULL;
		note = _("The two passphrases differ. Start again.");
	}
}

int wiz_open_profile(struct wiz *w, const char *name, int create)
{
	struct diag d;
	diag_clear(&d);
	if (w->have_prof)
		wiz_close_profile(w);
	int rc = profile_open(name, PROFILE_LOCK | (create ? PROFILE_CREATE : 0), &w->prof, &d);
	if (rc != 0) {
		wiz_status(w, TUI_ERROR, "%s", d.msg);
		return rc;
	}
	w->have_prof = 1;
	return 0;
}

void wiz_close_profile(struct wiz *w)
{
	if (w->vault) {
		vault_close(w->vault);
		w->vault = NULL;
	}
	if (w->have_prof)
		profile_close(&w->prof);
	w->have_prof = 0;
}

int wiz_save(struct wiz *w)
{
	if (!w->have_prof)
		return 0;
	struct diag d;
	diag_clear(&d);
	if (profile_save_state(&w->prof, &d) != 0) {
		wiz_status(w, TUI_ERROR, "%s", d.msg);
		return -1;
	}
	return 0;
}

int wiz_unlock(struct wiz *w)
{
	if (w->vault)
		return 0;
	if (!w->have_prof)
		return -1;
	for (int tries = 0; tries < 3; tries++) {
		char *pass = wiz_ask_passphrase(w, w->prof.name, 0);
		if (!pass)
			return -1;
		struct diag d;
		diag_clear(&d);
		int rc = vault_open(w->prof.vault_path, pass, &w->vault, &d);
		secmem_free(pass);
		if (rc == 0)
			return 0;
		wiz_status(w, TUI_ERROR, "%s", d.msg);
		wiz_redraw(w);
		if (rc != EX_NOPERM)
			return -1;
	}
	return -1;
}

void wiz_draw_choices(struct wiz *w, int y, int x, int width, const char *const *labels, size_t n,
                      size_t selected)
{
	for (size_t i = 0; i < n; i++) {
		char line[512];
		snprintf(line, sizeof line, "%s %s", i == selected ? ">" : " ", labels[i]);
		tui_put(y + (int)i, x, width, line, i == selected ? tui_attr(&w->tui, TUI_HILITE) : A_NORMAL, 1);
	}
}

int wiz_choice_key(int key, size_t *selected, size_t n)
{
	if (n == 0)
		return 0;
	switch (key) {
	case KEY_UP:
	case 'k': *selected = *selected > 0 ? *selected - 1 : n - 1; return 1;
	case KEY_DOWN:
	case 'j':
	case '\t': *selected = *selected + 1 < n ? *selected + 1 : 0; return 1;
	case KEY_HOME: *selected = 0; return 1;
	case KEY_END: *selected = n - 1; return 1;
	default: return 0;
	}
}

static void wiz_switch(struct wiz *w, enum screen_id to)
{
	if (to >= SCREEN_COUNT)
		to = SCREEN_START;
	if (wiz_screens[w->cur]->leave)
		wiz_screens[w->cur]->leave(w);
	if (to == SCREEN_TICKET && w->cur != SCREEN_TICKET)
		w->ticket_from = w->cur;
	w->cur = to;
	w->status[0] = '\0';
	/* The furthest step reached is what resume reopens: going back to look at an earlier screen does
	 * not undo progress, and the ticket screen is a side trip, not a step. */
	if (w->have_prof && to >= SCREEN_SUBSCRIPTION && to <= SCREEN_DONE &&
	    state_reach_step(&w->prof.st, (enum state_step)to))
		wiz_save(w);
	if (wiz_screens[to]->enter)
		wiz_screens[to]->enter(w);
	if (w->pending_goto) {
		w->pending_goto = 0;
		wiz_switch(w, w->goto_screen);
	}
}

/* Milliseconds to the next whole second, so a tick lands just after the second changes. */
static int wiz_ms_to_next_second(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int)(1000 - tv.tv_usec / 1000) + 5;
}

/* ---- The frame's keys ----
 * One table, as tig's keymap: wizard_run dispatches from it, and the footer and the help popup name
 * the keys from it, so a key cannot work unnamed, nor be named and not work. */

/* When the frame takes a key: before the screen sees it (ALWAYS: also while the terminal is too small
 * and only the notice is drawn; FIRST: only when it is big enough), or only when the screen ignored
 * it (AFTER: Enter and Esc are a screen's first, e.g. Enter on a list of choices). */
enum wiz_key_when {
	WIZ_ALWAYS,
	WIZ_FIRST,
	WIZ_AFTER,
};

struct wiz_key {
	int keys[3]; /* the key codes; 0 ends a shorter list */
	enum wiz_key_when when;
	const char *footer; /* N_(): its label in the footer, or NULL */
	const char *help;   /* N_(): its entry in the help popup, or NULL: not a key a user presses */
	int (*run)(struct wiz *w, int key); /* returns enum screen_result flags */
};

static int wiz_do_hangup(struct wiz *w, int key)
{
	(void)key;
	w->rc = EX_TEMPFAIL;
	return SCR_QUIT;
}

static int wiz_do_repaint(struct wiz *w, int key)
{
	(void)w;
	if (key == TUI_CTRL('l'))
		clearok(curscr, TRUE);
	return SCR_REDRAW;
}

static int wiz_do_help(struct wiz *w, int key)
{
	(void)key;
	wiz_help(w);
	return SCR_REDRAW;
}

static int wiz_do_save_quit(struct wiz *w, int key)
{
	(void)w;
	(void)key;
	return SCR_QUIT;
}

static int wiz_do_ask_quit(struct wiz *w, int key)
{
	(void)key;
	return wiz_confirm(w, _("Quit the wizard? Your progress is saved; 'hsm-onboard wizard' resumes it."), 0)
	           ? SCR_QUIT
	           : SCR_REDRAW;
}

static int wiz_do_next(struct wiz *w, int key)
{
	(void)w;
	(void)key;
	return SCR_NEXT;
}

static int wiz_do_back(struct wiz *w, int key)
{
	(void)w;
	(void)key;
	return SCR_BACK;
}

/* A table: the order is the footer's and the help's. */
static const struct wiz_key wiz_keys[] = {
    {{TUI_KEY_HANGUP}, WIZ_ALWAYS, NULL, NULL, wiz_do_hangup},
    {{KEY_RESIZE}, WIZ_ALWAYS, NULL, NULL, wiz_do_repaint},
    {{'\r', '\n', KEY_ENTER}, WIZ_AFTER, N_("Enter next"), N_("Enter: next (where it is safe)"), wiz_do_next},
    {{TUI_KEY_ESC, KEY_LEFT}, WIZ_AFTER, N_("Esc back"), N_("Esc: back"), wiz_do_back},
    {{KEY_F(1), '?'}, WIZ_FIRST, N_("F1 help"), N_("F1 or ?: this help"), wiz_do_help},
    {{KEY_F(10)}, WIZ_ALWAYS, N_("F10 save and quit"), N_("F10: save and quit"), wiz_do_save_quit},
    {{TUI_CTRL('c')}, WIZ_FIRST, NULL, N_("Ctrl-C: quit (asks first)"), wiz_do_ask_quit},
    {{TUI_CTRL('l')}, WIZ_ALWAYS, NULL, N_("Ctrl-L: repaint"), wiz_do_repaint},
};
#define WIZ_N_KEYS (sizeof wiz_keys / sizeof wiz_keys[0])

static const struct wiz_key *wiz_key_find(int key, enum wiz_key_when when)
{
	for (size_t i = 0; i < WIZ_N_KEYS; i++)
		for (size_t j = 0; j < sizeof wiz_keys[i].keys / sizeof wiz_keys[i].keys[0]; j++)
			if (wiz_keys[i].when == when && wiz_keys[i].keys[j] != 0 && wiz_keys[i].keys[j] == key)
				return &wiz_keys[i];
	return NULL;
}

static void wiz_key_texts(int help, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < WIZ_N_KEYS; i++) {
		const char *t = help ? wiz_keys[i].help : wiz_keys[i].footer;
		if (!t)
			continue;
		int n = snprintf(buf + off, size - off, "%s%s", off ? "  " : "", _(t));
		if (n < 0 || (size_t)n >= size - off)
			break;
		off += (size_t)n;
	}
}

/* One key: the frame's that come first, else the screen's, else the frame's AFTER keys. Returns enum
 * screen_result flags. */
static int wiz_key_dispatch(struct wiz *w, int key)
{
	const struct wiz_key *fk = wiz_key_find(key, WIZ_ALWAYS);
	if (!fk && w->tui.too_small)
		return SCR_IGNORED;
	if (!fk)
		fk = wiz_key_find(key, WIZ_FIRST);
	if (fk)
		return fk->run(w, key);
	int r = wiz_screens[w->cur]->key(w, key);
	if (r == SCR_IGNORED && (fk = wiz_key_find(key, WIZ_AFTER)) != NULL)
		r = fk->run(w, key);
	return r;
}

/* Does what a key asked for (enum screen_result flags); 1 when the wizard ends, the state saved. */
static int wiz_apply(struct wiz *w, int r)
{
	if (r & SCR_QUIT) {
		wiz_save(w);
		return 1;
	}
	if (r & SCR_GOTO) {
		wiz_switch(w, w->goto_screen);
		r |= SCR_REDRAW;
	} else if (r & SCR_NEXT) {
		if (w->cur == SCREEN_DONE || w->cur == SCREEN_TICKET) {
			wiz_save(w);
			return 1;
		}
		wiz_switch(w, w->cur + 1);
		r |= SCR_REDRAW;
	} else if (r & SCR_BACK) {
		if (w->cur == SCREEN_TICKET)
			wiz_switch(w, w->ticket_from);
		else if (w->cur > SCREEN_START)
			wiz_switch(w, w->cur - 1);
		r |= SCR_REDRAW;
	}
	if (r & (SCR_REDRAW | SCR_HANDLED))
		wiz_redraw(w);
	return 0;
}

/* Waits for a key. While none comes, the live fields are drawn once a second: only those, no erase,
 * so a second costs a few bytes on the link. Returns the key, or TUI_KEY_TIMEOUT after such a tick. */
static int wiz_next_key(struct wiz *w)
{
	int (*tick)(struct wiz *, const struct screen_area *) = wiz_screens[w->cur]->tick;
	int want_tick = 0, soon = 0;
	struct screen_area a = wiz_area(w);
	if (!w->tui.too_small) {
		want_tick = wiz_countdown_running(w);
		int t = tick ? tick(w, &a) : 0;
		if (t)
			want_tick = 1;
		soon = t == SCREEN_TICK_SOON;
	}
	/* A screen with work in hand (the start screen reading a desk's profiles) only looks for a key
	 * between two slices of it. */
	int k = tui_getkey(&w->tui, soon ? 0 : want_tick ? wiz_ms_to_next_second() : -1);
	if (k == TUI_KEY_TIMEOUT && !w->tui.too_small) {
		wiz_draw_countdown_field(w);
		if (tick)
			tick(w, &a);
		refresh();
	}
	return k;
}

/* doc/DESIGN.md, "Secrets", rule 2, for the command main() leaves it to (cli.h, CLI_SECMEM_OWN): the
 * secure heap starts with the first secret, whose secmem_alloc starts it before the secret exists
 * (secmem.h). Until then libcrypto stays unloaded: the start screen and the countdown need neither,
 * and at the countdown it would be a third of the wizard's memory (doc/PERFORMANCE.md, "rss"). After
 * each key, the wizard says once what that start gave. */
struct wiz_secmem {
	struct diag diag;
	enum secmem_init_result res;
	int seen;
};

/* Returns 1 when the wizard must end: the secure heap found no library. */
static int wiz_secmem_check(struct wiz *w, struct wiz_secmem *s)
{
	if (s->seen || !secmem_started())
		return 0;
	s->seen = 1;
	s->res = secmem_init(&s->diag);
	if (s->res == SECMEM_NO_LIBRARY) {
		wiz_save(w);
		w->rc = s->diag.code;
		return 1;
	}
	if (secmem_warning(s->res)) {
		wiz_status(w, TUI_WARN, "%s", secmem_warning(s->res));
		wiz_redraw(w);
	}
	return 0;
}

/* Starts the terminal and opens the first screen: the step the profile reached, on resume. */
static int wiz_begin(struct wiz *w, const struct wizard_opts *opts)
{
	memset(w, 0, sizeof *w);
	w->opts = *opts;
	w->prof.lock_fd = -1;
	w->rc = EX_OK;
	if (tui_start(&w->tui, opts->ascii) != 0) {
		fprintf(stderr, "%s\n", _("hsm-onboard: cannot start the terminal interface (is TERM set?)"));
		return EX_UNAVAILABLE;
	}
	enum screen_id first = SCREEN_START;
	if (opts->profile && wiz_open_profile(w, opts->profile, 0) == 0) {
		first = (enum screen_id)w->prof.st.step;
		if (first == SCREEN_START || first > SCREEN_DONE)
			first = SCREEN_SUBSCRIPTION;
	}
	w->cur = first;
	if (wiz_screens[w->cur]->enter)
		wiz_screens[w->cur]->enter(w);
	if (w->pending_goto) {
		w->pending_goto = 0;
		wiz_switch(w, w->goto_screen);
	}
	wiz_redraw(w);
	return EX_OK;
}

/* Leaves the screen, closes the profile and the terminal, and says how to resume. */
static int wiz_end(struct wiz *w, struct wiz_secmem *sec, int *finished_out)
{
	if (wiz_screens[w->cur]->leave)
		wiz_screens[w->cur]->leave(w);
	char name[80] = "";
	enum state_step step = STEP_START;
	if (w->have_prof) {
		snprintf(name, sizeof name, "%s", w->prof.name);
		step = w->prof.st.step;
	}
	if (!sec->seen && secmem_started())
		sec->res = secmem_init(&sec->diag);
	int finished = w->finished;
	wiz_close_profile(w);
	tui_stop(&w->tui);
	secmem_free(w->session_pass);
	if (sec->res == SECMEM_NO_LIBRARY)
		fprintf(stderr, "%s: %s\n", PACKAGE, sec->diag.msg);
	if (finished_out)
		*finished_out = finished;
	if (name[0] && !finished && !w->opts.demo) {
		printf(_("Progress saved: profile %s is at step '%s'.\n"), name, state_step_name(step));
		printf(_("Resume with: hsm-onboard wizard --profile %s\n"), name);
	}
	return w->rc;
}

int wizard_run(const struct wizard_opts *opts, int *finished_out)
{
	struct wiz w;
	int rc = wiz_begin(&w, opts);
	if (rc != EX_OK)
		return rc;
	struct wiz_secmem sec;
	memset(&sec, 0, sizeof sec);
	diag_clear(&sec.diag);
	sec.res = SECMEM_OK;
	while (!wiz_secmem_check(&w, &sec)) {
		int k = wiz_next_key(&w);
		if (k != TUI_KEY_TIMEOUT && wiz_apply(&w, wiz_key_dispatch(&w, k)))
			break;
	}
	return wiz_end(&w, &sec, finished_out);
}
