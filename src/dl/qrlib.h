/* qrlib.h: libqrencode, loaded on first use (contract).
 *
 * Why: only QR codes (the SecureSafe link, tickets) need libqrencode, never the wizard's first frame;
 * linked, it and the libpthread it needs were mapped and relocated at every start (doc/PERFORMANCE.md;
 * lazylib.h). <qrencode.h> still gives the types and constants. Each wrapper has the library
 * function's name and parameters, prefixed with qrlib_. */
#ifndef HSMO_QRLIB_H
#define HSMO_QRLIB_H

#include "diag.h"
#include "lazylib.h"

#include <qrencode.h>

/* The soname loaded; the runtime package is libqrencode4. */
#define QRLIB_SONAME "libqrencode.so.4"

/* Loads the library once per process: EX_OK, or EX_UNAVAILABLE naming the library and its package.
 * A wrapper called before it loads the library itself, or exits the process (lazylib_need). */
int qrlib_load(struct diag *d);

/* F(return type, name, parameters, arguments), V(name, parameters, arguments): see lazylib.h. */
#define QRLIB_FUNCS(F, V)                                                                    \
	F(QRcode *, QRcode_encodeString8bit, (const char *string, int version, QRecLevel level), \
	  (string, version, level))                                                              \
	V(QRcode_free, (QRcode * qrcode), (qrcode))

#define LAZYLIB_PREFIX qrlib
QRLIB_FUNCS(LAZYLIB_DECLARE_F, LAZYLIB_DECLARE_V)
#undef LAZYLIB_PREFIX

#endif
