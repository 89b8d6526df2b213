/* watch.c: inotify on the download folder (see watch.h). */
#include "config.h"

#include "i18n.h"
#include "watch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#define WATCH_MAX_SEEN 256

struct watch {
	int fd;
	int wd;
	char *dir;
	/* Complete files not yet handed out, in arrival order. */
	char *queue[WATCH_MAX_SEEN];
	size_t n_queue;
	/* Names already handed out: a file closed twice is reported once. */
	char *seen[WATCH_MAX_SEEN];
	size_t n_seen;
};

int watch_kinds_complete(unsigned mask)
{
	if (mask & WATCH_KIND_BIT(CREDFILE_COMBINED))
		return 1;
	if (mask & WATCH_KIND_BIT(CREDFILE_JWT))
		return 1;
	return (mask & WATCH_KIND_BIT(CREDFILE_SERVICE)) && (mask & WATCH_KIND_BIT(CREDFILE_HSM));
}

/* One value of user-dirs.dirs: "$HOME/xyz" or "/abs/path", in double quotes (xdg-user-dirs' format). */
static int watch_user_dir_value(const char *v, const char *home, char *buf, size_t size)
{
	if (*v != '"')
		return -1;
	v++;
	const char *end = strchr(v, '"');
	if (!end)
		return -1;
	size_t len = (size_t)(end - v);
	int n;
	if (strncmp(v, "$HOME", 5) == 0 && (len == 5 || v[5] == '/')) {
		/* "$HOME/" alone means the directory is disabled (xdg-user-dirs). */
		if (len <= 6)
			return -1;
		n = snprintf(buf, size, "%s%.*s", home, (int)(len - 5), v + 5);
	} else if (v[0] == '/') {
		n = snprintf(buf, size, "%.*s", (int)len, v);
	} else {
		return -1;
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int watch_default_dir(char *buf, size_t size, struct diag *d)
{
	const char *home = getenv("HOME");
	if (!home || !*home)
		return diag_set(d, EX_CONFIG, "%s", _("HOME is not set: give the folder to watch"));
	char conf[PATH_MAX];
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && xdg[0] == '/')
		snprintf(conf, sizeof conf, "%s/user-dirs.dirs", xdg);
	else
		snprintf(conf, sizeof conf, "%s/.config/user-dirs.dirs", home);
	FILE *f = fopen(conf, "re");
	if (f) {
		char line[PATH_MAX + 64];
		int found = 0;
		while (!found && fgets(line, sizeof line, f)) {
			const char *p = line;
			while (*p == ' ' || *p == '\t')
				p++;
			if (strncmp(p, "XDG_DOWNLOAD_DIR=", 17) != 0)
				continue;
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			found = watch_user_dir_value(p + 17, home, buf, size) == 0;
		}
		fclose(f);
		if (found)
			return EX_OK;
	}
	int n = snprintf(buf, size, "%s/Downloads", home);
	if (n < 0 || (size_t)n >= size)
		return diag_set(d, EX_CONFIG, "%s", _("HOME is too long"));
	return EX_OK;
}

int watch_open(const char *dir, struct watch **out, struct diag *d)
{
	*out = NULL;
	struct stat st;
	if (stat(dir, &st) != 0)
		return diag_set_errno(d, EX_NOINPUT, _("%s: cannot watch"), dir);
	if (!S_ISDIR(st.st_mode))
		return diag_set(d, EX_NOINPUT, _("%s: not a folder"), dir);
	struct watch *w = calloc(1, sizeof *w);
	if (!w)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	w->dir = strdup(dir);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (!w->dir || w->fd < 0) {
		int rc = diag_set_errno(d, EX_OSERR, _("%s: cannot watch"), dir);
		watch_close(w);
		return rc;
	}
	w->wd = inotify_add_watch(w->fd, dir,
	                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
	if (w->wd < 0) {
		int rc = diag_set_errno(d, EX_OSERR, _("%s: cannot watch"), dir);
		watch_close(w);
		return rc;
	}
	*out = w;
	return EX_OK;
}

int watch_fd(const struct watch *w)
{
	return w->fd;
}

const char *watch_dir(const struct watch *w)
{
	return w->dir;
}

static int watch_seen(const struct watch *w, const char *name)
{
	for (size_t i = 0; i < w->n_seen; i++)
		if (strcmp(w->seen[i], name) == 0)
			return 1;
	for (size_t i = 0; i < w->n_queue; i++)
		if (strcmp(w->queue[i], name) == 0)
			return 1;
	return 0;
}

static void watch_consider(struct watch *w, const char *name)
{
	struct credfile_name cn;
	memset(&cn, 0, sizeof cn);
	/* Only names shaped like a credential file count: a browser's .part/.crdownload never does. */
	int shaped = credfile_parse_name(name, &cn) == 0;
	credfile_name_free(&cn);
	if (!shaped || watch_seen(w, name) || w->n_queue >= WATCH_MAX_SEEN)
		return;
	char *copy = strdup(name);
	if (copy)
		w->queue[w->n_queue++] = copy;
}

/* Reads every pending event; returns EX_OK, or an error when the folder went away. */
static int watch_drain(struct watch *w, struct diag *d)
{
	/* Aligned as inotify(7) asks. */
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t len = read(w->fd, buf, sizeof buf);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == EAGAIN)
			return EX_OK;
		if (len <= 0)
			return diag_set_errno(d, EX_IOERR, _("%s: reading folder events failed"), w->dir);
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)p;
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
				return diag_set(d, EX_NOINPUT, _("%s: the folder was removed or moved"), w->dir);
			if ((ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) && !(ev->mask & IN_ISDIR) && ev->len > 0)
				watch_consider(w, ev->name);
			p += sizeof *ev + ev->len;
		}
	}
}

int watch_poll(struct watch *w, int timeout_ms, char **path, struct diag *d)
{
	*path = NULL;
	if (w->n_queue == 0) {
		struct pollfd pfd = {.fd = w->fd, .events = POLLIN};
		int r = poll(&pfd, 1, timeout_ms);
		if (r < 0 && errno != EINTR)
			return diag_set_errno(d, EX_OSERR, "%s", _("waiting for folder events failed"));
		if (r > 0) {
			int rc = watch_drain(w, d);
			if (rc != EX_OK)
				return rc;
		}
	}
	if (w->n_queue == 0)
		return EX_OK;
	char *name = w->queue[0];
	memmove(&w->queue[0], &w->queue[1], (w->n_queue - 1) * sizeof w->queue[0]);
	w->n_queue--;
	size_t len = strlen(w->dir) + strlen(name) + 2;
	char *full = malloc(len);
	if (!full) {
		free(name);
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	}
	snprintf(full, len, "%s/%s", w->dir, name);
	if (w->n_seen < WATCH_MAX_SEEN)
		w->seen[w->n_seen++] = name;
	else
		free(name);
	*path = full;
	return EX_OK;
}

void watch_close(struct watch *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	for (size_t i = 0; i < w->n_queue; i++)
		free(w->queue[i]);
	for (size_t i = 0; i < w->n_seen; i++)
		free(w->seen[i]);
	free(w->dir);
	free(w);
}
