/* targets_common.h: what the target writers of src/core/targets/ share (targets.h is the contract;
 * this header is private to those files). Every writer fills its files into a struct filelist and
 * writes them atomically (failpoint prefix "config"). */
#ifndef HSMO_TARGETS_COMMON_H
#define HSMO_TARGETS_COMMON_H

#include <stddef.h>
#include <sys/types.h>

#include "targets.h"

/* The Primus provider's library where its installer puts it (doc/securosys-facts.md). */
#define TARGETS_PRIMUS_LIB "/usr/local/primus/lib/libprimusP11.so"
#define TARGETS_MAX_FILE (64 * 1024)
/* The longest PIN pkcs11-provider reads from a PIN file before version 1.2.0 (doc/securosys-facts.md,
 * "OpenSSL"). */
#define TARGETS_OPENSSL3_PIN_MAX 31
/* The label of the key Vault creates for its seal, when it is missing. */
#define TARGETS_SEAL_KEY "hsm-onboard-vault-unseal"

/* A growing text in the ordinary heap, for files without a secret. */
struct tg_buf {
	char *s;
	size_t len, cap;
	int oom;
};

/* How a secret is escaped inside the quoted string of each format (doc/DESIGN.md, "Client
 * configuration"): each reader has its own rules, and one format's escape is a literal in another. */
enum tg_escape {
	TG_RAW,     /* the file holds the secret alone (a PIN file) */
	TG_OPENSSL, /* OpenSSL .cnf "...": a backslash escapes the next character; '$' is literal in quotes */
	TG_SYSTEMD, /* systemd EnvironmentFile "...": '\\' and '"' take a backslash; no expansion */
	            /* HCL would also need "$${" and "%%{"; the HCL files hold only values of [A-Za-z0-9._-]. */
};

/* A text built only in the secure heap, of a capacity fixed when it is made. */
struct tg_sec {
	char *s;
	size_t len, cap;
	int overflow;
};

/* The targets, each defined in its writer's file. */
extern const struct target target_libp11;
extern const struct target target_openssl3;
extern const struct target target_env;
extern const struct target target_vault;
extern const struct target target_openbao;
extern const struct target target_tsb;
extern const struct target target_xks;
extern const struct target target_ksp;

/* The writers: t's files into dir (absolute, checked by tg_plain), added to out. */
int tg_libp11(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d);
int tg_openssl3(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d);
int tg_env(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d);
int tg_vault(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d);
int tg_openbao(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d);
void tg_tsb_body(struct tg_sec *b, const struct targets_input *in, const char *port, const char *enc);
void tg_xks_body(struct tg_sec *b, const struct targets_input *in, const char *port);
int tg_ksp(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d);

/* The helpers the writers share (targets_common.c). */
void tg_printf(struct tg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tg_write_buf(struct tg_buf *b, const char *path, mode_t mode, struct filelist *out, const char *what,
                 struct diag *d);
/* Writes prefix secret suffix into a 0600 file, the text built only in the secure heap, the secret
 * escaped for its format. */
int tg_write_secret(const char *path, const char *prefix, const char *secret, const char *suffix,
                    enum tg_escape esc, struct filelist *out, const char *what, struct diag *d);
/* A value with no quote, backslash, newline or control character, so it can stand in a quoted string of
 * every format we write: names and paths from the profile are checked before they are written. */
int tg_plain(const char *what, const char *v, struct diag *d);
/* A folder OpenSSL reads unquoted (.include, the provider's file: URI): '#' starts a comment, '$' a
 * variable, '%' an escape in a URI, and a quote or backslash is taken literally; such a folder cannot be
 * written into those values (doc/DESIGN.md, "Client configuration"). */
int tg_openssl_folder(const char *dir, struct diag *d);
/* The Primus provider finds its files through these variables (provider 1.8.4+): every client file of
 * a primus profile names them (doc/securosys-facts.md, "Primus provider files"). */
void tg_primus_comment(struct tg_buf *b, const struct targets_input *in, const char *dir);
/* The folder where OpenSSL looks for engines or providers (OPENSSL_ENGINES_DIR, OPENSSL_MODULES_DIR),
 * from the library itself: Debian puts them under the multiarch directory. */
void tg_openssl_dir(int which, const char *fallback, char *buf, size_t size);
int tg_exists(const char *path);
/* The PIN file the OpenSSL 3 provider and pin-source URIs read: the PIN alone, no newline. */
int tg_pin_file(const struct targets_input *in, const char *dir, char *path, size_t size,
                struct filelist *out, struct diag *d);
/* The quoted value of a setting in an earlier file we wrote ("key = \"v\"" in HCL, "key: 'v'" in YAML):
 * a random password that a client already used (Vault's unseal key, TSB's encrypted user secret) must
 * survive a rewrite, or the client is locked out of its own data. NULL when there is none. */
char *tg_old_setting(const char *path, const char *key, char sep);
void tg_sh_quote(struct tg_buf *b, const char *s);
/* What both TSBaaS seals need: the API endpoint in its one form (api, 2048 bytes; `check` uses the same,
 * every client adds /v1/ itself) and a JWT that fits a quoted HCL string. */
int tg_tsbaas_check(const struct targets_input *in, char *api, size_t size, struct diag *d);
/* Appends s; quote: as a YAML single-quoted scalar, where only ' is escaped (doubled). */
void tg_sec_add(struct tg_sec *b, const char *s, int quote);
/* "  key: 'value'\n" */
void tg_sec_setting(struct tg_sec *b, const char *indent, const char *key, const char *value);

#endif
