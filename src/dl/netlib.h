/* netlib.h: libcurl, loaded on first use (contract).
 *
 * Why: linking libcurl made every start of hsm-onboard (the wizard, `status`, ...) load and relocate
 * ~27 shared libraries libcurl pulls in (Kerberos, LDAP, GnuTLS, SSH, nghttp2, brotli, zstd, ...):
 * most of the wizard's start-up time and a third of its RSS, for commands that never touch the
 * network. The network modules (netcheck.c, fetch.c) call libcurl only through this module, which
 * loads libcurl.so.4 (lazylib.h) the first time netlib_load() is called. <curl/curl.h> is still used
 * for types and constants.
 *
 * curl_easy_setopt/curl_easy_getinfo are variadic and checked by curl.h's typecheck macros when called
 * directly; through a pointer nothing checks the argument type, so each option kind has its own
 * wrapper with an explicit type. */
#ifndef HSMO_NETLIB_H
#define HSMO_NETLIB_H

#include "diag.h"

#include <curl/curl.h>

/* The soname loaded; the runtime package is libcurl4 (a dependency of libcurl4-openssl-dev). */
#define NETLIB_SONAME "libcurl.so.4"

/* Loads libcurl and runs curl_global_init once per process. EX_OK, or EX_UNAVAILABLE naming the
 * library when it cannot be loaded, or EX_SOFTWARE when it cannot be initialised. Every other netlib_
 * function may only be called after it returned EX_OK. Not thread-safe: call it from the main thread
 * before any transfer. */
int netlib_load(struct diag *d);

CURL *netlib_easy_init(void);
void netlib_easy_cleanup(CURL *c);
CURLcode netlib_easy_perform(CURL *c);
const char *netlib_easy_strerror(CURLcode res);

/* curl_easy_setopt per argument kind: long, object or string pointer, curl_off_t, callbacks. */
CURLcode netlib_setopt_long(CURL *c, CURLoption opt, long v);
CURLcode netlib_setopt_ptr(CURL *c, CURLoption opt, const void *v);
CURLcode netlib_setopt_off(CURL *c, CURLoption opt, curl_off_t v);
CURLcode netlib_setopt_write(CURL *c, CURLoption opt, curl_write_callback fn);
CURLcode netlib_setopt_xferinfo(CURL *c, CURLoption opt, curl_xferinfo_callback fn);

/* The TLS settings every transfer of this program uses, in one place (fetch.c, netcheck.c): TLS 1.2
 * at least, the peer's certificate and host name verified, no signals (the transfers run in a
 * program that handles its own), and cacert as the trust anchor when not NULL. */
void netlib_tls_defaults(CURL *c, const char *cacert);

/* curl_easy_getinfo per result kind. */
CURLcode netlib_getinfo_long(CURL *c, CURLINFO info, long *v);
CURLcode netlib_getinfo_off(CURL *c, CURLINFO info, curl_off_t *v);
CURLcode netlib_getinfo_str(CURL *c, CURLINFO info, char **v);

CURLM *netlib_multi_init(void);
CURLMcode netlib_multi_cleanup(CURLM *m);
CURLMcode netlib_multi_add_handle(CURLM *m, CURL *c);
CURLMcode netlib_multi_remove_handle(CURLM *m, CURL *c);
CURLMcode netlib_multi_perform(CURLM *m, int *running);
CURLMcode netlib_multi_poll(CURLM *m, struct curl_waitfd *extra, unsigned n, int timeout_ms, int *ret);
CURLMsg *netlib_multi_info_read(CURLM *m, int *left);

#endif
