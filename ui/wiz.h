/* wiz.h: the wizard's frame (header, footer, help, the screen loop) and what screens share. Internal
 * to ui/: the CLI sees only ui/include/wizard.h. */
#ifndef HSMO_UI_WIZ_H
#define HSMO_UI_WIZ_H

#include <stddef.h>

#include "diag.h"
#include "profile.h"
#include "screen.h"
#include "tui.h"
#include "wizard.h"

struct vault;

struct wiz {
	struct tui tui;
	struct wizard_opts opts;
	struct profile prof;
	int have_prof;
	struct vault *vault; /* open once the passphrase was given, else NULL */
	enum screen_id cur;
	enum screen_id goto_screen;
	enum screen_id ticket_from; /* where Esc on the ticket screen returns */
	char status[512];           /* one message line above the footer */
	int status_attr;            /* enum tui_attr */
	int hdr_left;               /* columns the header's step title takes */
	int finished;               /* the onboarding reached Done in this run */
	int pending_goto;           /* set by an enter(): switch to goto_screen at once (auto-resume) */
	char *session_pass;         /* secmem: the passphrase given at import, to open the new vault once */
	int rc;                     /* the exit code wizard_run returns */
};

/* ---- For screens ---- */
/* Sets the message line (printf-style); attr is enum tui_attr. */
void wiz_status(struct wiz *w, int attr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Opens (creating when create) and locks the profile as the current one; reports on the status line. */
int wiz_open_profile(struct wiz *w, const char *name, int create);
/* Releases the current profile (and the vault): before a core call that opens the profile itself. */
void wiz_close_profile(struct wiz *w);
/* Writes the state; failures go to the status line. Returns 0 on success. */
int wiz_save(struct wiz *w);
/* Asks for the vault passphrase (twice when create), placeholders only. Returns a secmem string or
 * NULL when the user pressed Esc. */
char *wiz_ask_passphrase(struct wiz *w, const char *profile, int create);
/* Opens the vault of the current profile, asking for the passphrase; 0 when open. */
int wiz_unlock(struct wiz *w);
/* A yes/no question in a box; returns 1 for yes. def is the answer for Enter. */
int wiz_confirm(struct wiz *w, const char *question, int def);
/* Asks for a line of ordinary (not secret) text in a box; returns a malloc'd string or NULL (Esc). */
char *wiz_ask_text(struct wiz *w, const char *title, const char *prompt, const char *initial);
/* The same for a path: Tab completes it (the longest common prefix of the matches), a leading "~/"
 * is the home folder. */
char *wiz_ask_path(struct wiz *w, const char *title, const char *prompt, const char *initial);
/* Full redraw of the frame now (after a long core call, for live progress). */
void wiz_redraw(struct wiz *w);
/* The area screens draw in. */
struct screen_area wiz_area(const struct wiz *w);

/* A vertical list of choices with a cursor: draws rows at y, the selected one highlighted. */
void wiz_draw_choices(struct wiz *w, int y, int x, int width, const char *const *labels, size_t n,
                      size_t selected);
/* Up/Down/Home/End on a list; returns 1 when the key moved the cursor. */
int wiz_choice_key(int key, size_t *selected, size_t n);

#endif
