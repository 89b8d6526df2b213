/* primus_cfg.c: primus.cfg in the documented layout (primus_cfg.h). */
#include "config.h"

#include "primus_cfg.h"

#include "cfglib.h"
#include "fsutil.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

/* The three global settings and their documented values (pkcs/Installation/
 * pkcs11_provider_configuration; doc/securosys-facts.md, section "Primus provider files"). */
#define PRIMUS_WAIT_DELAY 250
#define PRIMUS_WAIT_MAX_TRIES 5

static config_setting_t *pc_add(config_setting_t *parent, const char *name, int type)
{
	return parent ? cfglib_config_setting_add(parent, name, type) : NULL;
}

static void pc_add_string(config_setting_t *parent, const char *name, const char *value)
{
	config_setting_t *s = pc_add(parent, name, CONFIG_TYPE_STRING);
	if (s)
		cfglib_config_setting_set_string(s, value);
}

static void pc_add_int(config_setting_t *parent, const char *name, int value)
{
	config_setting_t *s = pc_add(parent, name, CONFIG_TYPE_INT);
	if (s)
		cfglib_config_setting_set_int(s, value);
}

/* Adds in's partition to hsms: a slotN with id on the hsmN of each of in's hosts (an existing hsmN of
 * that host and port, else a new one), so that redundant hosts share the slot id (doc/securosys-facts.md,
 * section "Several partitions"). */
static void pc_add_partition(config_setting_t *hsms, const struct primus_cfg_in *in, int id)
{
	char port[16];
	snprintf(port, sizeof port, "%d", in->port);
	for (size_t i = 0; hsms && i < in->n_hosts; i++) {
		config_setting_t *h = NULL;
		int n = cfglib_config_setting_length(hsms);
		for (int k = 0; k < n && !h; k++) {
			config_setting_t *c = cfglib_config_setting_get_elem(hsms, (unsigned)k);
			config_setting_t *ch = c ? cfglib_config_setting_get_member(c, "host") : NULL;
			config_setting_t *cp = c ? cfglib_config_setting_get_member(c, "port") : NULL;
			const char *hv = ch ? cfglib_config_setting_get_string(ch) : NULL;
			const char *pv = cp ? cfglib_config_setting_get_string(cp) : NULL;
			if (hv && pv && strcmp(hv, in->hosts[i]) == 0 && strcmp(pv, port) == 0)
				h = c;
		}
		char name[32];
		if (!h) {
			for (unsigned k = 0;; k++) {
				snprintf(name, sizeof name, "hsm%u", k);
				if (!cfglib_config_setting_get_member(hsms, name))
					break;
			}
			h = pc_add(hsms, name, CONFIG_TYPE_GROUP);
			pc_add_string(h, "host", in->hosts[i]);
			pc_add_string(h, "port", port);
		}
		config_setting_t *slots = h ? cfglib_config_setting_get_member(h, "slots") : NULL;
		if (!slots)
			slots = pc_add(h, "slots", CONFIG_TYPE_GROUP);
		for (unsigned k = 0;; k++) {
			snprintf(name, sizeof name, "slot%u", k);
			if (!slots || !cfglib_config_setting_get_member(slots, name))
				break;
		}
		config_setting_t *slot = pc_add(slots, name, CONFIG_TYPE_GROUP);
		pc_add_string(slot, "client_id", in->client_id);
		pc_add_string(slot, "user_name", in->user_name);
		if (in->proxy_user && in->proxy_user[0])
			pc_add_string(slot, "proxy_user", in->proxy_user);
		/* The PKCS#11 slot id: the same on every redundant host, another one per partition. */
		pc_add_int(slot, "id", id);
	}
}

/* The header names the partitions; then libconfig's own layout, so that a file written here and
 * merged again keeps every untouched entry byte for byte. */
