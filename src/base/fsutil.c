/* fsutil.c: atomic durable writes, bounded reads, private directories, shredding. */
#include "config.h"

#include "fsutil.h"
#include "failpoint.h"
#include "i18n.h"
#include "secmem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

static int fsutil_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void fsutil_dirname(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		snprintf(dir, size, ".");
	} else if (slash == path) {
		snprintf(dir, size, "/");
	} else {
		snprintf(dir, size, "%.*s", (int)(slash - path), path);
	}
}

int fsutil_sync_parent(const char *path, struct diag *d)
{
	char dir[PATH_MAX];
	fsutil_dirname(path, dir, sizeof dir);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot open the directory"), dir);
	int rc = fsync(dfd);
	close(dfd);
	if (rc != 0)
		return diag_set_errno(d, EX_IOERR, _("%s: fsync of the directory failed"), dir);
	return EX_OK;
}

int fsutil_refuse_symlink(const char *path, struct diag *d)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return diag_set(d, EX_NOPERM,
		                _("%s is a symbolic link: refused, because hsm-onboard never reads or writes its "
		                  "files through a link; remove the link (rm '%s') and try again"),
		                path, path);
	return EX_OK;
}

int fsutil_write_atomic(const char *path, const void *data, size_t len, mode_t mode, const char *fp_prefix,
                        struct diag *d)
{
	/* rename() would replace the link itself, so this is about intent: a link where our file should
	 * be was put there by someone, and either silently dropping it or following it is wrong. */
	int rc0 = fsutil_refuse_symlink(path, d);
	if (rc0 != EX_OK)
		return rc0;
	char tmp[PATH_MAX];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
		return diag_set(d, EX_CANTCREAT, _("%s: path too long"), path);

	/* A temp file left by a crash is ours to remove: it was never renamed, so it holds nothing
	 * that the real file does not. O_EXCL below still refuses a file that appears meanwhile. */
	struct stat st;
	if (lstat(tmp, &st) == 0 && S_ISREG(st.st_mode))
		unlink(tmp);

	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot create the temporary file"), tmp);
	/* The umask may have narrowed the mode; it must be exactly what was asked. */
	if (fchmod(fd, mode) != 0 || fsutil_write_all(fd, data, len) != 0) {
		diag_set_errno(d, EX_IOERR, _("%s: write failed"), tmp);
		goto fail;
	}
	if (fsync(fd) != 0) {
		diag_set_errno(d, EX_IOERR, _("%s: fsync failed"), tmp);
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		diag_set_errno(d, EX_IOERR, _("%s: close failed"), tmp);
		goto fail;
	}
	fd = -1;
	FAILPOINT2(fp_prefix, "before-rename");
	if (rename(tmp, path) != 0) {
		diag_set_errno(d, EX_CANTCREAT, _("%s: rename failed"), path);
		goto fail;
	}
	FAILPOINT2(fp_prefix, "after-rename");
	FAILPOINT2(fp_prefix, "before-dirsync");
	int rc = fsutil_sync_parent(path, d);
	FAILPOINT2(fp_prefix, "after-dirsync");
	return rc;

fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return d ? d->code : EX_IOERR;
}

/* The buffer's first size for a read from fd: a regular file's size (plus one byte, so the read that
 * meets EOF has room and a file that grew meanwhile is seen), else a page; never over max+1. */
static size_t fsutil_first_size(int fd, size_t max)
{
	struct stat st;
	size_t want = 4096;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		want = (uintmax_t)st.st_size < max ? (size_t)st.st_size + 1 : max + 1;
	return want < max + 1 ? want : max + 1;
}

static char *fsutil_buf_alloc(size_t cap, int secret)
{
	/* Both hold cap bytes and the terminating NUL. */
	return secret ? secmem_alloc(cap) : malloc(cap + 1);
}

static void fsutil_buf_free(char *buf, int secret)
{
	secret ? secmem_free(buf) : free(buf);
}

