/* cli_connect.c: `connect`, the first connection and the secret rotation.
 *
 * The command explains the point of no return and wants a typed "yes" (or --yes); it says when the
 * countdown has run out but lets the HSM decide. The protocol itself is rotation_run(). */
#include "config.h"

#include "cli.h"
#include "cli_engine.h"
#include "cli_passphrase.h"
#include "engine_shared.h"
#include "expiry.h"
#include "i18n.h"
#include "orders.h"
#include "rotation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

/* Reads one line from the terminal; 1 when it is "yes". */
static int connect_confirm(const char *question)
{
	fputs(question, stderr);
	fputs(_(" Type 'yes' to go on: "), stderr);
	fflush(stderr);
	char line[32];
	if (!fgets(line, sizeof line, stdin))
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "yes") == 0;
}

static int connect_differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

/* Takes the engine settings given on the command line into the state, so verify, config and a re-run
 * reuse them. Returns 1 when something changed (only then is the state written). */
static int connect_remember(struct state *st, const struct cli_engine_opts *o)
{
	int changed = 0;
	struct {
		char **field;
		const char *value;
	} set[] = {
	    {&st->engine.engine, o->ov.engine},
	    {&st->engine.module, o->ov.module},
	    {&st->engine.ppin, o->ov.ppin},
	    {&st->engine.client_id, o->ov.client_id},
	};
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
		if (set[i].value && connect_differs(*set[i].field, set[i].value)) {
			changed = 1;
			free(*set[i].field);
			*set[i].field = strdup(set[i].value);
		}
	if ((o->ov.token_label || o->ov.slot >= 0) &&
	    (connect_differs(st->engine.token_label, o->ov.token_label) || st->engine.slot != o->ov.slot)) {
		changed = 1;
		free(st->engine.token_label);
		st->engine.token_label = o->ov.token_label ? strdup(o->ov.token_label) : NULL;
		st->engine.slot = o->ov.slot;
	}
	if (o->ov.n_endpoints && state_set_hosts(st, o->endpoints, o->ov.n_endpoints))
		changed = 1;
	return changed;
}

/* The user said no: nothing was sent, and running connect again asks again (hence EX_TEMPFAIL). */
static int connect_stopped(void)
{
	cli_error("%s", _("stopped; nothing was sent"));
	return EX_TEMPFAIL;
}

/* A connected profile is left alone; only the next step is named, so that a re-run is harmless. */
static int connect_already_done(const struct cli_ctx *ctx, const struct cli_engine *ce)
{
	const struct state *st = &ce->p.st;
	if (ctx->json)
		return cli_engine_print_json(ce, NULL, NULL, json_pack("{s:b,s:b}", "already_done", 1, "resumed", 0));
	printf(_("Profile %s is already connected: the setup password was replaced by the\n"
	         "user secret (engine %s). Nothing to do.\n"),
	       ce->p.name, st->engine.engine ? st->engine.engine : "?");
	if (!rotation_is_configured(st))
		printf(_("Next: hsm-onboard --profile %s config --output DIR\n"), ce->p.name);
	return EX_OK;
}

/* The profile's path decides (orders_path_of; DESIGN.md, "Engines"). A CNG partition exchanges its
 * setup password on Windows: nothing is sent or recorded here, whatever --engine says. */
static int connect_refuse_cng(void)
{
	cli_error("%s", _("this is a CNG partition: its setup password is exchanged on the Windows machine, "
	                  "not here. Nothing was sent and no first use was recorded."));
	fputs(_("On the Windows machine (mscng/Installation/Configuring):\n"
	        "  1. install the Securosys CNG/KSP provider (setup_x64.msi; with INSTALLCFG=1 it\n"
	        "     reads KspCfg.ini),\n"
	        "  2. in SecurosysKspCfg add each HSM host on port 2320 with the HSM user name\n"
	        "     and the setup password, and the proxy (service) user,\n"
	        "  3. click \"Test all Connections\": it fetches the permanent secret, which is\n"
	        "     encrypted for that machine only,\n"
	        "  4. then run 'hsm-onboard mark-used' here, so that the countdown is right.\n"
	        "'hsm-onboard config --for ksp --output DIR' writes these settings and steps.\n"),
	      stderr);
	return EX_CONFIG;
}

/* Sets o->ov.engine from the profile's path when neither the state nor --engine names one, and
 * refuses to switch engines in the middle of a rotation: the other engine cannot resume it. */
