/* fetch.c: HTTPS downloads with resume (see fetch.h for the rules and why). */
#include "config.h"

#include "fetch.h"
#include "credfile.h"
#include "fsutil.h"
#include "i18n.h"
#include "netlib.h"
#include "profile.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#define FETCH_CONNECT_TIMEOUT_MS 15000L
#define FETCH_TIMEOUT_MS 120000L

struct fetch_xfer {
	int fd;
	long long written; /* bytes in the .part, resumed ones included */
	long long base;    /* bytes that were there before this request */
	size_t max;
	int oversize;
	int write_error;
	int cancelled;
	const struct fetch_opts *o;
};

int fetch_download_dir(char *buf, size_t size, struct diag *d)
{
	char base[4096];
	int rc = profile_base_dir(base, sizeof base, d);
	if (rc != EX_OK)
		return rc;
	int n = snprintf(buf, size, "%s/.downloads", base);
	if (n < 0 || (size_t)n >= size)
		return diag_set(d, EX_CANTCREAT, _("%s: path too long"), base);
	return fsutil_mkdir_private(buf, d);
}

int fetch_forget_downloads(const char *hsm_user, size_t *removed, struct diag *d)
{
	*removed = 0;
	char base[4096], dir[4200];
	int rc = profile_base_dir(base, sizeof base, d);
	if (rc != EX_OK)
		return rc;
	snprintf(dir, sizeof dir, "%s/.downloads", base);
	DIR *dh = opendir(dir);
	if (!dh)
		return errno == ENOENT ? EX_OK : diag_set_errno(d, EX_IOERR, _("%s: cannot list the downloads"), dir);
	struct dirent *e;
	rc = EX_OK;
	while ((e = readdir(dh))) {
		char path[4500];
		/* The user field of the name, exactly: "_BOB_" is also in another user's "ACME_BOB_hsm_ALICE_..."
		 * file, the only copy of that user's setup password. */
		char name[300];
		size_t nlen = strlen(e->d_name);
		if (nlen >= sizeof name)
			continue;
		memcpy(name, e->d_name, nlen + 1);
		if (nlen > 5 && strcmp(name + nlen - 5, ".part") == 0) /* a download in progress */
			name[nlen - 5] = '\0';
		struct credfile_name cn;
		memset(&cn, 0, sizeof cn);
		int mine = name[0] != '.' && credfile_parse_name(name, &cn) == 0 && cn.user &&
		           strcmp(cn.user, hsm_user) == 0;
		credfile_name_free(&cn);
		if (!mine || (size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
			continue;
		if (fsutil_shred(path, d) == EX_OK)
			(*removed)++;
		else
			rc = d->code;
	}
	closedir(dh);
	return rc;
}

void fetch_file_name(const char *url, char *buf, size_t size)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t end = strcspn(p, "?#");
	const char *slash = NULL;
	for (size_t i = 0; i < end; i++)
		if (p[i] == '/')
			slash = p + i;
	const char *name = slash ? slash + 1 : NULL;
	size_t len = name ? (size_t)(p + end - name) : 0;
	int ok = len > 0 && len < 200 && name[0] != '.';
	for (size_t i = 0; ok && i < len; i++) {
		char c = name[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		     c == '_' || c == '-' || c == '+';
	}
	/* ".part" is ours: a URL ending in it must not collide with a download in progress. */
	if (ok && len >= 5 && strncmp(name + len - 5, ".part", 5) == 0)
		ok = 0;
	if (ok)
		snprintf(buf, size, "%.*s", (int)len, name);
	else
		snprintf(buf, size, "%s", "download.txt");
}

/* The URL without its query and fragment: a download link may carry an access token there, and
 * messages end up in terminals and tickets. */
static void fetch_redact(const char *url, char *buf, size_t size)
{
	size_t end = strcspn(url, "?#");
	snprintf(buf, size, "%.*s%s", (int)(end > 300 ? 300 : end), url, url[end] ? "?..." : "");
}

static size_t fetch_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct fetch_xfer *x = userdata;
	size_t n = size * nmemb;
	/* libcurl 7.88 cannot cap a body whose size is not announced: the cap is enforced here. */
	if ((size_t)x->written + n > x->max) {
		x->oversize = 1;
		return 0;
	}
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(x->fd, ptr + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			x->write_error = errno ? errno : EIO;
			return 0;
		}
		off += (size_t)w;
	}
	x->written += (long long)n;
	return n;
}

static int fetch_xferinfo(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                          curl_off_t ulnow)
{
	(void)ultotal;
	(void)ulnow;
	struct fetch_xfer *x = userdata;
	if (!x->o->progress)
		return 0;
	long long total = dltotal > 0 ? x->base + (long long)dltotal : 0;
	if (x->o->progress(x->o->progress_ctx, x->base + (long long)dlnow, total)) {
		x->cancelled = 1;
		return 1;
	}
	return 0;
}

/* Opens (or creates) the .part privately: no symlink, a regular file of ours, mode 0600, locked so
 * that two fetches of the same name do not interleave. */
