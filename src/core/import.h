/* import.h: credential files into profiles, all or nothing (doc/DESIGN.md, "Data").
 *
 * One function serves the CLI's import, fetch and watch and the wizard's import screen, so every way
 * in validates, pairs and stores the same way. Nothing is written unless every file is valid and the
 * service and technical files agree on the HSM User Name. */
#ifndef HSMO_IMPORT_H
#define HSMO_IMPORT_H

#include <stddef.h>

#include "credfile.h"
#include "diag.h"
#include "state.h"

/* Asks the front end for the vault passphrase of profile. create=1 for a new vault (the front end
 * asks twice and checks VAULT_PASSPHRASE_MIN). Returns a secmem string, or NULL with d set. */
typedef char *(*import_passphrase_fn)(void *ctx, const char *profile, int create, struct diag *d);
/* Asks a yes/no question (renewal of a setup password); returns 1 for yes. */
typedef int (*import_confirm_fn)(void *ctx, const char *question);
/* Asks for the tier when neither --tier, the file names nor the profile tell it; returns
 * TIER_UNKNOWN to refuse. */
typedef enum state_tier (*import_tier_fn)(void *ctx, const char *profile);

struct import_opts {
	const char *profile;                  /* --profile, or NULL: each HSM User Name names its profile */
	enum state_tier tier;                 /* --tier, or TIER_UNKNOWN: infer from the file names */
	enum state_service_type service_type; /* --service-type, or SERVICE_TYPE_UNKNOWN: infer */
	enum state_api api;                   /* --api, or API_UNKNOWN: keep the profile's (orders_path_of) */
	const char *issued;                   /* --issued YYYY-MM-DD, or NULL */
	int renew;                            /* --renew: replacing the setup password is confirmed */
	int shred;                            /* --shred: overwrite and unlink the plaintext afterwards */
	int kdf_ms;                           /* for a new vault; 0: default */
	int accept_setup_format;              /* --accept-setup-format (CREDFILE_ACCEPT_SETUP_FORMAT) */
	import_passphrase_fn passphrase;
	void *passphrase_ctx;
	import_confirm_fn confirm; /* may be NULL: no confirmation possible (off a terminal) */
	void *confirm_ctx;
	import_tier_fn ask_tier; /* may be NULL: an unknown tier is an error (off a terminal) */
	void *ask_tier_ctx;
};

#define IMPORT_MAX_PROFILES 16

struct import_result {
	size_t n_profiles;
	char *profiles[IMPORT_MAX_PROFILES]; /* names of the profiles written or found unchanged */
	int changed[IMPORT_MAX_PROFILES];    /* 1 when that profile was written */
	struct diag_warnings warnings;       /* world-readable files, shred caveats, ... */
};

/* The pairing rule, shared by import and inspect so both judge a folder of files alike. A file
 * belongs to the HSM user its contents name, or, when they name none (a JWT file), to the user of its
 * file name; NULL when neither tells. */
const char *import_file_user(const struct credfile *cf);
/* 1 when a and b, two of the n files of one call, cannot be one customer's files: their contents
 * name different HSM users, yet their file names name the same user, or they are the only service
 * file and the only technical file of the call. Files of different users otherwise are simply
 * different customers' sets (a Downloads folder holds several). */
int import_files_disagree(const struct credfile *a, const struct credfile *b, size_t n);

/* Parses every path, then imports. Errors name the file (and line). */
int import_paths(const char *const *paths, size_t n, const struct import_opts *o, struct import_result *r,
                 struct diag *d);
/* Imports files already parsed (pasted or downloaded contents). Takes no ownership. */
int import_credfiles(const struct credfile *files, size_t n, const struct import_opts *o,
                     struct import_result *r, struct diag *d);
void import_result_free(struct import_result *r);

#endif
