/* test_credfile.c: every rule of the credential-file parser, a round trip per
 * kind, the file-name facts, and that no message ever quotes a secret. All secrets are invented. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "credfile.h"
#include "quote.h"
#include "secmem.h"
#include "testutil.h"

static struct credfile cf;
static struct diag d;
static struct diag_warnings w;

static const char SETUP_PW[] = "FDgKb-zxsPR-ud6EN-GK6Jz-adrvB";
static const char SERVICE_PW[] = "q7#Rt:vX 9pL";
static const char PKCS11_PW[] = "Zr4kWm8sPq2nLx6c";

static int setup(void **state)
{
	(void)state;
	memset(&cf, 0, sizeof cf);
	memset(&w, 0, sizeof w);
	diag_clear(&d);
	return testutil_mkdir("credfile");
}

static int teardown(void **state)
{
	(void)state;
	credfile_free(&cf);
	diag_warnings_free(&w);
	return testutil_rmdir();
}

static int parse(const char *name, const char *text)
{
	credfile_free(&cf);
	diag_warnings_free(&w);
	diag_clear(&d);
	return credfile_parse_buffer(name, text, strlen(text), &cf, &w, &d);
}

static int parse_n(const char *name, const char *text, size_t n)
{
	credfile_free(&cf);
	diag_warnings_free(&w);
	diag_clear(&d);
	return credfile_parse_buffer(name, text, n, &cf, &w, &d);
}

static void write_file(const char *path, const void *data, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* A secret must sit in the secure heap when the heap is up (secmem's 16-byte header precedes it). */
static void assert_secure(const char *p)
{
	assert_non_null(p);
	if (CRYPTO_secure_malloc_initialized())
		assert_true(CRYPTO_secure_allocated(p - 2 * sizeof(size_t)));
}

/* No message, error or warning, may contain a secret value. */
static void assert_no_leak(const char *secret)
{
	assert_null(strstr(d.msg, secret));
	for (size_t i = 0; i < w.n; i++)
		assert_null(strstr(w.msg[i], secret));
}

static int has_warning(const char *needle)
{
	for (size_t i = 0; i < w.n; i++)
		if (strstr(w.msg[i], needle))
			return 1;
	return 0;
}

static void b64url(const unsigned char *in, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = a[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = a[v & 63];
	}
	out[o] = '\0';
}

static void make_jwt(const char *payload, char *out, size_t outn)
{
	char h[128], p[512];
	const char *header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	b64url((const unsigned char *)header, strlen(header), h);
	b64url((const unsigned char *)payload, strlen(payload), p);
	int r = snprintf(out, outn, "%s.%s.c2lnbmF0dXJlLW5vdC1jaGVja2Vk", h, p);
	assert_true(r > 0 && (size_t)r < outn);
}

#define SERVICE_TEXT                                                                                         \
	"Service User Name: ACME-PROXY-01\nService User Password: q7#Rt:vX 9pL\nHSM User Name: ACMEHSM01\n"
#define HSM_TEXT "HSM User Name: ACMEHSM01\nHSM User Setup Password: FDgKb-zxsPR-ud6EN-GK6Jz-adrvB\n"

/* ---- round trips, one per kind ---- */

static void test_service_round_trip(void **state)
{
	(void)state;
	assert_int_equal(parse("ACME_eco_service_ACMEHSM01_20261120.txt", SERVICE_TEXT), EX_OK);
	assert_int_equal(cf.kind, CREDFILE_SERVICE);
	assert_string_equal(cf.service_user, "ACME-PROXY-01");
	assert_string_equal(cf.service_password, SERVICE_PW);
	assert_secure(cf.service_password);
	assert_string_equal(cf.hsm_user, "ACMEHSM01");
	assert_null(cf.setup_password);
	assert_null(cf.jwt);
	assert_int_equal(w.n, 0);
}

static void test_hsm_round_trip_with_pkcs11(void **state)
{
	(void)state;
	assert_int_equal(parse("ACME_eco_hsm_ACMEHSM01_20261120.txt", HSM_TEXT "PKCS#11 password : Zr4kWm8sPq2nLx6c\n"),
	                 EX_OK);
	assert_int_equal(cf.kind, CREDFILE_HSM);
	assert_string_equal(cf.hsm_user, "ACMEHSM01");
	assert_string_equal(cf.setup_password, SETUP_PW);
	assert_string_equal(cf.pkcs11_password, PKCS11_PW);
	assert_secure(cf.setup_password);
	assert_secure(cf.pkcs11_password);
	assert_null(cf.service_user);
	assert_int_equal(w.n, 0);
}

static void test_hsm_without_pkcs11(void **state)
{
	(void)state;
	assert_int_equal(parse("x.txt", HSM_TEXT), EX_OK);
	assert_int_equal(cf.kind, CREDFILE_HSM);
	assert_null(cf.pkcs11_password);
}

