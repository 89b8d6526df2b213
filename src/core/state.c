/* state.c: a profile's state.json, written and read with jansson.
 *
 * Schema, format version 1. Every key is optional except "version"; a missing key means "unknown"
 * (the struct default), and null means the same. Unknown keys are ignored, so a newer build may add
 * keys without a version bump; a change of meaning bumps the version, and a version this build does
 * not know is refused (EX_DATAERR) rather than half understood. Times are ISO 8601 UTC strings,
 * "YYYY-MM-DDTHH:MM:SSZ", or null when unknown. No secret is ever stored here.
 *
 *   {
 *     "version":      integer, 1 (required)
 *     "tier":         "SBX" | "ECO" | "ECO-CC" | "PLATINUM" | null
 *     "service_type": "standard" | "tsbaas-multi" | "tsbaas-dedicated" | null
 *     "api":          "pkcs11" | "jce" | "cng" | "rest" | null
 *     "hsm_user":     string | null        HSM User Name
 *     "service_user": string | null        Service User Name (the Proxy-User)
 *     "company":      string | null        <company> part of the file names
 *     "service":      string | null        <svc> part of the file names
 *     "cluster":      string | null        cluster name from the cluster table
 *     "issued":       time | null          00:00 UTC of the date of issue (the file name's date, or
 *                                          --issued). The date itself is the UTC calendar date of
 *                                          this instant: the ECO-CC rule converts it to Zurich midnight.
 *     "first_use":    time | null          first use of the setup password
 *     "renewal_pending": boolean           true only while import replaces the setup password (set
 *                                          before the vault write, cleared with the state write after
 *                                          it); re-running the import completes it (default false)
 *     "created":      time | null          when the profile was created
 *     "step":         "start" | "subscription" | "emails" | "securecode" | "import" | "review" |
 *                     "countdown" | "preflight" | "rotation" | "provider" | "done"   (default "start")
 *     "rotation":     "none" | "first-use" | "pending" | "promoted" | "verified" | "configured"
 *                                          (default "none")
 *     "engine": {                          object | null
 *       "engine":      string | null       an engine name of engine_find()
 *       "module":      string | null       PKCS#11 module path
 *       "token_label": string | null
 *       "slot":        integer | null      -1 or null: not chosen
 *       "ppin":        string | null       ppin path
 *       "client_id":   string | null       primus: the slot's client_id (null: HSMUSER@hostname)
 *       "config_dir":  string | null
 *       "hosts":       [ string ] | null   the hosts connect was given (--endpoint), master first;
 *                                          at most 8
 *     }
 *     "api_endpoint": string | null        TSBaaS API-Endpoint
 *     "jwt_exp":      time | null          the JWT's exp claim
 *     "last_error":   { "at": time, "code": string | null, "message": string | null } | null
 *     "setup_refused": { "at": time, "engine": string | null, "code": string | null } | null
 *                                          the HSM refused the setup password in the vault
 *     "checked_at":   time | null          last preflight
 *     "checks":       [ { "endpoint": string, "category": string, "latency_ms": integer } ]
 *     "events":       [ { "at": time, "kind": string, "detail": string | null } ]
 *                                          capped on every write (state.h, STATE_ROUTINE_KEEP)
 *   }
 */
#include "config.h"

#include "state.h"
#include "fsutil.h"
#include "i18n.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

/* The event log's cap keeps state.json under STATE_FILE_TARGET; the read limit is far above it, so a
 * file that an older version let grow is still read (and compacted by the next write), while a
 * corrupted multi-GB file is not. */
#define STATE_MAX_SIZE STATE_READ_MAX

static const char *const state_tier_names[] = {NULL, "SBX", "ECO", "ECO-CC", "PLATINUM"};
static const char *const state_service_type_names[] = {NULL, "standard", "tsbaas-multi", "tsbaas-dedicated"};
static const char *const state_api_names[] = {NULL, "pkcs11", "jce", "cng", "rest"};
static const char *const state_step_names[] = {"start",    "subscription", "emails",    "securecode",
                                               "import",   "review",       "countdown", "preflight",
                                               "rotation", "provider",     "done"};
