/* test_profile.c: profile paths, names, the lock (held by another process), listing and removal. */
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
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "fsutil.h"
#include "profile.h"
#include "secmem.h"
#include "vault.h"
#include "testutil.h"

static void test_names(void **state)
{
	(void)state;
	assert_true(profile_name_valid("ACMEHSM01"));
	assert_true(profile_name_valid("a.b_c-d"));
	assert_false(profile_name_valid(""));
	assert_false(profile_name_valid(NULL));
	assert_false(profile_name_valid(".hidden"));
	assert_false(profile_name_valid(".."));
	assert_false(profile_name_valid("a/b"));
	assert_false(profile_name_valid("a b"));
	char long_name[66];
	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	assert_false(profile_name_valid(long_name));
	long_name[64] = '\0';
	assert_true(profile_name_valid(long_name));
}

static void test_base_dir(void **state)
{
	(void)state;
	char buf[PATH_MAX], want[PATH_MAX];
	struct diag d;
	assert_int_equal(profile_base_dir(buf, sizeof buf, &d), EX_OK);
	snprintf(want, sizeof want, "%s/state/hsm-onboard", testutil_dir);
	assert_string_equal(buf, want);
	/* A relative XDG_STATE_HOME is ignored, as the XDG spec says. */
	char *saved = strdup(getenv("XDG_STATE_HOME"));
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	setenv("XDG_STATE_HOME", "relative/dir", 1);
	setenv("HOME", "/home/someone", 1);
	assert_int_equal(profile_base_dir(buf, sizeof buf, &d), EX_OK);
	assert_string_equal(buf, "/home/someone/.local/state/hsm-onboard");
	setenv("XDG_STATE_HOME", saved, 1);
	if (home)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
	free(saved);
	free(home);
}

static void test_create_lock_and_refuse(void **state)
{
	(void)state;
	struct profile p, q;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(profile_open("alice", 0, &p, &d), EX_NOINPUT);
	assert_int_equal(profile_open("al/ice", PROFILE_CREATE, &p, &d), EX_USAGE);
	assert_int_equal(profile_open("alice", PROFILE_CREATE | PROFILE_LOCK, &p, &d), EX_OK);
	assert_false(p.has_state);
	struct stat st;
	assert_int_equal(stat(p.dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);

	/* Another process (the lock is per open file, so a child with its own open counts) is refused
	 * at once, and told who holds the lock. */
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct profile c;
		struct diag cd;
		int rc = profile_open("alice", PROFILE_LOCK, &c, &cd);
		if (write(pipefd[1], cd.msg, strlen(cd.msg) + 1) < 0)
			_exit(1);
		_exit(rc);
	}
	close(pipefd[1]);
	char msg[DIAG_MSG_MAX] = "";
	ssize_t n = read(pipefd[0], msg, sizeof msg - 1);
	close(pipefd[0]);
	assert_true(n > 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), EX_TEMPFAIL);
	char want[64];
	snprintf(want, sizeof want, "profile alice is in use by PID %ld since ", (long)getpid());
	assert_non_null(strstr(msg, want));

	/* Without PROFILE_LOCK (status reads without locking) it opens. */
	assert_int_equal(profile_open("alice", 0, &q, &d), EX_OK);
	profile_close(&q);

	p.st.tier = TIER_SBX;
	p.st.hsm_user = strdup("alice");
	assert_int_equal(profile_save_state(&p, &d), EX_OK);
	profile_close(&p);

	/* Released: it opens again, with the state. */
	assert_int_equal(profile_open("alice", PROFILE_LOCK, &p, &d), EX_OK);
	assert_true(p.has_state);
	assert_int_equal(p.st.tier, TIER_SBX);
	assert_string_equal(p.st.hsm_user, "alice");
	profile_close(&p);
}

static void test_corrupt_state_refused(void **state)
{
	(void)state;
	struct profile p;
	struct diag d;
	assert_int_equal(profile_open("carol", PROFILE_CREATE | PROFILE_LOCK, &p, &d), EX_OK);
	FILE *f = fopen(p.state_path, "w");
	assert_non_null(f);
	fputs("{\"version\":1,\"tier\":", f);
	fclose(f);
	profile_close(&p);
	diag_clear(&d);
	assert_int_equal(profile_open("carol", PROFILE_LOCK, &p, &d), EX_DATAERR);
	assert_non_null(strstr(d.msg, "state.json"));
}

static void test_list_and_remove(void **state)
{
	(void)state;
	struct profile p;
	struct diag d;
	assert_int_equal(profile_open("bob", PROFILE_CREATE | PROFILE_LOCK, &p, &d), EX_OK);
	struct vault *v;
	assert_int_equal(vault_create(p.vault_path, "a long passphrase", 1, &v, &d), EX_OK);
	assert_int_equal(vault_set(v, VAULT_SETUP_PASSWORD, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", &d), EX_OK);
	assert_int_equal(vault_save(v, &d), EX_OK);
	vault_close(v);
	assert_int_equal(profile_save_state(&p, &d), EX_OK);

	char **names;
	size_t n;
	assert_int_equal(profile_list(&names, &n, &d), EX_OK);
	assert_true(n >= 2);
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			assert_true(strcmp(names[i - 1], names[i]) < 0);
		found += strcmp(names[i], "bob") == 0;
	}
	assert_int_equal(found, 1);
	profile_list_free(names, n);

	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", p.dir);
	assert_int_equal(profile_remove(&p, &d), EX_OK);
	profile_close(&p);
	assert_int_equal(access(dir, F_OK), -1);
	assert_int_equal(profile_open("bob", 0, &p, &d), EX_NOINPUT);
}

/* profile_count looks at names only: a half-made directory and a file with a profile's name count,
 * a hidden entry does not, and it is never below profile_list's count. */
static void test_count(void **state)
{
	(void)state;
	struct diag d;
	size_t before, after, listed;
	char **names;
	assert_int_equal(profile_count(&before, &d), EX_OK);
	char base[PATH_MAX], path[PATH_MAX + 16];
	assert_int_equal(profile_base_dir(base, sizeof base, &d), EX_OK);
	assert_int_equal(fsutil_mkdir_private(base, &d), EX_OK);
	snprintf(path, sizeof path, "%s/half-made", base);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/.hidden", base);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/a-file", base);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(profile_count(&after, &d), EX_OK);
	assert_int_equal(after, before + 2);
	assert_int_equal(profile_list(&names, &listed, &d), EX_OK);
	assert_true(listed <= after);
	for (size_t i = 0; i < listed; i++)
		assert_true(strcmp(names[i], "half-made") != 0 && strcmp(names[i], "a-file") != 0);
	profile_list_free(names, listed);
}

int main(void)
{
	secmem_init(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_base_dir),
		cmocka_unit_test(test_create_lock_and_refuse),
		cmocka_unit_test(test_corrupt_state_refused),
		cmocka_unit_test(test_list_and_remove),
		cmocka_unit_test(test_count),
	};
	return cmocka_run_group_tests_name("profile", tests, testutil_setup_state, testutil_teardown);
}
