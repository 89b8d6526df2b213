/* jwt.h: reads the claims of a JWT without verifying it. We only need "exp" and "iat" to show the
 * token's countdown; the TSBaaS server verifies the signature. */
#ifndef HSMO_JWT_H
#define HSMO_JWT_H

#include <time.h>

#include "diag.h"

struct jwt_claims {
	time_t exp; /* 0 when absent */
	time_t iat; /* 0 when absent */
};

/* Decodes header.payload.signature: three non-empty base64url parts, a JSON object payload. Returns
 * EX_OK or EX_DATAERR with a message that never contains the token. */
int jwt_decode_claims(const char *token, struct jwt_claims *out, struct diag *d);

#endif
