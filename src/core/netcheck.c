/* netcheck.c: concurrent endpoint probes with libcurl's multi interface (see netcheck.h).
 *
 * libcurl already does what a hand-written prober would: an asynchronous resolver, non-blocking
 * connects across every address (happy eyeballs), TLS with verification, and proxies from the
 * environment. CURLOPT_CONNECT_ONLY stops a probe after the TCP connect (http://) or after the TLS
 * handshake (https://), so nothing is sent to an HSM port. */
#include "config.h"

#include "clusters.h"
#include "i18n.h"
#include "netcheck.h"
#include "netlib.h"
#include "secmem.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#define NETCHECK_DEFAULT_TIMEOUT_MS 5000L
#define NETCHECK_BODY_MAX (64 * 1024)

struct netcheck_probe {
	CURL *easy;
	const struct netcheck_endpoint *e;
	struct netcheck_result *r;
	char errbuf[CURL_ERROR_SIZE];
	char url[NETCHECK_LABEL_MAX + 16];
	/* The Authorization header lives in the secure heap: a hand-built list node points at it, since
	 * curl_slist_append would copy the token into ordinary heap. libcurl does not copy the list. */
	struct curl_slist auth;
	char *auth_line;
	size_t body;
	char head[256]; /* the body's first bytes, to tell a refused client certificate */
	size_t head_len;
	int done;
};

const char *netcheck_category_name(enum netcheck_category c)
{
	static const char *const names[] = {"ok", "dns", "refused", "timeout", "tls", "auth", "http"};
	if ((int)c < 0 || c >= NETCHECK_CATEGORY_COUNT)
		return "unknown";
	return names[c];
}

void netcheck_hint(enum netcheck_category c, int port, char *buf, size_t size)
{
	switch (c) {
	case NETCHECK_OK:
	case NETCHECK_CATEGORY_COUNT: snprintf(buf, size, "%s", ""); break;
	case NETCHECK_DNS:
		snprintf(buf, size, "%s", _("the name does not resolve: check the host name and your DNS"));
		break;
	case NETCHECK_REFUSED:
		snprintf(buf, size, "%s", _("the connection was refused: a wrong host or port?"));
		break;
	case NETCHECK_TIMEOUT:
		/* The IP allow-list guards the native APIs only, not TSB and REST; it is set through the
		 * Service Order Form or by support (doc/securosys-facts.md, section "Connectivity and
		 * network checks"). */
		if (clusters_port_api(port) != API_UNKNOWN && clusters_port_api(port) != API_REST)
			snprintf(buf, size,
			         _("the traffic is dropped: check status.cloudshsm.com for outages; is this machine's "
			           "public IP on the partition's IP allow-list (set through the Service Order Form or "
			           "by support), and does your firewall allow outbound port %d?"),
			         port);
		else
			snprintf(buf, size,
			         _("the traffic is dropped: check status.cloudshsm.com for outages, and that your "
			           "firewall allows outbound port %d"),
			         port);
		break;
	case NETCHECK_TLS:
		snprintf(
		    buf, size, "%s",
		    _("the TLS handshake failed: a CA problem (try --cacert FILE) or TLS interception by a proxy"));
		break;
	case NETCHECK_AUTH:
		snprintf(buf, size, "%s",
		         _("the server refused the JWT: it is wrong, expired or revoked; ask Securosys support"));
		break;
	case NETCHECK_HTTP:
		snprintf(buf, size, "%s", _("the server answered, but not as expected: check the API endpoint URL"));
		break;
	}
}

void netcheck_result_hint(const struct netcheck_endpoint *e, const struct netcheck_result *r, char *buf,
                          size_t size)
{
	int port = e->url ? clusters_api_port(API_REST) : e->port;
	if (r->category == NETCHECK_AUTH && r->mtls && !e->cert)
		snprintf(buf, size, "%s",
		         _("the server requires a client certificate (mutual TLS, as a dedicated TSBaaS does): give "
		           "--cert FILE --key FILE, the certificate whose trust Securosys support set up"));
	else if (r->category == NETCHECK_AUTH && e->cert)
		snprintf(buf, size, "%s",
		         _("the server refused the client certificate (mutual TLS): is it the one whose trust "
		           "Securosys support set up, signed by the CA you sent them, and still valid?"));
	else if (r->category == NETCHECK_TLS && r->mtls)
		snprintf(buf, size, "%s",
		         _("the client certificate or key could not be used: both must be PEM, the key must belong "
		           "to the certificate and must not be encrypted"));
	else
		netcheck_hint(r->category, port, buf, size);
}