static const char *const state_rotation_names[] = {"none",     "first-use", "pending",
                                                   "promoted", "verified",  "configured"};

#define STATE_COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *state_tier_name(enum state_tier t)
{
	return (unsigned)t < STATE_COUNT(state_tier_names) && state_tier_names[t] ? state_tier_names[t]
	                                                                          : "unknown";
}

const char *state_service_type_name(enum state_service_type s)
{
	return (unsigned)s < STATE_COUNT(state_service_type_names) && state_service_type_names[s]
	           ? state_service_type_names[s]
	           : "unknown";
}

const char *state_api_name(enum state_api a)
{
	return (unsigned)a < STATE_COUNT(state_api_names) && state_api_names[a] ? state_api_names[a] : "unknown";
}

const char *state_step_name(enum state_step s)
{
	return (unsigned)s < STATE_COUNT(state_step_names) ? state_step_names[s] : "unknown";
}

const char *state_rotation_name(enum state_rotation r)
{
	return (unsigned)r < STATE_COUNT(state_rotation_names) ? state_rotation_names[r] : "unknown";
}

static int state_lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcasecmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

int state_reach_step(struct state *st, enum state_step s)
{
	if (st->step >= s)
		return 0;
	st->step = s;
	return 1;
}

int state_is_tsbaas(const struct state *st)
{
	return st->service_type == SERVICE_TYPE_TSBAAS_MULTI || (st->api_endpoint && st->api_endpoint[0]);
}

enum state_api state_service_api(enum state_service_type t)
{
	return t == SERVICE_TYPE_TSBAAS_MULTI ? API_REST : API_UNKNOWN;
}

int state_tier_parse(const char *s, enum state_tier *out)
{
	static const struct {
		const char *name;
		enum state_tier tier;
	} aliases[] = {
	    {"sbx", TIER_SBX},       {"sandbox", TIER_SBX},  {"eco", TIER_ECO},
	    {"economy", TIER_ECO},   {"ecocc", TIER_ECO_CC}, {"eco-cc", TIER_ECO_CC},
	    {"eco_cc", TIER_ECO_CC}, {"pla", TIER_PLATINUM}, {"platinum", TIER_PLATINUM},
	};
	if (!s)
		return -1;
	for (size_t i = 0; i < STATE_COUNT(aliases); i++)
		if (strcasecmp(aliases[i].name, s) == 0) {
			*out = aliases[i].tier;
			return 0;
		}
	return -1;
}

int state_service_type_parse(const char *s, enum state_service_type *out)
{
	int i = s ? state_lookup(state_service_type_names, STATE_COUNT(state_service_type_names), s) : -1;
	if (i < 0)
		return -1;
	*out = (enum state_service_type)i;
	return 0;
}

int state_api_parse(const char *s, enum state_api *out)
{
	int i = s ? state_lookup(state_api_names, STATE_COUNT(state_api_names), s) : -1;
	if (i < 0)
		return -1;
	*out = (enum state_api)i;
	return 0;
}

void state_init(struct state *st)
{
	memset(st, 0, sizeof *st);
	st->version = STATE_FORMAT_VERSION;
	st->engine.slot = -1;
}

void state_free(struct state *st)
{
	free(st->hsm_user);
	free(st->service_user);
	free(st->company);
	free(st->service);
	free(st->cluster);
	free(st->engine.engine);
	free(st->engine.module);
	free(st->engine.token_label);
	free(st->engine.ppin);
	free(st->engine.client_id);
	free(st->engine.config_dir);
	for (size_t i = 0; i < st->engine.n_hosts; i++)
		free(st->engine.hosts[i]);
	free(st->api_endpoint);
	free(st->last_error.code);
	free(st->last_error.message);
	free(st->setup_refused.engine);
	free(st->setup_refused.code);
	for (size_t i = 0; i < st->n_checks; i++) {
		free(st->checks[i].endpoint);
		free(st->checks[i].category);
	}
	free(st->checks);
	for (size_t i = 0; i < st->n_events; i++) {
		free(st->events[i].kind);
		free(st->events[i].detail);
	}
	free(st->events);
	state_init(st);
}

