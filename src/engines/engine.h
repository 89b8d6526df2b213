/* engine.h: what only the engines and the front ends need besides the port (engine_port.h, the
 * contract core calls; doc/DESIGN.md, "Architecture"): the engines' vtables, their words for the
 * front ends, and the helpers the engines share. */
#ifndef HSMO_ENGINE_H
#define HSMO_ENGINE_H

#include <stddef.h>
#include <time.h>

#include "diag.h"
#include "engine_port.h"

/* Where the Primus PKCS#11 provider installs its tool and library (doc/securosys-facts.md, section
 * "Primus provider files"). */
#define ENGINE_PRIMUS_PPIN "/usr/local/primus/bin/ppin"
#define ENGINE_PRIMUS_MODULE "/usr/local/primus/lib/libprimusP11.so"
/* Where the jce engine looks for Primus Tools without --module: the docs leave the folder to the user
 * (doc/securosys-facts.md, "JCE, TSB and XKS", an assumption). */
#define ENGINE_PRIMUS_TOOLS_JAR "/usr/local/primus/tools/primus-tools.jar"

/* Where a configuration that engine wrote into dir keeps the user secret, in words for the user:
 * "a PIN file (mode 0600) at PATH" or "the provider's .secrets.cfg (mode 0600) at PATH". 0, or -1
 * for an unknown engine. What every screen and message says about that copy comes from here. */
int engine_secret_place(const char *engine, const char *dir, char *buf, size_t size);
extern const struct engine_ops engine_pkcs11_ops;
extern const struct engine_ops engine_primus_ops;
extern const struct engine_ops engine_jce_ops;

/* The words for what (see enum engine_text): the engine's own, or the generic ones; 0, or -1 when
 * there are none (CONFIG_HINT and KEEP exist for some engines only). */
int engine_text(const struct engine_ops *ops, enum engine_text what, const struct engine_text_args *a,
                char *buf, size_t size);
/* The steps of the exchange as the wizard lists them (ENGINE_STEPS). */
const struct engine_step *engine_steps(const struct engine_ops *ops);
/* The engines' own words (engine_text.c). */
int engine_primus_text(enum engine_text what, const struct engine_text_args *a, char *buf, size_t size);
int engine_jce_text(enum engine_text what, const struct engine_text_args *a, char *buf, size_t size);
extern const struct engine_step engine_primus_steps[ENGINE_STEPS];
/* The ppin the primus engine runs: given (--ppin), else /usr/local/primus/bin/ppin, else a trusted
 * one on PATH (engine_find_trusted). EX_OK with the path in buf. */
int engine_primus_find_ppin(const char *given, char *buf, size_t size, struct diag *d);
/* The partition's HSM log since the day of since (UTC), for a support ticket: ppin (found as above)
 * -c WORK/primus.cfg -s WORK/.secrets.cfg --fetchlog --user HSM_USER --hsm hsm0 --since YYYY-MM-DD
 * (doc/securosys-facts.md, section "ppin"). No secret is sent; the output is bounded
 * (ENGINE_PRIMUS_LOG_MAX) and the run has a time limit. EX_OK with the malloc'd output in *out. */
#define ENGINE_PRIMUS_LOG_MAX (256 * 1024)
int engine_primus_fetch_log(const char *ppin, const char *work_dir, const char *hsm_user, time_t since,
                            char **out, struct diag *d);

/* The length of a new PIN: want (0: ENGINE_PIN_DEFAULT), or less when the token's max is smaller (0 and
 * (unsigned long)-1 mean "not given"); -1 when the token's min is above what fits. */
int engine_pin_length(unsigned long min, unsigned long max, size_t want, size_t *len);

/* Writes a provider file atomically (failpoint prefix "config"): mode 0600, or 0640 and owned by group
 * when group is not NULL (the docs' `primus` group: every user of the provider joins it). EX_NOUSER
 * for an unknown group, EX_NOPERM when the file cannot be given to it. */
int engine_write_file(const char *path, const void *data, size_t len, const char *group, struct diag *d);

/* The first executable file called name in PATH, as execvp finds it, into buf; 0 when there is none. */
int engine_find_program(const char *name, char *buf, size_t size);
/* Looks name up in PATH for a tool that will be handed secrets (ppin, java): relative entries are
 * skipped, and the first hit must be owned by root or the user and writable by nobody else, nor may its
 * folder be (doc/DESIGN.md, "Secrets"); a tool given by path (--ppin, --module) is the user's choice and
 * never comes here. EX_OK with the path in buf; EX_NOPERM when the hit is refused (d says why and
 * how to give it explicitly); EX_UNAVAILABLE when there is none (d not set). */
int engine_find_trusted(const char *name, char *buf, size_t size, struct diag *d);

#endif