/* The online order's file, in the layout docs.securosys.com shows: headings, indentation, the
 * "Service (Proxy)" spelling and the long JWT key. */
static void test_combined_round_trip_documented_layout(void **state)
{
	(void)state;
	char jwt[1024], text[2048];
	make_jwt("{\"sub\":\"ACMEHSM01\",\"iat\":1764000000,\"exp\":1795536000}", jwt, sizeof jwt);
	snprintf(text, sizeof text,
	         "- Details  for Native-API (JCE, PKCS#11, MS CNG) \n"
	         "    HSM User Name: ACMEHSM01\n"
	         "    HSM User Setup Password: %s\n"
	         "    Service (Proxy) User Name: ACME-PROXY-01\n"
	         "    Service (Proxy) User Password: %s\n"
	         "    PKCS#11 password : %s\n"
	         "\n"
	         "- Details for Restful-API & Transaction Security Broker: \n"
	         "    JWT-TOKEN for Restful-API & Transaction Security Broker: %s\n",
	         SETUP_PW, SERVICE_PW, PKCS11_PW, jwt);
	assert_int_equal(parse("ACME_Corp_eco_credentials_ACMEHSM01_2026-11-20.txt", text), EX_OK);
	assert_int_equal(cf.kind, CREDFILE_COMBINED);
	assert_string_equal(cf.hsm_user, "ACMEHSM01");
	assert_string_equal(cf.service_user, "ACME-PROXY-01");
	assert_string_equal(cf.service_password, SERVICE_PW);
	assert_string_equal(cf.setup_password, SETUP_PW);
	assert_string_equal(cf.pkcs11_password, PKCS11_PW);
	assert_string_equal(cf.jwt, jwt);
	assert_secure(cf.jwt);
	assert_int_equal(cf.jwt_exp, 1795536000);
	assert_int_equal(cf.jwt_iat, 1764000000);
	assert_int_equal(w.n, 0);
	assert_int_equal(cf.name.kind, CREDFILE_COMBINED);
}

/* The TSBaaS file as documented, with its Swagger note and curl example. */
static void test_jwt_round_trip_documented_layout(void **state)
{
	(void)state;
	char jwt[1024], text[2048];
	make_jwt("{\"iat\":1764000000,\"exp\":1795536000}", jwt, sizeof jwt);
	snprintf(text, sizeof text,
	         "- Details for Restful-API & Transaction Security Broker:\n"
	         "    API-Endpoint: https://acme.cloudshsm.com\n"
	         "    JWT-TOKEN: %s\n"
	         "\n"
	         "    Documentation available at: https://acme.cloudshsm.com/swagger-ui/index.html\n"
	         "    - Select the 'Authorize' button and insert the JWT token if you wish to try out some commands.\n"
	         "    - You may also test connectivity using the following curl command:\n"
	         "      curl -X GET 'https://sbx-rest-api.cloudshsm.com/v1/versionInfo' -H 'Authorization: Bearer <X>\n",
	         jwt);
	assert_int_equal(parse("ACME_tsbaas_jwt_ACMETSB01_20261120.txt", text), EX_OK);
	assert_int_equal(cf.kind, CREDFILE_JWT);
	assert_string_equal(cf.api_endpoint, "https://acme.cloudshsm.com");
	assert_string_equal(cf.jwt, jwt);
	assert_int_equal(cf.jwt_exp, 1795536000);
	assert_int_equal(cf.jwt_iat, 1764000000);
	assert_int_equal(w.n, 0);
}

/* ---- keys and values ---- */

static void test_keys_case_insensitive(void **state)
{
	(void)state;
	assert_int_equal(parse("x", "hsm user name: U1\nHSM USER SETUP PASSWORD: FDgKb-zxsPR-ud6EN-GK6Jz-adrvB\n"), EX_OK);
	assert_string_equal(cf.hsm_user, "U1");
	assert_string_equal(cf.setup_password, SETUP_PW);
}

static void test_whitespace_around_colon(void **state)
{
	(void)state;
	assert_int_equal(parse("x", "  HSM User Name\t :\t U1  \nHSM User Setup Password   :FDgKb-zxsPR-ud6EN-GK6Jz-adrvB\n"
	                            "PKCS#11 password :  p w  \n"),
	                 EX_OK);
	assert_string_equal(cf.hsm_user, "U1");
	assert_string_equal(cf.setup_password, SETUP_PW);
	assert_string_equal(cf.pkcs11_password, "p w");
}