static char *state_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A copy of s cut to at most max bytes, never inside a UTF-8 sequence (jansson refuses invalid UTF-8). */
static char *state_strdup_cut(const char *s, size_t max)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	return strndup(s, n);
}

/* The milestone kinds whose first and last occurrence are kept whatever else is dropped: the countdown
 * (expiry.c) reads the last "imported", "renewed" and "rotated", and the ticket the first ones. */
static const char *const state_milestones_kept[] = {"imported",       "renewed", "first-use", "change-sent",
                                                    "setup-rejected", "rotated", "verified",  "configured"};

/* Marks in keep[] (n_events bytes) the events the cap keeps (see state.h). */
static void state_events_keep(const struct state *st, unsigned char *keep)
{
	size_t first_verified = st->n_events;
	for (size_t i = 0; i < st->n_events; i++)
		if (st->events[i].kind && strcmp(st->events[i].kind, "verified") == 0) {
			first_verified = i;
			break;
		}
	size_t routine = 0, milestones = 0;
	for (size_t i = st->n_events; i-- > 0;) {
		const char *k = st->events[i].kind;
		int is_routine =
		    !k || strcmp(k, "checked") == 0 || (strcmp(k, "verified") == 0 && i != first_verified);
		keep[i] = is_routine ? routine++ < STATE_ROUTINE_KEEP : milestones++ < STATE_MILESTONE_KEEP;
	}
	for (size_t m = 0; m < STATE_COUNT(state_milestones_kept); m++) {
		size_t first = st->n_events, last = st->n_events;
		for (size_t i = 0; i < st->n_events; i++)
			if (st->events[i].kind && strcmp(st->events[i].kind, state_milestones_kept[m]) == 0) {
				if (first == st->n_events)
					first = i;
				last = i;
			}
		if (first < st->n_events) {
			keep[first] = 1;
			if (strcmp(state_milestones_kept[m], "verified") != 0)
				keep[last] = 1;
		}
	}
}

/* Drops, in memory, what the cap drops: a long-running process (watch) stays bounded too. */
static void state_compact(struct state *st)
{
	unsigned char *keep = calloc(st->n_events ? st->n_events : 1, 1);
	if (!keep)
		return;
	state_events_keep(st, keep);
	size_t out = 0;
	for (size_t i = 0; i < st->n_events; i++) {
		if (keep[i]) {
			st->events[out++] = st->events[i];
		} else {
			free(st->events[i].kind);
			free(st->events[i].detail);
		}
	}
	st->n_events = out;
	free(keep);
}

void state_add_event(struct state *st, const char *kind, const char *detail)
{
	struct state_event *ev = realloc(st->events, (st->n_events + 1) * sizeof *ev);
	if (!ev)
		return;
	st->events = ev;
	ev[st->n_events].at = time(NULL);
	ev[st->n_events].kind = state_strdup(kind);
	ev[st->n_events].detail = state_strdup_cut(detail, STATE_DETAIL_MAX);
	st->n_events++;
	/* Compacted in batches, not at every event: each pass reads the whole log. */
	if (st->n_events > 2 * (STATE_ROUTINE_KEEP + STATE_MILESTONE_KEEP))
		state_compact(st);
}

int state_set_hosts(struct state *st, const char *const *hosts, size_t n)
{
	if (n > STATE_MAX_HOSTS)
		n = STATE_MAX_HOSTS;
	int same = n == st->engine.n_hosts;
	for (size_t i = 0; same && i < n; i++)
		same = strcmp(hosts[i], st->engine.hosts[i]) == 0;
	if (same)
		return 0;
	for (size_t i = 0; i < st->engine.n_hosts; i++) {
		free(st->engine.hosts[i]);
		st->engine.hosts[i] = NULL;
	}
	st->engine.n_hosts = 0;
	for (size_t i = 0; i < n; i++) {
		st->engine.hosts[i] = state_strdup(hosts[i]);
		if (st->engine.hosts[i])
			st->engine.n_hosts = i + 1;
		else
			break;
	}
	return 1;
}

