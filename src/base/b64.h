/* b64.h: RFC 4648 base64, in the secure heap: the vault keeps binary files (the Primus provider's
 * .secrets.cfg) as strings, and those bytes are secrets. */
#ifndef HSMO_B64_H
#define HSMO_B64_H

#include <stddef.h>

/* RFC 4648 base64 of len bytes, as a secmem string (the vault keeps strings). NULL: out of memory. */
char *b64_encode(const void *data, size_t len);
/* The bytes of a base64 string into a secmem buffer (NUL-terminated too); -1 when it is not base64. */
int b64_decode(const char *text, char **out, size_t *len);

#endif