/* ssh's rule for a private key (doc/DESIGN.md, "Secrets"): the file holds a secret, so nobody else
 * may be able to read or replace it. */
int netcheck_client_key_check(const char *path, struct diag *d)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return diag_set_errno(d, EX_NOINPUT, _("%s: cannot use the client key"), path);
	if (!S_ISREG(st.st_mode))
		return diag_set(d, EX_NOPERM, _("%s: the client key is not a regular file"), path);
	if (st.st_uid != geteuid())
		return diag_set(d, EX_NOPERM,
		                _("%s: the client key is owned by uid %u, not by you (uid %u); it is refused"), path,
		                (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & 077)
		return diag_set(d, EX_NOPERM,
		                _("%s: permissions %04o are too open: the client key holds a secret and must be "
		                  "accessible by you only; it is refused. Run: chmod 600 '%s'"),
		                path, (unsigned)(st.st_mode & 07777), path);
	if (access(path, R_OK) != 0)
		return diag_set_errno(d, EX_NOINPUT, _("%s: cannot read the client key"), path);
	return EX_OK;
}

int netcheck_client_cert_check(const char *path, struct diag *d)
{
	struct stat st;
	if (stat(path, &st) != 0 || access(path, R_OK) != 0)
		return diag_set_errno(d, EX_NOINPUT, _("%s: cannot read the client certificate"), path);
	return S_ISREG(st.st_mode)
	           ? EX_OK
	           : diag_set(d, EX_NOINPUT, _("%s: the client certificate is not a regular file"), path);
}

int netcheck_all_ok(const struct netcheck_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].category != NETCHECK_OK)
			return 0;
	return 1;
}

int netcheck_parse_endpoint(const char *s, char **host, int *port, struct diag *d)
{
	const char *colon;
	const char *h = s;
	size_t hlen;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return diag_set(d, EX_USAGE, _("'%s' is not HOST:PORT ([IPv6]:PORT for an IPv6 address)"), s);
		h = s + 1;
		hlen = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || strchr(s, ':') != colon)
			return diag_set(d, EX_USAGE, _("'%s' is not HOST:PORT ([IPv6]:PORT for an IPv6 address)"), s);
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen > 253)
		return diag_set(d, EX_USAGE, _("'%s': the host is empty or too long"), s);
	for (size_t i = 0; i < hlen; i++) {
		char c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '.' || c == ':'))
			return diag_set(d, EX_USAGE, _("'%s': the host may hold only letters, digits, '-', '.' and ':'"),
			                s);
	}
	char *end;
	errno = 0;
	long p = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno || p < 1 || p > 65535)
		return diag_set(d, EX_USAGE, _("'%s': the port must be a number from 1 to 65535"), s);
	*host = strndup(h, hlen);
	if (!*host)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	*port = (int)p;
	return EX_OK;
}