static int connect_choose_engine(struct cli_engine *ce, struct cli_engine_opts *o, struct diag *d)
{
	const struct state *st = &ce->p.st;
	struct orders_path op;
	orders_path_of(st, &op);
	if (op.kind == ORDERS_PATH_KSP && !st->engine.engine)
		return connect_refuse_cng();
	if (!o->ov.engine && !st->engine.engine) {
		o->ov.engine = op.engine;
		if (!o->ov.engine) {
			engine_setup_no_engine(st, d);
			return cli_report(d);
		}
	}
	if (st->engine.engine && o->ov.engine && strcmp(st->engine.engine, o->ov.engine) != 0 &&
	    rotation_engine_fixed(st))
		return cli_usage_error(
		    "connect",
		    _("this profile's rotation was started with engine %s; resume it with the same "
		      "engine"),
		    st->engine.engine);
	return EX_OK;
}

/* A setup password the HSM refused is never sent again unless asked for and confirmed: every
 * wrong attempt uses up the partition's lock-out counter (rotation.h). */
static int connect_confirm_retry(const struct cli_ctx *ctx, const struct cli_engine_opts *o,
                                 const struct state *st, struct diag *d)
{
	if (!o->retry_refused) {
		rotation_check_refused(st, d);
		return cli_report(d);
	}
	if (ctx->yes)
		return EX_OK;
	if (!cli_is_terminal()) {
		cli_error("%s", _("--retry-refused sends a setup password that the HSM refused: confirm it with "
		                  "--yes, or run it on a terminal"));
		return EX_USAGE;
	}
	rotation_check_refused(st, d);
	cli_warning("%s", d->msg);
	diag_clear(d);
	if (!connect_confirm(_("Send the refused setup password once more? Another refusal uses up one more "
	                       "attempt of the lock-out counter.")))
		return connect_stopped();
	return EX_OK;
}

/* What is sent and what is lost, in the words of the engine that sends it (engine_text, so the CLI
 * says what the wizard's rotation screen says and never asks which engine it is: doc/DESIGN.md,
 * "Architecture", rule 3). */
static void connect_explain(const char *engine)
{
	char text[1024];
	if (engine_text(engine_find(engine), ENGINE_TEXT_NO_RETURN, NULL, text, sizeof text) == 0)
		cli_print_wrapped(stderr, text);
	cli_print_wrapped(stderr, _("If the vault is lost, a new setup password needs a paid support ticket. An "
	                            "interrupted connect is resumed by running it again."));
}

/* The exchange replaces the setup password for good: a typed "yes" on a terminal, or --yes. The
 * countdown only warns; the HSM decides whether an old setup password still works. */
static int connect_confirm_change(const struct cli_ctx *ctx, const struct cli_engine_opts *o,
                                  const struct state *st)
{
	struct expiry ex;
	expiry_compute(st, time(NULL), &ex);
	int expired = ex.state == EXPIRY_EXPIRED;
	if (expired)
		cli_warning("%s", _("the countdown says the setup password has expired. The HSM decides: the "
		                    "attempt may still work, or be refused (then run 'hsm-onboard ticket')."));
	if (ctx->yes)
		return EX_OK;
	if (!cli_is_terminal()) {
		cli_error("%s", _("connect replaces the setup password for good and needs a confirmation: "
		                  "run it on a terminal, or add --yes"));
		return EX_USAGE;
	}
	connect_explain(o->ov.engine ? o->ov.engine : st->engine.engine);
	if (expired && !connect_confirm(_("The setup password may have expired.")))
		return connect_stopped();
	if (!connect_confirm(_("Replace the setup password now?")))
		return connect_stopped();
	return EX_OK;
}

/* Everything before the first byte is sent: the output folder, the settings kept in the state, the
 * vault and the engine, and the engine's readiness checks (primus: doctor.h). */
