/* targets.c: the client configuration files of each target (targets.h). */
#include "config.h"

#include "targets.h"

#include "cryptolib.h"
#include "fsutil.h"
#include "i18n.h"
#include "netcheck.h"
#include "orders.h"
#include "randsecret.h"
#include "secmem.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

/* The Primus provider's library where its installer puts it (doc/securosys-facts.md). */
#define TARGETS_PRIMUS_LIB "/usr/local/primus/lib/libprimusP11.so"
#define TARGETS_MAX_FILE (64 * 1024)
/* The longest PIN pkcs11-provider reads from a PIN file before version 1.2.0 (doc/securosys-facts.md,
 * "OpenSSL"). */
#define TARGETS_OPENSSL3_PIN_MAX 31
/* The label of the key Vault creates for its seal, when it is missing. */
#define TARGETS_SEAL_KEY "hsm-onboard-vault-unseal"

static const struct target target_libp11 = {
    "libp11", "openssl/libp11/Installation/configuration",
    N_("OpenSSL engine (libp11, Debian: libengine-pkcs11-openssl): openssl.cnf"),
    N_("OpenSSL engine (libp11): openssl.cnf"), TARGET_FITS_PKCS11};
static const struct target target_openssl3 = {"openssl3", "openssl/osslv3/Installation/configuration",
                                              N_("OpenSSL 3 pkcs11-provider: openssl-provider.cnf"),
                                              N_("OpenSSL 3 provider: openssl-provider.cnf"),
                                              TARGET_FITS_PKCS11};
static const struct target target_env = {
    "env", "pkcs/Installation/pkcs11_provider_configuration",
    N_("primus.env for services and containers (Primus provider 1.8.4 or later)"),
    N_("primus.env for services and containers"), TARGET_FITS_PRIMUS};
static const struct target target_vault = {
    "vault",
    "hc_sse/Installation/configuration, hc_vault/Concepts/autounseal, "
    "hc-vault-enterprise/Installation/installation",
    N_("HashiCorp Vault: secrets engine script and auto-unseal stanza (TSBaaS), or the pkcs11 seal"),
    N_("HashiCorp Vault: seal stanza"), TARGET_FITS_PKCS11 | TARGET_FITS_TSBAAS};

static const struct target target_openbao = {
    "openbao", "openbao.org/docs/configuration/seal/securosys",
    N_("OpenBao: the seal \"securosys\" stanza (TSBaaS, with the securosys plugin of openbao-plugins)"),
    N_("OpenBao: seal stanza"), TARGET_FITS_TSBAAS};

static const struct target target_tsb = {
    "tsb", "tsb/Installation/On-Premise-Installation",
    N_("Transaction Security Broker: the hsm: block of application-local.yml"),
    N_("Transaction Security Broker (TSB)"), TARGET_FITS_JCE};
static const struct target target_xks = {"xks", "xks/Installation/Installation",
                                         N_("XKS proxy for AWS KMS: the hsm: block of application.yaml"),
                                         N_("XKS proxy for AWS KMS"), TARGET_FITS_JCE};

static const struct target target_ksp = {
    "ksp", "mscng/Installation/Configuring, mscng/Installation/installation-CLI",
    N_("Microsoft CNG/KSP on Windows: the connection settings and the steps (no secret)"),
    N_("Microsoft CNG/KSP on Windows (no secret)"), TARGET_FITS_KSP};

const struct target *const targets_all[] = {&target_libp11, &target_openssl3, &target_env,
                                            &target_vault,  &target_openbao,  &target_tsb,
                                            &target_xks,    &target_ksp,      NULL};

const struct target *targets_find(const char *name)
{
	for (size_t i = 0; name && targets_all[i]; i++)
		if (strcmp(targets_all[i]->name, name) == 0)
			return targets_all[i];
	return NULL;
}

int targets_is_tsbaas(const struct state *st)
{
	return state_is_tsbaas(st);
}

int targets_fit(const struct target *t, const struct state *st)
{
	/* The engine chosen, or before connect the one of the profile's path (orders_path_of; DESIGN.md,
	 * "Engines"): JCE, TSB and XKS customers log in through the JCE provider, CNG ones on Windows. */
	const char *engine = orders_path_engine(st);
	int pkcs11 = engine && (strcmp(engine, "pkcs11") == 0 || strcmp(engine, "primus") == 0);
	int primus = engine && strcmp(engine, "primus") == 0;
	int jce = engine && strcmp(engine, "jce") == 0;
	if (targets_is_tsbaas(st))
		return (t->fits & TARGET_FITS_TSBAAS) != 0;
	if (t->fits & TARGET_FITS_KSP)
		return !st->engine.engine && orders_path_is(st, ORDERS_PATH_KSP);
	if (t->fits & TARGET_FITS_JCE)
		return jce;
	if (t->fits & TARGET_FITS_PRIMUS)
		return primus;
	return (t->fits & TARGET_FITS_PKCS11) && pkcs11;
}

/* ---- writing ---- */

/* A growing text in the ordinary heap, for files without a secret. */
struct tg_buf {
	char *s;
	size_t len, cap;
	int oom;
};

