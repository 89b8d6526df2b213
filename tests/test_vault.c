/* test_vault.c: the vault's round trip, its refusals (every byte flipped, every truncation, wrong
 * passphrase, mode and owner), fresh nonces and the scrypt calibration. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "fsutil.h"
#include "secmem.h"
#include "vault.h"
#include "testutil.h"

#define PASS "correct horse battery"
#define SETUP_PW "FDgKb-zxsPR-ud6EN-GK6Jz-adrvB"

static void vault_path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", testutil_dir, name);
}

/* A small vault with two entries, kdf 1 ms (the minimum cost), saved at path. */
static void make_vault(const char *path)
{
	struct vault *v;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(vault_create(path, PASS, 1, &v, &d), EX_OK);
	assert_int_equal(vault_set(v, VAULT_SETUP_PASSWORD, SETUP_PW, &d), EX_OK);
	assert_int_equal(vault_set(v, VAULT_SERVICE_PASSWORD, "svc pw: x#1", &d), EX_OK);
	assert_int_equal(vault_save(v, &d), EX_OK);
	vault_close(v);
}

static void read_file(const char *path, unsigned char **buf, size_t *len)
{
	struct diag d;
	char *b;
	assert_int_equal(fsutil_read_bounded(path, 1 << 20, 0, &b, len, &d), EX_OK);
	*buf = (unsigned char *)b;
}

/* A fresh vault named name (its path in p) and its bytes, for the tests that damage it. */
/* A fresh vault file NAME, read into *buf; returns its length. */
static size_t vault_bytes(const char *name, unsigned char **buf)
{
	char p[PATH_MAX];
	size_t len;
	vault_path(p, sizeof p, name);
	make_vault(p);
	read_file(p, buf, &len);
	return len;
}

static void test_roundtrip(void **state)
{
	(void)state;
	char p[PATH_MAX];
	vault_path(p, sizeof p, "rt.vault");
	make_vault(p);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	struct vault *v;
	struct diag d;
	assert_int_equal(vault_open(p, PASS, &v, &d), EX_OK);
	assert_string_equal(vault_get(v, VAULT_SETUP_PASSWORD), SETUP_PW);
	assert_string_equal(vault_get(v, VAULT_SERVICE_PASSWORD), "svc pw: x#1");
	assert_null(vault_get(v, VAULT_JWT));
	assert_null(vault_get(v, VAULT_CURRENT));
	/* Change and save through the opened vault (the key is kept: no passphrase needed). */
	assert_int_equal(vault_set(v, VAULT_PENDING, "pending-secret", &d), EX_OK);
	assert_int_equal(vault_set(v, VAULT_SERVICE_PASSWORD, NULL, &d), EX_OK);
	assert_int_equal(vault_save(v, &d), EX_OK);
	vault_close(v);
	assert_int_equal(vault_open(p, PASS, &v, &d), EX_OK);
	assert_string_equal(vault_get(v, VAULT_PENDING), "pending-secret");
	assert_null(vault_get(v, VAULT_SERVICE_PASSWORD));
	assert_string_equal(vault_get(v, VAULT_SETUP_PASSWORD), SETUP_PW);
	vault_close(v);

	/* The secret is not in the file in clear. */
	unsigned char *buf;
	size_t len;
	read_file(p, &buf, &len);
	assert_null(memmem(buf, len, SETUP_PW, strlen(SETUP_PW)));
	assert_null(memmem(buf, len, "pending-secret", 14));
	free(buf);

	/* The same through the in-memory loader. */
	read_file(p, &buf, &len);
	assert_int_equal(vault_open_buffer(buf, len, PASS, &v, &d), EX_OK);
	assert_string_equal(vault_get(v, VAULT_PENDING), "pending-secret");
	vault_close(v);
	free(buf);

	assert_string_equal(vault_label_name(VAULT_SETUP_PASSWORD), "setup-password");
	assert_string_equal(vault_label_name(VAULT_PREVIOUS), "previous");
}

