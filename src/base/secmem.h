/* secmem.h: the only place secrets live in memory (doc/DESIGN.md, "Secrets", rules 2 and 3).
 *
 * Buffers come from the OpenSSL secure heap (mlocked, excluded from core dumps) and are wiped with
 * OPENSSL_cleanse when freed. Each buffer remembers its own size, so callers free with one argument and
 * can never wipe too little. */
#ifndef HSMO_SECMEM_H
#define HSMO_SECMEM_H

#include "diag.h"

#include <stddef.h>

enum secmem_init_result {
	SECMEM_OK = 0,     /* secure heap up and locked in memory */
	SECMEM_NOT_LOCKED, /* up, but mlock failed: secrets could reach swap; warn the user */
	SECMEM_FAILED,     /* no secure heap: allocations fall back to the ordinary heap, still wiped */
	SECMEM_NO_LIBRARY, /* libcrypto could not be loaded: nothing secret can be handled */
};

/* The secure heap the buffers come from, declared here and provided by the dl layer (cryptolib.c,
 * over libcrypto's CRYPTO_secure_* functions), so that base depends on no layer above it. load
 * returns EX_OK or fills d; the others are libcrypto's. */
struct secmem_backend {
	int (*load)(struct diag *d);
	int (*heap_init)(size_t size, size_t minsize);
	void *(*zalloc)(size_t num, const char *file, int line);
	void (*clear_free)(void *ptr, size_t num, const char *file, int line);
	int (*memcmp)(const void *a, const void *b, size_t len);
};
extern const struct secmem_backend secmem_backend;

/* Loads libcrypto (cryptolib.h) and starts the OpenSSL secure heap, once per process; later calls
 * return the first result. It runs before the first secret exists: main() calls it before any command
 * but the wizard and status; the wizard's first secret calls it through secmem_alloc, and the wizard
 * reports the result once secmem_started() says so. On SECMEM_NO_LIBRARY, why (if not NULL) says what
 * failed; the caller must stop. */
enum secmem_init_result secmem_init(struct diag *why);
/* 1 once secmem_init has run (whatever its result), without starting anything. */
int secmem_started(void);
/* The translated warning a front end shows for SECMEM_NOT_LOCKED or SECMEM_FAILED; NULL otherwise. */
const char *secmem_warning(enum secmem_init_result r);
/* Zero-filled secret buffer of n bytes plus a terminating NUL byte; NULL when out of memory. Starts
 * the secure heap if nobody did yet, so a secret can never land in the ordinary heap by accident. */
char *secmem_alloc(size_t n);
/* Copies n bytes of s into a NUL-terminated secret buffer. */
char *secmem_strndup(const char *s, size_t n);
char *secmem_strdup(const char *s);
/* Wipes and frees; NULL is fine. */
void secmem_free(char *p);
/* The usable size that was asked for when p was allocated. */
size_t secmem_size(const char *p);
/* Constant-time comparison of two NUL-terminated secrets; 1 when equal. */
int secmem_equal(const char *a, const char *b);

#endif
