/* profile.h: where a profile lives and who may use it.
 *
 * A profile is $XDG_STATE_HOME/hsm-onboard/<name>/ (default ~/.local/state), mode 0700, holding
 * state.json, vault and lock. Every command that touches a profile holds flock(LOCK_EX|LOCK_NB) on
 * <profile>/lock; the lock file records "PID since TIME" so a second instance can say who holds it. */
#ifndef HSMO_PROFILE_H
#define HSMO_PROFILE_H

#include <stddef.h>

#include "diag.h"
#include "state.h"

struct profile {
	char *name;
	char *dir;
	char *state_path;
	char *vault_path;
	int lock_fd;   /* -1 when not locked */
	int has_state; /* state.json existed and was loaded */
	struct state st;
};

enum profile_open_flags {
	PROFILE_CREATE = 1,     /* create the directory if missing */
	PROFILE_LOCK = 2,       /* take the lock (EX_TEMPFAIL, 75, "profile X is in use by PID N since T") */
	PROFILE_NO_STATE = 4,   /* do not read state.json (forget must work on a damaged profile) */
	PROFILE_NEED_STATE = 8, /* no state.json is an error (EX_NOINPUT, "import the credential files
	                         * first"), for every command that works on an imported profile */
};

/* The directory that holds every profile: $XDG_STATE_HOME/hsm-onboard, else ~/.local/state/hsm-onboard. */
int profile_base_dir(char *buf, size_t size, struct diag *d);
/* Where the provider configuration of profile name goes unless the user chose a folder:
 * $XDG_CONFIG_HOME/hsm-onboard/NAME (~/.config/hsm-onboard/NAME). Files that an application reads are
 * configuration, kept apart from the program's own state (the XDG Base Directory specification). */
int profile_config_dir(const char *name, char *buf, size_t size, struct diag *d);
/* A profile name is 1 to 64 of [A-Za-z0-9._-], not starting with '.'. */
int profile_name_valid(const char *name);
/* Opens (and with flags creates and locks) the named profile; loads state.json when present. */
int profile_open(const char *name, int flags, struct profile *p, struct diag *d);
/* Writes p->st to state.json. */
int profile_save_state(struct profile *p, struct diag *d);
/* Releases the lock and frees everything. */
void profile_close(struct profile *p);
/* 1 when dir holds no state.json and no vault (not even a temp file of either): an import that was
 * stopped before it sealed the vault (Ctrl-C at the passphrase prompt) left only the directory and
 * its lock. Such a directory is no profile: profile_list skips it, and the next import reuses it. */
int profile_half_made(const char *dir);
/* The names of every profile, sorted, without half-made ones; free with profile_list_free. */
int profile_list(char ***names, size_t *n, struct diag *d);
void profile_list_free(char **names, size_t n);
/* How many entries of the profile directory bear a profile's name, without looking into any (one
 * readdir): at least profile_list's count, and cheap enough to run before a first frame, so the start
 * screen can tell a desk of many profiles from a few. */
int profile_count(size_t *n, struct diag *d);
/* Deletes the profile: destroys the vault first (overwrite), then the rest. Needs the lock. */
int profile_remove(struct profile *p, struct diag *d);

#endif
