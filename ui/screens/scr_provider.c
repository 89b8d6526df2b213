/* scr_provider.c: step 9, the provider configuration: rotation_write_config (what `config` writes)
 * on entering, then where the files went and the next step. */
#include "config.h"

#include "i18n.h"
#include "wiz_engine.h"
#include "wiz.h"
#include "rotation.h"

#include <stdio.h>
#include <string.h>

static struct {
	struct engine_files files;
	int failed;
	char msg[DIAG_MSG_MAX];
	char dir[1024];
} scr_prov;

static void scr_provider_enter(struct wiz *w)
{
	engine_files_free(&scr_prov.files);
	memset(&scr_prov, 0, sizeof scr_prov);
	if (!w->have_prof || !rotation_is_done(&w->prof.st)) {
		scr_prov.failed = 1;
		snprintf(scr_prov.msg, sizeof scr_prov.msg, "%s",
		         _("The first connection (step 8) is not done yet: the configuration needs the new user secret."));
		return;
	}
	wiz_engine_config_dir(w, scr_prov.dir, sizeof scr_prov.dir);
	if (wiz_unlock(w) != 0) {
		scr_prov.failed = 1;
		snprintf(scr_prov.msg, sizeof scr_prov.msg, "%s", _("The vault is needed to write the configuration."));
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
}

static void scr_provider_leave(struct wiz *w)
{
	(void)w;
	engine_files_free(&scr_prov.files);
}

static void scr_provider_draw(struct wiz *w, const struct screen_area *a)
{
	int y = a->y;
	if (scr_prov.failed) {
		tui_put(y, a->x, a->cols, _("The provider configuration was not written."), tui_attr(&w->tui, TUI_ERROR), 0);
		y += 2;
		y += tui_wrap(y, a->x, a->cols, 5, scr_prov.msg, A_NORMAL) + 1;
		tui_wrap(y, a->x, a->cols, 2, _("R tries again; 'hsm-onboard config' does the same."), tui_attr(&w->tui, TUI_WARN));
		return;
	}
	char line[1200];
	snprintf(line, sizeof line, _("Written in %s:"), scr_prov.dir);
	y += tui_wrap(y, a->x, a->cols, 2, line, A_BOLD) + 1;
	for (size_t i = 0; i < scr_prov.files.n; i++) {
		snprintf(line, sizeof line, "%s %s", tui_glyph_bullet(&w->tui), scr_prov.files.what[i] ? scr_prov.files.what[i] : "");
		tui_put(y++, a->x, a->cols, line, A_NORMAL, 0);
		/* The file name matters most: show the end of a long path. */
		const char *pth = scr_prov.files.path[i];
		while (tui_width(pth) > a->cols - 4)
			pth++;
		tui_put(y++, a->x + 4, a->cols - 4, pth, A_BOLD, 0);
	}
	y++;
	tui_wrap(y, a->x, a->cols, 5,
	         _("Next: point your application at these files. They hold no secret except where a PIN file is "
	           "listed (mode 0600); the user secret itself stays in the encrypted vault. Enter finishes."),
	         A_NORMAL);
}

static int scr_provider_key(struct wiz *w, int key)
{
	if (scr_prov.failed && (key == 'r' || key == 'R')) {
		scr_provider_enter(w);
		return SCR_REDRAW;
	}
	if (scr_prov.failed && (key == '\r' || key == '\n' || key == KEY_ENTER))
		return SCR_HANDLED;
	return SCR_IGNORED;
}

const struct screen_ops scr_provider_ops = {
	.title = N_("Provider configuration"),
	.help = N_("The provider configuration tells your application how to reach the HSM: for PKCS#11 a "
	           "module and token URI, for Primus a primus.cfg. The user secret stays in the vault."),
	.enter = scr_provider_enter,
	.draw = scr_provider_draw,
	.key = scr_provider_key,
	.leave = scr_provider_leave,
};
