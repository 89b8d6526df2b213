/* test_fsutil.c: the atomic write steps, bounded reads, private directories and shredding. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "fsutil.h"
#include "quote.h"
#include "secmem.h"
#include "testutil.h"

static void path_in(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", testutil_dir, name);
}

/* P (PATH_MAX) names NAME in the test folder, written atomically with CONTENT, mode 0600. */
static void write_in(char *p, const char *name, const char *content)
{
	path_in(p, PATH_MAX, name);
	struct diag d;
	assert_int_equal(fsutil_write_atomic(p, content, strlen(content), 0600, "state", &d), EX_OK);
}

/* How many temp files of NAME ("NAME.*.tmp") are in the test folder. */
static int temps_of(const char *name)
{
	DIR *dh = opendir(testutil_dir);
	assert_non_null(dh);
	int n = 0;
	size_t len = strlen(name);
	struct dirent *e;
	while ((e = readdir(dh)))
		if (strncmp(e->d_name, name, len) == 0 && e->d_name[len] == '.' &&
		    strlen(e->d_name) > len + 4 && strcmp(e->d_name + strlen(e->d_name) - 4, ".tmp") == 0)
			n++;
	closedir(dh);
	return n;
}

static void test_write_atomic_creates_with_mode(void **state)
{
	(void)state;
	char p[PATH_MAX];
	path_in(p, sizeof p, "a.json");
	struct diag d;
	diag_clear(&d);
	assert_int_equal(fsutil_write_atomic(p, "hello", 5, 0600, "state", &d), EX_OK);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 5);
	assert_int_equal(temps_of("a.json"), 0); /* no temp file left behind */
}

static void test_write_atomic_replaces(void **state)
{
	(void)state;
	char p[PATH_MAX];
	write_in(p, "b.json", "old");
	struct diag d;
	assert_int_equal(fsutil_write_atomic(p, "newer", 5, 0600, "state", &d), EX_OK);
	char *buf;
	size_t len;
	assert_int_equal(fsutil_read_bounded(p, 100, 0, &buf, &len, &d), EX_OK);
	assert_string_equal(buf, "newer");
	free(buf);
}

static void test_write_atomic_umask_does_not_narrow_or_widen(void **state)
{
	(void)state;
	char p[PATH_MAX];
	path_in(p, sizeof p, "c.cfg");
	mode_t old = umask(0077);
	struct diag d;
	assert_int_equal(fsutil_write_atomic(p, "x", 1, 0644, "config", &d), EX_OK);
	umask(old);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
}

static void test_write_atomic_failure_leaves_no_temp(void **state)
{
	(void)state;
	char p[PATH_MAX], inner[PATH_MAX + 8];
	path_in(p, sizeof p, "d.json");
	/* A non-empty folder at the target makes the rename fail after the temp file was written. */
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(inner, sizeof inner, "%s/x", p);
	struct diag d;
	assert_int_equal(fsutil_write_atomic(inner, "keep me", 7, 0600, "state", &d), EX_OK);
	assert_int_not_equal(fsutil_write_atomic(p, "lost", 4, 0600, "state", &d), EX_OK);
	assert_non_null(strstr(d.msg, "d.json"));
	assert_int_equal(temps_of("d.json"), 0);
	char *buf;
	assert_int_equal(fsutil_read_bounded(inner, 100, 0, &buf, NULL, &d), EX_OK);
	assert_string_equal(buf, "keep me");
	free(buf);
}

static void test_write_atomic_ignores_planted_temp(void **state)
{
	(void)state;
	char p[PATH_MAX], target[PATH_MAX], tmp[PATH_MAX + 8];
	path_in(p, sizeof p, "e.json");
	path_in(target, sizeof target, "victim");
	/* The name a fixed temp scheme would use: neither followed nor removed (it is somebody's). */
	snprintf(tmp, sizeof tmp, "%s.tmp", p);
	assert_int_equal(symlink(target, tmp), 0);
	struct diag d;
	assert_int_equal(fsutil_write_atomic(p, "x", 1, 0600, "state", &d), EX_OK);
	assert_int_not_equal(access(target, F_OK), 0); /* nothing written through the link */
	struct stat st;
	assert_int_equal(lstat(tmp, &st), 0);
	unlink(tmp);
}

