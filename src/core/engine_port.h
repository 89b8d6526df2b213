/* engine_port.h: the contract between the core and the engines, the backends that talk to the HSM
 * (doc/DESIGN.md, "Architecture"): the port that every engine implements and that the rotation and
 * the targets call. It lives in core so that core never includes an engine; src/engines/engine.h
 * adds what only the engines and the front ends need.
 *
 * An engine knows one way to reach the partition (any PKCS#11 module; the Securosys Primus provider
 * driven through its ppin tool; Primus Tools for JCE). It never touches the vault or state.json: the
 * rotation module (rotation.h) sits above every engine, does all the durable writes and decides what
 * to try next, so every engine gets the same crash safety. Engines never print; a failure fills a
 * struct diag with a translated message that names the next step, and ctx->err with a stable code
 * ("CKR_PIN_INCORRECT", "0x80005017", "MODULE_LOAD", ...) that goes into state.json and the support
 * ticket. engine_find (the registry, src/engines/engine.c) and the engines' ops are defined in the
 * engines layer; the rest of this header in engine_port.c. */
#ifndef HSMO_ENGINE_PORT_H
#define HSMO_ENGINE_PORT_H

#include <stddef.h>

#include "diag.h"
#include "filelist.h"

#define ENGINE_MAX_HOSTS 8
#define ENGINE_SECRET_MAX 64
/* The default length of a new user secret: libp11 0.4.12 (Debian 12's OpenSSL engine) keeps at most
 * 31 characters of a PIN, and every client we write a file for must be able to use the secret.
 * 31 symbols of 62 give about 184 bits. --pin-length changes it (ENGINE_PIN_MIN..ENGINE_SECRET_MAX). */
#define ENGINE_PIN_DEFAULT 31
#define ENGINE_PIN_MIN 16

/* What the last failed call learnt; cleared by every call. */
struct engine_error {
	char code[48]; /* stable code, "" when none */
	int rejected;  /* the HSM answered and refused the secret (wrong, expired, locked) */
	int locked;    /* the secret was refused because the account is locked or expired */
};

struct engine_ctx {
	const struct engine_ops *ops;
	/* Settings (state.engine and the profile); strings are borrowed, never freed by the engine. */
	const char *module;      /* pkcs11: the module path; primus: the provider's library for verify
	                            * (NULL: ENGINE_PRIMUS_MODULE) */
	const char *token_label; /* pkcs11: the token label; NULL: the HSM User Name */
	long slot;               /* pkcs11: a slot id, or -1 to choose by label */
	const char *ppin;        /* primus: the ppin path; NULL: search PATH */
	const char *primus_home; /* primus: where the provider's templates are (etc/); NULL: above ppin's bin/ */
	struct diag_warnings *warnings; /* primus preflight: the readiness warnings go here; may be NULL */
	const char *work_dir;           /* primus: where primus.cfg and .secrets.cfg live while connecting */
	const char *hsm_user;
	const char *service_user;
	const char *hosts[ENGINE_MAX_HOSTS]; /* primus: hosts[0] is the master */
	size_t n_hosts;
	int port;          /* primus: 2310 unless told */
	size_t pin_length; /* pkcs11: length of a new user secret; 0: ENGINE_PIN_DEFAULT */
	/* Secrets the engine may need besides the ones passed to each call (secmem, borrowed). */
	const char *service_password; /* primus: the proxy password for ppin -p */
	const char *pkcs11_password;  /* primus: the PKCS#11 password given to ppin -a */
	/* primus and config: a group that shares the provider files (mode 0640, that group), as the docs'
	 * `primus` group; NULL: owner only (0600). */
	const char *group;
	/* primus: the slot's client_id, which the HSM log shows (NULL: HSMUSER@hostname, doc/securosys-facts.md,
	 * section "Several partitions"). */
	const char *client_id;
	/* primus, connect --output: the folder the provider files go to. When it already holds another
	 * partition's .secrets.cfg, ppin adds this user to a copy of it (engine_shared.h). */
	const char *shared_dir;
	/* write_config: replace provider files that hold other partitions' secrets, keeping a dated backup. */
	int force;
	/* Called before each documented step (primus: "ppin -p -e USER", ...), so a front end can show
	 * it; step counts from 1. May be NULL. */
	void (*progress)(void *arg, int step, int total, const char *what);
	void *progress_arg;
	/* Called immediately before the setup password is sent (primus: ppin -a or -u; jce:
	 * GetUserSecret; pkcs11: the C_Login with it), so the rotation records the first use there and
	 * not earlier (doc/DESIGN.md, "Steps"). Anything but EX_OK stops before it is sent. May be NULL. */
	int (*before_setup)(void *arg, struct diag *d);
	/* primus, in a renewal: called right before ppin -u (before before_setup), so the rotation keeps
	 * .secrets.cfg as it is then in the vault. Same arg. May be NULL. */
	int (*before_update)(void *arg, struct diag *d);
	void *before_setup_arg;
	/* primus: a renewed setup password was imported since the last exchange, so an entry of the HSM
	 * user in .secrets.cfg is stale and is updated with ppin -u (doc/DESIGN.md, "Renewal");
	 * secrets_before is that file as it was before (secmem, borrowed), so a resume can tell whether
	 * the update happened. */
	int renewal;
	const char *secrets_before;
	size_t secrets_before_len;
	char token[96];             /* verify: the token that opened ("LABEL, serial S"), for the report */
	const char *setup_password; /* jce: the setup password GetUserSecret exchanges */
	struct engine_error err;
	void *priv; /* the engine's own data, between open and close */
};

