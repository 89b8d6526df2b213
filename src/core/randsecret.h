/* randsecret.h: new random secrets (a user secret, a PIN for applications). In core, not base: the
 * random bytes come from libcrypto, which only the dl layer loads (doc/DESIGN.md, "Architecture"). */
#ifndef HSMO_RANDSECRET_H
#define HSMO_RANDSECRET_H

#include <stddef.h>

/* Random secret of len characters from the 62 letters and digits: safe in URIs, OpenSSL, YAML and
 * HCL files and shells without quoting; secmem string, NULL when RAND fails. */
char *randsecret_new(size_t len);

#endif
