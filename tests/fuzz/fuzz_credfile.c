/* fuzz_credfile.c: the credential-file parser (credfile_parse_buffer), the product's first contact
 * with files from outside.
 *
 * Input: when a NUL byte occurs in the first 160 bytes, what precedes it is the display name (so the
 * filename parser is fuzzed too) and the rest is the content; otherwise the whole input is the
 * content of a service file with a realistic name. Invariants beyond "no crash": the result is EX_OK or
 * EX_DATAERR with a message; after a success no warning and no message quotes a secret value (unless
 * the input itself repeats that text elsewhere, e.g. in the file name, which messages may quote). */
#include "config.h"

#include "fuzz.h"

#include <string.h>
#include <sysexits.h>

#include "credfile.h"
#include "quote.h"
#include "diag.h"
#include "secmem.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return fuzz_init_secmem(argc, argv);
}

/* A secret of this length or more must not appear in a message; shorter ones could match by chance
 * (a one-letter password inside "line"). */
#define FUZZ_SECRET_MIN 8

/* The input being checked: a message may legitimately quote the file name, or a key or another value
 * that happens to hold the same text as a secret. So a secret is only checked when its text occurs
 * exactly once in the input (as its own value) and not in the display name. */
static const char *fuzz_name;
static const char *fuzz_buf;
static size_t fuzz_len;

static size_t fuzz_count(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), count = 0;
	for (const char *p = hay; k && (size_t)(p - hay) + k <= n;) {
		const char *q = memmem(p, n - (size_t)(p - hay), needle, k);
		if (!q)
			break;
		count++;
		p = q + 1;
	}
	return count;
}

static void fuzz_check_secret(const char *secret, const char *text, const char *what)
{
	if (!secret || strlen(secret) < FUZZ_SECRET_MIN || !text)
		return;
	if (strstr(fuzz_name, secret) || fuzz_count(fuzz_buf, fuzz_len, secret) != 1)
		return;
	if (strstr(text, secret))
		fuzz_fail("a secret value appears in %s", what);
}

static void fuzz_check_no_secret(const struct credfile *cf, const char *text, const char *what)
{
	fuzz_check_secret(cf->service_password, text, what);
	fuzz_check_secret(cf->setup_password, text, what);
	fuzz_check_secret(cf->pkcs11_password, text, what);
	fuzz_check_secret(cf->jwt, text, what);
}

/* A control character other than the newline and tab that quote_text keeps in a message. */
static int fuzz_has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[161] = "acme_eco_service_jdoe_20260101.txt";
	const char *buf = (const char *)data;
	size_t len = size;
	const uint8_t *nul = memchr(data, 0, size < 160 ? size : 160);
	if (nul) {
		size_t n = (size_t)(nul - data);
		memcpy(name, data, n);
		name[n] = '\0';
		buf = (const char *)nul + 1;
		len = size - n - 1;
	}

	fuzz_name = name;
	fuzz_buf = buf;
	fuzz_len = len;

	struct credfile cf;
	memset(&cf, 0, sizeof cf);
	struct diag_warnings w;
	memset(&w, 0, sizeof w);
	struct diag d;
	diag_clear(&d);
	int rc = credfile_parse_buffer(name, buf, len, &cf, &w, &d);
	fuzz_check_result("credfile_parse_buffer", rc, d.msg);
	if (w.n > DIAG_MAX_WARNINGS)
		fuzz_fail("%zu warnings, more than DIAG_MAX_WARNINGS", w.n);
	if (rc == EX_OK) {
		if (cf.kind == CREDFILE_UNKNOWN)
			fuzz_fail("a successful parse of unknown kind");
		(void)credfile_kind_name(cf.kind);
		(void)credfile_kind_description(cf.kind);
		for (size_t i = 0; i < w.n; i++)
			fuzz_check_no_secret(&cf, w.msg[i], "a warning");
		fuzz_check_no_secret(&cf, d.msg, "the message");
		if (cf.setup_password)
			(void)credfile_setup_password_well_formed(cf.setup_password);
	}
	credfile_free(&cf);
	diag_warnings_free(&w);

	/* The same input with the setup-password format accepted: the same invariants. */
	diag_clear(&d);
	rc = credfile_parse_buffer_flags(name, buf, len, CREDFILE_ACCEPT_SETUP_FORMAT, &cf, &w, &d);
	if (rc != EX_OK && rc != EX_DATAERR)
		fuzz_fail("credfile_parse_buffer_flags returned %d, not EX_OK or EX_DATAERR", rc);
	if (rc == EX_OK)
		for (size_t i = 0; i < w.n; i++)
			fuzz_check_no_secret(&cf, w.msg[i], "a warning (--accept-setup-format)");
	/* Whatever the name and the messages hold, what the front ends print of them is free of control
	 * characters: quoting is idempotent and leaves nothing to quote. */
	if (quote_needed(quote_c(name)) || fuzz_has_control(quote_text(d.msg)))
		fuzz_fail("quote_c/quote_text left a control character or a byte that is not UTF-8");
	for (size_t i = 0; i < w.n; i++)
		if (fuzz_has_control(quote_text(w.msg[i])))
			fuzz_fail("quote_text left a control character in a warning");
	credfile_free(&cf);
	diag_warnings_free(&w);

	struct credfile_name fn;
	memset(&fn, 0, sizeof fn);
	(void)credfile_parse_name(name, &fn);
	credfile_name_free(&fn);
	return 0;
}
