/* tui.c: curses setup and teardown, colours, resize, input and terminal restore (tui.h). */
#include "config.h"

#include "tui.h"
#include "quote.h"

#include "i18n.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

/* What a signal handler needs to put the terminal back without calling curses: the cooked termios
 * saved before initscr and the terminfo strings that leave the alternate screen and show the cursor,
 * copied into static buffers at start (write(2) and tcsetattr(3) are async-signal-safe). */
static struct termios tui_saved_termios;
static int tui_have_termios;
static char tui_restore_seq[256];
static size_t tui_restore_len;
static volatile sig_atomic_t tui_active;
static SCREEN *tui_screen;
static volatile sig_atomic_t tui_hangup;

static const char tui_paste_on[] = "\033[?2004h";
static const char tui_paste_off[] = "\033[?2004l";

static void tui_append_cap(const char *name)
{
	char *s = tigetstr(name);
	if (!s || s == (char *)-1)
		return;
	size_t n = strlen(s);
	if (tui_restore_len + n < sizeof tui_restore_seq) {
		memcpy(tui_restore_seq + tui_restore_len, s, n);
		tui_restore_len += n;
	}
}

static void tui_restore_raw(void)
{
	if (!tui_active)
		return;
	tui_active = 0;
	ssize_t ignored = write(STDOUT_FILENO, tui_restore_seq, tui_restore_len);
	(void)ignored;
	if (tui_have_termios)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &tui_saved_termios);
}

static void tui_on_hangup(int sig)
{
	(void)sig;
	tui_hangup = 1;
}

/* A crash must not leave the user's terminal in raw mode on the alternate screen: restore it, then
 * let the signal do what it would have done (core dumps stay off, main.c disables them). */
static void tui_on_crash(int sig)
{
	tui_restore_raw();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void tui_atexit(void)
{
	if (tui_active) {
		endwin();
		tui_active = 0;
		ssize_t ignored = write(STDOUT_FILENO, tui_paste_off, sizeof tui_paste_off - 1);
		(void)ignored;
	}
}

static const short tui_pairs[TUI_ATTR_COUNT][2] = {
    [TUI_NORMAL] = {-1, -1},
    [TUI_TITLE] = {COLOR_WHITE, COLOR_BLUE},
    [TUI_HILITE] = {COLOR_BLACK, COLOR_CYAN},
    [TUI_OK] = {COLOR_GREEN, -1},
    [TUI_WARN] = {COLOR_YELLOW, -1},
    [TUI_ERROR] = {COLOR_RED, -1},
    [TUI_DIM] = {-1, -1},
    [TUI_POPUP] = {COLOR_BLACK, COLOR_WHITE},
    [TUI_POPUP_ERROR] = {COLOR_RED, COLOR_WHITE},
};

/* --ascii: the ellipsis and the popup frame use ASCII only. */
static int tui_ascii_mode;

attr_t tui_attr(const struct tui *t, enum tui_attr a)
{
	if (t->color) {
		switch (a) {
		case TUI_NORMAL: return A_NORMAL;
		case TUI_DIM: return A_DIM;
		case TUI_TITLE:
		case TUI_HILITE: return COLOR_PAIR(a) | A_BOLD;
		case TUI_POPUP: return COLOR_PAIR(a);
		default: return COLOR_PAIR(a) | A_BOLD;
		}
	}
	/* Monochrome (NO_COLOR or a terminal without colours): the same meaning with attributes. */
	switch (a) {
	case TUI_TITLE:
	case TUI_HILITE: return A_REVERSE;
	case TUI_OK:
	case TUI_WARN: return A_BOLD;
	case TUI_ERROR:
	case TUI_POPUP_ERROR: return A_BOLD | A_UNDERLINE;
	default: return A_NORMAL;
	}
}

static void tui_measure(struct tui *t)
{
	getmaxyx(stdscr, t->rows, t->cols);
	t->too_small = t->rows < TUI_MIN_ROWS || t->cols < TUI_MIN_COLS;
}

int tui_start(struct tui *t, int ascii)
{
	memset(t, 0, sizeof *t);
	t->ascii = ascii;
	tui_ascii_mode = ascii;
	if (tcgetattr(STDIN_FILENO, &tui_saved_termios) == 0)
		tui_have_termios = 1;
	/* Short Esc delay: Esc is "back", and a human must not wait a second for it. */
	if (!getenv("ESCDELAY"))
		set_escdelay(50);
	tui_screen = newterm(NULL, stdout, stdin);
	if (!tui_screen)
		return -1;
	tui_restore_len = 0;
	tui_append_cap("sgr0");
	tui_append_cap("cnorm");
	tui_append_cap("rmcup");
	if (tui_restore_len + sizeof tui_paste_off < sizeof tui_restore_seq) {
		memcpy(tui_restore_seq + tui_restore_len, tui_paste_off, sizeof tui_paste_off - 1);
		tui_restore_len += sizeof tui_paste_off - 1;
	}
	tui_active = 1;
	atexit(tui_atexit);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = tui_on_hangup; /* no SA_RESTART: a blocked read returns and the loop sees it */
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = tui_on_crash;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);

	/* raw: Ctrl-C reaches us as a key, so the wizard can ask before quitting. */
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	/* The cursor is never shown: leave it wherever the last update put it, so a countdown tick does not
	 * pay a cursor move back to stdscr's cursor on every refresh (bytes on a slow link). */
	leaveok(stdscr, TRUE);
	t->color = getenv("NO_COLOR") == NULL && has_colors();
	if (t->color) {
		start_color();
		use_default_colors();
		for (int i = 1; i < TUI_ATTR_COUNT; i++)
			init_pair((short)i, tui_pairs[i][0], tui_pairs[i][1]);
	}
	fputs(tui_paste_on, stdout);
	fflush(stdout);
	tui_measure(t);
	return 0;
}

