/* netcheck.h: the cluster preflight. Most failed first connections are network problems (a
 * source IP not whitelisted, a firewall dropping 2310, a proxy intercepting TLS); this tells which one
 * before a setup-password attempt is burnt.
 *
 * Every endpoint is probed at once through libcurl's multi interface: DNS, a TCP connect, and a TLS
 * handshake where the endpoint speaks TLS, or for TSBaaS a GET of /v1/versionInfo with the JWT. So N
 * endpoints that all time out take about one timeout, not N. The CLI's check and the wizard's preflight
 * screen both take a cluster's endpoints from netcheck_cluster_endpoints, probe them with netcheck_run
 * and record the outcome with netcheck_store, so they do the same thing. */
#ifndef HSMO_NETCHECK_H
#define HSMO_NETCHECK_H

#include <stddef.h>

#include "clusters.h"
#include "diag.h"
#include "state.h"

enum netcheck_category {
	NETCHECK_OK = 0,
	NETCHECK_DNS,     /* the name does not resolve */
	NETCHECK_REFUSED, /* connection refused (or the network is unreachable) */
	NETCHECK_TIMEOUT, /* no answer: traffic dropped */
	NETCHECK_TLS,     /* handshake or certificate verification failed */
	NETCHECK_AUTH,    /* HTTP 401 or 403 */
	NETCHECK_HTTP,    /* another HTTP status, or no valid HTTP answer */
	NETCHECK_CATEGORY_COUNT,
};

struct netcheck_endpoint {
	const char *host; /* for a TCP (and TLS) probe */
	int port;
	int tls;            /* also do a TLS handshake with verification */
	const char *url;    /* when set: an HTTPS GET of url instead (TSBaaS versionInfo) */
	const char *bearer; /* with url: the JWT, a secmem string; sent only as "Authorization: Bearer" */
	/* With url: the client certificate and its key (PEM files; paths, never contents) for mutual TLS,
	 * how a dedicated TSBaaS authenticates (doc/securosys-facts.md, section "Order channels and
	 * tiers"). key NULL: the key is in the cert file. Check the key with netcheck_client_key_check. */
	const char *cert;
	const char *key;
};

#define NETCHECK_LABEL_MAX 300
#define NETCHECK_DETAIL_MAX 256

struct netcheck_result {
	enum netcheck_category category;
	long latency_ms;  /* time to the answer (connect, handshake or response), or to the failure */
	long http_status; /* 0 when no HTTP answer */
	/* The failure concerns mutual TLS: the server asked for a client certificate that was not sent
	 * or that it refused, or the certificate or key could not be loaded. netcheck_result_hint says
	 * which. */
	int mtls;
	char label[NETCHECK_LABEL_MAX];   /* "host:port" or the URL */
	char detail[NETCHECK_DETAIL_MAX]; /* libcurl's message, or "HTTP 404"; never a secret */
};

struct netcheck_opts {
	long timeout_ms;    /* per endpoint, for the whole probe; 0: 5000 */
	const char *cacert; /* --cacert FILE, or NULL for the system's CAs */
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

/* The hint for one result: netcheck_hint, except where the endpoint's authentication (a JWT, or mutual
 * TLS with or without a client certificate) decides what to do. */
void netcheck_result_hint(const struct netcheck_endpoint *e, const struct netcheck_result *r, char *buf,
                          size_t size);

/* Refuses a client key file as ssh refuses a private key: EX_NOINPUT when it is missing or unreadable,
 * EX_NOPERM naming the file when it is not a regular file, not owned by the user, or open to group or
 * others (with the chmod to run). The file's content is never read into a message. */
int netcheck_client_key_check(const char *path, struct diag *d);
/* A client certificate file: EX_NOINPUT when it is not a readable regular file. */
int netcheck_client_cert_check(const char *path, struct diag *d);

/* Parses HOST:PORT (or [IPv6]:PORT). host is malloc'd. EX_USAGE with a message on a bad value. */
int netcheck_parse_endpoint(const char *s, char **host, int *port, struct diag *d);
/* The REST API's base URL, the one form `check` and every target use: https://HOST[/PATH] without a
 * trailing '/' or '/v1' (the connectivity page writes https://HOST/v1/), and without userinfo, query or
 * fragment, which may hold credentials. EX_USAGE unless https://. */
int netcheck_api_base(const char *api_endpoint, char *buf, size_t size, struct diag *d);
/* netcheck_api_base's URL followed by /v1/versionInfo. */
int netcheck_version_url(const char *api_endpoint, char *buf, size_t size, struct diag *d);

/* Records a check in the profile's state, for status and the ticket: the results replace the check
 * list (state_set_checks), and a "checked" event says how many were ok. The caller saves the state. */
void netcheck_store(struct state *st, const struct netcheck_result *r, size_t n, time_t at);

/* A cluster of the table, as endpoints to probe: every host (master first) on the port of api (the
 * table's, PKCS#11 when api is unknown), with a TLS handshake on 443 or when tls is set. */
struct netcheck_cluster {
	char name[64]; /* the table's spelling of the name asked for */
	int port;
	size_t n;
	char *hosts[CLUSTERS_MAX_HOSTS]; /* owned copies, borrowed by e[] */
	struct netcheck_endpoint e[CLUSTERS_MAX_HOSTS];
};
/* Loads the cluster table and fills c. EX_USAGE naming the cluster when the table has none of that
 * name; the table's own error when it cannot be read. Free c with netcheck_cluster_free either way. */
int netcheck_cluster_endpoints(const char *name, enum state_api api, int tls, struct netcheck_cluster *c,
                               struct diag *d);
void netcheck_cluster_free(struct netcheck_cluster *c);

#endif
