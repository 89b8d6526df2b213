/* faultinject.c: an LD_PRELOAD shim that makes file-system calls fail, for the fault-injection tests
 * (tests/faultinject.sh). It is a test tool, never linked into the product.
 *
 * Environment (read at each call, so a test can change nothing but the environment of one command):
 *   FI_FUNCS   comma-separated calls to fail: write, fsync, fdatasync, rename, open (open only fails
 *              when it would create a file: O_CREAT). Unset: the shim does nothing.
 *   FI_PATH    fail only when the file's path contains this string (for write/fsync the path behind
 *              the descriptor, from /proc/self/fd). Unset: any regular file or directory, never a
 *              terminal, pipe or socket, so stdout/stderr keep working and the error can be printed.
 *   FI_AFTER   let this many matching calls succeed first (default 0).
 *   FI_ERRNO   ENOSPC (default), EIO, EROFS, EACCES or EDQUOT.
 *   FI_SHORT   if set and not empty, the first failing write writes half its bytes and returns a short count, as a
 *              filling disk does; the retry then fails.
 *   FI_LOG     append one line per injected failure ("write ENOSPC /path"), so a test can prove the
 *              fault really happened: a test whose fault never fired proves nothing.
 * The counters are per process. Works under ASan too: the shim comes first in the lookup order and
 * forwards to the next definition (the sanitizer's interceptor, then libc) with dlsym(RTLD_NEXT). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static unsigned long fi_matches;
static int fi_short_done;

static int fi_enabled(const char *fn)
{
	const char *funcs = getenv("FI_FUNCS");
	if (!funcs || !*funcs)
		return 0;
	size_t n = strlen(fn);
	for (const char *p = funcs; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, fn, n) == 0)
			return 1;
		p += len;
		if (*p)
			p++;
	}
	return 0;
}

static int fi_errno(void)
{
	const char *e = getenv("FI_ERRNO");
	if (!e || strcmp(e, "ENOSPC") == 0)
		return ENOSPC;
	if (strcmp(e, "EIO") == 0)
		return EIO;
	if (strcmp(e, "EROFS") == 0)
		return EROFS;
	if (strcmp(e, "EACCES") == 0)
		return EACCES;
	if (strcmp(e, "EDQUOT") == 0)
		return EDQUOT;
	return ENOSPC;
}

/* The log is written with the raw syscall: write() itself may be the call under test. */
static void fi_log(const char *fn, const char *path, int err)
{
	const char *log = getenv("FI_LOG");
	if (!log || !*log)
		return;
	int fd = (int)syscall(SYS_openat, AT_FDCWD, log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	char line[PATH_MAX + 64];
	int n = snprintf(line, sizeof line, "%s %s %s\n", fn, err == ENOSPC ? "ENOSPC" : err == EIO ? "EIO" : err == EROFS ? "EROFS" : err == EACCES ? "EACCES" : "EDQUOT", path ? path : "?");
	if (n > 0)
		(void)syscall(SYS_write, fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	syscall(SYS_close, fd);
}

/* Decides whether this call fails. path may be NULL for a descriptor that is not a file. */
static int fi_should_fail(const char *fn, const char *path)
{
	if (!fi_enabled(fn) || !path)
		return 0;
	const char *want = getenv("FI_PATH");
	if (want && *want && !strstr(path, want))
		return 0;
	const char *after = getenv("FI_AFTER");
	unsigned long skip = after ? strtoul(after, NULL, 10) : 0;
	return fi_matches++ >= skip;
}

/* The path of a descriptor, when it is a regular file or a directory; NULL otherwise. */
static const char *fi_fd_path(int fd, char *buf, size_t size)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
		return NULL;
	char link[64];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, buf, size - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

#define FI_NEXT(type, name, args) \
	static type(*next) args; \
	if (!next) \
		*(void **)&next = dlsym(RTLD_NEXT, name)

ssize_t write(int fd, const void *buf, size_t count)
{
	FI_NEXT(ssize_t, "write", (int, const void *, size_t));
	char path[PATH_MAX];
	if (fi_enabled("write") && fi_should_fail("write", fi_fd_path(fd, path, sizeof path))) {
		int err = fi_errno();
		const char *sh = getenv("FI_SHORT");
		if (sh && *sh && !fi_short_done && count > 1) {
			fi_short_done = 1;
			fi_log("write-short", path, err);
			return next(fd, buf, count / 2);
		}
		fi_log("write", path, err);
		errno = err;
		return -1;
	}
	return next(fd, buf, count);
}

int fsync(int fd)
{
	FI_NEXT(int, "fsync", (int));
	char path[PATH_MAX];
	if (fi_enabled("fsync") && fi_should_fail("fsync", fi_fd_path(fd, path, sizeof path))) {
		int err = fi_errno();
		fi_log("fsync", path, err);
		errno = err;
		return -1;
	}
	return next(fd);
}

int fdatasync(int fd)
{
	FI_NEXT(int, "fdatasync", (int));
	char path[PATH_MAX];
	if (fi_enabled("fdatasync") && fi_should_fail("fdatasync", fi_fd_path(fd, path, sizeof path))) {
		int err = fi_errno();
		fi_log("fdatasync", path, err);
		errno = err;
		return -1;
	}
	return next(fd);
}

int rename(const char *from, const char *to)
{
	FI_NEXT(int, "rename", (const char *, const char *));
	if (fi_should_fail("rename", to)) {
		int err = fi_errno();
		fi_log("rename", to, err);
		errno = err;
		return -1;
	}
	return next(from, to);
}

static int fi_open_fails(const char *path, int flags)
{
	if (!(flags & O_CREAT) || !fi_should_fail("open", path))
		return 0;
	int err = fi_errno();
	fi_log("open", path, err);
	errno = err;
	return 1;
}

/* The body of open() and open64(), which differ only in the symbol they forward to: the mode
 * argument exists only with O_CREAT or O_TMPFILE (va_start needs the caller's frame, hence a macro). */
#define FI_OPEN_BODY(sym) \
	FI_NEXT(int, sym, (const char *, int, ...)); \
	mode_t mode = 0; \
	if (flags & (O_CREAT | O_TMPFILE)) { \
		va_list ap; \
		va_start(ap, flags); \
		mode = (mode_t)va_arg(ap, int); \
		va_end(ap); \
	} \
	if (fi_enabled("open") && fi_open_fails(path, flags)) \
		return -1; \
	return next(path, flags, mode)

int open(const char *path, int flags, ...)
{
	FI_OPEN_BODY("open");
}

int open64(const char *path, int flags, ...)
{
	FI_OPEN_BODY("open64");
}
