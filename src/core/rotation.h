/* rotation.h: the lock-out-proof exchange of the setup password (doc/DESIGN.md, "The rotation protocol").
 *
 * This module is the only one that writes the rotation's vault entries (PENDING, CURRENT, PREVIOUS)
 * and state.rotation. It runs above any engine:
 *   1. first use recorded in state.json before the first login with the setup password
 *      (failpoint rotate.after-first-use);
 *   2. PENDING generated in the secure heap and saved durably; once saved it is never regenerated
 *      (rotate.after-pending-saved, between the vault and the state write);
 *   3. the change sent through the engine (rotate.after-change, after it returned, before anything
 *      is written);
 *   4. CURRENT = PENDING, PREVIOUS = setup password, durably (rotate.after-promote);
 *   5. verify with CURRENT, wipe PREVIOUS and PENDING; then the provider configuration
 *      (rotate.during-config between its files, and the config.* atomic-write failpoints).
 * On a re-run after any stop, the resume probe decides: PENDING opens the token -> promote; else the
 * change is retried with the same PENDING (its login is the setup-password probe); if the setup
 * password is refused too, stop, keep every file and point to the support ticket.
 *
 * A refused setup password is never retried within a run. The events "change-sent" (written before
 * each change) and "setup-rejected" let a later run skip probing a PENDING that is known not to
 * work, so a re-run after a refusal costs one login attempt, not two.
 *
 * Every function saves what it changed before returning, records the last error in the state
 * (state_set_error) and events ("first-use", "change-sent", "setup-rejected", "rotated", "verified",
 * "configured"). */
#ifndef HSMO_ROTATION_H
#define HSMO_ROTATION_H

#include "diag.h"
#include "engine.h"
#include "profile.h"
#include "vault.h"

struct rotation_report {
	int already_done;       /* nothing was sent: the profile was rotated before */
	int resumed;            /* an earlier run had stopped part way */
	int pending_worked;     /* the resume probe found the change had happened */
	int config_written;
	struct engine_files files;
	struct diag_warnings warnings;
};

void rotation_report_free(struct rotation_report *r);

/* Runs (or resumes) the protocol up to VERIFIED, and to CONFIGURED when config_dir is not NULL.
 * p must be locked; the engine must be open. */
int rotation_run(struct profile *p, struct vault *v, struct engine_ctx *e, const char *config_dir,
                 struct rotation_report *r, struct diag *d);

/* Logs in with CURRENT; records a failure in the state. */
int rotation_verify(struct profile *p, struct vault *v, struct engine_ctx *e, struct diag *d);

/* Writes the provider configuration into dir (needs a verified rotation) and records it. */
int rotation_write_config(struct profile *p, struct vault *v, struct engine_ctx *e, const char *dir,
                          struct engine_files *files, struct diag *d);

#endif