void tui_stop(struct tui *t)
{
	(void)t;
	if (!tui_active)
		return;
	/* endwin already left the alternate screen; sending rmcup again would move the cursor back over
	 * what is printed next. Only bracketed paste is ours to switch off. */
	endwin();
	tui_active = 0;
	ssize_t ignored = write(STDOUT_FILENO, tui_paste_off, sizeof tui_paste_off - 1);
	(void)ignored;
	delscreen(tui_screen);
	tui_screen = NULL;
}

int tui_hangup_pending(void)
{
	return tui_hangup != 0;
}

/* After an Esc, what follows at once is an escape sequence the terminal sent, not typing: recognise
 * the bracketed-paste markers and swallow anything else curses did not know. */
static int tui_escape(void)
{
	char seq[16];
	size_t n = 0;
	timeout(0);
	for (;;) {
		int c = getch();
		if (c == ERR)
			break;
		if (n < sizeof seq - 1)
			seq[n++] = (char)c;
		if (n > 1 && (c == '~' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			break;
		if (n == 1 && c == 27) {
			/* Esc Esc: two presses of Esc, not a sequence. */
			ungetch(27);
			return TUI_KEY_ESC;
		}
		if (n == 1 && c != '[' && c != 'O') {
			/* Alt+key: treat as the key alone. */
			return c;
		}
	}
	seq[n] = '\0';
	if (n == 0)
		return TUI_KEY_ESC;
	if (strcmp(seq, "[200~") == 0)
		return TUI_KEY_PASTE_START;
	if (strcmp(seq, "[201~") == 0)
		return TUI_KEY_PASTE_END;
	return ERR; /* an unknown sequence: ignored */
}

int tui_getkey(struct tui *t, int timeout_ms)
{
	for (;;) {
		if (tui_hangup)
			return TUI_KEY_HANGUP;
		timeout(timeout_ms);
		int c = getch();
		if (tui_hangup)
			return TUI_KEY_HANGUP;
		if (c == ERR) {
			if (errno == EINTR && timeout_ms < 0)
				continue;
			return TUI_KEY_TIMEOUT;
		}
		if (c == KEY_RESIZE) {
			tui_measure(t);
			t->resized = 1;
			return KEY_RESIZE;
		}
		if (c == 27) {
			c = tui_escape();
			if (c == ERR)
				continue;
		}
		return c;
	}
}

void tui_draw_too_small(struct tui *t)
{
	char line[160];
	erase();
	snprintf(line, sizeof line, _("Terminal too small: %d x %d."), t->cols, t->rows);
	int y = t->rows / 2 - 1;
	if (y < 0)
		y = 0;
	tui_wrap(y, 0, t->cols, 2, line, A_BOLD);
	snprintf(line, sizeof line, _("hsm-onboard needs %d x %d. Enlarge the window: nothing is lost."),
	         TUI_MIN_COLS, TUI_MIN_ROWS);
	if (y + 1 < t->rows)
		tui_wrap(y + 1, 0, t->cols, t->rows - y - 1, line, A_NORMAL);
	refresh();
}

const char *tui_glyph_check(const struct tui *t, int done)
{
	(void)t;
	return done ? "[x]" : "[ ]";
}

const char *tui_glyph_secret(const struct tui *t)
{
	return t->ascii ? "*" : "\xe2\x97\x8f";
}

const char *tui_glyph_bullet(const struct tui *t)
{
	return t->ascii ? "-" : "\xe2\x80\xa2";
}

const char *tui_glyph_sep(const struct tui *t)
{
	return t->ascii ? "|" : "\xe2\x94\x82";
}

/* The character at s (NUL-terminated): its display width, and in *n its length in bytes. A byte
 * that does not start a valid character counts as one column, so a stray byte can never make a line
 * overflow; a character without a width (a control, a combining mark) counts as none. */
static int tui_char(const char *s, size_t *n)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	wchar_t wc;
	/* UTF-8 is stateless and s ends in a NUL, at which mbrtowc stops: MB_LEN_MAX reads no further. */
	size_t r = mbrtowc(&wc, s, MB_LEN_MAX, &st);
	if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
		*n = 1;
		return 1;
	}
	*n = r;
	int cw = wcwidth(wc);
	return cw > 0 ? cw : 0;
}