/* A secret buffer cannot be realloc()ed: the old one would be freed unwiped, outside the secure heap's
 * bookkeeping. It moves into a new secret buffer, and the old one is wiped as it is freed. On failure
 * the old buffer is freed as well and NULL returned. */
static char *fsutil_buf_grow(char *buf, size_t len, size_t cap, int secret)
{
	char *bigger = secret ? secmem_alloc(cap) : realloc(buf, cap + 1);
	if (!secret) {
		if (!bigger)
			free(buf);
		return bigger;
	}
	if (bigger)
		memcpy(bigger, buf, len);
	secmem_free(buf);
	return bigger;
}

int fsutil_read_fd_bounded(int fd, const char *name, size_t max, int flags, char **out, size_t *out_len,
                           struct diag *d)
{
	*out = NULL;
	if (out_len)
		*out_len = 0;
	/* The buffer grows with what is read, never with the limit: a 783-byte state.json read under a
	 * 16 MiB limit costs a 784-byte buffer (doc/PERFORMANCE.md, "status over many profiles"). Reading
	 * goes on to max+1 bytes whatever st_size said, since the file may grow while we read. */
	int secret = (flags & FSUTIL_READ_SECRET) != 0;
	size_t cap = fsutil_first_size(fd, max), len = 0;
	char *buf = fsutil_buf_alloc(cap, secret);
	if (!buf)
		return diag_set(d, EX_OSERR, _("%s: out of memory"), name);
	for (;;) {
		if (len == cap) {
			/* Full below max+1 (the size grew, or a pipe): double, up to max+1. */
			cap = cap <= (max + 1) / 2 ? cap * 2 : max + 1;
			if (!(buf = fsutil_buf_grow(buf, len, cap, secret)))
				return diag_set(d, EX_OSERR, _("%s: out of memory"), name);
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int rc = diag_set_errno(d, EX_IOERR, _("%s: read error"), name);
			fsutil_buf_free(buf, secret);
			return rc;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			fsutil_buf_free(buf, secret);
			return diag_set(d, EX_DATAERR, _("%s: file is larger than %zu bytes"), name, max);
		}
	}
	buf[len] = '\0';
	*out = buf;
	if (out_len)
		*out_len = len;
	return EX_OK;
}

int fsutil_write_new(const char *path, const void *data, size_t len, mode_t mode, int replace,
                     const char *fp_prefix, struct diag *d)
{
	int rc = fsutil_refuse_symlink(path, d);
	if (rc != EX_OK)
		return rc;
	struct stat st;
	if (!replace && lstat(path, &st) == 0)
		return diag_set(d, EX_CANTCREAT, _("%s exists; it is not overwritten without --force"), path);
	char tmp[PATH_MAX];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= sizeof tmp)
		return diag_set(d, EX_CANTCREAT, _("%s: path too long"), path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot create the temporary file"), tmp);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || fchmod(fd, mode) != 0 ||
	    fsutil_write_all(fd, data, len) != 0) {
		diag_set_errno(d, EX_IOERR, _("%s: write failed"), tmp);
		close(fd);
		goto fail;
	}
	if (fsync(fd) != 0) {
		diag_set_errno(d, EX_IOERR, _("%s: fsync failed"), tmp);
		close(fd);
		goto fail;
	}
	if (close(fd) != 0) {
		diag_set_errno(d, EX_IOERR, _("%s: close failed"), tmp);
		goto fail;
	}
	FAILPOINT2(fp_prefix, "before-rename");
	if (replace) {
		if (rename(tmp, path) != 0) {
			diag_set_errno(d, EX_CANTCREAT, _("%s: rename failed"), path);
			goto fail;
		}
	} else {
		/* link() fails if path appeared since the check above: no window in which it is clobbered. */
		if (link(tmp, path) != 0) {
			if (errno == EEXIST)
				diag_set(d, EX_CANTCREAT, _("%s exists; it is not overwritten without --force"), path);
			else
				diag_set_errno(d, EX_CANTCREAT, _("%s: cannot create"), path);
			goto fail;
		}
		unlink(tmp);
	}
	FAILPOINT2(fp_prefix, "after-rename");
	FAILPOINT2(fp_prefix, "before-dirsync");
	rc = fsutil_sync_parent(path, d);
	FAILPOINT2(fp_prefix, "after-dirsync");
	return rc;
