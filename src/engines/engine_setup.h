/* engine_setup.h: fills and opens an engine from a profile, the one way both front ends do it.
 *
 * A rotation begun by `connect` may be resumed by the wizard and the other way round, so both must
 * give the engine the same module, token, hosts and primus work directory. Command-line overrides win
 * over the profile's state; hosts come from --endpoint, else from the hosts connect was given
 * (state engine.hosts), else from the installed cluster table. */
#ifndef HSMO_ENGINE_SETUP_H
#define HSMO_ENGINE_SETUP_H

#include <stddef.h>

#include "clusters.h"
#include "diag.h"
#include "engine.h"
#include "state.h"
#include "vault.h"

/* Settings given on the command line; NULL (or -1 for slot, 0 endpoints) keeps the profile's. */
struct engine_overrides {
	const char *engine;
	const char *module;
	const char *token_label;
	long slot;
	const char *ppin;
	const char *primus_home; /* primus: where the provider's templates are (doctor.h) */
	const char *const *endpoints;
	size_t n_endpoints;
	size_t pin_length;      /* 0: the default */
	const char *client_id;  /* primus: --client-id (NULL: the state's, else HSMUSER@hostname) */
	const char *shared_dir; /* primus: connect --output DIR, which may hold other partitions' files */
	int force;              /* --force: replace other partitions' provider files, with a backup */
};

/* What the setup owns while the engine is open (the ctx borrows from it). */
struct engine_setup {
	struct cluster_table clusters;
	char *work_dir;
	int opened;
};

void engine_overrides_init(struct engine_overrides *o);
/* Why a profile has no engine here (a CNG, REST or TSBaaS path, or an unknown name): EX_CONFIG with
 * the path's next step, or EX_USAGE. */
int engine_setup_no_engine(const struct state *st, struct diag *d);
/* The partition's hosts, the master first: --endpoint, else those connect was given, else the
 * profile's cluster in the cluster table (loaded into s). Strings are borrowed; returns how many. */
size_t engine_setup_hosts(struct engine_setup *s, const struct state *st, const struct engine_overrides *o,
                          const char **hosts, size_t max);
/* A CNG profile's KSP settings (target ksp, and whatever else ts names) into dir: the hosts as
 * engine_setup_hosts gives them, the port of the profile's path, the user names and no secret (the
 * exchange happens on the Windows machine; doc/securosys-facts.md, "CNG"). config --for ksp
 * and the wizard's CNG step both write them this way. o may be NULL. */
struct target;
int engine_setup_write_ksp(const struct target *const *ts, size_t n, const char *profile,
                           const struct state *st, const struct engine_overrides *o, const char *dir,
                           struct filelist *out, struct diag *d);
/* Fills e (engine_ctx_init first) and opens the engine. o may be NULL. v may be NULL when no secret
 * is needed. EX_USAGE when no engine is chosen; otherwise what the engine's open returns. */
int engine_setup_open(struct engine_setup *s, struct engine_ctx *e, const struct state *st,
                      const char *profile_dir, const struct vault *v, const struct engine_overrides *o,
                      struct diag *d);
/* Closes the engine if it was opened and frees what the setup owns. Safe on a zeroed setup. */
void engine_setup_close(struct engine_setup *s, struct engine_ctx *e);

#endif
