/* targets.h: what the customer's applications read, after the exchange (DESIGN.md, "Architecture":
 * step 8, the API provider configuration).
 *
 * The engine's write_config gives the base files (the PKCS#11 URI and PIN file, or primus.cfg and
 * .secrets.cfg, or the blinded JCE user secret). A target adds the files one kind of client needs, in
 * the layout of its page in the Securosys docs (doc/securosys-facts.md, "OpenSSL", "HashiCorp Vault"
 * and "JCE, TSB and XKS"):
 *   libp11    OpenSSL engine file openssl.cnf      openssl/libp11/Installation/configuration
 *   openssl3  OpenSSL 3 provider file              openssl/osslv3/Installation/configuration
 *   env       primus.env (provider 1.8.4+)         pkcs/Installation/pkcs11_provider_configuration
 *   vault     secrets engine script, seals         hc_sse/Installation/configuration,
 *                                                  hc_vault/Concepts/autounseal,
 *                                                  hc-vault-enterprise/Installation/installation
 *   tsb       TSB application-local.yml hsm: block  tsb/Installation/On-Premise-Installation
 *   xks       XKS proxy application.yaml hsm: block xks/Installation/Installation
 * A secret is written only into a file of mode 0600 whose name says it holds one (".pin" or
 * ".secret"), and only where the client cannot read it from such a file itself. README.txt in the
 * folder says, translated, what each file is and what in it must be kept secret.
 *
 * Each target is written by its own file in src/core/targets/ (targets_libp11.c, ...); the table, the
 * dispatch, README.txt and the helpers they share are in targets_common.[ch]. */
#ifndef HSMO_TARGETS_H
#define HSMO_TARGETS_H

#include <stddef.h>

#include "diag.h"
#include "engine_port.h"
#include "state.h"
#include "vault.h"

struct target {
	const char *name;
	const char *doc;     /* the page in the Securosys docs */
	const char *summary; /* N_() string: what it writes, for --list */
	const char *label;   /* N_() string: the same in at most 50 columns, for the wizard's list */
	unsigned fits;       /* TARGET_FITS_* */
};

enum {
	TARGET_FITS_PKCS11 = 1, /* a PKCS#11 profile (generic or Primus engine) */
	TARGET_FITS_PRIMUS = 2, /* only the Primus provider */
	TARGET_FITS_TSBAAS = 4, /* a TSBaaS profile (JWT and API endpoint) */
	TARGET_FITS_JCE = 8,    /* a JCE profile (engine jce, or API JCE before connect): TSB, XKS */
	TARGET_FITS_KSP = 16,   /* a CNG profile: the Windows KSP's settings, no secret */
};

/* What a target needs; strings are borrowed. pin and jwt are secmem strings or NULL. */
struct targets_input {
	const struct state *st;
	const char *profile;
	const char *engine;      /* "pkcs11", "primus", "jce", or NULL (TSBaaS) */
	const char *module;      /* the PKCS#11 module path */
	const char *token_label; /* the token label applications select */
	const char *pin;         /* the PIN applications give the module; jce: the blinded user secret */
	const char *jwt;         /* TSBaaS: the JWT */
	/* jce: where the JCE provider logs in, and the proxy (service) user of CloudHSM, if any. */
	const char *const *hosts; /* hosts[0] is the master */
	size_t n_hosts;
	int port;
	const char *service_user;
	const char *service_password;
	/* tsb, xks: pin is the setup password, handed over before any exchange of ours: TSB and XKS make
	 * the exchange themselves, as their docs say (doc/securosys-facts.md, "JCE, TSB and XKS").
	 * 0: pin is the blinded user secret of our exchange, a route the docs do not describe. */
	int handover;
};

/* Every target, NULL-terminated. */
extern const struct target *const targets_all[];
const struct target *targets_find(const char *name);
/* Does t fit a profile with this state (engine: the profile's engine or NULL)? */
int targets_fit(const struct target *t, const struct state *st);
/* Is the profile a TSBaaS one (the vault target then needs no rotation)? state_is_tsbaas, the one
 * rule, under the name the target writers use. */
int targets_is_tsbaas(const struct state *st);

/* Writes t's files into dir (created 0700 when missing), atomically (failpoint prefix "config"),
 * and adds each to out. */
int targets_write(const struct target *t, const struct targets_input *in, const char *dir,
                  struct filelist *out, struct diag *d);

/* Fills in from a profile (name and state), its open vault and, unless it is a TSBaaS profile, its
 * opened engine (e, else NULL): the one way `config` and the wizard do it. Strings stay borrowed. */
void targets_input_from(struct targets_input *in, const char *profile, const struct state *st,
                        const struct vault *v, const struct engine_ctx *e);
/* The hand-over to TSB or XKS (doc/securosys-facts.md, "JCE, TSB and XKS"): before any exchange of
 * ours, writes the n targets of ts (each TARGET_FITS_JCE) with the setup password as setupPassword, the
 * profile's hosts (the master first) on the JCE port, and the proxy credentials; sends nothing and
 * records no first use (the product's first start is it), only a "handed-over" event in st, which
 * the caller saves. EX_USAGE once the exchange has begun. */
/* 1 when st may still hand its setup password over to TSB or XKS: a JCE profile (orders_path_of)
 * whose exchange has not begun and whose first use is not recorded, or was recorded after a hand-over
 * (the product's start, mark-used: the files may be written again). The one rule for config and the
 * wizard's rotation screen. */
int targets_can_hand_over(const struct state *st);
int targets_handover(const struct target *const *ts, size_t n, const char *profile, struct state *st,
                     const struct vault *v, const char *const *hosts, size_t n_hosts, const char *dir,
                     struct filelist *out, struct diag *d);
/* Writes the n targets of ts into dir, then README.txt (targets_write_readme) when n > 0; adds every
 * file to out. */
int targets_write_list(const struct target *const *ts, size_t n, const struct targets_input *in,
                       const char *dir, struct filelist *out, struct diag *d);

/* Writes dir/README.txt (translated): every file in files, what it is, and what in it to keep
 * secret (every file of mode 0600 holds a secret), and adds it to files. */
int targets_write_readme(const char *dir, const char *profile, struct filelist *files, struct diag *d);

#endif
