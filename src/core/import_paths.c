/* import_paths.c: import from files on disk: parse every one first, warn about loose modes, import,
 * then shred when asked. Kept apart from import.c so that import_credfiles() can be tested (and
 * linked) without the parser. */
#include "config.h"

#include "fsutil.h"
#include "i18n.h"
#include "import.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

int import_paths(const char *const *paths, size_t n, const struct import_opts *o, struct import_result *r,
                 struct diag *d)
{
	diag_clear(d);
	if (n == 0)
		return diag_set(d, EX_USAGE, "%s", _("no credential files to import"));
	struct credfile *files = calloc(n, sizeof *files);
	if (!files)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	int rc = EX_OK;
	size_t parsed = 0;
	for (size_t i = 0; i < n; i++) {
		rc = credfile_parse_file(paths[i], &files[i], &r->warnings, d);
		parsed = i + 1;
		if (rc != EX_OK)
			break;
		struct stat st;
		if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
			diag_warn(&r->warnings,
			          _("%s can be read by other users (mode %04o): it holds secrets; delete it after the "
			            "import (--shred) or run chmod 600"),
			          paths[i], (unsigned)(st.st_mode & 07777));
	}
	if (rc == EX_OK)
		rc = import_credfiles(files, n, o, r, d);
	for (size_t i = 0; i < parsed; i++)
		credfile_free(&files[i]);
	free(files);
	if (rc != EX_OK || !o->shred)
		return rc;

	/* The secrets are safely in the vault now; a failed shred is worth a warning, not a failure. */
	size_t shredded = 0;
	for (size_t i = 0; i < n; i++) {
		struct diag sd;
		diag_clear(&sd);
		/* Standard input ("-") is no file to shred; a file named "-" in the current directory is not it. */
		if (strcmp(paths[i], "-") == 0)
			continue;
		if (fsutil_shred(paths[i], &sd) == EX_OK)
			shredded++;
		else
			diag_warn(&r->warnings, _("--shred: %s"), sd.msg);
	}
	if (shredded)
		diag_warn(&r->warnings, "%s",
		          _("the plaintext credential files were overwritten and deleted; on SSDs and copy-on-write "
		            "filesystems (btrfs, ZFS, APFS) this is best effort: copies may survive in spare blocks, "
		            "snapshots or backups"));
	return EX_OK;
}
