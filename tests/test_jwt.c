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

static void test_exp_and_iat(void **state)
{
	(void)state;
	char t[2048];
	struct jwt_claims c;
	struct diag d;
	token(HEADER, "{\"sub\":\"ACMETSB01\",\"iat\":1764000000,\"exp\":1795536000}", t, sizeof t);
	assert_int_equal(decode(t, &c, &d), EX_OK);
	assert_int_equal(c.exp, 1795536000);
	assert_int_equal(c.iat, 1764000000);
}

static void test_no_exp_no_iat(void **state)
{
	(void)state;
	char t[2048];
	struct jwt_claims c;
	struct diag d;
	token(HEADER, "{\"sub\":\"x\"}", t, sizeof t);
	assert_int_equal(decode(t, &c, &d), EX_OK);
	assert_int_equal(c.exp, 0);
	assert_int_equal(c.iat, 0);
}

/* RFC 7519 allows a non-integer NumericDate. */
static void test_fractional_exp(void **state)
{
	(void)state;
	char t[2048];
	struct jwt_claims c;
	struct diag d;
	token(HEADER, "{\"exp\":1795536000.75}", t, sizeof t);
	assert_int_equal(decode(t, &c, &d), EX_OK);
	assert_int_equal(c.exp, 1795536000);
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

static void test_wrong_number_of_parts(void **state)
{
	(void)state;
	struct jwt_claims c;
	struct diag d;
	static const char *const bad[] = {"eyJhbGciOiJSUzI1NiJ9", "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9",
	                                   "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2ln.ZXh0cmE"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(decode(bad[i], &c, &d), EX_DATAERR);
		assert_string_equal(d.msg, "the JWT does not have three parts separated by '.' (header.payload.signature)");
	}
}

static void test_empty_token_and_parts(void **state)
{
	(void)state;
	struct jwt_claims c;
	struct diag d;
	assert_int_equal(decode("", &c, &d), EX_DATAERR);
	assert_string_equal(d.msg, "the JWT is empty");
	assert_int_equal(jwt_decode_claims(NULL, &c, &d), EX_DATAERR);
	assert_int_equal(decode("eyJhbGciOiJSUzI1NiJ9..c2lnbmF0dXJl", &c, &d), EX_DATAERR);
	assert_string_equal(d.msg, "the JWT has an empty part");
	assert_int_equal(decode("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.", &c, &d), EX_DATAERR);
	assert_string_equal(d.msg, "the JWT has an empty part");
}

static void test_characters_outside_alphabet(void **state)
{
	(void)state;
	struct jwt_claims c;
	struct diag d;
	/* Standard base64 ('+', '/') and white space are not base64url. */
	assert_int_equal(decode("eyJhbGciOiJSUzI1NiJ9.eyJle+AiOjF9.c2ln", &c, &d), EX_DATAERR);
	assert_string_equal(d.msg, "the JWT contains characters outside the base64url alphabet");
	assert_int_equal(decode("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2 ln", &c, &d), EX_DATAERR);
	assert_string_equal(d.msg, "the JWT contains characters outside the base64url alphabet");
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

static void test_payload_not_object(void **state)
{
	(void)state;
	char t[1024];
	struct jwt_claims c;
	struct diag d;
	static const char *const payloads[] = {"[1,2]", "\"exp\"", "{\"exp\":1", "", "{\"exp\":1,\"exp\":2}"};
	for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
		token(HEADER, payloads[i], t, sizeof t);
		int rc = decode(t, &c, &d);
		assert_int_equal(rc, EX_DATAERR);
		/* An empty payload is an empty part; everything else is bad JSON. */
		assert_true(strcmp(d.msg, "the JWT's payload is not base64url-encoded JSON") == 0 ||
		            strcmp(d.msg, "the JWT has an empty part") == 0);
	}
}

/* A length of 4n+1 base64url characters cannot come from any byte string. */
static void test_impossible_length(void **state)
{
	(void)state;
	struct jwt_claims c;
	struct diag d;
	assert_int_equal(decode("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9A.c2ln", &c, &d), EX_DATAERR);
	assert_string_equal(d.msg, "the JWT's payload is not base64url-encoded JSON");
}

static void test_claims_of_wrong_type_or_range(void **state)
{
	(void)state;
	char t[2048];
	struct jwt_claims c;
	struct diag d;
	token(HEADER, "{\"exp\":\"2026-12-31\"}", t, sizeof t);
	assert_int_equal(decode(t, &c, &d), EX_DATAERR);
	assert_string_equal(d.msg, "the JWT's 'exp' claim is not a number");
	token(HEADER, "{\"exp\":1,\"iat\":true}", t, sizeof t);
	assert_int_equal(decode(t, &c, &d), EX_DATAERR);
	assert_string_equal(d.msg, "the JWT's 'iat' claim is not a number");
	assert_int_equal(c.exp, 0);
	token(HEADER, "{\"exp\":-5}", t, sizeof t);
	assert_int_equal(decode(t, &c, &d), EX_DATAERR);
	assert_string_equal(d.msg, "the JWT's 'exp' claim is not a date");
	token(HEADER, "{\"exp\":1e300}", t, sizeof t);
	assert_int_equal(decode(t, &c, &d), EX_DATAERR);
	assert_string_equal(d.msg, "the JWT's 'exp' claim is not a date");
}

int main(void)
{
	secmem_init(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exp_and_iat),
		cmocka_unit_test(test_no_exp_no_iat),
		cmocka_unit_test(test_fractional_exp),
		cmocka_unit_test(test_padding_tolerated),
		cmocka_unit_test(test_wrong_number_of_parts),
		cmocka_unit_test(test_empty_token_and_parts),
		cmocka_unit_test(test_characters_outside_alphabet),
		cmocka_unit_test(test_header_not_json),
		cmocka_unit_test(test_payload_not_object),
		cmocka_unit_test(test_impossible_length),
		cmocka_unit_test(test_claims_of_wrong_type_or_range),
	};
	return cmocka_run_group_tests_name("jwt", tests, NULL, NULL);
}
