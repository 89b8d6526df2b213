/* targets_common.c: the target table and what every writer shares (targets.h, targets_common.h). */
#include "config.h"

#include "targets_common.h"

#include "cryptolib.h"
#include "fsutil.h"
#include "i18n.h"
#include "netcheck.h"
#include "expiry.h"
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
	int primus = engine_uses_provider_files(engine);
	int pkcs11 = engine && (strcmp(engine, "pkcs11") == 0 || primus);
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
void tg_printf(struct tg_buf *b, const char *fmt, ...)
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

int tg_write_buf(struct tg_buf *b, const char *path, mode_t mode, struct filelist *out, const char *what,
                 struct diag *d)
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

/* Writes prefix secret suffix into a 0600 file, the text built only in the secure heap, the secret
 * escaped for its format. */
int tg_write_secret(const char *path, const char *prefix, const char *secret, const char *suffix,
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
int tg_plain(const char *what, const char *v, struct diag *d)
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
int tg_openssl_folder(const char *dir, struct diag *d)
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
void tg_primus_comment(struct tg_buf *b, const struct targets_input *in, const char *dir)
{
	if (!engine_uses_provider_files(in->engine))
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
void tg_openssl_dir(int which, const char *fallback, char *buf, size_t size)
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

int tg_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* The PIN file the OpenSSL 3 provider and pin-source URIs read: the PIN alone, no newline. */
int tg_pin_file(const struct targets_input *in, const char *dir, char *path, size_t size,
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

/* The quoted value of a setting in an earlier file we wrote ("key = \"v\"" in HCL, "key: 'v'" in YAML):
 * a random password that a client already used (Vault's unseal key, TSB's encrypted user secret) must
 * survive a rewrite, or the client is locked out of its own data. NULL when there is none. */
char *tg_old_setting(const char *path, const char *key, char sep)
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

void tg_sh_quote(struct tg_buf *b, const char *s)
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
int tg_tsbaas_check(const struct targets_input *in, char *api, size_t size, struct diag *d)
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

/* Appends s; quote: as a YAML single-quoted scalar, where only ' is escaped (doubled). */
void tg_sec_add(struct tg_sec *b, const char *s, int quote)
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
void tg_sec_setting(struct tg_sec *b, const char *indent, const char *key, const char *value)
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

int targets_can_hand_over(const struct state *st)
{
	/* After a hand-over the first use recorded is the product's start (mark-used): its files may still
	 * be written again, from the setup password in the vault. */
	return orders_path_is(st, ORDERS_PATH_JCE) && st->rotation == ROTATION_NONE &&
	       (!st->first_use || expiry_handed_over(st));
}

int targets_handover(const struct target *const *ts, size_t n, const char *profile, struct state *st,
                     const struct vault *v, const char *const *hosts, size_t n_hosts, const char *dir,
                     struct filelist *out, struct diag *d)
{
	if (!targets_can_hand_over(st))
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