int netcheck_api_base(const char *api_endpoint, char *buf, size_t size, struct diag *d)
{
	/* The URL is not quoted in the error: it may hold credentials (below). */
	if (strncmp(api_endpoint, "https://", 8) != 0 || api_endpoint[8] == '\0' || api_endpoint[8] == '/')
		return diag_set(d, EX_USAGE, "%s", _("the API endpoint is not an https:// URL"));
	/* Userinfo ("user:password@") and the query or fragment ("?token=...") may hold credentials: the
	 * URL is stored in state.json and printed in the ticket, so both are dropped (the JWT is the
	 * authentication). */
	const char *host = api_endpoint + 8;
	size_t alen = strcspn(host, "/?#");
	for (size_t i = alen; i > 0; i--)
		if (host[i - 1] == '@') {
			host += i;
			alen -= i;
			break;
		}
	if (alen == 0)
		return diag_set(d, EX_USAGE, "%s", _("the API endpoint is not an https:// URL"));
	/* The connectivity page gives it as https://HOST/v1/; every client adds /v1/ itself. */
	const char *path = host + alen;
	size_t n = strcspn(path, "?#");
	while (n > 0 && path[n - 1] == '/')
		n--;
	if (n >= 3 && strncmp(path + n - 3, "/v1", 3) == 0)
		n -= 3;
	while (n > 0 && path[n - 1] == '/')
		n--;
	int w = snprintf(buf, size, "https://%.*s%.*s", (int)alen, host, (int)n, path);
	if (w < 0 || (size_t)w >= size)
		return diag_set(d, EX_USAGE, "%s", _("the API endpoint URL is too long"));
	return EX_OK;
}

int netcheck_version_url(const char *api_endpoint, char *buf, size_t size, struct diag *d)
{
	char base[2048];
	int rc = netcheck_api_base(api_endpoint, base, sizeof base, d);
	if (rc != EX_OK)
		return rc;
	int w = snprintf(buf, size, "%s/v1/versionInfo", base);
	if (w < 0 || (size_t)w >= size)
		return diag_set(d, EX_USAGE, "%s", _("the API endpoint URL is too long"));
	return EX_OK;
}

static size_t netcheck_discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct netcheck_probe *p = userdata;
	size_t n = size * nmemb;
	size_t room = sizeof p->head - 1 - p->head_len;
	size_t keep = n < room ? n : room;
	memcpy(p->head + p->head_len, ptr, keep);
	p->head_len += keep;
	p->head[p->head_len] = '\0';
	p->body += n;
	/* versionInfo is a few hundred bytes; anything much larger is not the server we want. */
	return p->body > NETCHECK_BODY_MAX ? 0 : n;
}

static long netcheck_ms(CURL *e, CURLINFO info)
{
	curl_off_t us = 0;
	if (netlib_getinfo_off(e, info, &us) != CURLE_OK)
		return 0;
	return (long)(us / 1000);
}