static int pc_write(config_t *cfg, const char *users, char **text, size_t *len, struct diag *d)
{
	FILE *f = open_memstream(text, len);
	if (!f)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	fprintf(f,
	        "# Primus PKCS#11 configuration for %s, written by " PACKAGE_NAME ".\n"
	        "# Layout: docs.securosys.com, pkcs/Installation/pkcs11_provider_configuration.\n",
	        users);
	cfglib_config_write(cfg, f);
	if (fclose(f) != 0)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	return EX_OK;
}

static int pc_check_in(const struct primus_cfg_in *in, struct diag *d)
{
	if (!in->user_name || !in->user_name[0] || !in->client_id || in->n_hosts == 0 ||
	    in->n_hosts > PRIMUS_CFG_MAX_HSMS || in->slot_id < 0)
		return diag_set(d, EX_DATAERR, "%s", _("primus.cfg needs the HSM User Name and at least one host"));
	return cfglib_load(d);
}

int primus_cfg_render(const struct primus_cfg_in *in, char **text, size_t *len, struct diag *d)
{
	int rc = pc_check_in(in, d);
	if (rc != EX_OK)
		return rc;
	config_t cfg;
	cfglib_config_init(&cfg);
	config_setting_t *root = config_root_setting(&cfg);
	pc_add_string(root, "version", "1.0");
	config_setting_t *primus = pc_add(root, "primus", CONFIG_TYPE_GROUP);
	pc_add_int(primus, "wait_delay", PRIMUS_WAIT_DELAY);
	pc_add_int(primus, "wait_max_tries", PRIMUS_WAIT_MAX_TRIES);
	config_setting_t *s = pc_add(primus, "connect_on_init", CONFIG_TYPE_BOOL);
	if (s)
		cfglib_config_setting_set_bool(s, 1);
	pc_add_partition(pc_add(primus, "hsms", CONFIG_TYPE_GROUP), in, in->slot_id);
	rc = pc_write(&cfg, in->user_name, text, len, d);
	cfglib_config_destroy(&cfg);
	return rc;
}

/* The text after the leading comment lines (the header pc_write puts there). */
static const char *pc_body(const char *text)
{
	while (*text == '#') {
		const char *nl = strchr(text, '\n');
		if (!nl)
			return text + strlen(text);
		text = nl + 1;
	}
	return text;
}

