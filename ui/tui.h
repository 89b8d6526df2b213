/* tui.h: the one module that owns the terminal (htop's CRT.c): curses setup and teardown, colours,
 * resize, input with a timeout, and restoring the terminal on every exit, signal and crash.
 *
 * Nothing else in ui/ calls initscr, endwin, start_color or signal handlers. Screens draw on stdscr
 * between the header row and the footer row, with the attributes below, so NO_COLOR and monochrome
 * terminals get the same layout with bold and reverse instead of colours. */
#ifndef HSMO_UI_TUI_H
#define HSMO_UI_TUI_H

#include <curses.h>
#include <panel.h>
#include <stddef.h>

#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24

/* Pseudo keys returned by tui_getkey besides curses' keys and bytes. */
enum {
	TUI_KEY_TIMEOUT = -2,          /* the timeout passed with no input */
	TUI_KEY_HANGUP = -3,           /* SIGHUP or SIGTERM: save the progress and leave */
	TUI_KEY_PASTE_START = 0x10000, /* bracketed paste: ESC [ 200 ~ */
	TUI_KEY_PASTE_END,             /* ESC [ 201 ~ */
	TUI_KEY_ESC,                   /* a lone Esc */
};
#define TUI_CTRL(c) ((c)&0x1f)

enum tui_attr {
	TUI_NORMAL = 0,
	TUI_TITLE,  /* header and footer bars */
	TUI_HILITE, /* the selected line */
	TUI_OK,
	TUI_WARN,
	TUI_ERROR,
	TUI_DIM,         /* explanations */
	TUI_POPUP,       /* a popup's own background (tui_modal) */
	TUI_POPUP_ERROR, /* an error line inside a popup */
	TUI_ATTR_COUNT,
};

struct tui {
	int ascii; /* draw with ASCII only (--ascii, or a locale that is not UTF-8) */
	int color; /* colours in use (not NO_COLOR, and the terminal has them) */
	int rows, cols;
	int too_small; /* below TUI_MIN_COLS x TUI_MIN_ROWS: only the notice is drawn */
	int resized;   /* set when the size changed; the owner redraws everything and clears it */
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
const char *tui_glyph_check(const struct tui *t, int done); /* "[x]"/"[ ]" or "☑"/"☐" */
const char *tui_glyph_secret(const struct tui *t);          /* "●" or "*" */
const char *tui_glyph_bullet(const struct tui *t);          /* "•" or "-" */
const char *tui_glyph_sep(const struct tui *t);             /* "│" or "|" */

/* ---- Text layout: the one place that measures, wraps and shortens what a screen shows ----
 * Widths are display columns (wcwidth): UTF-8, double-width and combining characters count as the
 * terminal draws them. A text that does not fit is never cut silently: it ends in the ellipsis. */

/* "…", or "..." under --ascii. */
const char *tui_ellipsis(void);
/* Writes s at (y, x) of win within width columns; a longer s ends in the ellipsis. Pads with
 * spaces when pad is set. */
void tui_wput(WINDOW *win, int y, int x, int width, const char *s, attr_t attr, int pad);
/* The same on stdscr. */
void tui_put(int y, int x, int width, const char *s, attr_t attr, int pad);
/* One line of s word-wrapped to width columns: returns its length in bytes (a word longer than the
 * line is broken inside) and sets *next to where the following line starts (past the blanks and
 * the newline). Returns 0 with *next == s at the end of s. */
size_t tui_wrap_line(const char *s, int width, const char **next);
/* Rows that s takes when wrapped to width with a hanging indent of hang columns. */
int tui_wrap_rows(const char *s, int width, int hang);
/* Word-wraps s into the box at (y, x) of win, width columns and at most max_rows; lines after the
 * first start hang columns further right (a list item's text under its text, not under its mark).
 * When s needs more rows, the last row ends in the ellipsis. Returns the rows used. */
int tui_wwrap(WINDOW *win, int y, int x, int width, int max_rows, const char *s, attr_t attr, int hang);
/* tui_wwrap on stdscr without a hanging indent. */
int tui_wrap(int y, int x, int width, int max_rows, const char *s, attr_t attr);
/* A list item: mark (a check box, a bullet) then text wrapped under the text, on stdscr. */
int tui_wrap_item(int y, int x, int width, int max_rows, const char *mark, const char *text, attr_t attr);
/* Display width of a UTF-8 string. */
int tui_width(const char *s);
/* The byte offset in s from which its rest is at most width columns wide (whole characters). */
size_t tui_suffix_at(const char *s, int width);
/* path made to fit width columns into out: $HOME becomes "~", and a path still too long loses its
 * middle, keeping its start and its file name ("/tmp/hsm…/config/pkcs11.pin"). The home is the
 * password database's (the demo moves $HOME). */
void tui_path_fit(const char *path, int width, char *out, size_t size);
/* tui_path_fit, then written at (y, x) of stdscr. */
void tui_put_path(int y, int x, int width, const char *path, attr_t attr);

/* ---- The one popup: a libpanel panel with a frame, its own background and its key line ----
 * Opening saves nothing: the popup is a window of its own above stdscr, so what is below stays in
 * stdscr and comes back on close. Every popup of the wizard (help, confirmation, text, path and
 * secret entry) is one of these. */
struct tui_modal {
	WINDOW *win;
	PANEL *panel;
	int h, w; /* the box, frame included */
	int y, x; /* its place on the screen */
	int rows; /* content rows: 2 .. 2 + rows - 1 */
	int cols; /* content columns, from column 2 */
};
/* Opens the popup centred, for rows content rows and width columns (frame included; 0: 72), with
 * the title in the top edge and keys on the last row inside the frame. Reopening an open popup lays
 * it out anew (after a resize). Returns 0, or -1 when the terminal is too small. */
int tui_modal_open(struct tui *t, struct tui_modal *m, int rows, int width, const char *title,
                   const char *keys);
/* Puts the popup on the screen above whatever stdscr shows now. */
void tui_modal_show(struct tui_modal *m);
/* Removes the popup; what was below shows again. Safe on a closed popup. */
void tui_modal_close(struct tui_modal *m);

#endif
