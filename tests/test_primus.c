/* test_primus.c: primus.cfg (written in the documented layout, equal to tests/golden/primus.cfg, and
 * read back; other layouts refused with the file, line and key) and the Securosys error-code table
 * (every code in a ppin output found, the most telling one picked, refusals of the setup password
 * told apart). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hsmcodes.h"
#include "primus_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

static char *t_read(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = calloc(1, 65536);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void t_render(char **text, const char *user)
{
	static const char *const hosts[] = {"hsm-a.example.test", "hsm-b.example.test"};
	struct primus_cfg_in in = {hosts, 2, 2310, "hsm-onboard", user, "svc-USER"};
	size_t len = 0;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(primus_cfg_render(&in, text, &len, &d), EX_OK);
	assert_int_equal(strlen(*text), len);
}

static void test_render_matches_golden(void **state)
{
	(void)state;
	char *text = NULL;
	t_render(&text, "USER");
	char *golden = t_read(SRCDIR "/tests/golden/primus.cfg");
	assert_string_equal(text, golden);
	free(golden);
	struct primus_cfg c;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(primus_cfg_parse(text, "primus.cfg", &c, &d), EX_OK);
	assert_int_equal(c.n_hsms, 2);
	assert_string_equal(c.hsms[1].host, "hsm-b.example.test");
	assert_string_equal(c.hsms[0].port, "2310");
	assert_int_equal(c.hsms[0].n_slots, 1);
	assert_string_equal(c.hsms[0].slots[0].user_name, "USER");
	assert_string_equal(c.hsms[0].slots[0].proxy_user, "svc-USER");
	assert_int_equal(c.hsms[0].slots[0].id, 0);
	assert_int_equal(c.wait_delay, 250);
	assert_int_equal(c.wait_max_tries, 5);
	assert_true(c.connect_on_init);
	assert_true(primus_cfg_has_user(&c, "USER"));
	assert_false(primus_cfg_has_user(&c, "OTHER"));
	primus_cfg_free(&c);
	free(text);
}

/* A layout the provider reads differently is refused, naming the line and the key. */
static void t_refused(const char *text, const char *want)
{
	struct primus_cfg c;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(primus_cfg_parse(text, "x.cfg", &c, &d), EX_CONFIG);
	if (!strstr(d.msg, want))
		fail_msg("'%s' does not name '%s'", d.msg, want);
	assert_int_equal(c.n_hsms, 0);
}

static void test_other_layouts_refused(void **state)
{
	(void)state;
	static const char slot[] = "slots : { slot0 : { client_id = \"c\"; user_name = \"U\"; id = 0; }; };";
	static const char globals[] = "wait_delay = 250; wait_max_tries = 5; connect_on_init = true;";
	char buf[1024];
	/* The layout written before: hsms at the top level, no version, no primus group. */
	snprintf(buf, sizeof buf, "hsms : { hsm0 : { host = \"h\"; port = \"2310\"; %s }; };", slot);
	t_refused(buf, "'hsms' is not part of the documented layout");
	snprintf(buf, sizeof buf, "primus : { %s hsms : { hsm0 : { host = \"h\"; port = \"2310\"; %s }; }; };",
	         globals, slot);
	t_refused(buf, "'version'");
	snprintf(buf, sizeof buf,
	         "version = \"2.0\"; primus : { %s hsms : { hsm0 : { host = \"h\"; port = \"2310\"; %s }; }; };",
	         globals, slot);
	t_refused(buf, "version must be");
	snprintf(buf, sizeof buf,
	         "version = \"1.0\"; primus : { %s hsms : { hsm0 : { host = \"h\"; port = 2310; %s }; }; };",
	         globals, slot);
	t_refused(buf, "line 1: 'port' is missing or is not a string");
	snprintf(buf, sizeof buf,
	         "version = \"1.0\"; primus : { hsms : { hsm0 : { host = \"h\"; port = \"2310\"; %s }; }; };",
	         slot);
	t_refused(buf, "'wait_delay'");
	snprintf(buf, sizeof buf,
	         "version = \"1.0\"; primus : { %s hsms : { hsm0 : { host = \"h\"; port = \"2310\"; }; }; };",
	         globals);
	t_refused(buf, "'slots'");
	snprintf(buf, sizeof buf,
	         "version = \"1.0\";\nprimus : { %s\nhsms : { hsm0 : { host = \"h\"; port = \"2310\";\n"
	         "slots : { slot0 : { client_id = \"c\"; id = 0; }; }; }; }; };",
	         globals);
	t_refused(buf, "x.cfg: line 4: 'user_name'");
	t_refused("version = \"1.0\"; primus : {", "x.cfg: line 1");
}

