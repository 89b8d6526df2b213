/* netlib.c: libcurl through dlopen on first use (see netlib.h for why). */
#include "config.h"

#include "netlib.h"

#include "i18n.h"
#include "lazylib.h"

#include <stddef.h>
#include <sysexits.h>

/* The libcurl entry points we use, resolved once by netlib_load(). */
static struct {
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

#define NETLIB_SYM(field)                   \
	{                                       \
		"curl_" #field, (void **)&lib.field \
	}
static const struct lazylib_sym netlib_syms[] = {
    NETLIB_SYM(global_init),
    NETLIB_SYM(easy_init),
    NETLIB_SYM(easy_cleanup),
    NETLIB_SYM(easy_perform),
    NETLIB_SYM(easy_strerror),
    NETLIB_SYM(easy_setopt),
    NETLIB_SYM(easy_getinfo),
    NETLIB_SYM(multi_init),
    NETLIB_SYM(multi_cleanup),
    NETLIB_SYM(multi_add_handle),
    NETLIB_SYM(multi_remove_handle),
    /* curl_multi_poll is 7.66: an older libcurl than configure required is refused whole. */
    NETLIB_SYM(multi_perform),
    NETLIB_SYM(multi_poll),
    NETLIB_SYM(multi_info_read),
    {NULL, NULL},
};

static struct lazylib netlib_lib = {NETLIB_SONAME, "libcurl4", netlib_syms, 0};
static int netlib_initialised;

int netlib_load(struct diag *d)
{
	if (netlib_initialised)
		return EX_OK;
	int rc = lazylib_load(&netlib_lib, d);
	if (rc != EX_OK)
		return rc;
	if (lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return diag_set(d, EX_SOFTWARE, "%s", _("libcurl could not be initialised"));
	netlib_initialised = 1;
	return EX_OK;
}

CURL *netlib_easy_init(void)
{
	return lib.easy_init();
}
void netlib_easy_cleanup(CURL *c)
{
	lib.easy_cleanup(c);
}
CURLcode netlib_easy_perform(CURL *c)
{
	return lib.easy_perform(c);
}
const char *netlib_easy_strerror(CURLcode res)
{
	return lib.easy_strerror(res);
}

void netlib_tls_defaults(CURL *c, const char *cacert)
{
	netlib_setopt_long(c, CURLOPT_NOSIGNAL, 1L);
	netlib_setopt_long(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	netlib_setopt_long(c, CURLOPT_SSL_VERIFYPEER, 1L);
	netlib_setopt_long(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cacert)
		netlib_setopt_ptr(c, CURLOPT_CAINFO, cacert);
}

CURLcode netlib_setopt_long(CURL *c, CURLoption opt, long v)
{
	return lib.easy_setopt(c, opt, v);
}
CURLcode netlib_setopt_ptr(CURL *c, CURLoption opt, const void *v)
{
	return lib.easy_setopt(c, opt, v);
}
CURLcode netlib_setopt_off(CURL *c, CURLoption opt, curl_off_t v)
{
	return lib.easy_setopt(c, opt, v);
}
CURLcode netlib_setopt_write(CURL *c, CURLoption opt, curl_write_callback fn)
{
	return lib.easy_setopt(c, opt, fn);
}
CURLcode netlib_setopt_xferinfo(CURL *c, CURLoption opt, curl_xferinfo_callback fn)
{
	return lib.easy_setopt(c, opt, fn);
}

CURLcode netlib_getinfo_long(CURL *c, CURLINFO info, long *v)
{
	return lib.easy_getinfo(c, info, v);
}
CURLcode netlib_getinfo_off(CURL *c, CURLINFO info, curl_off_t *v)
{
	return lib.easy_getinfo(c, info, v);
}
CURLcode netlib_getinfo_str(CURL *c, CURLINFO info, char **v)
{
	return lib.easy_getinfo(c, info, v);
}

CURLM *netlib_multi_init(void)
{
	return lib.multi_init();
}
CURLMcode netlib_multi_cleanup(CURLM *m)
{
	return lib.multi_cleanup(m);
}
CURLMcode netlib_multi_add_handle(CURLM *m, CURL *c)
{
	return lib.multi_add_handle(m, c);
}
CURLMcode netlib_multi_remove_handle(CURLM *m, CURL *c)
{
	return lib.multi_remove_handle(m, c);
}
CURLMcode netlib_multi_perform(CURLM *m, int *running)
{
	return lib.multi_perform(m, running);
}
CURLMcode netlib_multi_poll(CURLM *m, struct curl_waitfd *extra, unsigned n, int timeout_ms, int *ret)
{
	return lib.multi_poll(m, extra, n, timeout_ms, ret);
}
CURLMsg *netlib_multi_info_read(CURLM *m, int *left)
{
	return lib.multi_info_read(m, left);
}
