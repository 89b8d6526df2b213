/* state.h: a profile's state.json (jansson, mode 0600, never a secret; doc/DESIGN.md, "State format").
 *
 * It records how far the onboarding got, so any interruption resumes at the same step, and what the
 * countdown, the ticket and the engines need to know. status reads it without the vault passphrase.
 * All times are UTC seconds since the epoch; 0 means unknown. */
#ifndef HSMO_STATE_H
#define HSMO_STATE_H

#include <stddef.h>
#include <time.h>

#include "diag.h"

#define STATE_FORMAT_VERSION 1
/* At most this many hosts in engine.hosts (ENGINE_MAX_HOSTS). */
#define STATE_MAX_HOSTS 8

enum state_tier {
	TIER_UNKNOWN = 0,
	TIER_SBX,      /* Sandbox: 7 days from first use */
	TIER_ECO,      /* Economy: 7 days from first use */
	TIER_ECO_CC,   /* Economy Certified: 7 days from the date of issue */
	TIER_PLATINUM, /* Platinum: 7 days from first use */
};

enum state_service_type {
	SERVICE_TYPE_UNKNOWN = 0,
	SERVICE_TYPE_STANDARD,         /* HSM standard: service file + hsm file */
	SERVICE_TYPE_TSBAAS_MULTI,     /* multi-tenant TSBaaS: jwt file */
	SERVICE_TYPE_TSBAAS_DEDICATED, /* HSM with dedicated TSBaaS */
};

enum state_api {
	API_UNKNOWN = 0,
	API_PKCS11, /* port 2310 */
	API_JCE,    /* port 2300 */
	API_CNG,    /* port 2320 */
	API_REST,   /* port 443 */
};

/* The wizard's steps, in order; the step reached is stored, and resume reopens it. */
enum state_step {
	STEP_START = 0,
	STEP_SUBSCRIPTION, /* 1 tier, service type, API, cluster */
	STEP_EMAILS,       /* 2 the SecureSafe emails */
	STEP_SECURECODE,   /* 3 the SecureCode SMS */
	STEP_IMPORT,       /* 4 download and import */
	STEP_REVIEW,       /* 5 review of the non-secret fields */
	STEP_COUNTDOWN,    /* 6 the setup password's countdown */
	STEP_PREFLIGHT,    /* 7 the cluster preflight */
	STEP_ROTATION,     /* 8 point of no return: first connection and rotation */
	STEP_PROVIDER,     /* 9 provider configuration */
	STEP_DONE,         /* 10 onboarding complete */
	STEP_COUNT,
};

/* Where the exchange (doc/DESIGN.md, "Exchange and rotation") stands; written by the rotation module only. */
enum state_rotation {
	ROTATION_NONE = 0,   /* nothing sent to the HSM yet */
	ROTATION_FIRST_USE,  /* first use recorded; the setup password may have been tried */
	ROTATION_PENDING,    /* PENDING saved in the vault; the change may or may not have happened */
	ROTATION_PROMOTED,   /* CURRENT = PENDING, PREVIOUS = setup password */
	ROTATION_VERIFIED,   /* CURRENT opens the token; PREVIOUS wiped */
	ROTATION_CONFIGURED, /* provider configuration written */
};

struct state_event {
	time_t at;
	char *kind;   /* "imported", "renewed", "first-use", "rotated", ... */
	char *detail; /* free text, never a secret; may be NULL */
};

struct state_check {
	char *endpoint; /* "host:port" or a URL */
	char *category; /* "ok", "dns", "refused", "timeout", "tls", "auth", "http" */
	long latency_ms;
};

struct state {
	int version;
	enum state_tier tier;
	enum state_service_type service_type;
	enum state_api api;
	char *hsm_user;
	char *service_user;
	char *company;
	char *service;       /* the <svc> part of the file names */
	char *cluster;       /* cluster name from the cluster table, e.g. "ECO01" */
	time_t issued;       /* date of issue (00:00 UTC of the file name's date), 0 unknown */
	time_t first_use;    /* first use of the setup password, 0 none recorded */
	int renewal_pending; /* import is replacing the setup password (written before the vault, cleared
	                         * after it): a crash in between is completed by re-running the import */
	time_t created;
	enum state_step step;
	enum state_rotation rotation;

	struct {
		char *engine; /* an engine name of engine_find(): "pkcs11", "primus" */
		char *module; /* PKCS#11 module path */
		char *token_label;
		long slot;        /* -1 unless --slot */
		char *ppin;       /* ppin path */
		char *client_id;  /* primus: --client-id; NULL: HSMUSER@hostname */
		char *config_dir; /* where config --output wrote */
		/* The hosts connect was given (--endpoint), the master first: verify and config reuse them
		 * when the cluster table does not name the partition's hosts (the jce engine has no
		 * configuration file of its own that would keep them). */
		char *hosts[STATE_MAX_HOSTS];
		size_t n_hosts;
	} engine;

