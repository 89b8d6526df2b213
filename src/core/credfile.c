/* credfile.c: the Securosys credential-file parser (contract and file kinds in credfile.h).
 *
 * Why it is this strict and this forgiving at once: a misread setup password locks a customer out
 * after a few attempts, so anything ambiguous (duplicate keys, binary data, a line we cannot split)
 * is an error with its line number; but the files come from a browser download and from the online
 * Cloud Console, so BOMs, CRLF, case, spacing around ':', "(1)" suffixes and the documented layout
 * with indented keys and "- Details for ..." headings are all normal and accepted.
 *
 * Secrets are copied from the (secure-heap) input straight into secmem buffers; we never copy a line
 * anywhere else, and no message ever quotes a value. */
#include "config.h"

#include "credfile.h"
#include "fsutil.h"
#include "i18n.h"
#include "jwt.h"
#include "quote.h"
#include "secmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

enum credfile_field {
	CF_SERVICE_USER,
	CF_SERVICE_PASSWORD,
	CF_HSM_USER,
	CF_SETUP_PASSWORD,
	CF_PKCS11_PASSWORD,
	CF_API_ENDPOINT,
	CF_JWT,
	CF_NFIELDS,
	CF_IGNORED, /* a documented key that carries nothing we need */
};

/* The names used in messages: the spelling of the docs' standard files. Not translated: they are the
 * keys the user sees in the file. */
static const char *const credfile_field_names[CF_NFIELDS] = {
    "Service User Name", "Service User Password", "HSM User Name", "HSM User Setup Password",
    "PKCS#11 password",  "API-Endpoint",          "JWT-TOKEN",
};
static const int credfile_field_secret[CF_NFIELDS] = {0, 1, 0, 1, 1, 0, 1};

#define CF_KEY_ONLINE 1 /* this spelling is only used in the online order's combined file */

/* Every spelling in docs.securosys.com "How to retrieve the HSM Credentials?" (via Sales, Multi-Tenant
 * TSBaaS and Online tabs). Matching ignores case and treats runs of spaces, tabs and '-' as one
 * separator, so "PKCS#11 Password", "API Endpoint" or "JWT-Token" match too. */
static const struct {
	const char *key;
	enum credfile_field field;
	int flags;
} credfile_keys[] = {
    {"Service User Name", CF_SERVICE_USER, 0},
    {"Service (Proxy) User Name", CF_SERVICE_USER, CF_KEY_ONLINE},
    {"Service User Password", CF_SERVICE_PASSWORD, 0},
    {"Service (Proxy) User Password", CF_SERVICE_PASSWORD, CF_KEY_ONLINE},
    {"HSM User Name", CF_HSM_USER, 0},
    {"HSM User Setup Password", CF_SETUP_PASSWORD, 0},
    {"PKCS#11 password", CF_PKCS11_PASSWORD, 0},
    {"API-Endpoint", CF_API_ENDPOINT, 0},
    {"JWT-TOKEN", CF_JWT, 0},
    {"JWT-TOKEN for Restful-API & Transaction Security Broker", CF_JWT, CF_KEY_ONLINE},
    /* The TSBaaS file's pointer to the Swagger UI. */
    {"Documentation available at", CF_IGNORED, 0},
};

struct credfile_slot {
	size_t line; /* 0: the key was not seen */
	const char *val;
	size_t len;
};

/* ---- small ASCII helpers: locale-independent on purpose (Turkish 'I', ...) ---- */

static int cf_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int cf_is_sep(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '-';
}