void state_set_checks(struct state *st, const struct state_check *checks, size_t n, time_t at)
{
	for (size_t i = 0; i < st->n_checks; i++) {
		free(st->checks[i].endpoint);
		free(st->checks[i].category);
	}
	free(st->checks);
	st->checks = NULL;
	st->n_checks = 0;
	st->checked_at = at;
	if (n == 0)
		return;
	st->checks = calloc(n, sizeof *st->checks);
	if (!st->checks)
		return;
	for (size_t i = 0; i < n; i++) {
		st->checks[i].endpoint = state_strdup(checks[i].endpoint);
		st->checks[i].category = state_strdup(checks[i].category);
		st->checks[i].latency_ms = checks[i].latency_ms;
	}
	st->n_checks = n;
}

void state_set_error(struct state *st, const char *code, const char *message)
{
	free(st->last_error.code);
	free(st->last_error.message);
	st->last_error.at = time(NULL);
	st->last_error.code = state_strdup(code);
	st->last_error.message = state_strdup(message);
}

/* ---- Writing ---- */

static json_t *state_json_time(time_t t)
{
	if (t == 0)
		return json_null();
	struct tm tm;
	char buf[32];
	if (!gmtime_r(&t, &tm) || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

static json_t *state_json_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *state_json_name(const char *const *names, size_t n, unsigned v)
{
	return v < n && names[v] ? json_string(names[v]) : json_null();
}

static json_t *state_to_json(const struct state *st)
{
	json_t *o = json_object();
	json_object_set_new(o, "version", json_integer(STATE_FORMAT_VERSION));
	json_object_set_new(o, "tier",
	                    state_json_name(state_tier_names, STATE_COUNT(state_tier_names), st->tier));
	json_object_set_new(
	    o, "service_type",
	    state_json_name(state_service_type_names, STATE_COUNT(state_service_type_names), st->service_type));
	json_object_set_new(o, "api", state_json_name(state_api_names, STATE_COUNT(state_api_names), st->api));
	json_object_set_new(o, "hsm_user", state_json_str(st->hsm_user));
	json_object_set_new(o, "service_user", state_json_str(st->service_user));
	json_object_set_new(o, "company", state_json_str(st->company));
	json_object_set_new(o, "service", state_json_str(st->service));
	json_object_set_new(o, "cluster", state_json_str(st->cluster));
	json_object_set_new(o, "issued", state_json_time(st->issued));
	json_object_set_new(o, "first_use", state_json_time(st->first_use));
	json_object_set_new(o, "renewal_pending", json_boolean(st->renewal_pending));
	json_object_set_new(o, "created", state_json_time(st->created));
	json_object_set_new(o, "step",
	                    state_json_name(state_step_names, STATE_COUNT(state_step_names), st->step));
	json_object_set_new(
	    o, "rotation",
	    state_json_name(state_rotation_names, STATE_COUNT(state_rotation_names), st->rotation));

	json_t *e = json_object();
	json_object_set_new(e, "engine", state_json_str(st->engine.engine));
	json_object_set_new(e, "module", state_json_str(st->engine.module));
	json_object_set_new(e, "token_label", state_json_str(st->engine.token_label));
	json_object_set_new(e, "slot", st->engine.slot >= 0 ? json_integer(st->engine.slot) : json_null());
	json_object_set_new(e, "ppin", state_json_str(st->engine.ppin));
	if (st->engine.client_id)
		json_object_set_new(e, "client_id", state_json_str(st->engine.client_id));
	json_object_set_new(e, "config_dir", state_json_str(st->engine.config_dir));
	json_t *hosts = st->engine.n_hosts ? json_array() : json_null();
	for (size_t i = 0; i < st->engine.n_hosts; i++)
		json_array_append_new(hosts, state_json_str(st->engine.hosts[i]));
	json_object_set_new(e, "hosts", hosts);
	json_object_set_new(o, "engine", e);

	json_object_set_new(o, "api_endpoint", state_json_str(st->api_endpoint));
	json_object_set_new(o, "jwt_exp", state_json_time(st->jwt_exp));
	if (st->last_error.at || st->last_error.code || st->last_error.message) {
		json_t *le = json_object();
		json_object_set_new(le, "at", state_json_time(st->last_error.at));
		json_object_set_new(le, "code", state_json_str(st->last_error.code));
		json_object_set_new(le, "message", state_json_str(st->last_error.message));
		json_object_set_new(o, "last_error", le);
	} else {
		json_object_set_new(o, "last_error", json_null());
	}
	if (st->setup_refused.at || st->setup_refused.code || st->setup_refused.engine) {
		json_t *sr = json_object();
		json_object_set_new(sr, "at", state_json_time(st->setup_refused.at));
		json_object_set_new(sr, "engine", state_json_str(st->setup_refused.engine));
		json_object_set_new(sr, "code", state_json_str(st->setup_refused.code));
		json_object_set_new(o, "setup_refused", sr);
	} else {
		json_object_set_new(o, "setup_refused", json_null());
	}
	json_object_set_new(o, "checked_at", state_json_time(st->checked_at));
	json_t *checks = json_array();
	for (size_t i = 0; i < st->n_checks; i++) {
		json_t *c = json_object();
		json_object_set_new(c, "endpoint", state_json_str(st->checks[i].endpoint));
		json_object_set_new(c, "category", state_json_str(st->checks[i].category));
		json_object_set_new(c, "latency_ms", json_integer(st->checks[i].latency_ms));
		json_array_append_new(checks, c);
	}
	json_object_set_new(o, "checks", checks);
	/* Every write applies the cap, so a file an older version let grow is compacted here. */
	unsigned char *keep = calloc(st->n_events ? st->n_events : 1, 1);
	if (!keep) {
		json_decref(o);
		return NULL;
	}
	state_events_keep(st, keep);
	json_t *events = json_array();
	for (size_t i = 0; i < st->n_events; i++) {
		if (!keep[i])
			continue;
		json_t *ev = json_object();
		char *kind = state_strdup_cut(st->events[i].kind, 64);
		char *detail = state_strdup_cut(st->events[i].detail, STATE_DETAIL_MAX);
		json_object_set_new(ev, "at", state_json_time(st->events[i].at));
		json_object_set_new(ev, "kind", state_json_str(kind));
		json_object_set_new(ev, "detail", state_json_str(detail));
		free(kind);
		free(detail);
		json_array_append_new(events, ev);
	}
	free(keep);
	json_object_set_new(o, "events", events);
	return o;
}

int state_save(const char *path, const struct state *st, struct diag *d)
{
	json_t *o = state_to_json(st);
	char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!text)
		return diag_set(d, EX_SOFTWARE, _("%s: cannot encode the state"), path);
	size_t len = strlen(text);
	/* A trailing newline keeps `cat state.json` tidy. */
	char *buf = malloc(len + 2);
	if (!buf) {
		free(text);
		return diag_set(d, EX_OSERR, _("%s: out of memory"), path);
	}
	memcpy(buf, text, len);
	buf[len++] = '\n';
	free(text);
	int rc = fsutil_write_atomic(path, buf, len, 0600, "state", d);
	free(buf);
	return rc;
}

/* ---- Reading: every field is checked for its type; the first error names the field. ---- */

struct state_reader {
	const char *file;
	struct diag *d;
	int failed;
};

static void state_bad(struct state_reader *r, const char *field, const char *expected)
{
	if (r->failed)
		return;
	r->failed = 1;
	diag_set(r->d, EX_DATAERR, _("%s: field %s: expected %s"), r->file, field, expected);
}

/* n digits at s, already checked to be digits. */
static int state_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Parses "YYYY-MM-DDTHH:MM:SSZ" strictly; 0 on success. By hand, not sscanf: the format is fixed to
 * the character, and a desk's status reads several of these per profile. */
static int state_parse_time(const char *s, time_t *out)
{
	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[19] != 'Z')
		return -1;
	for (int i = 0; i < 19; i++)
		if ((i != 4 && i != 7 && i != 10 && i != 13 && i != 16) && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = state_digits(s, 4), mo = state_digits(s + 5, 2), da = state_digits(s + 8, 2);
	int h = state_digits(s + 11, 2), mi = state_digits(s + 14, 2), se = state_digits(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || da < 1 || da > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	struct tm tm =
	    {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = da, .tm_hour = h, .tm_min = mi, .tm_sec = se};
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	/* timegm normalises 31 Feb to 3 Mar: refuse dates that do not exist. */
	struct tm back;
	if (!gmtime_r(&t, &back) || back.tm_mday != da || back.tm_mon != mo - 1)
		return -1;
	*out = t;
	return 0;
}

/* A string value v (or null) into *out. */
static void state_get_strv(struct state_reader *r, json_t *v, const char *field, char **out)
{
	if (!v || json_is_null(v))
		return;
	if (!json_is_string(v)) {
		state_bad(r, field, _("a string or null"));
		return;
	}
	const char *s = json_string_value(v);
	/* jansson accepts "\u0000" inside strings; a C string would silently cut it. */
	if (strlen(s) != json_string_length(v)) {
		state_bad(r, field, _("a string without NUL characters"));
		return;
	}
	free(*out);
	*out = strdup(s);
}

static void state_get_str(struct state_reader *r, json_t *o, const char *key, const char *field, char **out)
{
	state_get_strv(r, json_object_get(o, key), field, out);
}

static void state_get_time(struct state_reader *r, json_t *o, const char *key, const char *field, time_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return;
	if (!json_is_string(v) || state_parse_time(json_string_value(v), out) != 0)
		state_bad(r, field, _("an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ) or null"));
}

static void state_get_long(struct state_reader *r, json_t *o, const char *key, const char *field, long min,
                           long *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > INT32_MAX) {
		state_bad(r, field, _("an integer or null"));
		return;
	}
	*out = (long)json_integer_value(v);
}

/* expected is an untranslated msgid (N_()): a good file, which is every file of a desk, costs no
 * gettext lookup. */
static int state_get_enum(struct state_reader *r, json_t *o, const char *key, const char *const *names,
                          size_t n, const char *expected)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	int i = json_is_string(v) ? state_lookup(names, n, json_string_value(v)) : -1;
	if (i < 0) {
		state_bad(r, key, _(expected));
		return 0;
	}
	return i;
}

