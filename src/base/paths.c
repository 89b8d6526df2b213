/* paths.c: the program's own directories, installed or in the build tree (see paths.h). */
#include "config.h"

#include "paths.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
	int probed;
	int in_tree;
	char builddir[PATH_MAX]; /* the directory of /proc/self/exe */
	char srcdir[PATH_MAX];   /* from the marker */
} paths;

/* Reads the marker beside the executable: one line, the source tree's absolute path. Only a regular
 * file owned by this user or root counts, so a stray file cannot move the catalogs. */
static void paths_probe(void)
{
	if (paths.probed)
		return;
	paths.probed = 1;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	char marker[PATH_MAX + 64];
	snprintf(marker, sizeof marker, "%s/%s", exe, PATHS_BUILD_TREE_MARKER);
	int fd = open(marker, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	struct stat sb;
	char buf[PATH_MAX];
	ssize_t got = -1;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_uid == getuid() || sb.st_uid == 0))
		got = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (got <= 1 || buf[0] != '/')
		return;
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	char real[PATH_MAX];
	snprintf(paths.builddir, sizeof paths.builddir, "%s", exe);
	snprintf(paths.srcdir, sizeof paths.srcdir, "%s", realpath(buf, real) ? real : buf);
	paths.in_tree = 1;
}

int paths_in_build_tree(void)
{
	paths_probe();
	return paths.in_tree;
}

static const char *paths_env(const char *name)
{
	const char *v = getenv(name);
	return v && v[0] == '/' ? v : NULL;
}

const char *paths_localedir(void)
{
	static char dir[PATH_MAX + 16];
#ifdef ENABLE_FAILPOINTS
	/* Test builds only: the German and French tests compile po/ into a temp dir. */
	if (paths_env("HSM_ONBOARD_LOCALEDIR"))
		return paths_env("HSM_ONBOARD_LOCALEDIR");
#endif
	if (!paths_in_build_tree())
		return LOCALEDIR;
	snprintf(dir, sizeof dir, "%s/locale", paths.builddir);
	return dir;
}

const char *paths_pkgdatadir(void)
{
	static char dir[PATH_MAX + 16];
	if (paths_env("HSM_ONBOARD_DATADIR"))
		return paths_env("HSM_ONBOARD_DATADIR");
	if (!paths_in_build_tree())
		return PKGDATADIR;
	snprintf(dir, sizeof dir, "%s/data", paths.srcdir);
	return dir;
}

const char *paths_libexecdir(void)
{
	if (paths_env("HSM_ONBOARD_LIBEXECDIR"))
		return paths_env("HSM_ONBOARD_LIBEXECDIR");
	return paths_in_build_tree() ? paths.builddir : LIBEXECDIR;
}