static void test_key_variants(void **state)
{
	(void)state;
	char jwt[1024], text[2048];
	make_jwt("{\"exp\":1795536000}", jwt, sizeof jwt);
	snprintf(text, sizeof text, "api endpoint: https://a.cloudshsm.com\nJWT-Token: %s\n", jwt);
	assert_int_equal(parse("x", text), EX_OK);
	assert_int_equal(cf.kind, CREDFILE_JWT);
	assert_string_equal(cf.api_endpoint, "https://a.cloudshsm.com");
	assert_int_equal(parse("x", "Service  User   Name: S\nSERVICE-USER-PASSWORD: pw\nHSM-User-Name: U\n"), EX_OK);
	assert_int_equal(cf.kind, CREDFILE_SERVICE);
	assert_string_equal(cf.service_password, "pw");
	assert_string_equal(cf.hsm_user, "U");
	/* Separators must stand where the documented key has them. */
	assert_int_equal(parse("x", "ServiceUser Name: S\nService User Password: pw\nHSM User Name: U\n"), EX_DATAERR);
	assert_true(has_warning("unknown key 'ServiceUser Name'"));
}

/* The "Service (Proxy)" spelling marks the online file even without the other groups. The combined
 * file then needs a setup password or a JWT. */
static void test_combined_needs_setup_password_or_jwt(void **state)
{
	(void)state;
	assert_int_equal(parse("x", "Service (Proxy) User Name: S\nService (Proxy) User Password: pw\nHSM User Name: U\n"),
	                 EX_DATAERR);
	assert_string_equal(d.msg, "x: missing key 'HSM User Setup Password' or 'JWT-TOKEN' (this is a credentials file)");
	assert_int_equal(cf.kind, CREDFILE_UNKNOWN);
	assert_null(cf.path);
}

static void test_value_keeps_hash_colon_and_inner_spaces(void **state)
{
	(void)state;
	assert_int_equal(parse("x", "Service User Name: S\nService User Password:   a#b: c  d#  \nHSM User Name: U\n"), EX_OK);
	assert_string_equal(cf.service_password, "a#b: c  d#");
}

static void test_blank_and_comment_lines_ignored(void **state)
{
	(void)state;
	assert_int_equal(parse("x", "\n# Securosys credentials\n   \n\t# indented comment: with colon\n" SERVICE_TEXT "\n\n"),
	                 EX_OK);
	assert_int_equal(cf.kind, CREDFILE_SERVICE);
	assert_int_equal(w.n, 0);
}

static void test_crlf_line_ends(void **state)
{
	(void)state;
	assert_int_equal(parse("x", "HSM User Name: U1\r\nHSM User Setup Password: FDgKb-zxsPR-ud6EN-GK6Jz-adrvB\r\n"), EX_OK);
	assert_string_equal(cf.hsm_user, "U1");
	assert_string_equal(cf.setup_password, SETUP_PW);
}

static void test_bom_and_crlf(void **state)
{
	(void)state;
	assert_int_equal(parse("x", "\xef\xbb\xbfService User Name: S\r\nService User Password: pw\r\nHSM User Name: U\r\n"),
	                 EX_OK);
	assert_string_equal(cf.service_user, "S");
	assert_string_equal(cf.service_password, "pw");
}

static void test_no_final_newline(void **state)
{
	(void)state;
	assert_int_equal(parse("x", "HSM User Name: U1\nHSM User Setup Password: FDgKb-zxsPR-ud6EN-GK6Jz-adrvB"), EX_OK);
	assert_string_equal(cf.setup_password, SETUP_PW);
}

static void test_utf8_value_and_length(void **state)
{
	(void)state;
	assert_int_equal(parse("x", "Service User Name: Zürich-Ops\nService User Password: pässwörd€\nHSM User Name: U\n"),
	                 EX_OK);
	assert_string_equal(cf.service_user, "Zürich-Ops");
	assert_int_equal(quote_utf8_chars(cf.service_password, strlen(cf.service_password)), 9);
	assert_int_equal(quote_utf8_chars("", 0), 0);
}

/* ---- errors ---- */

static void test_error_line_without_colon(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "HSM User Name: U\nFDgKb-zxsPR-ud6EN-GK6Jz-adrvB\n"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt:2: no ':' on this line (expected 'Key: value')");
	assert_no_leak(SETUP_PW);
}

static void test_error_no_key_before_colon(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "HSM User Name: U\n\n  : secret-value\n"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt:3: no key before the ':' (expected 'Key: value')");
	assert_no_leak("secret-value");
}

static void test_error_duplicate_key(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", HSM_TEXT "# again\nhsm user setup password: FDgKb-zxsPR-ud6EN-GK6Jz-adrvC\n"),
	                 EX_DATAERR);
	assert_string_equal(d.msg, "f.txt:4: duplicate key 'HSM User Setup Password' (first on line 2)");
	assert_no_leak(SETUP_PW);
	assert_null(cf.setup_password);
}

