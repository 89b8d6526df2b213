/* engine.h: the backends that talk to the HSM (doc/DESIGN.md, "Architecture").
 *
 * An engine knows one way to reach the partition (any PKCS#11 module; the Securosys Primus provider
 * driven through its ppin tool). It never touches the vault or state.json: the rotation module
 * (rotation.h) sits above every engine, does all the durable writes and decides what to try next, so
 * every engine gets the same crash safety. Engines never print; a failure fills a struct diag with a
 * translated message that names the next step, and ctx->err with a stable code ("CKR_PIN_INCORRECT",
 * "0x80005017", "MODULE_LOAD", ...) that goes into state.json and the support ticket. */
#ifndef HSMO_ENGINE_H
#define HSMO_ENGINE_H

#include <stddef.h>

#include "diag.h"

#define ENGINE_MAX_HOSTS 8
#define ENGINE_SECRET_MAX 64

/* What the last failed call learnt; cleared by every call. */
struct engine_error {
	char code[48];   /* stable code, "" when none */
	int rejected;    /* the HSM answered and refused the secret (wrong, expired, locked) */
	int locked;      /* the secret was refused because the account is locked or expired */
};

struct engine_ctx {
	const struct engine_ops *ops;
	/* Settings (state.engine and the profile); strings are borrowed, never freed by the engine. */
	const char *module;        /* pkcs11: the module path */
	const char *token_label;   /* pkcs11: the token label; NULL: the HSM User Name */
	long slot;                 /* pkcs11: a slot id, or -1 to choose by label */
	const char *ppin;          /* primus: the ppin path; NULL: search PATH */
	const char *work_dir;      /* primus: where primus.cfg and .secrets.cfg live while connecting */
	const char *hsm_user;
	const char *service_user;
	const char *hosts[ENGINE_MAX_HOSTS]; /* primus: hosts[0] is the master */
	size_t n_hosts;
	int port;                  /* primus: 2310 unless told */
	/* Secrets the engine may need besides the ones passed to each call (secmem, borrowed). */
	const char *service_password;  /* primus: the proxy password for ppin -p */
	const char *pkcs11_password;   /* primus: the PKCS#11 password given to ppin -a */
	struct engine_error err;
	void *priv;                /* the engine's own data, between open and close */
};

/* Paths written by write_config, for the front end to print. */
struct engine_files {
	size_t n;
	char *path[4];
	char *what[4];   /* translated one-word description: "URI", "PIN file", ... */
};
/* Records a written file and its translated description; -1 when the list is full. */
int engine_files_add(struct engine_files *f, const char *path, const char *what);
void engine_files_free(struct engine_files *f);

struct engine_ops {
	const char *name;
	/* Loads the module or finds ppin; no secret is used. */
	int (*open)(struct engine_ctx *e, struct diag *d);
	void (*close)(struct engine_ctx *e);
	/* Checks that the token (or ppin and its config) is there, without any login. */
	int (*preflight)(struct engine_ctx *e, struct diag *d);
	/* A new user secret for PENDING (secmem string): random within the token's PIN length limits, or
	 * for Primus the PKCS#11 password the provider will keep using. */
	int (*new_secret)(struct engine_ctx *e, char **out, struct diag *d);
	/* Does secret open the partition now? EX_OK yes; otherwise err.rejected says whether the HSM
	 * refused it (as opposed to not being reachable). One login attempt at most. */
	int (*login_probe)(struct engine_ctx *e, const char *secret, struct diag *d);
	/* The exchange that cannot be undone: log in with setup, replace it with pending. */
	int (*first_connect)(struct engine_ctx *e, const char *setup, const char *pending, struct diag *d);
	/* Logs in with current and reports. */
	int (*verify)(struct engine_ctx *e, const char *current, struct diag *d);
	/* Writes the provider configuration for applications into dir (atomic writes, failpoint prefix
	 * "config"). Calls hook between files, so the rotation can place its failpoint there. */
	int (*write_config)(struct engine_ctx *e, const char *dir, const char *current, void (*hook)(void),
	                    struct engine_files *out, struct diag *d);
};

extern const struct engine_ops engine_pkcs11_ops;
extern const struct engine_ops engine_primus_ops;

/* "pkcs11" or "primus"; NULL when unknown. */
const struct engine_ops *engine_find(const char *name);
void engine_ctx_init(struct engine_ctx *e, const struct engine_ops *ops);
/* Records a stable code for the last error. */
void engine_set_code(struct engine_ctx *e, const char *code, int rejected, int locked);

/* Random printable secret of len characters from an alphabet safe in URIs, config files and shells
 * (letters, digits, '-', '_', '.'); secmem string, NULL when RAND fails. */
char *engine_random_secret(size_t len);

/* The length of a new PIN: ENGINE_SECRET_MAX, or less when the token's max is smaller (0 and
 * (unsigned long)-1 mean "not given"); -1 when the token's min is above what fits. */
int engine_pin_length(unsigned long min, unsigned long max, size_t *len);

#endif
