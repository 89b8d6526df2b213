/* ticket.c: the support-ticket summary (ticket.h). Reads struct state and struct expiry only; it has
 * no way to reach the vault, on purpose. */
#include "config.h"

#include "ticket.h"
#include "fsutil.h"
#include "i18n.h"
#include "quote.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sysexits.h>

#define TICKET_LABEL_WIDTH 20

/* ---- a growing string ---- */
struct sbuf {
	char *s;
	size_t len, cap;
	int failed;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->failed = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	sb_add(b, s, (size_t)n);
	free(s);
}

static char *sb_take(struct sbuf *b)
{
	if (b->failed || !b->s) {
		free(b->s);
		return NULL;
	}
	return b->s;
}

/* ---- values ---- */

static void ticket_iso(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (t <= 0 || !gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf[0] = '\0';
}

/* "2026-11-27 00:00 UTC (Fri 27 Nov 2026 01:00 CET)", or the translated "unknown"/none text. */
static void ticket_when(time_t t, const char *none, char *buf, size_t size)
{
	struct tm tm;
	char utc[32], local[96];
	if (t <= 0 || !gmtime_r(&t, &tm) || strftime(utc, sizeof utc, "%Y-%m-%d %H:%M UTC", &tm) == 0) {
		snprintf(buf, size, "%s", none);
		return;
	}
	expiry_format_local(t, local, sizeof local);
	snprintf(buf, size, "%s (%s)", utc, local);
}

/* The date of issue is a date, not a moment: "2026-11-20". It is stored as 00:00 UTC of that day,
 * which as a time ("01:00 CET") would suggest a clock time the files never gave. */
static void ticket_date(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (t <= 0 || !gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, size, "%s", _("unknown"));
}

static const char *or_unknown(const char *s)
{
	return s && *s ? s : _("unknown");
}

static const char *ticket_tier(const struct state *st)
{
	return st->tier == TIER_UNKNOWN ? NULL : state_tier_name(st->tier);
}

static const char *ticket_service_type(const struct state *st)
{
	return st->service_type == SERVICE_TYPE_UNKNOWN ? NULL : state_service_type_name(st->service_type);
}

void ticket_countdown_of(const struct expiry *ex, struct ticket_countdown *c)
{
	expiry_format_left(ex->seconds_left, c->left, sizeof c->left);
	expiry_format_local(ex->deadline, c->until, sizeof c->until);
}

void ticket_unknown_text(const struct expiry *ex, char *buf, size_t size)
{
	snprintf(buf, size, _("unknown: %s is missing"), ex->missing ? ex->missing : _("data"));
}

/* The translated state in words, with its start: "expired since ...". */
static void ticket_state_text(const struct expiry *ex, char *buf, size_t size)
{
	char since[160];
	struct ticket_countdown c;
	ticket_when(ex->since, "", since, sizeof since);
	switch (ex->state) {
	case EXPIRY_RUNNING:
		ticket_countdown_of(ex, &c);
		snprintf(buf, size, _("running: %s left, until %s"), c.left, c.until);
		return;
	case EXPIRY_EXPIRED: snprintf(buf, size, _("expired since %s"), since); return;
	case EXPIRY_UNUSED:
		if (ex->since > 0)
			snprintf(buf, size, _("not used yet (received %s)"), since);
		else
			snprintf(buf, size, "%s", _("not used yet"));
		return;
	case EXPIRY_REPLACED:
		if (ex->since > 0)
			snprintf(buf, size, _("replaced by the rotation since %s"), since);
		else
			snprintf(buf, size, "%s", _("replaced by the rotation"));
		return;
	case EXPIRY_UNKNOWN: break;
	}
	ticket_unknown_text(ex, buf, size);
}

/* The line at the top of a ticket for a password that is not known to be expired; NULL otherwise. */
static char *ticket_notice(const struct expiry *ex)
{
	struct ticket_countdown c;
	char *s = NULL;
	int n = 0;
	switch (ex->state) {
	case EXPIRY_EXPIRED: return NULL;
	case EXPIRY_RUNNING:
		ticket_countdown_of(ex, &c);
		n = asprintf(&s,
		             _("NOTE: the setup password has NOT expired: %s left, until %s. A renewal "
		               "may not be needed."),
		             c.left, c.until);
		break;
	case EXPIRY_UNUSED:
		n = asprintf(&s, "%s",
		             _("NOTE: the setup password has NOT expired: it has not been used yet, "
		               "so its 7 days have not started."));
		break;
	case EXPIRY_REPLACED:
		n = asprintf(&s, "%s",
		             _("NOTE: the setup password has NOT expired: the rotation already "
		               "replaced it with a permanent user secret."));
		break;
	case EXPIRY_UNKNOWN:
		n = asprintf(&s,
		             _("NOTE: it is not known whether the setup password has expired: %s is "
		               "missing."),
		             ex->missing ? ex->missing : _("data"));
		break;
	}
	return n < 0 ? NULL : s;
}

static const char *ticket_statement_costs(void)
{
	return _("A renewal of the setup password incurs costs.");
}

static const char *ticket_statement_who(void)
{
	return _("Only registered support users can file support tickets.");
}

/* The support terms (doc/securosys-facts.md, section "Setup password"): a P1 request is valid only once
 * confirmed by phone; with device SO access disabled, only the Partition SO can reset the partition. */
static const char *ticket_statement_p1(void)
{
	return _("A request filed as priority P1 must be confirmed by phone after it is submitted to become "
	         "valid.");
}

static const char *ticket_statement_pso(void)
{
	return _("If the partition's \"device SO access\" was disabled (Partition Administration), Securosys "
	         "cannot reset it: the setup password can then be reset only by the customer's Partition SO.");
}

static void ticket_os(const struct ticket_options *o, char *buf, size_t size)
{
	struct utsname u;
	if (o->os)
		snprintf(buf, size, "%s", o->os);
	else if (uname(&u) == 0)
		snprintf(buf, size, "%s %s %s", u.sysname, u.release, u.machine);
	else
		snprintf(buf, size, "%s", _("unknown"));
}

/* ---- the rows shared by text and markdown ---- */

struct ticket_row {
	const char *label; /* translated */
	char *value;       /* malloc'd, may hold anything from state.json: sanitized when drawn */
};

struct ticket_rows {
	struct ticket_row r[32];
	size_t n;
	int failed;
};

static void row_add(struct ticket_rows *rows, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void row_add(struct ticket_rows *rows, const char *label, const char *fmt, ...)
{
	if (rows->n >= sizeof rows->r / sizeof rows->r[0]) {
		rows->failed = 1;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0) {
		rows->failed = 1;
		s = NULL;
	}
	va_end(ap);
	rows->r[rows->n].label = label;
	rows->r[rows->n].value = s;
	rows->n++;
}

static void rows_free(struct ticket_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++)
		free(rows->r[i].value);
	rows->n = 0;
}

/* A last error was recorded, for the ticket's row and its JSON object alike. */
static int ticket_has_error(const struct state *st)
{
	return st->last_error.at > 0 || st->last_error.code || st->last_error.message;
}

/* A preflight ran, for the ticket's row and its JSON object alike. */
static int ticket_has_preflight(const struct state *st)
{
	return st->checked_at > 0 || st->n_checks > 0;
}

static void rows_add_hosts(struct ticket_rows *rows, const struct ticket_options *o)
{
	if (o->n_hosts > 0) {
		struct sbuf b = {0};
		for (size_t i = 0; i < o->n_hosts; i++)
			sb_printf(&b, "%s%s", i ? ", " : "", o->hosts[i]);
		char *h = sb_take(&b);
		row_add(rows, _("Hosts:"), "%s", h ? h : "");
		free(h);
	} else {
		row_add(rows, _("Hosts:"), "%s", _("unknown"));
	}
}

static void rows_add_preflight(struct ticket_rows *rows, const struct state *st)
{
	if (ticket_has_preflight(st)) {
		struct sbuf b = {0};
		char when[160];
		ticket_when(st->checked_at, _("unknown"), when, sizeof when);
		sb_puts(&b, when);
		sb_puts(&b, ":");
		for (size_t i = 0; i < st->n_checks; i++) {
			const struct state_check *c = &st->checks[i];
			sb_printf(&b, _(" %s %s (%ld ms)%s"), or_unknown(c->endpoint), or_unknown(c->category),
			          c->latency_ms, i + 1 < st->n_checks ? ";" : "");
		}
		if (st->n_checks == 0)
			sb_printf(&b, " %s", _("no endpoint checked"));
		char *p = sb_take(&b);
		row_add(rows, _("Preflight:"), "%s", p ? p : "");
		free(p);
	} else {
		row_add(rows, _("Preflight:"), "%s", _("none recorded"));
	}
}

static void ticket_rows_build(const struct state *st, const struct expiry *ex, const struct ticket_options *o,
                              struct ticket_rows *rows)
{
	char buf[512], os[300];
	memset(rows, 0, sizeof *rows);
	const char *hsm = or_unknown(st->hsm_user);

	row_add(rows, _("Request:"), _("Renewal of the HSM setup password for HSM user %s"), hsm);
	/* Where and by whom (doc/securosys-facts.md, section "Setup password"). */
	row_add(rows, _("Portal:"), "%s",
	        _("https://support.securosys.com/external/service-catalogue/18 (registered support users; a "
	          "renewal incurs costs)"));
	row_add(rows, _("Company:"), "%s", or_unknown(st->company));
	row_add(rows, _("Service:"), "%s", or_unknown(st->service));
	row_add(rows, _("Tier:"), "%s", or_unknown(ticket_tier(st)));
	row_add(rows, _("Service type:"), "%s", or_unknown(ticket_service_type(st)));
	row_add(rows, _("HSM user:"), "%s", hsm);
	row_add(rows, _("Service user:"), "%s", or_unknown(st->service_user));
	row_add(rows, _("Profile:"), "%s", or_unknown(o->profile));
	row_add(rows, _("Cluster:"), "%s", or_unknown(st->cluster));
	rows_add_hosts(rows, o);
	ticket_date(st->issued, buf, sizeof buf);
	row_add(rows, _("Date of issue:"), "%s", buf);
	ticket_when(st->first_use, _("none recorded"), buf, sizeof buf);
	row_add(rows, _("First use:"), "%s", buf);
	ticket_when(ex->deadline, _("unknown"), buf, sizeof buf);
	row_add(rows, _("Expiry:"), "%s", buf);
	row_add(rows, _("Expiry rule:"), "%s", expiry_rule_text(st->tier));
	ticket_state_text(ex, buf, sizeof buf);
	row_add(rows, _("State:"), "%s", buf);

	if (ticket_has_error(st)) {
		char when[160];
		ticket_when(st->last_error.at, _("unknown"), when, sizeof when);
		row_add(rows, _("Last error:"), _("%s: %s; recorded %s"), or_unknown(st->last_error.code),
		        or_unknown(st->last_error.message), when);
	} else {
		row_add(rows, _("Last error:"), "%s", _("none recorded"));
	}

	rows_add_preflight(rows, st);

	row_add(rows, _("Contract/offer:"), "%s",
	        o->contract ? o->contract
	                    : _("not given: support needs the service-contract reference (--contract REF)"));
	row_add(rows, _("Contact:"), "%s", o->contact ? o->contact : _("not given"));
	ticket_when(o->generated, _("unknown"), buf, sizeof buf);
	row_add(rows, _("Generated:"), "%s", buf);
	row_add(rows, _("Tool:"), "%s %s", PACKAGE_NAME, o->tool_version ? o->tool_version : PACKAGE_VERSION);
	ticket_os(o, os, sizeof os);
	row_add(rows, _("OS:"), "%s", os);
}

/* Control characters from a hand-edited state.json must not reach a terminal or a printer. */
static void ticket_sanitize(char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

/* The partition log comes from the HSM, through ppin: only printable ASCII, newlines and tabs (made a
 * space) stay, so no escape sequence reaches a terminal or printer and the JSON string is valid. A
 * markdown fence cannot be closed from inside when backticks become quotes. NULL: out of memory. */
static char *ticket_log_clean(const char *log, int markdown)
{
	size_t n = strlen(log);
	char *s = malloc(n + 1), *w = s;
	if (!s)
		return NULL;
	for (const char *p = log; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\r')
			continue;
		if (c == '\t')
			c = ' ';
		else if (c != '\n' && (c < 0x20 || c >= 0x7f))
			c = '?';
		else if (markdown && c == '`')
			c = '\'';
		*w++ = (char)c;
	}
	while (w > s && w[-1] == '\n')
		w--;
	*w = '\0';
	return s;
}

/* "partition log not available: REASON", malloc'd, or NULL (out of memory). */
static char *ticket_log_missing(const char *reason)
{
	size_t n = strlen(_("partition log not available: %s")) + strlen(reason) + 1;
	char *s = malloc(n);
	if (s) {
		snprintf(s, n, _("partition log not available: %s"), reason);
		ticket_sanitize(s);
	}
	return s;
}

/* Byte length of the longest prefix of s at most cols wide, preferring to break after a space. */
static size_t ticket_break(const char *s, size_t cols, size_t *skip)
{
	size_t len = strlen(s), bytes = 0, w = 0, last_space = 0;
	*skip = 0;
	if (quote_utf8_chars(s, len) <= cols)
		return len;
	while (bytes < len) {
		size_t n = 1;
		while (bytes + n < len && ((unsigned char)s[bytes + n] & 0xc0) == 0x80)
			n++;
		if (w + 1 > cols)
			break;
		if (s[bytes] == ' ')
			last_space = bytes;
		bytes += n;
		w++;
	}
	if (last_space > 0) {
		*skip = 1;
		return last_space;
	}
	return bytes; /* one long word: cut it */
}

/* "label       value" lines, the value wrapped under itself so no line exceeds TICKET_WIDTH. */
static void ticket_text_line(struct sbuf *b, const char *label, const char *value)
{
	size_t lw = quote_utf8_chars(label, strlen(label));
	size_t indent = lw + 1 > TICKET_LABEL_WIDTH ? lw + 1 : TICKET_LABEL_WIDTH;
	size_t cols = TICKET_WIDTH - indent;
	sb_puts(b, label);
	for (size_t i = lw; i < indent; i++)
		sb_puts(b, " ");
	const char *p = value;
	int first = 1;
	do {
		size_t skip, n = ticket_break(p, cols, &skip);
		if (!first)
			for (size_t i = 0; i < indent; i++)
				sb_puts(b, " ");
		sb_add(b, p, n);
		sb_puts(b, "\n");
		p += n + skip;
		first = 0;
	} while (*p);
}

/* A paragraph wrapped at TICKET_WIDTH. */
static void ticket_text_para(struct sbuf *b, const char *text)
{
	const char *p = text;
	do {
		size_t skip, n = ticket_break(p, TICKET_WIDTH, &skip);
		sb_add(b, p, n);
		sb_puts(b, "\n");
		p += n + skip;
	} while (*p);
}

static void ticket_text(struct sbuf *b, struct ticket_rows *rows, const char *notice)
{
	const char *title = _("HSM SETUP PASSWORD RENEWAL REQUEST");
	sb_printf(b, "%s\n", title);
	for (size_t i = quote_utf8_chars(title, strlen(title)); i > 0; i--)
		sb_puts(b, "=");
	sb_puts(b, "\n");
	if (notice) {
		sb_puts(b, "\n");
		ticket_text_para(b, notice);
	}
	sb_puts(b, "\n");
	for (size_t i = 0; i < rows->n; i++) {
		ticket_sanitize(rows->r[i].value);
		ticket_text_line(b, rows->r[i].label, rows->r[i].value);
	}
	sb_puts(b, "\n");
	ticket_text_para(b, ticket_statement_costs());
	ticket_text_para(b, ticket_statement_who());
	ticket_text_para(b, ticket_statement_p1());
	ticket_text_para(b, ticket_statement_pso());
}

/* '_' stays: user names like ACME_ECO_01 must paste and search as they are, and an underscore
 * inside a word starts no emphasis in CommonMark. */
static void ticket_md_escape(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '`' || *s == '<')
			sb_add(b, "\\", 1);
		sb_add(b, s, 1);
	}
}

