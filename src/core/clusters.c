/* clusters.c: the cluster table in data/clusters.conf (libconfig syntax, which we already link for
 * primus.cfg). The file is data, not code, so a changed host list needs no rebuild; every error names
 * the file and the line, since a support engineer may edit it by hand. */
#include "config.h"

#include "clusters.h"
#include "paths.h"

#include "cfglib.h"
#include "fsutil.h"
#include "i18n.h"
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#define CLUSTERS_MAX_FILE (256 * 1024)

const char *clusters_default_path(void)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/clusters.conf", paths_pkgdatadir());
	return path;
}

int clusters_api_port(enum state_api api)
{
	switch (api) {
	case API_JCE: return 2300;
	case API_PKCS11: return 2310;
	case API_CNG: return 2320;
	case API_REST: return 443;
	case API_UNKNOWN: break;
	}
	return 0;
}

enum state_api clusters_port_api(int port)
{
	for (int api = API_PKCS11; api <= API_REST; api++)
		if (port > 0 && clusters_api_port((enum state_api)api) == port)
			return (enum state_api)api;
	return API_UNKNOWN;
}

int clusters_table_port(const struct cluster_table *t, enum state_api api)
{
	/* A profile that never chose an API is onboarding PKCS#11, the API every tier includes. */
	if (api == API_UNKNOWN)
		api = API_PKCS11;
	if (t && api > API_UNKNOWN && api <= API_REST && t->ports[api] > 0)
		return t->ports[api];
	return clusters_api_port(api);
}

/* Host names as DNS allows them (letters, digits, '-', '.'); nothing that could smuggle a port, a
 * path or a shell character into a provider configuration. */
static int clusters_host_valid(const char *h)
{
	size_t n = strlen(h);
	if (n == 0 || n > 253 || h[0] == '-' || h[0] == '.')
		return 0;
	for (const char *p = h; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '.'))
			return 0;
	return 1;
}

static int clusters_name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return 0;
	return 1;
}

