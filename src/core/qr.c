/* qr.c: QR codes as lines of text (qr.h), through libqrencode.
 *
 * Dark modules are drawn as ink (block characters or "##") and light modules as blanks, which is
 * dark-on-light on paper and on light terminals. A front end that draws on a dark terminal must give
 * the lines a light background and dark foreground (the CLI uses ANSI colours on a tty, the wizard a
 * colour pair), since many phone scanners do not read inverted codes. */
#include "config.h"

#include "qr.h"

#include "i18n.h"
#include "qrlib.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

/* libqrencode: bit 0 of each module byte is 1 for a dark module. */
static int qr_dark(const QRcode *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->width || y >= c->width)
		return 0; /* the quiet zone */
	return c->data[(size_t)y * (size_t)c->width + (size_t)x] & 1;
}

void qr_text_free(struct qr_text *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n_lines; i++)
		free(q->lines[i]);
	free(q->lines);
	memset(q, 0, sizeof *q);
}

int qr_render(const char *data, int ascii, struct qr_text *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	if (!data || !*data)
		return diag_set(d, EX_SOFTWARE, _("QR code: nothing to encode"));
	int lrc = qrlib_load(d);
	if (lrc != EX_OK)
		return lrc;
	errno = 0;
	QRcode *c = qrlib_QRcode_encodeString8bit(data, 0, QR_ECLEVEL_M);
	if (!c) {
		if (errno == ERANGE)
			return diag_set(d, EX_DATAERR, _("QR code: %zu bytes are too many for one QR code"),
			                strlen(data));
		return diag_set_errno(d, EX_SOFTWARE, _("QR code: encoding failed"));
	}

	const int side = c->width + 2 * QR_QUIET_ZONE;
	out->version = c->version;
	out->modules = c->width;
	out->columns = ascii ? 2 * side : side;
	size_t n = ascii ? (size_t)side : (size_t)(side + 1) / 2;
	out->lines = calloc(n, sizeof *out->lines);
	if (!out->lines)
		goto nomem;
	/* At most 3 bytes per UTF-8 half block, or 2 ASCII characters per module. */
	const size_t line_max = (size_t)side * 3 + 1;
	for (size_t row = 0; row < n; row++) {
		char *s = malloc(line_max), *p = s;
		if (!s)
			goto nomem;
		out->lines[row] = s;
		out->n_lines = row + 1;
		for (int col = 0; col < side; col++) {
			int x = col - QR_QUIET_ZONE;
			if (ascii) {
				int y = (int)row - QR_QUIET_ZONE;
				const char *cell = qr_dark(c, x, y) ? "##" : "  ";
				memcpy(p, cell, 2);
				p += 2;
				continue;
			}
			int y = 2 * (int)row - QR_QUIET_ZONE;
			int top = qr_dark(c, x, y), bottom = qr_dark(c, x, y + 1);
			const char *cell = top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
			size_t len = strlen(cell);
			memcpy(p, cell, len);
			p += len;
		}
		*p = '\0';
	}
	qrlib_QRcode_free(c);
	return EX_OK;
nomem:
	qrlib_QRcode_free(c);
	qr_text_free(out);
	return diag_set(d, EX_OSERR, _("QR code: out of memory"));
}