static void test_error_duplicate_key_through_variant(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", SERVICE_TEXT "Service (Proxy) User Name: other\n"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt:4: duplicate key 'Service User Name' (first on line 1)");
}

static void test_error_missing_key(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "Service User Name: S\nService User Password: q7#Rt:vX 9pL\n"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt: missing key 'HSM User Name' (this is a service file)");
	assert_no_leak(SERVICE_PW);
}

static void test_error_missing_keys_listed(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "Service User Password: q7#Rt:vX 9pL\n"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt: missing keys 'Service User Name', 'HSM User Name' (this is a service file)");
	assert_int_equal(parse("f.txt", "HSM User Name: U\n"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt: missing key 'HSM User Setup Password' (this is a hsm file)");
}

/* A file that holds only "HSM User Name" lets the name decide which file it is short of. */
static void test_only_hsm_user_uses_name_as_hint(void **state)
{
	(void)state;
	assert_int_equal(parse("A_eco_service_U_20261120.txt", "HSM User Name: U\n"), EX_DATAERR);
	assert_string_equal(d.msg,
	                    "A_eco_service_U_20261120.txt: missing keys 'Service User Name', 'Service User Password' "
	                    "(this is a service file)");
}

static void test_error_empty_required_value(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "HSM User Name: U\nHSM User Setup Password:   \t\n"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt:2: 'HSM User Setup Password' has an empty value");
}

static void test_empty_optional_value_warns(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", HSM_TEXT "PKCS#11 password :\n"), EX_OK);
	assert_null(cf.pkcs11_password);
	assert_true(has_warning("f.txt:3: 'PKCS#11 password' has an empty value; ignored"));
}

static void test_error_nul_byte(void **state)
{
	(void)state;
	static const char text[] = "HSM User Name: U\nHSM User Setup Password: FDgKb\0-zxsPR-ud6EN-GK6Jz-adrvB\n";
	assert_int_equal(parse_n("f.txt", text, sizeof text - 1), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt:2: NUL byte: this is not a text file");
}

static void test_error_invalid_utf8(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "HSM User Name: U\n\nHSM User Setup Password: ab\xff" "cd\n"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt:3: invalid UTF-8 (byte 0xff)");
}

static void test_error_overlong_and_surrogate_utf8(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "HSM User Name: \xc0\xaf\n"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt:1: invalid UTF-8 (byte 0xc0)");
	assert_int_equal(parse("f.txt", "HSM User Name: \xed\xa0\x80\n"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt:1: invalid UTF-8 (byte 0xed)");
	assert_int_equal(parse("f.txt", "HSM User Name: \xf4\x90\x80\x80\n"), EX_DATAERR);
}

/* A download cut in the middle of a multi-byte character. */
static void test_error_truncated_utf8(void **state)
{
	(void)state;
	static const char text[] = "Service User Name: S\nService User Password: p\xc3\xa4ss\nHSM User Name: Z\xc3\xbc";
	assert_int_equal(parse_n("f.txt", text, sizeof text - 2), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt:3: invalid UTF-8 (byte 0xc3)");
	assert_int_equal(parse_n("f.txt", text, sizeof text - 1), EX_OK);
}

static void test_error_control_character(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "HSM User Name: U\x1b[2J\nHSM User Setup Password: FDgKb-zxsPR-ud6EN-GK6Jz-adrvB\n"),
	                 EX_DATAERR);
	assert_string_equal(d.msg, "f.txt:1: control character U+001B: this is not a credential file");
	assert_int_equal(parse("f.txt", "HSM User Name: U\rX\n"), EX_DATAERR);
}

static void test_error_binary_data(void **state)
{
	(void)state;
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
	assert_int_equal(parse_n("f.png", (const char *)png, sizeof png), EX_DATAERR);
	assert_string_equal(d.msg, "f.png:1: invalid UTF-8 (byte 0x89)");
}

static void test_error_empty_file(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", ""), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt: the file is empty");
	assert_int_equal(parse("f.txt", "\xef\xbb\xbf"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt: the file is empty");
}

static void test_error_only_comments(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "# nothing\n\n   \n- heading only\n"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt: no 'Key: value' line: this is not a Securosys credential file");
}

static void test_error_no_known_key(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "Subject: hello\nFrom: someone\n"), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt: none of the Securosys credential keys (such as 'HSM User Name') is in this file");
	assert_int_equal(w.n, 2);
}

/* ---- warnings ---- */

static void test_warn_unknown_key(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", HSM_TEXT "Cluster Region: CH\n"), EX_OK);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.msg[0], "f.txt:3: unknown key 'Cluster Region' ignored");
}

/* A wrapped password ("...: abc" + "xY9q:rest") must not put "xY9q" on screen. */
static void test_warn_unknown_key_not_shown_when_secret_like(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", HSM_TEXT "xY9q7Lz:rest\n"), EX_OK);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.msg[0], "f.txt:3: unrecognised line ignored (not shown: it may be part of a secret)");
	assert_no_leak("xY9q7Lz");
}

/* The line after a secret may be the rest of its value, wrapped by a mail client: "Xq7 Zr9" has a
 * space, so it passed for a key and was quoted. Next to a secret, only a key's name beyond doubt is
 * quoted; the same words elsewhere still are. */
static void test_wrapped_secret_line_not_quoted(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "Service User Name: S\nService User Password: Qm4r-wT8z\nXq7 Zr9: kP2v\n"
	                                 "HSM User Name: U\nHSM User Setup Password: FDgKb-zxsPR-ud6EN-GK6Jz-adrvB\n"
	                                 "FDgKb: xx\n"),
	                 EX_OK);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.msg[0], "f.txt:3: unrecognised line ignored (not shown: it may be part of a secret)");
	assert_string_equal(w.msg[1], "f.txt:6: unrecognised line ignored (not shown: it may be part of a secret)");
	assert_no_leak("Xq7");
	assert_no_leak("FDgKb");
	credfile_free(&cf);
	diag_warnings_free(&w);
	/* Two unreadable lines in a row after a secret: neither is shown. */
	assert_int_equal(parse("f.txt", "HSM User Name: U\nHSM User Setup Password: FDgKb-zxsPR-ud6EN-GK6Jz-adrvB\n"
	                                 "Region: CH\nZone Name: b\n"),
	                 EX_OK);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.msg[0], "f.txt:3: unknown key 'Region' ignored");
	assert_string_equal(w.msg[1], "f.txt:4: unknown key 'Zone Name' ignored");
	credfile_free(&cf);
	diag_warnings_free(&w);
	assert_int_equal(parse("f.txt", "HSM User Name: U\nHSM User Setup Password: FDgKb-zxsPR-ud6EN-GK6Jz-adrvB\n"
	                                 "ab7Q: x\nRegion: CH\n"),
	                 EX_OK);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.msg[1], "f.txt:4: unknown key 'Region' ignored");
	assert_no_leak("ab7Q");
}