int primus_cfg_merge(const char *base, const char *display, const struct primus_cfg_in *in, char **text,
                     size_t *len, int *slot_id, int *reformatted, struct diag *d)
{
	int rc = pc_check_in(in, d);
	if (rc != EX_OK)
		return rc;
	struct primus_cfg old;
	rc = primus_cfg_parse(base, display, &old, d);
	if (rc != EX_OK)
		return rc;
	/* The id: this partition's earlier one when no other partition uses it, else the lowest free one
	 * ("Different PKCS#11 Slot IDs have to be assigned for different partitions"). */
	unsigned char used[PRIMUS_CFG_MAX_HSMS * PRIMUS_CFG_MAX_SLOTS + 1] = {0};
	int mine = -1;
	char users[512] = "";
	size_t ul = 0;
	for (size_t i = 0; i < old.n_hsms; i++)
		for (size_t k = 0; k < old.hsms[i].n_slots; k++) {
			const struct primus_cfg_slot *sl = &old.hsms[i].slots[k];
			if (strcmp(sl->user_name, in->user_name) == 0) {
				mine = sl->id;
				continue;
			}
			if (sl->id >= 0 && (size_t)sl->id < sizeof used)
				used[sl->id] = 1;
			char want[300];
			snprintf(want, sizeof want, "%s, ", sl->user_name);
			if (!strstr(users, want) && ul + strlen(want) < sizeof users - 1) {
				memcpy(users + ul, want, strlen(want) + 1);
				ul += strlen(want);
			}
		}
	primus_cfg_free(&old);
	int id = 0;
	if (mine >= 0 && ((size_t)mine >= sizeof used || !used[mine]))
		id = mine;
	else
		while ((size_t)id < sizeof used - 1 && used[id])
			id++;
	snprintf(users + ul, sizeof users - ul, "%s", in->user_name);

	config_t cfg;
	cfglib_config_init(&cfg);
	if (cfglib_config_read_string(&cfg, base) != CONFIG_TRUE) {
		cfglib_config_destroy(&cfg);
		return diag_set(d, EX_CONFIG, _("%s: line %d: %s"), display, 1, "?");
	}
	/* Whether the other entries come out byte for byte: only when the file was in libconfig's layout
	 * (as written here) to begin with; a hand-edited file loses its comments. */
	char *again = NULL;
	size_t again_len = 0;
	FILE *f = open_memstream(&again, &again_len);
	if (f) {
		cfglib_config_write(&cfg, f);
		fclose(f);
	}
	*reformatted = !again || strcmp(again, pc_body(base)) != 0;
	free(again);
	config_setting_t *hsms = cfglib_config_lookup(&cfg, "primus.hsms");
	for (int i = hsms ? cfglib_config_setting_length(hsms) : 0; i-- > 0;) {
		config_setting_t *h = cfglib_config_setting_get_elem(hsms, (unsigned)i);
		config_setting_t *slots = h ? cfglib_config_setting_get_member(h, "slots") : NULL;
		for (int k = slots ? cfglib_config_setting_length(slots) : 0; k-- > 0;) {
			config_setting_t *sl = cfglib_config_setting_get_elem(slots, (unsigned)k);
			config_setting_t *u = sl ? cfglib_config_setting_get_member(sl, "user_name") : NULL;
			const char *uv = u ? cfglib_config_setting_get_string(u) : NULL;
			if (uv && strcmp(uv, in->user_name) == 0) {
				char name[64];
				snprintf(name, sizeof name, "%s", config_setting_name(sl));
				cfglib_config_setting_remove(slots, name);
			}
		}
		/* A host entry left without a slot was this partition's alone. */
		if (slots && cfglib_config_setting_length(slots) == 0) {
			char name[64];
			snprintf(name, sizeof name, "%s", config_setting_name(h));
			cfglib_config_setting_remove(hsms, name);
		}
	}
	pc_add_partition(hsms, in, id);
	rc = pc_write(&cfg, users, text, len, d);
	cfglib_config_destroy(&cfg);
	if (rc != EX_OK)
		return rc;
	/* What the provider will read must parse in the documented layout (at most PRIMUS_CFG_MAX_SLOTS
	 * partitions per host). */
	struct primus_cfg back;
	rc = primus_cfg_parse(*text, display, &back, d);
	if (rc == EX_OK)
		primus_cfg_free(&back);
	else {
		free(*text);
		*text = NULL;
	}
	*slot_id = id;
	return rc;
}

int primus_cfg_partition(const struct primus_cfg *c, const char *user, const char **hosts, size_t max,
                         struct primus_cfg_in *out)
{
	memset(out, 0, sizeof *out);
	out->hosts = hosts;
	for (size_t i = 0; i < c->n_hsms; i++)
		for (size_t k = 0; k < c->hsms[i].n_slots; k++) {
			const struct primus_cfg_slot *sl = &c->hsms[i].slots[k];
			if (strcmp(sl->user_name, user) != 0 || out->n_hosts >= max)
				continue;
			hosts[out->n_hosts++] = c->hsms[i].host;
			out->port = atoi(c->hsms[i].port);
			out->client_id = sl->client_id;
			out->user_name = sl->user_name;
			out->proxy_user = sl->proxy_user;
			out->slot_id = sl->id;
		}
	return out->n_hosts ? 0 : -1;
}

int primus_cfg_describe(const struct primus_cfg *c, char *buf, size_t size)
{
	size_t used = 0;
	int n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < c->n_hsms; i++)
		for (size_t k = 0; k < c->hsms[i].n_slots; k++) {
			const struct primus_cfg_slot *sl = &c->hsms[i].slots[k];
			char one[320];
			snprintf(one, sizeof one, "%s (slot %d)", sl->user_name, sl->id);
			if (strstr(buf, one))
				continue;
			int w = snprintf(buf + used, size - used, "%s%s", n ? ", " : "", one);
			if (w < 0 || (size_t)w >= size - used)
				return n;
			used += (size_t)w;
			n++;
		}
	return n;
}

