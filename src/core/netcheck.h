/* netcheck.h: the cluster preflight. Most failed first connections are network problems (a
 * source IP not whitelisted, a firewall dropping 2310, a proxy intercepting TLS); this tells which one
 * before a setup-password attempt is burnt.
 *
 * Every endpoint is probed at once through libcurl's multi interface: DNS, a TCP connect, and a TLS
 * handshake where the endpoint speaks TLS, or for TSBaaS a GET of /v1/versionInfo with the JWT. So N
 * endpoints that all time out take about one timeout, not N. The CLI's check and the wizard's preflight
 * screen both call netcheck_run. */
#ifndef HSMO_NETCHECK_H
#define HSMO_NETCHECK_H

#include <stddef.h>

#include "diag.h"
#include "state.h"

enum netcheck_category {
	NETCHECK_OK = 0,
	NETCHECK_DNS,      /* the name does not resolve */
	NETCHECK_REFUSED,  /* connection refused (or the network is unreachable) */
	NETCHECK_TIMEOUT,  /* no answer: traffic dropped */
	NETCHECK_TLS,      /* handshake or certificate verification failed */
	NETCHECK_AUTH,     /* HTTP 401 or 403 */
	NETCHECK_HTTP,     /* another HTTP status, or no valid HTTP answer */
	NETCHECK_CATEGORY_COUNT,
};

struct netcheck_endpoint {
	const char *host;    /* for a TCP (and TLS) probe */
	int port;
	int tls;             /* also do a TLS handshake with verification */
	const char *url;     /* when set: an HTTPS GET of url instead (TSBaaS versionInfo) */
	const char *bearer;  /* with url: the JWT, a secmem string; sent only as "Authorization: Bearer" */
};

#define NETCHECK_LABEL_MAX 300
#define NETCHECK_DETAIL_MAX 256

struct netcheck_result {
	enum netcheck_category category;
	long latency_ms;     /* time to the answer (connect, handshake or response), or to the failure */
	long http_status;    /* 0 when no HTTP answer */
	char label[NETCHECK_LABEL_MAX];    /* "host:port" or the URL */
	char detail[NETCHECK_DETAIL_MAX];  /* libcurl's message, or "HTTP 404"; never a secret */
};

struct netcheck_opts {
	long timeout_ms;     /* per endpoint, for the whole probe; 0: 5000 */
	const char *cacert;  /* --cacert FILE, or NULL for the system's CAs */
	/* Polled about every 100 ms; nonzero cancels the remaining probes (reported as timeout). */
	int (*cancel)(void *ctx);
	void *cancel_ctx;
};

/* Probes every endpoint concurrently and fills r[0..n-1]. Returns EX_OK when the probes ran (whatever
 * their results), or an error (EX_SOFTWARE, EX_OSERR) when libcurl could not be set up. */
int netcheck_run(const struct netcheck_endpoint *e, size_t n, const struct netcheck_opts *o,
                 struct netcheck_result *r, struct diag *d);

/* 1 when every result is ok. */
int netcheck_all_ok(const struct netcheck_result *r, size_t n);

/* "ok", "dns", "refused", "timeout", "tls", "auth", "http": stable names for JSON, state.json and
 * scripts (never translated). */
const char *netcheck_category_name(enum netcheck_category c);
/* What to do about a category, translated; port is named in the timeout hint. "" for ok. */
void netcheck_hint(enum netcheck_category c, int port, char *buf, size_t size);

/* Parses HOST:PORT (or [IPv6]:PORT). host is malloc'd. EX_USAGE with a message on a bad value. */
int netcheck_parse_endpoint(const char *s, char **host, int *port, struct diag *d);
/* {api_endpoint}/v1/versionInfo, tolerating a trailing '/' or '/v1'. EX_USAGE unless https://. */
int netcheck_version_url(const char *api_endpoint, char *buf, size_t size, struct diag *d);

/* Copies results into the state's check list (state_set_checks), for status and the ticket. */
void netcheck_store(struct state *st, const struct netcheck_result *r, size_t n, time_t at);

#endif
