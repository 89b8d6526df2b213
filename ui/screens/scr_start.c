/* scr_start.c: the start screen: every profile with its step and live countdown (what `status`
 * lists), "New onboarding", and "Support ticket". With exactly one unfinished profile it resumes that
 * one at once.
 *
 * A support desk keeps many profiles: any number of them is listed, most urgent first (expired, then
 * the soonest deadline, then in progress, then done), scrolled with PgUp/PgDn/Home/End, and filtered
 * by name with '/', as in less or htop. A summary line counts what needs attention. */
#include "config.h"

#include "expiry.h"
#include "i18n.h"
#include "wiz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Up to this many profiles are read before the first frame, so that the one unfinished profile can
 * be resumed at once. A desk's longer list is neither listed nor read before the first frame (a
 * thousand state.json files take longer than the whole start-up budget, doc/PERFORMANCE.md): the
 * ticks after it read the profiles in slices of SCR_START_SLICE_MS, and keys are read between two
 * slices, so F10, N or '/' work while the list fills in. */
#define SCR_START_EAGER 64
#define SCR_START_SLICE_MS 15

/* A profile's urgency class and seconds left (scr_start_rank). */
struct scr_start_urgency {
	int rank;
	long long left;
};

static struct {
	struct profile *prof; /* every profile that opened */
	size_t n, cap;
	size_t *shown; /* indices into prof: the filter's matches, most urgent first */
	size_t n_shown;
	size_t sel;       /* 0..n_shown-1 a profile, n_shown new, n_shown+1 ticket */
	size_t top;       /* the first profile row drawn */
	char filter[128]; /* '/': a part of the name, or empty */
	int auto_done;    /* auto-resume happens once per run */
	int loading;      /* a desk: its profiles are still being listed and read, after the first frame */
	size_t expect;    /* how many there are about to be (profile_count), for "Reading N profiles..." */
	char **names;     /* while loading: every name listed, else NULL */
	size_t n_names;
	size_t next;                       /* while loading: the first name not read yet */
	struct scr_start_urgency *urgency; /* per profile, computed once per sort */
} scr_start;

static void scr_start_leave(struct wiz *w)
{
	(void)w;
	for (size_t i = 0; i < scr_start.n; i++)
		profile_close(&scr_start.prof[i]);
	free(scr_start.prof);
	free(scr_start.shown);
	free(scr_start.urgency);
	profile_list_free(scr_start.names, scr_start.n_names);
	scr_start.names = NULL;
	scr_start.n_names = scr_start.next = 0;
	scr_start.loading = 0;
	scr_start.prof = NULL;
	scr_start.shown = NULL;
	scr_start.urgency = NULL;
	scr_start.n = scr_start.cap = scr_start.n_shown = 0;
}

/* Urgency class: 0 expired, 1 counting down, 2 in progress (not used yet, unknown), 3 done. */
static int scr_start_rank(const struct profile *p, time_t now, long long *left)
{
	struct expiry e;
	expiry_compute(&p->st, now, &e);
	*left = e.seconds_left;
	if (p->st.step == STEP_DONE)
		return 3;
	if (e.state == EXPIRY_EXPIRED)
		return 0;
	if (e.state == EXPIRY_RUNNING)
		return 1;
	return 2;
}

static int scr_start_cmp(const void *a, const void *b)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	const struct scr_start_urgency *ua = &scr_start.urgency[ia], *ub = &scr_start.urgency[ib];
	if (ua->rank != ub->rank)
		return ua->rank - ub->rank;
	if (ua->rank == 1 && ua->left != ub->left)
		return ua->left < ub->left ? -1 : 1;
	return strcmp(scr_start.prof[ia].name, scr_start.prof[ib].name);
}

/* The filter's matches, most urgent first; the cursor stays on a profile row when one is left. Each
 * profile's urgency is computed once, not in every comparison. */
