/* p11lib.c: p11-kit through dlopen on first use (see p11lib.h for why, lazylib.h for how). */
#include "config.h"

#include "p11lib.h"

#include <stddef.h>

#define LAZYLIB_PREFIX p11lib
LAZYLIB_DEFINE(P11LIB_FUNCS, P11LIB_SONAME, "libp11-kit0")