static json_t *state_get_object(struct state_reader *r, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_object(v)) {
		state_bad(r, key, _("an object or null"));
		return NULL;
	}
	return v;
}

static json_t *state_get_array(struct state_reader *r, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_array(v)) {
		state_bad(r, key, _("an array or null"));
		return NULL;
	}
	return v;
}

/* The "engine" object: how the profile reaches its HSM (doc/DESIGN.md, "State format"). */
static void state_engine_from_json(struct state_reader *r, json_t *e, struct state *st)
{
	state_get_str(r, e, "engine", "engine.engine", &st->engine.engine);
	state_get_str(r, e, "module", "engine.module", &st->engine.module);
	state_get_str(r, e, "token_label", "engine.token_label", &st->engine.token_label);
	state_get_long(r, e, "slot", "engine.slot", -1, &st->engine.slot);
	state_get_str(r, e, "ppin", "engine.ppin", &st->engine.ppin);
	state_get_str(r, e, "client_id", "engine.client_id", &st->engine.client_id);
	state_get_str(r, e, "config_dir", "engine.config_dir", &st->engine.config_dir);
	json_t *hosts = json_object_get(e, "hosts");
	size_t n = json_is_array(hosts) ? json_array_size(hosts) : 0;
	if ((hosts && !json_is_null(hosts) && !json_is_array(hosts)) || n > STATE_MAX_HOSTS)
		state_bad(r, "engine.hosts", _("an array of at most 8 host names, or null"));
	for (size_t i = 0; i < n && !r->failed; i++) {
		char field[40];
		snprintf(field, sizeof field, "engine.hosts[%zu]", i);
		if (!json_is_string(json_array_get(hosts, i))) {
			state_bad(r, field, _("a string"));
			break;
		}
		state_get_strv(r, json_array_get(hosts, i), field, &st->engine.hosts[i]);
		if (!st->engine.hosts[i])
			break;
		st->engine.n_hosts = i + 1;
	}
}