static void scr_start_order(void)
{
	scr_start.n_shown = 0;
	time_t now = time(NULL);
	for (size_t i = 0; i < scr_start.n; i++) {
		if (scr_start.filter[0] && !strstr(scr_start.prof[i].name, scr_start.filter))
			continue;
		scr_start.shown[scr_start.n_shown++] = i;
		scr_start.urgency[i].rank = scr_start_rank(&scr_start.prof[i], now, &scr_start.urgency[i].left);
	}
	qsort(scr_start.shown, scr_start.n_shown, sizeof scr_start.shown[0], scr_start_cmp);
	scr_start.sel = 0;
	scr_start.top = 0;
}

/* Reads the state of profile names[i] (one that does not open is left out, as `status` reports it). */
static void scr_start_read_one(char **names, size_t i)
{
	struct profile *p = &scr_start.prof[scr_start.n];
	struct diag d;
	diag_clear(&d);
	if (profile_open(names[i], 0, p, &d) == 0)
		scr_start.n++;
}

/* Lists the profiles and makes room for n of them; 0, or -1 with the status line set. */
static int scr_start_list(struct wiz *w, char ***names, size_t *n)
{
	struct diag d;
	diag_clear(&d);
	if (profile_list(names, n, &d) != 0) {
		wiz_status(w, TUI_ERROR, "%s", d.msg);
		return -1;
	}
	scr_start.prof = calloc(*n ? *n : 1, sizeof *scr_start.prof);
	scr_start.shown = calloc(*n ? *n : 1, sizeof *scr_start.shown);
	scr_start.urgency = calloc(*n ? *n : 1, sizeof *scr_start.urgency);
	if (!scr_start.prof || !scr_start.shown || !scr_start.urgency) {
		profile_list_free(*names, *n);
		*names = NULL;
		*n = 0;
		scr_start_leave(w);
		wiz_status(w, TUI_ERROR, "%s", _("out of memory"));
		return -1;
	}
	scr_start.cap = *n;
	return 0;
}

static long scr_start_ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* One slice of a desk's loading: the listing first, then profiles until SCR_START_SLICE_MS have
 * passed; the last slice sorts. 1 while there is more to do. */
static int scr_start_load(struct wiz *w)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!scr_start.names && scr_start_list(w, &scr_start.names, &scr_start.n_names) != 0) {
		scr_start.loading = 0;
		return 0;
	}
	while (scr_start.next < scr_start.n_names) {
		scr_start_read_one(scr_start.names, scr_start.next++);
		/* The clock is read every 8 profiles: a slice is a few hundred microseconds late at most. */
		if (scr_start.next % 8 == 0 && scr_start_ms_since(&t0) >= SCR_START_SLICE_MS)
			return 1;
	}
	profile_list_free(scr_start.names, scr_start.n_names);
	scr_start.names = NULL;
	scr_start.n_names = scr_start.next = 0;
	scr_start.loading = 0;
	scr_start_order();
	return 0;
}

/* A key that needs the whole list (T, the ticket for the selected profile) waits for the rest. */
static void scr_start_load_all(struct wiz *w)
{
	while (scr_start.loading && scr_start_load(w))
		;
}

