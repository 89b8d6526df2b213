/* b64.c: RFC 4648 base64 (b64.h). */
#include "config.h"

#include "b64.h"

#include "secmem.h"

#include <string.h>

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *b64_encode(const void *data, size_t len)
{
	const unsigned char *in = data;
	char *out = secmem_alloc((len + 2) / 3 * 4 + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		unsigned long v = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = i + 1 < len ? b64_alphabet[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? b64_alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

int b64_decode(const char *text, char **out, size_t *len)
{
	size_t n = strlen(text);
	if (n % 4 != 0)
		return -1;
	char *buf = secmem_alloc(n / 4 * 3 + 1);
	if (!buf)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 4) {
		unsigned long v = 0;
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			const char c = text[i + k];
			const char *p = c ? strchr(b64_alphabet, c) : NULL;
			if (c == '=' && i + 4 == n && k >= 2) {
				pad++;
				v <<= 6;
				continue;
			}
			if (!p || pad) {
				secmem_free(buf);
				return -1;
			}
			v = v << 6 | (unsigned long)(p - b64_alphabet);
		}
		buf[o++] = (char)(v >> 16 & 255);
		if (pad < 2)
			buf[o++] = (char)(v >> 8 & 255);
		if (pad < 1)
			buf[o++] = (char)(v & 255);
	}
	buf[o] = '\0';
	*out = buf;
	*len = o;
	return 0;
}
