/* cli_forget.c: `forget [--yes] [--discard-user-secret]`: deletes a profile, overwriting its vault first.
 *
 * Once the rotation has started (rotation_secret_at_stake), the vault may hold the only copy of the
 * user secret that opens the partition, and the setup password no longer works: losing it costs a
 * paid support ticket. Such a profile is deleted only with --discard-user-secret, confirmed by the
 * typed profile name on a terminal or by --yes off one (DESIGN.md, "Secrets"). */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
#include "cli_passphrase.h"
#include "fetch.h"
#include "i18n.h"
#include "rotation.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

enum forget_stake { FORGET_SAFE, FORGET_ROTATED, FORGET_UNKNOWN };

/* Reads the state on its own: forget opens the profile without it, so that a damaged one can be
 * deleted too. A state that cannot be read, next to a vault, may hide a rotated secret. */
static enum forget_stake forget_stake(const struct profile *p, char *why, size_t size, char **hsm_user)
{
	struct state st;
	struct diag d;
	diag_clear(&d);
	int rc = state_load(p->state_path, &st, &d);
	enum forget_stake s = FORGET_SAFE;
	if (rc == EX_OK) {
		*hsm_user = st.hsm_user ? strdup(st.hsm_user) : NULL;
		if (rotation_secret_at_stake(&st)) {
			s = FORGET_ROTATED;
			snprintf(why, size, "%s", state_rotation_name(st.rotation));
		}
	} else if (access(p->state_path, F_OK) == 0 && access(p->vault_path, F_OK) == 0) {
		s = FORGET_UNKNOWN;
		snprintf(why, size, "%s", d.msg);
	}
	state_free(&st);
	return s;
}

/* The typed profile name, on the terminal. */
static int forget_typed_name(const char *name)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return 0;
	fprintf(tty, _("Type the profile name (%s) to delete its user secret for good: "), name);
	fflush(tty);
	char line[128];
	int ok = 0;
	if (fgets(line, sizeof line, tty)) {
		line[strcspn(line, "\r\n")] = '\0';
		ok = strcmp(line, name) == 0;
	}
	fclose(tty);
	return ok;
}

/* Why the profile is kept without --discard-user-secret, and how to keep its secret. */
static int forget_refuse(const struct profile *p, enum forget_stake stake, const char *why)
{
	if (stake == FORGET_ROTATED)
		cli_error(_("profile %s was not deleted: its rotation has started (%s), so its vault may hold the "
		            "only copy of the user secret that opens the partition. The setup password no longer "
		            "works, and a new one needs a paid support ticket. Keep the secret first: finish with "
		            "'hsm-onboard --profile %s connect' if it was interrupted, then 'hsm-onboard --profile "
		            "%s config --output DIR' writes it into the provider configuration. To delete the "
		            "profile anyway: 'hsm-onboard --profile %s forget --discard-user-secret'"),
		          p->name, why, p->name, p->name, p->name);
	else
		cli_error(_("profile %s was not deleted: its state cannot be read (%s), so it is unknown whether "
		            "its vault holds the only copy of a user secret. To delete the profile anyway: "
		            "'hsm-onboard --profile %s forget --discard-user-secret'"),
		          p->name, why, p->name);
	return EX_NOPERM;
}

/* 1 when the deletion is confirmed. Otherwise 0, with *rc the exit code: EX_OK when the user kept the
 * profile, EX_USAGE when no confirmation could be asked for. */
static int forget_confirmed(const struct cli_ctx *ctx, const struct profile *p, enum forget_stake stake,
                            int yes, int *rc)
{
	*rc = EX_OK;
	if (stake != FORGET_SAFE) {
		/* --yes alone never discards a user secret: on a terminal the name is typed. */
		if (!cli_is_terminal()) {
			if (!yes)
				*rc = cli_usage_error("forget",
				                      _("discarding the user secret of profile %s needs a confirmation: give "
				                        "--yes"),
				                      p->name);
			return yes;
		}
		if (forget_typed_name(p->name))
			return 1;
		printf(_("Profile %s kept.\n"), p->name);
		return 0;
	}
	if (yes)
		return 1;
	if (!cli_is_terminal()) {
		*rc = cli_usage_error("forget", _("deleting profile %s needs a confirmation: give --yes"), p->name);
		return 0;
	}
	char question[512];
	snprintf(question, sizeof question,
	         _("Delete profile %s (%s) and overwrite its vault? The secrets in it cannot be recovered."),
	         p->name, p->dir);
	if (cli_confirm(question))
		return 1;
	if (ctx->json)
		cli_json_print(json_pack("{s:s,s:b,s:i}", "profile", p->name, "deleted", 0, "downloads_removed", 0));
	else
		printf(_("Profile %s kept.\n"), p->name);
	return 0;
}

/* Deletes the profile, and with it the downloads of its HSM user (hsm_user, may be NULL). */
static int forget_remove(const struct cli_ctx *ctx, struct profile *p, const char *hsm_user)
{
	struct diag d;
	diag_clear(&d);
	if (profile_remove(p, &d) != EX_OK)
		return cli_report(&d);
	/* Downloads of this HSM user that were never imported (a failed import keeps them for a retry)
	 * are plaintext secrets: they go with the profile. */
	size_t removed = 0;
	if (hsm_user && profile_name_valid(hsm_user) && fetch_forget_downloads(hsm_user, &removed, &d) != EX_OK)
		cli_warning("%s", d.msg);
	/* The profile is gone whatever the report says: a failed print does not change the exit code (a
	 * failed write still does, in main's exit check). */
	if (ctx->json) {
		cli_json_print(json_pack("{s:s,s:b,s:I}", "profile", p->name, "deleted", 1, "downloads_removed",
		                         (json_int_t)removed));
		return EX_OK;
	}
	printf(_("Profile %s deleted; its vault was overwritten first.\n"), p->name);
	if (removed)
		printf(_("Downloaded credential files of this profile, overwritten and deleted: %zu\n"), removed);
	return EX_OK;
}

int cli_forget(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { OPT_DISCARD = 1 };
	static const struct option opts[] = {{"yes", no_argument, NULL, 'y'},
	                                     {"discard-user-secret", no_argument, NULL, OPT_DISCARD},
	                                     {NULL, 0, NULL, 0}};
	int c, yes = ctx->yes, discard = 0;
	while ((c = getopt_long(argc, argv, "y", opts, NULL)) != -1) {
		if (c == 'y')
			yes = 1;
		else if (c == OPT_DISCARD)
			discard = 1;
		else
			return cli_usage_error("forget", "%s", _("unknown option"));
	}
	if (optind < argc)
		return cli_usage_error("forget", _("unexpected argument '%s'"), argv[optind]);

	struct diag d;
	diag_clear(&d);
	struct profile p;
	/* No state is read: a damaged profile must be deletable too. No passphrase either: deleting
	 * needs no secret, and a forgotten passphrase is a reason to forget. */
	int rc = cli_open_profile(ctx, PROFILE_LOCK | PROFILE_NO_STATE, &p, &d);
	if (rc != EX_OK)
		return cli_report(&d);
	char why[DIAG_MSG_MAX] = "";
	char *hsm_user = NULL;
	enum forget_stake stake = forget_stake(&p, why, sizeof why, &hsm_user);
	if (stake != FORGET_SAFE && !discard)
		rc = forget_refuse(&p, stake, why);
	else if (forget_confirmed(ctx, &p, stake, yes, &rc))
		rc = forget_remove(ctx, &p, hsm_user);
	profile_close(&p);
	free(hsm_user);
	return rc;
}
