/* vault.c: the encrypted secrets of a profile (see vault.h).
 *
 * File format, version 1 (all integers big-endian):
 *
 *   offset size
 *        0    8  magic "HSMOVLT1"
 *        8    1  format version (1)
 *        9    1  log2 of scrypt N
 *       10    4  scrypt r
 *       14    4  scrypt p
 *       18   16  salt
 *       34   12  GCM nonce (fresh on every save)
 *       46   16  key check: SHA-256("hsm-onboard vault key check" || K2), first 16 bytes
 *       62    8  header check: SHA-256 of bytes 0..61, first 8 bytes
 *       70    n  AES-256-GCM ciphertext
 *     70+n   16  GCM tag
 *
 * The whole 70-byte header is the AAD, so changing any of it fails the tag. scrypt derives 64 bytes:
 * K1 (the AES key) and K2 (only for the key check). The two checks let us tell the refusals apart,
 * which GCM alone cannot:
 *   - header check wrong, bad magic, impossible parameters, too short: the file is damaged -> 65;
 *   - key check wrong: the passphrase is wrong -> 77 (K2 costs a full scrypt run, so the check gives an
 *     attacker no shortcut over trying the tag);
 *   - key check right but tag wrong: the body was corrupted or tampered with -> 65.
 * A forger who rewrites the header and its header check is caught by the key check or the tag.
 *
 * Plaintext: a sequence of entries, each label (1 byte) + length (4 bytes) + bytes, in secure memory. */
#include "config.h"

#include "vault.h"

#include "cryptolib.h"
#include "fsutil.h"
#include "i18n.h"
#include "secmem.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#define VAULT_MAGIC "HSMOVLT1"
#define VAULT_VERSION 1
#define VAULT_SALT_LEN 16
#define VAULT_NONCE_LEN 12
#define VAULT_KCV_LEN 16
#define VAULT_HCV_LEN 8
#define VAULT_HEADER_LEN \
	(8 + 1 + 1 + 4 + 4 + VAULT_SALT_LEN + VAULT_NONCE_LEN + VAULT_KCV_LEN + VAULT_HCV_LEN)
#define VAULT_TAG_LEN 16
#define VAULT_KEY_LEN 32
/* Entries hold a few passwords and a JWT; 64 KiB is generous and keeps the secure heap safe. */
#define VAULT_MAX_PLAINTEXT (64 * 1024)
#define VAULT_MAX_FILE (VAULT_HEADER_LEN + VAULT_MAX_PLAINTEXT + VAULT_TAG_LEN)

/* scrypt cost: r=8, p=1, N calibrated as a power of two. Creation stays within the floor (vault.h,
 * 2^15) and 2^18 (256 MiB at
 * r=8, enough for ~0.5 s on current machines); opening accepts up to 1 GiB so a vault made on a faster
 * machine still opens, but no more, so a damaged header cannot make us allocate without bound. */
#define VAULT_R 8
_Static_assert(VAULT_R >= VAULT_KDF_FLOOR_R, "r below the floor of vault.h");
#define VAULT_P 1
#define VAULT_LOG2N_MIN 10
#define VAULT_LOG2N_CREATE_MAX 18
#define VAULT_LOG2N_OPEN_MAX 20
#define VAULT_MAXMEM ((uint64_t)1 << 30)
#define VAULT_CALIBRATE_LOG2N 12

struct vault {
	char *path;
	unsigned log2n;
	int floor_hit; /* vault_create: the calibration asked for less than the floor */
	uint32_t r, p;
	unsigned char salt[VAULT_SALT_LEN];
	unsigned char kcv[VAULT_KCV_LEN];
	char *key; /* secmem, VAULT_KEY_LEN bytes */
	char *entries[VAULT_LABEL_COUNT];
};

static const char *const vault_label_names[VAULT_LABEL_COUNT] = {
    "service-password", "setup-password",
    "pkcs11-password",  "jwt",
    "pending",          "current",
    "previous",         "primus-secrets-cfg",
    "primus-cfg",       "primus-secrets-cfg-before-renewal",
};

