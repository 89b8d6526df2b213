/* cli_config.c: `config [--output DIR] [--for TARGET]...` and `config --list`: the provider
 * configuration for applications, and the files of each client the customer runs (targets.h).
 * It prints the paths it wrote, never a secret. */
#include "config.h"

#include "cli.h"
#include "cli_engine.h"
#include "cli_passphrase.h"
#include "i18n.h"
#include "rotation.h"
#include "targets.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

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

int cli_config(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_engine_opts o;
	struct cli_engine ce;
	struct diag d;
	int rc = cli_engine_begin(ctx, "config", argc, argv, NULL, &o, &ce, &d);
	if (rc != EX_OK)
		return rc;
	if (o.list) {
		rc = config_list(&ce);
		cli_engine_close(&ce);
		return rc;
	}
	/* Without --output: the folder written last, else the profile's configuration folder (never the
	 * state directory: an application reads these files). */
	char def[4096];
	if (!o.output) {
		if (ce.p.st.engine.config_dir)
			snprintf(def, sizeof def, "%s", ce.p.st.engine.config_dir);
		else if (profile_config_dir(ce.p.name, def, sizeof def, &d) != EX_OK) {
			cli_engine_close(&ce);
			return cli_report(&d);
		}
		o.output = def;
	}
	const struct target *targets[sizeof o.targets / sizeof o.targets[0]];
	rc = config_check_targets(&o, &ce.p.st, targets);
	if (rc != EX_OK) {
		cli_engine_close(&ce);
		return rc;
	}
	struct engine_files files = {0};
	/* A TSBaaS profile has no rotation and no engine: its targets need only the vault. */
	int tsbaas = state_is_tsbaas(&ce.p.st);
	if (tsbaas && o.n_targets == 0) {
		cli_engine_close(&ce);
		cli_error("%s", _("a TSBaaS profile has no provider files of its own: choose a target with --for "
		                  "(see 'config --list')"));
		return EX_USAGE;
	}
	if (!rotation_config_allowed(&ce.p.st)) {
		cli_engine_close(&ce);
		cli_error("%s", _("the user secret is not in place yet: run 'hsm-onboard connect' first"));
		return EX_USAGE;
	}
	if (tsbaas) {
		rc = cli_open_vault(ctx, &ce.p, &ce.v, &d);
	} else {
		rc = cli_engine_open_rest(ctx, &ce, &o, &d);
		if (rc == EX_OK)
			rc = rotation_write_config(&ce.p, ce.v, &ce.e, o.output, &files, &d);
	}
	if (rc == EX_OK && o.n_targets > 0) {
		struct targets_input in;
		targets_input_from(&in, ce.p.name, &ce.p.st, ce.v, tsbaas ? NULL : &ce.e);
		rc = targets_write_list(targets, o.n_targets, &in, o.output, &files, &d);
	}
	if (rc != EX_OK) {
		engine_files_free(&files);
		cli_engine_close(&ce);
		return cli_report(&d);
	}
	if (ctx->json) {
		rc = cli_engine_print_json(&ce, ce.e.ops->name, &files, NULL);
		engine_files_free(&files);
		cli_engine_close(&ce);
		return rc;
	}
	for (size_t i = 0; i < files.n; i++)
		printf("%s: %s\n", files.what[i], files.path[i]);
	char hint[2200];
	struct engine_text_args ta = {.engine = ce.e.ops ? ce.e.ops->name : NULL,
	                              .profile = ce.p.name,
	                              .files = &files};
	if (!tsbaas && o.n_targets == 0 &&
	    engine_text(ce.e.ops, ENGINE_TEXT_CONFIG_HINT, &ta, hint, sizeof hint) == 0)
		fputs(hint, stdout);
	engine_files_free(&files);
	cli_engine_close(&ce);
	return EX_OK;
}
