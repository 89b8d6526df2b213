/* fsutil.h: every file the program writes or reads goes through here (doc/DESIGN.md, "Data").
 *
 * Writes are atomic and durable: a temp file with a random name beside the target (O_EXCL as
 * mkstemp; "PATH.PID.XXXXXX.tmp"), given the target's mode (and group) on its descriptor, write, fsync,
 * rename over the target, fsync the directory; the path is never touched after the rename. A temp file
 * that a dead writer of the same user left is shredded by the next write; a live writer's never. An
 * fsync error is fatal. On any error the previous file is intact and the temp file is gone. Reads are bounded, so a 5 GB "credential file"
 * costs nothing. Functions return a sysexits code and fill d on failure. */
#ifndef HSMO_FSUTIL_H
#define HSMO_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "diag.h"

/* A path that is a symbolic link is refused (EX_NOPERM, naming it): nothing is ever written through
 * one, nor is the link silently replaced. fp_prefix names the failpoints of this write ("vault" -> "vault.before-rename", ...); it must be
 * one of the prefixes in failpoint.c. */
int fsutil_write_atomic(const char *path, const void *data, size_t len, mode_t mode, const char *fp_prefix,
                        struct diag *d);
/* The same, the file given to group gid ((gid_t)-1: unchanged) with fchown on the temp file's
 * descriptor before the rename: a file shared with a group in a folder the group can write
 * (doc/DESIGN.md, "Data"). EX_NOPERM when the user may not give it to that group. */
int fsutil_write_atomic_group(const char *path, const void *data, size_t len, mode_t mode, gid_t gid,
                              const char *fp_prefix, struct diag *d);

/* The same steps for a file the user names (ticket --output), in any directory; without replace
 * an existing path is never overwritten: link(2) publishes the file only where nothing is, and an
 * existing path is EX_CANTCREAT ("... exists; give --force"). With replace, rename over it. */
int fsutil_write_new(const char *path, const void *data, size_t len, mode_t mode, int replace,
                     const char *fp_prefix, struct diag *d);

enum fsutil_read_flags {
	FSUTIL_READ_SECRET = 1,   /* the buffer comes from secmem_alloc: free it with secmem_free */
	FSUTIL_READ_NOFOLLOW = 2, /* a profile file: a symbolic link is refused (EX_NOPERM), never followed */
};
/* Reads a regular file of at most max bytes into a NUL-terminated buffer. Refuses what is not a
 * regular file (EX_NOINPUT), a file over max (EX_DATAERR), and reports read errors (EX_IOERR);
 * a missing file is EX_NOINPUT. Free the buffer with free(), or secmem_free() with FSUTIL_READ_SECRET. */
int fsutil_read_bounded(const char *path, size_t max, int flags, char **out, size_t *out_len, struct diag *d);
/* The same from an open descriptor (a pipe too: "-" for standard input), named name in messages; the
 * descriptor is left open. */
int fsutil_read_fd_bounded(int fd, const char *name, size_t max, int flags, char **out, size_t *out_len,
                           struct diag *d);

/* EX_NOPERM with "PATH is a symbolic link ..." when path is one (lstat), else EX_OK: for the profile
 * files (doc/DESIGN.md, "Data"), which are never read or written through a link. */
int fsutil_refuse_symlink(const char *path, struct diag *d);

/* mkdir -p; every directory it creates gets mode 0700, and the last one is chmod-ed to 0700. */
int fsutil_mkdir_private(const char *path, struct diag *d);

/* A folder the program writes files into for others to read (provider and client configuration): made
 * private (fsutil_mkdir_private) when it is missing, refused when it is not a folder (EX_CANTCREAT).
 * absdir (PATH_MAX bytes, may be NULL) gets its absolute path, which those files must name. */
int fsutil_output_dir(const char *dir, char *absdir, struct diag *d);

/* Whether dir may receive secret files (doc/DESIGN.md, "Data"): EX_NOPERM, naming the reason, when
 * another user than root owns it, or its group or everyone may write it without the sticky bit, unless
 * force; a warning into w when everyone may list it. EX_OK for a folder that does not exist yet
 * (fsutil_output_dir makes it private). */
int fsutil_secret_dir(const char *dir, int force, struct diag_warnings *w, struct diag *d);

/* The one shredder (doc/DESIGN.md, "Data"), for plaintext credential files and the vault alike:
 * overwrites with random bytes (a block that survives SSD remapping or copy-on-write holds nothing that
 * tells what it was), fsyncs, unlinks and fsyncs the directory. Best effort on SSDs and copy-on-write
 * filesystems. EX_NOINPUT when path does not exist (nothing to shred), EX_IOERR on any other failure. */
int fsutil_shred(const char *path, struct diag *d);

/* "dir/name" in a new string (free it), or NULL when out of memory. */
char *fsutil_join(const char *dir, const char *name);

/* fsync of the directory that holds path (after an unlink or rename). */
int fsutil_sync_parent(const char *path, struct diag *d);

#endif