/* A file of n bytes c, named name in the test's dir (p gets its path). */
static void filled_file(char *p, size_t size, const char *name, char *data, size_t n, char c)
{
	path_in(p, size, name);
	memset(data, c, n);
	struct diag d;
	assert_int_equal(fsutil_write_atomic(p, data, n, 0600, "state", &d), EX_OK);
}

/* A temp file that a dead writer left is shredded by the next write; a live writer's stays. */
static void test_write_atomic_sweeps_only_dead_writers(void **state)
{
	(void)state;
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	char p[PATH_MAX], dead[PATH_MAX + 32], live[PATH_MAX + 32];
	path_in(p, sizeof p, "g.prom");
	snprintf(dead, sizeof dead, "%s.%ld.AbCdEf.tmp", p, (long)child);
	snprintf(live, sizeof live, "%s.%ld.AbCdEf.tmp", p, (long)getppid());
	struct diag d;
	assert_int_equal(fsutil_write_new(dead, "old", 3, 0600, 1, "status", &d), EX_OK);
	assert_int_equal(fsutil_write_new(live, "busy", 4, 0600, 1, "status", &d), EX_OK);
	assert_int_equal(fsutil_write_atomic(p, "new", 3, 0644, "status", &d), EX_OK);
	assert_int_not_equal(access(dead, F_OK), 0);
	assert_int_equal(access(live, F_OK), 0);
	unlink(live);
}

/* The group and mode are set on the descriptor: the file appears already 0640 and the group's. */
static void test_write_atomic_group(void **state)
{
	(void)state;
	char p[PATH_MAX];
	path_in(p, sizeof p, "h.cfg");
	struct diag d;
	assert_int_equal(fsutil_write_atomic_group(p, "x", 1, 0640, getgid(), "config", &d), EX_OK);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_gid, getgid());
	assert_int_equal(temps_of("h.cfg"), 0);
}

static void test_read_bounded_limits(void **state)
{
	(void)state;
	char p[PATH_MAX], data[101];
	filled_file(p, sizeof p, "big", data, sizeof data, 'a');
	struct diag d;
	char *buf = NULL;
	assert_int_equal(fsutil_read_bounded(p, 100, 0, &buf, NULL, &d), EX_DATAERR);
	assert_null(buf);
	assert_non_null(strstr(d.msg, "larger than 100"));
	size_t len;
	assert_int_equal(fsutil_read_bounded(p, 101, FSUTIL_READ_SECRET, &buf, &len, &d), EX_OK);
	assert_int_equal(len, 101);
	secmem_free(buf);
}

/* The buffer grows with the file, never with the limit: a small state.json read under a 16 MiB limit
 * gets a small buffer, secret or not, and the limit still holds. */
static void test_read_bounded_small_file_small_buffer(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	struct diag d;
	char p[PATH_MAX], data[783];
	filled_file(p, sizeof p, "small.json", data, sizeof data, 'x');
	assert_int_equal(fsutil_read_bounded(p, 16 * 1024 * 1024, 0, &buf, &len, &d), EX_OK);
	assert_int_equal(len, sizeof data);
	assert_int_equal(buf[len], '\0');
	assert_memory_equal(buf, data, sizeof data);
	assert_true(malloc_usable_size(buf) < 4096);
	free(buf);
	assert_int_equal(fsutil_read_bounded(p, 64 * 1024, FSUTIL_READ_SECRET, &buf, &len, &d), EX_OK);
	assert_int_equal(len, sizeof data);
	assert_true(secmem_size(buf) < 1024);
	secmem_free(buf);
}

/* A pipe has no size to start from: the buffer doubles as bytes arrive (moving secret ones to a new
 * secret buffer), and the limit holds to the byte. */