fail:
	unlink(tmp);
	return d ? d->code : EX_IOERR;
}

int fsutil_read_bounded(const char *path, size_t max, int flags, char **out, size_t *out_len, struct diag *d)
{
	*out = NULL;
	if (out_len)
		*out_len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
	                        ((flags & FSUTIL_READ_NOFOLLOW) ? O_NOFOLLOW : 0));
	if (fd < 0) {
		if (errno == ELOOP && (flags & FSUTIL_READ_NOFOLLOW))
			return fsutil_refuse_symlink(path, d) != EX_OK
			           ? d->code
			           : diag_set_errno(d, EX_NOPERM, _("%s: cannot open"), path);
		return diag_set_errno(d, EX_NOINPUT, _("%s: cannot open"), path);
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int rc = diag_set_errno(d, EX_IOERR, _("%s: cannot stat"), path);
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return diag_set(d, EX_NOINPUT, _("%s: not a regular file"), path);
	}
	int rc = fsutil_read_fd_bounded(fd, path, max, flags, out, out_len, d);
	close(fd);
	return rc;
}

int fsutil_mkdir_private(const char *path, struct diag *d)
{
	char buf[PATH_MAX];
	if ((size_t)snprintf(buf, sizeof buf, "%s", path) >= sizeof buf)
		return diag_set(d, EX_CANTCREAT, _("%s: path too long"), path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot create the directory"), buf);
		*p = '/';
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot create the directory"), buf);
	struct stat st;
	if (lstat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
		return diag_set(d, EX_CANTCREAT, _("%s: not a directory"), buf);
	if ((st.st_mode & 07777) != 0700 && chmod(buf, 0700) != 0)
		return diag_set_errno(d, EX_NOPERM, _("%s: cannot set mode 0700"), buf);
	return EX_OK;
}

int fsutil_output_dir(const char *dir, char *absdir, struct diag *d)
{
	struct stat sb;
	if (stat(dir, &sb) != 0) {
		int rc = fsutil_mkdir_private(dir, d);
		if (rc != EX_OK)
			return rc;
	} else if (!S_ISDIR(sb.st_mode)) {
		return diag_set(d, EX_CANTCREAT, _("%s: not a directory"), dir);
	}
	if (absdir && !realpath(dir, absdir))
		return diag_set_errno(d, EX_CANTCREAT, "%s", dir);
	return EX_OK;
}

int fsutil_shred(const char *path, struct diag *d)
{
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return diag_set_errno(d, errno == ENOENT ? EX_NOINPUT : EX_IOERR, _("%s: cannot open for shredding"),
		                      path);
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return diag_set(d, EX_IOERR, _("%s: not a regular file"), path);
	}
	unsigned char buf[4096];
	off_t left = st.st_size;
	while (left > 0) {
		size_t chunk = left > (off_t)sizeof buf ? sizeof buf : (size_t)left;
		if (getrandom(buf, chunk, 0) != (ssize_t)chunk || fsutil_write_all(fd, buf, chunk) != 0) {
			int rc = diag_set_errno(d, EX_IOERR, _("%s: overwrite failed"), path);
			close(fd);
			return rc;
		}
		left -= (off_t)chunk;
	}
	if (fsync(fd) != 0) {
		int rc = diag_set_errno(d, EX_IOERR, _("%s: fsync failed"), path);
		close(fd);
		return rc;
	}
	close(fd);
	if (unlink(path) != 0)
		return diag_set_errno(d, EX_IOERR, _("%s: unlink failed"), path);
	return fsutil_sync_parent(path, d);
}
