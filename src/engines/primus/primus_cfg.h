/* primus_cfg.h: the Primus provider's primus.cfg, written and read back as the provider reads it.
 *
 * The layout is the documented one (doc/securosys-facts.md, section "Primus provider files"):
 *   version = "1.0";
 *   primus: { wait_delay = 250; wait_max_tries = 5; connect_on_init = true;
 *             hsms: { hsm0: { host = "..."; port = "2310"; slots: { slot0: { client_id = "...";
 *                     user_name = "..."; proxy_user = "..."; id = 0; }; }; }; hsm1: { ... }; }; };
 * Every master and clone host of the cluster is its own hsmN with the same slot (the same slot id on
 * redundant hosts). Both the engine (after writing) and the demo's ppin simulator (before every
 * command) read the file through primus_cfg_parse, which refuses any other layout: a file the provider
 * would not load must never look fine here. libconfig is loaded on first use (cfglib.h). */
#ifndef HSMO_PRIMUS_CFG_H
#define HSMO_PRIMUS_CFG_H

#include <stddef.h>

#include "diag.h"

#define PRIMUS_CFG_MAX_HSMS 16
#define PRIMUS_CFG_MAX_SLOTS 8

/* What primus_cfg_render writes. */
struct primus_cfg_in {
	const char *const *hosts; /* master first, then the clones */
	size_t n_hosts;
	int port; /* 2310 for PKCS#11 */
	const char *client_id;
	const char *user_name;  /* the HSM User Name */
	const char *proxy_user; /* the Service User Name; NULL: no proxy line */
	int slot_id;            /* the PKCS#11 slot id, the same on every host */
};

struct primus_cfg_slot {
	char *client_id;
	char *user_name;
	char *proxy_user; /* NULL when absent */
	int id;
};

struct primus_cfg_hsm {
	char *name; /* "hsm0" */
	char *host;
	char *port; /* a string, as documented */
	struct primus_cfg_slot slots[PRIMUS_CFG_MAX_SLOTS];
	size_t n_slots;
};

/* The file as the provider sees it. */
struct primus_cfg {
	int wait_delay;
	int wait_max_tries;
	int connect_on_init;
	struct primus_cfg_hsm hsms[PRIMUS_CFG_MAX_HSMS];
	size_t n_hsms;
};

/* primus.cfg text (malloc'd, *len bytes, NUL-terminated) for in. EX_DATAERR when a field is missing. */
int primus_cfg_render(const struct primus_cfg_in *in, char **text, size_t *len, struct diag *d);
/* Parses text in the documented layout into out (free with primus_cfg_free). display names the file in
 * errors: "FILE: line N: what is wrong" with EX_CONFIG. */
int primus_cfg_parse(const char *text, const char *display, struct primus_cfg *out, struct diag *d);
/* Reads path (at most 1 MiB) and parses it. */
int primus_cfg_load(const char *path, struct primus_cfg *out, struct diag *d);
void primus_cfg_free(struct primus_cfg *c);
/* base (primus.cfg text in the documented layout, display names it in errors) with in's partition added:
 * every slot of in->user_name is replaced by one on each of in's hosts, with the slot id this user had
 * if no other partition uses it, else the lowest id no other partition uses (*slot_id). Other entries
 * stay; *reformatted is 1 when base was not in libconfig's own layout (its comments and spacing are
 * not kept, so the caller keeps a backup). EX_CONFIG when base is not in the documented layout. */
int primus_cfg_merge(const char *base, const char *display, const struct primus_cfg_in *in, char **text,
                     size_t *len, int *slot_id, int *reformatted, struct diag *d);
/* The partition of user in c as primus_cfg_in (strings borrowed from c; hosts filled into hosts[max]);
 * -1 when no slot has that user. */
int primus_cfg_partition(const struct primus_cfg *c, const char *user, const char **hosts, size_t max,
                         struct primus_cfg_in *out);
/* "A (slot 0), B (slot 1)" into buf: the partitions c configures; returns how many. */
int primus_cfg_describe(const struct primus_cfg *c, char *buf, size_t size);
/* 1 when some slot of some hsm has user_name user. */
int primus_cfg_has_user(const struct primus_cfg *c, const char *user);

#endif
