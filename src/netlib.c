/* netlib.c: libcurl through dlopen on first use (see netlib.h for why). */
#include "config.h"

#include "netlib.h"

#include "i18n.h"

#include <dlfcn.h>
#include <stddef.h>
#include <sysexits.h>

/* The libcurl entry points we use, resolved once by netlib_load(). */
static struct {
	int loaded;
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *c);
	CURLcode (*easy_perform)(CURL *c);
	const char *(*easy_strerror)(CURLcode res);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *m);
	CURLMcode (*multi_add_handle)(CURLM *m, CURL *c);
	CURLMcode (*multi_remove_handle)(CURLM *m, CURL *c);
	CURLMcode (*multi_perform)(CURLM *m, int *running);
	CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd *extra, unsigned n, int timeout_ms, int *ret);
	CURLMsg *(*multi_info_read)(CURLM *m, int *left);
} lib;

/* dlsym returns void *; POSIX (not ISO C) lets it be used as a function pointer: the store through
 * (void **) is the idiom POSIX gives for that, and keeps -Wpedantic quiet. */
#define NETLIB_SYM(field, name)                                                                    \
	do {                                                                                           \
		*(void **)(&lib.field) = dlsym(h, name);                                                   \
		if (!lib.field)                                                                            \
			missing = name;                                                                        \
	} while (0)

int netlib_load(struct diag *d)
{
	if (lib.loaded)
		return EX_OK;
	/* The handle is kept for the life of the process: libcurl and OpenSSL keep global state. */
	void *h = dlopen(NETLIB_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		return diag_set(d, EX_UNAVAILABLE, _("cannot load %s (install the Debian package libcurl4): %s"),
		                NETLIB_SONAME, why ? why : "?");
	}
	const char *missing = NULL;
	NETLIB_SYM(global_init, "curl_global_init");
	NETLIB_SYM(easy_init, "curl_easy_init");
	NETLIB_SYM(easy_cleanup, "curl_easy_cleanup");
	NETLIB_SYM(easy_perform, "curl_easy_perform");
	NETLIB_SYM(easy_strerror, "curl_easy_strerror");
	NETLIB_SYM(easy_setopt, "curl_easy_setopt");
	NETLIB_SYM(easy_getinfo, "curl_easy_getinfo");
	NETLIB_SYM(multi_init, "curl_multi_init");
	NETLIB_SYM(multi_cleanup, "curl_multi_cleanup");
	NETLIB_SYM(multi_add_handle, "curl_multi_add_handle");
	NETLIB_SYM(multi_remove_handle, "curl_multi_remove_handle");
	NETLIB_SYM(multi_perform, "curl_multi_perform");
	NETLIB_SYM(multi_poll, "curl_multi_poll");
	NETLIB_SYM(multi_info_read, "curl_multi_info_read");
	if (missing) {
		/* An older libcurl than configure required (curl_multi_poll is 7.66). */
		dlclose(h);
		return diag_set(d, EX_UNAVAILABLE, _("cannot load %s (install the Debian package libcurl4): %s"),
		                NETLIB_SONAME, missing);
	}
	if (lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return diag_set(d, EX_SOFTWARE, "%s", _("libcurl could not be initialised"));
	lib.loaded = 1;
	return EX_OK;
}

CURL *netlib_easy_init(void) { return lib.easy_init(); }
void netlib_easy_cleanup(CURL *c) { lib.easy_cleanup(c); }
CURLcode netlib_easy_perform(CURL *c) { return lib.easy_perform(c); }
const char *netlib_easy_strerror(CURLcode res) { return lib.easy_strerror(res); }

CURLcode netlib_setopt_long(CURL *c, CURLoption opt, long v) { return lib.easy_setopt(c, opt, v); }
CURLcode netlib_setopt_ptr(CURL *c, CURLoption opt, const void *v) { return lib.easy_setopt(c, opt, v); }
CURLcode netlib_setopt_off(CURL *c, CURLoption opt, curl_off_t v) { return lib.easy_setopt(c, opt, v); }
CURLcode netlib_setopt_write(CURL *c, CURLoption opt, curl_write_callback fn)
{
	return lib.easy_setopt(c, opt, fn);
}
CURLcode netlib_setopt_xferinfo(CURL *c, CURLoption opt, curl_xferinfo_callback fn)
{
	return lib.easy_setopt(c, opt, fn);
}

CURLcode netlib_getinfo_long(CURL *c, CURLINFO info, long *v) { return lib.easy_getinfo(c, info, v); }
CURLcode netlib_getinfo_off(CURL *c, CURLINFO info, curl_off_t *v) { return lib.easy_getinfo(c, info, v); }
CURLcode netlib_getinfo_str(CURL *c, CURLINFO info, char **v) { return lib.easy_getinfo(c, info, v); }

CURLM *netlib_multi_init(void) { return lib.multi_init(); }
CURLMcode netlib_multi_cleanup(CURLM *m) { return lib.multi_cleanup(m); }
CURLMcode netlib_multi_add_handle(CURLM *m, CURL *c) { return lib.multi_add_handle(m, c); }
CURLMcode netlib_multi_remove_handle(CURLM *m, CURL *c) { return lib.multi_remove_handle(m, c); }
CURLMcode netlib_multi_perform(CURLM *m, int *running) { return lib.multi_perform(m, running); }
CURLMcode netlib_multi_poll(CURLM *m, struct curl_waitfd *extra, unsigned n, int timeout_ms, int *ret)
{
	return lib.multi_poll(m, extra, n, timeout_ms, ret);
}
CURLMsg *netlib_multi_info_read(CURLM *m, int *left) { return lib.multi_info_read(m, left); }