static void test_codes_scan_and_pick(void **state)
{
	(void)state;
	unsigned long codes[8];
	const char *out =
	    "ERROR: connection failed (0x80005015)\nretry: login failed (0x80005017), 0x80005015 again, "
	    "HSM said 0xc0000012; not a code: 0x800050170 0x8000501";
	size_t n = hsmcodes_scan(out, codes, 8);
	assert_int_equal(n, 3);
	assert_int_equal(codes[0], 0x80005015UL);
	assert_int_equal(codes[1], 0x80005017UL);
	assert_int_equal(codes[2], 0xC0000012UL);
	const struct hsmcodes_entry *e = hsmcodes_pick(codes, n);
	assert_non_null(e);
	assert_int_equal(e->cls, HSMCODES_SETUP_REFUSED);
	assert_int_equal(e->exit_code, EX_NOPERM);
	/* Every documented code has an entry with a next step. */
	static const unsigned long documented[] = {
	    0x80000037UL, 0x8000000BUL, 0x8000000DUL, 0x80005002UL, 0x80005005UL, 0x80005006UL,
	    0x80005012UL, 0x80005019UL, 0x80000069UL, 0x80000018UL, 0x80005015UL, 0x80005017UL,
	    0x80005018UL, 0x80005007UL, 0x80005003UL, 0x80005004UL, 0x8000003BUL, 0x80005008UL,
	    0x80005009UL, 0x80005010UL, 0x80005011UL, 0x80005013UL, 0x80005014UL};
	for (size_t i = 0; i < sizeof documented / sizeof documented[0]; i++) {
		e = hsmcodes_lookup(documented[i]);
		assert_non_null(e);
		assert_int_equal(e->code, documented[i]);
		assert_true(e->next && e->next[0]);
	}
	e = hsmcodes_lookup(0xC0001234UL);
	assert_non_null(e);
	assert_int_equal(e->cls, HSMCODES_SYSTEM);
	assert_non_null(hsmcodes_lookup(0x80000099UL));
	assert_null(hsmcodes_lookup(0x000000A0UL));
	char buf[16];
	hsmcodes_format(0x8000000bUL, buf, sizeof buf);
	assert_string_equal(buf, "0x8000000B");
}

static void test_refuses_setup(void **state)
{
	(void)state;
	assert_true(hsmcodes_refuses_setup("0x80005017"));
	assert_true(hsmcodes_refuses_setup("0x80005018"));
	assert_true(hsmcodes_refuses_setup("0X80005018"));
	assert_false(hsmcodes_refuses_setup("0x8000000B")); /* the PKCS#11 password, not the setup one */
	assert_false(hsmcodes_refuses_setup("0x80005015")); /* never reached the HSM */
	assert_false(hsmcodes_refuses_setup("CKR_PIN_INCORRECT"));
	assert_false(hsmcodes_refuses_setup(NULL));
	assert_true(hsmcodes_is_locked("CKR_PIN_LOCKED"));
	assert_true(hsmcodes_is_locked("0x80005018"));
	assert_false(hsmcodes_is_locked("0x80005017"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_render_matches_golden),
	    cmocka_unit_test(test_other_layouts_refused),
	    cmocka_unit_test(test_codes_scan_and_pick),
	    cmocka_unit_test(test_refuses_setup),
	};
	return cmocka_run_group_tests_name("primus", tests, NULL, NULL);
}
