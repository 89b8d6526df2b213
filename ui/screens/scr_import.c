/* scr_import.c: step 4, download and import. Four ways in, on one screen: the download folder (listed
 * live), a path (Tab completes), pasted file contents (into a secure buffer), and an HTTPS link. Each
 * file is validated on the spot with the parser `inspect` uses; Enter imports them all at once through
 * import_credfiles, the function behind `import`, which pairs them and creates the vault (the
 * passphrase is asked twice here, placeholders only). Then it offers to shred the plaintext. */
#include "config.h"

#include "credfile.h"
#include "fsutil.h"
#include "i18n.h"
#include "import.h"
#include "secmem.h"
#include "secret_entry.h"
#include "vault.h"
#include "watch.h"
#include "fetch.h"
#include "wiz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#define SCR_IMPORT_MAX 16

struct scr_import_item {
	char *path;   /* a file, or the display name of pasted contents */
	char *pasted; /* secmem: pasted contents, or NULL */
	size_t pasted_len;
	int from_folder;
	int ok;
	char kind[32];
	char user[96];
	char err[DIAG_MSG_MAX];
};

static struct {
	char dir[1024];
	struct scr_import_item it[SCR_IMPORT_MAX];
	size_t n;
	size_t sel;
	int imported;
	time_t dir_mtime;
	int n_pasted;
	int parse_flags; /* enum credfile_parse_flags, from --accept-setup-format */
} scr_imp;

static void scr_imp_free_item(struct scr_import_item *i)
{
	free(i->path);
	secmem_free(i->pasted);
	memset(i, 0, sizeof *i);
}

static void scr_imp_clear(int folder_only)
{
	size_t out = 0;
	for (size_t i = 0; i < scr_imp.n; i++) {
		if (!folder_only || scr_imp.it[i].from_folder)
			scr_imp_free_item(&scr_imp.it[i]);
		else
			scr_imp.it[out++] = scr_imp.it[i];
	}
	scr_imp.n = out;
}

/* One item, parsed as `inspect` parses a file (with --accept-setup-format's flags): a path, or the
 * pasted contents from the secure heap. */
static int scr_imp_parse(const struct scr_import_item *i, struct credfile *cf, struct diag_warnings *wr,
                         struct diag *d)
{
	return i->pasted ? credfile_parse_buffer_flags(i->path, i->pasted, i->pasted_len, scr_imp.parse_flags, cf,
	                                               wr, d)
	                 : credfile_parse_file_flags(i->path, scr_imp.parse_flags, cf, wr, d);
}

/* Validates one item with the same parser as `inspect`; keeps only the verdict, never a secret. */
static void scr_imp_validate(struct scr_import_item *i)
{
	struct credfile cf;
	struct diag_warnings wr;
	struct diag d;
	memset(&cf, 0, sizeof cf);
	memset(&wr, 0, sizeof wr);
	diag_clear(&d);
	int rc = scr_imp_parse(i, &cf, &wr, &d);
	i->ok = rc == 0;
	if (rc == 0) {
		snprintf(i->kind, sizeof i->kind, "%s", credfile_kind_name(cf.kind));
		snprintf(i->user, sizeof i->user, "%s",
		         cf.hsm_user ? cf.hsm_user : (cf.api_endpoint ? cf.api_endpoint : "-"));
		i->err[0] = '\0';
		if (wr.n)
			snprintf(i->err, sizeof i->err, "%s", wr.msg[0]);
	} else {
		snprintf(i->err, sizeof i->err, "%s", d.msg);
	}
	diag_warnings_free(&wr);
	credfile_free(&cf);
}

static int scr_imp_has(const char *path)
{
	for (size_t i = 0; i < scr_imp.n; i++)
		if (!scr_imp.it[i].pasted && strcmp(scr_imp.it[i].path, path) == 0)
			return 1;
	return 0;
}

static void scr_imp_add_path(const char *path, int from_folder)
{
	if (scr_imp.n >= SCR_IMPORT_MAX || scr_imp_has(path))
		return;
	struct scr_import_item *i = &scr_imp.it[scr_imp.n++];
	memset(i, 0, sizeof *i);
	i->path = strdup(path);
	i->from_folder = from_folder;
	scr_imp_validate(i);
}