/* A setup password cut when copied would be sent and refused, and each refusal counts towards the
 * partition's lock-out: it is an error, unless the caller accepts another format. */
static void test_setup_password_malformed_refused(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "HSM User Name: U\nHSM User Setup Password: FDgKb-zxsPR\n"), EX_DATAERR);
	assert_non_null(strstr(d.msg, "f.txt:2: the HSM User Setup Password is not in the documented format"));
	assert_non_null(strstr(d.msg, "11 characters in 2 groups"));
	assert_non_null(strstr(d.msg, "cut when copied?"));
	assert_non_null(strstr(d.msg, "--accept-setup-format"));
	assert_no_leak("FDgKb");
	assert_null(cf.setup_password);
	static const char text[] = "HSM User Name: U\nHSM User Setup Password: FDgKb-zxsPR-ud6EN-GK6Jz\n";
	assert_int_equal(credfile_parse_buffer_flags("f.txt", text, sizeof text - 1, CREDFILE_ACCEPT_SETUP_FORMAT, &cf,
	                                             &w, &d),
	                 EX_OK);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.msg[0], "f.txt:2: the HSM User Setup Password is not in the documented format"));
	assert_non_null(strstr(w.msg[0], "--accept-setup-format"));
	assert_no_leak("FDgKb-zxsPR");
	assert_string_equal(cf.setup_password, "FDgKb-zxsPR-ud6EN-GK6Jz");
}

static void test_setup_password_shape(void **state)
{
	(void)state;
	assert_true(credfile_setup_password_well_formed("FDgKb-zxsPR-ud6EN-GK6Jz-adrvB"));
	assert_true(credfile_setup_password_well_formed("00000-aaaaa-ZZZZZ-a1B2c-99999"));
	assert_false(credfile_setup_password_well_formed("FDgKb-zxsPR-ud6EN-GK6Jz-adrv"));
	assert_false(credfile_setup_password_well_formed("FDgKb-zxsPR-ud6EN-GK6Jz-adrvBB"));
	assert_false(credfile_setup_password_well_formed("FDgKb_zxsPR-ud6EN-GK6Jz-adrvB"));
	assert_false(credfile_setup_password_well_formed("FDgK#-zxsPR-ud6EN-GK6Jz-adrvB"));
	assert_false(credfile_setup_password_well_formed("FDgKbzxsPR-ud6EN-GK6Jz-adrvB-"));
	assert_false(credfile_setup_password_well_formed(""));
	assert_false(credfile_setup_password_well_formed(NULL));
}

