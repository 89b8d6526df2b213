/* test_fsutil.c: the atomic write steps, bounded reads, private directories and shredding. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "fsutil.h"
#include "secmem.h"
#include "testutil.h"

static void path_in(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", testutil_dir, name);
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
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", p);
	assert_int_not_equal(access(tmp, F_OK), 0); /* no temp file left behind */
}

static void test_write_atomic_replaces(void **state)
{
	(void)state;
	char p[PATH_MAX];
	path_in(p, sizeof p, "b.json");
	struct diag d;
	assert_int_equal(fsutil_write_atomic(p, "old", 3, 0600, "state", &d), EX_OK);
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

static void test_write_atomic_failure_keeps_previous(void **state)
{
	(void)state;
	char p[PATH_MAX];
	path_in(p, sizeof p, "d.json");
	struct diag d;
	assert_int_equal(fsutil_write_atomic(p, "keep me", 7, 0600, "state", &d), EX_OK);
	/* A directory where the temp file must go makes the create fail. */
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", p);
	assert_int_equal(mkdir(tmp, 0700), 0);
	assert_int_not_equal(fsutil_write_atomic(p, "lost", 4, 0600, "state", &d), EX_OK);
	assert_non_null(strstr(d.msg, "d.json.tmp"));
	char *buf;
	assert_int_equal(fsutil_read_bounded(p, 100, 0, &buf, NULL, &d), EX_OK);
	assert_string_equal(buf, "keep me");
	free(buf);
	rmdir(tmp);
}

static void test_write_atomic_refuses_symlinked_temp(void **state)
{
	(void)state;
	char p[PATH_MAX], target[PATH_MAX], tmp[PATH_MAX + 8];
	path_in(p, sizeof p, "e.json");
	path_in(target, sizeof target, "victim");
	snprintf(tmp, sizeof tmp, "%s.tmp", p);
	assert_int_equal(symlink(target, tmp), 0);
	struct diag d;
	assert_int_not_equal(fsutil_write_atomic(p, "x", 1, 0600, "state", &d), EX_OK);
	assert_int_not_equal(access(target, F_OK), 0); /* nothing written through the link */
	unlink(tmp);
}

static void test_read_bounded_limits(void **state)
{
	(void)state;
	char p[PATH_MAX];
	path_in(p, sizeof p, "big");
	struct diag d;
	char data[101];
	memset(data, 'a', sizeof data);
	assert_int_equal(fsutil_write_atomic(p, data, sizeof data, 0600, "state", &d), EX_OK);
	char *buf = NULL;
	assert_int_equal(fsutil_read_bounded(p, 100, 0, &buf, NULL, &d), EX_DATAERR);
	assert_null(buf);
	assert_non_null(strstr(d.msg, "larger than 100"));
	size_t len;
	assert_int_equal(fsutil_read_bounded(p, 101, FSUTIL_READ_SECRET, &buf, &len, &d), EX_OK);
	assert_int_equal(len, 101);
	secmem_free(buf);
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
	path_in(p, sizeof p, "plain.txt");
	struct diag d;
	assert_int_equal(fsutil_write_atomic(p, "secret-ish", 10, 0600, "state", &d), EX_OK);
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

int main(void)
{
	secmem_init(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_atomic_creates_with_mode),
		cmocka_unit_test(test_write_atomic_replaces),
		cmocka_unit_test(test_write_atomic_umask_does_not_narrow_or_widen),
		cmocka_unit_test(test_write_atomic_failure_keeps_previous),
		cmocka_unit_test(test_write_atomic_refuses_symlinked_temp),
		cmocka_unit_test(test_read_bounded_limits),
		cmocka_unit_test(test_read_bounded_refuses_dir_and_missing),
		cmocka_unit_test(test_mkdir_private),
		cmocka_unit_test(test_shred_removes),
		cmocka_unit_test(test_secmem_roundtrip),
	};
	return cmocka_run_group_tests_name("fsutil", tests, testutil_setup, testutil_teardown);
}