/* The download folder, listed again when it changed: credential files by their documented names. */
static int scr_imp_scan(int force)
{
	struct stat sb;
	if (stat(scr_imp.dir, &sb) != 0)
		return 0;
	if (!force && sb.st_mtime == scr_imp.dir_mtime)
		return 0;
	scr_imp.dir_mtime = sb.st_mtime;
	DIR *dir = opendir(scr_imp.dir);
	if (!dir)
		return 0;
	char *names[SCR_IMPORT_MAX];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(dir)) && n < SCR_IMPORT_MAX) {
		struct credfile_name cn;
		memset(&cn, 0, sizeof cn);
		if (de->d_name[0] != '.' && credfile_parse_name(de->d_name, &cn) == 0)
			names[n++] = strdup(de->d_name);
		credfile_name_free(&cn);
	}
	closedir(dir);
	scr_imp_clear(1);
	for (size_t i = 0; i < n; i++) {
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", scr_imp.dir, names[i]);
		scr_imp_add_path(path, 1);
		free(names[i]);
	}
	return 1;
}

static void scr_imp_enter(struct wiz *w)
{
	if (w->opts.download_dir) {
		snprintf(scr_imp.dir, sizeof scr_imp.dir, "%s", w->opts.download_dir);
	} else {
		struct diag d;
		diag_clear(&d);
		if (watch_default_dir(scr_imp.dir, sizeof scr_imp.dir, &d) != 0)
			snprintf(scr_imp.dir, sizeof scr_imp.dir, "%s/Downloads", getenv("HOME") ? getenv("HOME") : ".");
	}
	scr_imp.parse_flags = w->opts.accept_setup_format ? CREDFILE_ACCEPT_SETUP_FORMAT : 0;
	scr_imp.sel = 0;
	scr_imp.imported = 0;
	scr_imp.dir_mtime = 0;
	scr_imp_scan(1);
}

static void scr_imp_leave(struct wiz *w)
{
	(void)w;
	scr_imp_clear(0);
}

static void scr_imp_list(struct wiz *w, const struct screen_area *a)
{
	int y = a->y + 3;
	int max = a->rows - 9;
	for (int r = 0; r < max; r++)
		tui_put(y + r, a->x, a->cols, "", A_NORMAL, 1);
	if (scr_imp.n == 0) {
		tui_put(y, a->x + 2, a->cols - 2, _("(waiting for credential files...)"), tui_attr(&w->tui, TUI_DIM),
		        0);
		return;
	}
	for (size_t i = 0; i < scr_imp.n && (int)(i * 2) < max; i++) {
		const struct scr_import_item *it = &scr_imp.it[i];
		const char *base = strrchr(it->path, '/') ? strrchr(it->path, '/') + 1 : it->path;
		char line[512];
		snprintf(line, sizeof line, "%s %s", it->ok ? tui_glyph_check(&w->tui, 1) : "[!]", base);
		tui_put(y, a->x, a->cols, line, i == scr_imp.sel ? tui_attr(&w->tui, TUI_HILITE) : A_NORMAL, 1);
		if (it->ok)
			snprintf(line, sizeof line, _("%s file, HSM user %s%s%s"), it->kind, it->user,
			         it->err[0] ? "; " : "", it->err);
		else
			snprintf(line, sizeof line, "%s", it->err);
		tui_put(y + 1, a->x + 4, a->cols - 4, line,
		        it->ok ? tui_attr(&w->tui, TUI_DIM) : tui_attr(&w->tui, TUI_ERROR), 1);
		y += 2;
	}
}

/* The pairing, as import will do it: per HSM user, which kinds are there and whether that is a
 * complete delivery (service + hsm, or combined, or jwt). */
