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
	struct primus_cfg_in in = {hosts, 2, 2310, "USER@HOST", user, "svc-USER", 0};
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

/* The text of the block that starts with the line holding `start`, up to its closing "};" at the same
 * indentation (malloc'd). */
static char *t_block(const char *text, const char *start)
{
	const char *b = strstr(text, start);
	assert_non_null(b);
	while (b > text && b[-1] != '\n')
		b--;
	size_t indent = strspn(b, " ");
	char close[64];
	snprintf(close, sizeof close, "\n%*s};", (int)indent, "");
	const char *e = strstr(b, close);
	assert_non_null(e);
	return strndup(b, (size_t)(e - b) + strlen(close));
}

/* Several partitions in one primus.cfg: a slot id no other partition uses on every host entry, the
 * other entries byte for byte, this partition's own slots replaced rather than added twice. */
static void test_merge_partitions(void **state)
{
	(void)state;
	static const char *const hosts[] = {"hsm-a.example.test", "hsm-b.example.test"};
	static const char *const other[] = {"hsm-c.example.test"};
	char *a = NULL, *ab = NULL, *again = NULL, *abc = NULL;
	t_render(&a, "USER");
	struct primus_cfg_in b = {hosts, 2, 2310, "B@HOST", "PARTB", NULL, 0};
	size_t len = 0;
	int id = -1, reformatted = -1;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(primus_cfg_merge(a, "primus.cfg", &b, &ab, &len, &id, &reformatted, &d), EX_OK);
	assert_int_equal(id, 1);
	assert_int_equal(reformatted, 0);
	assert_non_null(strstr(ab, "configuration for USER, PARTB, written"));
	/* USER's slot on hsm0, byte for byte. */
	char *before = t_block(a, "slot0 :"), *after = t_block(ab, "slot0 :");
	assert_string_equal(before, after);
	free(before);
	free(after);
	struct primus_cfg c;
	assert_int_equal(primus_cfg_parse(ab, "primus.cfg", &c, &d), EX_OK);
	assert_int_equal(c.n_hsms, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(c.hsms[i].n_slots, 2);
		assert_int_equal(c.hsms[i].slots[0].id, 0);
		assert_string_equal(c.hsms[i].slots[1].user_name, "PARTB");
		assert_int_equal(c.hsms[i].slots[1].id, 1);
		assert_null(c.hsms[i].slots[1].proxy_user);
	}
	primus_cfg_free(&c);
	/* Merging PARTB again changes nothing. */
	assert_int_equal(primus_cfg_merge(ab, "primus.cfg", &b, &again, &len, &id, &reformatted, &d), EX_OK);
	assert_string_equal(again, ab);
	assert_int_equal(id, 1);
	/* A third partition on another cluster: its own host entry, the next free id. */
	struct primus_cfg_in cc = {other, 1, 2310, "C@HOST", "PARTC", NULL, 0};
	assert_int_equal(primus_cfg_merge(ab, "primus.cfg", &cc, &abc, &len, &id, &reformatted, &d), EX_OK);
	assert_int_equal(id, 2);
	assert_int_equal(primus_cfg_parse(abc, "primus.cfg", &c, &d), EX_OK);
	assert_int_equal(c.n_hsms, 3);
	assert_string_equal(c.hsms[2].name, "hsm2");
	assert_string_equal(c.hsms[2].host, "hsm-c.example.test");
	assert_int_equal(c.hsms[2].slots[0].id, 2);
	primus_cfg_free(&c);
	free(a);
	free(ab);
	free(again);
	free(abc);
}

/* The docs' own template (comments, a log group, a slot id 1): merged, but reported as reformatted so
 * that the caller keeps a backup; PARTB takes id 0, which nobody uses. */
static void test_merge_hand_edited(void **state)
{
	(void)state;
	static const char *const hosts[] = {"a-api.cloudshsm.com"};
	const char *base =
	    "# hand-made\nversion = \"1.0\";\n/* c */\nprimus:\n{\n  wait_delay = 250; /* in ms*/\n"
	    "  wait_max_tries = 5;\n  connect_on_init = true;\n  hsms:\n  {\n    hsm1:\n    {\n"
	    "      host = \"a-api.cloudshsm.com\";\n      port = \"2310\";\n      slots:\n      {\n"
	    "        slot0: { client_id = \"X\"; user_name = \"PARTA\"; id = 1; }; /* end slot0 */\n"
	    "      };\n    };\n  };\n  log: { trace_level = 4; };\n};\n";
	struct primus_cfg_in b = {hosts, 1, 2310, "B@HOST", "PARTB", "svc", 0};
	char *out = NULL;
	size_t len = 0;
	int id = -1, reformatted = -1;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(primus_cfg_merge(base, "primus.cfg", &b, &out, &len, &id, &reformatted, &d), EX_OK);
	assert_int_equal(id, 0);
	assert_int_equal(reformatted, 1);
	assert_non_null(strstr(out, "trace_level = 4;"));
	struct primus_cfg c;
	assert_int_equal(primus_cfg_parse(out, "primus.cfg", &c, &d), EX_OK);
	assert_int_equal(c.n_hsms, 1);
	assert_int_equal(c.hsms[0].n_slots, 2);
	assert_int_equal(c.hsms[0].slots[0].id, 1);
	assert_int_equal(c.hsms[0].slots[1].id, 0);
	primus_cfg_free(&c);
	free(out);
	/* A base outside the documented layout is not merged. */
	assert_int_equal(primus_cfg_merge("hsms : { };", "x.cfg", &b, &out, &len, &id, &reformatted, &d),
	                 EX_CONFIG);
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
	    cmocka_unit_test(test_render_matches_golden), cmocka_unit_test(test_merge_partitions),
	    cmocka_unit_test(test_merge_hand_edited),     cmocka_unit_test(test_other_layouts_refused),
	    cmocka_unit_test(test_codes_scan_and_pick),   cmocka_unit_test(test_refuses_setup),
	};
	return cmocka_run_group_tests_name("primus", tests, NULL, NULL);
}