/* The files of a written configuration that hold the user secret (mode 0600), in its folder. */
#define ENGINE_PKCS11_PIN_NAME "pkcs11.pin"
#define ENGINE_PRIMUS_SECRETS_NAME ".secrets.cfg"
#define ENGINE_JCE_SECRET_NAME "jce-user-secret.secret"
/* What keep_files returns: the provider's secrets file and configuration, as they are on disk. */
struct engine_kept {
	char *secrets; /* secmem; may hold any byte */
	size_t secrets_len;
	char *cfg; /* malloc: primus.cfg holds no secret */
	size_t cfg_len;
};
void engine_kept_free(struct engine_kept *k);

/* The words the front ends use about an engine, so the CLI and the wizard say the same and no front
 * end asks which engine it is (doc/DESIGN.md, "Architecture"): engine_text. */
enum engine_text {
	ENGINE_TEXT_CONNECTING,   /* the progress line while the exchange runs */
	ENGINE_TEXT_NO_RETURN,    /* what the exchange will do, before the user confirms it */
	ENGINE_TEXT_ROTATED,      /* the wizard, after the exchange */
	ENGINE_TEXT_CONNECTED,    /* connect, after the exchange: profile, token */
	ENGINE_TEXT_VERIFIED,     /* verify: profile, token */
	ENGINE_TEXT_PREFLIGHT,    /* a preflight that passed */
	ENGINE_TEXT_CONFIG_HINT,  /* after config wrote files: how to point the provider at them (or none) */
	ENGINE_TEXT_KEEP,         /* the Done screen: which files to keep (or none) */
	ENGINE_TEXT_SECRET_PLACE, /* where a configuration written into dir keeps the user secret */
};
struct engine_text_args {
	const char *engine;           /* the engine's name */
	const char *profile;          /* the profile's name */
	const char *token;            /* the token that opened, "" when unknown */
	const struct filelist *files; /* what config wrote */
	const char *dir;              /* the configuration's folder */
};
/* One step of the exchange as the wizard lists it: done once the rotation reached at (an enum
 * state_rotation); what is an N_() text. */
struct engine_step {
	int at;
	const char *what;
};
#define ENGINE_STEPS 4

struct engine_ops {
	const char *name;
	/* What the front ends ask instead of comparing names: */
	int needs_module;                /* 1: there is no default library, the profile must name one */
	int apps_use_pkcs11_password;    /* applications log in with the PKCS#11 password, not the user secret */
	const char *secret_file;         /* the file of a written configuration that holds the secret */
	const struct engine_step *steps; /* ENGINE_STEPS of them; NULL: the generic exchange's */
	/* Fills buf with the translated words for what; 0, or -1 when this engine has none there. NULL, or
	 * -1 for a text every engine has: engine_text's generic words. */
	int (*text)(enum engine_text what, const struct engine_text_args *a, char *buf, size_t size);
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
	                    struct filelist *out, struct diag *d);
	/* Optional: the files the exchange left that are now the only key to the partition (primus:
	 * .secrets.cfg and primus.cfg), read right after first_connect or a successful resume probe, for
	 * the rotation to keep in the vault. Secmem buffers the caller frees. */
	int (*keep_files)(struct engine_ctx *e, struct engine_kept *out, struct diag *d);
};

/* "pkcs11", "primus" or "jce"; NULL when unknown. */
const struct engine_ops *engine_find(const char *name);
void engine_ctx_init(struct engine_ctx *e, const struct engine_ops *ops);
/* Records a stable code for the last error. */
void engine_set_code(struct engine_ctx *e, const char *code, int rejected, int locked);
/* 1 when engine's configuration is the Primus provider's pair, primus.cfg and .secrets.cfg (its
 * secret_file), which every client program finds through SECUROSYS_PKCS11_CONF and
 * SECUROSYS_SECRETS_CONF: the question the targets ask instead of comparing engine names. */
int engine_uses_provider_files(const char *engine);

#endif