/* One character further along s, when the one at s + *i still fits in width columns with *w of them
 * used: returns 1 with *i and *w past it, or 0 (nothing changed) when it does not fit. */
static int tui_step(const char *s, size_t *i, int *w, int width)
{
	size_t n;
	int cw = tui_char(s + *i, &n);
	if (*w + cw > width)
		return 0;
	*w += cw;
	*i += n;
	return 1;
}

/* How many bytes of s fit in width columns; *w_out gets their width. */
static size_t tui_fit(const char *s, int width, int *w_out)
{
	size_t i = 0;
	int w = 0;
	while (s[i] && tui_step(s, &i, &w, width))
		;
	*w_out = w;
	return i;
}

int tui_width(const char *s)
{
	int w;
	tui_fit(s, INT_MAX, &w);
	return w;
}

const char *tui_ellipsis(void)
{
	return tui_ascii_mode ? "..." : "\xe2\x80\xa6";
}

/* Writes n bytes of s (width w) and the ellipsis when ell, then pads to width. */
static void tui_wput_n(WINDOW *win, int y, int x, int width, const char *s, size_t n, int w, int ell,
                       attr_t attr, int pad)
{
	wattron(win, attr);
	mvwaddnstr(win, y, x, s, (int)n);
	if (ell) {
		waddstr(win, tui_ellipsis());
		w += tui_width(tui_ellipsis());
	}
	if (pad)
		for (; w < width; w++)
			waddch(win, ' ');
	wattroff(win, attr);
}

/* Writes s clipped to width; when ell_always, or when s does not fit, the ellipsis ends it. */
static void tui_wput_ell(WINDOW *win, int y, int x, int width, const char *s, attr_t attr, int pad,
                         int ell_always)
{
	if (width <= 0 || y < 0 || y >= getmaxy(win))
		return;
	/* Every text the wizard draws may hold a file name, a value or a link from outside: control
	 * characters in it are shown escaped, the same way as on the command line (base/quote.h). */
	s = quote_text(s);
	int w;
	size_t n = tui_fit(s, width, &w);
	if (!ell_always && s[n] == '\0') {
		tui_wput_n(win, y, x, width, s, n, w, 0, attr, pad);
		return;
	}
	int ew = tui_width(tui_ellipsis());
	if (ew > width) {
		/* Not even room for the mark: the columns there are. */
		tui_wput_n(win, y, x, width, s, n, w, 0, attr, pad);
		return;
	}
	n = tui_fit(s, width - ew, &w);
	tui_wput_n(win, y, x, width, s, n, w, 1, attr, pad);
}