static void tg_printf(struct tg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tg_printf(struct tg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || b->oom)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->oom = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static int tg_write_buf(struct tg_buf *b, const char *path, mode_t mode, struct filelist *out,
                        const char *what, struct diag *d)
{
	if (b->oom) {
		free(b->s);
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	}
	int rc = fsutil_write_atomic(path, b->s ? b->s : "", b->len, mode, "config", d);
	free(b->s);
	memset(b, 0, sizeof *b);
	if (rc == EX_OK)
		filelist_add(out, path, what);
	return rc;
}

/* How a secret is escaped inside the quoted string of each format (doc/DESIGN.md, "Client
 * configuration"): each reader has its own rules, and one format's escape is a literal in another. */
enum tg_escape {
	TG_RAW,     /* the file holds the secret alone (a PIN file) */
	TG_OPENSSL, /* OpenSSL .cnf "...": a backslash escapes the next character; '$' is literal in quotes */
	TG_SYSTEMD, /* systemd EnvironmentFile "...": '\\' and '"' take a backslash; no expansion */
	            /* HCL would also need "$${" and "%%{"; the HCL files hold only values of [A-Za-z0-9._-]. */
};

/* Writes prefix secret suffix into a 0600 file, the text built only in the secure heap, the secret
 * escaped for its format. */
static int tg_write_secret(const char *path, const char *prefix, const char *secret, const char *suffix,
                           enum tg_escape esc, struct filelist *out, const char *what, struct diag *d)
{
	size_t plen = strlen(prefix), slen = strlen(secret), xlen = strlen(suffix);
	char *buf = secmem_alloc(plen + 2 * slen + xlen + 1);
	if (!buf)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	size_t n = 0;
	memcpy(buf, prefix, plen);
	n += plen;
	for (size_t i = 0; i < slen; i++) {
		if (esc != TG_RAW && (secret[i] == '"' || secret[i] == '\\'))
			buf[n++] = '\\';
		buf[n++] = secret[i];
	}
	memcpy(buf + n, suffix, xlen);
	n += xlen;
	int rc = fsutil_write_atomic(path, buf, n, 0600, "config", d);
	secmem_free(buf);
	if (rc == EX_OK)
		filelist_add(out, path, what);
	return rc;
}

/* A value with no quote, backslash, newline or control character, so it can stand in a quoted string of
 * every format we write: names and paths from the profile are checked before they are written. */
static int tg_plain(const char *what, const char *v, struct diag *d)
{
	for (const unsigned char *c = (const unsigned char *)v; *c; c++)
		if (*c < 0x20 || *c == 0x7f || *c == '"' || *c == '\\' || *c == '\'' || *c == '$')
			return diag_set(d, EX_DATAERR,
			                _("%s '%s' has a character that cannot be written into a configuration file"),
			                what, v);
	return EX_OK;
}

/* A folder OpenSSL reads unquoted (.include, the provider's file: URI): '#' starts a comment, '$' a
 * variable, '%' an escape in a URI, and a quote or backslash is taken literally; such a folder cannot be
 * written into those values (doc/DESIGN.md, "Client configuration"). */
static int tg_openssl_folder(const char *dir, struct diag *d)
{
	for (const unsigned char *c = (const unsigned char *)dir; *c; c++)
		if (*c < 0x20 || *c == 0x7f || strchr("#%$\"'\\ ", *c))
			return diag_set(d, EX_DATAERR,
			                _("the folder '%s' has a character ('#', '%%', '$', a quote, a backslash or a "
			                  "blank) that OpenSSL's configuration cannot take in an unquoted path: choose "
			                  "another --output folder"),
			                dir);
	return EX_OK;
}

/* The Primus provider finds its files through these variables (provider 1.8.4+): every client file of
 * a primus profile names them (doc/securosys-facts.md, "Primus provider files"). */
static void tg_primus_comment(struct tg_buf *b, const struct targets_input *in, const char *dir)
{
	if (!in->engine || strcmp(in->engine, "primus") != 0)
		return;
	tg_printf(b,
	          "# The Primus provider reads its files from the environment of the program (provider 1.8.4 or\n"
	          "# later; older ones read only /etc/primus, see 'hsm-onboard config --system'):\n"
	          "#   SECUROSYS_PKCS11_CONF=%s/primus.cfg\n"
	          "#   SECUROSYS_SECRETS_CONF=%s/.secrets.cfg\n",
	          dir, dir);
}

/* The folder where OpenSSL looks for engines or providers (OPENSSL_ENGINES_DIR, OPENSSL_MODULES_DIR),
 * from the library itself: Debian puts them under the multiarch directory. */
static void tg_openssl_dir(int which, const char *fallback, char *buf, size_t size)
{
	snprintf(buf, size, "%s", fallback);
	struct diag ignored;
	if (cryptolib_load(&ignored) != EX_OK)
		return;
	const char *v = cryptolib_OpenSSL_version(which);
	const char *q = v ? strchr(v, '"') : NULL;
	const char *e = q ? strchr(q + 1, '"') : NULL;
	if (q && e && e > q + 1 && (size_t)(e - q - 1) < size)
		snprintf(buf, size, "%.*s", (int)(e - q - 1), q + 1);
}

static int tg_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static int tg_libp11(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d)
{
	char pin_path[PATH_MAX + 32], cnf[PATH_MAX + 32], engines[PATH_MAX], engine[PATH_MAX + 32];
	if (!in->pin)
		return diag_set(d, EX_DATAERR, "%s", _("the vault holds no PIN for applications"));
	int rc = tg_plain(_("module path"), in->module, d);
	if (rc == EX_OK && in->token_label)
		rc = tg_plain(_("token label"), in->token_label, d);
	if (rc == EX_OK)
		rc = tg_openssl_folder(dir, d);
	if (rc != EX_OK)
		return rc;
	snprintf(pin_path, sizeof pin_path, "%s/openssl-pin.secret.cnf", dir);
	snprintf(cnf, sizeof cnf, "%s/openssl.cnf", dir);
	/* Debian's libengine-pkcs11-openssl installs ENGINESDIR/pkcs11.so (and libpkcs11.so); the docs
	 * name /usr/lib/ssl/engines/libpkcs11.so. */
	tg_openssl_dir(OPENSSL_ENGINES_DIR, "/usr/lib/ssl/engines", engines, sizeof engines);
	snprintf(engine, sizeof engine, "%s/pkcs11.so", engines);
	if (!tg_exists(engine)) {
		snprintf(engine, sizeof engine, "%s/libpkcs11.so", engines);
		if (!tg_exists(engine))
			snprintf(engine, sizeof engine, "%s/pkcs11.so", engines);
	}
	/* libp11 takes the PIN only from its PIN setting, so OpenSSL's .include brings it in from a 0600
	 * file: openssl.cnf itself holds no secret. */
	rc = tg_write_secret(
	    pin_path, "# hsm-onboard: the PKCS#11 PIN for openssl.cnf (keep this file mode 0600)\nPIN = \"",
	    in->pin, "\"\n", TG_OPENSSL, out, _("OpenSSL engine PIN (mode 0600, included by openssl.cnf)"), d);
	if (rc != EX_OK)
		return rc;
	struct tg_buf b = {0};
	tg_printf(
	    &b,
	    "# OpenSSL configuration for the PKCS#11 engine (libp11), written by hsm-onboard.\n"
	    "# Layout: Securosys docs, openssl/libp11/Installation/configuration. Use it with\n"
	    "#   OPENSSL_CONF=%s openssl ... -engine pkcs11 -keyform engine \\\n"
	    "#     -inkey 'pkcs11:token=%s;object=KEY-LABEL;type=private'\n"
	    "# (libp11 refuses module-path in a URI: the module is set below). It holds no secret: the PIN\n"
	    "# comes from the included file, mode 0600. libp11 uses at most 31 characters of a PIN.\n",
	    cnf, in->token_label ? in->token_label : "");
	tg_primus_comment(&b, in, dir);
	tg_printf(&b,
	          "openssl_conf = openssl_init\n\n"
	          "[openssl_init]\nengines = engine_section\n\n"
	          "[engine_section]\npkcs11 = pkcs11_section\n\n"
	          "[pkcs11_section]\n"
	          "engine_id = pkcs11\n"
	          "dynamic_path = \"%s\"\n"
	          "MODULE_PATH = \"%s\"\n"
	          ".include %s\n"
	          "init = 0\n",
	          engine, in->module, pin_path);
	return tg_write_buf(&b, cnf, 0644, out, _("OpenSSL engine configuration (OPENSSL_CONF)"), d);
}

/* The PIN file the OpenSSL 3 provider and pin-source URIs read: the PIN alone, no newline. */
static int tg_pin_file(const struct targets_input *in, const char *dir, char *path, size_t size,
                       struct filelist *out, struct diag *d)
{
	if (!in->pin)
		return diag_set(d, EX_DATAERR, "%s", _("the vault holds no PIN for applications"));
	snprintf(path, size, "%s/pkcs11.pin", dir);
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->path[i], path) == 0)
			return EX_OK;
	return tg_write_secret(path, "", in->pin, "", TG_RAW, out, _("PIN file (mode 0600, holds the PIN)"), d);
}

