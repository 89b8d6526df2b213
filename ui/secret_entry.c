/* secret_entry.c: placeholders-only secret input into a secure-heap buffer (secret_entry.h). */
#include "config.h"

#include "secret_entry.h"

#include "i18n.h"
#include "secmem.h"

#include <stdio.h>
#include <string.h>

#define SECRET_ENTRY_DEFAULT_MAX 1024

struct se_box {
	int y, x, h, w;
};

static struct se_box se_layout(const struct tui *t, int multiline)
{
	struct se_box b;
	b.w = t->cols < 70 ? t->cols : 70;
	(void)multiline;
	b.h = 10; /* room for a two-line prompt, the field and a note */
	if (b.h > t->rows)
		b.h = t->rows;
	b.y = (t->rows - b.h) / 2;
	b.x = (t->cols - b.w) / 2;
	return b;
}

static size_t se_chars(const char *buf, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)buf[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static size_t se_lines(const char *buf, size_t len)
{
	size_t n = len > 0;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n' && i + 1 < len)
			n++;
	return n;
}

static void se_draw(struct tui *t, const struct secret_entry *e, const char *buf, size_t len, int full)
{
	int ml = e->flags & SECRET_ENTRY_MULTILINE;
	struct se_box b = se_layout(t, ml);
	if (t->too_small) {
		tui_draw_too_small(t);
		return;
	}
	if (full) {
		attr_t frame = tui_attr(t, TUI_TITLE);
		for (int r = 0; r < b.h; r++)
			tui_put(b.y + r, b.x, b.w, "", A_NORMAL, 1);
		tui_put(b.y, b.x, b.w, "", frame, 1);
		tui_put(b.y, b.x + 2, b.w - 4, e->title, frame, 0);
		tui_put(b.y + b.h - 1, b.x, b.w, "", frame, 1);
		if (ml)
			tui_put(b.y + b.h - 1, b.x + 2, b.w - 4,
			        _("Paste, then Ctrl-D to finish  Esc cancel  Ctrl-U clear"), frame, 0);
		else
			tui_put(b.y + b.h - 1, b.x + 2, b.w - 4, _("Enter accept  Esc cancel  Ctrl-U clear"), frame, 0);
		tui_wrap(b.y + 2, b.x + 2, b.w - 4, 2, e->prompt, A_BOLD);
		if (e->note)
			tui_wrap(b.y + 7, b.x + 2, b.w - 4, 1, e->note, tui_attr(t, TUI_ERROR));
	}
	/* The field: placeholders only, never the bytes. */
	int fw = b.w - 4;
	char line[512];
	if (ml) {
		snprintf(line, sizeof line, P_("%zu line received (%zu bytes)", "%zu lines received (%zu bytes)",
		                               se_lines(buf, len)),
		         se_lines(buf, len), len);
		tui_put(b.y + 5, b.x + 2, fw, line, tui_attr(t, TUI_HILITE), 1);
	} else {
		size_t n = se_chars(buf, len), shown = 0;
		const char *g = tui_glyph_secret(t);
		size_t gl = strlen(g), off = 0;
		while (shown < n && (int)shown < fw - 1 && off + gl < sizeof line) {
			memcpy(line + off, g, gl);
			off += gl;
			shown++;
		}
		line[off] = '\0';
		tui_put(b.y + 5, b.x + 2, fw, line, tui_attr(t, TUI_HILITE), 1);
	}
	refresh();
}

enum secret_entry_result secret_entry_run(struct tui *t, const struct secret_entry *e, char **out, size_t *len)
{
	size_t cap = e->max ? e->max : SECRET_ENTRY_DEFAULT_MAX;
	char *buf = secmem_alloc(cap);
	if (!buf)
		return SECRET_ENTRY_CANCEL;
	size_t n = 0;
	int pasting = 0, ml = e->flags & SECRET_ENTRY_MULTILINE;
	enum secret_entry_result res = SECRET_ENTRY_CANCEL;
	se_draw(t, e, buf, n, 1);
	for (;;) {
		int k = tui_getkey(t, -1);
		if (k == TUI_KEY_HANGUP) {
			res = SECRET_ENTRY_HANGUP;
			break;
		}
		if (k == KEY_RESIZE) {
			if (e->repaint)
				e->repaint(e->repaint_ctx);
			se_draw(t, e, buf, n, 1);
			continue;
		}
		if (k == TUI_KEY_PASTE_START) {
			pasting = 1;
			continue;
		}
		if (k == TUI_KEY_PASTE_END) {
			pasting = 0;
			se_draw(t, e, buf, n, 0);
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
			se_draw(t, e, buf, n, 0);
	}
	if (res == SECRET_ENTRY_OK) {
		*out = buf;
		*len = n;
	} else {
		secmem_free(buf);
	}
	return res;
}