void tui_wput(WINDOW *win, int y, int x, int width, const char *s, attr_t attr, int pad)
{
	tui_wput_ell(win, y, x, width, s, attr, pad, 0);
}

void tui_put(int y, int x, int width, const char *s, attr_t attr, int pad)
{
	tui_wput(stdscr, y, x, width, s, attr, pad);
}

size_t tui_wrap_line(const char *s, int width, const char **next)
{
	/* Longest prefix up to a newline that fits, broken at the last space. One pass: the width grows
	 * character by character (measuring each prefix anew made a screen of text quadratic, a tenth of
	 * the wizard's start-up). */
	size_t best = 0, i = 0;
	int w = 0;
	while (s[i] && s[i] != '\n' && tui_step(s, &i, &w, width))
		if (s[i] == ' ' || s[i] == '\0' || s[i] == '\n')
			best = i;
	if (s[i] && s[i] != '\n' && best > 0)
		i = best;
	if (i == 0 && s[0] && s[0] != '\n' && width > 0) {
		/* Narrower than one character: take it anyway, so the loop of a caller ends. */
		tui_char(s, &i);
	}
	size_t len = i;
	while (len > 0 && s[len - 1] == ' ')
		len--;
	while (s[i] == ' ')
		i++;
	if (s[i] == '\n')
		i++;
	*next = s + i;
	return len;
}

int tui_wrap_rows(const char *s, int width, int hang)
{
	int rows = 0;
	while (*s) {
		const char *next;
		tui_wrap_line(s, rows == 0 ? width : width - hang, &next);
		s = next;
		rows++;
	}
	return rows;
}

int tui_wwrap(WINDOW *win, int y, int x, int width, int max_rows, const char *s, attr_t attr, int hang)
{
	int rows = 0;
	if (hang >= width)
		hang = 0;
	while (*s && rows < max_rows) {
		int lx = rows == 0 ? x : x + hang, lw = rows == 0 ? width : width - hang;
		const char *next;
		size_t len = tui_wrap_line(s, lw, &next);
		if (rows == max_rows - 1 && *next) {
			/* The last row there is, and text left: say so with the ellipsis rather than drop it. */
			const char *end = strchr(s, '\n');
			size_t seg = end ? (size_t)(end - s) : strlen(s);
			char *buf = malloc(seg + 1);
			if (buf) {
				memcpy(buf, s, seg);
				buf[seg] = '\0';
				tui_wput_ell(win, y + rows, lx, lw, buf, attr, 0, *(s + seg) != '\0');
				free(buf);
			}
			rows++;
			break;
		}
		if (len > 0) {
			int w;
			size_t n = tui_fit(s, lw, &w);
			if (n > len)
				n = len;
			wattron(win, attr);
			mvwaddnstr(win, y + rows, lx, s, (int)n);
			wattroff(win, attr);
		}
		s = next;
		rows++;
	}
	return rows;
}

int tui_wrap(int y, int x, int width, int max_rows, const char *s, attr_t attr)
{
	return tui_wwrap(stdscr, y, x, width, max_rows, s, attr, 0);
}

int tui_wrap_item(int y, int x, int width, int max_rows, const char *mark, const char *text, attr_t attr)
{
	size_t ml = strlen(mark), tl = strlen(text);
	char *line = malloc(ml + tl + 2);
	if (!line)
		return 0;
	memcpy(line, mark, ml);
	line[ml] = ' ';
	memcpy(line + ml + 1, text, tl + 1);
	int rows = tui_wwrap(stdscr, y, x, width, max_rows, line, attr, tui_width(mark) + 1);
	free(line);
	return rows;
}

/* The byte offset in s from which the rest is at most width columns wide (whole characters). */
size_t tui_suffix_at(const char *s, int width)
{
	int total = tui_width(s);
	size_t i = 0;
	while (s[i] && total > width) {
		size_t n;
		total -= tui_char(s + i, &n);
		i += n;
	}
	return i;
}

