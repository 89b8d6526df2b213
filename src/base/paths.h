/* paths.h: where the program finds its own files: the message catalogs, the cluster table and the
 * demo's ppin simulator (doc/DESIGN.md, "Data").
 *
 * An installed binary uses the configure prefixes (LOCALEDIR, PKGDATADIR, LIBEXECDIR). A binary that
 * runs in its build tree finds them relative to itself, as git's RUNTIME_PREFIX does: it reads
 * /proc/self/exe, and a marker that `make` writes beside it (PATHS_BUILD_TREE_MARKER, holding the
 * source tree's absolute path) says that this is a build tree: the catalogs are then in
 * BUILDDIR/locale (compiled by `make`), the cluster table in SRCDIR/data, the simulator beside the
 * binary. So a fresh `make` is whole: the demo speaks the user's language and finds its simulator with
 * no environment variable. The variables HSM_ONBOARD_DATADIR and HSM_ONBOARD_LIBEXECDIR stay as
 * overrides (tests point them elsewhere); HSM_ONBOARD_LOCALEDIR is honoured by test builds only. */
#ifndef HSMO_PATHS_H
#define HSMO_PATHS_H

/* The marker's name, in the build tree's top directory (Makefile.am writes it; it is never installed). */
#define PATHS_BUILD_TREE_MARKER "hsm-onboard.build-tree"

/* Each returns an absolute directory, in static storage. */
const char *paths_localedir(void);
const char *paths_pkgdatadir(void);
const char *paths_libexecdir(void);
/* 1 when this binary runs in its build tree (the marker is beside it). */
int paths_in_build_tree(void);

#endif
