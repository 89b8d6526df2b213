/* wizard.h: the wizard's public contract, the only ui/ header the CLI sees (ui/include is its only
 * include path into ui/). No curses here: the command line never compiles against ncurses
 * (doc/DESIGN.md, "Architecture"). */
#ifndef HSMO_UI_WIZARD_H
#define HSMO_UI_WIZARD_H

struct wizard_opts {
	const char *profile; /* open this profile (resume at its step), or NULL: the start screen */
	int ascii;
	int kdf_ms;               /* for a new vault; 0: default */
	int accept_setup_format;  /* --accept-setup-format */
	const char *download_dir; /* the folder the import screen watches; NULL: ~/Downloads */
	int demo;                 /* the demo: the rotation runs against its SoftHSM2 token */
	const char *cacert;       /* --cacert: the CA to trust for HTTPS (download, preflight), or NULL */
};

/* Runs the wizard on the terminal until the user leaves. Returns a sysexits code. */
/* finished (may be NULL) is set to 1 when the onboarding reached Done in this run. */
int wizard_run(const struct wizard_opts *opts, int *finished);

#endif