static void scr_imp_pairing(struct wiz *w, int y, const struct screen_area *a)
{
	char line[512] = "";
	size_t off = 0;
	for (size_t i = 0; i < scr_imp.n; i++) {
		if (!scr_imp.it[i].ok)
			continue;
		int seen = 0;
		for (size_t k = 0; k < i; k++)
			if (scr_imp.it[k].ok && strcmp(scr_imp.it[k].user, scr_imp.it[i].user) == 0)
				seen = 1;
		if (seen)
			continue;
		int svc = 0, hsm = 0, comb = 0, jwt = 0;
		for (size_t k = 0; k < scr_imp.n; k++) {
			if (!scr_imp.it[k].ok || strcmp(scr_imp.it[k].user, scr_imp.it[i].user) != 0)
				continue;
			svc |= strcmp(scr_imp.it[k].kind, "service") == 0;
			hsm |= strcmp(scr_imp.it[k].kind, "hsm") == 0;
			comb |= strcmp(scr_imp.it[k].kind, "credentials") == 0;
			jwt |= strcmp(scr_imp.it[k].kind, "jwt") == 0;
		}
		const char *verdict = (svc && hsm) || comb || jwt
		                          ? _("complete")
		                          : (svc ? _("hsm file missing") : _("service file missing"));
		off += (size_t)snprintf(line + off, sizeof line - off, "%s%s: %s", off ? "; " : "",
		                        scr_imp.it[i].user, verdict);
		if (off >= sizeof line)
			break;
	}
	if (line[0]) {
		char full[600];
		snprintf(full, sizeof full, _("Pairing: %s"), line);
		tui_put(y, a->x, a->cols, full, A_BOLD, 1);
	} else {
		tui_put(y, a->x, a->cols, "", A_NORMAL, 1);
	}
	(void)w;
}

static void scr_imp_draw(struct wiz *w, const struct screen_area *a)
{
	char line[1200], dir[1024];
	/* One line for the folder: its middle goes before its name does. */
	tui_path_fit(scr_imp.dir, a->cols - tui_width(_("Watching %s for the downloaded files.")) + 2, dir,
	             sizeof dir);
	snprintf(line, sizeof line, _("Watching %s for the downloaded files."), dir);
	tui_wrap(a->y, a->x, a->cols, 2, line, A_NORMAL);
	scr_imp_list(w, a);
	int y = a->y + a->rows - 4;
	scr_imp_pairing(w, y - 1, a);
	tui_wrap(y, a->x, a->cols, 2,
	         _("P: a file's path (Tab completes)  V: paste a file's contents  U: an HTTPS link  "
	           "Del: drop a file"),
	         tui_attr(&w->tui, TUI_DIM));
	tui_wrap(y + 2, a->x, a->cols, 2,
	         _("Enter imports every valid file into the encrypted profile (you choose its passphrase)."),
	         A_BOLD);
}

static int scr_imp_tick(struct wiz *w, const struct screen_area *a)
{
	if (scr_imp.imported)
		return 0;
	if (scr_imp_scan(0)) {
		scr_imp_list(w, a);
		scr_imp_pairing(w, a->y + a->rows - 5, a);
	}
	return 1;
}

static char *scr_imp_ask_path(struct wiz *w)
{
	return wiz_ask_path(w, _("Credential file"), _("Path of the file (Tab completes, Enter adds it):"), NULL);
}

static char *scr_imp_passphrase_cb(void *ctx, const char *profile, int create, struct diag *d)
{
	struct wiz *w = ctx;
	char *p = wiz_ask_passphrase(w, profile, create);
	if (!p) {
		diag_set(d, EX_TEMPFAIL, "%s", _("cancelled: no passphrase given"));
		return NULL;
	}
	/* Kept (secure heap) to open the new vault right after, so it is typed only at import. */
	secmem_free(w->session_pass);
	w->session_pass = secmem_strdup(p);
	return p;
}

static int scr_imp_confirm_cb(void *ctx, const char *question)
{
	return wiz_confirm(ctx, question, 0);
}

/* The valid items parsed again for the import: the list keeps only their verdicts, never a secret.
 * Returns 0 with *nf files, or the parser's error in d (the files before it are in files[0..*nf)). */
static int scr_imp_parse_all(struct credfile *files, size_t *nf, struct diag *d)
{
	for (size_t i = 0; i < scr_imp.n; i++) {
		const struct scr_import_item *it = &scr_imp.it[i];
		if (!it->ok)
			continue;
		struct diag_warnings wr;
		memset(&wr, 0, sizeof wr);
		memset(&files[*nf], 0, sizeof files[*nf]);
		int rc = scr_imp_parse(it, &files[*nf], &wr, d);
		diag_warnings_free(&wr);
		if (rc != 0)
			return rc;
		(*nf)++;
	}
	return 0;
}

/* import_credfiles, the function behind `import`, with the profile's lock released for the call (it
 * takes the lock itself), and the choices of step 1 it does not know about kept. */