static int clusters_err(struct diag *d, const char *file, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int clusters_err(struct diag *d, const char *file, const config_setting_t *s, const char *fmt, ...)
{
	unsigned line = s ? config_setting_source_line(s) : 0;
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (line)
		return diag_set(d, EX_DATAERR, "%s:%u: %s", file, line, text);
	return diag_set(d, EX_DATAERR, "%s: %s", file, text);
}

static char *clusters_dup(const char *s)
{
	char *r = strdup(s);
	if (!r) {
		fputs("out of memory\n", stderr);
		abort();
	}
	return r;
}

/* A required string member of group g. */
static const char *clusters_string(struct diag *d, const char *file, const config_setting_t *g,
                                   const char *key, int *rc)
{
	const config_setting_t *s = cfglib_config_setting_get_member(g, key);
	if (!s) {
		*rc = clusters_err(d, file, g, _("the cluster has no '%s'"), key);
		return NULL;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		*rc = clusters_err(d, file, s, _("'%s' must be a string in double quotes"), key);
		return NULL;
	}
	return cfglib_config_setting_get_string(s);
}

static int clusters_parse_one(const char *file, const config_setting_t *g, struct cluster *c, struct diag *d)
{
	int rc = EX_OK;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return clusters_err(d, file, g, "%s", _("each cluster must be a group: { name = ...; ... }"));
	const char *name = clusters_string(d, file, g, "name", &rc);
	const char *desc = name ? clusters_string(d, file, g, "description", &rc) : NULL;
	const char *master = desc ? clusters_string(d, file, g, "master", &rc) : NULL;
	const char *rest = master ? clusters_string(d, file, g, "rest", &rc) : NULL;
	if (!rest)
		return rc;
	if (!clusters_name_valid(name))
		return clusters_err(d, file, cfglib_config_setting_get_member(g, "name"),
		                    _("'%s' is not a cluster name (letters, digits, '-' and '_')"), name);
	if (!clusters_host_valid(master))
		return clusters_err(d, file, cfglib_config_setting_get_member(g, "master"),
		                    _("'%s' is not a host name"), master);
	if (strncmp(rest, "https://", 8) != 0 || !rest[8])
		return clusters_err(d, file, cfglib_config_setting_get_member(g, "rest"),
		                    _("'%s' is not an https:// URL"), rest);
	c->name = clusters_dup(name);
	c->description = clusters_dup(desc);
	c->rest = clusters_dup(rest);
	c->hosts[0] = clusters_dup(master);
	c->n_hosts = 1;

	const config_setting_t *clones = cfglib_config_setting_get_member(g, "clones");
	if (!clones)
		return EX_OK;
	int type = config_setting_type(clones);
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return clusters_err(d, file, clones, "%s",
		                    _("'clones' must be a list of host names: [ \"a\", \"b\" ]"));
	int n = cfglib_config_setting_length(clones);
	for (int i = 0; i < n; i++) {
		const config_setting_t *h = cfglib_config_setting_get_elem(clones, (unsigned)i);
		if (config_setting_type(h) != CONFIG_TYPE_STRING)
			return clusters_err(d, file, h ? h : clones, "%s",
			                    _("a clone must be a host name in double quotes"));
		const char *host = cfglib_config_setting_get_string(h);
		if (!clusters_host_valid(host))
			return clusters_err(d, file, h, _("'%s' is not a host name"), host);
		if (c->n_hosts >= CLUSTERS_MAX_HOSTS)
			return clusters_err(d, file, h, _("more than %d hosts in one cluster"), CLUSTERS_MAX_HOSTS);
		c->hosts[c->n_hosts++] = clusters_dup(host);
	}
	return EX_OK;
}

static int clusters_parse_ports(const char *file, const config_t *cfg, struct cluster_table *t,
                                struct diag *d)
{
	static const struct {
		const char *key;
		enum state_api api;
	} keys[] = {{"jce", API_JCE}, {"pkcs11", API_PKCS11}, {"cng", API_CNG}, {"rest", API_REST}};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		t->ports[keys[i].api] = clusters_api_port(keys[i].api);
	const config_setting_t *ports = cfglib_config_lookup(cfg, "ports");
	if (!ports)
		return EX_OK;
	if (config_setting_type(ports) != CONFIG_TYPE_GROUP)
		return clusters_err(d, file, ports, "%s", _("'ports' must be a group: { pkcs11 = 2310; ... }"));
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const config_setting_t *s = cfglib_config_setting_get_member(ports, keys[i].key);
		if (!s)
			continue;
		int v = config_setting_type(s) == CONFIG_TYPE_INT ? cfglib_config_setting_get_int(s) : -1;
		if (v < 1 || v > 65535)
			return clusters_err(d, file, s, _("the port of '%s' must be a number from 1 to 65535"),
			                    keys[i].key);
		t->ports[keys[i].api] = v;
	}
	return EX_OK;
}

int clusters_parse(const char *text, size_t len, const char *display_name, struct cluster_table *t,
                   struct diag *d)
{
	memset(t, 0, sizeof *t);
	const char *file = display_name ? display_name : "clusters.conf";
	/* libconfig reads NUL-terminated text: an embedded NUL would silently hide the rest. */
	if (memchr(text, '\0', len))
		return diag_set(d, EX_DATAERR, _("%s: the file contains a NUL byte"), file);
	int lrc = cfglib_load(d);
	if (lrc != EX_OK)
		return lrc;
	char *copy = malloc(len + 1);
	if (!copy)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	memcpy(copy, text, len);
	copy[len] = '\0';

