/* failpoint.h: named crash points for the crash-loop tests (doc/DESIGN.md, "Failpoints").
 *
 * In a build configured with --enable-failpoints, FAILPOINT("name") makes the process SIGKILL itself
 * when HSM_ONBOARD_FAILPOINT=name. In every other build the macro expands to nothing, so release
 * binaries contain no failpoint code at all. Every name must be listed in failpoint.c's table, which is
 * what `hsm-onboard --list-failpoints` prints; an unlisted name aborts the test build. */
#ifndef HSMO_FAILPOINT_H
#define HSMO_FAILPOINT_H

#include "config.h"

#ifdef ENABLE_FAILPOINTS
void failpoint_hit(const char *name);
/* Joins prefix and step ("state" + "before-rename" -> "state.before-rename") and hits that. */
void failpoint_hit2(const char *prefix, const char *step);
/* NULL-terminated list of every failpoint name. */
const char *const *failpoint_names(void);
#define FAILPOINT(name) failpoint_hit(name)
#define FAILPOINT2(prefix, step) failpoint_hit2((prefix), (step))
#else
#define FAILPOINT(name) ((void)0)
#define FAILPOINT2(prefix, step) ((void)(prefix))
#endif

#endif