static int scr_imp_import(struct wiz *w, struct credfile *files, size_t nf, struct diag *d)
{
	char name[128];
	snprintf(name, sizeof name, "%s", w->prof.name);
	struct import_opts o = {
	    .profile = name,
	    .tier = w->prof.st.tier,
	    .service_type = w->prof.st.service_type,
	    .kdf_ms = w->opts.kdf_ms,
	    .accept_setup_format = w->opts.accept_setup_format,
	    .passphrase = scr_imp_passphrase_cb,
	    .passphrase_ctx = w,
	    .confirm = scr_imp_confirm_cb,
	    .confirm_ctx = w,
	};
	struct import_result res;
	memset(&res, 0, sizeof res);
	enum state_api api = w->prof.st.api;
	char *cluster = w->prof.st.cluster ? strdup(w->prof.st.cluster) : NULL;
	wiz_close_profile(w);
	int rc = import_credfiles(files, nf, &o, &res, d);
	int rc2 = wiz_open_profile(w, name, 0);
	if (rc == 0 && rc2 == 0) {
		if (w->prof.st.api == API_UNKNOWN)
			w->prof.st.api = api;
		if (!w->prof.st.cluster && cluster)
			w->prof.st.cluster = strdup(cluster);
		state_reach_step(&w->prof.st, STEP_IMPORT); /* import reached STEP_REVIEW: never back */
		wiz_save(w);
	}
	free(cluster);
	if (res.warnings.n)
		wiz_status(w, TUI_WARN, "%s", res.warnings.msg[0]);
	import_result_free(&res);
	return rc == 0 ? rc2 : rc;
}

/* The new vault, opened with the passphrase given at the import, so that it is typed only once. */
static void scr_imp_open_vault(struct wiz *w)
{
	if (!w->session_pass)
		return;
	struct diag d;
	diag_clear(&d);
	if (vault_open(w->prof.vault_path, w->session_pass, &w->vault, &d) != 0)
		wiz_status(w, TUI_ERROR, "%s", d.msg);
	secmem_free(w->session_pass);
	w->session_pass = NULL;
}

/* The plaintext files are no longer needed: offer to shred them (not pasted contents). */
static void scr_imp_offer_shred(struct wiz *w)
{
	size_t nfiles = 0;
	for (size_t i = 0; i < scr_imp.n; i++)
		if (scr_imp.it[i].ok && !scr_imp.it[i].pasted)
			nfiles++;
	if (!nfiles ||
	    !wiz_confirm(w,
	                 _("Imported. Shred the plaintext credential files now (overwrite, then delete)? "
	                   "On SSDs and copy-on-write filesystems this is best effort."),
	                 0))
		return;
	for (size_t i = 0; i < scr_imp.n; i++) {
		if (!scr_imp.it[i].ok || scr_imp.it[i].pasted)
			continue;
		struct diag d;
		diag_clear(&d);
		if (fsutil_shred(scr_imp.it[i].path, &d) != 0)
			wiz_status(w, TUI_ERROR, "%s", d.msg);
	}
}

static int scr_imp_run(struct wiz *w)
{
	struct credfile files[SCR_IMPORT_MAX];
	size_t nf = 0;
	struct diag d;
	diag_clear(&d);
	int rc = scr_imp_parse_all(files, &nf, &d);
	if (rc == 0 && nf == 0) {
		wiz_status(w, TUI_WARN, "%s", _("No valid credential file yet: download them, or use P, V or U."));
		return -1;
	}
	if (rc == 0)
		rc = scr_imp_import(w, files, nf, &d);
	for (size_t i = 0; i < nf; i++)
		credfile_free(&files[i]);
	if (rc != 0) {
		if (d.msg[0])
			wiz_status(w, TUI_ERROR, "%s", d.msg);
		secmem_free(w->session_pass);
		w->session_pass = NULL;
		return -1;
	}
	scr_imp_open_vault(w);
	scr_imp.imported = 1;
	wiz_redraw(w);
	scr_imp_offer_shred(w);
	return 0;
}

/* The progress bar of a download, drawn on the status line (fetch_url calls it as bytes arrive). */
static int scr_imp_progress(void *ctx, long long now, long long total)
{
	struct wiz *w = ctx;
	char bar[128];
	int width = 40, done = total > 0 ? (int)(now * width / total) : 0;
	if (done > width)
		done = width;
	snprintf(bar, sizeof bar, "[%.*s%*s] %lld/%lld", done, "########################################",
	         width - done, "", now, total);
	tui_put(w->tui.rows - 2, 1, w->tui.cols - 2, bar, A_BOLD, 1);
	refresh();
	timeout(0);
	int k = getch();
	return k == 27 || tui_hangup_pending();
}

