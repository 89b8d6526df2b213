/* scr_provider.c: step 9, the provider configuration: rotation_write_config (what `config` writes)
 * on entering, then where the files went and the next step. The targets that fit the profile
 * (targets.h) are offered too: a digit writes one into the same folder, through targets_input_from
 * and targets_write_list as `config --for TARGET` does. Enter alone goes on, so the demo's path keeps
 * its keystrokes. */
#include "config.h"

#include "i18n.h"
#include "orders.h"
#include "wiz_engine.h"
#include "engine.h"
#include "wiz.h"
#include "rotation.h"
#include "targets.h"
#include "wizard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	struct filelist files;
	int failed;
	char msg[DIAG_MSG_MAX];
	char dir[1024];
	const struct target *fit[9]; /* the targets that fit the profile; digit i + 1 writes fit[i] */
	size_t n_fit;
	unsigned written; /* bit i: fit[i] was written into dir */
} scr_prov;

static void scr_provider_fit(struct wiz *w)
{
	scr_prov.n_fit = 0;
	scr_prov.written = 0;
	for (size_t i = 0; targets_all[i] && scr_prov.n_fit < sizeof scr_prov.fit / sizeof scr_prov.fit[0]; i++)
		if (targets_fit(targets_all[i], &w->prof.st))
			scr_prov.fit[scr_prov.n_fit++] = targets_all[i];
}

/* Writes the configuration into scr_prov.dir. */
static void scr_provider_write(struct wiz *w)
{
	filelist_free(&scr_prov.files);
	scr_prov.failed = 0;
	scr_prov.msg[0] = '\0';
	if (!w->have_prof || !rotation_config_allowed(&w->prof.st)) {
		scr_prov.failed = 1;
		snprintf(
		    scr_prov.msg, sizeof scr_prov.msg, "%s",
		    _("The first connection (step 8) is not done yet: the configuration needs the new user secret."));
		return;
	}
	if (wiz_unlock(w) != 0) {
		scr_prov.failed = 1;
		snprintf(scr_prov.msg, sizeof scr_prov.msg, "%s",
		         _("The vault is needed to write the configuration."));
		return;
	}
	/* A TSBaaS profile has no engine and no provider files of its own: only its targets, from the
	 * vault, as `config --for` writes them (rotation_config_allowed). */
	if (state_is_tsbaas(&w->prof.st)) {
		scr_provider_fit(w);
		return;
	}
	struct engine_ctx e;
	if (wiz_engine_open(w, &e) != 0) {
		scr_prov.failed = 1;
		snprintf(scr_prov.msg, sizeof scr_prov.msg, "%s", w->status);
		return;
	}
	struct diag d;
	diag_clear(&d);
	if (rotation_write_config(&w->prof, w->vault, &e, scr_prov.dir, &scr_prov.files, &d) != 0) {
		scr_prov.failed = 1;
		snprintf(scr_prov.msg, sizeof scr_prov.msg, "%s", d.msg);
	}
	wiz_engine_close(&e);
	scr_provider_fit(w);
}

/* Digit i + 1: the files of target fit[i] in the same folder; README.txt is rewritten to name them
 * with the provider files, as `config --for` writes it. */
static int scr_provider_target(struct wiz *w, size_t i)
{
	if (scr_prov.failed || i >= scr_prov.n_fit)
		return SCR_IGNORED;
	const struct target *t = scr_prov.fit[i];
	struct engine_ctx e;
	int tsbaas = state_is_tsbaas(&w->prof.st);
	if (wiz_unlock(w) != 0 || (!tsbaas && wiz_engine_open(w, &e) != 0))
		return SCR_REDRAW;
	struct filelist files = {0};
	for (size_t k = 0; k < scr_prov.files.n; k++)
		filelist_add(&files, scr_prov.files.path[k], scr_prov.files.what[k]);
	struct targets_input in;
	targets_input_from(&in, w->prof.name, &w->prof.st, w->vault, tsbaas ? NULL : &e);
	struct diag d;
	diag_clear(&d);
	int rc = targets_write_list(&t, 1, &in, scr_prov.dir, &files, &d);
	if (!tsbaas)
		wiz_engine_close(&e);
	filelist_free(&files);
	if (rc != 0) {
		wiz_status(w, TUI_ERROR, "%s", d.msg);
		return SCR_REDRAW;
	}
	scr_prov.written |= 1u << i;
	wiz_status(w, TUI_OK, _("%s: written; README.txt in the folder says which files hold a secret."),
	           t->name);
	return SCR_REDRAW;
}

static void scr_provider_enter(struct wiz *w)
{
	filelist_free(&scr_prov.files);
	memset(&scr_prov, 0, sizeof scr_prov);
	if (w->have_prof)
		wiz_engine_config_dir(w, scr_prov.dir, sizeof scr_prov.dir);
	scr_provider_write(w);
}

static void scr_provider_leave(struct wiz *w)
{
	(void)w;
	filelist_free(&scr_prov.files);
}

