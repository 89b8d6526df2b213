/* profile.c: profile directories, their lock, listing and removal (see profile.h). */
#include "config.h"

#include "profile.h"
#include "fsutil.h"
#include "i18n.h"
#include "vault.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

/* $VAR/hsm-onboard, or HOME/fallback/hsm-onboard when VAR is unset or relative, then "/" and name
 * when name is not NULL. */
static int profile_xdg_dir(const char *var, const char *fallback, const char *name, char *buf, size_t size,
                           struct diag *d)
{
	const char *xdg = getenv(var);
	int n;
	/* The XDG spec says relative paths are invalid and must be ignored. */
	if (xdg && xdg[0] == '/') {
		n = snprintf(buf, size, "%s/hsm-onboard%s%s", xdg, name ? "/" : "", name ? name : "");
	} else {
		const char *home = getenv("HOME");
		if (!home || home[0] != '/') {
			struct passwd *pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
		if (!home || home[0] != '/')
			return diag_set(d, EX_CONFIG, _("cannot find the home directory: set HOME or %s"), var);
		n = snprintf(buf, size, "%s/%s/hsm-onboard%s%s", home, fallback, name ? "/" : "", name ? name : "");
	}
	if (n < 0 || (size_t)n >= size)
		return diag_set(d, EX_CONFIG, "%s", _("the profile directory path is too long"));
	return EX_OK;
}

int profile_base_dir(char *buf, size_t size, struct diag *d)
{
	return profile_xdg_dir("XDG_STATE_HOME", ".local/state", NULL, buf, size, d);
}

int profile_config_dir(const char *name, char *buf, size_t size, struct diag *d)
{
	return profile_xdg_dir("XDG_CONFIG_HOME", ".config", name, buf, size, d);
}

int profile_name_valid(const char *name)
{
	if (!name || !name[0] || name[0] == '.')
		return 0;
	size_t n = 0;
	for (const char *p = name; *p; p++, n++) {
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return 0;
	}
	return n <= 64;
}

/* Reads who holds the lock ("PID since TIME"), for the message of the second instance. */
static int profile_lock_busy(const struct profile *p, int fd, struct diag *d)
{
	char buf[128];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	long pid = 0;
	char since[64] = "";
	if (n > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%ld since %63s", &pid, since) < 1)
			pid = 0;
	}
	if (pid > 0 && since[0])
		return diag_set(d, EX_TEMPFAIL, _("profile %s is in use by PID %ld since %s"), p->name, pid, since);
	return diag_set(d, EX_TEMPFAIL, _("profile %s is in use by another process (%s is locked)"), p->name,
	                p->dir);
}

static int profile_lock(struct profile *p, struct diag *d)
{
	char *path = fsutil_join(p->dir, "lock");
	if (!path)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int rc = errno == ELOOP && fsutil_refuse_symlink(path, d) != EX_OK
		             ? d->code
		             : diag_set_errno(d, EX_CANTCREAT, _("%s: cannot open the lock file"), path);
		free(path);
		return rc;
	}
	free(path);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int rc = errno == EWOULDBLOCK ? profile_lock_busy(p, fd, d)
		                              : diag_set_errno(d, EX_IOERR, _("profile %s: cannot lock"), p->name);
		close(fd);
		return rc;
	}
	char buf[96], when[40] = "?";
	time_t now = time(NULL);
	struct tm tm;
	if (gmtime_r(&now, &tm))
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	int n = snprintf(buf, sizeof buf, "%ld since %s\n", (long)getpid(), when);
	/* Who holds the lock is advice for the message only: failing to record it is not an error.
	 * Write first, then cut to length: truncating to 0 first freed the file's block, and on a
	 * filesystem mounted with discard that waited for the device on every start. */
	if (pwrite(fd, buf, (size_t)n, 0) == n && ftruncate(fd, n) != 0)
		n = 0;
	p->lock_fd = fd;
	return EX_OK;
}

