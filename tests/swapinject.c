/* swapinject.c: an LD_PRELOAD shim that plays the hostile group member of a shared folder, for
 * tests/shared-folder.sh. It is a test tool, never linked into the product.
 *
 * Right after every successful rename(2) whose new path is $SWAP_PATH, it replaces that path
 * by a symbolic link to $SWAP_TARGET, the way a member who can write the folder would between the
 * rename and anything the program does next with the name (chown, chmod). So the window is hit every
 * time, not in a race. Each swap appends "swapped PATH" to $SWAP_LOG, so the test proves it happened. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int rename(const char *oldpath, const char *newpath)
{
	int (*real)(const char *, const char *) = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	int rc = real(oldpath, newpath);
	const char *path = getenv("SWAP_PATH"), *target = getenv("SWAP_TARGET");
	if (rc != 0 || !path || !target || strcmp(newpath, path) != 0)
		return rc;
	if (unlink(newpath) == 0 && symlink(target, newpath) == 0) {
		const char *log = getenv("SWAP_LOG");
		int fd = log ? (int)syscall(SYS_openat, AT_FDCWD, log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)
		             : -1;
		if (fd >= 0) {
			char line[4200];
			int k = snprintf(line, sizeof line, "swapped %s\n", newpath);
			if (k > 0)
				(void)syscall(SYS_write, fd, line, (size_t)k < sizeof line ? (size_t)k : sizeof line - 1);
			syscall(SYS_close, fd);
		}
	}
	return rc;
}