static void test_short_passphrase(void **state)
{
	(void)state;
	struct vault *v;
	struct diag d;
	char p[PATH_MAX];
	vault_path(p, sizeof p, "short.vault");
	assert_int_equal(vault_create(p, "elevenchars", 1, &v, &d), EX_USAGE);
	assert_null(v);
	/* White space at either end does not count; white space alone is no passphrase. */
	assert_int_equal(vault_create(p, "   elevenchars   ", 1, &v, &d), EX_USAGE);
	assert_null(v);
	assert_int_equal(vault_create(p, "                ", 1, &v, &d), EX_USAGE);
	assert_non_null(strstr(d.msg, "only white space"));
	assert_int_equal(vault_create(p, "", 1, &v, &d), EX_USAGE);
	assert_non_null(strstr(d.msg, "is empty"));
	assert_int_equal(vault_create(p, NULL, 1, &v, &d), EX_USAGE);
	assert_int_equal(access(p, F_OK), -1);
}

static void test_passphrase_check(void **state)
{
	(void)state;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(vault_passphrase_check("twelve chars", &d), EX_OK);
	assert_int_equal(vault_passphrase_check("  twelve chars\t\n", &d), EX_OK);
	/* Inner white space counts: it is part of what is typed every time. */
	assert_int_equal(vault_passphrase_check("a          b", &d), EX_OK);
	/* Characters, not bytes: 11 letters with umlauts are 22 bytes and still too short. */
	assert_int_equal(vault_passphrase_check("\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	                                        "\xc3\xa4\xc3\xa4\xc3\xa4", &d),
	                 EX_USAGE);
	assert_non_null(strstr(d.msg, "at least 12 characters, not counting white space at either end"));
	/* A no-break space (U+00A0) from a paste is white space too. */
	assert_int_equal(vault_passphrase_check("\xc2\xa0\xc2\xa0 \t\xc2\xa0", &d), EX_USAGE);
	assert_non_null(strstr(d.msg, "only white space"));
	assert_int_equal(vault_passphrase_check("\xc2\xa0" "eleven char\xc2\xa0", &d), EX_USAGE);
	assert_int_equal(vault_passphrase_check("\n", &d), EX_USAGE);
	/* Trivially weak, with the reason: a repeat, a short pattern, a name others know. */
	assert_int_equal(vault_passphrase_check("aaaaaaaaaaaa", &d), EX_USAGE);
	assert_non_null(strstr(d.msg, "one character repeated"));
	assert_int_equal(vault_passphrase_check("\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	                                        "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4", &d),
	                 EX_USAGE);
	assert_non_null(strstr(d.msg, "one character repeated"));
	assert_int_equal(vault_passphrase_check("abcabcabcabc", &d), EX_USAGE);
	assert_non_null(strstr(d.msg, "pattern of 3 characters"));
	assert_int_equal(vault_passphrase_check("12341234123412", &d), EX_USAGE);
	assert_non_null(strstr(d.msg, "pattern of 4 characters"));
	assert_int_equal(vault_passphrase_check("abcdeabcdeabcde", &d), EX_OK); /* a 5-character cycle passes */
	const char *names[] = {"ACMEHSM01", "alice", NULL};
	assert_int_equal(vault_passphrase_check_names("acmehsm01!2026", names, &d), EX_USAGE);
	assert_non_null(strstr(d.msg, "the name 'ACMEHSM01'"));
	assert_int_equal(vault_passphrase_check_names("AliceAliceAlice", names, &d), EX_USAGE);
	assert_non_null(strstr(d.msg, "the name 'alice'"));
	assert_int_equal(vault_passphrase_check_names("alice likes green tea", names, &d), EX_OK);
	assert_int_equal(vault_passphrase_check_names("correct horse battery", names, &d), EX_OK);
}

static void test_wrong_passphrase(void **state)
{
	(void)state;
	char p[PATH_MAX];
	vault_path(p, sizeof p, "wp.vault");
	make_vault(p);
	struct vault *v;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(vault_open(p, "correct horse battery!", &v, &d), EX_NOPERM);
	assert_null(v);
	assert_non_null(strstr(d.msg, "wrong passphrase"));
	assert_int_equal(vault_open(p, "", &v, &d), EX_NOPERM);
}

/* Flipping any single byte of the file is detected, as damage (65): the header check covers the
 * header, the tag the body. */
static void test_every_byte_flipped(void **state)
{
	(void)state;
	unsigned char *buf;
	size_t len = vault_bytes("flip.vault", &buf);
	assert_true(len > 70 + 16);
	for (size_t i = 0; i < len; i++) {
		static const unsigned char masks[] = {0x01, 0x80, 0xff};
		for (size_t m = 0; m < sizeof masks; m++) {
			/* The body costs one scrypt run per case: one mask is enough there. */
			if (i >= 70 && m > 0)
				continue;
			buf[i] ^= masks[m];
			struct vault *v = NULL;
			struct diag d;
			diag_clear(&d);
			int rc = vault_open_buffer(buf, len, PASS, &v, &d);
			if (rc != EX_DATAERR)
				fail_msg("byte %zu ^ 0x%02x: rc %d (%s)", i, masks[m], rc, d.msg);
			assert_null(v);
			buf[i] ^= masks[m];
		}
	}
	/* Unchanged, it still opens: the loop above really put every byte back. */
	struct vault *v;
	struct diag d;
	assert_int_equal(vault_open_buffer(buf, len, PASS, &v, &d), EX_OK);
	vault_close(v);
	free(buf);
}

static void test_every_truncation(void **state)
{
	(void)state;
	unsigned char *buf;
	size_t len = vault_bytes("trunc.vault", &buf);
	for (size_t cut = 0; cut < len; cut++) {
		unsigned char *copy = malloc(cut + 1);
		memcpy(copy, buf, cut);
		struct vault *v = NULL;
		struct diag d;
		diag_clear(&d);
		int rc = vault_open_buffer(copy, cut, PASS, &v, &d);
		if (rc != EX_DATAERR)
			fail_msg("cut at %zu: rc %d (%s)", cut, rc, d.msg);
		assert_null(v);
		free(copy);
	}
	/* And through the file loader, a short one says so. */
	char q[PATH_MAX];
	vault_path(q, sizeof q, "trunc2.vault");
	struct diag d;
	assert_int_equal(fsutil_write_atomic(q, buf, 40, 0600, "vault", &d), EX_OK);
	struct vault *v;
	assert_int_equal(vault_open(q, PASS, &v, &d), EX_DATAERR);
	assert_non_null(strstr(d.msg, "truncated"));
	/* Appending garbage is damage too. */
	unsigned char *longer = malloc(len + 1);
	memcpy(longer, buf, len);
	longer[len] = 0;
	assert_int_equal(vault_open_buffer(longer, len + 1, PASS, &v, &d), EX_DATAERR);
	free(longer);
	free(buf);
}

static void test_unknown_version(void **state)
{
	(void)state;
	unsigned char *buf;
	size_t len = vault_bytes("ver.vault", &buf);
	buf[8] = 2;
	struct vault *v;
	struct diag d;
	assert_int_equal(vault_open_buffer(buf, len, PASS, &v, &d), EX_DATAERR);
	assert_non_null(strstr(d.msg, "unknown vault format version 2"));
	free(buf);
	assert_int_equal(vault_open_buffer((const unsigned char *)"PK\3\4 a zip file, not a vault....", 33, PASS, &v, &d),
	                 EX_DATAERR);
	assert_non_null(strstr(d.msg, "not an hsm-onboard vault"));
}

static void test_mode_checks(void **state)
{
	(void)state;
	char p[PATH_MAX];
	vault_path(p, sizeof p, "mode.vault");
	make_vault(p);
	struct vault *v;
	struct diag d;
	/* Any mode but 0600 is refused before the passphrase is tried, with the chmod to run. */
	static const struct {
		mode_t mode;
		int rc;
		const char *says[2];
	} rows[] = {
		{0644, EX_NOPERM, {"chmod 600", "0644"}},
		{0640, EX_NOPERM, {"chmod 600", "0640"}},
		{0660, EX_NOPERM, {"chmod 600", "0660"}},
		{0400, EX_NOPERM, {"chmod 600", "0400"}},
		{0700, EX_NOPERM, {"chmod 600", "0700"}},
		{0600, EX_OK, {NULL, NULL}},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		assert_int_equal(chmod(p, rows[i].mode), 0);
		diag_clear(&d);
		int rc = vault_open(p, PASS, &v, &d);
		if (rc != rows[i].rc)
			fail_msg("mode %04o: exit %d, expected %d (%s)", (unsigned)rows[i].mode, rc, rows[i].rc, d.msg);
		for (size_t k = 0; k < 2 && rows[i].says[k]; k++)
			if (!strstr(d.msg, rows[i].says[k]))
				fail_msg("mode %04o: '%s' does not say '%s'", (unsigned)rows[i].mode, d.msg, rows[i].says[k]);
		if (rc == EX_OK)
			vault_close(v);
	}

	char missing[PATH_MAX];
	vault_path(missing, sizeof missing, "none.vault");
	assert_int_equal(vault_open(missing, PASS, &v, &d), EX_NOINPUT);

	if (geteuid() != 0) {
		/* Only root can give a file away; the owner check runs in root's test runs. */
		return;
	}
	struct passwd *pw = getpwnam("nobody");
	if (!pw)
		return;
	assert_int_equal(chown(p, pw->pw_uid, pw->pw_gid), 0);
	diag_clear(&d);
	assert_int_equal(vault_open(p, PASS, &v, &d), EX_NOPERM);
	assert_non_null(strstr(d.msg, "chown"));
	assert_int_equal(chown(p, 0, 0), 0);
}

/* Every save uses a fresh nonce: two saves of the same content differ, in the nonce and the body. */
static void test_fresh_nonce(void **state)
{
	(void)state;
	char p[PATH_MAX];
	vault_path(p, sizeof p, "nonce.vault");
	make_vault(p);
	unsigned char *a, *b;
	size_t la, lb;
	read_file(p, &a, &la);
	struct vault *v;
	struct diag d;
	assert_int_equal(vault_open(p, PASS, &v, &d), EX_OK);
	assert_int_equal(vault_save(v, &d), EX_OK);
	vault_close(v);
	read_file(p, &b, &lb);
	assert_int_equal(la, lb);
	/* Same magic, parameters, salt and key check; different nonce (bytes 34..45) and ciphertext. */
	assert_memory_equal(a, b, 34);
	assert_memory_not_equal(a + 34, b + 34, 12);
	assert_memory_equal(a + 46, b + 46, 16);
	assert_memory_not_equal(a + 70, b + 70, la - 70);
	free(a);
	free(b);
}

/* The stored cost follows kdf_ms: a larger budget never gives a smaller N, and 1 ms vs 200 ms differ. */
static void test_calibration(void **state)
{
	(void)state;
	char p1[PATH_MAX], p2[PATH_MAX];
	vault_path(p1, sizeof p1, "k1.vault");
	vault_path(p2, sizeof p2, "k2.vault");
	struct vault *v;
	struct diag d;
	/* The real calibration, not the test build's fixed cost. */
	const char *fixed = getenv("HSM_ONBOARD_TEST_KDF_LOG2N");
	char *saved = fixed ? strdup(fixed) : NULL;
	unsetenv("HSM_ONBOARD_TEST_KDF_LOG2N");
	assert_int_equal(vault_create(p1, PASS, 1, &v, &d), EX_OK);
	/* 1 ms calibrates below the floor on any machine: the floor is used, and said. */
	assert_true(vault_kdf_floor_hit(v));
	assert_int_equal(vault_kdf_log2n(v), VAULT_KDF_FLOOR_LOG2N);
	assert_int_equal(vault_save(v, &d), EX_OK);
	vault_close(v);
	assert_int_equal(vault_create(p2, PASS, 200, &v, &d), EX_OK);
	assert_int_equal(vault_save(v, &d), EX_OK);
	vault_close(v);
	unsigned char *a, *b;
	size_t la, lb;
	read_file(p1, &a, &la);
	read_file(p2, &b, &lb);
	/* Byte 9 is log2 N; r = 8, p = 1. The floor is N=2^15, r=8 (OWASP). */
	assert_int_equal(a[9], 15);
	/* 200 ms may calibrate to the floor too on a slow or busy machine (or under valgrind, where scrypt
	 * runs ~50 times slower): only the order is checked. */
	assert_true(b[9] >= a[9]);
	assert_true(b[9] <= 18);
	assert_int_equal(a[13], 8);
	assert_int_equal(a[17], 1);
	print_message("scrypt N: 2^%d for 1 ms, 2^%d for 200 ms\n", a[9], b[9]);
	free(a);
	free(b);
	/* Both open with the same passphrase. */
	assert_int_equal(vault_open(p2, PASS, &v, &d), EX_OK);
	vault_close(v);
	if (saved) {
		setenv("HSM_ONBOARD_TEST_KDF_LOG2N", saved, 1);
		free(saved);
	}
}

int main(void)
{
	secmem_init(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_short_passphrase),
		cmocka_unit_test(test_passphrase_check),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_every_byte_flipped),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_unknown_version),
		cmocka_unit_test(test_mode_checks),
		cmocka_unit_test(test_fresh_nonce),
		cmocka_unit_test(test_calibration),
	};
	return cmocka_run_group_tests_name("vault", tests, testutil_setup, testutil_teardown);
}