static void scr_provider_draw(struct wiz *w, const struct screen_area *a)
{
	int y = a->y;
	if (scr_prov.failed) {
		tui_put(y, a->x, a->cols, _("The provider configuration was not written."),
		        tui_attr(&w->tui, TUI_ERROR), 0);
		y += 2;
		y += tui_wrap(y, a->x, a->cols, 5, scr_prov.msg, A_NORMAL) + 1;
		tui_wrap(y, a->x, a->cols, 2, _("R tries again; 'hsm-onboard config' does the same."),
		         tui_attr(&w->tui, TUI_WARN));
		return;
	}
	char line[1200], shown[1024];
	tui_path_fit(scr_prov.dir, a->cols - tui_width(_("Written in %s:")), shown, sizeof shown);
	snprintf(line, sizeof line, _("Written in %s:"), shown);
	y += tui_wrap(y, a->x, a->cols, 2, line, A_BOLD) + 1;
	for (size_t i = 0; i < scr_prov.files.n; i++) {
		y += tui_wrap_item(y, a->x, a->cols, 2, tui_glyph_bullet(&w->tui),
		                   scr_prov.files.what[i] ? scr_prov.files.what[i] : "", A_NORMAL);
		/* The file name matters most: a long path loses its middle, never its name. */
		tui_put_path(y++, a->x + 2, a->cols - 2, scr_prov.files.path[i], A_BOLD);
	}
	y++;
	/* The targets that fit, one row each: "[x] 1 libp11  summary". */
	if (scr_prov.n_fit > 0) {
		y += tui_wrap(y, a->x, a->cols, 2, _("For the software you run, press its number to add its files:"),
		              A_NORMAL);
		for (size_t i = 0; i < scr_prov.n_fit; i++) {
			snprintf(line, sizeof line, "%s %zu %-9s %s",
			         tui_glyph_check(&w->tui, (scr_prov.written >> i) & 1), i + 1, scr_prov.fit[i]->name,
			         _(scr_prov.fit[i]->label));
			tui_put(y++, a->x + 2, a->cols - 2, line, A_NORMAL, 0);
		}
		y++;
	}
	/* Where the user secret is now, from the core (engine_secret_place), with the folder shown. */
	char place[1200], dir[1024];
	/* The engine of the profile's path when the wizard chose it (orders_path_of). */
	const char *eng = orders_path_engine(&w->prof.st) ? orders_path_engine(&w->prof.st) : "pkcs11";
	tui_path_fit(scr_prov.dir, a->cols / 2, dir, sizeof dir);
	int own = !state_is_tsbaas(&w->prof.st) && engine_secret_place(eng, dir, place, sizeof place) == 0;
	if (own && scr_prov.written)
		snprintf(
		    line, sizeof line,
		    _("The user secret is now in the encrypted vault and in %s; README.txt names the other files "
		      "that hold a secret (mode 0600). D writes them into another folder; Enter finishes."),
		    place);
	else if (own)
		snprintf(
		    line, sizeof line,
		    _("The user secret is now in the encrypted vault and in %s; the other files hold no secret. "
		      "Point your application at these files. D writes them into another folder; Enter finishes."),
		    place);
	else
		snprintf(
		    line, sizeof line, "%s",
		    _("Point your application at these files. D writes them into another folder; Enter finishes."));
	tui_wrap(y, a->x, a->cols, a->y + a->rows - y, line, A_NORMAL);
}

/* D: another folder for the files (Tab completes). The files already written stay where they are:
 * the status line says so, since one of them holds the secret. */
static int scr_provider_move(struct wiz *w)
{
	char *dir = wiz_ask_path(w, _("Provider configuration folder"),
	                         _("Folder for the provider configuration (Tab completes):"), scr_prov.dir);
	if (!dir || !dir[0] || strcmp(dir, scr_prov.dir) == 0) {
		free(dir);
		return SCR_REDRAW;
	}
	char old[1024];
	snprintf(old, sizeof old, "%s", scr_prov.dir);
	int had = !scr_prov.failed && scr_prov.files.n > 0;
	snprintf(scr_prov.dir, sizeof scr_prov.dir, "%s", dir);
	free(dir);
	scr_provider_write(w);
	if (!scr_prov.failed && had)
		wiz_status(w, TUI_WARN,
		           _("The files written before are still in %s: delete them if no application uses them."),
		           old);
	return SCR_REDRAW;
}

static int scr_provider_key(struct wiz *w, int key)
{
	if (key == 'd' || key == 'D')
		return scr_provider_move(w);
	if (key >= '1' && key <= '9')
		return scr_provider_target(w, (size_t)(key - '1'));
	if (scr_prov.failed && (key == 'r' || key == 'R')) {
		scr_provider_write(w);
		return SCR_REDRAW;
	}
	if (scr_prov.failed && (key == '\r' || key == '\n' || key == KEY_ENTER))
		return SCR_HANDLED;
	return SCR_IGNORED;
}

const struct screen_ops scr_provider_ops = {
    .title = N_("Provider configuration"),
    .help = N_("The provider configuration tells your application how to reach the HSM: for PKCS#11 a "
               "module, a token URI and a 0600 PIN file, for Primus a primus.cfg and the provider's "
               ".secrets.cfg. They go "
               "into ~/.config/hsm-onboard/PROFILE unless you choose another folder with D. The numbered "
               "lines add the files of the software you run (OpenSSL, Vault, TSB, ...), the same as "
               "'hsm-onboard config --for'."),
    .hints = N_("D folder"),
    .enter = scr_provider_enter,
    .draw = scr_provider_draw,
    .key = scr_provider_key,
    .leave = scr_provider_leave,
};
