/* quote.c: C-style quoting of strings from outside (see quote.h for why). */
#include "config.h"

#include "quote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t quote_utf8_chars(const char *s, size_t n)
{
	size_t chars = 0;
	for (size_t i = 0; s && i < n; i++)
		if (((unsigned char)s[i] & 0xc0U) != 0x80U)
			chars++;
	return chars;
}

size_t quote_utf8_seq(const unsigned char *p, size_t n, unsigned long *cp)
{
	unsigned char c = p[0];
	size_t need;
	unsigned long v;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		v = c & 0x1fU;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		v = c & 0x0fU;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		v = c & 0x07U;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((p[i] & 0xc0U) != 0x80U)
			return 0;
		v = (v << 6) | (p[i] & 0x3fU);
	}
	if ((need == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) ||
	    (need == 4 && (v < 0x10000 || v > 0x10ffff)))
		return 0;
	*cp = v;
	return need;
}

/* On a NUL-terminated string: a NUL inside a sequence fails the continuation test first. */
static size_t quote_utf8(const unsigned char *p, unsigned long *cp)
{
	return quote_utf8_seq(p, 4, cp);
}

/* C0, DEL and C1 controls, and the bidirectional formatting characters (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069): those reorder what the terminal shows, so a name can read as
 * another (the "Trojan Source" trick) and must be seen for what it is. */
static int quote_is_control(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

int quote_needed(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (p && *p) {
		unsigned long cp;
		size_t n = quote_utf8(p, &cp);
		if (n == 0 || quote_is_control(cp))
			return 1;
		p += n;
	}
	return 0;
}

static _Thread_local struct {
	char *buf[QUOTE_SLOTS];
	size_t size[QUOTE_SLOTS];
	unsigned next;
} quote_slots;

/* keep_lines: newline and tab pass through and nothing else is escaped but controls (quote_text). */
static const char *quote_do(const char *s, int keep_lines)
{
	if (!s)
		return "(null)";
	if (!quote_needed(s))
		return s;
	/* At most 4 output bytes per input byte ("\xNN", "\033"), plus the quotes. */
	size_t need = strlen(s) * 4 + 3;
	unsigned k = quote_slots.next++ % QUOTE_SLOTS;
	if (quote_slots.size[k] < need) {
		char *grown = realloc(quote_slots.buf[k], need);
		if (!grown)
			return "?";
		quote_slots.buf[k] = grown;
		quote_slots.size[k] = need;
	}
	char *o = quote_slots.buf[k];
	if (!keep_lines)
		*o++ = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned long cp;
		size_t n = quote_utf8(p, &cp);
		if (n == 0 || cp >= 0x80) {
			if (n > 0 && !quote_is_control(cp)) {
				memcpy(o, p, n);
				o += n;
				p += n;
				continue;
			}
			/* Not UTF-8, a C1 control or a bidi control: every byte of it as \xNN. */
			size_t m = n ? n : 1;
			for (size_t i = 0; i < m; i++)
				o += sprintf(o, "\\x%02X", p[i]);
			p += m;
			continue;
		}
		unsigned char c = *p++;
		if (keep_lines && (c == '\n' || c == '\t')) {
			*o++ = (char)c;
			continue;
		}
		switch (c) {
		case '\n': o += sprintf(o, "\\n"); break;
		case '\t': o += sprintf(o, "\\t"); break;
		case '\r': o += sprintf(o, "\\r"); break;
		case '"':
		case '\\':
			if (!keep_lines)
				*o++ = '\\';
			*o++ = (char)c;
			break;
		default:
			if (quote_is_control(c))
				o += sprintf(o, "\\%03o", c);
			else
				*o++ = (char)c;
		}
	}
	if (!keep_lines)
		*o++ = '"';
	*o = '\0';
	return quote_slots.buf[k];
}

const char *quote_c(const char *s)
{
	return quote_do(s, 0);
}

const char *quote_text(const char *s)
{
	return quote_do(s, 1);
}
