/* testutil.c: the unit tests' temp dirs (testutil.h). */
#include "config.h"

#include "testutil.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

char testutil_dir[256];

int testutil_mkdir(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(testutil_dir, sizeof testutil_dir, "%s/hsmo-%s.XXXXXX", tmp && tmp[0] ? tmp : "/tmp", name);
	return mkdtemp(testutil_dir) ? 0 : -1;
}

int testutil_mkdir_state(const char *name)
{
	if (testutil_mkdir(name) != 0)
		return -1;
	char xdg[PATH_MAX];
	testutil_path(xdg, sizeof xdg, "state");
	return setenv("XDG_STATE_HOME", xdg, 1);
}

static int testutil_remove(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int testutil_rmdir(void)
{
	if (!testutil_dir[0])
		return 0;
	int rc = nftw(testutil_dir, testutil_remove, 16, FTW_DEPTH | FTW_PHYS);
	testutil_dir[0] = '\0';
	return rc;
}

void testutil_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", testutil_dir, name);
}

int testutil_setup(void **state)
{
	(void)state;
	return testutil_mkdir(program_invocation_short_name);
}

int testutil_setup_state(void **state)
{
	(void)state;
	return testutil_mkdir_state(program_invocation_short_name);
}

int testutil_teardown(void **state)
{
	(void)state;
	return testutil_rmdir();
}
