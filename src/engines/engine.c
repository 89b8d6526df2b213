/* engine.c: what every engine shares (engine.h). */
#include "config.h"

#include "engine.h"

#include "cryptolib.h"
#include "secmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int engine_files_add(struct engine_files *f, const char *path, const char *what)
{
	if (f->n >= sizeof f->path / sizeof f->path[0])
		return -1;
	f->path[f->n] = strdup(path);
	f->what[f->n] = strdup(what);
	f->n++;
	return 0;
}

void engine_files_free(struct engine_files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->path[i]);
		free(f->what[i]);
	}
	memset(f, 0, sizeof *f);
}

const struct engine_ops *engine_find(const char *name)
{
	if (!name)
		return NULL;
	if (strcmp(name, "pkcs11") == 0)
		return &engine_pkcs11_ops;
	if (strcmp(name, "primus") == 0)
		return &engine_primus_ops;
	return NULL;
}

void engine_ctx_init(struct engine_ctx *e, const struct engine_ops *ops)
{
	memset(e, 0, sizeof *e);
	e->ops = ops;
	e->slot = -1;
	e->port = 2310;
}

void engine_set_code(struct engine_ctx *e, const char *code, int rejected, int locked)
{
	snprintf(e->err.code, sizeof e->err.code, "%s", code ? code : "");
	e->err.rejected = rejected;
	e->err.locked = locked;
}

char *engine_random_secret(size_t len)
{
	/* 65 symbols; bytes >= 195 (3 * 65) are rejected so every symbol is equally likely. */
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
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

int engine_pin_length(unsigned long min, unsigned long max, size_t *len)
{
	size_t n = ENGINE_SECRET_MAX;
	if (max != 0 && max != (unsigned long)-1 && max < n)
		n = (size_t)max;
	if (min != (unsigned long)-1 && n < min)
		return -1;
	*len = n;
	return 0;
}
