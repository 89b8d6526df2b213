/* test_qr.c: the rendered QR code is libqrencode's matrix, module for module, with its quiet zone, in
 * both the half-block and the ASCII drawing. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "qr.h"

/* A compact ticket summary, with invented data, as cli ticket --qr encodes it. */
static const char summary[] =
	"HSM setup password renewal\nHSM user: ACME_ECO_7781\nTier: ECO\nState: expired\n"
	"Expired: 2026-11-27T00:00:00Z\nContract: OFFER-2026-0042";

/* Reads the module at (x, y) of the full symbol (quiet zone included) back from the half blocks. */
static int utf8_module(const struct qr_text *q, int x, int y)
{
	const char *s = q->lines[y / 2];
	for (int col = 0; col < x; col++) {
		assert_true(*s != '\0');
		s += (unsigned char)*s < 0x80 ? 1 : 3;
	}
	int top = 0, bottom = 0;
	if (*s == ' ')
		top = bottom = 0;
	else if (strncmp(s, "\u2588", 3) == 0)
		top = bottom = 1;
	else if (strncmp(s, "\u2580", 3) == 0)
		top = 1, bottom = 0;
	else if (strncmp(s, "\u2584", 3) == 0)
		top = 0, bottom = 1;
	else
		fail_msg("unexpected character in line %d: %s", y / 2, s);
	return y % 2 ? bottom : top;
}

static int ascii_module(const struct qr_text *q, int x, int y)
{
	const char *cell = q->lines[y] + 2 * x;
	if (strncmp(cell, "##", 2) == 0)
		return 1;
	if (strncmp(cell, "  ", 2) == 0)
		return 0;
	fail_msg("unexpected cell at %d,%d", x, y);
	return -1;
}

static void check_matrix(int ascii)
{
	struct qr_text q;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(qr_render(summary, ascii, &q, &d), EX_OK);

	QRcode *ref = QRcode_encodeString8bit(summary, 0, QR_ECLEVEL_M);
	assert_non_null(ref);
	assert_int_equal(q.version, ref->version);
	assert_int_equal(q.modules, ref->width);
	assert_int_equal(q.modules, 17 + 4 * q.version); /* ISO/IEC 18004 size of a version */
	/* 131 bytes in 8-bit mode at level M: more than version 7 holds (122), within version 8 (152). */
	assert_int_equal(strlen(summary), 131);
	assert_int_equal(q.version, 8);

	const int side = q.modules + 2 * QR_QUIET_ZONE;
	if (ascii) {
		assert_int_equal(q.n_lines, side);
		assert_int_equal(q.columns, 2 * side);
		for (size_t i = 0; i < q.n_lines; i++)
			assert_int_equal(strlen(q.lines[i]), 2 * side);
	} else {
		assert_int_equal(q.n_lines, (q.modules + 8 + 1) / 2);
		assert_int_equal(q.columns, side);
	}

	int dark = 0;
	for (int y = 0; y < side; y++) {
		for (int x = 0; x < side; x++) {
			int got = ascii ? ascii_module(&q, x, y) : utf8_module(&q, x, y);
			int mx = x - QR_QUIET_ZONE, my = y - QR_QUIET_ZONE;
			int want = 0;
			if (mx >= 0 && my >= 0 && mx < ref->width && my < ref->width)
				want = ref->data[my * ref->width + mx] & 1;
			else
				assert_int_equal(got, 0); /* the quiet zone is light */
			if (got != want)
				fail_msg("module %d,%d: drawn %d, libqrencode %d", mx, my, got, want);
			dark += got;
		}
	}
	/* The finder pattern's top-left corner is dark, right after the quiet zone. */
	assert_int_equal(ascii ? ascii_module(&q, 4, 4) : utf8_module(&q, 4, 4), 1);
	assert_true(dark > 0);
	QRcode_free(ref);
	qr_text_free(&q);
	assert_null(q.lines);
}

static void test_utf8_matrix(void **state) { (void)state; check_matrix(0); }
static void test_ascii_matrix(void **state) { (void)state; check_matrix(1); }

static void test_small_and_odd(void **state)
{
	(void)state;
	struct qr_text q;
	struct diag d;
	diag_clear(&d);
	/* Version 1 is 21 modules: 29 with the quiet zone, an odd count, so the last half-block line
	 * has only its top half used and is blank. */
	assert_int_equal(qr_render("https://example.invalid/a", 0, &q, &d), EX_OK);
	assert_int_equal(q.version, 2); /* 25 bytes: over version 1-M's 14, within 2-M's 26 */
	assert_int_equal(q.modules, 25);
	assert_int_equal(q.n_lines, (25 + 8 + 1) / 2);
	qr_text_free(&q);
	assert_int_equal(qr_render("x", 0, &q, &d), EX_OK);
	assert_int_equal(q.version, 1);
	assert_int_equal(q.n_lines, 15);
	assert_string_equal(q.lines[14], "                             ");
	assert_string_equal(q.lines[0], q.lines[14]);
	qr_text_free(&q);
}

static void test_errors(void **state)
{
	(void)state;
	struct qr_text q;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(qr_render("", 0, &q, &d), EX_SOFTWARE);
	assert_int_equal(q.n_lines, 0);
	char *big = malloc(4000);
	assert_non_null(big);
	memset(big, 'a', 3999);
	big[3999] = '\0';
	diag_clear(&d);
	assert_int_equal(qr_render(big, 1, &q, &d), EX_DATAERR); /* over version 40-M's 2331 bytes */
	assert_non_null(strstr(d.msg, "too many"));
	assert_null(q.lines);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_matrix),
		cmocka_unit_test(test_ascii_matrix),
		cmocka_unit_test(test_small_and_odd),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}