static void ticket_markdown(struct sbuf *b, struct ticket_rows *rows, const char *notice)
{
	sb_printf(b, "# %s\n\n", _("HSM setup password renewal request"));
	if (notice) {
		sb_puts(b, "> **");
		ticket_md_escape(b, notice);
		sb_puts(b, "**\n\n");
	}
	sb_printf(b, "| %s | %s |\n| --- | --- |\n", _("Field"), _("Value"));
	for (size_t i = 0; i < rows->n; i++) {
		char label[64];
		snprintf(label, sizeof label, "%s", rows->r[i].label);
		size_t l = strlen(label);
		if (l > 0 && label[l - 1] == ':')
			label[l - 1] = '\0'; /* a table header needs no colon */
		ticket_sanitize(rows->r[i].value);
		sb_puts(b, "| ");
		ticket_md_escape(b, label);
		sb_puts(b, " | ");
		ticket_md_escape(b, rows->r[i].value);
		sb_puts(b, " |\n");
	}
	sb_printf(b, "\n- %s\n- %s\n- %s\n- %s\n", ticket_statement_costs(), ticket_statement_who(),
	          ticket_statement_p1(), ticket_statement_pso());
}

/* The partition log's section, after everything else (it can be long). 0, or -1: out of memory. */
static int ticket_log_section(struct sbuf *b, const struct ticket_options *o, int markdown)
{
	if (!o->partition_log && !o->partition_log_error)
		return 0;
	const char *title = _("Partition log (ppin --fetchlog)");
	if (markdown) {
		sb_puts(b, "\n## ");
		ticket_md_escape(b, title);
		sb_puts(b, "\n\n");
	} else {
		sb_printf(b, "\n%s\n", title);
		for (size_t i = quote_utf8_chars(title, strlen(title)); i > 0; i--)
			sb_puts(b, "-");
		sb_puts(b, "\n");
	}
	if (!o->partition_log) {
		char *m = ticket_log_missing(o->partition_log_error);
		if (!m)
			return -1;
		if (markdown) {
			ticket_md_escape(b, m);
			sb_puts(b, "\n");
		} else {
			ticket_text_para(b, m);
		}
		free(m);
		return 0;
	}
	char *log = ticket_log_clean(o->partition_log, markdown);
	if (!log)
		return -1;
	if (markdown)
		sb_puts(b, "```text\n");
	/* Each line wrapped to TICKET_WIDTH, as everything else in the text format. */
	for (char *line = log, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (markdown)
			sb_printf(b, "%s\n", line);
		else
			ticket_text_para(b, line);
	}
	if (markdown)
		sb_puts(b, "```\n");
	free(log);
	return 0;
}