static int netcheck_setup(struct netcheck_probe *p, const struct netcheck_opts *o, long timeout_ms,
                          struct diag *d)
{
	const struct netcheck_endpoint *e = p->e;
	struct netcheck_result *r = p->r;
	if (e->url) {
		snprintf(r->label, sizeof r->label, "%s", e->url);
		snprintf(p->url, sizeof p->url, "%s", e->url);
	} else if (strchr(e->host, ':')) {
		snprintf(r->label, sizeof r->label, "[%s]:%d", e->host, e->port);
		snprintf(p->url, sizeof p->url, "%s://[%s]:%d/", e->tls ? "https" : "http", e->host, e->port);
	} else {
		snprintf(r->label, sizeof r->label, "%s:%d", e->host, e->port);
		snprintf(p->url, sizeof p->url, "%s://%s:%d/", e->tls ? "https" : "http", e->host, e->port);
	}
	CURL *c = p->easy = netlib_easy_init();
	if (!c)
		return diag_set(d, EX_SOFTWARE, "%s", _("libcurl could not be initialised"));
	netlib_setopt_ptr(c, CURLOPT_URL, p->url);
	netlib_setopt_ptr(c, CURLOPT_ERRORBUFFER, p->errbuf);
	netlib_tls_defaults(c, o->cacert);
	netlib_setopt_long(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	netlib_setopt_long(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	netlib_setopt_long(c, CURLOPT_FOLLOWLOCATION, 0L);
	netlib_setopt_ptr(c, CURLOPT_PRIVATE, p);
	if (e->url) {
		netlib_setopt_ptr(c, CURLOPT_PROTOCOLS_STR, "https");
		netlib_setopt_write(c, CURLOPT_WRITEFUNCTION, netcheck_discard);
		netlib_setopt_ptr(c, CURLOPT_WRITEDATA, p);
		if (e->bearer) {
			static const char prefix[] = "Authorization: Bearer ";
			size_t n = strlen(prefix) + strlen(e->bearer);
			p->auth_line = secmem_alloc(n);
			if (!p->auth_line)
				return diag_set(d, EX_OSERR, "%s", _("out of memory"));
			snprintf(p->auth_line, n + 1, "%s%s", prefix, e->bearer);
			p->auth.data = p->auth_line;
			p->auth.next = NULL;
			netlib_setopt_ptr(c, CURLOPT_HTTPHEADER, &p->auth);
			/* Never hand the token to a proxy in its CONNECT request. */
			netlib_setopt_long(c, CURLOPT_HEADEROPT, (long)CURLHEADER_SEPARATE);
		}
		if (e->cert) {
			netlib_setopt_ptr(c, CURLOPT_SSLCERT, e->cert);
			if (e->key)
				netlib_setopt_ptr(c, CURLOPT_SSLKEY, e->key);
			/* An encrypted key would make OpenSSL prompt on the terminal in the middle of the
			 * probes; with an empty key password it is refused as a certificate problem instead. */
			netlib_setopt_ptr(c, CURLOPT_KEYPASSWD, "");
		}
	} else {
		netlib_setopt_ptr(c, CURLOPT_PROTOCOLS_STR, "http,https");
		netlib_setopt_long(c, CURLOPT_CONNECT_ONLY, 1L);
		/* The HSM protocols (JCE, PKCS#11, CNG) connect directly, never through an HTTP proxy, so a
		 * proxy must not hide what the provider will see. TLS probes of 443 do honour the proxy. */
		if (!e->tls)
			netlib_setopt_ptr(c, CURLOPT_NOPROXY, "*");
	}
	return EX_OK;
}

/* The TLS alerts a server sends about the client's certificate (OpenSSL's wording, as libcurl passes
 * it on): none was sent though it is required (TLS 1.3), or it was not trusted. */
static int netcheck_client_cert_alert(const char *msg)
{
	static const char *const alerts[] = {"certificate required",      "alert bad certificate",
	                                     "alert unknown ca",          "alert certificate unknown",
	                                     "alert certificate revoked", "alert certificate expired",
	                                     "alert access denied"};
	for (size_t i = 0; i < sizeof alerts / sizeof alerts[0]; i++)
		if (strstr(msg, alerts[i]))
			return 1;
	return 0;
}

static enum netcheck_category netcheck_classify(struct netcheck_probe *p, CURLcode res, long timeout_ms)
{
	CURL *c = p->easy;
	struct netcheck_result *r = p->r;
	const char *msg = p->errbuf[0] ? p->errbuf : netlib_easy_strerror(res);
	snprintf(r->detail, sizeof r->detail, "%s", msg);
	/* A server that requires mutual TLS ends the handshake (or the first read, in TLS 1.3) with an
	 * alert: the request was refused for its authentication, as a 401 would be. */
	if (res != CURLE_OK && p->e->url && netcheck_client_cert_alert(msg)) {
		r->mtls = 1;
		return NETCHECK_AUTH;
	}
	if (res == CURLE_SSL_CERTPROBLEM && p->e->cert) {
		r->mtls = 1;
		return NETCHECK_TLS;
	}
	switch (res) {
	case CURLE_OK: break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY: return NETCHECK_DNS;
	case CURLE_OPERATION_TIMEDOUT:
		/* libcurl says which phase timed out; a resolver that never answers is a DNS problem. */
		if (strncmp(msg, "Resolving timed out", 19) == 0)
			return NETCHECK_DNS;
		return NETCHECK_TIMEOUT;
	case CURLE_COULDNT_CONNECT: {
		/* A refusal (RST) or an ICMP unreachable is an answer; a connect that ran into the timeout
		 * without one means the SYN was dropped. libcurl reports the latter with ETIMEDOUT, or with
		 * no errno when its own connect timer fired first. */
		long os = 0;
		netlib_getinfo_long(c, CURLINFO_OS_ERRNO, &os);
		if (os == ECONNREFUSED || os == EHOSTUNREACH || os == ENETUNREACH || os == EACCES || os == EPERM)
			return NETCHECK_REFUSED;
		if (os == ETIMEDOUT || strstr(msg, "imed out") || strstr(msg, "Timeout") ||
		    netcheck_ms(c, CURLINFO_TOTAL_TIME_T) >= timeout_ms * 9 / 10)
			return NETCHECK_TIMEOUT;
		return NETCHECK_REFUSED;
	}
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_USE_SSL_FAILED: return NETCHECK_TLS;
	default:
		/* Anything else happened after the connect: a TLS endpoint that broke off the handshake, or
		 * a server that does not speak HTTP as expected. */
		if ((p->e->tls || p->e->url) && netcheck_ms(c, CURLINFO_APPCONNECT_TIME_T) == 0)
			return NETCHECK_TLS;
		return p->e->url ? NETCHECK_HTTP : NETCHECK_REFUSED;
	}
	if (!p->e->url) {
		r->detail[0] = '\0';
		return NETCHECK_OK;
	}
	long status = 0;
	netlib_getinfo_long(c, CURLINFO_RESPONSE_CODE, &status);
	r->http_status = status;
	snprintf(r->detail, sizeof r->detail, "HTTP %ld", status);
	if (status >= 200 && status < 300)
		return NETCHECK_OK;
	if (status == 401 || status == 403)
		return NETCHECK_AUTH;
	/* nginx finishes the handshake without a (valid) client certificate and answers 400 "No required
	 * SSL certificate was sent" or "The SSL certificate error". */
	if (status == 400 && strstr(p->head, "SSL certificate")) {
		r->mtls = 1;
		return NETCHECK_AUTH;
	}
	return NETCHECK_HTTP;
}

static long netcheck_latency(struct netcheck_probe *p, enum netcheck_category cat)
{
	CURL *c = p->easy;
	if (cat == NETCHECK_OK && !p->e->url) {
		long t = netcheck_ms(c, p->e->tls ? CURLINFO_APPCONNECT_TIME_T : CURLINFO_CONNECT_TIME_T);
		if (t > 0)
			return t;
	}
	return netcheck_ms(c, CURLINFO_TOTAL_TIME_T);
}

static long netcheck_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int netcheck_run(const struct netcheck_endpoint *e, size_t n, const struct netcheck_opts *o,
                 struct netcheck_result *r, struct diag *d)
{
	static const struct netcheck_opts defaults = {0};
	if (!o)
		o = &defaults;
	long timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : NETCHECK_DEFAULT_TIMEOUT_MS;
	if (n == 0)
		return EX_OK;
	int lrc = netlib_load(d);
	if (lrc != EX_OK)
		return lrc;
	struct netcheck_probe *probes = calloc(n, sizeof *probes);
	CURLM *multi = netlib_multi_init();
	int rc = EX_OK;
	if (!probes || !multi) {
		rc = diag_set(d, EX_OSERR, "%s", _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof r[i]);
		probes[i].e = &e[i];
		probes[i].r = &r[i];
		if ((rc = netcheck_setup(&probes[i], o, timeout_ms, d)) != EX_OK)
			goto out;
		netlib_multi_add_handle(multi, probes[i].easy);
	}

	/* Each probe has its own libcurl timeouts; the deadline is only a guard against a stuck resolver
	 * thread, so the whole check never takes much longer than one timeout. */
	long deadline = netcheck_now_ms() + timeout_ms + 1000;
	size_t remaining = n;
	int cancelled = 0;
	while (remaining > 0) {
		int running = 0;
		netlib_multi_perform(multi, &running);
		CURLMsg *m;
		int left;
		while ((m = netlib_multi_info_read(multi, &left))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			char *priv = NULL;
			netlib_getinfo_str(m->easy_handle, CURLINFO_PRIVATE, &priv);
			struct netcheck_probe *p = (void *)priv;
			if (!p || p->done)
				continue;
			enum netcheck_category cat = netcheck_classify(p, m->data.result, timeout_ms);
			p->r->category = cat;
			p->r->latency_ms = netcheck_latency(p, cat);
			p->done = 1;
			remaining--;
		}
		if (remaining == 0)
			break;
		if (o->cancel && o->cancel(o->cancel_ctx)) {
			cancelled = 1;
			break;
		}
		if (netcheck_now_ms() > deadline)
			break;
		netlib_multi_poll(multi, NULL, 0, 100, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		if (probes[i].done)
			continue;
		r[i].category = NETCHECK_TIMEOUT;
		r[i].latency_ms = netcheck_ms(probes[i].easy, CURLINFO_TOTAL_TIME_T);
		snprintf(r[i].detail, sizeof r[i].detail, "%s",
		         cancelled ? _("cancelled") : _("no answer within the timeout"));
	}
out:
	if (probes) {
		for (size_t i = 0; i < n; i++) {
			if (probes[i].easy) {
				if (multi)
					netlib_multi_remove_handle(multi, probes[i].easy);
				netlib_easy_cleanup(probes[i].easy);
			}
			secmem_free(probes[i].auth_line);
		}
		free(probes);
	}
	if (multi)
		netlib_multi_cleanup(multi);
	return rc;
}

void netcheck_store(struct state *st, const struct netcheck_result *r, size_t n, time_t at)
{
	struct state_check *c = calloc(n ? n : 1, sizeof *c);
	if (!c)
		return;
	for (size_t i = 0; i < n; i++) {
		/* state_set_checks copies; the casts only drop const for the struct's plain char *. */
		c[i].endpoint = (char *)(uintptr_t)r[i].label;
		c[i].category = (char *)(uintptr_t)netcheck_category_name(r[i].category);
		c[i].latency_ms = r[i].latency_ms;
	}
	state_set_checks(st, c, n, at);
	free(c);
	size_t ok = 0;
	for (size_t i = 0; i < n; i++)
		ok += r[i].category == NETCHECK_OK;
	char detail[64];
	snprintf(detail, sizeof detail, "%zu/%zu ok", ok, n);
	state_add_event(st, "checked", detail);
}

int netcheck_cluster_endpoints(const char *name, enum state_api api, int tls, struct netcheck_cluster *c,
                               struct diag *d)
{
	memset(c, 0, sizeof *c);
	struct cluster_table t;
	int rc = clusters_load(NULL, &t, d);
	if (rc != EX_OK)
		return rc;
	const struct cluster *cl = clusters_find(&t, name);
	if (!cl) {
		rc = diag_set(d, EX_USAGE, _("unknown cluster '%s' (see 'hsm-onboard clusters')"), name);
	} else {
		snprintf(c->name, sizeof c->name, "%s", cl->name);
		c->port = clusters_table_port(&t, api);
		char rest[256];
		int rest_done = 0;
		/* REST lives on rest-api (sbx-rest-api for SBX01), not on the cluster's chNN-api hosts
		 * (doc/securosys-facts.md, section "Connectivity and network checks"). */
		if (api == API_REST && clusters_rest_host(cl, rest, sizeof rest) == 0) {
			c->hosts[0] = strdup(rest);
			if (!c->hosts[0])
				rc = diag_set(d, EX_OSERR, "%s", _("out of memory"));
			else {
				c->e[0] = (struct netcheck_endpoint){.host = c->hosts[0], .port = c->port, .tls = 1};
				c->n = 1;
			}
			rest_done = 1;
		}
		for (size_t i = 0; !rest_done && rc == EX_OK && i < cl->n_hosts && i < CLUSTERS_MAX_HOSTS; i++) {
			c->hosts[i] = strdup(cl->hosts[i]);
			if (!c->hosts[i]) {
				rc = diag_set(d, EX_OSERR, "%s", _("out of memory"));
				break;
			}
			c->e[i] = (struct netcheck_endpoint){.host = c->hosts[i],
			                                     .port = c->port,
			                                     .tls = tls || clusters_port_api(c->port) == API_REST};
			c->n++;
		}
	}
	clusters_free(&t);
	return rc;
}

void netcheck_cluster_free(struct netcheck_cluster *c)
{
	for (size_t i = 0; i < CLUSTERS_MAX_HOSTS; i++)
		free(c->hosts[i]);
	memset(c, 0, sizeof *c);
}
