/* tui.h: the one module that owns the terminal (htop's CRT.c): curses setup and teardown, colours,
 * resize, input with a timeout, and restoring the terminal on every exit, signal and crash.
 *
 * Nothing else in ui/ calls initscr, endwin, start_color or signal handlers. Screens draw on stdscr
 * between the header row and the footer row, with the attributes below, so NO_COLOR and monochrome
 * terminals get the same layout with bold and reverse instead of colours. */
#ifndef HSMO_UI_TUI_H
#define HSMO_UI_TUI_H

#include <curses.h>

#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24

/* Pseudo keys returned by tui_getkey besides curses' keys and bytes. */
enum {
	TUI_KEY_TIMEOUT = -2,   /* the timeout passed with no input */
	TUI_KEY_HANGUP = -3,    /* SIGHUP or SIGTERM: save the progress and leave */
	TUI_KEY_PASTE_START = 0x10000, /* bracketed paste: ESC [ 200 ~ */
	TUI_KEY_PASTE_END,             /* ESC [ 201 ~ */
	TUI_KEY_ESC,                   /* a lone Esc */
};
#define TUI_CTRL(c) ((c) & 0x1f)

enum tui_attr {
	TUI_NORMAL = 0,
	TUI_TITLE,     /* header and footer bars */
	TUI_HILITE,    /* the selected line */
	TUI_OK,
	TUI_WARN,
	TUI_ERROR,
	TUI_DIM,       /* explanations */
	TUI_ATTR_COUNT,
};

struct tui {
	int ascii;      /* draw with ASCII only (--ascii, or a locale that is not UTF-8) */
	int color;      /* colours in use (not NO_COLOR, and the terminal has them) */
	int rows, cols;
	int too_small;  /* below TUI_MIN_COLS x TUI_MIN_ROWS: only the notice is drawn */
	int resized;    /* set when the size changed; the owner redraws everything and clears it */
};

/* Starts curses on the terminal. Returns 0, or -1 when the terminal cannot be used. */
int tui_start(struct tui *t, int ascii);
/* Restores the terminal; safe to call twice. */
void tui_stop(struct tui *t);
/* Waits for a key for at most timeout_ms (-1: no limit). Handles KEY_RESIZE itself (sets t->resized
 * and t->too_small, and returns KEY_RESIZE so the owner redraws), reports bracketed-paste markers and a
 * lone Esc, and returns TUI_KEY_HANGUP once a SIGHUP or SIGTERM arrived. */
int tui_getkey(struct tui *t, int timeout_ms);
/* 1 once SIGHUP or SIGTERM arrived. */
int tui_hangup_pending(void);
/* Draws the "terminal too small" notice over the whole screen. */
void tui_draw_too_small(struct tui *t);
attr_t tui_attr(const struct tui *t, enum tui_attr a);

/* Glyphs with their ASCII fallback. */
const char *tui_glyph_check(const struct tui *t, int done);  /* "[x]"/"[ ]" or "☑"/"☐" */
const char *tui_glyph_secret(const struct tui *t);            /* "●" or "*" */
const char *tui_glyph_bullet(const struct tui *t);            /* "•" or "-" */
const char *tui_glyph_sep(const struct tui *t);               /* "│" or "|" */

/* Writes s at (y, x) clipped to width columns (UTF-8 aware), padding with spaces when pad is set. */
void tui_put(int y, int x, int width, const char *s, attr_t attr, int pad);
/* Word-wraps s into the box at (y, x) of width columns and at most max_rows; returns rows used. */
int tui_wrap(int y, int x, int width, int max_rows, const char *s, attr_t attr);
/* Display width of a UTF-8 string. */
int tui_width(const char *s);

#endif