static int tg_openssl3(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d)
{
	char pin_path[PATH_MAX + 32], cnf[PATH_MAX + 32], modules[PATH_MAX], provider[PATH_MAX + 32];
	int rc = tg_plain(_("module path"), in->module, d);
	if (rc == EX_OK)
		rc = tg_openssl_folder(dir, d);
	/* pkcs11-provider reads at most 31 characters of a PIN file (32 from its version 1.2.0): a longer
	 * PIN would be cut and refused by the HSM, costing a login attempt (doc/securosys-facts.md,
	 * "OpenSSL"). */
	if (rc == EX_OK && in->pin && strlen(in->pin) > TARGETS_OPENSSL3_PIN_MAX)
		rc = diag_set(
		    d, EX_DATAERR,
		    _("the OpenSSL 3 pkcs11-provider reads at most %d characters of a PIN file, and this "
		      "profile's PIN has %zu: the provider would cut it and the HSM would refuse the login. "
		      "A new PIN of at most %d characters is set by 'connect --pin-length %d' (engine "
		      "pkcs11); a Primus PKCS#11 password comes from the credential file"),
		    TARGETS_OPENSSL3_PIN_MAX, strlen(in->pin), TARGETS_OPENSSL3_PIN_MAX, TARGETS_OPENSSL3_PIN_MAX);
	if (rc == EX_OK)
		rc = tg_pin_file(in, dir, pin_path, sizeof pin_path, out, d);
	if (rc != EX_OK)
		return rc;
	snprintf(cnf, sizeof cnf, "%s/openssl-provider.cnf", dir);
	/* Where a distribution's pkcs11-provider package puts it; the docs' build installs it under
	 * /usr/local/lib/ossl-modules. */
	tg_openssl_dir(OPENSSL_MODULES_DIR, "/usr/local/lib/ossl-modules", modules, sizeof modules);
	snprintf(provider, sizeof provider, "%s/pkcs11.so", modules);
	if (!tg_exists(provider) && tg_exists("/usr/local/lib/ossl-modules/pkcs11.so"))
		snprintf(provider, sizeof provider, "%s", "/usr/local/lib/ossl-modules/pkcs11.so");
	struct tg_buf b = {0};
	tg_printf(
	    &b,
	    "# OpenSSL 3 configuration for the PKCS#11 provider (pkcs11-provider), written by hsm-onboard.\n"
	    "# Layout: Securosys docs, openssl/osslv3/Installation/configuration. Use it with\n"
	    "#   OPENSSL_CONF=%s\n"
	    "# It holds no secret: the provider reads the PIN from the file, mode 0600.\n",
	    cnf);
	tg_primus_comment(&b, in, dir);
	tg_printf(&b,
	          "HOME = .\n"
	          "openssl_conf = openssl_init\n"
	          "config_diagnostics = 1\n\n"
	          "[openssl_init]\nproviders = provider_sect\n\n"
	          "[provider_sect]\ndefault = default_sect\nbase = base_sect\npkcs11 = pkcs11_sect\n\n"
	          "[base_sect]\nactivate = 1\n\n"
	          "[default_sect]\nactivate = 1\n\n"
	          "[pkcs11_sect]\n"
	          "module = %s\n"
	          "pkcs11-module-path = \"%s\"\n"
	          "pkcs11-module-token-pin = file:%s\n"
	          "pkcs11-module-load-behavior = early\n"
	          "pkcs11-module-quirks = no-deinit no-operation-state\n"
	          "activate = 1\n",
	          provider, in->module, pin_path);
	return tg_write_buf(&b, cnf, 0644, out, _("OpenSSL 3 provider configuration (OPENSSL_CONF)"), d);
}

static int tg_env(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d)
{
	(void)in;
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/primus.env", dir);
	struct tg_buf b = {0};
	tg_printf(&b,
	          "# For services and containers using the Primus PKCS#11 provider, written by hsm-onboard.\n"
	          "# The provider reads these variables from version 1.8.4 on (Securosys docs,\n"
	          "# pkcs/Installation/pkcs11_provider_configuration); older versions read only\n"
	          "# /etc/primus/primus.cfg. systemd: EnvironmentFile=%s; docker: --env-file.\n"
	          "# No secret here: .secrets.cfg (mode 0600) holds the user secret, ciphered.\n"
	          "SECUROSYS_PKCS11_CONF=%s/primus.cfg\n"
	          "SECUROSYS_SECRETS_CONF=%s/.secrets.cfg\n",
	          path, dir, dir);
	return tg_write_buf(&b, path, 0644, out, _("Primus provider environment (provider 1.8.4 or later)"), d);
}

/* The quoted value of a setting in an earlier file we wrote ("key = \"v\"" in HCL, "key: 'v'" in YAML):
 * a random password that a client already used (Vault's unseal key, TSB's encrypted user secret) must
 * survive a rewrite, or the client is locked out of its own data. NULL when there is none. */
static char *tg_old_setting(const char *path, const char *key, char sep)
{
	char *text = NULL;
	size_t len = 0;
	struct diag ignored;
	if (fsutil_read_bounded(path, TARGETS_MAX_FILE, FSUTIL_READ_SECRET, &text, &len, &ignored) != EX_OK)
		return NULL;
	char *out = NULL;
	size_t klen = strlen(key);
	/* The setting, not the word in a comment: key, blanks, sep, blanks, a quoted value. */
	for (const char *k = strstr(text, key); k && !out; k = strstr(k + 1, key)) {
		const char *q = k + klen;
		q += strspn(q, " \t");
		if (*q != sep)
			continue;
		q += 1 + strspn(q + 1, " \t");
		const char *e = *q == '"' || *q == '\'' ? strchr(q + 1, *q) : NULL;
		if (e && e > q + 1 && !memchr(q, '\n', (size_t)(e - q)))
			out = secmem_strndup(q + 1, (size_t)(e - q - 1));
	}
	secmem_free(text);
	return out;
}

static void tg_sh_quote(struct tg_buf *b, const char *s)
{
	tg_printf(b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			tg_printf(b, "'\\''");
		else
			tg_printf(b, "%c", *s);
	}
	tg_printf(b, "'");
}

/* What both TSBaaS seals need: the API endpoint in its one form (api, 2048 bytes; `check` uses the same,
 * every client adds /v1/ itself) and a JWT that fits a quoted HCL string. */
