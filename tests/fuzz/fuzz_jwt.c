/* fuzz_jwt.c: the JWT claims decoder (jwt_decode_claims), which reads a token from a TSBaaS jwt file.
 *
 * Input: the token, cut at the first NUL (the API takes a C string). Invariants: EX_OK or EX_DATAERR
 * with a message, and the message never quotes the token (jwt.h's promise). */
#include "config.h"

#include "fuzz.h"

#include <string.h>
#include <sysexits.h>

#include "diag.h"
#include "jwt.h"
#include "secmem.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return fuzz_init_secmem(argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *token = malloc(size + 1);
	if (!token)
		return 0;
	memcpy(token, data, size);
	token[size] = '\0';

	struct jwt_claims c;
	memset(&c, 0, sizeof c);
	struct diag d;
	diag_clear(&d);
	int rc = jwt_decode_claims(token, &c, &d);
	fuzz_check_result("jwt_decode_claims", rc, d.msg);
	/* Eight characters is enough to rule out a chance match with the message's own words. */
	if (strlen(token) >= 8 && strstr(d.msg, token))
		fuzz_fail("the message quotes the token");
	/* No message may quote any of the token's three parts either (the signature is the secret one). */
	for (const char *p = token; *p;) {
		size_t n = strcspn(p, ".");
		if (n >= 12) {
			char part[13];
			memcpy(part, p, 12);
			part[12] = '\0';
			if (strstr(d.msg, part))
				fuzz_fail("the message quotes part of the token");
		}
		p += n;
		if (*p)
			p++;
	}
	free(token);
	return 0;
}
