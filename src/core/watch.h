/* watch.h: watches the download folder for credential files.
 *
 * The browser downloads from SecureSafe; we see each credential file as it completes and hand it to
 * the importer. A file counts once it is complete: closed after writing (IN_CLOSE_WRITE) or renamed
 * into place (IN_MOVED_TO), which is how Firefox (.part) and Chromium (.crdownload) finish a download.
 * A file still being written, and the browsers' temp names, are not reported. Only names with the
 * shape of a credential file (credfile_parse_name) count.
 *
 * It is step-wise and never prints, so the CLI's watch and the wizard's download screen share it:
 * watch_open, then watch_poll until it returns a path (or poll watch_fd yourself and call
 * watch_poll with timeout 0), then watch_close. */
#ifndef HSMO_WATCH_H
#define HSMO_WATCH_H

#include <stddef.h>

#include "credfile.h"
#include "diag.h"

struct watch;

/* The default folder: XDG_DOWNLOAD_DIR from $XDG_CONFIG_HOME/user-dirs.dirs (default
 * ~/.config/user-dirs.dirs), else ~/Downloads. */
int watch_default_dir(char *buf, size_t size, struct diag *d);

/* Starts watching dir (it must exist and be a directory). */
int watch_open(const char *dir, struct watch **out, struct diag *d);
/* The inotify descriptor, readable when watch_poll has something to do. */
int watch_fd(const struct watch *w);
/* Waits up to timeout_ms (0: do not wait, -1: forever) for the next complete credential file.
 * Returns EX_OK with *path set to a malloc'd path, or with *path NULL when nothing came; an error
 * when the folder vanished or inotify failed. A path is reported once. */
int watch_poll(struct watch *w, int timeout_ms, char **path, struct diag *d);
const char *watch_dir(const struct watch *w);
void watch_close(struct watch *w);

/* The kinds imported so far, as a bit mask of (1 << enum credfile_kind). */
#define WATCH_KIND_BIT(k) (1u << (unsigned)(k))
/* 1 when the kinds in mask make a complete delivery: service and hsm, or a combined file, or a jwt
 * file. */
int watch_kinds_complete(unsigned mask);

#endif