static int cf_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int cf_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char cf_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static int cf_ci_equal(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cf_lower((unsigned char)a[i]) != cf_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* Compares a key from the file (not NUL-terminated, already trimmed) with a documented spelling. */
static int cf_key_equal(const char *k, size_t n, const char *name)
{
	size_t i = 0;
	const char *p = name;
	for (;;) {
		int ksep = 0, nsep = 0;
		while (i < n && cf_is_sep((unsigned char)k[i])) {
			i++;
			ksep = 1;
		}
		while (*p && cf_is_sep((unsigned char)*p)) {
			p++;
			nsep = 1;
		}
		if (ksep != nsep)
			return 0;
		if (i == n || !*p)
			return i == n && !*p;
		if (cf_lower((unsigned char)k[i]) != cf_lower((unsigned char)*p))
			return 0;
		i++;
		p++;
	}
}

static int cf_lookup(const char *k, size_t n)
{
	for (size_t i = 0; i < sizeof credfile_keys / sizeof credfile_keys[0]; i++)
		if (cf_key_equal(k, n, credfile_keys[i].key))
			return (int)i;
	return -1;
}

/* ---- encoding ---- */

/* The whole file must be UTF-8 text before we look at a single key: a binary or truncated download
 * then gets an encoding error instead of a confusing syntax one. Control characters are refused
 * too, because inspect prints the non-secret values and an escape sequence in a "user name" would
 * reach the terminal. CR is fine only as part of a line end. */
static int cf_check_text(const char *name, const char *buf, size_t len, struct diag *d)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t line = 1;
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		if (c == '\n') {
			line++;
			i++;
			continue;
		}
		if (c == '\0')
			return diag_set(d, EX_DATAERR, _("%s:%zu: NUL byte: this is not a text file"), name, line);
		if (c == '\r' && (i + 1 == len || p[i + 1] == '\n')) {
			i++;
			continue;
		}
		unsigned long cp = 0;
		size_t n = quote_utf8_seq(p + i, len - i, &cp);
		if (n == 0)
			return diag_set(d, EX_DATAERR, _("%s:%zu: invalid UTF-8 (byte 0x%02x)"), name, line, c);
		if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f))
			return diag_set(d, EX_DATAERR,
			                _("%s:%zu: control character U+%04lX: this is not a credential file"), name, line,
			                cp);
		i += n;
	}
	return EX_OK;
}

/* ---- the file name ---- */

static int cf_strip_ext(const char *s, size_t *n)
{
	if (*n > 4 && cf_ci_equal(s + *n - 4, ".txt", 4)) {
		*n -= 4;
		return 1;
	}
	return 0;
}

/* Browsers rename a second download "name (1).txt" (Chrome) or "name(1).txt" (Firefox). */
static int cf_strip_copy_suffix(const char *s, size_t *n)
{
	size_t m = *n;
	if (m < 3 || s[m - 1] != ')')
		return 0;
	size_t i = m - 1;
	while (i > 0 && cf_is_digit((unsigned char)s[i - 1]))
		i--;
	if (i == m - 1 || i < 2 || s[i - 1] != '(')
		return 0;
	i--;
	while (i > 0 && s[i - 1] == ' ')
		i--;
	if (i == 0)
		return 0;
	*n = i;
	return 1;
}

static int cf_days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

static int cf_parse_date(const char *s, size_t n, char out[11])
{
	char digits[9];
	size_t k = 0;
	if (n == 8) {
		for (size_t i = 0; i < 8; i++)
			digits[k++] = s[i];
	} else if (n == 10 && s[4] == '-' && s[7] == '-') {
		for (size_t i = 0; i < 10; i++)
			if (i != 4 && i != 7)
				digits[k++] = s[i];
	} else {
		return -1;
	}
	for (size_t i = 0; i < 8; i++)
		if (!cf_is_digit((unsigned char)digits[i]))
			return -1;
	int y = (digits[0] - '0') * 1000 + (digits[1] - '0') * 100 + (digits[2] - '0') * 10 + (digits[3] - '0');
	int m = (digits[4] - '0') * 10 + (digits[5] - '0');
	int d = (digits[6] - '0') * 10 + (digits[7] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > cf_days_in_month(y, m))
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	return 0;
}

static enum credfile_kind cf_kind_word(const char *s, size_t n)
{
	static const struct {
		const char *word;
		enum credfile_kind kind;
	} words[] = {
	    {"service", CREDFILE_SERVICE},
	    {"hsm", CREDFILE_HSM},
	    {"credentials", CREDFILE_COMBINED},
	    {"jwt", CREDFILE_JWT},
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i].word) == n && cf_ci_equal(s, words[i].word, n))
			return words[i].kind;
	return CREDFILE_UNKNOWN;
}

void credfile_name_free(struct credfile_name *n)
{
	if (!n)
		return;
	free(n->company);
	free(n->service);
	free(n->user);
	free(n->date);
	memset(n, 0, sizeof *n);
}

