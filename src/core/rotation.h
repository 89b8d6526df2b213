/* rotation.h: the lock-out-proof exchange of the setup password (doc/DESIGN.md, "Exchange and rotation").
 *
 * This module is the only one that writes the rotation's vault entries (PENDING, CURRENT, PREVIOUS)
 * and state.rotation. It runs above any engine:
 *   1. first use recorded in state.json immediately before the setup password is sent: the engine
 *      calls back (engine_ctx.before_setup) right before ppin -a, GetUserSecret or C_Login(setup), so
 *      a run that stops earlier leaves the clock untouched (failpoint rotate.after-first-use);
 *   2. PENDING generated in the secure heap and saved durably; once saved it is never regenerated
 *      (rotate.after-pending-saved, between the vault and the state write);
 *   3. the change sent through the engine (rotate.after-change, after it returned, before anything
 *      is written); then the files the engine says are now the partition's key (primus:
 *      .secrets.cfg and primus.cfg) copied into the vault (rotate.after-files-kept), on resume too;
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
#include "engine_port.h"
#include "profile.h"
#include "state.h"
#include "vault.h"

struct rotation_report {
	int already_done;   /* nothing was sent: the profile was rotated before */
	int resumed;        /* an earlier run had stopped part way */
	int pending_worked; /* the resume probe found the change had happened */
	int config_written;
	struct filelist files;
	struct diag_warnings warnings;
};

void rotation_report_free(struct rotation_report *r);

/* The guards every front end asks before it offers a step, so the CLI and the wizard agree. */
/* 1 once a user secret replaced the setup password (promoted or later): verify can run. */
int rotation_has_secret(const struct state *st);
/* 1 once the user secret is verified: nothing is left to send, the configuration may be written. */
int rotation_is_done(const struct state *st);
/* 1 once the provider configuration is written. */
int rotation_is_configured(const struct state *st);
/* 1 when a run stopped part way (first use recorded, not yet promoted or verified): resume it, with
 * the resume probe first, never a fresh attempt. */
int rotation_in_flight(const struct state *st);
/* 1 once PENDING may have reached the HSM: the engine must not be changed any more. */
int rotation_engine_fixed(const struct state *st);
/* 1 when a configuration may be written now: the rotation is done, or the profile is TSBaaS
 * (state_is_tsbaas), which has no rotation and whose targets need only the vault. */
int rotation_config_allowed(const struct state *st);
/* The refusal pre-check: 1 when the next step would send a setup password the HSM refused
 * (rotation_setup_refused below) and no user secret replaced it yet. A front end then sends nothing
 * and says why (rotation_check_refused), unless the user asked for one more, confirmed attempt. */
int rotation_refusal_blocks(const struct state *st);
/* EX_OK, or EX_USAGE with the reason in d when the setup password was handed over to TSB or XKS
 * (targets_handover) and not exchanged by us: they make the exchange themselves, and one of ours
 * would use the password up under them (doc/securosys-facts.md, "JCE, TSB and XKS"). connect and the
 * wizard ask before their confirmation; rotation_run refuses too. */
int rotation_check_handed_over(const struct state *st, struct diag *d);

/* A new setup password was imported (a renewal after a support ticket; doc/DESIGN.md, "Renewal"): it
 * starts a new 7-day life, so its first use is still to come. Clears first_use and renewal_pending,
 * takes a rotation that only recorded the first use back to none (and the wizard back to the
 * countdown), and records "renewed". The user secrets (PENDING, CURRENT) are left alone: only
 * rotation_run may judge them. The caller saves the state. */
void rotation_reset_for_renewal(struct state *st);

/* Runs (or resumes) the protocol up to VERIFIED, and to CONFIGURED when config_dir is not NULL.
 * p must be locked; the engine must be open. */
int rotation_run(struct profile *p, struct vault *v, struct engine_ctx *e, const char *config_dir,
                 struct rotation_report *r, struct diag *d);

/* 1 when the profile's rotation has started (DESIGN.md, "Exchange and rotation"): a PENDING or CURRENT
 * user secret may exist, or an engine's exchange may have happened, so the vault may hold the only
 * copy of the secret that opens the partition. Every engine runs under rotation_run, so its progress
 * is in st->rotation and the "change-sent"/"rotated" events: this one predicate covers them all.
 * forget and the wizard refuse to delete such a profile without an explicit discard. */
int rotation_secret_at_stake(const struct state *st);

/* A setup password that the HSM refused (the engine's err.rejected after first_connect: wrong,
 * expired or locked) is recorded in st->setup_refused, with the engine, the code and the time, and is
 * never sent again: every wrong attempt uses up the partition's lock-out counter. Importing a renewed
 * setup password clears it; so does rotation_retry_refused(), for one explicit, confirmed attempt.
 * Transient errors (network, busy token) are not refusals. */
int rotation_setup_refused(const struct state *st);
/* EX_OK when nothing was refused; else EX_NOPERM with d saying what happened and what comes next. */
int rotation_check_refused(const struct state *st, struct diag *d);
/* Clears the refusal for one more attempt the user asked for and confirmed; saved in the state. */
int rotation_retry_refused(struct profile *p, struct diag *d);

/* Logs in with CURRENT; records a failure in the state. */
int rotation_verify(struct profile *p, struct vault *v, struct engine_ctx *e, struct diag *d);

/* Writes the provider configuration into dir (needs a verified rotation) and records it. */
int rotation_write_config(struct profile *p, struct vault *v, struct engine_ctx *e, const char *dir,
                          struct filelist *files, struct diag *d);

#endif
