/* test_jwt.c: reading exp and iat from a JWT, and refusing every malformed shape without ever
 * quoting the token in a message. Tokens are built here from invented claims. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "jwt.h"
#include "secmem.h"

static const char HEADER[] = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
static const char SIG[] = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

static void b64url(const char *in, char *out, int pad)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t n = strlen(in), o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)(unsigned char)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)(unsigned char)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)in[i + 2];
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = (i + 1 < n) ? a[(v >> 6) & 63] : '=';
		out[o++] = (i + 2 < n) ? a[v & 63] : '=';
	}
	while (!pad && o > 0 && out[o - 1] == '=')
		o--;
	out[o] = '\0';
}

static void token(const char *header, const char *payload, char *out, size_t n)
{
	char h[512], p[1024];
	b64url(header, h, 0);
	b64url(payload, p, 0);
	int r = snprintf(out, n, "%s.%s.%s", h, p, SIG);
	assert_true(r > 0 && (size_t)r < n);
}

static int decode(const char *tok, struct jwt_claims *c, struct diag *d)
{
	diag_clear(d);
	int rc = jwt_decode_claims(tok, c, d);
	/* Whatever happened, no part of the token is in the message. */
	assert_null(strstr(d->msg, SIG));
	if (strlen(tok) > 12) {
		char head[13];
		memcpy(head, tok, 12);
		head[12] = '\0';
		assert_null(strstr(d->msg, head));
	}
	return rc;
}

/* Tokens built from a payload: what each decodes to, or the message that refuses it. */
static void test_payloads(void **state)
{
	(void)state;
	static const struct {
		const char *payload;
		int rc;
		long long exp, iat;
		const char *msg; /* for a refusal */
	} rows[] = {
		{"{\"sub\":\"ACMETSB01\",\"iat\":1764000000,\"exp\":1795536000}", EX_OK, 1795536000, 1764000000, NULL},
		{"{\"sub\":\"x\"}", EX_OK, 0, 0, NULL},
		/* RFC 7519 allows a non-integer NumericDate. */
		{"{\"exp\":1795536000.75}", EX_OK, 1795536000, 0, NULL},
		{"{\"exp\":\"2026-12-31\"}", EX_DATAERR, 0, 0, "the JWT's 'exp' claim is not a number"},
		{"{\"exp\":1,\"iat\":true}", EX_DATAERR, 0, 0, "the JWT's 'iat' claim is not a number"},
		{"{\"exp\":-5}", EX_DATAERR, 0, 0, "the JWT's 'exp' claim is not a date"},
		{"{\"exp\":1e300}", EX_DATAERR, 0, 0, "the JWT's 'exp' claim is not a date"},
		{"[1,2]", EX_DATAERR, 0, 0, "the JWT's payload is not base64url-encoded JSON"},
		{"\"exp\"", EX_DATAERR, 0, 0, "the JWT's payload is not base64url-encoded JSON"},
		{"{\"exp\":1", EX_DATAERR, 0, 0, "the JWT's payload is not base64url-encoded JSON"},
		{"{\"exp\":1,\"exp\":2}", EX_DATAERR, 0, 0, "the JWT's payload is not base64url-encoded JSON"},
		/* An empty payload is an empty part. */
		{"", EX_DATAERR, 0, 0, "the JWT has an empty part"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char t[2048];
		struct jwt_claims c;
		struct diag d;
		token(HEADER, rows[i].payload, t, sizeof t);
		int rc = decode(t, &c, &d);
		if (rc != rows[i].rc)
			fail_msg("payload %s: exit %d, expected %d (%s)", rows[i].payload, rc, rows[i].rc, d.msg);
		if (rc == EX_OK) {
			assert_int_equal(c.exp, rows[i].exp);
			assert_int_equal(c.iat, rows[i].iat);
		} else {
			assert_string_equal(d.msg, rows[i].msg);
			assert_int_equal(c.exp, 0);
		}
	}
}

/* Padding is not part of JWT's base64url, but some encoders add it; it must not matter. */
static void test_padding_tolerated(void **state)
{
	(void)state;
	char h[256], p[256], t[1024];
	struct jwt_claims c;
	struct diag d;
	b64url(HEADER, h, 1);
	b64url("{\"exp\":17}", p, 1);
	assert_non_null(strchr(p, '='));
	int r = snprintf(t, sizeof t, "%s.%s.%s", h, p, SIG);
	assert_true(r > 0 && (size_t)r < sizeof t);
	assert_int_equal(decode(t, &c, &d), EX_OK);
	assert_int_equal(c.exp, 17);
}

/* Raw tokens refused before any JSON is read, each with its message. */
static void test_malformed_tokens(void **state)
{
	(void)state;
	static const char PARTS[] = "the JWT does not have three parts separated by '.' (header.payload.signature)";
	static const char EMPTY_PART[] = "the JWT has an empty part";
	static const char ALPHABET[] = "the JWT contains characters outside the base64url alphabet";
	static const struct {
		const char *token, *msg;
	} rows[] = {
		{"", "the JWT is empty"},
		{"eyJhbGciOiJSUzI1NiJ9", PARTS},
		{"eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9", PARTS},
		{"eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2ln.ZXh0cmE", PARTS},
		{"eyJhbGciOiJSUzI1NiJ9..c2lnbmF0dXJl", EMPTY_PART},
		{"eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.", EMPTY_PART},
		/* Standard base64 ('+', '/') and white space are not base64url. */
		{"eyJhbGciOiJSUzI1NiJ9.eyJle+AiOjF9.c2ln", ALPHABET},
		{"eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2 ln", ALPHABET},
		/* A length of 4n+1 base64url characters cannot come from any byte string. */
		{"eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9A.c2ln", "the JWT's payload is not base64url-encoded JSON"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct jwt_claims c;
		struct diag d;
		int rc = decode(rows[i].token, &c, &d);
		if (rc != EX_DATAERR || strcmp(d.msg, rows[i].msg) != 0)
			fail_msg("token '%s': exit %d, '%s'; expected 65, '%s'", rows[i].token, rc, d.msg, rows[i].msg);
	}
	struct jwt_claims c;
	struct diag d;
	assert_int_equal(jwt_decode_claims(NULL, &c, &d), EX_DATAERR);
}

static void test_header_not_json(void **state)
{
	(void)state;
	char t[1024];
	struct jwt_claims c;
	struct diag d;
	token("not json", "{\"exp\":1}", t, sizeof t);
	assert_int_equal(decode(t, &c, &d), EX_DATAERR);
	assert_string_equal(d.msg, "the JWT's header is not base64url-encoded JSON");
}

int main(void)
{
	secmem_init(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payloads),
		cmocka_unit_test(test_padding_tolerated),
		cmocka_unit_test(test_malformed_tokens),
		cmocka_unit_test(test_header_not_json),
	};
	return cmocka_run_group_tests_name("jwt", tests, NULL, NULL);
}