	char *api_endpoint; /* TSBaaS API-Endpoint */
	time_t jwt_exp;

	struct {
		time_t at;  /* 0 when no error is recorded */
		char *code; /* e.g. "CKR_PIN_INCORRECT", "0x80005017" */
		char *message;
	} last_error;

	/* The HSM refused the setup password now in the vault (DESIGN.md, "Refused setup password"): it is
	 * never sent again until a renewed one is imported (which clears this) or the user explicitly
	 * asks for one more attempt. Written by the rotation module; import clears it on a renewal. */
	struct {
		time_t at;    /* 0 when no refusal is recorded */
		char *engine; /* the engine that sent it */
		char *code;   /* the HSM's answer, e.g. "CKR_PIN_INCORRECT", "0x80005017" */
	} setup_refused;

	time_t checked_at; /* last preflight, 0 never */
	struct state_check *checks;
	size_t n_checks;

	struct state_event *events;
	size_t n_events;
};

void state_init(struct state *st);
void state_free(struct state *st);

/* Loads path. EX_NOINPUT when it does not exist; EX_DATAERR, with "FILE: message", when it is not
 * valid JSON, has a field of the wrong type or an unknown format version. Never crashes on bad input. */
int state_load(const char *path, struct state *st, struct diag *d);
/* Writes atomically (fsutil_write_atomic, failpoint prefix "state") in mode 0600. */
int state_save(const char *path, const struct state *st, struct diag *d);
/* Parses a state.json document held in memory (for the loader and the fuzzer). */
int state_parse(const char *json, size_t len, const char *display_name, struct state *st, struct diag *d);

/* The event log is capped so that state.json stays far below its read limit however long the profile
 * is monitored (a check from cron every 5 minutes must never brick it): the milestones ("imported",
 * "renewed", "first-use", "change-sent", "setup-rejected", "rotated", the first "verified",
 * "configured", ...) are kept, the most recent STATE_MILESTONE_KEEP of them and always the first and
 * the last of each kind; the routine events ("checked", and every "verified" after the first) keep the
 * most recent STATE_ROUTINE_KEEP. A detail is cut to STATE_DETAIL_MAX bytes. With these, the whole
 * file stays under STATE_FILE_TARGET; a larger file written by an older version is still read (up
 * to STATE_READ_MAX) and compacted by the next write. */
#define STATE_ROUTINE_KEEP 200
#define STATE_MILESTONE_KEEP 400
#define STATE_DETAIL_MAX 240
#define STATE_FILE_TARGET (256 * 1024)
#define STATE_READ_MAX (16 * 1024 * 1024)

/* Appends an event stamped now (detail may be NULL, and is cut to STATE_DETAIL_MAX bytes), then
 * drops what the cap above drops. */
void state_add_event(struct state *st, const char *kind, const char *detail);
/* Replaces the recorded checks. */
void state_set_checks(struct state *st, const struct state_check *checks, size_t n, time_t at);
/* Replaces engine.hosts by the n hosts (at most STATE_MAX_HOSTS are kept); 1 when they changed. */
int state_set_hosts(struct state *st, const char *const *hosts, size_t n);
/* Records the last engine error (code and message copied). */
void state_set_error(struct state *st, const char *code, const char *message);

/* Stable names for JSON and the command line ("SBX", "ECO", "ECO-CC", "PLATINUM"; "standard",
 * "tsbaas-multi", "tsbaas-dedicated"; "pkcs11", "jce", "cng", "rest"; "start" ... "done"). */
const char *state_tier_name(enum state_tier t);
const char *state_service_type_name(enum state_service_type s);
const char *state_api_name(enum state_api a);
const char *state_step_name(enum state_step s);
/* Records that the onboarding reached step s: the stored step only ever moves forward, so looking
 * back at an earlier screen or repeating an import never makes resume reopen an earlier step. (Only
 * a renewal restarts the countdown: rotation_reset_for_renewal.) 1 when the step changed. */
int state_reach_step(struct state *st, enum state_step s);
const char *state_rotation_name(enum state_rotation r);
/* Case-insensitive; the tier also accepts "sbx", "eco", "ecocc", "eco-cc", "pla", "platinum". Return
 * 0 on success. */
/* The TSBaaS rules, one place for every front end (doc/DESIGN.md, "Data"). A TSBaaS profile is
 * multi-tenant TSBaaS, or one whose files brought an API endpoint (a dedicated TSBaaS); it uses the
 * REST API and has no rotation. */
int state_is_tsbaas(const struct state *st);
/* The API a service type implies: multi-tenant TSBaaS offers only REST (doc/securosys-facts.md,
 * "Order channels and tiers"); API_UNKNOWN when the type leaves the choice open. */
enum state_api state_service_api(enum state_service_type t);

int state_tier_parse(const char *s, enum state_tier *out);
int state_service_type_parse(const char *s, enum state_service_type *out);
int state_api_parse(const char *s, enum state_api *out);

#endif