const char *vault_label_name(enum vault_label label)
{
	return (unsigned)label < VAULT_LABEL_COUNT ? vault_label_names[label] : "unknown";
}

static void vault_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t vault_get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Derives K1 into key (VAULT_KEY_LEN) and the key check value into kcv. */
static int vault_derive(const char *passphrase, const unsigned char *salt, unsigned log2n, uint32_t r,
                        uint32_t p, char *key, unsigned char *kcv)
{
	char *out = secmem_alloc(2 * VAULT_KEY_LEN);
	if (!out)
		return -1;
	int ok = cryptolib_EVP_PBE_scrypt(passphrase, strlen(passphrase), salt, VAULT_SALT_LEN,
	                                  (uint64_t)1 << log2n, r, p, VAULT_MAXMEM + ((uint64_t)1 << 20),
	                                  (unsigned char *)out, 2 * VAULT_KEY_LEN);
	if (ok == 1) {
		memcpy(key, out, VAULT_KEY_LEN);
		static const char label[] = "hsm-onboard vault key check";
		unsigned char md[SHA256_DIGEST_LENGTH];
		EVP_MD_CTX *ctx = cryptolib_EVP_MD_CTX_new();
		if (!ctx || cryptolib_EVP_DigestInit_ex(ctx, cryptolib_EVP_sha256(), NULL) != 1 ||
		    cryptolib_EVP_DigestUpdate(ctx, label, sizeof label - 1) != 1 ||
		    cryptolib_EVP_DigestUpdate(ctx, out + VAULT_KEY_LEN, VAULT_KEY_LEN) != 1 ||
		    cryptolib_EVP_DigestFinal_ex(ctx, md, NULL) != 1)
			ok = 0;
		cryptolib_EVP_MD_CTX_free(ctx);
		memcpy(kcv, md, VAULT_KCV_LEN);
		cryptolib_OPENSSL_cleanse(md, sizeof md);
	}
	secmem_free(out);
	return ok == 1 ? 0 : -1;
}

static double vault_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Like cryptsetup's --iter-time: time one derivation at a small N, then scale N (time is linear in N)
 * to the power of two closest to kdf_ms. */
static unsigned vault_calibrate(int kdf_ms)
{
	static const unsigned char salt[VAULT_SALT_LEN];
	unsigned char out[32];
	unsigned log2n = VAULT_CALIBRATE_LOG2N;
	double ms = 0;
	for (;;) {
		double t0 = vault_now_ms();
		if (cryptolib_EVP_PBE_scrypt("calibration", 11, salt, sizeof salt, (uint64_t)1 << log2n, VAULT_R,
		                             VAULT_P, VAULT_MAXMEM, out, sizeof out) != 1)
			return VAULT_LOG2N_MIN + 4;
		ms = vault_now_ms() - t0;
		/* Too quick to measure well: measure again at a higher cost. */
		if (ms >= 4.0 || log2n >= 16)
			break;
		log2n += 2;
	}
	if (ms <= 0)
		ms = 0.001;
	double target = kdf_ms;
	while (ms * 1.41 < target && log2n < VAULT_LOG2N_CREATE_MAX) {
		ms *= 2;
		log2n++;
	}
	while (ms / 1.41 > target && log2n > VAULT_LOG2N_MIN) {
		ms /= 2;
		log2n--;
	}
	return log2n;
}

static void vault_free_entries(struct vault *v)
{
	for (int i = 0; i < VAULT_LABEL_COUNT; i++) {
		secmem_free(v->entries[i]);
		v->entries[i] = NULL;
	}
}

void vault_close(struct vault *v)
{
	if (!v)
		return;
	vault_free_entries(v);
	secmem_free(v->key);
	free(v->path);
	cryptolib_OPENSSL_cleanse(v, sizeof *v);
	free(v);
}

