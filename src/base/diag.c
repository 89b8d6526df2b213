/* diag.c: error and warning collection for the core (see diag.h for why the core never prints). */
#include "config.h"

#include "diag.h"
#include "i18n.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

void diag_clear(struct diag *d)
{
	if (!d)
		return;
	d->code = EX_OK;
	d->msg[0] = '\0';
}

int diag_set(struct diag *d, int code, const char *fmt, ...)
{
	if (!d)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	d->code = code;
	return code;
}

int diag_set_errno(struct diag *d, int code, const char *fmt, ...)
{
	int saved = errno;
	if (!d)
		return code;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof d->msg)
		snprintf(d->msg + n, sizeof d->msg - (size_t)n, ": %s", strerror(saved));
	d->code = code;
	return code;
}

void diag_warn(struct diag_warnings *w, const char *fmt, ...)
{
	if (!w)
		return;
	if (w->n >= DIAG_MAX_WARNINGS)
		return;
	char buf[DIAG_MSG_MAX];
	if (w->n == DIAG_MAX_WARNINGS - 1) {
		snprintf(buf, sizeof buf, "%s", _("further warnings were dropped"));
	} else {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof buf, fmt, ap);
		va_end(ap);
	}
	char *copy = strdup(buf);
	if (copy)
		w->msg[w->n++] = copy;
}

void diag_warnings_free(struct diag_warnings *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->msg[i]);
	w->n = 0;
}