int profile_open(const char *name, int flags, struct profile *p, struct diag *d)
{
	memset(p, 0, sizeof *p);
	p->lock_fd = -1;
	state_init(&p->st);
	if (!profile_name_valid(name))
		return diag_set(
		    d, EX_USAGE,
		    _("'%s' is not a valid profile name: use 1 to 64 letters, digits, '.', '_' or '-', not "
		      "starting with '.'"),
		    name ? name : "");
	char base[PATH_MAX];
	int rc = profile_base_dir(base, sizeof base, d);
	if (rc != EX_OK)
		return rc;
	p->name = strdup(name);
	p->dir = fsutil_join(base, name);
	p->state_path = p->dir ? fsutil_join(p->dir, "state.json") : NULL;
	p->vault_path = p->dir ? fsutil_join(p->dir, "vault") : NULL;
	if (!p->name || !p->dir || !p->state_path || !p->vault_path) {
		profile_close(p);
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	}
	struct stat st;
	if (lstat(p->dir, &st) != 0) {
		if (errno != ENOENT || !(flags & PROFILE_CREATE)) {
			rc = diag_set(d, EX_NOINPUT,
			              _("no profile named %s (%s does not exist); import credential files first"), name,
			              p->dir);
			profile_close(p);
			return rc;
		}
		rc = fsutil_mkdir_private(p->dir, d);
		if (rc != EX_OK) {
			profile_close(p);
			return rc;
		}
	} else if (S_ISLNK(st.st_mode)) {
		rc = fsutil_refuse_symlink(p->dir, d);
		profile_close(p);
		return rc;
	} else if (!S_ISDIR(st.st_mode)) {
		rc = diag_set(d, EX_CANTCREAT, _("%s: not a directory"), p->dir);
		profile_close(p);
		return rc;
	} else if (st.st_uid != geteuid()) {
		rc = diag_set(d, EX_NOPERM, _("%s: the profile directory is not owned by you"), p->dir);
		profile_close(p);
		return rc;
	} else if ((st.st_mode & 077) != 0 && chmod(p->dir, 0700) != 0) {
		rc = diag_set_errno(d, EX_NOPERM, _("%s: cannot set mode 0700"), p->dir);
		profile_close(p);
		return rc;
	}
	if (flags & PROFILE_LOCK) {
		rc = profile_lock(p, d);
		if (rc != EX_OK) {
			profile_close(p);
			return rc;
		}
	}
	if (flags & PROFILE_NO_STATE)
		return EX_OK;
	rc = state_load(p->state_path, &p->st, d);
	if (rc == EX_OK) {
		p->has_state = 1;
	} else if (rc == EX_NOINPUT && access(p->state_path, F_OK) != 0 && errno == ENOENT) {
		state_init(&p->st);
		diag_clear(d);
		if (flags & PROFILE_NEED_STATE) {
			rc = diag_set(d, EX_NOINPUT, _("profile %s has no state.json: import the credential files first"),
			              name);
			profile_close(p);
			return rc;
		}
	} else {
		profile_close(p);
		return rc;
	}
	return EX_OK;
}

int profile_save_state(struct profile *p, struct diag *d)
{
	int rc = state_save(p->state_path, &p->st, d);
	if (rc == EX_OK)
		p->has_state = 1;
	return rc;
}

void profile_close(struct profile *p)
{
	if (p->lock_fd >= 0) {
		/* Empty the lock file first, so nobody later reads a dead holder from it. */
		if (ftruncate(p->lock_fd, 0) != 0) {
			/* nothing to do: the content is advice only */
		}
		flock(p->lock_fd, LOCK_UN);
		close(p->lock_fd);
	}
	free(p->name);
	free(p->dir);
	free(p->state_path);
	free(p->vault_path);
	state_free(&p->st);
	memset(p, 0, sizeof *p);
	p->lock_fd = -1;
}

int profile_half_made(const char *dir)
{
	/* A vault or state.json, or a temp file of either (fsutil names them "vault.PID.XXXXXX.tmp"),
	 * makes it a profile. */
	DIR *dh = opendir(dir);
	if (!dh)
		return 0;
	int half = 1;
	struct dirent *e;
	while (half && (e = readdir(dh)))
		if (strcmp(e->d_name, "vault") == 0 || strcmp(e->d_name, "state.json") == 0 ||
		    strncmp(e->d_name, "vault.", 6) == 0 || strncmp(e->d_name, "state.json.", 11) == 0)
			half = 0;
	closedir(dh);
	return half;
}