/* White space a careless paste adds or a user types alone: ASCII blanks and U+00A0. */
static size_t vault_space_at(const unsigned char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\v' || *s == '\f')
		return 1;
	if (s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	return 0;
}

/* The bytes of the first k characters from s (UTF-8), or 0 when end comes first. */
static size_t vault_chars_len(const unsigned char *s, const unsigned char *end, int k)
{
	const unsigned char *p = s;
	for (int i = 0; i < k; i++) {
		if (p >= end)
			return 0;
		p++;
		while (p < end && (*p & 0xc0U) == 0x80U)
			p++;
	}
	return (size_t)(p - s);
}

/* The passphrases a guesser tries first (doc/DESIGN.md, "Secrets"): one character repeated, a short
 * pattern repeated ("abcabcabcabc"), or little more than a name an attacker knows (the profile's, the
 * login's). s..last is the passphrase without white space at either end, of chars characters. */
static int vault_passphrase_weak(const unsigned char *s, const unsigned char *last, size_t chars,
                                 const char *const *names, struct diag *d)
{
	size_t len = (size_t)(last - s);
	for (int k = 1; k <= 4; k++) {
		size_t period = vault_chars_len(s, last, k);
		if (period == 0 || period >= len)
			break;
		size_t i = period;
		while (i < len && s[i] == s[i - period])
			i++;
		if (i == len) {
			if (k == 1)
				return diag_set(d, EX_USAGE, "%s",
				                _("the vault passphrase is one character repeated: choose one that is hard "
				                  "to guess"));
			return diag_set(d, EX_USAGE,
			                _("the vault passphrase repeats a pattern of %d characters: choose one that is "
			                  "hard to guess"),
			                k);
		}
	}
	for (size_t ni = 0; names && names[ni]; ni++) {
		size_t nlen = strlen(names[ni]);
		if (nlen < 3)
			continue;
		/* With every occurrence of the name taken out (any case), fewer than half the minimum left. */
		size_t rest = chars, found = 0;
		for (const unsigned char *p = s; p < last;) {
			if ((size_t)(last - p) >= nlen && strncasecmp((const char *)p, names[ni], nlen) == 0) {
				found++;
				for (size_t j = 0; j < nlen; j++)
					if ((p[j] & 0xc0U) != 0x80U)
						rest--;
				p += nlen;
				continue;
			}
			p += vault_chars_len(p, last, 1);
		}
		if (found && rest < VAULT_PASSPHRASE_MIN / 2)
			return diag_set(d, EX_USAGE,
			                _("the vault passphrase is little more than the name '%s', which others know: "
			                  "choose one that is hard to guess"),
			                names[ni]);
	}
	return EX_OK;
}

int vault_passphrase_check(const char *passphrase, struct diag *d)
{
	return vault_passphrase_check_names(passphrase, NULL, d);
}

int vault_passphrase_check_for(const char *passphrase, const char *profile, struct diag *d)
{
	const struct passwd *pw = getpwuid(geteuid());
	const char *names[3] = {NULL, NULL, NULL};
	size_t n = 0;
	if (profile)
		names[n++] = profile;
	if (pw && pw->pw_name)
		names[n++] = pw->pw_name;
	return vault_passphrase_check_names(passphrase, names, d);
}

int vault_passphrase_check_names(const char *passphrase, const char *const *names, struct diag *d)
{
	if (!passphrase || !passphrase[0])
		return diag_set(d, EX_USAGE, _("the vault passphrase is empty: choose one of at least %d characters"),
		                VAULT_PASSPHRASE_MIN);
	const unsigned char *s = (const unsigned char *)passphrase;
	const unsigned char *end = s + strlen(passphrase);
	size_t n;
	while (s < end && (n = vault_space_at(s)) > 0)
		s += n;
	if (s == end)
		return diag_set(d, EX_USAGE,
		                _("the vault passphrase is only white space: choose one of at least %d characters"),
		                VAULT_PASSPHRASE_MIN);
	/* Trailing white space: the last non-space character ends the count. */
	const unsigned char *last = s;
	for (const unsigned char *p = s; p < end;) {
		n = vault_space_at(p);
		if (n) {
			p += n;
			continue;
		}
		p++;
		while (p < end && (*p & 0xc0U) == 0x80U)
			p++;
		last = p;
	}
	size_t chars = 0;
	for (const unsigned char *p = s; p < last; p++)
		if ((*p & 0xc0U) != 0x80U)
			chars++;
	if (chars < VAULT_PASSPHRASE_MIN)
		return diag_set(
		    d, EX_USAGE,
		    _("the vault passphrase must have at least %d characters, not counting white space at "
		      "either end"),
		    VAULT_PASSPHRASE_MIN);
	return vault_passphrase_weak(s, last, chars, names, d);
}

int vault_kdf_floor_hit(const struct vault *v)
{
	return v ? v->floor_hit : 0;
}

unsigned vault_kdf_log2n(const struct vault *v)
{
	return v ? v->log2n : 0;
}

/* The cost of a new vault: the calibration, raised to the floor. A test build may set it directly. */
static unsigned vault_create_log2n(int kdf_ms, int *floor_hit)
{
	*floor_hit = 0;
#ifdef ENABLE_FAILPOINTS
	const char *env = getenv("HSM_ONBOARD_TEST_KDF_LOG2N");
	if (env && env[0]) {
		char *e;
		long v = strtol(env, &e, 10);
		if (*e == '\0' && v >= VAULT_LOG2N_MIN && v <= VAULT_LOG2N_OPEN_MAX)
			return (unsigned)v;
	}
#endif
	unsigned log2n = vault_calibrate(kdf_ms > 0 ? kdf_ms : VAULT_DEFAULT_KDF_MS);
	if (log2n < VAULT_KDF_FLOOR_LOG2N) {
		*floor_hit = 1;
		log2n = VAULT_KDF_FLOOR_LOG2N;
	}
	return log2n;
}

int vault_create(const char *path, const char *passphrase, int kdf_ms, struct vault **out, struct diag *d)
{
	*out = NULL;
	int rc = vault_passphrase_check(passphrase, d);
	if (rc != EX_OK)
		return rc;
	struct vault *v = calloc(1, sizeof *v);
	if (!v || !(v->path = strdup(path ? path : "vault")) || !(v->key = secmem_alloc(VAULT_KEY_LEN))) {
		vault_close(v);
		return diag_set(d, EX_OSERR, _("out of memory"));
	}
	v->log2n = vault_create_log2n(kdf_ms, &v->floor_hit);
	v->r = VAULT_R;
	v->p = VAULT_P;
	if (cryptolib_RAND_bytes(v->salt, sizeof v->salt) != 1 ||
	    vault_derive(passphrase, v->salt, v->log2n, v->r, v->p, v->key, v->kcv) != 0) {
		vault_close(v);
		return diag_set(d, EX_SOFTWARE, _("%s: cannot derive the vault key"), path);
	}
	*out = v;
	return EX_OK;
}

static void vault_header_check(const unsigned char *hdr, unsigned char *hcv)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	cryptolib_SHA256(hdr, VAULT_HEADER_LEN - VAULT_HCV_LEN, md);
	memcpy(hcv, md, VAULT_HCV_LEN);
}

