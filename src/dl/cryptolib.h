/* cryptolib.h: libcrypto (OpenSSL 3), loaded on first use (contract).
 *
 * Why: linking libcrypto costs every start of hsm-onboard ~25,000 relocations and ~120 page faults
 * before main() runs, 0.6-0.8 ms on this class of machine: more than the rest of the wizard's path to
 * its first frame, which never needs OpenSSL. Only the vault, the secure heap and the
 * random secrets do, and they call it through these wrappers, which load libcrypto.so.3 (lazylib.h).
 *
 * secmem_init(NULL) is the first caller on every path that holds a secret (doc/DESIGN.md, "Secrets",
 * rule 2): main() starts the secure heap before most commands run; the wizard's first secret starts it
 * through secmem_alloc, before the secret exists. <openssl/...> headers still give the types and constants.
 *
 * Each wrapper has the name and the parameters of the OpenSSL function, prefixed with cryptolib_. The
 * pointers behind them have the exact type of OpenSSL's own declaration (cryptolib.c), so a wrapper
 * that disagrees with OpenSSL's prototype does not compile. */
#ifndef HSMO_CRYPTOLIB_H
#define HSMO_CRYPTOLIB_H

#include "diag.h"
#include "lazylib.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdint.h>

/* The soname loaded; the runtime package is libssl3 (a dependency of libssl-dev). */
#define CRYPTOLIB_SONAME "libcrypto.so.3"

/* Loads libcrypto once per process: EX_OK, or EX_UNAVAILABLE naming the library and its package.
 * A wrapper called before it loads the library itself, or exits the process (lazylib_need). */
int cryptolib_load(struct diag *d);

/* The OpenSSL functions we use: F(return type, name, parameters, arguments) for those that return a
 * value, V(name, parameters, arguments) for those that return void. */
#define CRYPTOLIB_FUNCS(F, V)                                                                                \
	F(int, CRYPTO_secure_malloc_init, (size_t size, size_t minsize), (size, minsize))                        \
	F(void *, CRYPTO_secure_zalloc, (size_t num, const char *file, int line), (num, file, line))             \
	V(CRYPTO_secure_clear_free, (void *ptr, size_t num, const char *file, int line), (ptr, num, file, line)) \
	F(int, CRYPTO_memcmp, (const void *a, const void *b, size_t len), (a, b, len))                           \
	V(OPENSSL_cleanse, (void *ptr, size_t len), (ptr, len))                                                  \
	F(int, RAND_bytes, (unsigned char *buf, int num), (buf, num))                                            \
	F(const char *, OpenSSL_version, (int type), (type))                                                     \
	F(unsigned char *, SHA256, (const unsigned char *d, size_t n, unsigned char *md), (d, n, md))            \
	F(const EVP_MD *, EVP_sha256, (void), ())                                                                \
	F(EVP_MD_CTX *, EVP_MD_CTX_new, (void), ())                                                              \
	V(EVP_MD_CTX_free, (EVP_MD_CTX * ctx), (ctx))                                                            \
	F(int, EVP_DigestInit_ex, (EVP_MD_CTX * ctx, const EVP_MD *type, ENGINE *impl), (ctx, type, impl))       \
	F(int, EVP_DigestUpdate, (EVP_MD_CTX * ctx, const void *d, size_t cnt), (ctx, d, cnt))                   \
	F(int, EVP_DigestFinal_ex, (EVP_MD_CTX * ctx, unsigned char *md, unsigned int *s), (ctx, md, s))         \
	F(int, EVP_PBE_scrypt,                                                                                   \
	  (const char *pass, size_t passlen, const unsigned char *salt, size_t saltlen, uint64_t N, uint64_t r,  \
	   uint64_t p, uint64_t maxmem, unsigned char *key, size_t keylen),                                      \
	  (pass, passlen, salt, saltlen, N, r, p, maxmem, key, keylen))                                          \
	F(const EVP_CIPHER *, EVP_aes_256_gcm, (void), ())                                                       \
	F(EVP_CIPHER_CTX *, EVP_CIPHER_CTX_new, (void), ())                                                      \
	V(EVP_CIPHER_CTX_free, (EVP_CIPHER_CTX * ctx), (ctx))                                                    \
	F(int, EVP_CIPHER_CTX_ctrl, (EVP_CIPHER_CTX * ctx, int type, int arg, void *ptr), (ctx, type, arg, ptr)) \
	F(int, EVP_EncryptInit_ex,                                                                               \
	  (EVP_CIPHER_CTX * ctx, const EVP_CIPHER *type, ENGINE *impl, const unsigned char *key,                 \
	   const unsigned char *iv),                                                                             \
	  (ctx, type, impl, key, iv))                                                                            \
	F(int, EVP_EncryptUpdate,                                                                                \
	  (EVP_CIPHER_CTX * ctx, unsigned char *out, int *outl, const unsigned char *in, int inl),               \
	  (ctx, out, outl, in, inl))                                                                             \
	F(int, EVP_EncryptFinal_ex, (EVP_CIPHER_CTX * ctx, unsigned char *out, int *outl), (ctx, out, outl))     \
	F(int, EVP_DecryptInit_ex,                                                                               \
	  (EVP_CIPHER_CTX * ctx, const EVP_CIPHER *type, ENGINE *impl, const unsigned char *key,                 \
	   const unsigned char *iv),                                                                             \
	  (ctx, type, impl, key, iv))                                                                            \
	F(int, EVP_DecryptUpdate,                                                                                \
	  (EVP_CIPHER_CTX * ctx, unsigned char *out, int *outl, const unsigned char *in, int inl),               \
	  (ctx, out, outl, in, inl))                                                                             \
	F(int, EVP_DecryptFinal_ex, (EVP_CIPHER_CTX * ctx, unsigned char *outm, int *outl), (ctx, outm, outl))

#define LAZYLIB_PREFIX cryptolib
CRYPTOLIB_FUNCS(LAZYLIB_DECLARE_F, LAZYLIB_DECLARE_V)
#undef LAZYLIB_PREFIX

#endif