static void read_pipe(size_t bytes, size_t max, int flags, int want_rc)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	char *data = malloc(bytes);
	assert_non_null(data);
	for (size_t i = 0; i < bytes; i++)
		data[i] = (char)('a' + i % 26);
	/* Under the pipe's 64 KiB buffer: written whole before the read starts. */
	assert_int_equal(write(fds[1], data, bytes), (ssize_t)bytes);
	close(fds[1]);
	char *buf = NULL;
	size_t len = 0;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(fsutil_read_fd_bounded(fds[0], "-", max, flags, &buf, &len, &d), want_rc);
	close(fds[0]);
	if (want_rc != EX_OK) {
		assert_null(buf);
		assert_non_null(strstr(d.msg, "larger than"));
	} else {
		assert_int_equal(len, bytes);
		assert_memory_equal(buf, data, bytes);
		assert_int_equal(buf[len], '\0');
		if (flags & FSUTIL_READ_SECRET) {
			assert_true(secmem_size(buf) < 2 * bytes + 4096);
			secmem_free(buf);
		} else {
			assert_true(malloc_usable_size(buf) < 2 * bytes + 4096);
			free(buf);
		}
	}
	free(data);
}

static void test_read_fd_bounded_pipe_grows(void **state)
{
	(void)state;
	read_pipe(10000, 1 << 20, 0, EX_OK);
	read_pipe(10000, 64 * 1024, FSUTIL_READ_SECRET, EX_OK);
	read_pipe(10000, 10000, 0, EX_OK);
	read_pipe(10000, 10000, FSUTIL_READ_SECRET, EX_OK);
	read_pipe(10001, 10000, 0, EX_DATAERR);
	read_pipe(10001, 10000, FSUTIL_READ_SECRET, EX_DATAERR);
	read_pipe(0, 100, 0, EX_OK);
}

static void test_read_bounded_refuses_dir_and_missing(void **state)
{
	(void)state;
	char *buf;
	struct diag d;
	assert_int_equal(fsutil_read_bounded(testutil_dir, 100, 0, &buf, NULL, &d), EX_NOINPUT);
	assert_non_null(strstr(d.msg, "not a regular file"));
	char p[PATH_MAX];
	path_in(p, sizeof p, "missing");
	assert_int_equal(fsutil_read_bounded(p, 100, 0, &buf, NULL, &d), EX_NOINPUT);
	assert_non_null(strstr(d.msg, "missing"));
}

static void test_mkdir_private(void **state)
{
	(void)state;
	char p[PATH_MAX];
	path_in(p, sizeof p, "x/y/z");
	struct diag d;
	assert_int_equal(fsutil_mkdir_private(p, &d), EX_OK);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	chmod(p, 0755);
	assert_int_equal(fsutil_mkdir_private(p, &d), EX_OK);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
}

static void test_shred_removes(void **state)
{
	(void)state;
	char p[PATH_MAX];
	write_in(p, "plain.txt", "secret-ish");
	struct diag d;
	/* A second name for the same inode shows what the shredder left in the blocks. */
	char link_path[PATH_MAX];
	path_in(link_path, sizeof link_path, "plain.link");
	assert_int_equal(link(p, link_path), 0);
	assert_int_equal(fsutil_shred(p, &d), EX_OK);
	assert_int_not_equal(access(p, F_OK), 0);
	char buf[32] = {0};
	FILE *f = fopen(link_path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof buf, f), 10);
	fclose(f);
	assert_null(memmem(buf, 10, "secret", 6));
	unlink(link_path);
	/* A missing file: nothing to shred, told apart from a failure. */
	assert_int_equal(fsutil_shred(p, &d), EX_NOINPUT);
}

