/* qr.h: QR codes as text (libqrencode), for the SecureSafe link in the wizard and for tickets.
 *
 * UTF-8 half blocks put two modules in one character cell, so a version-5 code fits an 80x24 screen;
 * ASCII mode (two characters per module, one text row per module) serves terminals and
 * printers without UTF-8. A quiet zone of 4 modules and dark-on-light contrast keep it scannable. */
#ifndef HSMO_QR_H
#define HSMO_QR_H

#include <stddef.h>

#include "diag.h"

#define QR_QUIET_ZONE 4

struct qr_text {
	int version; /* the QR version libqrencode chose */
	int modules; /* modules per side, without the quiet zone */
	int columns; /* display width of each line, in terminal columns */
	size_t n_lines;
	char **lines; /* NUL-terminated UTF-8 (or ASCII) lines */
};

/* Encodes data (8-bit mode, error correction level M) and renders it. ascii=1 for ASCII only. */
int qr_render(const char *data, int ascii, struct qr_text *out, struct diag *d);
void qr_text_free(struct qr_text *q);

#endif