static int profile_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The profile directory open for readdir (base gets its path), or *dir NULL when there is none yet. */
static int profile_open_base(char *base, size_t size, DIR **dir, struct diag *d)
{
	*dir = NULL;
	int rc = profile_base_dir(base, size, d);
	if (rc != EX_OK)
		return rc;
	if (!(*dir = opendir(base)) && errno != ENOENT)
		return diag_set_errno(d, EX_NOINPUT, _("%s: cannot list the profiles"), base);
	return EX_OK;
}

/* The next entry of the profile directory whose name a profile may have, or NULL at its end. */
static struct dirent *profile_next_entry(DIR *dir)
{
	struct dirent *e;
	while ((e = readdir(dir)))
		if (profile_name_valid(e->d_name))
			return e;
	return NULL;
}

int profile_count(size_t *n, struct diag *d)
{
	*n = 0;
	char base[PATH_MAX];
	DIR *dir;
	int rc = profile_open_base(base, sizeof base, &dir, d);
	if (rc != EX_OK || !dir)
		return rc;
	while (profile_next_entry(dir))
		(*n)++;
	closedir(dir);
	return EX_OK;
}

int profile_list(char ***names, size_t *n, struct diag *d)
{
	*names = NULL;
	*n = 0;
	char base[PATH_MAX];
	DIR *dir;
	int rc = profile_open_base(base, sizeof base, &dir, d);
	if (rc != EX_OK || !dir)
		return rc;
	struct dirent *e;
	size_t cap = 0;
	while ((e = profile_next_entry(dir))) {
		char path[PATH_MAX];
		struct stat st;
		/* d_type, where the filesystem gives it, spares a desk one lstat per profile; like lstat it
		 * does not follow a link. */
		if ((size_t)snprintf(path, sizeof path, "%s/%s", base, e->d_name) >= sizeof path ||
		    (e->d_type != DT_DIR &&
		     (e->d_type != DT_UNKNOWN || lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))) ||
		    profile_half_made(path))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			char **grown = realloc(*names, cap * sizeof *grown);
			if (!grown)
				goto oom;
			*names = grown;
		}
		if (!((*names)[*n] = strdup(e->d_name)))
			goto oom;
		(*n)++;
	}
	closedir(dir);
	if (*n)
		qsort(*names, *n, sizeof **names, profile_cmp);
	return EX_OK;
oom:
	closedir(dir);
	profile_list_free(*names, *n);
	*names = NULL;
	*n = 0;
	return diag_set(d, EX_OSERR, "%s", _("out of memory"));
}

void profile_list_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A link where a vault should be is removed, never followed: what it points to may be anybody's
 * file, and overwriting it would destroy that, not our secret. */
static int profile_shred(const char *path, struct diag *d)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (unlink(path) != 0)
			return diag_set_errno(d, EX_IOERR, _("%s: unlink failed"), path);
		return fsutil_sync_parent(path, d);
	}
	return fsutil_shred(path, d);
}

