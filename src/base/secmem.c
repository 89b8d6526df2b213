/* secmem.c: secure-heap buffers with a size header, so a free can always wipe the whole buffer. */
#include "config.h"

#include "secmem.h"

#include "i18n.h"

#include <string.h>
#include <sysexits.h>

/* 256 KiB holds the largest credential file (64 KiB, read into one secret buffer) several times over,
 * and stays below the default RLIMIT_MEMLOCK of 8 MiB. */
#define SECMEM_HEAP_SIZE (256 * 1024)
#define SECMEM_MIN_ALLOC 32

struct secmem_header {
	size_t size;
	size_t pad; /* keeps the payload 16-byte aligned */
};

static int secmem_state = -1;
static struct diag secmem_load_error;

enum secmem_init_result secmem_init(struct diag *why)
{
	if (secmem_state >= 0) {
		if (secmem_state == SECMEM_NO_LIBRARY && why)
			diag_set(why, EX_UNAVAILABLE, "%s", secmem_load_error.msg);
		return (enum secmem_init_result)secmem_state;
	}
	if (secmem_backend.load(&secmem_load_error) != EX_OK) {
		secmem_state = SECMEM_NO_LIBRARY;
		return secmem_init(why);
	}
	int rc = secmem_backend.heap_init(SECMEM_HEAP_SIZE, SECMEM_MIN_ALLOC);
	if (rc == 1)
		secmem_state = SECMEM_OK;
	else if (rc == 2)
		secmem_state = SECMEM_NOT_LOCKED;
	else
		secmem_state = SECMEM_FAILED;
	return (enum secmem_init_result)secmem_state;
}

int secmem_started(void)
{
	return secmem_state >= 0;
}

const char *secmem_warning(enum secmem_init_result r)
{
	if (r == SECMEM_NOT_LOCKED)
		return _("the secure heap could not be locked in memory; secrets may reach swap");
	if (r == SECMEM_FAILED)
		return _("the secure heap could not be started; secrets are wiped but not locked");
	return NULL;
}

char *secmem_alloc(size_t n)
{
	if (n > SECMEM_HEAP_SIZE || secmem_init(NULL) == SECMEM_NO_LIBRARY)
		return NULL;
	struct secmem_header *h = secmem_backend.zalloc(sizeof *h + n + 1, __FILE__, __LINE__);
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
	secmem_backend.clear_free(h, sizeof *h + h->size + 1, __FILE__, __LINE__);
}

int secmem_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return secmem_backend.memcmp(a, b, la) == 0;
}