/* The last check's results. -1 when out of memory: the caller then stops reading. */
static int state_checks_from_json(struct state_reader *r, json_t *o, struct state *st)
{
	json_t *checks = state_get_array(r, o, "checks");
	size_t n = checks ? json_array_size(checks) : 0;
	if (n && !r->failed) {
		st->checks = calloc(n, sizeof *st->checks);
		if (!st->checks) {
			diag_set(r->d, EX_OSERR, _("%s: out of memory"), r->file);
			r->failed = 1;
			return -1;
		}
		for (size_t i = 0; i < n && !r->failed; i++) {
			json_t *c = json_array_get(checks, i);
			char field[64];
			st->n_checks = i + 1;
			snprintf(field, sizeof field, "checks[%zu]", i);
			if (!json_is_object(c)) {
				state_bad(r, field, _("an object"));
				break;
			}
			snprintf(field, sizeof field, "checks[%zu].endpoint", i);
			state_get_str(r, c, "endpoint", field, &st->checks[i].endpoint);
			snprintf(field, sizeof field, "checks[%zu].category", i);
			state_get_str(r, c, "category", field, &st->checks[i].category);
			snprintf(field, sizeof field, "checks[%zu].latency_ms", i);
			state_get_long(r, c, "latency_ms", field, -1, &st->checks[i].latency_ms);
		}
	}
	return 0;
}