/* Parses and checks the header (no key needed). */
static int vault_parse_header(const unsigned char *data, size_t len, const char *name, struct vault *v,
                              unsigned char *nonce, struct diag *d)
{
	if (len < 9 || memcmp(data, VAULT_MAGIC, 8) != 0) {
		if (len == 0 || (len < 9 && memcmp(data, VAULT_MAGIC, len < 8 ? len : 8) == 0))
			return diag_set(d, EX_DATAERR, _("%s: the vault is truncated (%zu bytes)"), name, len);
		return diag_set(d, EX_DATAERR, _("%s: not an hsm-onboard vault (bad magic); the file is corrupted"),
		                name);
	}
	if (data[8] != VAULT_VERSION)
		return diag_set(d, EX_DATAERR,
		                _("%s: unknown vault format version %u (this build reads version %d), or a corrupted "
		                  "file"),
		                name, data[8], VAULT_VERSION);
	if (len < VAULT_HEADER_LEN + VAULT_TAG_LEN)
		return diag_set(d, EX_DATAERR, _("%s: the vault is truncated (%zu bytes)"), name, len);
	unsigned char hcv[VAULT_HCV_LEN];
	vault_header_check(data, hcv);
	if (cryptolib_CRYPTO_memcmp(hcv, data + VAULT_HEADER_LEN - VAULT_HCV_LEN, VAULT_HCV_LEN) != 0)
		return diag_set(d, EX_DATAERR, _("%s: the vault header is corrupted (its checksum does not match)"),
		                name);
	v->log2n = data[9];
	v->r = vault_get32(data + 10);
	v->p = vault_get32(data + 14);
	if (v->log2n < 1 || v->log2n > VAULT_LOG2N_OPEN_MAX || v->r < 1 || v->r > 32 || v->p < 1 || v->p > 16 ||
	    ((uint64_t)128 * v->r << v->log2n) > VAULT_MAXMEM)
		return diag_set(d, EX_DATAERR,
		                _("%s: the vault header has impossible scrypt parameters (N=2^%u r=%u p=%u)"), name,
		                v->log2n, (unsigned)v->r, (unsigned)v->p);
	memcpy(v->salt, data + 18, VAULT_SALT_LEN);
	memcpy(nonce, data + 34, VAULT_NONCE_LEN);
	memcpy(v->kcv, data + 46, VAULT_KCV_LEN);
	return EX_OK;
}

