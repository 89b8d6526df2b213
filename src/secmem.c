/* secmem.c: secure-heap buffers with a size header, so a free can always wipe the whole buffer. */
#include "config.h"

#include "secmem.h"

#include <openssl/crypto.h>
#include <string.h>

/* 256 KiB holds the largest credential file (64 KiB, read into one secret buffer) several times over,
 * and stays below the default RLIMIT_MEMLOCK of 8 MiB. */
#define SECMEM_HEAP_SIZE (256 * 1024)
#define SECMEM_MIN_ALLOC 32

struct secmem_header {
	size_t size;
	size_t pad; /* keeps the payload 16-byte aligned */
};

static int secmem_state = -1;

enum secmem_init_result secmem_init(void)
{
	if (secmem_state >= 0)
		return (enum secmem_init_result)secmem_state;
	int rc = CRYPTO_secure_malloc_init(SECMEM_HEAP_SIZE, SECMEM_MIN_ALLOC);
	if (rc == 1)
		secmem_state = SECMEM_OK;
	else if (rc == 2)
		secmem_state = SECMEM_NOT_LOCKED;
	else
		secmem_state = SECMEM_FAILED;
	return (enum secmem_init_result)secmem_state;
}

char *secmem_alloc(size_t n)
{
	if (n > SECMEM_HEAP_SIZE)
		return NULL;
	struct secmem_header *h = OPENSSL_secure_zalloc(sizeof *h + n + 1);
	if (!h)
		return NULL;
	h->size = n;
	return (char *)(h + 1);
}

char *secmem_strndup(const char *s, size_t n)
{
	char *p = secmem_alloc(n);
	if (p && n)
		memcpy(p, s, n);
	return p;
}

char *secmem_strdup(const char *s)
{
	return s ? secmem_strndup(s, strlen(s)) : NULL;
}

size_t secmem_size(const char *p)
{
	return p ? ((const struct secmem_header *)(const void *)p - 1)->size : 0;
}

void secmem_free(char *p)
{
	if (!p)
		return;
	struct secmem_header *h = (struct secmem_header *)(void *)p - 1;
	OPENSSL_secure_clear_free(h, sizeof *h + h->size + 1);
}

int secmem_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}
