/* cfglib.c: libconfig through dlopen on first use (see cfglib.h for why, lazylib.h for how). */
#include "config.h"

#include "cfglib.h"

#include <stddef.h>

#define LAZYLIB_PREFIX cfglib
LAZYLIB_DEFINE(CFGLIB_FUNCS, CFGLIB_SONAME, "libconfig9")
