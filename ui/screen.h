/* screen.h: the interface every wizard screen implements (tig's view_ops, ncdu's X_draw/X_key).
 *
 * The screens are the steps of enum state_step (src/state.h) plus the ticket screen; the step a
 * profile reached (state.json) picks the screen on resume. A screen draws only inside its area (the
 * rows between the header and the footer), keeps its own state in a static struct of its file, and
 * calls the same core functions as the matching CLI command: no onboarding logic lives in ui/. */
#ifndef HSMO_UI_SCREEN_H
#define HSMO_UI_SCREEN_H

#include "state.h"

enum screen_id {
	SCREEN_START = STEP_START,
	SCREEN_SUBSCRIPTION = STEP_SUBSCRIPTION,
	SCREEN_EMAILS = STEP_EMAILS,
	SCREEN_SECURECODE = STEP_SECURECODE,
	SCREEN_IMPORT = STEP_IMPORT,
	SCREEN_REVIEW = STEP_REVIEW,
	SCREEN_COUNTDOWN = STEP_COUNTDOWN,
	SCREEN_PREFLIGHT = STEP_PREFLIGHT,
	SCREEN_ROTATION = STEP_ROTATION,
	SCREEN_PROVIDER = STEP_PROVIDER,
	SCREEN_DONE = STEP_DONE,
	SCREEN_TICKET = STEP_COUNT,
	SCREEN_COUNT,
};

/* What a key handler did, as flags (htop's HandlerResult). */
enum screen_result {
	SCR_IGNORED = 0, /* not this screen's key: the frame may use it (Enter, Esc, F1, F10...) */
	SCR_HANDLED = 1,
	SCR_REDRAW = 2, /* redraw the whole frame */
	SCR_NEXT = 4,   /* go to the next step */
	SCR_BACK = 8,   /* go to the previous step */
	SCR_GOTO = 16,  /* go to wiz->goto_screen */
	SCR_QUIT = 32,  /* save and leave the wizard */
};

struct screen_area {
	int y, x, rows, cols;
};

struct wiz;

struct screen_ops {
	const char *title; /* N_(): shown in the header */
	const char *help;  /* N_(): the F1 overlay */
	const char *hints; /* N_(): the screen's own keys for the footer, or NULL */
	/* Called when the screen becomes current; may set wiz->status. */
	void (*enter)(struct wiz *w);
	/* Draws the whole area (the frame has cleared it). */
	void (*draw)(struct wiz *w, const struct screen_area *a);
	/* Handles one key; returns enum screen_result flags. */
	int (*key)(struct wiz *w, int key);
	/* Called when the screen stops being current. */
	void (*leave)(struct wiz *w);
	/* Optional: redraws only the live fields (no erase) once a second; returns 1 while it wants ticks,
	 * SCREEN_TICK_SOON while it has work in hand that the next tick goes on with at once (keys are
	 * still read between two such ticks). */
	int (*tick)(struct wiz *w, const struct screen_area *a);
};
#define SCREEN_TICK_SOON 2

extern const struct screen_ops scr_start_ops, scr_subscription_ops, scr_emails_ops, scr_securecode_ops,
    scr_import_ops, scr_review_ops, scr_countdown_ops, scr_preflight_ops, scr_rotation_ops, scr_provider_ops,
    scr_done_ops, scr_ticket_ops;

#endif