/* The history of events. */
static void state_events_from_json(struct state_reader *r, json_t *o, struct state *st)
{
	json_t *events = state_get_array(r, o, "events");
	size_t n = events ? json_array_size(events) : 0;
	if (n && !r->failed) {
		st->events = calloc(n, sizeof *st->events);
		if (!st->events) {
			diag_set(r->d, EX_OSERR, _("%s: out of memory"), r->file);
			r->failed = 1;
			return;
		}
		for (size_t i = 0; i < n && !r->failed; i++) {
			json_t *ev = json_array_get(events, i);
			char field[64];
			st->n_events = i + 1;
			snprintf(field, sizeof field, "events[%zu]", i);
			if (!json_is_object(ev)) {
				state_bad(r, field, _("an object"));
				break;
			}
			snprintf(field, sizeof field, "events[%zu].at", i);
			state_get_time(r, ev, "at", field, &st->events[i].at);
			snprintf(field, sizeof field, "events[%zu].kind", i);
			state_get_str(r, ev, "kind", field, &st->events[i].kind);
			if (!r->failed && !st->events[i].kind)
				state_bad(r, field, _("a string"));
			snprintf(field, sizeof field, "events[%zu].detail", i);
			state_get_str(r, ev, "detail", field, &st->events[i].detail);
		}
	}
}

