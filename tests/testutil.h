/* testutil.h: what the cmocka unit tests share (doc/DESIGN.md, "Tests"): a private temp dir for each
 * test, created by the group's setup and removed with everything in it by its teardown. */
#ifndef HSMO_TESTUTIL_H
#define HSMO_TESTUTIL_H

#include <stddef.h>

/* The current test's directory, "" between tests. */
extern char testutil_dir[256];

/* Creates $TMPDIR/hsmo-NAME.XXXXXX (mkdtemp: mode 0700) as testutil_dir. 0, or -1 when it fails. */
int testutil_mkdir(const char *name);
/* The same, and points XDG_STATE_HOME at testutil_dir/state, so profiles land inside it. */
int testutil_mkdir_state(const char *name);
/* Removes testutil_dir and everything below it (without following symlinks). 0, or -1. */
int testutil_rmdir(void);
/* The same as cmocka group (or test) setup and teardown, named after the test binary. */
int testutil_setup(void **state);
int testutil_setup_state(void **state);
int testutil_teardown(void **state);
/* testutil_dir/name into buf. */
void testutil_path(char *buf, size_t size, const char *name);

#endif
