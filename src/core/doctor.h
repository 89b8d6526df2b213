/* doctor.h: is this machine ready for the Primus exchange? (doc/DESIGN.md, "Readiness").
 *
 * Checked before the point of no return, by `hsm-onboard doctor`, by the primus engine's preflight
 * (so `connect` and the wizard's preflight run it before anything is recorded or sent), without any
 * secret. It refuses (DOCTOR_FAIL) only what would make the exchange fail, and warns about the rest
 * (doc/securosys-facts.md, sections "Primus provider files" and "ppin"):
 *   - ppin and libprimusP11.so are there; `ppin -v` answers with a version: below 1.8.1 (no
 *     `ppin -t`) it is refused, below 1.8.4 the provider reads only /etc/primus (no
 *     SECUROSYS_PKCS11_CONF), which is a warning;
 *   - the user is in group primus when the files are shared through it, or the usermod line to run;
 *   - the templates primus.cfg and .secrets.cfg are in PRIMUS_HOME/etc (PRIMUS_HOME: the folder above
 *     ppin's bin/, default /usr/local/primus): the work folder's secrets file is seeded from them;
 *   - the clock is synchronised (the countdown and TLS rely on it).
 * The cluster's reachability is the network preflight (netcheck.h); the front ends add it. */
#ifndef HSMO_DOCTOR_H
#define HSMO_DOCTOR_H

#include <stddef.h>

#define DOCTOR_PRIMUS_HOME "/usr/local/primus"
#define DOCTOR_MAX_ITEMS 12

enum doctor_level { DOCTOR_OK = 0, DOCTOR_NOTE, DOCTOR_WARN, DOCTOR_FAIL };

struct doctor_item {
	const char *id; /* stable: "ppin", "version", "library", "group", "templates", "clock", "cluster" */
	enum doctor_level level;
	char msg[600]; /* translated, never a secret */
};

struct doctor_opts {
	const char *ppin;        /* the ppin to run (found by the caller) */
	const char *module;      /* the provider's library; NULL: PRIMUS_HOME/lib/libprimusP11.so */
	const char *primus_home; /* NULL: the folder above ppin's bin/, else DOCTOR_PRIMUS_HOME */
	const char *group;       /* the group the files are shared with (--group), or NULL */
	int shared_etc;          /* 1 when the files go to /etc/primus */
	long timeout_ms;         /* for ppin -v; 0: 10 s */
};

struct doctor_report {
	struct doctor_item items[DOCTOR_MAX_ITEMS];
	size_t n;
	int version[3];         /* the parsed ppin -v version, {0,0,0} when unknown */
	char version_text[32];  /* "2.2.4", "" when unknown */
	char primus_home[4096]; /* the PRIMUS_HOME it used */
	size_t fails, warns;
};

/* Runs every check into r; returns r->fails (0: nothing refuses the exchange). */
size_t doctor_run(const struct doctor_opts *o, struct doctor_report *r);
/* Adds an item (the front ends add the cluster check); ignored when full. */
void doctor_add(struct doctor_report *r, const char *id, enum doctor_level level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The first number a.b[.c] in ppin -v's output ("Primus HSM PKCS#11 2.2.4"); 0, or -1 when none. */
int doctor_parse_version(const char *text, int v[3]);
/* PRIMUS_HOME for a ppin path: the folder above its bin/ folder, else DOCTOR_PRIMUS_HOME. */
void doctor_primus_home(const char *ppin, char *buf, size_t size);
/* Where the work folder's secrets file and configuration come from: copies PRIMUS_HOME/etc/.secrets.cfg
 * (or writes an empty file when there is no template) into secrets_path when it does not exist, mode
 * 0600, because ppin needs the file to exist (0x80005004). 0, or -1 with errno. */
int doctor_seed_secrets(const char *primus_home, const char *secrets_path);
const char *doctor_level_name(enum doctor_level l);

#endif