static void scr_start_enter(struct wiz *w)
{
	scr_start_leave(w);
	/* Back at the start, no profile is current (nor locked). */
	wiz_close_profile(w);
	scr_start.sel = 0;
	struct diag d;
	diag_clear(&d);
	size_t count = 0;
	if (profile_count(&count, &d) != 0) {
		wiz_status(w, TUI_ERROR, "%s", d.msg);
		return;
	}
	if (count > SCR_START_EAGER) {
		scr_start.loading = 1;
		scr_start.expect = count;
		scr_start.auto_done = 1;
		return;
	}
	char **names = NULL;
	size_t n = 0;
	if (scr_start_list(w, &names, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++)
		scr_start_read_one(names, i);
	scr_start_order();
	profile_list_free(names, n);
	size_t unfinished = 0, which = 0;
	for (size_t i = 0; i < scr_start.n; i++)
		if (scr_start.prof[i].st.step != STEP_DONE) {
			unfinished++;
			which = i;
		}
	if (!scr_start.auto_done && unfinished == 1) {
		scr_start.auto_done = 1;
		char name[128];
		snprintf(name, sizeof name, "%s", scr_start.prof[which].name);
		enum state_step step = scr_start.prof[which].st.step;
		scr_start_leave(w);
		if (wiz_open_profile(w, name, 0) == 0) {
			w->goto_screen = step == STEP_START ? SCREEN_SUBSCRIPTION : (enum screen_id)step;
			w->pending_goto = 1;
			return;
		}
		scr_start_enter(w);
		return;
	}
	scr_start.auto_done = 1;
}

static void scr_start_countdown(const struct profile *p, time_t now, char *buf, size_t size)
{
	struct expiry e;
	char left[64];
	expiry_compute(&p->st, now, &e);
	switch (e.state) {
	case EXPIRY_RUNNING:
		expiry_format_left(e.seconds_left, left, sizeof left);
		snprintf(buf, size, _("%s left"), left);
		break;
	case EXPIRY_UNUSED: snprintf(buf, size, "%s", _("not used yet")); break;
	case EXPIRY_EXPIRED: snprintf(buf, size, "%s", _("EXPIRED")); break;
	case EXPIRY_REPLACED: snprintf(buf, size, "%s", _("replaced")); break;
	default: snprintf(buf, size, "%s", _("unknown")); break;
	}
}

/* Rows of the list: between the column heads and the summary line. */
static int scr_start_list_rows(const struct screen_area *a)
{
	int r = a->rows - 8;
	return r > 1 ? r : 1;
}

static void scr_start_rows(struct wiz *w, const struct screen_area *a, int only_countdown)
{
	int y = a->y + 4, rows = scr_start_list_rows(a);
	time_t now = time(NULL);
	for (int r = 0; r < rows; r++, y++) {
		size_t i = scr_start.top + (size_t)r;
		if (i >= scr_start.n_shown) {
			if (!only_countdown)
				tui_put(y, a->x, a->cols, "", A_NORMAL, 1);
			continue;
		}
		const struct profile *p = &scr_start.prof[scr_start.shown[i]];
		char cd[96];
		scr_start_countdown(p, now, cd, sizeof cd);
		attr_t at = i == scr_start.sel ? tui_attr(&w->tui, TUI_HILITE) : A_NORMAL;
		if (!only_countdown) {
			char line[256];
			snprintf(line, sizeof line, "%s %-24.24s %2d %-14s", i == scr_start.sel ? ">" : " ", p->name,
			         (int)p->st.step, state_step_name(p->st.step));
			tui_put(y, a->x, 46, line, at, 1);
		}
		tui_put(y, a->x + 46, a->cols - 46, cd, at, 1);
	}
}

/* "Expired: 1  Expire within 48 h: 3  Profiles: 40  Rows 1-11", or the filter's count instead of the
 * number of profiles. */
static void scr_start_summary(struct wiz *w, const struct screen_area *a)
{
	size_t expired = 0, soon = 0;
	time_t now = time(NULL);
	for (size_t i = 0; i < scr_start.n; i++) {
		long long left;
		int r = scr_start_rank(&scr_start.prof[i], now, &left);
		if (r == 0)
			expired++;
		else if (r == 1 && left < EXPIRY_WARN_SECONDS)
			soon++;
	}
	char line[512], part[256];
	snprintf(line, sizeof line, _("Expired: %zu  Expire within %d h: %zu"), expired,
	         EXPIRY_WARN_SECONDS / 3600, soon);
	if (scr_start.filter[0])
		snprintf(part, sizeof part, _("  Filter '%s': %zu of %zu"), scr_start.filter, scr_start.n_shown,
		         scr_start.n);
	else
		snprintf(part, sizeof part, _("  Profiles: %zu"), scr_start.n);
	snprintf(line + strlen(line), sizeof line - strlen(line), "%s", part);
	size_t rows = (size_t)scr_start_list_rows(a);
	if (scr_start.n_shown > rows) {
		size_t last = scr_start.top + rows < scr_start.n_shown ? scr_start.top + rows : scr_start.n_shown;
		snprintf(part, sizeof part, _("  Rows %zu-%zu"), scr_start.top + 1, last);
		snprintf(line + strlen(line), sizeof line - strlen(line), "%s", part);
	}
	tui_put(a->y + 4 + scr_start_list_rows(a), a->x, a->cols, line,
	        expired || soon ? tui_attr(&w->tui, TUI_WARN) : tui_attr(&w->tui, TUI_DIM), 1);
}

static void scr_start_draw(struct wiz *w, const struct screen_area *a)
{
	int y = a->y;
	tui_wrap(y, a->x, a->cols, 3,
	         _("hsm-onboard walks you from the Securosys emails to a connected, configured CloudHSM "
	           "partition. Every step is saved; you can stop and resume at any time."),
	         A_NORMAL);
	char head[200];
	snprintf(head, sizeof head, "  %-24s %-17s %s", _("Profile"), _("Step"), _("Setup password"));
	tui_put(a->y + 3, a->x, a->cols, head, A_BOLD, 1);
	if (scr_start.loading) {
		char line[128];
		snprintf(line, sizeof line, _("Reading %zu profiles..."), scr_start.expect);
		tui_put(a->y + 4, a->x + 2, a->cols - 2, line, tui_attr(&w->tui, TUI_DIM), 0);
	} else if (scr_start.n == 0)
		tui_put(a->y + 4, a->x + 2, a->cols - 2, _("(no profile yet)"), tui_attr(&w->tui, TUI_DIM), 0);
	else if (scr_start.n_shown == 0)
		tui_put(a->y + 4, a->x + 2, a->cols - 2, _("(no profile name contains the filter; / changes it)"),
		        tui_attr(&w->tui, TUI_DIM), 0);
	scr_start_rows(w, a, scr_start.n_shown == 0);
	if (scr_start.n && !scr_start.loading)
		scr_start_summary(w, a);
	int base = a->y + a->rows - 3;
	const char *items[2] = {_("New onboarding"), _("Support ticket for the selected profile")};
	wiz_draw_choices(w, base, a->x, a->cols, items, 2,
	                 scr_start.sel >= scr_start.n_shown ? scr_start.sel - scr_start.n_shown : 99);
}

static int scr_start_tick(struct wiz *w, const struct screen_area *a)
{
	if (scr_start.loading) {
		if (scr_start_load(w))
			return SCREEN_TICK_SOON;
		wiz_redraw(w);
	}
	if (scr_start.n_shown)
		scr_start_rows(w, a, 1);
	return scr_start.n_shown > 0;
}

static char *scr_start_new_name(void)
{
	char name[64];
	for (int i = 1; i < 100000; i++) {
		snprintf(name, sizeof name, i == 1 ? "onboarding" : "onboarding-%d", i);
		int used = 0;
		for (size_t k = 0; k < scr_start.n && !used; k++)
			if (strcmp(scr_start.prof[k].name, name) == 0)
				used = 1;
		/* While a desk loads, the names listed but not read yet are taken too. */
		for (size_t k = scr_start.next; k < scr_start.n_names && !used; k++)
			if (strcmp(scr_start.names[k], name) == 0)
				used = 1;
		if (!used)
			break;
	}
	return strdup(name);
}

/* Up/Down/PgUp/PgDn/Home/End over the profile rows and the two choices below them. Home and End go
 * to the first and the last profile; nothing wraps, so the cursor is always on a drawn row. */
static int scr_start_move(struct wiz *w, int key)
{
	struct screen_area a = wiz_area(w);
	size_t total = scr_start.n_shown + 2, page = (size_t)scr_start_list_rows(&a);
	size_t s = scr_start.sel;
	switch (key) {
	case KEY_UP:
	case 'k': s = s > 0 ? s - 1 : 0; break;
	case KEY_DOWN:
	case 'j':
	case '\t': s = s + 1 < total ? s + 1 : s; break;
	case KEY_PPAGE: s = s > page ? s - page : 0; break;
	case KEY_NPAGE: s = s + page < total ? s + page : total - 1; break;
	case KEY_HOME: s = 0; break;
	case KEY_END: s = scr_start.n_shown ? scr_start.n_shown - 1 : total - 1; break;
	default: return 0;
	}
	scr_start.sel = s;
	/* Keep the selected profile row in view. */
	if (s < scr_start.n_shown) {
		if (s < scr_start.top)
			scr_start.top = s;
		else if (s >= scr_start.top + page)
			scr_start.top = s - page + 1;
	}
	return 1;
}

static int scr_start_key(struct wiz *w, int key)
{
	if (scr_start_move(w, key))
		return SCR_REDRAW;
	if (key == TUI_KEY_ESC)
		return SCR_HANDLED;
	if (key == '/') {
		char *f = wiz_ask_text(w, _("Filter"), _("Show the profiles whose name contains (empty: all):"),
		                       scr_start.filter);
		if (f) {
			snprintf(scr_start.filter, sizeof scr_start.filter, "%s", f);
			free(f);
			/* While a desk loads, its last slice sorts with the filter. */
			if (!scr_start.loading)
				scr_start_order();
		}
		return SCR_REDRAW;
	}
	int enter = key == '\r' || key == '\n' || key == KEY_ENTER;
	size_t m = scr_start.n_shown;
	if (key == 'n' || key == 'N' || (enter && scr_start.sel == m)) {
		char *def = scr_start_new_name();
		char *name = wiz_ask_text(w, _("New onboarding"),
		                          _("A name for the profile (letters, digits, '.', '_', '-'); the HSM user "
		                            "name is a good choice:"),
		                          def);
		free(def);
		if (!name)
			return SCR_REDRAW;
		if (!profile_name_valid(name)) {
			wiz_status(w, TUI_ERROR, _("'%s' is not a valid profile name."), name);
			free(name);
			return SCR_REDRAW;
		}
		scr_start_leave(w);
		int rc = wiz_open_profile(w, name, 1);
		free(name);
		if (rc != 0) {
			scr_start_enter(w);
			return SCR_REDRAW;
		}
		w->goto_screen = SCREEN_SUBSCRIPTION;
		return SCR_GOTO;
	}
	if (scr_start.sel > m || key == 't' || key == 'T') {
		if (!enter && key != 't' && key != 'T')
			return SCR_IGNORED;
		scr_start_load_all(w);
		m = scr_start.n_shown;
		if (m == 0) {
			wiz_status(w, TUI_WARN, "%s", _("A ticket needs a profile: there is none yet."));
			return SCR_REDRAW;
		}
		size_t i = scr_start.shown[scr_start.sel < m ? scr_start.sel : 0];
		char name[128];
		snprintf(name, sizeof name, "%s", scr_start.prof[i].name);
		scr_start_leave(w);
		if (wiz_open_profile(w, name, 0) != 0) {
			scr_start_enter(w);
			return SCR_REDRAW;
		}
		w->goto_screen = SCREEN_TICKET;
		return SCR_GOTO;
	}
	if (enter && scr_start.sel < m) {
		const struct profile *p = &scr_start.prof[scr_start.shown[scr_start.sel]];
		char name[128];
		snprintf(name, sizeof name, "%s", p->name);
		enum state_step step = p->st.step;
		scr_start_leave(w);
		if (wiz_open_profile(w, name, 0) != 0) {
			scr_start_enter(w);
			return SCR_REDRAW;
		}
		w->goto_screen = step == STEP_START ? SCREEN_SUBSCRIPTION : (enum screen_id)step;
		return SCR_GOTO;
	}
	return enter ? SCR_HANDLED : SCR_IGNORED;
}

const struct screen_ops scr_start_ops = {
    .title = N_("hsm-onboard"),
    .help = N_("Choose a profile and press Enter to resume it at the step it reached, N for a new "
               "onboarding, or T for a support ticket (when the setup password has expired). A profile "
               "lives in ~/.local/state/hsm-onboard; 'hsm-onboard status' lists the same."),
    .hints = N_("N new  T ticket  / filter"),
    .enter = scr_start_enter,
    .draw = scr_start_draw,
    .key = scr_start_key,
    .leave = scr_start_leave,
    .tick = scr_start_tick,
};
