/* cli_config.c: `config [--output DIR] [--for TARGET]...` and `config --list`: the provider
 * configuration for applications, and the files of each client the customer runs (targets.h).
 * It prints the paths it wrote, never a secret. */
#include "config.h"

#include "cli.h"
#include "cli_engine.h"
#include "cli_passphrase.h"
#include "engine_setup.h"
#include "i18n.h"
#include "orders.h"
#include "rotation.h"
#include "targets.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>

/* The provider's primary location and the group its users join (pkcs11_provider_configuration). */
#define CONFIG_SYSTEM_DIR "/etc/primus"
#define CONFIG_SYSTEM_GROUP "primus"

/* /etc/primus for the group: the members must enter it to read the files (0750, root, group primus),
 * set on the descriptor. An existing folder is kept as it is, with a warning when the group cannot
 * enter it. */
static int config_system_dir(struct diag *d)
{
	struct group *g = getgrnam(CONFIG_SYSTEM_GROUP);
	if (!g)
		return diag_set(
		    d, EX_NOUSER,
		    _("there is no group '%s' on this machine: create it (groupadd %s) and add the service "
		      "users of the applications that load the provider (usermod -a -G %s USER)"),
		    CONFIG_SYSTEM_GROUP, CONFIG_SYSTEM_GROUP, CONFIG_SYSTEM_GROUP);
	int created = mkdir(CONFIG_SYSTEM_DIR, 0700) == 0;
	if (!created && errno != EEXIST)
		return diag_set_errno(d, EX_CANTCREAT, _("cannot create %s"), CONFIG_SYSTEM_DIR);
	int fd = open(CONFIG_SYSTEM_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return diag_set_errno(d, EX_CANTCREAT, _("cannot open %s"), CONFIG_SYSTEM_DIR);
	struct stat sb;
	int rc = EX_OK;
	if (created && (fchown(fd, 0, g->gr_gid) != 0 || fchmod(fd, 0750) != 0))
		rc = diag_set_errno(d, EX_NOPERM, _("%s: cannot give the folder to group '%s'"), CONFIG_SYSTEM_DIR,
		                    CONFIG_SYSTEM_GROUP);
	else if (!created && fstat(fd, &sb) == 0 && (sb.st_gid != g->gr_gid || (sb.st_mode & 0050) != 0050) &&
	         (sb.st_mode & 0005) != 0005)
		cli_warning(
		    _("the members of group %s cannot enter %s (owner %ld:%ld, mode %03o): run chgrp %s %s and "
		      "chmod 0750 %s"),
		    CONFIG_SYSTEM_GROUP, CONFIG_SYSTEM_DIR, (long)sb.st_uid, (long)sb.st_gid,
		    (unsigned)(sb.st_mode & 0777), CONFIG_SYSTEM_GROUP, CONFIG_SYSTEM_DIR, CONFIG_SYSTEM_DIR);
	close(fd);
	return rc;
}

static int config_list(struct cli_engine *ce)
{
	size_t n = 0;
	for (size_t i = 0; targets_all[i]; i++) {
		const struct target *t = targets_all[i];
		if (!targets_fit(t, &ce->p.st))
			continue;
		printf("%-9s %s\n          %s %s\n", t->name, _(t->summary), _("docs:"), t->doc);
		n++;
	}
	if (n == 0)
		printf("%s\n", _("No target fits this profile yet: choose an engine with 'connect' first."));
	return EX_OK;
}

/* Every name is a target that fits the profile; otherwise a usage error naming those that do. */
static int config_check_targets(const struct cli_engine_opts *o, const struct state *st,
                                const struct target **out)
{
	for (size_t i = 0; i < o->n_targets; i++) {
		const struct target *t = targets_find(o->targets[i]);
		if (!t || !targets_fit(t, st)) {
			char fit[200] = "";
			size_t used = 0;
			for (size_t k = 0; targets_all[k]; k++)
				if (targets_fit(targets_all[k], st) && used < sizeof fit) {
					int w = snprintf(fit + used, sizeof fit - used, "%s%s", used ? ", " : "",
					                 targets_all[k]->name);
					if (w > 0)
						used += (size_t)w;
				}
			return cli_usage_error("config",
			                       t ? _("--for: target '%s' does not fit this profile; targets that fit: %s")
			                         : _("--for: '%s' is not a target; targets that fit this profile: %s"),
			                       o->targets[i], fit[0] ? fit : _("none"));
		}
		out[i] = t;
	}
	return EX_OK;
}

/* The hosts of the profile's cluster, or --endpoint's, into hosts; they live in es->clusters until the
 * caller's clusters_free. */
static size_t config_hosts(const struct cli_engine_opts *o, const struct state *st, struct engine_setup *es,
                           const char **hosts)
{
	struct engine_overrides ov = cli_engine_overrides(o);
	return engine_setup_hosts(es, st, &ov, hosts, ENGINE_MAX_HOSTS);
}

static void config_print_files(const struct filelist *files)
{
	for (size_t i = 0; i < files->n; i++)
		printf("%s: %s\n", files->what[i], files->path[i]);
}

/* --system: the provider's primary location, shared through group primus as the docs set it up
 * (doc/securosys-facts.md, "Primus provider files"); root owns it. EX_OK, or the exit code, reported. */
static int config_system(struct cli_engine_opts *o)
{
	if (o->output || (o->group && strcmp(o->group, CONFIG_SYSTEM_GROUP) != 0))
		return cli_usage_error("config",
		                       _("--system writes into %s for group %s: it takes no --output or --group"),
		                       CONFIG_SYSTEM_DIR, CONFIG_SYSTEM_GROUP);
	if (geteuid() != 0) {
		cli_error(_("--system installs into %s (group %s, mode 0640) and must run as root, for example "
		            "with sudo"),
		          CONFIG_SYSTEM_DIR, CONFIG_SYSTEM_GROUP);
		return EX_NOPERM;
	}
	o->output = CONFIG_SYSTEM_DIR;
	o->group = CONFIG_SYSTEM_GROUP;
	struct diag d;
	diag_clear(&d);
	return config_system_dir(&d) == EX_OK ? EX_OK : cli_report(&d);
}

/* Without --output: the folder written last, else the profile's configuration folder (never the state
 * directory: an application reads these files). EX_OK, or the exit code, reported. */
static int config_default_output(const struct cli_engine *ce, char *def, size_t size)
{
	struct diag d;
	diag_clear(&d);
	if (ce->p.st.engine.config_dir)
		snprintf(def, size, "%s", ce->p.st.engine.config_dir);
	else if (profile_config_dir(ce->p.name, def, size, &d) != EX_OK)
		return cli_report(&d);
	return EX_OK;
}

/* A CNG profile's exchange happens on Windows (orders_path_of): its settings hold no secret, so
 * neither the vault nor an engine is opened. */
static int config_ksp(struct cli_ctx *ctx, struct cli_engine *ce, const struct cli_engine_opts *o,
                      const struct target *const *targets)
{
	if (o->n_targets == 0) {
		cli_error("%s", _("a CNG profile is configured on the Windows machine: use --for ksp"));
		return EX_USAGE;
	}
	struct diag d;
	diag_clear(&d);
	struct engine_overrides ov = cli_engine_overrides(o);
	struct filelist files = {0};
	int rc = engine_setup_write_ksp(targets, o->n_targets, ce->p.name, &ce->p.st, &ov, o->output, &files, &d);
	if (rc == EX_OK && !ctx->json)
		config_print_files(&files);
	if (rc == EX_OK && ctx->json)
		rc = cli_engine_print_json(ce, NULL, &files, NULL);
	filelist_free(&files);
	return rc == EX_OK ? rc : cli_report(&d);
}

/* config --for tsb|xks before any exchange: the hand-over (targets_handover), no engine. */
static int config_handover(struct cli_ctx *ctx, struct cli_engine *ce, const struct cli_engine_opts *o,
                           const struct target *const *targets)
{
	struct diag d;
	diag_clear(&d);
	struct filelist files = {0};
	int rc = cli_open_vault(ctx, &ce->p, &ce->v, &d);
	if (rc == EX_OK) {
		struct engine_setup es = {0};
		const char *hosts[ENGINE_MAX_HOSTS];
		size_t n = config_hosts(o, &ce->p.st, &es, hosts);
		rc = targets_handover(targets, o->n_targets, ce->p.name, &ce->p.st, ce->v, hosts, n, o->output,
		                      &files, &d);
		clusters_free(&es.clusters);
		if (rc == EX_OK)
			rc = profile_save_state(&ce->p, &d);
	}
	if (rc == EX_OK && !ctx->json) {
		config_print_files(&files);
		printf("%s\n", _("The setup password is handed over: TSB or XKS exchanges it at its first start, and "
		                 "hsm-onboard made no exchange. Record that moment with 'hsm-onboard mark-used'."));
	} else if (rc == EX_OK)
		rc = cli_engine_print_json(ce, NULL, &files, json_pack("{s:b}", "handover", 1));
	filelist_free(&files);
	return rc == EX_OK ? rc : cli_report(&d);
}

/* What config wrote, and for the engine's own files how to point the provider at them. */
static int config_report(struct cli_ctx *ctx, const struct cli_engine *ce, const struct cli_engine_opts *o,
                         int tsbaas, const struct filelist *files)
{
	/* A TSBaaS profile opened no engine. */
	const char *engine = ce->e.ops ? ce->e.ops->name : NULL;
	if (ctx->json)
		return cli_engine_print_json(ce, engine, files, NULL);
	config_print_files(files);
	char hint[2200];
	struct engine_text_args ta = {.engine = engine, .profile = ce->p.name, .files = files};
	if (!tsbaas && o->n_targets == 0 &&
	    engine_text(ce->e.ops, ENGINE_TEXT_CONFIG_HINT, &ta, hint, sizeof hint) == 0)
		fputs(hint, stdout);
	return EX_OK;
}

/* After the exchange: the provider configuration and the targets' files. A TSBaaS profile has no
 * rotation and no engine: its targets need only the vault. */
static int config_write(struct cli_ctx *ctx, struct cli_engine *ce, const struct cli_engine_opts *o,
                        const struct target *const *targets)
{
	int tsbaas = state_is_tsbaas(&ce->p.st);
	if (tsbaas && o->n_targets == 0) {
		cli_error("%s", _("a TSBaaS profile has no provider files of its own: choose a target with --for "
		                  "(see 'config --list')"));
		return EX_USAGE;
	}
	if (!rotation_config_allowed(&ce->p.st)) {
		cli_error("%s", _("the user secret is not in place yet: run 'hsm-onboard connect' first"));
		return EX_USAGE;
	}
	struct diag d;
	diag_clear(&d);
	struct filelist files = {0};
	int rc;
	if (tsbaas) {
		rc = cli_open_vault(ctx, &ce->p, &ce->v, &d);
	} else {
		rc = cli_engine_open_rest(ctx, ce, o, &d);
		if (rc == EX_OK)
			rc = rotation_write_config(&ce->p, ce->v, &ce->e, o->output, &files, &d);
	}
	if (rc == EX_OK && o->n_targets > 0) {
		struct targets_input in;
		targets_input_from(&in, ce->p.name, &ce->p.st, ce->v, tsbaas ? NULL : &ce->e);
		rc = targets_write_list(targets, o->n_targets, &in, o->output, &files, &d);
	}
	rc = rc == EX_OK ? config_report(ctx, ce, o, tsbaas, &files) : cli_report(&d);
	filelist_free(&files);
	return rc;
}

/* Everything after the profile is open; the caller closes it. */
static int config_run(struct cli_ctx *ctx, struct cli_engine *ce, struct cli_engine_opts *o)
{
	int rc;
	if (o->list)
		return config_list(ce);
	if (o->system && (rc = config_system(o)) != EX_OK)
		return rc;
	char def[4096];
	if (!o->output) {
		if ((rc = config_default_output(ce, def, sizeof def)) != EX_OK)
			return rc;
		o->output = def;
	}
	const struct target *targets[sizeof o->targets / sizeof o->targets[0]];
	if ((rc = config_check_targets(o, &ce->p.st, targets)) != EX_OK)
		return rc;
	if (!ce->p.st.engine.engine && orders_path_is(&ce->p.st, ORDERS_PATH_KSP))
		return config_ksp(ctx, ce, o, targets);
	/* TSB and XKS make the exchange themselves: before any exchange of ours, their setupPassword is
	 * the setup password, as their docs say (doc/securosys-facts.md, "JCE, TSB and XKS"). */
	int jce_only = o->n_targets > 0;
	for (size_t i = 0; i < o->n_targets; i++)
		jce_only &= (targets[i]->fits & TARGET_FITS_JCE) != 0;
	if (o->blinded_secret && !rotation_is_done(&ce->p.st)) {
		cli_error("%s", _("--blinded-secret needs the blinded user secret of 'hsm-onboard connect'; before "
		                  "it, TSB and XKS take the setup password, as their docs say"));
		return EX_USAGE;
	}
	if (jce_only && targets_can_hand_over(&ce->p.st))
		return config_handover(ctx, ce, o, targets);
	if (jce_only && !o->blinded_secret && rotation_is_done(&ce->p.st)) {
		cli_error("%s",
		          _("connect has exchanged the setup password, which TSB and XKS take as setupPassword: "
		            "--blinded-secret writes the blinded user secret there instead, a route the TSB and "
		            "XKS docs do not describe"));
		return EX_USAGE;
	}
	return config_write(ctx, ce, o, targets);
}

int cli_config(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_engine_opts o;
	struct cli_engine ce;
	struct diag d;
	int rc = cli_engine_begin(ctx, "config", argc, argv, NULL, &o, &ce, &d);
	if (rc != EX_OK)
		return rc;
	rc = config_run(ctx, &ce, &o);
	cli_engine_close(&ce);
	return rc;
}
