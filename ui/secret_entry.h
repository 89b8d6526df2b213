/* secret_entry.h: the wizard's only way to read a secret (doc/DESIGN.md, "Secrets", rule 4; like pinentry).
 *
 * Typed and pasted bytes go straight into a secure-heap buffer (secmem) and are never drawn: the box
 * shows placeholders only (one per character, capped at the field width; for pasted file contents
 * only a count of lines). No libform field and no ordinary heap buffer ever holds the secret; the
 * buffer is wiped on every exit path. Bracketed paste is understood, so a pasted newline does not
 * submit a one-line secret early, and a pasted file keeps its lines. */
#ifndef HSMO_UI_SECRET_ENTRY_H
#define HSMO_UI_SECRET_ENTRY_H

#include <stddef.h>

#include "tui.h"

enum secret_entry_flags {
	SECRET_ENTRY_MULTILINE = 1, /* file contents: Enter adds a line, Ctrl-D finishes */
};

struct secret_entry {
	const char *title;  /* box title */
	const char *prompt; /* e.g. "Vault passphrase:" */
	const char *note;   /* an extra line under the field (an error from the last try), or NULL */
	size_t max;         /* capacity in bytes (0: 1024) */
	int flags;
	/* Repaints what lies under the box (after a resize); may be NULL. */
	void (*repaint)(void *ctx);
	void *repaint_ctx;
};

enum secret_entry_result {
	SECRET_ENTRY_OK = 0,
	SECRET_ENTRY_CANCEL, /* Esc */
	SECRET_ENTRY_HANGUP, /* SIGHUP/SIGTERM: the caller saves and leaves */
};

/* Runs the entry; on SECRET_ENTRY_OK *out is a secmem string (free with secmem_free) and *len its
 * length in bytes. */
enum secret_entry_result secret_entry_run(struct tui *t, const struct secret_entry *e, char **out,
                                          size_t *len);

#endif