void tui_path_fit(const char *path, int width, char *out, size_t size)
{
	if (size == 0)
		return;
	char *p = malloc(strlen(path) + 2);
	if (!p) {
		out[0] = '\0';
		return;
	}
	/* "~" is the user's home from the password database: the demo points $HOME into its throwaway
	 * folder, and a "~" there would name a place the user's shell does not know. */
	const struct passwd *pw = getpwuid(getuid());
	const char *home = pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : getenv("HOME");
	size_t hl = home ? strlen(home) : 0;
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	if (hl > 1 && strncmp(path, home, hl) == 0 && (path[hl] == '/' || path[hl] == '\0'))
		snprintf(p, strlen(path) + 2, "~%s", path + hl);
	else
		strcpy(p, path);
	if (tui_width(p) <= width) {
		snprintf(out, size, "%s", p);
		free(p);
		return;
	}
	const char *ell = tui_ellipsis();
	int ew = tui_width(ell);
	/* The file name, and then as many folders before it as fit in two thirds of the room: the name
	 * says what the file is, the folders nearest to it where. */
	const char *tail = strrchr(p, '/');
	if (!tail || tail == p)
		tail = p;
	if (tui_width(tail) + ew > width) {
		/* Even the file name does not fit: its end, which has the extension. */
		const char *t = tail + tui_suffix_at(tail, width - ew > 0 ? width - ew : 0);
		snprintf(out, size, "%s%s", ell, t);
		free(p);
		return;
	}
	for (;;) {
		const char *prev = tail;
		while (prev > p && prev[-1] != '/')
			prev--;
		if (prev <= p + 1)
			break;
		prev--; /* the '/' before that folder */
		if (tui_width(prev) > (width - ew) * 2 / 3)
			break;
		tail = prev;
	}
	int hw;
	size_t hn = tui_fit(p, width - ew - tui_width(tail), &hw);
	snprintf(out, size, "%.*s%s%s", (int)hn, p, ell, tail);
	free(p);
}

void tui_put_path(int y, int x, int width, const char *path, attr_t attr)
{
	char buf[4096];
	tui_path_fit(path, width, buf, sizeof buf);
	tui_put(y, x, width, buf, attr, 0);
}

int tui_modal_open(struct tui *t, struct tui_modal *m, int rows, int width, const char *title,
                   const char *keys)
{
	tui_modal_close(m);
	if (width <= 0)
		width = 72;
	if (width > t->cols)
		width = t->cols;
	/* Frame, a blank row, the content, a blank row, the key line, frame. */
	int h = rows + 5;
	if (h > t->rows)
		h = t->rows;
	if (h < 6 || width < 20)
		return -1;
	m->h = h;
	m->w = width;
	m->rows = h - 5;
	m->cols = width - 4;
	m->y = (t->rows - h) / 2;
	m->x = (t->cols - width) / 2;
	m->win = newwin(h, width, m->y, m->x);
	if (!m->win)
		return -1;
	m->panel = new_panel(m->win);
	if (!m->panel) {
		delwin(m->win);
		m->win = NULL;
		return -1;
	}
	leaveok(m->win, TRUE);
	/* Its own background: every cell of the box is the popup's, so nothing below shows through. */
	wbkgdset(m->win, ' ' | tui_attr(t, TUI_POPUP));
	werase(m->win);
	if (t->ascii)
		wborder(m->win, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(m->win, 0, 0);
	if (title && title[0]) {
		char buf[512];
		snprintf(buf, sizeof buf, " %s ", title);
		tui_wput(m->win, 0, 2, width - 4, buf, A_BOLD, 0);
	}
	if (keys && keys[0])
		tui_wput(m->win, h - 2, 2, width - 4, keys, A_BOLD, 0);
	return 0;
}

void tui_modal_show(struct tui_modal *m)
{
	if (!m->panel)
		return;
	touchwin(m->win);
	update_panels();
	doupdate();
}

void tui_modal_close(struct tui_modal *m)
{
	if (m->panel)
		del_panel(m->panel);
	if (m->win)
		delwin(m->win);
	if (m->panel || m->win) {
		/* stdscr still holds what was below: show it again. */
		touchwin(stdscr);
		wnoutrefresh(stdscr);
		update_panels();
		doupdate();
	}
	m->panel = NULL;
	m->win = NULL;
}