static int tg_tsbaas_check(const struct targets_input *in, char *api, size_t size, struct diag *d)
{
	if (!in->st->api_endpoint || !in->st->api_endpoint[0])
		return diag_set(d, EX_DATAERR, "%s", _("the profile has no API-Endpoint: import the jwt file again"));
	int rc = netcheck_api_base(in->st->api_endpoint, api, size, d);
	if (rc != EX_OK)
		return rc;
	if (!in->jwt)
		return diag_set(d, EX_DATAERR, "%s", _("the vault holds no JWT: import the jwt file again"));
	rc = tg_plain("API-Endpoint", api, d);
	if (rc != EX_OK)
		return rc;
	/* A JWT is three base64url parts joined by dots; anything else would break the quoted HCL string
	 * (and is never shown: it is a secret). */
	for (const char *c = in->jwt; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		      *c == '_' || *c == '.'))
			return diag_set(d, EX_DATAERR, "%s",
			                _("the JWT in the vault is not of base64url parts: import the jwt file again"));
	return EX_OK;
}

/* OpenBao's own Securosys seal (openbao.org, docs/configuration/seal/securosys): the external KMS plugin
 * of openbao-plugins, with only its documented keys. */
static int tg_openbao(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d)
{
	char api[2048], seal[PATH_MAX + 40];
	int rc = tg_tsbaas_check(in, api, sizeof api, d);
	if (rc != EX_OK)
		return rc;
	snprintf(seal, sizeof seal, "%s/openbao-seal-securosys.secret.hcl", dir);
	size_t n = strlen(in->jwt) + strlen(api) + 1024;
	char *text = secmem_alloc(n);
	if (!text)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	snprintf(text, n,
	         "# Auto-unseal of OpenBao through TSBaaS, written by hsm-onboard (openbao.org,\n"
	         "# docs/configuration/seal/securosys). OpenBao loads this seal from the securosys plugin of\n"
	         "# openbao-plugins. Copy this stanza into OpenBao's configuration. It holds the JWT\n"
	         "# (bearer_token): keep it mode 0600.\n"
	         "seal \"securosys\" {\n"
	         "  key_label        = \"" TARGETS_SEAL_KEY "\"\n"
	         "  tsb_api_endpoint = \"%s\"\n"
	         "  auth             = \"TOKEN\"\n"
	         "  bearer_token     = \"%s\"\n"
	         "}\n",
	         api, in->jwt);
	rc = tg_write_secret(seal, "", text, "", TG_RAW, out,
	                     _("OpenBao auto-unseal stanza (mode 0600, holds the JWT)"), d);
	secmem_free(text);
	return rc;
}

static int tg_vault_tsbaas(const struct targets_input *in, const char *dir, struct filelist *out,
                           struct diag *d)
{
	char api[2048];
	int rc = tg_tsbaas_check(in, api, sizeof api, d);
	if (rc != EX_OK)
		return rc;
	char token[PATH_MAX + 40], script[PATH_MAX + 40], seal[PATH_MAX + 40];
	snprintf(token, sizeof token, "%s/vault-bearer-token.secret", dir);
	snprintf(script, sizeof script, "%s/vault-secrets-engine.sh", dir);
	snprintf(seal, sizeof seal, "%s/vault-seal-securosys.secret.hcl", dir);

	/* The JWT alone: `vault write key=@file` reads it, so it never reaches argv. */
	rc = tg_write_secret(token, "", in->jwt, "", TG_RAW, out,
	                     _("Vault bearer token (mode 0600, holds the JWT)"), d);
	if (rc != EX_OK)
		return rc;
	struct tg_buf b = {0};
	tg_printf(
	    &b,
	    "#!/bin/sh\n"
	    "# Configures the Securosys secrets engine of HashiCorp Vault for TSBaaS, written by hsm-onboard\n"
	    "# (Securosys docs, hc_sse/Installation/configuration). Run it where `vault` is logged in.\n"
	    "# The JWT stays in the 0600 file: Vault reads `bearertoken=@FILE` itself.\n"
	    "set -eu\n"
	    "exec vault write securosys-hsm/config auth=\"TOKEN\" bearertoken=@");
	tg_sh_quote(&b, token);
	tg_printf(&b, " restapi=");
	tg_sh_quote(&b, api);
	tg_printf(&b, "\n");
	rc = tg_write_buf(&b, script, 0755, out, _("Vault secrets engine setup script"), d);
	if (rc != EX_OK)
		return rc;

	/* Vault reads a seal's settings only from its configuration: the stanza holds the JWT and the key
	 * password, so the whole file is 0600. */
	char *kp = tg_old_setting(seal, "key_password", '=');
	if (!kp)
		kp = randsecret_new(ENGINE_PIN_DEFAULT);
	if (!kp)
		return diag_set(d, EX_SOFTWARE, "%s", _("the random generator failed"));
	size_t n = strlen(in->jwt) + strlen(kp) + strlen(api) + 1024;
	char *text = secmem_alloc(n);
	if (!text) {
		secmem_free(kp);
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	}
	snprintf(
	    text, n + 1,
	    "# Auto-unseal of HashiCorp Vault through TSBaaS, written by hsm-onboard (Securosys docs,\n"
	    "# hc_vault/Concepts/autounseal). The seal \"securosys-hsm\" exists only in Securosys' build of\n"
	    "# Vault (github.com/securosys-com/hcvault-ce-rest-integration), not in HashiCorp's; OpenBao\n"
	    "# has its own: 'hsm-onboard config --for openbao'.\n"
	    "# Copy this stanza into Vault's config.hcl. It holds the JWT\n"
	    "# (bearer_token) and the unseal key's password (key_password): keep it mode 0600. Keep\n"
	    "# key_password once Vault has created its key; hsm-onboard keeps it when it rewrites this file.\n"
	    "seal \"securosys-hsm\" {\n"
	    "  key_label        = \"" TARGETS_SEAL_KEY "\"\n"
	    "  key_password     = \"%s\"\n"
	    "  tsb_api_endpoint = \"%s\"\n"
	    "  auth             = \"TOKEN\"\n"
	    "  bearer_token     = \"%s\"\n"
	    "  check_every      = 5\n"
	    "  approval_timeout = 30\n"
	    "}\n",
	    kp, api, in->jwt);
	/* The JWT and the random password are of [A-Za-z0-9._-] (checked at import, made here), so no
	 * escaping is needed; tg_write_secret writes the text as it is. */
	rc = tg_write_secret(seal, "", text, "", TG_RAW, out,
	                     _("Vault auto-unseal stanza (mode 0600, holds the JWT)"), d);
	secmem_free(text);
	secmem_free(kp);
	return rc;
}

