/* fuzz_vault.c: the vault loader (vault_open_buffer).
 *
 * A mutated vault image almost always fails the header checksum, and one that passes it fails the
 * GCM tag: random bytes never reach the entry parser behind the authentication. So the first input
 * byte chooses between two modes:
 *   even: the rest is a vault image, opened as is (header parsing, scrypt parameter limits, the
 *         checksum, key check and tag refusals);
 *   odd:  the rest is the decrypted payload; the harness seals it into a valid vault image (the
 *         format documented in vault.c: header, header check, key check, AES-256-GCM with the header as
 *         AAD) under a fixed passphrase and the cheapest scrypt cost, so the entry parser sees
 *         arbitrary plaintext.
 * Invariants: EX_OK, EX_DATAERR or EX_NOPERM with a message; a sealed image is never refused as a
 * wrong passphrase (that would mean this harness no longer matches the format); after a success each
 * label holds NULL or a string of its recorded size. */
#include "config.h"

#include "fuzz.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>
#include <sysexits.h>

#include "diag.h"
#include "secmem.h"
#include "vault.h"

#define FUZZ_PASSPHRASE "fuzzing passphrase 1"
#define FV_HEADER_LEN 70
#define FV_LOG2N 10
#define FV_R 8
#define FV_P 1

static unsigned char fv_key[32];
static unsigned char fv_kcv[16];
static const unsigned char fv_salt[16] = "hsmo-fuzz-salt!";
static const unsigned char fv_nonce[12] = "fuzz-nonce!";

static void fv_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	secmem_init(NULL);
	/* The key and key check the vault derives: scrypt gives K1 (AES key) || K2; the key check is
	 * SHA-256("hsm-onboard vault key check" || K2), first 16 bytes. Computed once, not per input. */
	unsigned char out[64];
	if (EVP_PBE_scrypt(FUZZ_PASSPHRASE, strlen(FUZZ_PASSPHRASE), fv_salt, sizeof fv_salt,
	                   (uint64_t)1 << FV_LOG2N, FV_R, FV_P, 0, out, sizeof out) != 1)
		fuzz_fail("scrypt failed");
	memcpy(fv_key, out, 32);
	static const char label[] = "hsm-onboard vault key check";
	unsigned char md[SHA256_DIGEST_LENGTH];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, label, sizeof label - 1) != 1 || EVP_DigestUpdate(ctx, out + 32, 32) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, NULL) != 1)
		fuzz_fail("sha256 failed");
	EVP_MD_CTX_free(ctx);
	memcpy(fv_kcv, md, sizeof fv_kcv);
	return 0;
}

/* Seals plaintext into a vault image; returns its length, 0 on failure. */
static size_t fv_seal(const uint8_t *pt, size_t len, unsigned char *img)
{
	unsigned char *h = img;
	memcpy(h, "HSMOVLT1", 8);
	h[8] = 1;
	h[9] = FV_LOG2N;
	fv_put32(h + 10, FV_R);
	fv_put32(h + 14, FV_P);
	memcpy(h + 18, fv_salt, 16);
	memcpy(h + 34, fv_nonce, 12);
	memcpy(h + 46, fv_kcv, 16);
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(h, FV_HEADER_LEN - 8, md);
	memcpy(h + FV_HEADER_LEN - 8, md, 8);

	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0, fin = 0, ok = ctx != NULL;
	ok = ok && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1;
	ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1;
	ok = ok && EVP_EncryptInit_ex(ctx, NULL, NULL, fv_key, fv_nonce) == 1;
	ok = ok && EVP_EncryptUpdate(ctx, NULL, &outl, h, FV_HEADER_LEN) == 1;
	ok = ok && EVP_EncryptUpdate(ctx, img + FV_HEADER_LEN, &outl, pt, (int)len) == 1;
	ok = ok && EVP_EncryptFinal_ex(ctx, img + FV_HEADER_LEN + outl, &fin) == 1;
	ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, img + FV_HEADER_LEN + len) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? FV_HEADER_LEN + len + 16 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int sealed = data[0] & 1;
	data++;
	size--;

	unsigned char *img = NULL;
	const unsigned char *image = data;
	size_t image_len = size;
	if (sealed) {
		/* Payloads beyond the vault's own 64 KiB limit only test the size check, which mode 0 does. */
		if (size > 64 * 1024)
			return 0;
		img = malloc(FV_HEADER_LEN + size + 16);
		if (!img)
			return 0;
		image_len = fv_seal(data, size, img);
		if (image_len == 0)
			fuzz_fail("sealing failed");
		image = img;
	}

	struct vault *v = NULL;
	struct diag d;
	diag_clear(&d);
	int rc = vault_open_buffer(image, image_len, FUZZ_PASSPHRASE, &v, &d);
	fuzz_note(rc, d.msg);
	if (rc != EX_OK && rc != EX_DATAERR && rc != EX_NOPERM)
		fuzz_fail("vault_open_buffer returned %d", rc);
	if (rc != EX_OK && d.msg[0] == '\0')
		fuzz_fail("vault_open_buffer failed with an empty message");
	if (rc != EX_OK && v)
		fuzz_fail("vault_open_buffer failed but returned a vault");
	if (sealed && rc == EX_NOPERM)
		fuzz_fail("a sealed image was refused as a wrong passphrase: the harness no longer matches vault.c");
	if (rc == EX_OK) {
		if (!v)
			fuzz_fail("vault_open_buffer succeeded without a vault");
		for (int l = 0; l < VAULT_LABEL_COUNT; l++) {
			const char *s = vault_get(v, (enum vault_label)l);
			if (s && strlen(s) != secmem_size(s))
				fuzz_fail("label %s: string length differs from its buffer size", vault_label_name((enum vault_label)l));
		}
	}
	vault_close(v);
	free(img);
	return 0;
}