static const char *pc_type_word(int type)
{
	switch (type) {
	case CONFIG_TYPE_STRING: return _("a string");
	case CONFIG_TYPE_INT: return _("an integer");
	case CONFIG_TYPE_BOOL: return _("true or false");
	default: return _("a group");
	}
}

/* The member name of parent, of type; fails naming the file, the line and the key. */
static int pc_need(const config_setting_t *parent, const char *name, int type, const char *display,
                   config_setting_t **out, struct diag *d)
{
	config_setting_t *s = cfglib_config_setting_get_member(parent, name);
	if (!s || config_setting_type(s) != type)
		return diag_set(d, EX_CONFIG, _("%s: line %d: '%s' is missing or is not %s"), display,
		                (int)(s ? config_setting_source_line(s) : config_setting_source_line(parent)), name,
		                pc_type_word(type));
	*out = s;
	return EX_OK;
}

/* Only the documented keys: anything else means a layout the provider reads differently. */
static int pc_only(const config_setting_t *g, const char *const *allowed, const char *display, struct diag *d)
{
	int n = cfglib_config_setting_length(g);
	for (int i = 0; i < n; i++) {
		config_setting_t *m = cfglib_config_setting_get_elem(g, (unsigned)i);
		const char *name = m ? config_setting_name(m) : NULL;
		int ok = 0;
		for (size_t k = 0; name && allowed[k]; k++)
			if (strcmp(name, allowed[k]) == 0 ||
			    (allowed[k][0] == '*' && strncmp(name, allowed[k] + 1, strlen(allowed[k] + 1)) == 0))
				ok = 1;
		if (!ok)
			return diag_set(d, EX_CONFIG, _("%s: line %d: '%s' is not part of the documented layout"),
			                display, (int)(m ? config_setting_source_line(m) : 0), name ? name : "?");
	}
	return EX_OK;
}

static char *pc_dup(const config_setting_t *s)
{
	const char *v = s ? cfglib_config_setting_get_string(s) : NULL;
	return v ? strdup(v) : NULL;
}

static int pc_slot(const config_setting_t *g, const char *display, struct primus_cfg_slot *out,
                   struct diag *d)
{
	static const char *const keys[] = {"client_id", "user_name", "proxy_user", "proxy_password", "id", NULL};
	config_setting_t *s;
	int rc = pc_only(g, keys, display, d);
	if (rc == EX_OK && (rc = pc_need(g, "client_id", CONFIG_TYPE_STRING, display, &s, d)) == EX_OK)
		out->client_id = pc_dup(s);
	if (rc == EX_OK && (rc = pc_need(g, "user_name", CONFIG_TYPE_STRING, display, &s, d)) == EX_OK)
		out->user_name = pc_dup(s);
	if (rc == EX_OK && (rc = pc_need(g, "id", CONFIG_TYPE_INT, display, &s, d)) == EX_OK)
		out->id = cfglib_config_setting_get_int(s);
	if (rc != EX_OK)
		return rc;
	if (out->id < 0)
		return diag_set(d, EX_CONFIG, _("%s: line %d: '%s' is missing or is not %s"), display,
		                (int)config_setting_source_line(s), "id", pc_type_word(CONFIG_TYPE_INT));
	s = cfglib_config_setting_get_member(g, "proxy_user");
	if (s && config_setting_type(s) != CONFIG_TYPE_STRING)
		return pc_need(g, "proxy_user", CONFIG_TYPE_STRING, display, &s, d);
	out->proxy_user = pc_dup(s);
	if (!out->client_id || !out->user_name || !out->user_name[0])
		return diag_set(d, EX_CONFIG, _("%s: line %d: '%s' is missing or is not %s"), display,
		                (int)config_setting_source_line(g), "user_name", pc_type_word(CONFIG_TYPE_STRING));
	return EX_OK;
}