static int tg_vault_pkcs11(const struct targets_input *in, const char *dir, struct filelist *out,
                           struct diag *d)
{
	if (!in->pin)
		return diag_set(d, EX_DATAERR, "%s", _("the vault holds no PIN for applications"));
	int rc = tg_plain(_("module path"), in->module, d);
	if (rc == EX_OK && in->token_label)
		rc = tg_plain(_("token label"), in->token_label, d);
	if (rc != EX_OK)
		return rc;
	char env[PATH_MAX + 40], seal[PATH_MAX + 40];
	snprintf(env, sizeof env, "%s/vault-hsm-pin.secret.env", dir);
	snprintf(seal, sizeof seal, "%s/vault-seal-pkcs11.hcl", dir);
	/* Vault reads the pin from VAULT_HSM_PIN when the stanza has none: the stanza stays free of it and
	 * the service manager sets the variable from this 0600 file. */
	/* A primus profile: the provider in Vault's process finds its files through these (1.8.4+). */
	char prefix[2 * PATH_MAX + 200] = "";
	if (in->engine && strcmp(in->engine, "primus") == 0) {
		rc = tg_plain(_("folder"), dir, d);
		if (rc != EX_OK)
			return rc;
		snprintf(prefix, sizeof prefix,
		         "SECUROSYS_PKCS11_CONF=\"%s/primus.cfg\"\nSECUROSYS_SECRETS_CONF=\"%s/.secrets.cfg\"\n", dir,
		         dir);
	}
	strncat(prefix, "VAULT_HSM_PIN=\"", sizeof prefix - strlen(prefix) - 1);
	rc = tg_write_secret(env, prefix, in->pin, "\"\n", TG_SYSTEMD, out,
	                     _("Vault HSM PIN (mode 0600, EnvironmentFile for the Vault service)"), d);
	if (rc != EX_OK)
		return rc;
	struct tg_buf b = {0};
	tg_printf(&b,
	          "# Vault Enterprise seal through PKCS#11, written by hsm-onboard (Securosys docs,\n"
	          "# hc-vault-enterprise/Installation/installation). Copy this stanza into Vault's config.hcl.\n"
	          "# No PIN here: Vault reads VAULT_HSM_PIN, set from the 0600 file\n"
	          "#   systemd: EnvironmentFile=%s\n"
	          "seal \"pkcs11\" {\n"
	          "  lib          = \"%s\"\n"
	          "  token_label  = \"%s\"\n"
	          "  key_label    = \"" TARGETS_SEAL_KEY "\"\n"
	          "  mechanism    = \"0x1087\"\n"
	          "  generate_key = \"true\"\n"
	          "}\n",
	          env, in->module, in->token_label ? in->token_label : "");
	return tg_write_buf(&b, seal, 0644, out, _("Vault Enterprise pkcs11 seal stanza"), d);
}

static int tg_vault(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d)
{
	return targets_is_tsbaas(in->st) ? tg_vault_tsbaas(in, dir, out, d) : tg_vault_pkcs11(in, dir, out, d);
}

/* ---- tsb and xks: the hsm: block of the JCE clients (doc/securosys-facts.md, "JCE, TSB and XKS") ---- */

/* A text built only in the secure heap, of a capacity fixed when it is made. */
struct tg_sec {
	char *s;
	size_t len, cap;
	int overflow;
};

/* Appends s; quote: as a YAML single-quoted scalar, where only ' is escaped (doubled). */
static void tg_sec_add(struct tg_sec *b, const char *s, int quote)
{
	for (const char *c = quote ? "'" : ""; *c; c++)
		if (b->len + 1 < b->cap)
			b->s[b->len++] = *c;
	for (; *s; s++) {
		size_t need = quote && *s == '\'' ? 2 : 1;
		if (b->len + need >= b->cap) {
			b->overflow = 1;
			return;
		}
		if (need == 2)
			b->s[b->len++] = '\'';
		b->s[b->len++] = *s;
	}
	if (quote) {
		if (b->len + 1 >= b->cap)
			b->overflow = 1;
		else
			b->s[b->len++] = '\'';
	}
	b->s[b->len] = '\0';
}

/* "  key: 'value'\n" */
static void tg_sec_setting(struct tg_sec *b, const char *indent, const char *key, const char *value)
{
	tg_sec_add(b, indent, 0);
	tg_sec_add(b, key, 0);
	tg_sec_add(b, ": ", 0);
	tg_sec_add(b, value, 1);
	tg_sec_add(b, "\n", 0);
}

/* A secret fits a single-quoted YAML scalar unless it has a line break or a control character; the
 * message names the secret, never its value. */