static int fetch_open_part(const char *part, int *fd_out, struct diag *d)
{
	int fd = open(part, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot open"), part);
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		close(fd);
		return diag_set(d, EX_CANTCREAT, _("%s: not a regular file of yours"), part);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return diag_set(d, EX_TEMPFAIL, _("%s: another download of this file is running"), part);
	}
	if ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) != 0) {
		close(fd);
		return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot set mode 0600"), part);
	}
	*fd_out = fd;
	return EX_OK;
}

static void fetch_setup(CURL *c, const char *url, const struct fetch_opts *o, struct fetch_xfer *x,
                        char *errbuf)
{
	netlib_setopt_ptr(c, CURLOPT_URL, url);
	netlib_setopt_ptr(c, CURLOPT_ERRORBUFFER, errbuf);
	netlib_tls_defaults(c, o->cacert);
	netlib_setopt_ptr(c, CURLOPT_PROTOCOLS_STR, "https");
	netlib_setopt_ptr(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	netlib_setopt_long(c, CURLOPT_FOLLOWLOCATION, 1L);
	netlib_setopt_long(c, CURLOPT_MAXREDIRS, FETCH_MAX_REDIRECTS);
	netlib_setopt_long(c, CURLOPT_CONNECTTIMEOUT_MS,
	                   o->connect_timeout_ms > 0 ? o->connect_timeout_ms : FETCH_CONNECT_TIMEOUT_MS);
	netlib_setopt_long(c, CURLOPT_TIMEOUT_MS, o->timeout_ms > 0 ? o->timeout_ms : FETCH_TIMEOUT_MS);
	/* An error page is never written into the .part. */
	netlib_setopt_long(c, CURLOPT_FAILONERROR, 1L);
	netlib_setopt_off(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max);
	netlib_setopt_write(c, CURLOPT_WRITEFUNCTION, fetch_write);
	netlib_setopt_ptr(c, CURLOPT_WRITEDATA, x);
	netlib_setopt_xferinfo(c, CURLOPT_XFERINFOFUNCTION, fetch_xferinfo);
	netlib_setopt_ptr(c, CURLOPT_XFERINFODATA, x);
	netlib_setopt_long(c, CURLOPT_NOPROGRESS, 0L);
	netlib_setopt_ptr(c, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	netlib_setopt_off(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)x->base);
}

static int fetch_report(CURL *c, CURLcode res, const struct fetch_xfer *x, const char *shown,
                        const char *errbuf, struct diag *d)
{
	const char *msg = errbuf[0] ? errbuf : netlib_easy_strerror(res);
	long status = 0;
	netlib_getinfo_long(c, CURLINFO_RESPONSE_CODE, &status);
	if (x->cancelled)
		return diag_set(d, EX_TEMPFAIL, _("%s: download interrupted; run fetch again to resume it"), shown);
	if (x->oversize || res == CURLE_FILESIZE_EXCEEDED)
		return diag_set(d, EX_DATAERR,
		                _("%s: refused: the file is larger than %zu KiB, which no credential file is"), shown,
		                x->max / 1024);
	if (x->write_error) {
		errno = x->write_error;
		return diag_set_errno(d, EX_IOERR, _("%s: cannot write the download"), shown);
	}
	switch (res) {
	case CURLE_UNSUPPORTED_PROTOCOL: {
		long redirects = 0;
		netlib_getinfo_long(c, CURLINFO_REDIRECT_COUNT, &redirects);
		char *next = NULL;
		netlib_getinfo_str(c, CURLINFO_REDIRECT_URL, &next);
		if (redirects > 0 || next)
			return diag_set(d, EX_UNAVAILABLE,
			                _("%s: refused: the server redirected to a URL that is not https://"), shown);
		return diag_set(d, EX_USAGE, _("%s: refused: only https:// URLs are accepted"), shown);
	}
	case CURLE_TOO_MANY_REDIRECTS:
		return diag_set(d, EX_UNAVAILABLE, _("%s: refused: more than %ld redirects"), shown,
		                FETCH_MAX_REDIRECTS);
	case CURLE_HTTP_RETURNED_ERROR:
		return diag_set(d, EX_UNAVAILABLE, _("%s: the server answered HTTP %ld"), shown, status);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
		return diag_set(
		    d, EX_UNAVAILABLE,
		    _("%s: TLS failed (%s): a CA problem (try --cacert FILE) or TLS interception by a proxy"), shown,
		    msg);
	case CURLE_OPERATION_TIMEDOUT: return diag_set(d, EX_UNAVAILABLE, _("%s: timed out (%s)"), shown, msg);
	default: return diag_set(d, EX_UNAVAILABLE, _("%s: download failed: %s"), shown, msg);
	}
}

/* Sets where an attempt starts: at the end of the .part, which a previous run may have left. A .part
 * at or over the cap cannot become a valid file: it starts again from zero. */
static int fetch_part_base(int fd, const char *part, struct fetch_xfer *x, struct diag *d)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return diag_set_errno(d, EX_IOERR, _("%s: cannot stat"), part);
	x->base = x->written = (long long)st.st_size;
	if ((size_t)x->base >= x->max) {
		if (ftruncate(fd, 0) != 0)
			return diag_set_errno(d, EX_IOERR, _("%s: cannot truncate"), part);
		x->base = x->written = 0;
	}
	return EX_OK;
}