static int pc_hsm(const config_setting_t *g, const char *display, struct primus_cfg_hsm *out, struct diag *d)
{
	static const char *const keys[] = {"host", "port", "priority", "slots", NULL};
	config_setting_t *s, *slots;
	int rc = pc_only(g, keys, display, d);
	out->name = strdup(config_setting_name(g));
	if (rc == EX_OK && (rc = pc_need(g, "host", CONFIG_TYPE_STRING, display, &s, d)) == EX_OK)
		out->host = pc_dup(s);
	/* The port is a string in every documented example; an integer is a different layout. */
	if (rc == EX_OK && (rc = pc_need(g, "port", CONFIG_TYPE_STRING, display, &s, d)) == EX_OK) {
		out->port = pc_dup(s);
		char *end = NULL;
		long port = out->port ? strtol(out->port, &end, 10) : 0;
		if (!out->port || !out->port[0] || *end || port < 1 || port > 65535)
			return diag_set(d, EX_CONFIG, _("%s: line %d: '%s' is missing or is not %s"), display,
			                (int)config_setting_source_line(s), "port", pc_type_word(CONFIG_TYPE_STRING));
	}
	if (rc == EX_OK && (s = cfglib_config_setting_get_member(g, "priority")) &&
	    (config_setting_type(s) != CONFIG_TYPE_INT || cfglib_config_setting_get_int(s) < 0 ||
	     cfglib_config_setting_get_int(s) > 127))
		rc = diag_set(d, EX_CONFIG, _("%s: line %d: '%s' is missing or is not %s"), display,
		              (int)config_setting_source_line(s), "priority", pc_type_word(CONFIG_TYPE_INT));
	if (rc == EX_OK)
		rc = pc_need(g, "slots", CONFIG_TYPE_GROUP, display, &slots, d);
	if (rc != EX_OK)
		return rc;
	static const char *const slot_keys[] = {"*slot", NULL};
	rc = pc_only(slots, slot_keys, display, d);
	int n = cfglib_config_setting_length(slots);
	if (rc == EX_OK && (n < 1 || n > PRIMUS_CFG_MAX_SLOTS))
		rc = diag_set(d, EX_CONFIG, _("%s: line %d: '%s' is missing or is not %s"), display,
		              (int)config_setting_source_line(slots), "slots.slot0", pc_type_word(CONFIG_TYPE_GROUP));
	for (int i = 0; rc == EX_OK && i < n; i++) {
		config_setting_t *slot = cfglib_config_setting_get_elem(slots, (unsigned)i);
		if (!slot || config_setting_type(slot) != CONFIG_TYPE_GROUP)
			return diag_set(d, EX_CONFIG, _("%s: line %d: '%s' is missing or is not %s"), display,
			                (int)config_setting_source_line(slots), "slots", pc_type_word(CONFIG_TYPE_GROUP));
		rc = pc_slot(slot, display, &out->slots[out->n_slots++], d);
	}
	return rc;
}