static int tg_yaml_secret(const char *what, const char *v, struct diag *d)
{
	for (const unsigned char *c = (const unsigned char *)v; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return diag_set(d, EX_DATAERR,
			                _("%s: it has a control character, which cannot be written into a YAML file"),
			                what);
	return EX_OK;
}

/* What the tsb and xks files need: hosts, the user, the blinded secret, the proxy credentials. */
static int tg_jce_check(const struct targets_input *in, struct diag *d)
{
	if (!in->pin)
		return diag_set(d, EX_DATAERR, "%s",
		                in->handover
		                    ? _("the vault holds no setup password: import the hsm file first")
		                    : _("the vault holds no JCE user secret: run 'hsm-onboard connect' first"));
	if (in->n_hosts == 0)
		return diag_set(d, EX_USAGE, "%s",
		                _("no HSM host known for the JCE login: give --endpoint HOST or import the cluster"));
	if (!in->st->hsm_user)
		return diag_set(d, EX_DATAERR, "%s",
		                _("the profile has no HSM user name: import the credential files again"));
	int rc = tg_plain(_("HSM user name"), in->st->hsm_user, d);
	/* ',' and ';' separate TSB's hosts: a host never holds one. */
	for (size_t i = 0; rc == EX_OK && i < in->n_hosts; i++) {
		rc = tg_plain(_("host"), in->hosts[i], d);
		if (rc == EX_OK && (strpbrk(in->hosts[i], ",; ") || !in->hosts[i][0]))
			rc = diag_set(d, EX_DATAERR,
			              _("%s '%s' has a character that cannot be written into a configuration file"),
			              _("host"), in->hosts[i]);
	}
	if (rc == EX_OK && in->service_user)
		rc = tg_plain(_("service user name"), in->service_user, d);
	if (rc == EX_OK)
		rc = tg_yaml_secret(_("JCE user secret"), in->pin, d);
	if (rc == EX_OK && in->service_password)
		rc = tg_yaml_secret(_("service user password"), in->service_password, d);
	return rc;
}

static size_t tg_jce_size(const struct targets_input *in)
{
	size_t n = 4096 + 2 * strlen(in->pin) + 2 * strlen(in->st->hsm_user);
	for (size_t i = 0; i < in->n_hosts; i++)
		n += 2 * strlen(in->hosts[i]) + 32;
	if (in->service_user)
		n += 2 * strlen(in->service_user);
	if (in->service_password)
		n += 2 * strlen(in->service_password);
	return n;
}

/* TSB's hsm: keys, after the header (the file's layout: doc/securosys-facts.md, "JCE, TSB and XKS"). */
static void tg_tsb_body(struct tg_sec *b, const struct targets_input *in, const char *port, const char *enc)
{
	tg_sec_add(
	    b,
	    "# Transaction Security Broker (TSB): the hsm: block of config-files/application-local.yml,\n"
	    "# written by hsm-onboard. Layout: Securosys docs, tsb/Installation/On-Premise-Installation\n"
	    "# (5.1.2 application-local.yml, 7 Proxy Service for HSMaaS). Put these keys into the hsm: block\n"
	    "# of that file and keep its other settings. It holds secrets (setupPassword, encryptionPassword,\n"
	    "# proxyPassword): keep this file and application-local.yml mode 0600.\n"
	    "# host: ';' makes TSB try the master first and the clones in order (',' would pick one at "
	    "random).\n",
	    0);
	tg_sec_add(
	    b,
	    in->handover
	        ? "# setupPassword: the setup password of the hsm file, as the docs say: at its first start TSB\n"
	          "# uses it to obtain the permanent secret and keeps that secret in its database, encrypted\n"
	          "# with encryptionPassword. hsm-onboard made no exchange. The 7 days start when TSB first\n"
	          "# logs in: record that time with 'hsm-onboard mark-used'.\n"
	          "# encryptionPassword: random. Keep TSB's database and this password together: losing them\n"
	          "# after the setup password expired means a paid renewal.\n"
	        : "# setupPassword: the blinded permanent secret hsm-onboard fetched (--blinded-secret). This\n"
	          "# route is NOT in the TSB docs, which name the setup password here; the JCE login takes the\n"
	          "# blinded secret in place of it (jce/Tutorials/LoginSample).\n"
	          "# encryptionPassword: random; keep it once TSB has started, it encrypts TSB's copy of the\n"
	          "# secret.\n",
	    0);
	tg_sec_add(b, "hsm:\n", 0);
	/* One quoted string: every host, separated by ';' (checked free of ',', ';' and quotes). */
	tg_sec_add(b, "  host: '", 0);
	for (size_t i = 0; i < in->n_hosts; i++) {
		tg_sec_add(b, i ? ";" : "", 0);
		tg_sec_add(b, in->hosts[i], 0);
	}
	tg_sec_add(b, "'\n", 0);
	tg_sec_setting(b, "  ", "port", port);
	tg_sec_setting(b, "  ", "user", in->st->hsm_user);
	tg_sec_setting(b, "  ", "setupPassword", in->pin);
	tg_sec_setting(b, "  ", "encryptionPassword", enc);
}

/* The XKS proxy's hsm: keys, after the header. */
static void tg_xks_body(struct tg_sec *b, const struct targets_input *in, const char *port)
{
	tg_sec_add(
	    b,
	    "# Securosys XKS proxy for AWS KMS: the hsm: block of config-files/application.yaml, written\n"
	    "# by hsm-onboard. Layout: Securosys docs, xks/Installation/Installation (4. Configure the\n"
	    "# Securosys XKS proxy). Put these keys into the hsm: block of that file; the aws: and server:\n"
	    "# blocks are yours to fill. It holds secrets (setupPassword, proxyPassword): keep this file and\n"
	    "# application.yaml mode 0600.\n"
	    "# host and port: one line each, in the same order, the master first (high availability).\n",
	    0);
	tg_sec_add(
	    b,
	    in->handover
	        ? "# setupPassword: the setup password of the hsm file, as the docs say: the proxy exchanges it\n"
	          "# at its first connection and keeps the credentials in its hidden encrypted .secret file.\n"
	          "# hsm-onboard made no exchange. Keep that .secret file: losing it after the setup password\n"
	          "# expired means a paid renewal. The 7 days start at the proxy's first connection: record\n"
	          "# that time with 'hsm-onboard mark-used'.\n"
	        : "# setupPassword: the blinded permanent secret hsm-onboard fetched (--blinded-secret). This\n"
	          "# route is NOT in the XKS docs, which name the setup password here; the JCE login takes the\n"
	          "# blinded secret in place of it (jce/Tutorials/LoginSample).\n",
	    0);
	tg_sec_add(b,
	           "hsm:\n"
	           "  attestationKeyName: 'attestation-key'\n"
	           "  host:\n",
	           0);
	for (size_t i = 0; i < in->n_hosts; i++) {
		tg_sec_add(b, "    - ", 0);
		tg_sec_add(b, in->hosts[i], 1);
		tg_sec_add(b, "\n", 0);
	}
	tg_sec_add(b, "  port:\n", 0);
	for (size_t i = 0; i < in->n_hosts; i++) {
		tg_sec_add(b, "    - ", 0);
		tg_sec_add(b, port, 1);
		tg_sec_add(b, "\n", 0);
	}
	tg_sec_setting(b, "  ", "user", in->st->hsm_user);
	tg_sec_setting(b, "  ", "setupPassword", in->pin);
}

/* The tsb (tsb != 0) or xks file: the whole file is 0600, built only in the secure heap. */
static int tg_jce_file(const struct targets_input *in, const char *dir, int tsb, struct filelist *out,
                       struct diag *d)
{
	int rc = tg_jce_check(in, d);
	if (rc != EX_OK)
		return rc;
	char path[PATH_MAX + 40], port[16];
	snprintf(path, sizeof path, "%s/%s", dir,
	         tsb ? "tsb-application-local.secret.yml" : "xks-application.secret.yaml");
	snprintf(port, sizeof port, "%d", in->port);
	/* TSB encrypts the user secret it keeps in its database with encryptionPassword: a rewrite keeps
	 * the one TSB already uses. */
	char *enc = NULL;
	if (tsb && !(enc = tg_old_setting(path, "encryptionPassword", ':')) &&
	    !(enc = randsecret_new(ENGINE_PIN_DEFAULT)))
		return diag_set(d, EX_SOFTWARE, "%s", _("the random generator failed"));
	struct tg_sec b = {secmem_alloc(tg_jce_size(in)), 0, tg_jce_size(in), 0};
	if (!b.s) {
		secmem_free(enc);
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	}
	b.s[0] = '\0';
	if (tsb)
		tg_tsb_body(&b, in, port, enc);
	else
		tg_xks_body(&b, in, port);
	/* The proxy user and password: only for CloudHSM (the docs: comment or delete them otherwise). */
	if (in->service_user && in->service_password) {
		tg_sec_setting(&b, "  ", "proxyUser", in->service_user);
		tg_sec_setting(&b, "  ", "proxyPassword", in->service_password);
	}
	secmem_free(enc);
	rc = b.overflow ? diag_set(d, EX_SOFTWARE, "%s", _("out of memory"))
	                : fsutil_write_atomic(path, b.s, b.len, 0600, "config", d);
	secmem_free(b.s);
	if (rc == EX_OK)
		filelist_add(out, path,
		             tsb ? _("TSB hsm: block for application-local.yml (mode 0600, holds secrets)")
		                 : _("XKS proxy hsm: block for application.yaml (mode 0600, holds secrets)"));
	return rc;
}

/* The KSP's settings, as the Key Storage Provider Configuration tool asks for them
 * (mscng/Installation/Configuring): one HSM connection per host, port 2320, the HSM and proxy user
 * names. No password: the setup password is typed into the tool on the Windows machine, whose "Test
 * all Connections" fetches the permanent secret, encrypted for that machine only
 * (mscng/Installation/installation-CLI). The docs do not give KspCfg.ini's keys, so this is a list
 * to type in, not that file (doc/securosys-facts.md, "CNG on Windows"). */
static int tg_ksp(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d)
{
	if (in->n_hosts == 0)
		return diag_set(d, EX_CONFIG, "%s",
		                _("no HSM host is known for this profile: choose the cluster in the wizard or give "
		                  "--endpoint HOST"));
	int rc = tg_plain(_("HSM user name"), in->st->hsm_user ? in->st->hsm_user : "", d);
	for (size_t i = 0; rc == EX_OK && i < in->n_hosts; i++)
		rc = tg_plain(_("host"), in->hosts[i], d);
	if (rc == EX_OK && in->st->service_user)
		rc = tg_plain(_("service user"), in->st->service_user, d);
	if (rc != EX_OK)
		return rc;
	char path[PATH_MAX + 40];
	struct tg_buf b = {0};
	tg_printf(&b, "%s",
	          _("# Securosys CNG/KSP: the HSM connections for the Key Storage Provider\n"
	            "# Configuration tool (SecurosysKspCfg.exe), written by hsm-onboard.\n"
	            "# No secret is in this file. Docs: mscng/Installation/Configuring,\n"
	            "# mscng/Installation/installation-CLI.\n"));
	for (size_t i = 0; i < in->n_hosts; i++) {
		tg_printf(&b, "\n[%s %zu]\n", _("HSM connection"), i + 1);
		tg_printf(&b, "Identifier = %s-%zu\n", in->st->hsm_user ? in->st->hsm_user : "hsm", i + 1);
		tg_printf(&b, "Hostname = %s\n", in->hosts[i]);
		tg_printf(&b, "Port = %d\n", in->port);
		tg_printf(&b, "Priority = %zu\n", i + 1);
		tg_printf(&b, "HSM Username = %s\n", in->st->hsm_user ? in->st->hsm_user : "");
		if (in->st->service_user)
			tg_printf(&b, "Proxy Username = %s\n", in->st->service_user);
	}
	snprintf(path, sizeof path, "%s/ksp-connections.txt", dir);
	rc = tg_write_buf(&b, path, 0644, out, _("CNG/KSP connection settings (no secret)"), d);
	if (rc != EX_OK)
		return rc;
	tg_printf(&b, "%s",
	          _("Securosys CNG/KSP on Windows: the steps (mscng/Installation/Configuring)\n\n"
	            "The setup password is exchanged on the Windows machine, not here: the\n"
	            "permanent secret the KSP fetches is encrypted for that machine only, and a\n"
	            "backup restored elsewhere needs a new setup password.\n\n"
	            "1. Install the CNG/KSP provider (setup_x64.msi;\n"
	            "   mscng/Installation/installation-GUI).\n"
	            "2. Start the Key Storage Provider Configuration tool:\n"
	            "   C:\\Program Files\\Securosys\\PrimusHsmKsp\\SecurosysKspCfg.exe\n"
	            "3. Click New for each HSM connection of ksp-connections.txt: Identifier,\n"
	            "   Hostname, Port (2320), Priority, the HSM Username with the setup\n"
	            "   password of the hsm file, and the Proxy Username with the service\n"
	            "   user's password.\n"
	            "4. Click \"Test all Connections\": it checks the connections and fetches\n"
	            "   the permanent secret. This is the first use of the setup password\n"
	            "   (the 7 days start).\n"
	            "5. Tell hsm-onboard that it happened: 'hsm-onboard mark-used' (or confirm\n"
	            "   it in the wizard), so that the countdown is right.\n"));
	snprintf(path, sizeof path, "%s/ksp-steps.txt", dir);
	return tg_write_buf(&b, path, 0644, out, _("CNG/KSP steps for the Windows machine"), d);
}

static int tg_prepare_dir(const char *dir, char *absdir, size_t size, struct diag *d)
{
	char buf[PATH_MAX];
	int rc = fsutil_output_dir(dir, buf, d);
	if (rc != EX_OK)
		return rc;
	if (strlen(buf) >= size)
		return diag_set(d, EX_CANTCREAT, _("%s: the path is too long"), dir);
	snprintf(absdir, size, "%s", buf);
	return tg_plain(_("output folder"), absdir, d);
}

int targets_write(const struct target *t, const struct targets_input *in, const char *dir,
                  struct filelist *out, struct diag *d)
{
	char absdir[PATH_MAX];
	int rc = tg_prepare_dir(dir, absdir, sizeof absdir, d);
	if (rc != EX_OK)
		return rc;
	const char *module = in->module && in->module[0] ? in->module : TARGETS_PRIMUS_LIB;
	char module_abs[PATH_MAX];
	/* Applications run from elsewhere: a relative module path is made absolute. */
	if (module[0] != '/' && realpath(module, module_abs))
		module = module_abs;
	struct targets_input i2 = *in;
	i2.module = module;
	if (t == &target_libp11)
		return tg_libp11(&i2, absdir, out, d);
	if (t == &target_openssl3)
		return tg_openssl3(&i2, absdir, out, d);
	if (t == &target_env)
		return tg_env(&i2, absdir, out, d);
	if (t == &target_vault)
		return tg_vault(&i2, absdir, out, d);
	if (t == &target_openbao)
		return tg_openbao(&i2, absdir, out, d);
	if (t == &target_tsb)
		return tg_jce_file(&i2, absdir, 1, out, d);
	if (t == &target_xks)
		return tg_jce_file(&i2, absdir, 0, out, d);
	if (t == &target_ksp)
		return tg_ksp(&i2, absdir, out, d);
	return diag_set(d, EX_SOFTWARE, _("unknown target '%s'"), t->name);
}

void targets_input_from(struct targets_input *in, const char *profile, const struct state *st,
                        const struct vault *v, const struct engine_ctx *e)
{
	memset(in, 0, sizeof *in);
	in->st = st;
	in->profile = profile;
	in->jwt = v ? vault_get(v, VAULT_JWT) : NULL;
	if (!e)
		return;
	int primus = e->ops->apps_use_pkcs11_password;
	in->engine = e->ops->name;
	in->module = e->module;
	in->token_label = e->token_label ? e->token_label : st->hsm_user;
	/* Applications log in to libprimusP11 with the PKCS#11 password; a generic token with the user
	 * secret the rotation set (doc/securosys-facts.md, "The PIN"); the JCE provider with the blinded
	 * user secret GetUserSecret gave ("JCE, TSB and XKS"). */
	in->pin = v ? vault_get(v, primus ? VAULT_PKCS11_PASSWORD : VAULT_CURRENT) : NULL;
	in->hosts = e->hosts;
	in->n_hosts = e->n_hosts;
	in->port = e->port;
	in->service_user = e->service_user;
	in->service_password = e->service_password;
}

int targets_handover(const struct target *const *ts, size_t n, const char *profile, struct state *st,
                     const struct vault *v, const char *const *hosts, size_t n_hosts, const char *dir,
                     struct filelist *out, struct diag *d)
{
	if (st->rotation != ROTATION_NONE || st->first_use)
		return diag_set(d, EX_USAGE, "%s",
		                _("the exchange of this profile has begun: TSB and XKS can no longer take the setup "
		                  "password"));
	for (size_t i = 0; i < n; i++)
		if (!(ts[i]->fits & TARGET_FITS_JCE))
			return diag_set(d, EX_USAGE, _("unknown target '%s'"), ts[i]->name);
	struct orders_path op;
	orders_path_of(st, &op);
	struct targets_input in;
	targets_input_from(&in, profile, st, v, NULL);
	in.handover = 1;
	in.pin = vault_get(v, VAULT_SETUP_PASSWORD);
	in.hosts = hosts;
	in.n_hosts = n_hosts;
	in.port = op.port;
	in.service_user = st->service_user;
	in.service_password = vault_get(v, VAULT_SERVICE_PASSWORD);
	int rc = targets_write_list(ts, n, &in, dir, out, d);
	if (rc == EX_OK)
		state_add_event(st, "handed-over", ts[0]->name);
	return rc;
}

int targets_write_list(const struct target *const *ts, size_t n, const struct targets_input *in,
                       const char *dir, struct filelist *out, struct diag *d)
{
	int rc = EX_OK;
	for (size_t i = 0; rc == EX_OK && i < n; i++)
		rc = targets_write(ts[i], in, dir, out, d);
	if (rc == EX_OK && n > 0)
		rc = targets_write_readme(dir, in->profile, out, d);
	return rc;
}

/* What in a file must be kept secret; NULL when nothing. */
static const char *tg_secret_note(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	static const struct {
		const char *name;
		const char *note;
	} notes[] = {
	    {"pkcs11.pin", N_("the whole file: it is the PIN")},
	    {".secrets.cfg", N_("the whole file: the provider's user secret, ciphered for this machine")},
	    {"openssl-pin.secret.cnf", N_("the line PIN = ...")},
	    {"vault-bearer-token.secret", N_("the whole file: it is the JWT")},
	    {"vault-seal-securosys.secret.hcl", N_("the lines key_password and bearer_token")},
	    {"vault-hsm-pin.secret.env", N_("the line VAULT_HSM_PIN=...")},
	    {"openbao-seal-securosys.secret.hcl", N_("the line bearer_token")},
	    {ENGINE_JCE_SECRET_NAME, N_("the whole file: the blinded JCE user secret")},
	    {"tsb-application-local.secret.yml",
	     N_("the lines setupPassword, encryptionPassword and proxyPassword")},
	    {"xks-application.secret.yaml", N_("the lines setupPassword and proxyPassword")},
	};
	for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++)
		if (strcmp(base, notes[i].name) == 0)
			return _(notes[i].note);
	struct stat sb;
	if (stat(path, &sb) == 0 && (sb.st_mode & 0077) == 0)
		return _("the whole file");
	return NULL;
}

