/* randsecret.c: new random secrets (randsecret.h). */
#include "config.h"

#include "randsecret.h"

#include "cryptolib.h"
#include "secmem.h"

#include <string.h>

char *randsecret_new(size_t len)
{
	/* 62 symbols; bytes >= 248 (4 * 62) are rejected so every symbol is equally likely. */
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	const size_t n = sizeof alphabet - 1;
	const unsigned limit = (unsigned)(256 / n * n);
	char *out = secmem_alloc(len);
	if (!out)
		return NULL;
	size_t have = 0;
	unsigned char buf[64];
	while (have < len) {
		if (cryptolib_RAND_bytes(buf, (int)sizeof buf) != 1) {
			secmem_free(out);
			return NULL;
		}
		for (size_t i = 0; i < sizeof buf && have < len; i++)
			if (buf[i] < limit)
				out[have++] = alphabet[buf[i] % n];
	}
	out[len] = '\0';
	memset(buf, 0, sizeof buf);
	return out;
}