int credfile_parse_name(const char *path, struct credfile_name *out)
{
	memset(out, 0, sizeof *out);
	if (!path)
		return -1;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	/* "x (1).txt" and "x.txt (1)" both happen; a few rounds cover any order. */
	for (int round = 0; round < 4; round++)
		if (!cf_strip_ext(base, &n) && !cf_strip_copy_suffix(base, &n))
			break;

	/* From the right: date, user, kind, service; whatever is left is the company. */
	const char *part[4];
	size_t plen[4];
	size_t end = n;
	for (int i = 0; i < 4; i++) {
		size_t j = end;
		while (j > 0 && base[j - 1] != '_')
			j--;
		if (j == 0 || j == end)
			return -1;
		part[i] = base + j;
		plen[i] = end - j;
		end = j - 1;
	}
	if (end == 0)
		return -1;
	char date[11];
	if (cf_parse_date(part[0], plen[0], date) != 0)
		return -1;
	enum credfile_kind kind = cf_kind_word(part[2], plen[2]);
	if (kind == CREDFILE_UNKNOWN)
		return -1;
	out->kind = kind;
	out->company = strndup(base, end);
	out->service = strndup(part[3], plen[3]);
	out->user = strndup(part[1], plen[1]);
	out->date = strdup(date);
	if (!out->company || !out->service || !out->user || !out->date) {
		credfile_name_free(out);
		return -1;
	}
	return 0;
}

/* ---- kinds ---- */

const char *credfile_kind_name(enum credfile_kind kind)
{
	switch (kind) {
	case CREDFILE_SERVICE: return "service";
	case CREDFILE_HSM: return "hsm";
	case CREDFILE_COMBINED: return "credentials";
	case CREDFILE_JWT: return "jwt";
	case CREDFILE_UNKNOWN: break;
	}
	return "unknown";
}

const char *credfile_kind_description(enum credfile_kind kind)
{
	switch (kind) {
	case CREDFILE_SERVICE: return _("service user credentials (the Proxy-User of the gateway)");
	case CREDFILE_HSM: return _("technical user credentials (HSM user and setup password)");
	case CREDFILE_COMBINED: return _("combined credentials of an online order");
	case CREDFILE_JWT: return _("JWT for the multi-tenant TSBaaS REST API");
	case CREDFILE_UNKNOWN: break;
	}
	return _("unknown kind");
}

int credfile_setup_password_well_formed(const char *pw)
{
	if (!pw || strlen(pw) != 29)
		return 0;
	for (size_t i = 0; i < 29; i++) {
		unsigned char c = (unsigned char)pw[i];
		if (i % 6 == 5) {
			if (c != '-')
				return 0;
		} else if (!cf_is_alpha(c) && !cf_is_digit(c)) {
			return 0;
		}
	}
	return 1;
}

/* The content decides. The online file is recognised by its own spellings, or by mixing what the
 * two standard files hold; only a file that holds nothing but "HSM User Name" lets the name decide. */
static enum credfile_kind cf_content_kind(const struct credfile_slot *slot, int online,
                                          enum credfile_kind hint)
{
	int s = slot[CF_SERVICE_USER].line || slot[CF_SERVICE_PASSWORD].line;
	int h = slot[CF_SETUP_PASSWORD].line || slot[CF_PKCS11_PASSWORD].line;
	int j = slot[CF_JWT].line != 0;
	if (online || s + h + j >= 2)
		return CREDFILE_COMBINED;
	if (s)
		return CREDFILE_SERVICE;
	if (h)
		return CREDFILE_HSM;
	if (j || slot[CF_API_ENDPOINT].line)
		return CREDFILE_JWT;
	if (slot[CF_HSM_USER].line)
		return hint == CREDFILE_SERVICE ? CREDFILE_SERVICE : CREDFILE_HSM;
	return CREDFILE_UNKNOWN;
}