static void test_warn_name_disagrees_with_content(void **state)
{
	(void)state;
	assert_int_equal(parse("ACME_eco_service_U_20261120.txt", HSM_TEXT), EX_OK);
	assert_int_equal(cf.kind, CREDFILE_HSM);
	assert_int_equal(cf.name.kind, CREDFILE_SERVICE);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.msg[0], "ACME_eco_service_U_20261120.txt: the file name says 'service' but the content is a "
	                              "'hsm' file; the content wins");
	assert_int_equal(parse("ACME_eco_hsm_U_20261120.txt", HSM_TEXT), EX_OK);
	assert_int_equal(w.n, 0);
}

static void test_warn_api_endpoint_not_https(void **state)
{
	(void)state;
	char jwt[1024], text[2048];
	make_jwt("{\"exp\":1795536000}", jwt, sizeof jwt);
	snprintf(text, sizeof text, "API-Endpoint: http://a.cloudshsm.com\nJWT-TOKEN: %s\n", jwt);
	assert_int_equal(parse("f.txt", text), EX_OK);
	assert_true(has_warning("f.txt:1: the API-Endpoint is not an https:// URL"));
	assert_no_leak(jwt);
}

/* ---- the JWT inside a credential file ---- */

static void test_jwt_malformed_is_error_with_line(void **state)
{
	(void)state;
	assert_int_equal(parse("f.txt", "# TSBaaS\nAPI-Endpoint: https://a.cloudshsm.com\nJWT-TOKEN: eyJhbGciOi.not-json!\n"),
	                 EX_DATAERR);
	assert_non_null(strstr(d.msg, "f.txt:3: JWT-TOKEN: "));
	assert_no_leak("eyJhbGciOi");
	assert_null(cf.jwt);
}

static void test_jwt_payload_not_json_is_error(void **state)
{
	(void)state;
	char text[512];
	snprintf(text, sizeof text, "API-Endpoint: https://a.cloudshsm.com\nJWT-TOKEN: %s.%s.c2ln\n",
	         "eyJhbGciOiJSUzI1NiJ9", "bm90IGpzb24");
	assert_int_equal(parse("f.txt", text), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt:2: JWT-TOKEN: the JWT's payload is not base64url-encoded JSON");
}

static void test_jwt_without_exp(void **state)
{
	(void)state;
	char jwt[1024], text[2048];
	make_jwt("{\"sub\":\"ACMETSB01\"}", jwt, sizeof jwt);
	snprintf(text, sizeof text, "API-Endpoint: https://a.cloudshsm.com\nJWT-TOKEN: %s\n", jwt);
	assert_int_equal(parse("f.txt", text), EX_OK);
	assert_int_equal(cf.jwt_exp, 0);
	assert_int_equal(cf.jwt_iat, 0);
}

static void test_jwt_file_missing_endpoint(void **state)
{
	(void)state;
	char jwt[1024], text[2048];
	make_jwt("{\"exp\":1795536000}", jwt, sizeof jwt);
	snprintf(text, sizeof text, "JWT-TOKEN: %s\n", jwt);
	assert_int_equal(parse("f.txt", text), EX_DATAERR);
	assert_string_equal(d.msg, "f.txt: missing key 'API-Endpoint' (this is a jwt file)");
	assert_no_leak(jwt);
}

/* ---- file names ---- */

static void test_name_company_with_underscores(void **state)
{
	(void)state;
	struct credfile_name n;
	assert_int_equal(credfile_parse_name("/tmp/dl/ACME_Corp_Int_ecocc_hsm_ACMEHSM01_20261120.txt", &n), 0);
	assert_int_equal(n.kind, CREDFILE_HSM);
	assert_string_equal(n.company, "ACME_Corp_Int");
	assert_string_equal(n.service, "ecocc");
	assert_string_equal(n.user, "ACMEHSM01");
	assert_string_equal(n.date, "2026-11-20");
	credfile_name_free(&n);
	assert_null(n.company);
}

static void test_name_dashed_date_and_kinds(void **state)
{
	(void)state;
	struct credfile_name n;
	assert_int_equal(credfile_parse_name("ACME_sbx_service_U_2026-02-28.txt", &n), 0);
	assert_int_equal(n.kind, CREDFILE_SERVICE);
	assert_string_equal(n.date, "2026-02-28");
	credfile_name_free(&n);
	assert_int_equal(credfile_parse_name("Org_tsb_JWT_u_20240229.TXT", &n), 0);
	assert_int_equal(n.kind, CREDFILE_JWT);
	assert_string_equal(n.date, "2024-02-29");
	credfile_name_free(&n);
	assert_int_equal(credfile_parse_name("Org_eco_credentials_u_20261120", &n), 0);
	assert_int_equal(n.kind, CREDFILE_COMBINED);
	credfile_name_free(&n);
}

static void test_name_browser_suffixes(void **state)
{
	(void)state;
	static const char *const names[] = {
		"ACME_eco_hsm_U_20261120 (1).txt",
		"ACME_eco_hsm_U_20261120(2).txt",
		"ACME_eco_hsm_U_20261120.txt (3)",
		"ACME_eco_hsm_U_2026-11-20 (12).txt",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct credfile_name n;
		assert_int_equal(credfile_parse_name(names[i], &n), 0);
		assert_string_equal(n.user, "U");
		assert_string_equal(n.date, "2026-11-20");
		assert_string_equal(n.company, "ACME");
		credfile_name_free(&n);
	}
}

static void test_name_rejects_bad_shapes(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"ACME_eco_hsm_U_20260230.txt",   /* no 30 February */
		"ACME_eco_hsm_U_20231301.txt",   /* month 13 */
		"ACME_eco_hsm_U_2026-1120.txt",  /* half a dash date */
		"ACME_eco_hsm_U_2026112.txt",    /* seven digits */
		"ACME_eco_keys_U_20261120.txt",  /* unknown kind */
		"eco_hsm_U_20261120.txt",        /* no company */
		"_eco_hsm_U_20261120.txt",       /* empty company */
		"ACME_eco_hsm__20261120.txt",    /* empty user */
		"ACME_eco_hsm_U_20261120_.txt",  /* empty date */
		"ACME_eco_hsm_U_20230229.txt",   /* 2023 is no leap year */
		"notes.txt",
		"",
		"(1).txt",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct credfile_name n;
		assert_int_equal(credfile_parse_name(bad[i], &n), -1);
		assert_int_equal(n.kind, CREDFILE_UNKNOWN);
		assert_null(n.company);
		assert_null(n.date);
	}
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(credfile_kind_name(CREDFILE_SERVICE), "service");
	assert_string_equal(credfile_kind_name(CREDFILE_HSM), "hsm");
	assert_string_equal(credfile_kind_name(CREDFILE_COMBINED), "credentials");
	assert_string_equal(credfile_kind_name(CREDFILE_JWT), "jwt");
	assert_string_equal(credfile_kind_name(CREDFILE_UNKNOWN), "unknown");
	for (int k = CREDFILE_UNKNOWN; k <= CREDFILE_JWT; k++)
		assert_true(strlen(credfile_kind_description((enum credfile_kind)k)) > 0);
}

