/* qrlib.c: libqrencode through dlopen on first use (see qrlib.h for why, lazylib.h for how). */
#include "config.h"

#include "qrlib.h"

#include <stddef.h>

#define LAZYLIB_PREFIX qrlib
LAZYLIB_DEFINE(QRLIB_FUNCS, QRLIB_SONAME, "libqrencode4")
