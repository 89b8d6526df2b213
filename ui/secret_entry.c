/* secret_entry.c: placeholders-only secret input into a secure-heap buffer (secret_entry.h). */
#include "config.h"

#include "secret_entry.h"

#include "i18n.h"
#include "secmem.h"
#include "quote.h"

#include <stdio.h>
#include <string.h>

#define SECRET_ENTRY_DEFAULT_MAX 1024

static size_t se_lines(const char *buf, size_t len)
{
	size_t n = len > 0;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n' && i + 1 < len)
			n++;
	return n;
}

/* The popup (tui_modal, as every popup of the wizard): the prompt, the field, and a note under it.
 * full lays it out anew; otherwise only the field changes. */
static void se_draw(struct tui *t, struct tui_modal *m, const struct secret_entry *e, const char *buf,
                    size_t len, int full)
{
	int ml = e->flags & SECRET_ENTRY_MULTILINE;
	if (t->too_small) {
		tui_modal_close(m);
		tui_draw_too_small(t);
		return;
	}
	int width = t->cols < 70 ? t->cols : 70;
	int prompt_rows = tui_wrap_rows(e->prompt, width - 4, 0);
	if (prompt_rows > 3)
		prompt_rows = 3;
	/* The prompt, a blank row, the field, a blank row and the note. */
	int field = 2 + prompt_rows + 1;
	if (full || !m->win) {
		if (tui_modal_open(t, m, prompt_rows + 4, width, e->title,
		                   ml ? _("Paste, then Ctrl-D to finish  Esc cancel  Ctrl-U clear")
		                      : _("Enter accept  Esc cancel  Ctrl-U clear")) != 0) {
			tui_draw_too_small(t);
			return;
		}
		tui_wwrap(m->win, 2, 2, m->cols, prompt_rows, e->prompt, A_BOLD, 0);
		if (e->note)
			tui_wwrap(m->win, field + 2, 2, m->cols, 1, e->note, tui_attr(t, TUI_POPUP_ERROR), 0);
	}
	/* The field: placeholders only, never the bytes. */
	int fw = m->cols;
	char line[512];
	if (ml) {
		snprintf(line, sizeof line,
		         P_("%zu line received (%zu bytes)", "%zu lines received (%zu bytes)", se_lines(buf, len)),
		         se_lines(buf, len), len);
	} else {
		size_t n = quote_utf8_chars(buf, len), shown = 0;
		const char *g = tui_glyph_secret(t);
		size_t gl = strlen(g), off = 0;
		while (shown < n && (int)shown < fw - 1 && off + gl < sizeof line) {
			memcpy(line + off, g, gl);
			off += gl;
			shown++;
		}
		line[off] = '\0';
	}
	tui_wput(m->win, field, 2, fw, line, tui_attr(t, TUI_HILITE), 1);
	tui_modal_show(m);
}

enum secret_entry_result secret_entry_run(struct tui *t, const struct secret_entry *e, char **out,
                                          size_t *len)
{
	size_t cap = e->max ? e->max : SECRET_ENTRY_DEFAULT_MAX;
	char *buf = secmem_alloc(cap);
	if (!buf)
		return SECRET_ENTRY_CANCEL;
	size_t n = 0;
	int pasting = 0, ml = e->flags & SECRET_ENTRY_MULTILINE;
	enum secret_entry_result res = SECRET_ENTRY_CANCEL;
	struct tui_modal m = {0};
	se_draw(t, &m, e, buf, n, 1);
	for (;;) {
		int k = tui_getkey(t, -1);
		if (k == TUI_KEY_HANGUP) {
			res = SECRET_ENTRY_HANGUP;
			break;
		}
		if (k == KEY_RESIZE) {
			tui_modal_close(&m);
			if (e->repaint)
				e->repaint(e->repaint_ctx);
			se_draw(t, &m, e, buf, n, 1);
			continue;
		}
		if (k == TUI_KEY_PASTE_START) {
			pasting = 1;
			continue;
		}
		if (k == TUI_KEY_PASTE_END) {
			pasting = 0;
			se_draw(t, &m, e, buf, n, 0);
			continue;
		}
		if (k == TUI_KEY_ESC && !pasting)
			break;
		if (k == TUI_KEY_TIMEOUT)
			continue;
		if (!pasting && ((!ml && (k == '\r' || k == '\n' || k == KEY_ENTER)) || (ml && k == TUI_CTRL('d')))) {
			res = SECRET_ENTRY_OK;
			break;
		}
		if (!pasting && k == TUI_CTRL('c'))
			break;
		if (k == KEY_BACKSPACE || k == 127 || k == 8) {
			while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
				buf[--n] = '\0';
			if (n > 0)
				buf[--n] = '\0';
		} else if (k == TUI_CTRL('u')) {
			memset(buf, 0, n);
			n = 0;
		} else if (k == '\r' || k == '\n' || k == KEY_ENTER) {
			/* Only inside a paste (one-line secret: a trailing newline is dropped) or multi-line. */
			if (ml && n + 1 < cap)
				buf[n++] = '\n';
		} else if (k == '\t' && ml) {
			if (n + 1 < cap)
				buf[n++] = '\t';
		} else if (k >= 0x20 && k <= 0xff && k != 127) {
			if (n + 1 < cap)
				buf[n++] = (char)k;
		}
		if (!pasting)
			se_draw(t, &m, e, buf, n, 0);
	}
	tui_modal_close(&m);
	if (res == SECRET_ENTRY_OK) {
		*out = buf;
		*len = n;
	} else {
		secmem_free(buf);
	}
	return res;
}