/* ---- files ---- */

static void test_file_round_trip_and_mode_warning(void **state)
{
	(void)state;
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/ACME_eco_service_ACMEHSM01_20261120.txt", testutil_dir);
	write_file(p, SERVICE_TEXT, strlen(SERVICE_TEXT), 0600);
	assert_int_equal(credfile_parse_file(p, &cf, &w, &d), EX_OK);
	assert_string_equal(cf.path, p);
	assert_string_equal(cf.name.user, "ACMEHSM01");
	assert_string_equal(cf.service_password, SERVICE_PW);
	assert_int_equal(w.n, 0);
	credfile_free(&cf);
	chmod(p, 0644);
	assert_int_equal(credfile_parse_file(p, &cf, &w, &d), EX_OK);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.msg[0], "other users can read this file (mode 0644)"));
}

static void test_file_crlf_bom_from_disk(void **state)
{
	(void)state;
	char p[PATH_MAX];
	static const char text[] = "\xef\xbb\xbfHSM User Name: U\r\nHSM User Setup Password: FDgKb-zxsPR-ud6EN-GK6Jz-adrvB\r\n"
	                           "PKCS#11 password : Zr4kWm8sPq2nLx6c\r\n";
	snprintf(p, sizeof p, "%s/ACME_eco_hsm_U_2026-11-20 (1).txt", testutil_dir);
	write_file(p, text, sizeof text - 1, 0600);
	assert_int_equal(credfile_parse_file(p, &cf, &w, &d), EX_OK);
	assert_int_equal(cf.kind, CREDFILE_HSM);
	assert_string_equal(cf.pkcs11_password, PKCS11_PW);
	assert_string_equal(cf.name.date, "2026-11-20");
}

/* 5 MB of plausible text: refused by the bound, never read whole. */
static void test_file_5mb_refused(void **state)
{
	(void)state;
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/big.txt", testutil_dir);
	size_t n = 5 * 1024 * 1024;
	char *big = malloc(n);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (i % 64 == 63) ? '\n' : 'a';
	memcpy(big, SERVICE_TEXT, strlen(SERVICE_TEXT));
	write_file(p, big, n, 0600);
	free(big);
	assert_int_equal(credfile_parse_file(p, &cf, &w, &d), EX_DATAERR);
	assert_non_null(strstr(d.msg, "big.txt: file is larger than 65536 bytes"));
	assert_null(cf.path);
	assert_no_leak(SERVICE_PW);
}