static void state_from_json(struct state_reader *r, json_t *o, struct state *st)
{
	st->tier = (enum state_tier)state_get_enum(r, o, "tier", state_tier_names, STATE_COUNT(state_tier_names),
	                                           N_("\"SBX\", \"ECO\", \"ECO-CC\", \"PLATINUM\" or null"));
	st->service_type = (enum state_service_type)state_get_enum(
	    r, o, "service_type", state_service_type_names, STATE_COUNT(state_service_type_names),
	    N_("\"standard\", \"tsbaas-multi\", \"tsbaas-dedicated\" or null"));
	st->api = (enum state_api)state_get_enum(r, o, "api", state_api_names, STATE_COUNT(state_api_names),
	                                         N_("\"pkcs11\", \"jce\", \"cng\", \"rest\" or null"));
	state_get_str(r, o, "hsm_user", "hsm_user", &st->hsm_user);
	state_get_str(r, o, "service_user", "service_user", &st->service_user);
	state_get_str(r, o, "company", "company", &st->company);
	state_get_str(r, o, "service", "service", &st->service);
	state_get_str(r, o, "cluster", "cluster", &st->cluster);
	state_get_time(r, o, "issued", "issued", &st->issued);
	state_get_time(r, o, "first_use", "first_use", &st->first_use);
	json_t *rp = json_object_get(o, "renewal_pending");
	if (rp && !json_is_null(rp)) {
		if (json_is_boolean(rp))
			st->renewal_pending = json_is_true(rp);
		else
			state_bad(r, "renewal_pending", _("true, false or null"));
	}
	state_get_time(r, o, "created", "created", &st->created);
	st->step = (enum state_step)state_get_enum(r, o, "step", state_step_names, STATE_COUNT(state_step_names),
	                                           N_("a step name (\"start\" ... \"done\")"));
	st->rotation = (enum state_rotation)state_get_enum(
	    r, o, "rotation", state_rotation_names, STATE_COUNT(state_rotation_names),
	    N_("\"none\", \"first-use\", \"pending\", \"promoted\", \"verified\" or \"configured\""));

	json_t *e = state_get_object(r, o, "engine");
	if (e)
		state_engine_from_json(r, e, st);
	state_get_str(r, o, "api_endpoint", "api_endpoint", &st->api_endpoint);
	state_get_time(r, o, "jwt_exp", "jwt_exp", &st->jwt_exp);
	json_t *le = state_get_object(r, o, "last_error");
	if (le) {
		state_get_time(r, le, "at", "last_error.at", &st->last_error.at);
		state_get_str(r, le, "code", "last_error.code", &st->last_error.code);
		state_get_str(r, le, "message", "last_error.message", &st->last_error.message);
	}
	json_t *sr = state_get_object(r, o, "setup_refused");
	if (sr) {
		state_get_time(r, sr, "at", "setup_refused.at", &st->setup_refused.at);
		state_get_str(r, sr, "engine", "setup_refused.engine", &st->setup_refused.engine);
		state_get_str(r, sr, "code", "setup_refused.code", &st->setup_refused.code);
	}
	state_get_time(r, o, "checked_at", "checked_at", &st->checked_at);

	if (state_checks_from_json(r, o, st) != 0)
		return;
	state_events_from_json(r, o, st);
}

int state_parse(const char *json, size_t len, const char *display_name, struct state *st, struct diag *d)
{
	state_init(st);
	json_error_t err;
	json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!o)
		return diag_set(d, EX_DATAERR, _("%s:%d: not valid JSON (%s); the file is corrupted or truncated"),
		                display_name, err.line, err.text);
	struct state_reader r = {display_name, d, 0};
	if (!json_is_object(o)) {
		json_decref(o);
		return diag_set(d, EX_DATAERR, _("%s: expected a JSON object at the top level"), display_name);
	}
	json_t *v = json_object_get(o, "version");
	if (!v || !json_is_integer(v)) {
		json_decref(o);
		return diag_set(d, EX_DATAERR, _("%s: field version: expected an integer"), display_name);
	}
	if (json_integer_value(v) != STATE_FORMAT_VERSION) {
		long long ver = (long long)json_integer_value(v);
		json_decref(o);
		return diag_set(d, EX_DATAERR,
		                _("%s: unknown format version %lld (this build reads version %d); it was written by "
		                  "another version of hsm-onboard"),
		                display_name, ver, STATE_FORMAT_VERSION);
	}
	state_from_json(&r, o, st);
	json_decref(o);
	if (r.failed) {
		state_free(st);
		return d ? d->code : EX_DATAERR;
	}
	return EX_OK;
}

int state_load(const char *path, struct state *st, struct diag *d)
{
	state_init(st);
	char *buf;
	size_t len;
	int rc = fsutil_read_bounded(path, STATE_MAX_SIZE, FSUTIL_READ_NOFOLLOW, &buf, &len, d);
	if (rc != EX_OK)
		return rc;
	rc = state_parse(buf, len, path, st, d);
	free(buf);
	return rc;
}