static int cf_required(enum credfile_kind kind, enum credfile_field f)
{
	switch (kind) {
	case CREDFILE_SERVICE: return f == CF_SERVICE_USER || f == CF_SERVICE_PASSWORD || f == CF_HSM_USER;
	case CREDFILE_HSM: return f == CF_HSM_USER || f == CF_SETUP_PASSWORD;
	case CREDFILE_COMBINED: return f == CF_SERVICE_USER || f == CF_SERVICE_PASSWORD || f == CF_HSM_USER;
	case CREDFILE_JWT: return f == CF_API_ENDPOINT || f == CF_JWT;
	case CREDFILE_UNKNOWN: break;
	}
	return 0;
}

/* An unknown key is named in the warning only when it looks like a key; a wrapped password line
 * ("...: abc\nxy9Q:z") would otherwise put part of a secret on screen. */
static int cf_key_showable(const char *k, size_t n)
{
	if (n == 0 || n > 40 || !cf_is_alpha((unsigned char)k[0]))
		return 0;
	int space = 0, digit = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];
		if (cf_is_alpha(c))
			continue;
		if (cf_is_digit(c))
			digit = 1;
		else if (c == ' ')
			space = 1;
		else if (!strchr("()#&./_-", c))
			return 0;
	}
	return space || !digit;
}

/* The stricter test for a line next to a secret, which may be the wrapped rest of its value: only
 * words that read like a key's ("Region", "Customer ID", "cluster name") are quoted, never a mix of
 * cases or digits such as "Xq7 Zr9" or "FDgKb". At most 4 words of at most 16 letters. */
static int cf_key_name_like(const char *k, size_t n)
{
	if (n == 0 || n > 40)
		return 0;
	size_t words = 0;
	for (size_t i = 0; i < n;) {
		if (k[i] == ' ') {
			i++;
			continue;
		}
		size_t j = i, upper = 0, lower = 0;
		while (j < n && k[j] != ' ') {
			unsigned char c = (unsigned char)k[j];
			if (c >= 'A' && c <= 'Z')
				upper++;
			else if (c >= 'a' && c <= 'z')
				lower++;
			else
				return 0;
			/* An upper-case letter after a lower-case one: "FDgKb", not a key. */
			if (c >= 'A' && c <= 'Z' && lower)
				return 0;
			j++;
		}
		size_t len = j - i;
		/* "Region", "name", "ID", "URL"; but not "GKJZQ", a password group in capitals. */
		if (len > 16 || (lower == 0 && upper > 4) || (lower && upper > 1))
			return 0;
		words++;
		i = j;
	}
	return words >= 1 && words <= 4;
}

/* Lines of the documented layout that are prose, not keys: "- Details for Native-API ..." headings,
 * the "- Select the 'Authorize' button ..." notes and the example curl command of the TSBaaS file. */
static int cf_is_note(const char *s, const char *e)
{
	size_t n = (size_t)(e - s);
	if (s[0] == '-' && (n == 1 || s[1] == ' ' || s[1] == '\t'))
		return 1;
	return n > 5 && cf_ci_equal(s, "curl ", 5);
}

static void cf_trim(const char **s, const char **e)
{
	while (*s < *e && cf_is_space((unsigned char)**s))
		(*s)++;
	while (*e > *s && cf_is_space((unsigned char)(*e)[-1]))
		(*e)--;
}

/* What the line scan found: one slot per field, whether an online-only key was seen, and how many
 * "Key: value" lines there were (zero means this is not a credential file at all). */
struct cf_scan {
	struct credfile_slot slot[CF_NFIELDS];
	int online;
	size_t key_lines;
};

/* Reads the "Key: value" lines into sc's slots. Refuses a line without ':' or without a key, and a
 * duplicate key; warns about unknown keys without ever quoting what may be part of a secret. */