static void profile_close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* One pass over a profile folder, sub-folders included (depth levels at most). check: only proves
 * that every entry can be removed (a folder writable, a file writable for the shredder), so that forget
 * deletes everything or nothing. Otherwise removes every entry: regular files shredded, since any of
 * them may hold a secret (.secrets.cfg, the jce engine's work files, temp files), links and other
 * entries unlinked, never followed. At the top level, "lock", "vault" and "state.json" are left to the
 * caller, which shreds the vault last. */
static int profile_walk(const char *dir, int top, int depth, int check, struct diag *d)
{
	if (depth > 8)
		return diag_set(d, EX_IOERR, _("%s: the profile's folders are nested too deep to remove"), dir);
	struct stat dst;
	if (lstat(dir, &dst) != 0 || !S_ISDIR(dst.st_mode))
		return diag_set_errno(d, EX_IOERR, _("%s: cannot list the profile"), dir);
	if (access(dir, W_OK | X_OK) != 0) {
		/* A folder of ours made read-only is opened up on its descriptor; somebody else's is not
		 * ours to empty. */
		if (dst.st_uid != geteuid())
			return diag_set_errno(d, EX_IOERR, _("%s: cannot remove"), dir);
		if (!check) {
			int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0 || fchmod(fd, 0700) != 0) {
				int rc = diag_set_errno(d, EX_IOERR, _("%s: cannot remove"), dir);
				profile_close_fd(fd);
				return rc;
			}
			close(fd);
		}
	}
	DIR *dh = opendir(dir);
	if (!dh)
		return diag_set_errno(d, EX_IOERR, _("%s: cannot list the profile"), dir);
	int rc = EX_OK;
	struct dirent *e;
	while (rc == EX_OK && (e = readdir(dh))) {
		const char *n = e->d_name;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 ||
		    (top && (strcmp(n, "lock") == 0 || strcmp(n, "vault") == 0 || strcmp(n, "state.json") == 0)))
			continue;
		char path[PATH_MAX];
		struct stat st;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, n) >= sizeof path) {
			rc = diag_set(d, EX_IOERR, _("%s: path too long"), dir);
		} else if (lstat(path, &st) != 0) {
			rc = diag_set_errno(d, EX_IOERR, _("%s: cannot remove"), path);
		} else if (S_ISDIR(st.st_mode)) {
			rc = profile_walk(path, 0, depth + 1, check, d);
			if (rc == EX_OK && !check && rmdir(path) != 0)
				rc = diag_set_errno(d, EX_IOERR, _("%s: cannot remove the directory"), path);
		} else if (S_ISREG(st.st_mode)) {
			/* A read-only file of ours (a tool may write its files 0400) is made writable on its
			 * descriptor, so the shredder can overwrite it; one of somebody else's cannot be. */
			if (access(path, W_OK) != 0 && st.st_uid == geteuid() && !check) {
				int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
				if (fd >= 0) {
					if (fchmod(fd, 0600) != 0) {
						/* the shredder below reports it */
					}
					close(fd);
				}
			}
			if (!check)
				rc = fsutil_shred(path, d);
			else if (access(path, W_OK) != 0 && st.st_uid != geteuid())
				rc = diag_set_errno(d, EX_IOERR, _("%s: cannot remove"), path);
		} else if (!check && unlink(path) != 0) {
			rc = diag_set_errno(d, EX_IOERR, _("%s: cannot remove"), path);
		}
	}
	closedir(dh);
	return rc;
}

int profile_remove(struct profile *p, struct diag *d)
{
	if (p->lock_fd < 0)
		return diag_set(d, EX_SOFTWARE, _("profile %s: removal needs the lock"), p->name);
	/* Everything or nothing (doc/DESIGN.md, "Data"): first prove every entry can go, so that a failure
	 * never leaves the secret files on disk after the vault is gone; then every other secret file,
	 * and only then the vault, the key to everything. */
	int rc = profile_walk(p->dir, 1, 0, 1, d);
	if (rc == EX_OK)
		rc = profile_walk(p->dir, 1, 0, 0, d);
	if (rc != EX_OK)
		return rc;
	rc = profile_shred(p->vault_path, d);
	if (rc == EX_OK || rc == EX_NOINPUT)
		rc = profile_shred(p->state_path, d);
	if (rc != EX_OK && rc != EX_NOINPUT)
		return rc;
	diag_clear(d);
	char *lock = fsutil_join(p->dir, "lock");
	if (!lock || unlink(lock) != 0) {
		rc = diag_set_errno(d, EX_IOERR, _("%s: cannot remove the lock file"), p->dir);
		free(lock);
		return rc;
	}
	free(lock);
	if (rmdir(p->dir) != 0)
		return diag_set_errno(d, EX_IOERR, _("%s: cannot remove the directory"), p->dir);
	return fsutil_sync_parent(p->dir, d);
}