/* Downloads url into the .part open on *fd, resuming where it ends. A second attempt is made only
 * from zero, when the first one's resume failed. A .part over the cap is closed (*fd = -1) and
 * removed. */
static int fetch_download(const char *url, const struct fetch_opts *o, const char *part, const char *shown,
                          int *fd, struct fetch_result *r, struct diag *d)
{
	int rc = EX_OK;
	CURL *c = NULL;
	struct fetch_xfer x = {.fd = *fd, .max = o->max_size ? o->max_size : FETCH_MAX_SIZE, .o = o};
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((rc = fetch_part_base(*fd, part, &x, d)) != EX_OK)
			goto out;
		if (attempt == 0)
			r->resumed_from = x.base;
		x.oversize = x.write_error = x.cancelled = 0;
		char errbuf[CURL_ERROR_SIZE] = "";
		if (c)
			netlib_easy_cleanup(c);
		c = netlib_easy_init();
		if (!c) {
			rc = diag_set(d, EX_SOFTWARE, "%s", _("libcurl could not be initialised"));
			goto out;
		}
		fetch_setup(c, url, o, &x, errbuf);
		CURLcode res = netlib_easy_perform(c);
		netlib_getinfo_long(c, CURLINFO_RESPONSE_CODE, &r->http_status);
		/* The server ignored the Range (libcurl refuses a 200 to a resumed request) or the .part no
		 * longer fits the file (416): restart once from zero. */
		if (x.base > 0 && attempt == 0 && !x.cancelled &&
		    (res == CURLE_RANGE_ERROR || (res == CURLE_HTTP_RETURNED_ERROR && r->http_status == 416))) {
			if (ftruncate(*fd, 0) != 0) {
				rc = diag_set_errno(d, EX_IOERR, _("%s: cannot truncate"), part);
				goto out;
			}
			r->restarted = 1;
			r->resumed_from = 0;
			continue;
		}
		if (res != CURLE_OK) {
			rc = fetch_report(c, res, &x, shown, errbuf, d);
			/* Garbage over the cap is never worth resuming. */
			if (x.oversize || res == CURLE_FILESIZE_EXCEEDED) {
				close(*fd);
				*fd = -1;
				unlink(part);
			}
			goto out;
		}
		break;
	}
out:
	if (c)
		netlib_easy_cleanup(c);
	return rc;
}

/* Makes the complete download durable under its final name: fsync, rename, then the folder's fsync. */
static int fetch_commit(int fd, const char *part, const char *final, struct fetch_result *r, struct diag *d)
{
	int rc;
	if (fsync(fd) != 0)
		return diag_set_errno(d, EX_IOERR, _("%s: fsync failed"), part);
	if (rename(part, final) != 0)
		return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot rename to %s"), part, final);
	if ((rc = fsutil_sync_parent(final, d)) != EX_OK)
		return rc;
	r->path = strdup(final);
	if (!r->path)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	return EX_OK;
}

int fetch_url(const char *url, const char *dir, const struct fetch_opts *o, struct fetch_result *r,
              struct diag *d)
{
	static const struct fetch_opts defaults = {0};
	if (!o)
		o = &defaults;
	memset(r, 0, sizeof *r);
	char shown[512];
	fetch_redact(url, shown, sizeof shown);
	/* Refused before any connection, so a plain http:// URL never leaves the machine. */
	if (strncasecmp(url, "https://", 8) != 0)
		return diag_set(d, EX_USAGE, _("%s: refused: only https:// URLs are accepted"), shown);

	char name[256], final[4096], part[4096];
	fetch_file_name(url, name, sizeof name);
	int n1 = snprintf(final, sizeof final, "%s/%s", dir, name);
	int n2 = snprintf(part, sizeof part, "%s/%s.part", dir, name);
	if (n1 < 0 || n2 < 0 || (size_t)n2 >= sizeof part)
		return diag_set(d, EX_CANTCREAT, _("%s: path too long"), dir);
	int lrc = netlib_load(d);
	if (lrc != EX_OK)
		return lrc;

	int fd = -1;
	int rc = fetch_open_part(part, &fd, d);
	if (rc != EX_OK)
		return rc;
	rc = fetch_download(url, o, part, shown, &fd, r, d);
	if (rc == EX_OK)
		rc = fetch_commit(fd, part, final, r, d);
	if (fd >= 0) {
		/* A failure before the first byte leaves nothing worth resuming. */
		struct stat st;
		if (rc != EX_OK && fstat(fd, &st) == 0 && st.st_size == 0)
			unlink(part);
		close(fd);
	}
	return rc;
}

void fetch_result_free(struct fetch_result *r)
{
	if (!r)
		return;
	free(r->path);
	r->path = NULL;
}
