/* credfile.h: the Securosys credential files, the input of the whole product.
 *
 * Four kinds (doc/DESIGN.md, "Purpose"):
 *   service      <company>_<svc>_service_<user>_<date>.txt   Service User Name/Password, HSM User Name
 *   hsm          <company>_<svc>_hsm_<user>_<date>.txt       HSM User Name, HSM User Setup Password,
 *                                                            optional "PKCS#11 password :"
 *   credentials  <org>_<svc>_credentials_<user>_<date>.txt   combined file of an online order
 *   jwt          <org>_<svc>_jwt_<user>_<date>.txt           API-Endpoint, JWT-TOKEN (multi-tenant TSBaaS)
 *
 * The content decides the kind; the filename only adds facts (and a warning when it disagrees).
 * Secrets are copied straight into secure-heap buffers (secmem) and never into ordinary memory that
 * outlives the parse. */
#ifndef HSMO_CREDFILE_H
#define HSMO_CREDFILE_H

#include <stddef.h>
#include <time.h>

#include "diag.h"

#define CREDFILE_MAX_SIZE (64 * 1024)

enum credfile_kind {
	CREDFILE_UNKNOWN = 0,
	CREDFILE_SERVICE,
	CREDFILE_HSM,
	CREDFILE_COMBINED,
	CREDFILE_JWT,
};

/* Facts parsed from the filename, from the right, so underscores in the company are fine. Every
 * string is NULL when the name does not have the shape. */
struct credfile_name {
	enum credfile_kind kind; /* from the kind part of the name; CREDFILE_UNKNOWN if none */
	char *company;
	char *service; /* the <svc> part, e.g. "eco", "sbx", "ecocc" */
	char *user;
	char *date; /* normalised to YYYY-MM-DD */
};

struct credfile {
	char *path;              /* as given (or the display name of pasted contents) */
	enum credfile_kind kind; /* from the content */
	struct credfile_name name;

	/* Non-secret fields; NULL when absent. */
	char *service_user; /* Service User Name (the Proxy-User) */
	char *hsm_user;     /* HSM User Name */
	char *api_endpoint; /* API-Endpoint (jwt kind) */
	time_t jwt_exp;     /* the JWT's exp claim, 0 when absent */
	time_t jwt_iat;     /* the JWT's iat claim, 0 when absent */

	/* Secrets, in secure-heap buffers; NULL when absent. */
	char *service_password; /* Service User Password (the Proxy-Password) */
	char *setup_password;   /* HSM User Setup Password */
	char *pkcs11_password;  /* PKCS#11 password */
	char *jwt;              /* JWT-TOKEN */
};

/* Reads (bounded, CREDFILE_MAX_SIZE) and parses one file. Returns EX_OK, EX_DATAERR for an invalid
 * file, or EX_NOINPUT/EX_IOERR when it cannot be read; d->msg is "FILE:LINE: message" or
 * "FILE: message". Warnings (unknown key, name/content mismatch) go to w; a setup password not in the
 * documented shape is an error (see credfile_parse_file_flags). */
int credfile_parse_file(const char *path, struct credfile *out, struct diag_warnings *w, struct diag *d);

/* Parses contents already in memory (pasted in the wizard, or downloaded). display_name is used in
 * messages and for the filename facts. The buffer is not modified. */
int credfile_parse_buffer(const char *display_name, const char *buf, size_t len, struct credfile *out,
                          struct diag_warnings *w, struct diag *d);

enum credfile_parse_flags {
	/* A setup password that is not five groups of five letters and digits is a warning, not an
	 * error (--accept-setup-format: for a format Securosys may change). */
	CREDFILE_ACCEPT_SETUP_FORMAT = 1,
};
/* The same, with enum credfile_parse_flags. Without CREDFILE_ACCEPT_SETUP_FORMAT, a setup password
 * not in the documented shape is EX_DATAERR ("FILE:LINE: ... cut when copied?"). */
int credfile_parse_file_flags(const char *path, int flags, struct credfile *out, struct diag_warnings *w,
                              struct diag *d);
int credfile_parse_buffer_flags(const char *display_name, const char *buf, size_t len, int flags,
                                struct credfile *out, struct diag_warnings *w, struct diag *d);

/* Frees every field and wipes the secrets. The struct can be reused. */
void credfile_free(struct credfile *cf);

/* "service", "hsm", "credentials", "jwt" or "unknown": stable names for JSON and tests. */
const char *credfile_kind_name(enum credfile_kind kind);
/* A translated one-line description of the kind, for humans. */
const char *credfile_kind_description(enum credfile_kind kind);

/* Parses a credential-file name (the basename of path). Returns 0 when it has the documented shape. */
int credfile_parse_name(const char *path, struct credfile_name *out);
void credfile_name_free(struct credfile_name *n);

/* 1 when the setup password has the documented shape: five groups of five letters and digits
 * joined by '-'. */
int credfile_setup_password_well_formed(const char *pw);

#endif