static int cf_scan_lines(const char *name, const char *p, const char *end, struct cf_scan *sc,
                         struct diag_warnings *w, struct diag *d)
{
	/* 1 while the lines just read may still belong to a secret's value: the line after a secret
	 * key's line, and any unrecognised line that follows it (a mail client may wrap a long value over
	 * several lines). Nothing from such a line is ever quoted in a message. */
	int near_secret = 0;
	size_t lineno = 0;
	while (p < end) {
		lineno++;
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *s = p, *e = eol;
		p = eol < end ? eol + 1 : end;
		cf_trim(&s, &e);
		if (s == e || *s == '#' || cf_is_note(s, e))
			continue;
		const char *colon = memchr(s, ':', (size_t)(e - s));
		if (!colon)
			return diag_set(d, EX_DATAERR, _("%s:%zu: no ':' on this line (expected 'Key: value')"), name,
			                lineno);
		const char *ks = s, *ke = colon, *vs = colon + 1, *ve = e;
		cf_trim(&ks, &ke);
		cf_trim(&vs, &ve);
		if (ks == ke)
			return diag_set(d, EX_DATAERR, _("%s:%zu: no key before the ':' (expected 'Key: value')"), name,
			                lineno);
		sc->key_lines++;
		int k = cf_lookup(ks, (size_t)(ke - ks));
		if (k < 0) {
			/* A key is quoted when it looks like one; next to a secret only when it looks like a
			 * key's name beyond doubt. Anything else is not shown at all. */
			size_t kn = (size_t)(ke - ks);
			if (near_secret ? cf_key_name_like(ks, kn) : cf_key_showable(ks, kn))
				diag_warn(w, _("%s:%zu: unknown key '%.*s' ignored"), name, lineno, (int)(ke - ks), ks);
			else
				diag_warn(w, _("%s:%zu: unrecognised line ignored (not shown: it may be part of a secret)"),
				          name, lineno);
			/* A line we cannot read after a secret may be the rest of its value: so may the next. */
			continue;
		}
		enum credfile_field f = credfile_keys[k].field;
		near_secret = f != CF_IGNORED && credfile_field_secret[f];
		if (f == CF_IGNORED)
			continue;
		if (credfile_keys[k].flags & CF_KEY_ONLINE)
			sc->online = 1;
		struct credfile_slot *slot = sc->slot;
		if (slot[f].line)
			return diag_set(d, EX_DATAERR, _("%s:%zu: duplicate key '%s' (first on line %zu)"), name, lineno,
			                credfile_field_names[f], slot[f].line);
		slot[f].line = lineno;
		slot[f].val = vs;
		slot[f].len = (size_t)(ve - vs);
	}
	return EX_OK;
}

/* Checks that every key the kind of file requires is there and not empty; an optional key with an
 * empty value is dropped with a warning. */
static int cf_check_required(const char *name, enum credfile_kind kind, struct credfile_slot *slot,
                             struct diag_warnings *w, struct diag *d)
{
	/* Empty values first: they have a line number, the most precise thing we can tell. */
	for (int f = 0; f < CF_NFIELDS; f++) {
		if (!slot[f].line || slot[f].len > 0)
			continue;
		if (cf_required(kind, (enum credfile_field)f))
			return diag_set(d, EX_DATAERR, _("%s:%zu: '%s' has an empty value"), name, slot[f].line,
			                credfile_field_names[f]);
		diag_warn(w, _("%s:%zu: '%s' has an empty value; ignored"), name, slot[f].line,
		          credfile_field_names[f]);
		slot[f].line = 0;
	}

	char missing[256] = "";
	size_t nmissing = 0;
	for (int f = 0; f < CF_NFIELDS; f++) {
		if (slot[f].line || !cf_required(kind, (enum credfile_field)f))
			continue;
		size_t used = strlen(missing);
		snprintf(missing + used, sizeof missing - used, "%s'%s'", nmissing ? ", " : "",
		         credfile_field_names[f]);
		nmissing++;
	}
	if (nmissing)
		return diag_set(
		    d, EX_DATAERR,
		    P_("%s: missing key %s (this is a %s file)", "%s: missing keys %s (this is a %s file)", nmissing),
		    name, missing, credfile_kind_name(kind));
	if (kind == CREDFILE_COMBINED && !slot[CF_SETUP_PASSWORD].line && !slot[CF_JWT].line)
		return diag_set(
		    d, EX_DATAERR,
		    _("%s: missing key 'HSM User Setup Password' or 'JWT-TOKEN' (this is a credentials file)"), name);
	return EX_OK;
}

