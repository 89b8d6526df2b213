/* cryptolib.c: libcrypto through dlopen on first use (see cryptolib.h for why, lazylib.h for how). */
#include "config.h"

#include "cryptolib.h"
#include "secmem.h"

#include <stddef.h>

#define LAZYLIB_PREFIX cryptolib
LAZYLIB_DEFINE(CRYPTOLIB_FUNCS, CRYPTOLIB_SONAME, "libssl3")

/* The secure heap secmem.h declares: base owns the interface, this layer the library behind it. */
const struct secmem_backend secmem_backend = {
    .load = cryptolib_load,
    .heap_init = cryptolib_CRYPTO_secure_malloc_init,
    .zalloc = cryptolib_CRYPTO_secure_zalloc,
    .clear_free = cryptolib_CRYPTO_secure_clear_free,
    .memcmp = cryptolib_CRYPTO_memcmp,
};
