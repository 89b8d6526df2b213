/* diag.h: how the core reports errors and warnings without printing anything.
 *
 * The core never writes to the terminal: both front ends (CLI and wizard) must show the same message,
 * so a failing core function fills a struct diag and returns its sysexits code. Messages are already
 * translated and already carry their location ("FILE:LINE: message"). They never hold a secret. */
#ifndef HSMO_DIAG_H
#define HSMO_DIAG_H

#include <stddef.h>

#define DIAG_MSG_MAX 1024
#define DIAG_MAX_WARNINGS 32

struct diag {
	int code;               /* a sysexits.h code; EX_OK (0) when nothing failed */
	char msg[DIAG_MSG_MAX]; /* translated, one line or a few, never a secret */
};

struct diag_warnings {
	size_t n;
	char *msg[DIAG_MAX_WARNINGS]; /* heap strings; the last slot says that more were dropped */
};

void diag_clear(struct diag *d);
/* Sets code and message, returns code, so callers can write: return diag_set(d, EX_DATAERR, ...). */
int diag_set(struct diag *d, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds "strerror(errno)" context: "<formatted>: <strerror>". Reads errno before anything else. */
int diag_set_errno(struct diag *d, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void diag_warn(struct diag_warnings *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_warnings_free(struct diag_warnings *w);

#endif
