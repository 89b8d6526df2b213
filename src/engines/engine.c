/* engine.c: the engines' registry (engine_find, declared by the port) and what every engine
 * shares (engine.h). */
#include "config.h"

#include "engine.h"

#include "fsutil.h"
#include "i18n.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <limits.h>
#include <sysexits.h>
#include <unistd.h>

int engine_secret_place(const char *engine, const char *dir, char *buf, size_t size)
{
	const struct engine_ops *ops = engine_find(engine);
	if (!ops || !dir)
		return -1;
	struct engine_text_args a = {.engine = ops->name, .dir = dir};
	return engine_text(ops, ENGINE_TEXT_SECRET_PLACE, &a, buf, size);
}

const struct engine_ops *engine_find(const char *name)
{
	if (!name)
		return NULL;
	if (strcmp(name, "pkcs11") == 0)
		return &engine_pkcs11_ops;
	if (strcmp(name, "primus") == 0)
		return &engine_primus_ops;
	if (strcmp(name, "jce") == 0)
		return &engine_jce_ops;
	return NULL;
}

int engine_pin_length(unsigned long min, unsigned long max, size_t want, size_t *len)
{
	size_t n = want ? want : ENGINE_PIN_DEFAULT;
	if (n > ENGINE_SECRET_MAX)
		n = ENGINE_SECRET_MAX;
	if (max != 0 && max != (unsigned long)-1 && max < n)
		n = (size_t)max;
	if (min != (unsigned long)-1 && n < min)
		return -1;
	*len = n;
	return 0;
}

int engine_write_file(const char *path, const void *data, size_t len, const char *group, struct diag *d)
{
	gid_t gid = 0;
	if (group) {
		struct group *g = getgrnam(group);
		if (!g)
			return diag_set(d, EX_NOUSER, _("--group: there is no group '%s' on this machine"), group);
		gid = g->gr_gid;
	}
	/* Given to the group on the descriptor, before the rename: never by name afterwards, when the name
	 * may already be a group member's symbolic link (doc/DESIGN.md, "Data"). */
	return group ? fsutil_write_atomic_group(path, data, len, 0640, gid, "config", d)
	             : fsutil_write_atomic(path, data, len, 0600, "config", d);
}

int engine_find_program(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		/* An empty PATH element means the current directory, as in the shell. */
		int len = n ? snprintf(buf, size, "%.*s/%s", (int)n, path, name) : snprintf(buf, size, "./%s", name);
		struct stat sb;
		if (len > 0 && (size_t)len < size && stat(buf, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    access(buf, X_OK) == 0)
			return 1;
		path += n;
		if (*path == ':')
			path++;
	}
	return 0;
}

/* Who may have put the file there: root or the user, and nobody else may write it. */
static const char *engine_untrusted(const struct stat *sb)
{
	if (sb->st_uid != 0 && sb->st_uid != getuid())
		return _("owned by another user");
	if (sb->st_mode & (S_IWGRP | S_IWOTH))
		return _("writable by other users");
	return NULL;
}

int engine_find_trusted(const char *name, char *buf, size_t size, struct diag *d)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t w = strcspn(path, ":");
		/* A relative entry ("", ".", "bin") names whatever folder we happen to run in. */
		if (w > 0 && path[0] == '/' && w + strlen(name) + 2 <= size) {
			snprintf(buf, size, "%.*s/%s", (int)w, path, name);
			if (access(buf, X_OK) == 0) {
				struct stat file, dir;
				char folder[PATH_MAX];
				snprintf(folder, sizeof folder, "%.*s", (int)w, path);
				const char *why = NULL, *what = buf;
				if (stat(buf, &file) != 0 || !S_ISREG(file.st_mode))
					why = _("not a regular file");
				else if ((why = engine_untrusted(&file)) == NULL && stat(folder, &dir) == 0 &&
				         (why = engine_untrusted(&dir)) != NULL)
					what = folder;
				if (!why)
					return EX_OK;
				return diag_set(d, EX_NOPERM,
				                _("%s was found on PATH, but %s is %s: a tool that gets the secrets must "
				                  "be one nobody else could have put there. Give its path explicitly "
				                  "(--ppin or --module) if you trust it"),
				                buf, what, why);
			}
		}
		path += w;
		if (*path == ':')
			path++;
	}
	return EX_UNAVAILABLE;
}