static int vault_parse_entries(struct vault *v, const unsigned char *pt, size_t len, const char *name,
                               struct diag *d)
{
	size_t off = 0;
	while (off < len) {
		if (len - off < 5)
			return diag_set(d, EX_DATAERR, _("%s: the vault contents are malformed"), name);
		unsigned label = pt[off];
		uint32_t n = vault_get32(pt + off + 1);
		off += 5;
		if (label >= VAULT_LABEL_COUNT || v->entries[label] || n > len - off || memchr(pt + off, 0, n))
			return diag_set(d, EX_DATAERR, _("%s: the vault contents are malformed"), name);
		v->entries[label] = secmem_strndup((const char *)pt + off, n);
		if (!v->entries[label])
			return diag_set(d, EX_OSERR, _("%s: out of secure memory"), name);
		off += n;
	}
	return EX_OK;
}

static int vault_decrypt(const unsigned char *data, size_t len, const char *passphrase, const char *name,
                         const char *path, struct vault **out, struct diag *d)
{
	*out = NULL;
	struct vault *v = calloc(1, sizeof *v);
	if (!v || !(v->path = strdup(path)) || !(v->key = secmem_alloc(VAULT_KEY_LEN))) {
		vault_close(v);
		return diag_set(d, EX_OSERR, _("out of memory"));
	}
	unsigned char nonce[VAULT_NONCE_LEN];
	int rc = vault_parse_header(data, len, name, v, nonce, d);
	if (rc != EX_OK) {
		vault_close(v);
		return rc;
	}
	unsigned char kcv[VAULT_KCV_LEN];
	if (vault_derive(passphrase ? passphrase : "", v->salt, v->log2n, v->r, v->p, v->key, kcv) != 0) {
		vault_close(v);
		return diag_set(d, EX_SOFTWARE, _("%s: cannot derive the vault key"), name);
	}
	if (cryptolib_CRYPTO_memcmp(kcv, v->kcv, VAULT_KCV_LEN) != 0) {
		vault_close(v);
		return diag_set(d, EX_NOPERM, _("%s: wrong passphrase"), name);
	}
	size_t ct_len = len - VAULT_HEADER_LEN - VAULT_TAG_LEN;
	char *pt = secmem_alloc(ct_len);
	if (!pt) {
		vault_close(v);
		return diag_set(d, EX_OSERR, _("%s: out of secure memory"), name);
	}
	EVP_CIPHER_CTX *ctx = cryptolib_EVP_CIPHER_CTX_new();
	int outl = 0, fin = 0, ok = ctx != NULL;
	ok = ok && cryptolib_EVP_DecryptInit_ex(ctx, cryptolib_EVP_aes_256_gcm(), NULL, NULL, NULL) == 1;
	ok = ok && cryptolib_EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, VAULT_NONCE_LEN, NULL) == 1;
	ok = ok && cryptolib_EVP_DecryptInit_ex(ctx, NULL, NULL, (const unsigned char *)v->key, nonce) == 1;
	ok = ok && cryptolib_EVP_DecryptUpdate(ctx, NULL, &outl, data, VAULT_HEADER_LEN) == 1;
	ok = ok && cryptolib_EVP_DecryptUpdate(ctx, (unsigned char *)pt, &outl, data + VAULT_HEADER_LEN,
	                                       (int)ct_len) == 1;
	ok = ok && cryptolib_EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, VAULT_TAG_LEN,
	                                         (void *)(uintptr_t)(data + len - VAULT_TAG_LEN)) == 1;
	ok = ok && cryptolib_EVP_DecryptFinal_ex(ctx, (unsigned char *)pt + outl, &fin) == 1;
	cryptolib_EVP_CIPHER_CTX_free(ctx);
	if (!ok) {
		secmem_free(pt);
		vault_close(v);
		return diag_set(d, EX_DATAERR,
		                _("%s: the vault is corrupted or was tampered with (the passphrase is right, but the "
		                  "contents fail authentication)"),
		                name);
	}
	rc = vault_parse_entries(v, (const unsigned char *)pt, ct_len, name, d);
	secmem_free(pt);
	if (rc != EX_OK) {
		vault_close(v);
		return rc;
	}
	*out = v;
	return EX_OK;
}