/* U: an HTTPS link, fetched with the same rules as `fetch` (https only, capped, verified). */
static void scr_imp_fetch(struct wiz *w)
{
	char *url = wiz_ask_text(w, _("HTTPS link"),
	                         _("The direct https:// link to a credential file (Esc cancels):"), NULL);
	if (!url || !url[0]) {
		free(url);
		return;
	}
	char dir[1024];
	struct diag d;
	diag_clear(&d);
	struct fetch_result r;
	memset(&r, 0, sizeof r);
	struct fetch_opts o = {.cacert = w->opts.cacert, .progress = scr_imp_progress, .progress_ctx = w};
	wiz_redraw(w);
	if (fetch_download_dir(dir, sizeof dir, &d) == 0 && fetch_url(url, dir, &o, &r, &d) == 0 && r.path) {
		scr_imp_add_path(r.path, 0);
		wiz_status(w, TUI_OK, _("Downloaded %s."), r.path);
	} else {
		wiz_status(w, TUI_ERROR, "%s", d.msg);
	}
	fetch_result_free(&r);
	free(url);
}

static int scr_imp_key(struct wiz *w, int key)
{
	if (wiz_choice_key(key, &scr_imp.sel, scr_imp.n))
		return SCR_REDRAW;
	if (key == KEY_DC && scr_imp.sel < scr_imp.n) {
		scr_imp_free_item(&scr_imp.it[scr_imp.sel]);
		memmove(&scr_imp.it[scr_imp.sel], &scr_imp.it[scr_imp.sel + 1],
		        (scr_imp.n - scr_imp.sel - 1) * sizeof scr_imp.it[0]);
		scr_imp.n--;
		scr_imp.sel = 0;
		return SCR_REDRAW;
	}
	if (key == 'p' || key == 'P') {
		char *p = scr_imp_ask_path(w);
		if (p && p[0])
			scr_imp_add_path(p, 0);
		free(p);
		return SCR_REDRAW;
	}
	if (key == 'v' || key == 'V') {
		struct secret_entry e = {
		    .title = _("Paste file contents"),
		    .prompt = _("Paste the whole credential file (it is kept in protected memory, never shown):"),
		    .max = CREDFILE_MAX_SIZE,
		    .flags = SECRET_ENTRY_MULTILINE,
		};
		char *buf = NULL;
		size_t len = 0;
		if (secret_entry_run(&w->tui, &e, &buf, &len) == SECRET_ENTRY_OK && scr_imp.n < SCR_IMPORT_MAX) {
			struct scr_import_item *i = &scr_imp.it[scr_imp.n++];
			memset(i, 0, sizeof *i);
			char name[64];
			snprintf(name, sizeof name, _("pasted-%d"), ++scr_imp.n_pasted);
			i->path = strdup(name);
			/* The entry buffer is the largest a file may be (64 KiB, which the secure heap's buddy
			 * allocator rounds to 128 KiB): keep a copy of the right size, or the second paste finds
			 * the 256 KiB heap full and fails with "out of memory". */
			char *fit = secmem_strndup(buf, len);
			if (fit) {
				secmem_free(buf);
				buf = fit;
			}
			i->pasted = buf;
			i->pasted_len = len;
			scr_imp_validate(i);
		} else {
			secmem_free(buf);
		}
		return SCR_REDRAW;
	}
	if (key == 'u' || key == 'U') {
		scr_imp_fetch(w);
		return SCR_REDRAW;
	}
	if (key == '\r' || key == '\n' || key == KEY_ENTER) {
		if (!w->have_prof)
			return SCR_REDRAW;
		if (scr_imp.imported)
			return SCR_NEXT;
		return scr_imp_run(w) == 0 ? SCR_NEXT : SCR_REDRAW;
	}
	return SCR_IGNORED;
}

const struct screen_ops scr_import_ops = {
    .title = N_("Download and import"),
    .help = N_("Download the files from SecureSafe into the watched folder, or add them with P (a path), "
               "V (paste the contents: for SSH sessions without a shared disk) or U (an HTTPS link). Each "
               "file is checked at once. Enter imports them all into the profile's encrypted vault; nothing "
               "is written unless every file is valid and they belong together."),
    .hints = N_("P path  V paste  U link"),
    .enter = scr_imp_enter,
    .draw = scr_imp_draw,
    .key = scr_imp_key,
    .leave = scr_imp_leave,
    .tick = scr_imp_tick,
};
