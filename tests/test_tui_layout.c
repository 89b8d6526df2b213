/* test_tui_layout.c: the wizard's text layout (ui/tui.c), which every screen uses: display widths of
 * UTF-8, double-width and combining characters; word wrap with a hanging indent; paths shortened in
 * their middle with the ellipsis, keeping their start and file name, "~" for the home folder. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(tui_width("abc"), 3);
	assert_int_equal(tui_width("Größe"), 5);            /* two-byte characters, one column each */
	assert_int_equal(tui_width("\xe6\x97\xa5\xe6\x9c\xac"), 4); /* 日本: double width */
	assert_int_equal(tui_width("e\xcc\x81"), 1);         /* e + combining acute: one column */
	assert_int_equal(tui_width("\xe2\x80\xa6"), 1);      /* the ellipsis */
	/* A stray byte counts one column: a line can never overflow on it. */
	assert_int_equal(tui_width("a\xff" "b"), 3);
	assert_int_equal(tui_suffix_at("\xe6\x97\xa5\xe6\x9c\xac", 3), 3); /* never half a character */
}

/* The lines of s wrapped to width (hang for lines after the first), joined with '|'. */
static void wrap_lines(const char *s, int width, int hang, char *out, size_t size)
{
	out[0] = '\0';
	int row = 0;
	while (*s) {
		const char *next;
		size_t n = tui_wrap_line(s, row ? width - hang : width, &next);
		snprintf(out + strlen(out), size - strlen(out), "%s%.*s", row ? "|" : "", (int)n, s);
		s = next;
		row++;
	}
}

static void test_wrap(void **state)
{
	(void)state;
	char out[512];
	wrap_lines("[ ] Email: link to the service user file (Proxy-User, Proxy-Password)", 40, 4, out, sizeof out);
	/* Every line after the first is 4 columns narrower: it starts under the text, not the box. */
	assert_string_equal(out, "[ ] Email: link to the service user file|(Proxy-User, Proxy-Password)");
	assert_int_equal(tui_wrap_rows("[ ] Email: link to the service user file (Proxy-User, Proxy-Password)", 40, 4), 2);
	wrap_lines("one\n\ntwo", 10, 0, out, sizeof out);
	assert_string_equal(out, "one||two");
	/* German and French run longer; a word longer than the line is broken, never dropped. */
	wrap_lines("Kennwortänderungsbestätigung ok", 10, 0, out, sizeof out);
	assert_string_equal(out, "Kennwortän|derungsbes|tätigung|ok");
	/* Double width: 日本語 is 6 columns; at 5 columns the third character goes to the next line. */
	wrap_lines("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, 0, out, sizeof out);
	assert_string_equal(out, "\xe6\x97\xa5\xe6\x9c\xac|\xe8\xaa\x9e");
}

static void test_path(void **state)
{
	(void)state;
	char out[512];
	const char *p = "/tmp/hsm-onboard-demo.xXKX8d/home/.local/state/hsm-onboard/DEMOHSM01/config/pkcs11.pin";
	tui_path_fit(p, 200, out, sizeof out);
	assert_string_equal(out, p);                         /* it fits: as it is */
	tui_path_fit(p, 40, out, sizeof out);
	assert_int_equal(tui_width(out), 40);
	/* The start, the ellipsis, then whole folders and the file name. */
	assert_string_equal(out, "/tmp/hsm-onboard-demo\xe2\x80\xa6/config/pkcs11.pin");
	tui_path_fit("/a/very-long-file-name-that-does-not-fit.pin", 12, out, sizeof out);
	assert_string_equal(out, "\xe2\x80\xa6" "not-fit.pin");   /* the end of the name, with its extension */
	tui_path_fit("/srv/d\xc3\xa9p\xc3\xb4t/\xe6\x97\xa5\xe6\x9c\xac/r\xc3\xa9sum\xc3\xa9.txt", 16, out, sizeof out);
	assert_true(tui_width(out) <= 16);
	assert_non_null(strstr(out, "\xe2\x80\xa6"));
	assert_non_null(strstr(out, "/r\xc3\xa9sum\xc3\xa9.txt"));
	/* The home folder (the password database's) becomes "~". */
	const struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_dir && strlen(pw->pw_dir) > 1) {
		char in[1024];
		snprintf(in, sizeof in, "%s/.config/hsm-onboard/P/pkcs11.pin", pw->pw_dir);
		tui_path_fit(in, 200, out, sizeof out);
		assert_string_equal(out, "~/.config/hsm-onboard/P/pkcs11.pin");
	}
}

int main(void)
{
	if (!setlocale(LC_ALL, "C.UTF-8")) {
		fprintf(stderr, "SKIP: no C.UTF-8 locale\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
