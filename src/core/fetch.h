/* fetch.h: HTTPS downloads of credential files.
 *
 * doc/DESIGN.md, "Secrets", rules 6 and 7, enforced here once for the CLI's fetch and the wizard:
 * https:// only, redirects included, at most 5 redirects, TLS 1.2 or later, peer and host verification
 * always on (a private CA only through --cacert), a size cap enforced while the body arrives, connect
 * and transfer timeouts. A download goes to NAME.part in a private directory (0700, files 0600) and is
 * renamed to NAME only when complete, so an interrupted transfer can never be imported; the .part is
 * resumed with a Range request next time. The caller imports the finished file (import_paths). */
#ifndef HSMO_FETCH_H
#define HSMO_FETCH_H

#include <stddef.h>

#include "diag.h"

#define FETCH_MAX_SIZE (64 * 1024)
#define FETCH_MAX_REDIRECTS 5L

/* Called while the body arrives (now and total in bytes, total 0 when unknown, including resumed
 * bytes). A nonzero return cancels the transfer: fetch_url then returns EX_TEMPFAIL, keeping the .part. */
typedef int (*fetch_progress_fn)(void *ctx, long long now, long long total);

struct fetch_opts {
	const char *cacert;         /* CA file to trust instead of the system's, or NULL */
	long connect_timeout_ms;    /* 0: 15 s */
	long timeout_ms;            /* the whole transfer; 0: 120 s */
	size_t max_size;            /* 0: FETCH_MAX_SIZE */
	fetch_progress_fn progress; /* may be NULL */
	void *progress_ctx;
};

struct fetch_result {
	char *path;             /* the complete file (malloc'd), NULL on failure */
	long http_status;       /* last HTTP status, 0 when none */
	long long resumed_from; /* bytes of an earlier .part that were kept, 0 when none */
	int restarted;          /* 1 when the server ignored the range and the download restarted from zero */
};

/* The private download directory, $XDG_STATE_HOME/hsm-onboard/.downloads (created 0700). */
int fetch_download_dir(char *buf, size_t size, struct diag *d);
/* The local file name for url: its last path segment when it is a plain file name, else
 * "download.txt". */
void fetch_file_name(const char *url, char *buf, size_t size);
/* Downloads url into dir/NAME (see above). Errors: EX_USAGE for a URL that is not https://,
 * EX_UNAVAILABLE (69) for network, TLS and HTTP failures (the message names the status or the curl
 * error), EX_DATAERR for a body over the cap, EX_TEMPFAIL when cancelled, EX_CANTCREAT/EX_IOERR for
 * local files. */
int fetch_url(const char *url, const char *dir, const struct fetch_opts *o, struct fetch_result *r,
              struct diag *d);
void fetch_result_free(struct fetch_result *r);
/* Shreds (overwrite, then unlink) every download of hsm_user left in the download directory: the
 * credential files name their HSM user ("<company>_<svc>_<kind>_<user>_<date>.txt", and their .part).
 * For forget, so that a deleted profile leaves no plaintext behind. *removed counts the files. */
int fetch_forget_downloads(const char *hsm_user, size_t *removed, struct diag *d);

#endif
