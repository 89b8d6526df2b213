/* t_import.c: test helper for the engine tests: imports credential files into a profile through
 * the core's import_paths(), the function the CLI's import command calls, so these tests do not
 * depend on that command's options. Usage: t_import PROFILE TIER KDF_MS FILE... (passphrase on fd 3). */
#include "config.h"

#include "import.h"
#include "secmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

static char *t_import_passphrase(void *ctx, const char *profile, int create, struct diag *d)
{
	(void)ctx;
	(void)profile;
	(void)create;
	char *buf = secmem_alloc(256);
	size_t n = 0;
	char c;
	while (buf && n < 256 && read(3, &c, 1) == 1 && c != '\n')
		buf[n++] = c;
	if (!buf || n == 0) {
		secmem_free(buf);
		diag_set(d, EX_USAGE, "no passphrase on fd 3");
		return NULL;
	}
	return buf;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: t_import PROFILE TIER KDF_MS FILE...\n");
		return EX_USAGE;
	}
	secmem_init();
	struct import_opts o;
	memset(&o, 0, sizeof o);
	o.profile = argv[1];
	if (state_tier_parse(argv[2], &o.tier) != 0)
		return EX_USAGE;
	o.kdf_ms = atoi(argv[3]);
	o.passphrase = t_import_passphrase;
	struct import_result r;
	memset(&r, 0, sizeof r);
	struct diag d;
	diag_clear(&d);
	int rc = import_paths((const char *const *)(argv + 4), (size_t)(argc - 4), &o, &r, &d);
	if (rc != EX_OK)
		fprintf(stderr, "t_import: %s\n", d.msg);
	import_result_free(&r);
	return rc;
}
