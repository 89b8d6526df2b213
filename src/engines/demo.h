/* demo.h: the throwaway world of `hsm-onboard demo`.
 *
 * One private directory (mode 0700) holds everything: a HOME whose XDG_STATE_HOME keeps the demo
 * profile away from the user's real ones, a SoftHSM2 configuration and token directory, and a
 * Downloads folder with invented credential files named and shaped like Securosys's. The token is
 * initialised through PKCS#11 itself (C_InitToken, C_InitPIN, loaded with p11-kit), so no PIN ever
 * appears in a child's argv; its user PIN is the freshly generated setup password of the hsm file. The
 * profile uses the primus engine with hsm-onboard-ppin-sim (libexecdir) in place of ppin, so the user
 * walks the real steps (ppin -p, -a, -t) and files (primus.cfg, .secrets.cfg); the simulator's -a makes
 * the PKCS#11 password the token's user PIN, as applications then use it on a partition. The
 * process environment is pointed at the world (HOME, XDG_*, SOFTHSM2_CONF) so every later core call
 * and the wizard use it. Nothing here prints. It sits with the engines, not in core, because it builds
 * each engine's stand-in HSM and writes the primus engine's primus.cfg (primus_cfg.h), an engine's file
 * (doc/DESIGN.md, "Architecture"). */
#ifndef HSMO_DEMO_H
#define HSMO_DEMO_H

#include "diag.h"

#define DEMO_PROFILE "DEMOHSM01"
#define DEMO_TOKEN_LABEL "hsm-onboard-demo"
#define DEMO_PROXY_USER "ACME-PROXY-01"
/* The cluster of the demo profile: its local SoftHSM2 token, in no cluster table. */
#define DEMO_CLUSTER "demo"

struct demo {
	char *dir;       /* the world, e.g. /tmp/hsm-onboard-demo.XXXXXX */
	char *downloads; /* dir/Downloads: the files to import */
	char *module;    /* the SoftHSM2 module */
	char *service_file;
	char *hsm_file;
};

/* Builds the world under tmpdir (NULL: $TMPDIR or /tmp) with module as the PKCS#11 module (NULL: the
 * SoftHSM2 found at configure time). EX_UNAVAILABLE when SoftHSM2 is missing. */
int demo_create(const char *tmpdir, const char *module, struct demo *out, struct diag *d);
/* The JCE world (`demo --api jce`): no token; the profile's API is JCE, so its path is the jce engine
 * (orders_path_of), and Primus Tools is the project's stand-in (hsm-onboard-jce-standin in libexecdir,
 * run as `java` from the world's bin folder), which accepts the demo's setup password. */
int demo_create_jce(const char *tmpdir, struct demo *out, struct diag *d);
/* Generates the service and hsm files of user into dir (used by demo_create; the setup password is
 * returned in *setup_pw, a secmem string the caller frees, or not when setup_pw is NULL). */
int demo_write_credfiles(const char *dir, const char *user, char **setup_pw, struct demo *out,
                         struct diag *d);
/* Removes the world (the token and vault files are overwritten first where it is cheap). */
int demo_remove(struct demo *dm, struct diag *d);
void demo_free(struct demo *dm);

#endif
