/* fsutil.c: atomic durable writes, bounded reads, private directories, shredding. */
#include "config.h"

#include "fsutil.h"
#include "failpoint.h"
#include "i18n.h"
#include "secmem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <signal.h>
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

/* The temp file of a write: "PATH.PID.XXXXXX.tmp", random and opened O_CREAT|O_EXCL|O_NOFOLLOW as
 * mkstemp does (so nobody can plant it in advance, and two writers of one file never share it; open()
 * itself, so the fault-injection shim sees it). The PID lets a later writer recognise a temp whose
 * writer died (doc/DESIGN.md, "Data"): only such a one is removed, never a live writer's. Returns the
 * descriptor, or minus a sysexits code. */
static int fsutil_tmp_create(const char *path, mode_t mode, char *tmp, size_t size, struct diag *d)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	if ((size_t)snprintf(tmp, size, "%s.%ld.XXXXXX.tmp", path, (long)getpid()) >= size)
		return -diag_set(d, EX_CANTCREAT, _("%s: path too long"), path);
	char *x = tmp + strlen(tmp) - 10;
	int fd = -1;
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		unsigned char r[6];
		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
			return -diag_set_errno(d, EX_OSERR, _("%s: cannot create the temporary file"), tmp);
		for (int i = 0; i < 6; i++)
			x[i] = alnum[r[i] % (sizeof alnum - 1)];
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0)
		return -diag_set_errno(d, EX_CANTCREAT, _("%s: cannot create the temporary file"), tmp);
	/* The mode must be exactly what was asked, whatever the umask. */
	if (fchmod(fd, mode) != 0) {
		diag_set_errno(d, EX_IOERR, _("%s: write failed"), tmp);
		close(fd);
		unlink(tmp);
		return -EX_IOERR;
	}
	return fd;
}

/* Removes (shreds: it may hold a secret) the temp files of path that a writer which has died left:
 * ours (same owner), named as fsutil_tmp_create names them, and whose PID no longer runs. One with a
 * second name is left alone: in a shared folder it may be a hard link to another file of ours. */
static void fsutil_sweep_stale(const char *path)
{
	char dir[PATH_MAX];
	fsutil_dirname(path, dir, sizeof dir);
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t blen = strlen(base);
	DIR *dh = opendir(dir);
	if (!dh)
		return;
	struct dirent *e;
	while ((e = readdir(dh))) {
		const char *n = e->d_name;
		size_t nlen = strlen(n);
		if (nlen < blen + 13 || strncmp(n, base, blen) != 0 || n[blen] != '.' ||
		    strcmp(n + nlen - 4, ".tmp") != 0 || n[nlen - 11] != '.')
			continue;
		char *endp = NULL;
		long pid = strtol(n + blen + 1, &endp, 10);
		if (pid <= 0 || endp != n + nlen - 11 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		char full[PATH_MAX];
		struct stat st;
		if ((size_t)snprintf(full, sizeof full, "%s/%s", dir, n) >= sizeof full || lstat(full, &st) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid() || st.st_nlink != 1)
			continue;
		struct diag ignored;
		diag_clear(&ignored);
		fsutil_shred(full, &ignored);
	}
	closedir(dh);
}

static int fsutil_write_tmp(const char *path, const void *data, size_t len, mode_t mode, gid_t gid,
                            int replace, const char *fp_prefix, struct diag *d)
{
	fsutil_sweep_stale(path);
	char tmp[PATH_MAX];
	int fd = fsutil_tmp_create(path, mode, tmp, sizeof tmp, d);
	if (fd < 0)
		return -fd;
	/* The group is given on the descriptor, before the file has its name: after the rename the name
	 * may already be somebody's symbolic link, and chown(path) would give away its target. */
	if (gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) != 0) {
		diag_set_errno(d, EX_NOPERM,
		               _("%s: cannot give the file to the group (the user must be a member of it)"), path);
		close(fd);
		goto fail;
	}
	if (fsutil_write_all(fd, data, len) != 0) {
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
		/* link() fails if path appeared since the check: no window in which it is clobbered. */
		if (link(tmp, path) != 0) {
			if (errno == EEXIST)
				diag_set(d, EX_CANTCREAT, _("%s exists; it is not overwritten without --force"), path);
			else
				diag_set_errno(d, EX_CANTCREAT, _("%s: cannot create"), path);
			goto fail;
		}
		unlink(tmp);
	}
	/* From here on the path is never touched again: only its directory is synced. */
	FAILPOINT2(fp_prefix, "after-rename");
	FAILPOINT2(fp_prefix, "before-dirsync");
	int rc = fsutil_sync_parent(path, d);
	FAILPOINT2(fp_prefix, "after-dirsync");
	return rc;
fail:
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

/* The checks before either writer's temp file: no link at path, and without replace nothing at all. */
static int fsutil_write_checked(const char *path, const void *data, size_t len, mode_t mode, gid_t gid,
                                int replace, const char *fp_prefix, struct diag *d)
{
	/* rename() would replace the link itself, so this is about intent: a link where our file should
	 * be was put there by someone, and either silently dropping it or following it is wrong. */
	int rc = fsutil_refuse_symlink(path, d);
	if (rc != EX_OK)
		return rc;
	struct stat st;
	if (!replace && lstat(path, &st) == 0)
		return diag_set(d, EX_CANTCREAT, _("%s exists; it is not overwritten without --force"), path);
	return fsutil_write_tmp(path, data, len, mode, gid, replace, fp_prefix, d);
}

int fsutil_write_atomic_group(const char *path, const void *data, size_t len, mode_t mode, gid_t gid,
                              const char *fp_prefix, struct diag *d)
{
	return fsutil_write_checked(path, data, len, mode, gid, 1, fp_prefix, d);
}

int fsutil_write_atomic(const char *path, const void *data, size_t len, mode_t mode, const char *fp_prefix,
                        struct diag *d)
{
	return fsutil_write_atomic_group(path, data, len, mode, (gid_t)-1, fp_prefix, d);
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
	return fsutil_write_checked(path, data, len, mode, (gid_t)-1, replace, fp_prefix, d);
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

int fsutil_secret_dir(const char *dir, int force, struct diag_warnings *w, struct diag *d)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return EX_OK; /* made private (0700) when it is written to, or refused there */
	/* Root may do anything anyway; any other owner can replace or read what we put there. */
	if (st.st_uid != geteuid() && st.st_uid != 0 && !force)
		return diag_set(d, EX_NOPERM,
		                _("%s belongs to another user (uid %lu), who could read or replace the secret files "
		                  "written there: choose a folder of your own, or give --force"),
		                dir, (unsigned long)st.st_uid);
	/* Without the sticky bit, whoever can write the folder can rename, replace or link our files. */
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX) && !force)
		return diag_set(d, EX_NOPERM,
		                _("%s can be written by %s without the sticky bit, so they could replace the secret "
		                  "files written there: remove their write access (chmod go-w), set the sticky "
		                  "bit (chmod +t), or give --force"),
		                dir, (st.st_mode & S_IWOTH) ? _("every user") : _("its group"));
	if (st.st_mode & S_IROTH)
		diag_warn(w,
		          _("%s can be listed by every user: the secret files are not readable to them, but their "
		            "names are; consider chmod o-rwx"),
		          dir);
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

char *fsutil_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}