/* ---- json ---- */

static json_t *j_str(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *j_time(time_t t)
{
	char iso[32];
	ticket_iso(t, iso, sizeof iso);
	return iso[0] ? json_string(iso) : json_null();
}

/* ISO 8601 in the local zone, with its offset ("2026-11-27T01:00:00+01:00"): machine-readable like
 * every time in the JSON output, and still the wall-clock time of the person who files the ticket. */
static json_t *j_local(time_t t)
{
	struct tm tm;
	char buf[40];
	if (t <= 0 || !localtime_r(&t, &tm) || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm) != 24)
		return json_null();
	/* strftime's %z is +hhmm; the extended format wants +hh:mm. */
	memmove(buf + 23, buf + 22, 2);
	buf[22] = ':';
	buf[25] = '\0';
	return json_string(buf);
}

/* The "setup_password" object of the JSON schema (ticket.h). */
static json_t *ticket_json_password(const struct state *st, const struct expiry *ex)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "state",
	                 expiry_state_name(ex->state), "since", j_time(ex->since), "missing",
	                 ex->state == EXPIRY_UNKNOWN ? j_str(ex->missing) : json_null(), "issued",
	                 j_time(st->issued), "first_use", j_time(st->first_use), "expires_at",
	                 j_time(ex->deadline), "issued_local", j_local(st->issued), "first_use_local",
	                 j_local(st->first_use), "expires_at_local", j_local(ex->deadline), "seconds_left",
	                 ex->state == EXPIRY_RUNNING ? json_integer(ex->seconds_left) : json_null(), "rule",
	                 expiry_rule_text(st->tier));
}

