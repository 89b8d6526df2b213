/* secmem.h: the only place secrets live in memory (DESIGN.md, secret rules 2 and 3).
 *
 * Buffers come from the OpenSSL secure heap (mlocked, excluded from core dumps) and are wiped with
 * OPENSSL_cleanse when freed. Each buffer remembers its own size, so callers free with one argument and
 * can never wipe too little. */
#ifndef HSMO_SECMEM_H
#define HSMO_SECMEM_H

#include <stddef.h>

enum secmem_init_result {
	SECMEM_OK = 0,        /* secure heap up and locked in memory */
	SECMEM_NOT_LOCKED,    /* up, but mlock failed: secrets could reach swap; warn the user */
	SECMEM_FAILED,        /* no secure heap: allocations fall back to the ordinary heap, still wiped */
};

/* Starts the OpenSSL secure heap once per process; later calls return the first result. */
enum secmem_init_result secmem_init(void);
/* Zero-filled secret buffer of n bytes plus a terminating NUL byte; NULL when out of memory. */
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