/* Is base one of files' names? */
static int tg_files_have(const struct filelist *files, const char *base)
{
	for (size_t i = 0; i < files->n; i++) {
		const char *b = strrchr(files->path[i], '/');
		if (strcmp(b ? b + 1 : files->path[i], base) == 0)
			return 1;
	}
	return 0;
}

/* The entries of an earlier README.txt in absdir whose file is still there and is not written now,
 * so that `config --for tsb` and then `--for xks` into one folder leave a README naming both. Our own
 * layout: an entry is a name at the start of a line, then its description indented by two spaces. */
static void tg_readme_earlier(const char *absdir, const char *readme, const struct filelist *files,
                              struct filelist *earlier)
{
	char *old = NULL;
	struct diag d;
	diag_clear(&d);
	if (fsutil_read_bounded(readme, TARGETS_MAX_FILE, FSUTIL_READ_NOFOLLOW, &old, NULL, &d) != EX_OK)
		return;
	char *save = NULL, *prev = NULL;
	for (char *line = strtok_r(old, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char path[PATH_MAX + 64];
		struct stat sb;
		if (prev && line[0] == ' ' && line[1] == ' ' && line[2] != ' ' && !strchr(prev, '/') &&
		    !tg_files_have(files, prev) && !tg_files_have(earlier, prev) &&
		    (size_t)snprintf(path, sizeof path, "%s/%s", absdir, prev) < sizeof path &&
		    lstat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			filelist_add(earlier, path, line + 2);
		prev = line[0] != ' ' ? line : NULL;
	}
	free(old);
}

int targets_write_readme(const char *dir, const char *profile, struct filelist *files, struct diag *d)
{
	char absdir[PATH_MAX], path[PATH_MAX + 16];
	int rc = tg_prepare_dir(dir, absdir, sizeof absdir, d);
	if (rc != EX_OK)
		return rc;
	snprintf(path, sizeof path, "%s/README.txt", absdir);
	struct filelist earlier = {0};
	tg_readme_earlier(absdir, path, files, &earlier);
	struct tg_buf b = {0};
	tg_printf(&b, _("Files written by hsm-onboard for the profile %s.\n"), profile ? profile : "");
	tg_printf(&b, "%s\n\n",
	          _("Files marked secret are mode 0600: keep them readable only by the account that runs the "
	            "application, and out of backups, version control and container images. Files without a "
	            "secret may be shared."));
	if (tg_files_have(files, ENGINE_PRIMUS_SECRETS_NAME) ||
	    tg_files_have(&earlier, ENGINE_PRIMUS_SECRETS_NAME)) {
		/* Who must read the provider's files (doc/securosys-facts.md, "Primus provider files"). */
		tg_printf(&b,
		          _("The Primus provider finds these files through\n"
		            "  SECUROSYS_PKCS11_CONF=%s/primus.cfg\n"
		            "  SECUROSYS_SECRETS_CONF=%s/.secrets.cfg\n"
		            "(provider 1.8.4 or later; older ones read only /etc/primus: 'hsm-onboard\n"
		            "config --system'). The service user of every application that loads the\n"
		            "provider (vault, nginx, ...) must read .secrets.cfg: write the files with\n"
		            "--group primus (or --system) and add that user to the group primus\n"
		            "(usermod -a -G primus SERVICE-USER), or run the application as this user.\n"
		            "\n"),
		          absdir, absdir);
	}
	const struct filelist *lists[] = {files, &earlier};
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			const char *base = strrchr(lists[l]->path[i], '/');
			base = base ? base + 1 : lists[l]->path[i];
			if (strcmp(base, "README.txt") == 0)
				continue;
			const char *note = tg_secret_note(lists[l]->path[i]);
			tg_printf(&b, "%s\n  %s\n  %s %s\n\n", base, lists[l]->what[i], _("Secret:"),
			          note ? note : _("none"));
		}
	filelist_free(&earlier);
	return tg_write_buf(&b, path, 0644, files, _("what each file is, and what to keep secret"), d);
}