/* Copies the values found into out; a secret goes into the secure heap (doc/DESIGN.md, "Secrets", rule 3). */
static int cf_copy_values(const char *name, const struct credfile_slot *slot, struct credfile *out,
                          struct diag *d)
{
	char **dest[CF_NFIELDS] = {
	    &out->service_user,    &out->service_password, &out->hsm_user, &out->setup_password,
	    &out->pkcs11_password, &out->api_endpoint,     &out->jwt,
	};
	for (int f = 0; f < CF_NFIELDS; f++) {
		if (!slot[f].line)
			continue;
		*dest[f] = credfile_field_secret[f] ? secmem_strndup(slot[f].val, slot[f].len)
		                                    : strndup(slot[f].val, slot[f].len);
		if (!*dest[f])
			return diag_set(d, EX_OSERR, _("%s: out of memory"), name);
	}
	return EX_OK;
}

/* The checks of the values' shapes, made once they are copied: the setup password, the API endpoint
 * and the JWT's claims. */
static int cf_check_values(const char *name, int flags, const struct credfile_slot *slot,
                           struct credfile *out, struct diag_warnings *w, struct diag *d)
{
	/* A setup password cut when copied (or wrapped by a mail client) would be sent to the HSM and
	 * refused, and every refusal uses up the partition's lock-out counter (doc/securosys-facts.md, ppin):
	 * so a value that is not the documented shape is refused here, before anything is stored. The
	 * override exists for the day Securosys changes the format. */
	if (out->setup_password && !credfile_setup_password_well_formed(out->setup_password)) {
		size_t chars = quote_utf8_chars(out->setup_password, strlen(out->setup_password)), groups = 1;
		for (const char *c = out->setup_password; *c; c++)
			groups += *c == '-';
		if (!(flags & CREDFILE_ACCEPT_SETUP_FORMAT))
			return diag_set(
			    d, EX_DATAERR,
			    _("%s:%zu: the HSM User Setup Password is not in the documented format, five groups "
			      "of five letters and digits joined by '-' (29 characters: xxxxx-xxxxx-xxxxx-xxxxx-xxxxx); "
			      "this one has %zu characters in %zu groups. Was it "
			      "cut when copied? Copy it again from the original file, or give "
			      "--accept-setup-format if Securosys changed the format"),
			    name, slot[CF_SETUP_PASSWORD].line, chars, groups);
		diag_warn(
		    w,
		    _("%s:%zu: the HSM User Setup Password is not in the documented format (%zu characters in %zu "
		      "groups); accepted because of --accept-setup-format"),
		    name, slot[CF_SETUP_PASSWORD].line, chars, groups);
	}
	if (out->api_endpoint &&
	    (strlen(out->api_endpoint) <= 8 || !cf_ci_equal(out->api_endpoint, "https://", 8)))
		diag_warn(w, _("%s:%zu: the API-Endpoint is not an https:// URL; it will be refused"), name,
		          slot[CF_API_ENDPOINT].line);
	if (out->jwt) {
		struct jwt_claims claims;
		struct diag jd;
		diag_clear(&jd);
		if (jwt_decode_claims(out->jwt, &claims, &jd) != EX_OK)
			return diag_set(d, EX_DATAERR, _("%s:%zu: JWT-TOKEN: %s"), name, slot[CF_JWT].line, jd.msg);
		out->jwt_exp = claims.exp;
		out->jwt_iat = claims.iat;
	}
	return EX_OK;
}

static int cf_parse(const char *name, const char *buf, size_t len, int flags, struct credfile *out,
                    struct diag_warnings *w, struct diag *d)
{
	const char *p = buf, *end = buf + len;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	size_t body_len = (size_t)(end - p);
	int rc = cf_check_text(name, p, (size_t)(end - p), d);
	if (rc != EX_OK)
		return rc;

	struct cf_scan sc;
	memset(&sc, 0, sizeof sc);
	rc = cf_scan_lines(name, p, end, &sc, w, d);
	if (rc != EX_OK)
		return rc;
	if (sc.key_lines == 0) {
		if (body_len == 0)
			return diag_set(d, EX_DATAERR, _("%s: the file is empty"), name);
		return diag_set(d, EX_DATAERR, _("%s: no 'Key: value' line: this is not a Securosys credential file"),
		                name);
	}
	enum credfile_kind kind = cf_content_kind(sc.slot, sc.online, out->name.kind);
	if (kind == CREDFILE_UNKNOWN)
		return diag_set(
		    d, EX_DATAERR,
		    _("%s: none of the Securosys credential keys (such as 'HSM User Name') is in this file"), name);
	rc = cf_check_required(name, kind, sc.slot, w, d);
	if (rc != EX_OK)
		return rc;

