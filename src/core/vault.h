/* vault.h: a profile's encrypted secrets (doc/DESIGN.md, "Vault format" and "Secrets").
 *
 * File layout: a header (magic "HSMOVLT1", format version, scrypt N/r/p, salt, GCM nonce, key check,
 * header checksum) that is the AAD, then the AES-256-GCM ciphertext of the labelled entries, then the
 * tag (byte offsets in vault.c). The header checksum tells a damaged header (65) and the key check a
 * wrong passphrase (77) apart from a body that fails the tag (65). The scrypt cost is
 * calibrated once, at creation, to about kdf_ms on this machine, and stored in the header. Every save
 * uses a fresh nonce. The derived key and every entry live in secure-heap buffers. The file must be
 * mode 0600 and owned by the user, or it is refused (as ssh refuses a private key). */
#ifndef HSMO_VAULT_H
#define HSMO_VAULT_H

#include <stddef.h>

#include "diag.h"

#define VAULT_PASSPHRASE_MIN 12
#define VAULT_DEFAULT_KDF_MS 500
/* The floor under the scrypt cost of a new vault, whatever kdf_ms says: N=2^15, r=8, p=1, the OWASP
 * Password Storage minimum for scrypt. A faster machine calibrates above it; a slow one gets it. */
#define VAULT_KDF_FLOOR_LOG2N 15
#define VAULT_KDF_FLOOR_R 8

enum vault_label {
	VAULT_SERVICE_PASSWORD = 0,
	VAULT_SETUP_PASSWORD,
	VAULT_PKCS11_PASSWORD,
	VAULT_JWT,
	VAULT_PENDING,  /* the new user secret, saved before it is sent */
	VAULT_CURRENT,  /* the user secret the HSM accepted */
	VAULT_PREVIOUS, /* the setup password, kept until CURRENT is verified */
	/* The Primus provider's files right after ppin -a, base64: .secrets.cfg is then the partition's
	 * only key (doc/securosys-facts.md, section "Primus provider files"). */
	VAULT_PRIMUS_SECRETS_CFG,
	VAULT_PRIMUS_CFG,
	/* .secrets.cfg as it was before a renewal's ppin -u (base64), kept until the new secret is
	 * verified: a failed update removes the entry (doc/securosys-facts.md, section "ppin"). */
	VAULT_PRIMUS_SECRETS_CFG_BEFORE_RENEWAL,
	VAULT_LABEL_COUNT,
};

struct vault;

/* Whether passphrase may protect a new vault: EX_OK, or EX_USAGE with the reason when it is empty,
 * only white space, or shorter than VAULT_PASSPHRASE_MIN characters once the white space at either
 * end is left out, or trivially weak: one character repeated, a pattern of up to 4 characters
 * repeated. Every front end asks this before it takes a new passphrase, and vault_create refuses
 * what it refuses. */
int vault_passphrase_check(const char *passphrase, struct diag *d);
/* The same, and refused when it is little more than one of names (NULL-terminated; the profile name,
 * the login name: names others know), whatever the case. */
int vault_passphrase_check_names(const char *passphrase, const char *const *names, struct diag *d);
/* vault_passphrase_check_names with the names a guesser knows: profile (may be NULL) and the login's. */
int vault_passphrase_check_for(const char *passphrase, const char *profile, struct diag *d);

/* A new, empty vault for path, with its scrypt cost calibrated to kdf_ms (0: the default) and never
 * below the floor (VAULT_KDF_FLOOR_LOG2N). Nothing is written until vault_save. The passphrase must
 * pass vault_passphrase_check (EX_USAGE). In a test build (--enable-failpoints) only, the environment
 * variable HSM_ONBOARD_TEST_KDF_LOG2N=10..20 sets log2 N directly, so the crash loops stay fast. */
int vault_create(const char *path, const char *passphrase, int kdf_ms, struct vault **out, struct diag *d);
/* 1 when the calibration for kdf_ms fell below the floor and the floor was used instead. */
int vault_kdf_floor_hit(const struct vault *v);
/* log2 of the scrypt N of v (for messages and tests). */
unsigned vault_kdf_log2n(const struct vault *v);
/* Opens and decrypts path. EX_NOPERM (77) for a wrong mode or owner (with how to fix it) and for a
 * wrong passphrase; EX_DATAERR (65) for a truncated, corrupted or tampered file or an unknown format
 * version; EX_NOINPUT when it does not exist. */
int vault_open(const char *path, const char *passphrase, struct vault **out, struct diag *d);
/* Decrypts a vault image held in memory (for the loader tests and the fuzzer); no mode check. */
int vault_open_buffer(const unsigned char *data, size_t len, const char *passphrase, struct vault **out,
                      struct diag *d);
/* Encrypts with a fresh nonce and writes atomically (failpoint prefix "vault"), mode 0600. */
int vault_save(struct vault *v, struct diag *d);
void vault_close(struct vault *v);

/* The secret under label, a secure-heap string owned by the vault, or NULL when missing. */
const char *vault_get(const struct vault *v, enum vault_label label);
/* Stores a copy of value (NULL clears the label). Takes effect on disk at the next vault_save. */
int vault_set(struct vault *v, enum vault_label label, const char *value, struct diag *d);

/* "service-password", "setup-password", "pkcs11-password", "jwt", "pending", "current", "previous",
 * "primus-secrets-cfg", "primus-cfg". */
const char *vault_label_name(enum vault_label label);
/* 0600 and owned by the user: EX_OK, else EX_NOPERM with the chmod/chown to run. */
int vault_check_mode(const char *path, struct diag *d);
/* forget destroys a vault with fsutil_shred (profile_remove). */

#endif
