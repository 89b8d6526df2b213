/* failpoint.c: compiled only with --enable-failpoints (see failpoint.h). */
#include "config.h"

#include "failpoint.h"

#ifdef ENABLE_FAILPOINTS
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every durable step of the product. Add a name here when you add a FAILPOINT. The atomic-write steps
 * exist once per file kind (the prefix passed to fsutil_write_atomic). */
static const char *const failpoint_table[] = {
#define FP_ATOMIC(prefix) \
	prefix ".before-rename", prefix ".after-rename", prefix ".before-dirsync", prefix ".after-dirsync"
    FP_ATOMIC("vault"),
    FP_ATOMIC("state"),
    FP_ATOMIC("config"),
    FP_ATOMIC("ticket"),
    FP_ATOMIC("status"),
    "import.between-vault-and-state",
    "rotate.before-first-use",
    "rotate.after-first-use",
    "rotate.after-renewal-backup",
    "rotate.after-pending-saved",
    "rotate.after-change",
    "rotate.after-files-kept",
    "rotate.after-promote",
    "rotate.during-config",
#undef FP_ATOMIC
    NULL,
};

const char *const *failpoint_names(void)
{
	return failpoint_table;
}

void failpoint_hit(const char *name)
{
	int known = 0;
	for (const char *const *p = failpoint_table; *p; p++)
		if (strcmp(*p, name) == 0)
			known = 1;
	if (!known) {
		fprintf(stderr, "failpoint %s is not in failpoint.c's table\n", name);
		abort();
	}
	const char *want = getenv("HSM_ONBOARD_FAILPOINT");
	if (want && strcmp(want, name) == 0)
		kill(getpid(), SIGKILL);
}

void failpoint_hit2(const char *prefix, const char *step)
{
	char name[128];
	snprintf(name, sizeof name, "%s.%s", prefix, step);
	failpoint_hit(name);
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int failpoint_unused;
#endif
