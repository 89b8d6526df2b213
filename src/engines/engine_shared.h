/* engine_shared.h: the Primus provider's two files in a folder that other partitions may share.
 *
 * One primus.cfg and one .secrets.cfg serve every partition of a host (doc/securosys-facts.md, section
 * "Several partitions"; /etc/primus is shared through group primus by design). Writing this profile's
 * pair into such a folder must never take another partition's permanent secret away (doc/DESIGN.md,
 * "Shared provider folders"):
 *   - primus.cfg is merged: this partition's slots are replaced or added, with a slot id no other
 *     partition uses, and every other entry is kept (primus_cfg_merge);
 *   - .secrets.cfg is written only when the folder has none, has the same bytes, or has exactly the
 *     bytes ppin added this user to (the seed connect took from it);
 *   - anything else is another's file: refused with EX_CANTCREAT naming the partitions it configures,
 *     or with force replaced after a dated 0600 backup beside it. */
#ifndef HSMO_ENGINE_SHARED_H
#define HSMO_ENGINE_SHARED_H

#include <stddef.h>

#include "diag.h"
#include "engine.h"

/* The copy of the folder's .secrets.cfg that connect gave ppin, kept in the work folder until the
 * pair is written back. */
#define ENGINE_SHARED_SEED_NAME ".secrets.cfg.seed"

struct engine_shared_pair {
	const char *dir;     /* the output folder, absolute */
	const char *secrets; /* this profile's .secrets.cfg bytes (secmem); NULL: not written */
	size_t secrets_len;
	const char *seed; /* the folder's .secrets.cfg as connect seeded ppin's copy from it; NULL: none */
	size_t seed_len;
	const char *cfg; /* this profile's primus.cfg */
	size_t cfg_len;
	const char *user;  /* this partition's HSM user */
	const char *group; /* engine_write_file's group, or NULL */
	int force;
	void (*hook)(void); /* called between the two files (failpoints) */
};

/* Writes the pair into p->dir under the rules above, and adds the written files (and any backup) to
 * out. */
int engine_shared_write(const struct engine_shared_pair *p, struct filelist *out, struct diag *d);
/* Before connect sends anything: EX_CANTCREAT when dir holds a primus.cfg that cannot be merged (not in
 * the documented layout), so that the exchange never runs into a folder its files cannot go to. EX_OK
 * when dir or the file does not exist, or with force. */
int engine_shared_check(const char *dir, int force, struct diag *d);
/* Copies dir's .secrets.cfg to work_dir's .secrets.cfg and ENGINE_SHARED_SEED_NAME (mode 0600), when
 * dir has one and work_dir has none yet: ppin then adds this user to the other partitions' secrets.
 * EX_OK also when there is nothing to seed. When work_dir already has its own copy (an exchange begun
 * without dir) that differs from dir's: EX_CANTCREAT unless force, so that connect stops before it
 * sends anything. Only for a profile whose exchange is not done. */
int engine_shared_seed(const char *dir, const char *work_dir, int force, struct diag *d);

#endif
