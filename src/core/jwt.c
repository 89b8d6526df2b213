/* jwt.c: reads exp and iat from a JWT without verifying it (see jwt.h for why that is enough).
 *
 * The token is a bearer credential, so nothing here ever puts it, or a piece of it, in a message,
 * and the decoded parts live in secure-heap buffers that are wiped when we are done. */
#include "config.h"

#include "jwt.h"
#include "i18n.h"
#include "secmem.h"

#include <jansson.h>
#include <string.h>
#include <sysexits.h>

/* RFC 7519 NumericDate can be any JSON number; we keep it to years 1970..9999 so the cast to time_t
 * can never overflow, whatever the payload says. */
#define JWT_MAX_DATE 253402300799.0

static int jwt_b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* Decodes unpadded base64url (trailing '=' are tolerated: some encoders add them) into a secure-heap
 * buffer. Returns NULL on a character outside the alphabet or an impossible length. */
static char *jwt_b64url_decode(const char *s, size_t n, size_t *out_len)
{
	while (n > 0 && s[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return NULL;
	char *out = secmem_alloc(n / 4 * 3 + 3);
	if (!out)
		return NULL;
	size_t o = 0;
	unsigned long acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = jwt_b64url_value((unsigned char)s[i]);
		if (v < 0) {
			secmem_free(out);
			return NULL;
		}
		acc = ((acc << 6) | (unsigned long)v) & 0xffffffUL;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xffU);
		}
	}
	*out_len = o;
	return out;
}

/* Decodes one part and parses it as a JSON object; NULL when either step fails. */
static json_t *jwt_decode_object(const char *s, size_t n)
{
	size_t len = 0;
	char *raw = jwt_b64url_decode(s, n, &len);
	if (!raw)
		return NULL;
	json_error_t err;
	json_t *obj = json_loadb(raw, len, JSON_REJECT_DUPLICATES, &err);
	secmem_free(raw);
	if (obj && !json_is_object(obj)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* Reads a NumericDate claim; absent is fine (0), anything but a number in range is an error. */
static int jwt_claim_time(json_t *payload, const char *name, time_t *out, struct diag *d)
{
	*out = 0;
	json_t *v = json_object_get(payload, name);
	if (!v)
		return EX_OK;
	if (!json_is_number(v))
		return diag_set(d, EX_DATAERR, _("the JWT's '%s' claim is not a number"), name);
	double t = json_number_value(v);
	if (!(t >= 0.0 && t <= JWT_MAX_DATE))
		return diag_set(d, EX_DATAERR, _("the JWT's '%s' claim is not a date"), name);
	*out = (time_t)t;
	return EX_OK;
}

int jwt_decode_claims(const char *token, struct jwt_claims *out, struct diag *d)
{
	out->exp = 0;
	out->iat = 0;
	if (!token || !*token)
		return diag_set(d, EX_DATAERR, "%s", _("the JWT is empty"));

	const char *dot1 = strchr(token, '.');
	const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (!dot1 || !dot2 || strchr(dot2 + 1, '.'))
		return diag_set(d, EX_DATAERR, "%s",
		                _("the JWT does not have three parts separated by '.' (header.payload.signature)"));
	const char *part[3] = {token, dot1 + 1, dot2 + 1};
	size_t len[3] = {(size_t)(dot1 - token), (size_t)(dot2 - dot1 - 1), strlen(dot2 + 1)};
	for (int i = 0; i < 3; i++) {
		if (len[i] == 0)
			return diag_set(d, EX_DATAERR, "%s", _("the JWT has an empty part"));
		for (size_t k = 0; k < len[i]; k++)
			if (jwt_b64url_value((unsigned char)part[i][k]) < 0 && part[i][k] != '=')
				return diag_set(d, EX_DATAERR, "%s",
				                _("the JWT contains characters outside the base64url alphabet"));
	}

	json_t *header = jwt_decode_object(part[0], len[0]);
	if (!header)
		return diag_set(d, EX_DATAERR, "%s", _("the JWT's header is not base64url-encoded JSON"));
	json_decref(header);

	json_t *payload = jwt_decode_object(part[1], len[1]);
	if (!payload)
		return diag_set(d, EX_DATAERR, "%s", _("the JWT's payload is not base64url-encoded JSON"));
	int rc = jwt_claim_time(payload, "exp", &out->exp, d);
	if (rc == EX_OK)
		rc = jwt_claim_time(payload, "iat", &out->iat, d);
	json_decref(payload);
	if (rc != EX_OK) {
		out->exp = 0;
		out->iat = 0;
	}
	return rc;
}
