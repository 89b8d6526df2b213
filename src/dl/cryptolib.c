/* cryptolib.c: libcrypto through dlopen on first use (see cryptolib.h for why, lazylib.h for how). */
#include "config.h"

#include "cryptolib.h"

#include <stddef.h>

#define LAZYLIB_PREFIX cryptolib
LAZYLIB_DEFINE(CRYPTOLIB_FUNCS, CRYPTOLIB_SONAME, "libssl3")