int vault_open_buffer(const unsigned char *data, size_t len, const char *passphrase, struct vault **out,
                      struct diag *d)
{
	if (len > VAULT_MAX_FILE) {
		*out = NULL;
		return diag_set(d, EX_DATAERR, _("%s: too large for a vault; the file is corrupted"), "vault");
	}
	return vault_decrypt(data, len, passphrase, "vault", "vault", out, d);
}

int vault_check_mode(const char *path, struct diag *d)
{
	struct stat st;
	if (fsutil_refuse_symlink(path, d) != EX_OK)
		return d ? d->code : EX_NOPERM;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return diag_set_errno(d, EX_NOINPUT, _("%s: no vault"), path);
		return diag_set_errno(d, EX_NOINPUT, _("%s: cannot stat the vault"), path);
	}
	if (!S_ISREG(st.st_mode))
		return diag_set(d, EX_NOPERM, _("%s: the vault is not a regular file"), path);
	if (st.st_uid != geteuid())
		return diag_set(d, EX_NOPERM,
		                _("%s: the vault is owned by uid %u, not by you (uid %u); it is refused. If it is "
		                  "really yours, run: sudo chown %u '%s'"),
		                path, (unsigned)st.st_uid, (unsigned)geteuid(), (unsigned)geteuid(), path);
	if ((st.st_mode & 07777) != 0600)
		return diag_set(d, EX_NOPERM,
		                _("%s: permissions %04o are too open or wrong; the vault must be readable and "
		                  "writable by you only. Run: chmod 600 '%s'"),
		                path, (unsigned)(st.st_mode & 07777), path);
	return EX_OK;
}

int vault_open(const char *path, const char *passphrase, struct vault **out, struct diag *d)
{
	*out = NULL;
	int rc = vault_check_mode(path, d);
	if (rc != EX_OK)
		return rc;
	char *buf;
	size_t len;
	rc = fsutil_read_bounded(path, VAULT_MAX_FILE, FSUTIL_READ_NOFOLLOW, &buf, &len, d);
	if (rc == EX_DATAERR)
		return diag_set(d, EX_DATAERR, _("%s: too large for a vault; the file is corrupted"), path);
	if (rc != EX_OK)
		return rc;
	rc = vault_decrypt((const unsigned char *)buf, len, passphrase, path, path, out, d);
	free(buf);
	return rc;
}

