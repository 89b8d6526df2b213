/* i18n.h: the gettext wiring, as nano does it. Every user-visible string goes through _(). */
#ifndef HSMO_I18N_H
#define HSMO_I18N_H

#include "config.h"

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#define P_(singular, plural, n) ngettext(singular, plural, n)
#else
#define _(s) (s)
#define P_(singular, plural, n) ((n) == 1 ? (singular) : (plural))
#endif
/* Marks a string for extraction where it must stay a constant (tables); translate at use with _(). */
#define N_(s) (s)

#endif
