/* ticket.h: the support-ticket summary for a setup-password renewal (doc/DESIGN.md, "Purpose").
 *
 * Built only from the profile's state (state.json, which holds no secret), its expiry and the options
 * below. This module never opens the vault and links no vault code, so no password, PIN, JWT or user
 * secret can reach a ticket (tests/ticket-formats.sh checks both the object's symbols and the output).
 *
 * Formats:
 *   text      aligned label/value lines, wrapped to fit 80 columns;
 *   markdown  a heading and a two-column table, ready to paste into a ticket portal;
 *   json      this stable schema (version 1); keys are always present, null where unknown:
 *   {
 *     "schema": "hsm-onboard-ticket/1",
 *     "notice": "NOTE: ..." | null,       (set when the password is not known to be expired)
 *     "request": "Renewal of the HSM setup password for HSM user X",   (translated text)
 *     "profile", "company", "service": string | null,
 *     "tier": "SBX" | "ECO" | "ECO-CC" | "PLATINUM" | null,
 *     "service_type": "standard" | "tsbaas-multi" | "tsbaas-dedicated" | null,
 *     "hsm_user", "service_user", "cluster": string | null,
 *     "hosts": [string, ...],             (empty when unknown)
 *     "setup_password": {
 *       "state": "unknown" | "unused" | "running" | "expired" | "replaced",
 *       "since": time | null, "missing": string | null (translated, for "unknown"),
 *       "issued", "first_use", "expires_at": time | null,
 *       "issued_local", "first_use_local", "expires_at_local": string | null,
 *       "seconds_left": integer | null,   (for "running" only)
 *       "rule": string                    (translated sentence)
 *     },
 *     "last_error": {"at": time | null, "code": string | null, "message": string | null} | null,
 *     "preflight": {"checked_at": time | null,
 *                   "checks": [{"endpoint": string, "category": string, "latency_ms": integer}]} | null,
 *     "contract", "contact": string | null,
 *     "generated_at": time, "tool_version": string, "os": string,
 *     "statements": [string, ...],        (translated: costs, who may file tickets)
 *     "partition_log": string | null      (--partition-log: ppin --fetchlog's output, control
 *                                          characters and non-ASCII bytes made '?'; or the translated
 *                                          "partition log not available: REASON"; null when not asked)
 *   }
 *   where a time is ISO 8601 UTC, "2026-11-27T00:00:00Z". */
#ifndef HSMO_TICKET_H
#define HSMO_TICKET_H

#include <stddef.h>
#include <time.h>

#include "diag.h"
#include "expiry.h"
#include "state.h"

enum ticket_format {
	TICKET_FORMAT_TEXT = 0,
	TICKET_FORMAT_MARKDOWN,
	TICKET_FORMAT_JSON,
};

#define TICKET_WIDTH 80

struct ticket_options {
	const char *profile;      /* the profile name, or NULL */
	const char *contract;     /* --contract REF, or NULL */
	const char *contact;      /* --contact NAME, or NULL */
	time_t generated;         /* when the ticket is made */
	const char *tool_version; /* NULL: this build's version */
	const char *os;           /* NULL: uname's sysname, release and machine */
	const char *const *hosts; /* the cluster's hosts, master first, when known */
	size_t n_hosts;
	/* --partition-log (doc/securosys-facts.md, section "ppin"): the output of ppin --fetchlog, which
	 * comes from outside and is cleaned before it is shown; NULL when not asked or not available. */
	const char *partition_log;
	const char *partition_log_error; /* why the log asked for is not available, or NULL */
};

/* The one ticket writer, for `ticket --output` and the wizard's S: mode 0600 (a ticket names the
 * customer, the partition and its hosts, so it is nobody else's to read), never over an existing file
 * unless force (an earlier ticket to compare with is kept: EX_CANTCREAT), and atomic, with a random
 * temp name beside path (fsutil_write_new). The caller chose the format explicitly. */
int ticket_save(const char *path, const char *text, size_t len, int force, struct diag *d);
/* The file name extension of a format, ".txt", ".md" or ".json", for a default file name. */
const char *ticket_format_extension(enum ticket_format f);

/* The parts every sentence about a running countdown names, the ticket's and `status`'s alike: the
 * time left ("2 d 04 h 13 min") and the deadline in local time ("Fri 27 Nov 2026 00:00 CET"). */
struct ticket_countdown {
	char left[64];
	char until[96];
};
void ticket_countdown_of(const struct expiry *ex, struct ticket_countdown *c);
/* "unknown: DATA is missing", the words for EXPIRY_UNKNOWN in the ticket and in `status`. */
void ticket_unknown_text(const struct expiry *ex, char *buf, size_t size);

/* "text", "markdown" (or "md"), "json"; 0 on success, -1 otherwise. */
int ticket_format_parse(const char *s, enum ticket_format *out);
/* The ticket in the given format, a malloc'd NUL-terminated string ending with a newline. */
int ticket_render(const struct state *st, const struct expiry *ex, const struct ticket_options *o,
                  enum ticket_format format, char **out, struct diag *d);
/* A compact summary for --qr (a few short lines, small enough for a QR code of about version 10). */
int ticket_qr_summary(const struct state *st, const struct expiry *ex, const struct ticket_options *o,
                      char **out, struct diag *d);

#endif