static int connect_prepare(struct cli_ctx *ctx, struct cli_engine *ce, struct cli_engine_opts *o,
                           int needs_change, struct diag *d)
{
	/* A folder that already serves other partitions gets this one added (engine_shared.h): ppin adds
	 * the user to a copy of its .secrets.cfg, so only before the exchange. */
	o->ov.shared_dir = needs_change ? o->output : NULL;
	int rc = o->output ? engine_shared_check(o->output, o->ov.force, d) : EX_OK;
	if (rc != EX_OK)
		return cli_report(d);
	rc = connect_remember(&ce->p.st, o) ? profile_save_state(&ce->p, d) : EX_OK;
	if (rc == EX_OK)
		rc = cli_engine_open_rest(ctx, ce, o, d);
	struct diag_warnings ready;
	memset(&ready, 0, sizeof ready);
	ce->e.warnings = &ready;
	if (rc == EX_OK)
		rc = ce->e.ops->preflight(&ce->e, d);
	ce->e.warnings = NULL;
	cli_report_warnings(&ready);
	if (rc != EX_OK) {
		/* Nothing was sent; the state still records why, for status and the ticket. */
		if (ce->v) {
			struct diag d2;
			diag_clear(&d2);
			state_set_error(&ce->p.st, ce->e.err.code[0] ? ce->e.err.code : "ERROR", d->msg);
			profile_save_state(&ce->p, &d2);
		}
		return cli_report(d);
	}
	return EX_OK;
}

/* What the rotation did, as JSON or as text with the files written and the next step. */
static int connect_print_result(const struct cli_ctx *ctx, const struct cli_engine *ce,
                                struct rotation_report *r)
{
	cli_report_warnings(&r->warnings);
	if (ctx->json)
		return cli_engine_print_json(
		    ce, ce->e.ops->name, &r->files,
		    json_pack("{s:b,s:b}", "already_done", r->already_done, "resumed", r->resumed));
	if (r->already_done)
		printf(_("Profile %s was already connected.\n"), ce->p.name);
	else if (r->pending_worked)
		printf(_("Resumed: the HSM had already accepted the new user secret;\n"
		         "it is now the one in the vault.\n"));
	else if (r->resumed)
		printf(_("Resumed the interrupted connection.\n"));
	char text[1024];
	struct engine_text_args ta = {.engine = ce->e.ops->name, .profile = ce->p.name, .token = ce->e.token};
	if (!r->already_done && engine_text(ce->e.ops, ENGINE_TEXT_CONNECTED, &ta, text, sizeof text) == 0)
		fputs(text, stdout);
	for (size_t i = 0; i < r->files.n; i++)
		printf("%s: %s\n", r->files.what[i], r->files.path[i]);
	if (!r->config_written)
		printf(_("Next: hsm-onboard --profile %s config --output DIR\n"), ce->p.name);
	return EX_OK;
}

/* The exchange itself (rotation_run), then its report. */
static int connect_rotate(struct cli_ctx *ctx, struct cli_engine *ce, const struct cli_engine_opts *o,
                          struct diag *d)
{
	struct rotation_report r;
	memset(&r, 0, sizeof r);
	int rc = rotation_run(&ce->p, ce->v, &ce->e, o->output, &r, d);
	rc = rc == EX_OK ? connect_print_result(ctx, ce, &r) : cli_report(d);
	rotation_report_free(&r);
	return rc;
}

/* The phases in order; each reports its own failure, and the profile is closed in one place. */
int cli_connect(struct cli_ctx *ctx, int argc, char **argv)
{
	struct cli_engine_opts o;
	struct cli_engine ce;
	struct diag d;
	int rc = cli_engine_begin(ctx, "connect", argc, argv, NULL, &o, &ce, &d);
	if (rc != EX_OK)
		return rc;
	struct state *st = &ce.p.st;

	if (rotation_is_done(st) && (!o.output || rotation_is_configured(st))) {
		rc = connect_already_done(ctx, &ce);
		goto out;
	}
	if ((rc = connect_choose_engine(&ce, &o, &d)) != EX_OK)
		goto out;
	if (rotation_check_handed_over(st, &d) != EX_OK) {
		rc = cli_report(&d);
		goto out;
	}
	int needs_change = !rotation_has_secret(st);
	int retry = rotation_refusal_blocks(st);
	if (retry && (rc = connect_confirm_retry(ctx, &o, st, &d)) != EX_OK)
		goto out;
	if (needs_change && (rc = connect_confirm_change(ctx, &o, st)) != EX_OK)
		goto out;
	if ((rc = connect_prepare(ctx, &ce, &o, needs_change, &d)) != EX_OK)
		goto out;
	/* Cleared only now, after the preflight: a transient error before it must not use up the retry. */
	if (retry && (rc = rotation_retry_refused(&ce.p, &d)) != EX_OK) {
		rc = cli_report(&d);
		goto out;
	}
	rc = connect_rotate(ctx, &ce, &o, &d);
out:
	cli_engine_close(&ce);
	return rc;
}