static void test_secmem_roundtrip(void **state)
{
	(void)state;
	char *s = secmem_strdup("FDgKb-zxsPR-ud6EN-GK6Jz-adrvB");
	assert_non_null(s);
	assert_int_equal(secmem_size(s), 29);
	assert_true(secmem_equal(s, "FDgKb-zxsPR-ud6EN-GK6Jz-adrvB"));
	assert_false(secmem_equal(s, "FDgKb-zxsPR-ud6EN-GK6Jz-adrvC"));
	assert_false(secmem_equal(s, "FDgKb"));
	secmem_free(s);
	secmem_free(NULL);
}

/* The base layer's one quoting function: names that need nothing are left alone; ESC, newline,
 * other controls, C1 controls and bytes that are not UTF-8 come out escaped (ls --quoting-style=c). */
static void test_quote_c(void **state)
{
	(void)state;
	assert_string_equal(quote_c("plain name_2026.txt"), "plain name_2026.txt");
	assert_string_equal(quote_c("Gr\xc3\xbc\xc3\x9f \xe2\x82\xac"), "Gr\xc3\xbc\xc3\x9f \xe2\x82\xac");
	assert_string_equal(quote_c("a\x1b[31mb"), "\"a\\033[31mb\"");
	assert_string_equal(quote_c("line\nbreak\ttab\r"), "\"line\\nbreak\\ttab\\r\"");
	assert_string_equal(quote_c("caf\xe9 \"q\" \\"), "\"caf\\xE9 \\\"q\\\" \\\\\"");
	assert_string_equal(quote_c("\x7f\x01"), "\"\\177\\001\"");
	/* U+009B, the one-byte CSI of some terminals, is valid UTF-8 and still a control. */
	assert_string_equal(quote_c("x\xc2\x9b" "2J"), "\"x\\xC2\\x9B2J\"");
	/* Bidi controls (RIGHT-TO-LEFT OVERRIDE, RIGHT-TO-LEFT ISOLATE) reorder what is shown. */
	assert_string_equal(quote_c("a\xe2\x80\xae" "b"), "\"a\\xE2\\x80\\xAEb\"");
	assert_string_equal(quote_c("\xe2\x81\xa7x"), "\"\\xE2\\x81\\xA7x\"");
	/* Overlong and truncated sequences are not UTF-8. */
	assert_string_equal(quote_c("\xc0\xaf"), "\"\\xC0\\xAF\"");
	assert_string_equal(quote_c("ab\xe2\x82"), "\"ab\\xE2\\x82\"");
	assert_string_equal(quote_c(NULL), "(null)");
	/* Messages keep their lines and get no quotes. */
	assert_string_equal(quote_text("f.txt:2: bad\nnext \x1b]0;t\x07"), "f.txt:2: bad\nnext \\033]0;t\\007");
	/* Several results stand in one printf. */
	const char *a = quote_c("\x1b" "1"), *b = quote_c("\x1b" "2");
	assert_string_equal(a, "\"\\0331\"");
	assert_string_equal(b, "\"\\0332\"");
	assert_false(quote_needed("ok"));
	assert_true(quote_needed("\xff"));
}

int main(void)
{
	secmem_init(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_atomic_creates_with_mode),
		cmocka_unit_test(test_write_atomic_replaces),
		cmocka_unit_test(test_write_atomic_umask_does_not_narrow_or_widen),
		cmocka_unit_test(test_write_atomic_failure_leaves_no_temp),
		cmocka_unit_test(test_write_atomic_ignores_planted_temp),
		cmocka_unit_test(test_write_atomic_sweeps_only_dead_writers),
		cmocka_unit_test(test_write_atomic_group),
		cmocka_unit_test(test_read_bounded_limits),
		cmocka_unit_test(test_read_bounded_refuses_dir_and_missing),
		cmocka_unit_test(test_read_bounded_small_file_small_buffer),
		cmocka_unit_test(test_read_fd_bounded_pipe_grows),
		cmocka_unit_test(test_mkdir_private),
		cmocka_unit_test(test_shred_removes),
		cmocka_unit_test(test_secmem_roundtrip),
		cmocka_unit_test(test_quote_c),
	};
	return cmocka_run_group_tests_name("fsutil", tests, testutil_setup, testutil_teardown);
}