	config_t cfg;
	cfglib_config_init(&cfg);
	int rc = EX_OK;
	if (cfglib_config_read_string(&cfg, copy) != CONFIG_TRUE) {
		rc = diag_set(d, EX_DATAERR, "%s:%d: %s", file, config_error_line(&cfg),
		              config_error_text(&cfg) ? config_error_text(&cfg) : _("syntax error"));
		goto out;
	}
	const char *as_of = NULL;
	if (cfglib_config_lookup_string(&cfg, "as_of", &as_of) != CONFIG_TRUE) {
		rc = diag_set(d, EX_DATAERR,
		              _("%s: 'as_of' (the date of the Securosys page, \"YYYY-MM-DD\") is missing"), file);
		goto out;
	}
	if ((rc = clusters_parse_ports(file, &cfg, t, d)) != EX_OK)
		goto out;
	const config_setting_t *list = cfglib_config_lookup(&cfg, "clusters");
	if (!list) {
		rc = diag_set(d, EX_DATAERR, _("%s: 'clusters' is missing"), file);
		goto out;
	}
	if (config_setting_type(list) != CONFIG_TYPE_LIST) {
		rc = clusters_err(d, file, list, "%s", _("'clusters' must be a list: ( { ... }, { ... } )"));
		goto out;
	}
	int n = cfglib_config_setting_length(list);
	t->as_of = clusters_dup(as_of);
	t->source = clusters_dup(file);
	t->clusters = calloc(n > 0 ? (size_t)n : 1, sizeof *t->clusters);
	if (!t->clusters) {
		rc = diag_set(d, EX_OSERR, "%s", _("out of memory"));
		goto out;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = cfglib_config_setting_get_elem(list, (unsigned)i);
		struct cluster *c = &t->clusters[t->n];
		t->n++; /* counted first, so clusters_free releases a half-filled entry */
		if ((rc = clusters_parse_one(file, g, c, d)) != EX_OK)
			goto out;
		for (size_t k = 0; k + 1 < t->n; k++)
			if (strcmp(t->clusters[k].name, c->name) == 0) {
				rc = clusters_err(d, file, g, _("cluster '%s' is listed twice"), c->name);
				goto out;
			}
	}
out:
	cfglib_config_destroy(&cfg);
	free(copy);
	if (rc != EX_OK)
		clusters_free(t);
	return rc;
}

int clusters_load(const char *path, struct cluster_table *t, struct diag *d)
{
	memset(t, 0, sizeof *t);
	if (!path)
		path = clusters_default_path();
	char *buf = NULL;
	size_t len = 0;
	int rc = fsutil_read_bounded(path, CLUSTERS_MAX_FILE, 0, &buf, &len, d);
	if (rc != EX_OK)
		return rc;
	rc = clusters_parse(buf, len, path, t, d);
	free(buf);
	return rc;
}

void clusters_free(struct cluster_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		struct cluster *c = &t->clusters[i];
		free(c->name);
		free(c->description);
		free(c->rest);
		for (size_t k = 0; k < c->n_hosts; k++)
			free(c->hosts[k]);
	}
	free(t->clusters);
	free(t->source);
	free(t->as_of);
	memset(t, 0, sizeof *t);
}

const struct cluster *clusters_find(const struct cluster_table *t, const char *name)
{
	if (!t || !name)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (strcasecmp(t->clusters[i].name, name) == 0)
			return &t->clusters[i];
	return NULL;
}

int clusters_rest_host(const struct cluster *c, char *buf, size_t size)
{
	if (!c || !c->rest || strncmp(c->rest, "https://", 8) != 0)
		return -1;
	const char *h = c->rest + 8;
	size_t n = strcspn(h, "/:?#");
	if (n == 0 || n >= size)
		return -1;
	memcpy(buf, h, n);
	buf[n] = '\0';
	return 0;
}

const char *clusters_tier_warning(int tier, const char *cluster)
{
	if (!cluster || !cluster[0])
		return NULL;
	if (tier == TIER_SBX && strcasecmp(cluster, "SBX01") != 0)
		return _("Sandbox partitions run on the SBX01 cluster: check the cluster in your Welcome ticket");
	if (tier == TIER_ECO_CC && strcasecmp(cluster, "CCM01") != 0 && strcasecmp(cluster, "CCMUS01") != 0)
		return _("ECO-CC partitions run on CCM01 or CCMUS01: check the cluster in your Welcome ticket");
	return NULL;
}