/* The "last_error" object, or null when none was recorded. */
static json_t *ticket_json_error(const struct state *st)
{
	if (ticket_has_error(st))
		return json_pack("{s:o, s:o, s:o}", "at", j_time(st->last_error.at), "code",
		                 j_str(st->last_error.code), "message", j_str(st->last_error.message));
	return json_null();
}

/* The "preflight" object, or null when no preflight ran. */
static json_t *ticket_json_preflight(const struct state *st)
{
	if (!ticket_has_preflight(st))
		return json_null();
	json_t *checks = json_array();
	for (size_t i = 0; i < st->n_checks; i++)
		json_array_append_new(checks, json_pack("{s:o, s:o, s:I}", "endpoint", j_str(st->checks[i].endpoint),
		                                        "category", j_str(st->checks[i].category), "latency_ms",
		                                        (json_int_t)st->checks[i].latency_ms));
	return json_pack("{s:o, s:o}", "checked_at", j_time(st->checked_at), "checks", checks);
}

static char *ticket_json(const struct state *st, const struct expiry *ex, const struct ticket_options *o,
                         const char *notice)
{
	char request[256], os[300], version[64];
	snprintf(request, sizeof request, _("Renewal of the HSM setup password for HSM user %s"),
	         or_unknown(st->hsm_user));
	ticket_os(o, os, sizeof os);
	snprintf(version, sizeof version, "%s", o->tool_version ? o->tool_version : PACKAGE_VERSION);

	json_t *hosts = json_array();
	for (size_t i = 0; i < o->n_hosts; i++)
		json_array_append_new(hosts, j_str(o->hosts[i]));

	json_t *sp = ticket_json_password(st, ex);
	json_t *err = ticket_json_error(st);
	json_t *pre = ticket_json_preflight(st);

	json_t *statements = json_pack("[s, s, s, s]", ticket_statement_costs(), ticket_statement_who(),
	                               ticket_statement_p1(), ticket_statement_pso());

	json_t *root = json_object();
	json_object_set_new(root, "schema", json_string("hsm-onboard-ticket/1"));
	json_object_set_new(root, "notice", j_str(notice));
	json_object_set_new(root, "request", json_string(request));
	json_object_set_new(root, "profile", j_str(o->profile));
	json_object_set_new(root, "company", j_str(st->company));
	json_object_set_new(root, "service", j_str(st->service));
	json_object_set_new(root, "tier", j_str(ticket_tier(st)));
	json_object_set_new(root, "service_type", j_str(ticket_service_type(st)));
	json_object_set_new(root, "hsm_user", j_str(st->hsm_user));
	json_object_set_new(root, "service_user", j_str(st->service_user));
	json_object_set_new(root, "cluster", j_str(st->cluster));
	json_object_set_new(root, "hosts", hosts);
	json_object_set_new(root, "setup_password", sp ? sp : json_null());
	json_object_set_new(root, "last_error", err ? err : json_null());
	json_object_set_new(root, "preflight", pre ? pre : json_null());
	json_object_set_new(root, "contract", j_str(o->contract));
	json_object_set_new(root, "contact", j_str(o->contact));
	json_object_set_new(root, "generated_at", j_time(o->generated));
	json_object_set_new(root, "tool_version", json_string(version));
	json_object_set_new(root, "os", json_string(os));
	json_object_set_new(root, "statements", statements ? statements : json_null());
	char *log = NULL;
	if (o->partition_log)
		log = ticket_log_clean(o->partition_log, 0);
	else if (o->partition_log_error)
		log = ticket_log_missing(o->partition_log_error);
	json_object_set_new(root, "partition_log", j_str(log));
	free(log);

	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(root);
	if (!s)
		return NULL;
	/* json_dumps has no trailing newline; give one like the other formats. */
	size_t n = strlen(s);
	char *t = realloc(s, n + 2);
	if (!t) {
		free(s);
		return NULL;
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	return t;
}

/* ---- public ---- */

int ticket_save(const char *path, const char *text, size_t len, int force, struct diag *d)
{
	return fsutil_write_new(path, text, len, 0600, force, "ticket", d);
}

const char *ticket_format_extension(enum ticket_format f)
{
	switch (f) {
	case TICKET_FORMAT_MARKDOWN: return ".md";
	case TICKET_FORMAT_JSON: return ".json";
	default: return ".txt";
	}
}

int ticket_format_parse(const char *s, enum ticket_format *out)
{
	if (!s)
		return -1;
	if (strcmp(s, "text") == 0)
		*out = TICKET_FORMAT_TEXT;
	else if (strcmp(s, "markdown") == 0 || strcmp(s, "md") == 0)
		*out = TICKET_FORMAT_MARKDOWN;
	else if (strcmp(s, "json") == 0)
		*out = TICKET_FORMAT_JSON;
	else
		return -1;
	return 0;
}

int ticket_render(const struct state *st, const struct expiry *ex, const struct ticket_options *o,
                  enum ticket_format format, char **out, struct diag *d)
{
	*out = NULL;
	char *notice = ticket_notice(ex);
	if (notice)
		ticket_sanitize(notice);
	if (format == TICKET_FORMAT_JSON) {
		*out = ticket_json(st, ex, o, notice);
	} else {
		struct ticket_rows rows;
		struct sbuf b = {0};
		ticket_rows_build(st, ex, o, &rows);
		if (format == TICKET_FORMAT_MARKDOWN)
			ticket_markdown(&b, &rows, notice);
		else
			ticket_text(&b, &rows, notice);
		int log_failed = ticket_log_section(&b, o, format == TICKET_FORMAT_MARKDOWN);
		*out = sb_take(&b);
		if (rows.failed || log_failed) {
			free(*out);
			*out = NULL;
		}
		rows_free(&rows);
	}
	free(notice);
	if (!*out)
		return diag_set(d, EX_OSERR, _("ticket: out of memory"));
	return EX_OK;
}

/* "label value\n" with the value's control characters blanked. */
static void ticket_qr_line(struct sbuf *b, const char *label, const char *value)
{
	size_t at = b->len + strlen(label) + 1;
	sb_printf(b, "%s %s\n", label, value);
	if (!b->failed)
		for (char *p = b->s + at; p < b->s + b->len - 1; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
}

int ticket_qr_summary(const struct state *st, const struct expiry *ex, const struct ticket_options *o,
                      char **out, struct diag *d)
{
	struct sbuf b = {0};
	char iso[32];
	sb_printf(&b, "%s\n", _("HSM setup password renewal"));
	ticket_qr_line(&b, _("HSM user:"), or_unknown(st->hsm_user));
	ticket_qr_line(&b, _("Tier:"), or_unknown(ticket_tier(st)));
	ticket_qr_line(&b, _("State:"), expiry_state_name(ex->state));
	ticket_iso(ex->deadline, iso, sizeof iso);
	if (iso[0])
		ticket_qr_line(&b, _("Expiry:"), iso);
	if (st->last_error.code)
		ticket_qr_line(&b, _("Last error:"), st->last_error.code);
	if (o->contract)
		ticket_qr_line(&b, _("Contract:"), o->contract);
	if (o->contact)
		ticket_qr_line(&b, _("Contact:"), o->contact);
	*out = sb_take(&b);
	if (!*out)
		return diag_set(d, EX_OSERR, _("ticket: out of memory"));
	return EX_OK;
}