/* Exactly 64 KiB is accepted; one byte more is not. */
static void test_file_size_bound_exact(void **state)
{
	(void)state;
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/edge.txt", testutil_dir);
	char *buf = malloc(CREDFILE_MAX_SIZE + 1);
	assert_non_null(buf);
	size_t head = strlen(HSM_TEXT);
	memcpy(buf, HSM_TEXT, head);
	memset(buf + head, '#', CREDFILE_MAX_SIZE + 1 - head);
	buf[CREDFILE_MAX_SIZE - 1] = '\n';
	write_file(p, buf, CREDFILE_MAX_SIZE, 0600);
	assert_int_equal(credfile_parse_file(p, &cf, &w, &d), EX_OK);
	credfile_free(&cf);
	buf[CREDFILE_MAX_SIZE] = '\n';
	write_file(p, buf, CREDFILE_MAX_SIZE + 1, 0600);
	assert_int_equal(credfile_parse_file(p, &cf, &w, &d), EX_DATAERR);
	free(buf);
}

static void test_file_directory_refused(void **state)
{
	(void)state;
	assert_int_equal(credfile_parse_file(testutil_dir, &cf, &w, &d), EX_NOINPUT);
	assert_non_null(strstr(d.msg, ": not a regular file"));
	assert_int_equal(strncmp(d.msg, testutil_dir, strlen(testutil_dir)), 0);
}

static void test_file_missing(void **state)
{
	(void)state;
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/nope.txt", testutil_dir);
	assert_int_equal(credfile_parse_file(p, &cf, &w, &d), EX_NOINPUT);
	assert_non_null(strstr(d.msg, "nope.txt: cannot open"));
}

static void test_file_fifo_refused_without_blocking(void **state)
{
	(void)state;
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/fifo.txt", testutil_dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(credfile_parse_file(p, &cf, &w, &d), EX_NOINPUT);
	assert_non_null(strstr(d.msg, "not a regular file"));
}

/* The struct is reusable after a free, and a second free is harmless. */
static void test_free_and_reuse(void **state)
{
	(void)state;
	assert_int_equal(parse("x", SERVICE_TEXT), EX_OK);
	credfile_free(&cf);
	credfile_free(&cf);
	assert_null(cf.service_password);
	assert_int_equal(parse("x", HSM_TEXT), EX_OK);
	assert_string_equal(cf.setup_password, SETUP_PW);
	credfile_free(NULL);
}

/* Pasted contents get a display name, and NULL is accepted too. */
static void test_buffer_display_name(void **state)
{
	(void)state;
	assert_int_equal(credfile_parse_buffer(NULL, "oops\n", 5, &cf, &w, &d), EX_DATAERR);
	assert_non_null(strstr(d.msg, ":1: no ':' on this line"));
	assert_int_equal(parse("pasted", HSM_TEXT), EX_OK);
	assert_string_equal(cf.path, "pasted");
	assert_int_equal(cf.name.kind, CREDFILE_UNKNOWN);
}

int main(void)
{
	secmem_init(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_service_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hsm_round_trip_with_pkcs11, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hsm_without_pkcs11, setup, teardown),
		cmocka_unit_test_setup_teardown(test_combined_round_trip_documented_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jwt_round_trip_documented_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_case_insensitive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whitespace_around_colon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_combined_needs_setup_password_or_jwt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_keeps_hash_colon_and_inner_spaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blank_and_comment_lines_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf_line_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bom_and_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_final_newline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8_value_and_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_line_without_colon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_no_key_before_colon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_duplicate_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_duplicate_key_through_variant, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_missing_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_missing_keys_listed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_hsm_user_uses_name_as_hint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_empty_required_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_optional_value_warns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_nul_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_overlong_and_surrogate_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_truncated_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_control_character, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_binary_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_empty_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_only_comments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_no_known_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warn_unknown_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warn_unknown_key_not_shown_when_secret_like, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setup_password_malformed_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrapped_secret_line_not_quoted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setup_password_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warn_name_disagrees_with_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warn_api_endpoint_not_https, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jwt_malformed_is_error_with_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jwt_payload_not_json_is_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jwt_without_exp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jwt_file_missing_endpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_company_with_underscores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_dashed_date_and_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_browser_suffixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_rejects_bad_shapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kind_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_round_trip_and_mode_warning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_crlf_bom_from_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_5mb_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_size_bound_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_directory_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_fifo_refused_without_blocking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_and_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffer_display_name, setup, teardown),
	};
	return cmocka_run_group_tests_name("credfile", tests, NULL, NULL);
}