	out->kind = kind;
	if (out->name.kind != CREDFILE_UNKNOWN && out->name.kind != kind)
		diag_warn(w, _("%s: the file name says '%s' but the content is a '%s' file; the content wins"), name,
		          credfile_kind_name(out->name.kind), credfile_kind_name(kind));
	rc = cf_copy_values(name, sc.slot, out, d);
	if (rc != EX_OK)
		return rc;
	return cf_check_values(name, flags, sc.slot, out, w, d);
}

int credfile_parse_buffer_flags(const char *display_name, const char *buf, size_t len, int flags,
                                struct credfile *out, struct diag_warnings *w, struct diag *d)
{
	memset(out, 0, sizeof *out);
	const char *name = display_name ? display_name : _("(pasted text)");
	out->path = strdup(name);
	if (!out->path)
		return diag_set(d, EX_OSERR, _("%s: out of memory"), name);
	(void)credfile_parse_name(name, &out->name);
	/* Every message names the file: quoted, so a newline or ESC in the name shows as \n or \033. */
	char *shown = strdup(quote_c(name));
	if (!shown) {
		credfile_free(out);
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	}
	int rc = cf_parse(shown, buf ? buf : "", buf ? len : 0, flags, out, w, d);
	free(shown);
	if (rc != EX_OK)
		credfile_free(out);
	return rc;
}

int credfile_parse_buffer(const char *display_name, const char *buf, size_t len, struct credfile *out,
                          struct diag_warnings *w, struct diag *d)
{
	return credfile_parse_buffer_flags(display_name, buf, len, 0, out, w, d);
}

int credfile_parse_file_flags(const char *path, int flags, struct credfile *out, struct diag_warnings *w,
                              struct diag *d)
{
	memset(out, 0, sizeof *out);
	char *buf = NULL;
	size_t len = 0;
	/* "-" is standard input, as in every tool that reads files: a script pipes the contents in
	 * without writing them to a file first. It has no name, so no facts from one and no mode. */
	if (strcmp(path, "-") == 0) {
		const char *name = _("standard input");
		int rc =
		    fsutil_read_fd_bounded(STDIN_FILENO, name, CREDFILE_MAX_SIZE, FSUTIL_READ_SECRET, &buf, &len, d);
		if (rc == EX_OK)
			rc = credfile_parse_buffer(name, buf, len, out, w, d);
		secmem_free(buf);
		return rc;
	}
	int rc = fsutil_read_bounded(path, CREDFILE_MAX_SIZE, FSUTIL_READ_SECRET, &buf, &len, d);
	if (rc != EX_OK)
		return rc;
	/* doc/DESIGN.md, "Secrets", rule 5. Browsers save with the umask (usually 022), so this fires often: that
	 * is the point, the file should not outlive the import. This is the only place that says it, so
	 * every front end says it once, with one remedy. */
	struct stat st;
	if (stat(path, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
		diag_warn(w,
		          _("%s: other users can read this file (mode %04o), and it holds secrets: import it with "
		            "--shred to delete it afterwards, or run chmod 600 on it"),
		          quote_c(path), (unsigned)(st.st_mode & 07777));
	rc = credfile_parse_buffer_flags(path, buf, len, flags, out, w, d);
	secmem_free(buf);
	return rc;
}

int credfile_parse_file(const char *path, struct credfile *out, struct diag_warnings *w, struct diag *d)
{
	return credfile_parse_file_flags(path, 0, out, w, d);
}

void credfile_free(struct credfile *cf)
{
	if (!cf)
		return;
	free(cf->path);
	credfile_name_free(&cf->name);
	free(cf->service_user);
	free(cf->hsm_user);
	free(cf->api_endpoint);
	secmem_free(cf->service_password);
	secmem_free(cf->setup_password);
	secmem_free(cf->pkcs11_password);
	secmem_free(cf->jwt);
	memset(cf, 0, sizeof *cf);
}