int primus_cfg_parse(const char *text, const char *display, struct primus_cfg *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	int rc = cfglib_load(d);
	if (rc != EX_OK)
		return rc;
	config_t cfg;
	cfglib_config_init(&cfg);
	if (cfglib_config_read_string(&cfg, text) != CONFIG_TRUE) {
		rc = diag_set(d, EX_CONFIG, _("%s: line %d: %s"), display, config_error_line(&cfg),
		              config_error_text(&cfg) ? config_error_text(&cfg) : "?");
		cfglib_config_destroy(&cfg);
		return rc;
	}
	config_setting_t *root = config_root_setting(&cfg), *s, *primus = NULL, *hsms = NULL;
	static const char *const root_keys[] = {"version", "primus", NULL};
	static const char *const primus_keys[] = {
	    "wait_delay", "wait_max_tries", "connect_on_init", "hsms", "log", NULL};
	static const char *const hsm_keys[] = {"*hsm", NULL};
	rc = pc_only(root, root_keys, display, d);
	if (rc == EX_OK && (rc = pc_need(root, "version", CONFIG_TYPE_STRING, display, &s, d)) == EX_OK &&
	    strcmp(cfglib_config_setting_get_string(s), "1.0") != 0)
		rc = diag_set(d, EX_CONFIG, _("%s: line %d: version must be \"1.0\""), display,
		              (int)config_setting_source_line(s));
	if (rc == EX_OK)
		rc = pc_need(root, "primus", CONFIG_TYPE_GROUP, display, &primus, d);
	if (rc == EX_OK)
		rc = pc_only(primus, primus_keys, display, d);
	if (rc == EX_OK && (rc = pc_need(primus, "wait_delay", CONFIG_TYPE_INT, display, &s, d)) == EX_OK)
		out->wait_delay = cfglib_config_setting_get_int(s);
	if (rc == EX_OK && (rc = pc_need(primus, "wait_max_tries", CONFIG_TYPE_INT, display, &s, d)) == EX_OK)
		out->wait_max_tries = cfglib_config_setting_get_int(s);
	if (rc == EX_OK && (rc = pc_need(primus, "connect_on_init", CONFIG_TYPE_BOOL, display, &s, d)) == EX_OK)
		out->connect_on_init = cfglib_config_setting_get_bool(s);
	if (rc == EX_OK)
		rc = pc_need(primus, "hsms", CONFIG_TYPE_GROUP, display, &hsms, d);
	if (rc == EX_OK)
		rc = pc_only(hsms, hsm_keys, display, d);
	int n = hsms ? cfglib_config_setting_length(hsms) : 0;
	if (rc == EX_OK && (n < 1 || n > PRIMUS_CFG_MAX_HSMS))
		rc = diag_set(d, EX_CONFIG, _("%s: line %d: '%s' is missing or is not %s"), display,
		              (int)config_setting_source_line(hsms), "hsms.hsm0", pc_type_word(CONFIG_TYPE_GROUP));
	for (int i = 0; rc == EX_OK && i < n; i++) {
		config_setting_t *h = cfglib_config_setting_get_elem(hsms, (unsigned)i);
		if (!h || config_setting_type(h) != CONFIG_TYPE_GROUP) {
			rc = diag_set(d, EX_CONFIG, _("%s: line %d: '%s' is missing or is not %s"), display,
			              (int)config_setting_source_line(hsms), "hsms", pc_type_word(CONFIG_TYPE_GROUP));
			break;
		}
		rc = pc_hsm(h, display, &out->hsms[out->n_hsms++], d);
	}
	cfglib_config_destroy(&cfg);
	if (rc != EX_OK)
		primus_cfg_free(out);
	return rc;
}

int primus_cfg_load(const char *path, struct primus_cfg *out, struct diag *d)
{
	char *text = NULL;
	size_t len = 0;
	memset(out, 0, sizeof *out);
	int rc = fsutil_read_bounded(path, 1 << 20, 0, &text, &len, d);
	if (rc != EX_OK)
		return rc;
	if (memchr(text, '\0', len))
		rc = diag_set(d, EX_CONFIG, _("%s: line %d: %s"), path, 1, "NUL");
	else
		rc = primus_cfg_parse(text, path, out, d);
	free(text);
	return rc;
}

void primus_cfg_free(struct primus_cfg *c)
{
	for (size_t i = 0; i < c->n_hsms; i++) {
		struct primus_cfg_hsm *h = &c->hsms[i];
		free(h->name);
		free(h->host);
		free(h->port);
		for (size_t k = 0; k < h->n_slots; k++) {
			free(h->slots[k].client_id);
			free(h->slots[k].user_name);
			free(h->slots[k].proxy_user);
		}
	}
	memset(c, 0, sizeof *c);
}

int primus_cfg_has_user(const struct primus_cfg *c, const char *user)
{
	for (size_t i = 0; user && i < c->n_hsms; i++)
		for (size_t k = 0; k < c->hsms[i].n_slots; k++)
			if (c->hsms[i].slots[k].user_name && strcmp(c->hsms[i].slots[k].user_name, user) == 0)
				return 1;
	return 0;
}