int vault_save(struct vault *v, struct diag *d)
{
	size_t pt_len = 0;
	for (int i = 0; i < VAULT_LABEL_COUNT; i++)
		if (v->entries[i])
			pt_len += 5 + strlen(v->entries[i]);
	if (pt_len > VAULT_MAX_PLAINTEXT)
		return diag_set(d, EX_DATAERR, _("%s: the secrets are too large for the vault"), v->path);
	char *pt = secmem_alloc(pt_len);
	unsigned char *file = malloc(VAULT_HEADER_LEN + pt_len + VAULT_TAG_LEN);
	if (!pt || !file) {
		secmem_free(pt);
		free(file);
		return diag_set(d, EX_OSERR, _("%s: out of memory"), v->path);
	}
	size_t off = 0;
	for (int i = 0; i < VAULT_LABEL_COUNT; i++) {
		if (!v->entries[i])
			continue;
		size_t n = strlen(v->entries[i]);
		pt[off] = (char)i;
		vault_put32((unsigned char *)pt + off + 1, (uint32_t)n);
		memcpy(pt + off + 5, v->entries[i], n);
		off += 5 + n;
	}

	unsigned char *h = file;
	memcpy(h, VAULT_MAGIC, 8);
	h[8] = VAULT_VERSION;
	h[9] = (unsigned char)v->log2n;
	vault_put32(h + 10, v->r);
	vault_put32(h + 14, v->p);
	memcpy(h + 18, v->salt, VAULT_SALT_LEN);
	int ok = cryptolib_RAND_bytes(h + 34, VAULT_NONCE_LEN) == 1;
	memcpy(h + 46, v->kcv, VAULT_KCV_LEN);
	vault_header_check(h, h + VAULT_HEADER_LEN - VAULT_HCV_LEN);

	EVP_CIPHER_CTX *ctx = cryptolib_EVP_CIPHER_CTX_new();
	int outl = 0, fin = 0;
	ok = ok && ctx != NULL;
	ok = ok && cryptolib_EVP_EncryptInit_ex(ctx, cryptolib_EVP_aes_256_gcm(), NULL, NULL, NULL) == 1;
	ok = ok && cryptolib_EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, VAULT_NONCE_LEN, NULL) == 1;
	ok = ok && cryptolib_EVP_EncryptInit_ex(ctx, NULL, NULL, (const unsigned char *)v->key, h + 34) == 1;
	ok = ok && cryptolib_EVP_EncryptUpdate(ctx, NULL, &outl, h, VAULT_HEADER_LEN) == 1;
	ok = ok && cryptolib_EVP_EncryptUpdate(ctx, file + VAULT_HEADER_LEN, &outl, (const unsigned char *)pt,
	                                       (int)pt_len) == 1;
	ok = ok && cryptolib_EVP_EncryptFinal_ex(ctx, file + VAULT_HEADER_LEN + outl, &fin) == 1;
	ok = ok && cryptolib_EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, VAULT_TAG_LEN,
	                                         file + VAULT_HEADER_LEN + pt_len) == 1;
	cryptolib_EVP_CIPHER_CTX_free(ctx);
	secmem_free(pt);
	int rc;
	if (!ok)
		rc = diag_set(d, EX_SOFTWARE, _("%s: encryption failed"), v->path);
	else
		rc = fsutil_write_atomic(v->path, file, VAULT_HEADER_LEN + pt_len + VAULT_TAG_LEN, 0600, "vault", d);
	free(file);
	return rc;
}

const char *vault_get(const struct vault *v, enum vault_label label)
{
	return v && (unsigned)label < VAULT_LABEL_COUNT ? v->entries[label] : NULL;
}

int vault_set(struct vault *v, enum vault_label label, const char *value, struct diag *d)
{
	if ((unsigned)label >= VAULT_LABEL_COUNT)
		return diag_set(d, EX_SOFTWARE, _("unknown vault label %d"), (int)label);
	char *copy = NULL;
	if (value) {
		copy = secmem_strdup(value);
		if (!copy)
			return diag_set(d, EX_OSERR, _("out of secure memory"));
	}
	secmem_free(v->entries[label]);
	v->entries[label] = copy;
	return EX_OK;
}
