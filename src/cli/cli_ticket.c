/* cli_ticket.c: `ticket`, the support-ticket summary, to stdout, a file (--output) or lp (--print).
 *
 * Only state.json is read: no passphrase is asked, and the vault is never opened, so the ticket cannot
 * carry a secret. --partition-log adds ppin --fetchlog's output, which takes no secret either
 * (doc/securosys-facts.md, section "ppin"). */
#include "config.h"

#include "cli.h"
#include "cli_passphrase.h"
#include "clusters.h"
#include "engine.h"
#include "expiry.h"
#include "i18n.h"
#include "orders.h"
#include "profile.h"
#include "qr.h"
#include "spawn.h"
#include "ticket.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

/* Sends text to lp on its stdin (fork/exec, no shell). */
static int ticket_print(const char *text, size_t len)
{
	char lp[PATH_MAX];
	if (!engine_find_program("lp", lp, sizeof lp)) {
		cli_error("%s", _("--print: 'lp' (the CUPS client) was not found in PATH; install the CUPS client "
		                  "(Debian: cups-client), or write the ticket with --output FILE and print that"));
		return EX_UNAVAILABLE;
	}
	fflush(stdout);
	/* lp's own output ("request id is ...") goes to the terminal; lp may exit before reading
	 * everything, and then the write error is reported below. */
	const char *const args[] = {"lp", "-t", "hsm-onboard support ticket", NULL};
	struct spawn_opts o = {.argv = args, .path = lp, .input = text, .input_len = len};
	struct spawn_result r;
	if (spawn_run(&o, &r) != 0) {
		int err = r.err;
		spawn_result_free(&r);
		if (r.failed == SPAWN_STAGE_WAIT)
			cli_error(_("--print: waiting for %s: %s"), lp, strerror(err));
		else if (r.failed == SPAWN_STAGE_STDIN)
			cli_error(_("--print: pipe: %s"), strerror(err));
		else
			cli_error(_("--print: fork: %s"), strerror(err));
		return EX_OSERR;
	}
	int write_err = r.input_errno;
	if (r.status == 127) {
		cli_error(_("--print: %s could not be run"), lp);
		return EX_UNAVAILABLE;
	}
	if (r.status != 0) {
		if (!r.signal)
			cli_error(_("--print: %s failed with exit status %d; the ticket was not printed"), lp, r.status);
		else
			cli_error(_("--print: %s was killed by signal %d; the ticket was not printed"), lp, r.signal);
		return EX_UNAVAILABLE;
	}
	if (write_err) {
		cli_error(_("--print: writing to %s: %s"), lp, strerror(write_err));
		return EX_IOERR;
	}
	return EX_OK;
}

/* Appends the QR code of the compact summary. On a terminal, half blocks get black-on-white colours so
 * a phone scans them whatever the terminal's own colours; files and printers get plain characters. */
static int ticket_add_qr(FILE *f, const struct state *st, const struct expiry *ex,
                         const struct ticket_options *o, enum ticket_format format, int ascii, int tty)
{
	struct diag d;
	char *summary = NULL;
	struct qr_text q;
	diag_clear(&d);
	if (ticket_qr_summary(st, ex, o, &summary, &d) != EX_OK)
		return cli_report(&d);
	int rc = qr_render(summary, ascii, &q, &d);
	free(summary);
	if (rc != EX_OK)
		return cli_report(&d);
	int colour = tty && !ascii && !getenv("NO_COLOR");
	fprintf(f, "\n%s\n", _("QR code of a summary (HSM user, tier, state, expiry, contract):"));
	if (format == TICKET_FORMAT_MARKDOWN)
		fputs("\n```\n", f);
	for (size_t i = 0; i < q.n_lines; i++)
		fprintf(f, "%s%s%s\n", colour ? "\033[30;107m" : "", q.lines[i], colour ? "\033[0m" : "");
	if (format == TICKET_FORMAT_MARKDOWN)
		fputs("```\n", f);
	qr_text_free(&q);
	return EX_OK;
}

/* What the command line asks for. */
struct ticket_args {
	enum ticket_format format;
	int want_qr, want_print, force, ascii, want_log;
	int to_stdout; /* --output -: standard output, besides --print */
	const char *output, *ppin;
	struct ticket_options o;
};

/* EX_OK, or a reported EX_USAGE. */
static int ticket_parse(struct cli_ctx *ctx, int argc, char **argv, struct ticket_args *a)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"qr", no_argument, NULL, 'q'},
	    {"ascii", no_argument, NULL, 'a'},
	    {"output", required_argument, NULL, 'o'},
	    {"print", no_argument, NULL, 'p'},
	    {"contract", required_argument, NULL, 'r'},
	    {"contact", required_argument, NULL, 'n'},
	    {"force", no_argument, NULL, 'F'},
	    {"partition-log", no_argument, NULL, 'L'},
	    {"ppin", required_argument, NULL, 'P'},
	    {NULL, 0, NULL, 0},
	};
	memset(a, 0, sizeof *a);
	a->format = TICKET_FORMAT_TEXT;
	a->ascii = ctx->ascii;
	int format_given = 0, c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (ticket_format_parse(optarg, &a->format) != 0)
				return cli_usage_error("ticket", _("--format: '%s' is not text, markdown or json"), optarg);
			format_given = 1;
			break;
		case 'q': a->want_qr = 1; break;
		case 'a': a->ascii = 1; break;
		case 'o': a->output = optarg; break;
		case 'p': a->want_print = 1; break;
		case 'r': a->o.contract = optarg; break;
		case 'n': a->o.contact = optarg; break;
		case 'F': a->force = 1; break;
		case 'L': a->want_log = 1; break;
		case 'P': a->ppin = optarg; break;
		default: return cli_usage_error("ticket", "%s", _("unknown option"));
		}
	}
	if (optind < argc)
		return cli_usage_error("ticket", _("unexpected argument '%s'"), argv[optind]);
	/* --output - is standard output, as for every tool that writes files. */
	a->to_stdout = a->output && strcmp(a->output, "-") == 0;
	if (a->to_stdout)
		a->output = NULL;
	/* --json asks for the json format; another explicit format is a contradiction, not a choice. */
	if (ctx->json && format_given && a->format != TICKET_FORMAT_JSON)
		return cli_usage_error("ticket", "%s", _("--json conflicts with --format text or markdown"));
	if (ctx->json)
		a->format = TICKET_FORMAT_JSON;
	if (a->want_qr && a->format == TICKET_FORMAT_JSON)
		return cli_usage_error("ticket", "%s", _("--qr applies to the text and markdown formats"));
	return EX_OK;
}

/* The hosts come from the installed cluster table (freed by the caller); without it the ticket says
 * "unknown". */
static void ticket_hosts(const struct state *st, struct cluster_table *table, struct ticket_options *o)
{
	if (!st->cluster)
		return;
	struct diag cd;
	diag_clear(&cd);
	if (clusters_load(NULL, table, &cd) != EX_OK) {
		cli_warning(_("the ticket names no hosts: %s"), cd.msg);
		return;
	}
	const struct cluster *cl = clusters_find(table, st->cluster);
	if (cl) {
		o->hosts = (const char *const *)cl->hosts;
		o->n_hosts = cl->n_hosts;
	}
}

/* The log since the setup password's date of issue (the partition's first days are in it), else of the
 * last 8 days; a failure is said in the ticket (through ld, which must outlive o) and here, and the
 * ticket is still made. Returns the log to free, or NULL. */
static char *ticket_partition_log(const struct profile *p, const char *ppin, struct ticket_options *o,
                                  struct diag *ld)
{
	char *log = NULL;
	char work[PATH_MAX];
	snprintf(work, sizeof work, "%s/primus", p->dir);
	time_t since = p->st.issued ? p->st.issued : time(NULL) - 8 * 86400;
	int lrc;
	if (!orders_has_ppin(&p->st))
		lrc = diag_set(ld, EX_UNAVAILABLE, _("the profile uses the %s engine; ppin needs the primus engine"),
		               p->st.engine.engine);
	else
		lrc = engine_primus_fetch_log(ppin ? ppin : p->st.engine.ppin, work, p->st.hsm_user, since, &log, ld);
	if (lrc != EX_OK) {
		o->partition_log_error = ld->msg;
		cli_warning(_("partition log not available: %s"), ld->msg);
	}
	o->partition_log = log;
	return log;
}

/* The whole ticket as the user will see it, QR code included, into *text (malloc'd). */
static int ticket_compose(const struct ticket_args *a, const struct state *st, const struct expiry *ex,
                          char **text, size_t *text_len)
{
	struct diag d;
	diag_clear(&d);
	char *doc = NULL;
	int rc = ticket_render(st, ex, &a->o, a->format, &doc, &d);
	if (rc != EX_OK)
		return cli_report(&d);
	/* Draw colours only for a ticket that goes to the terminal and nowhere else. */
	int tty = !a->output && !a->want_print && isatty(STDOUT_FILENO);
	FILE *f = open_memstream(text, text_len);
	if (!f) {
		free(doc);
		return EX_OSERR;
	}
	fputs(doc, f);
	free(doc);
	if (a->want_qr && (rc = ticket_add_qr(f, st, ex, &a->o, a->format, a->ascii, tty)) != EX_OK) {
		fclose(f);
		return rc;
	}
	return fclose(f) == 0 ? EX_OK : EX_OSERR;
}

/* To --output, to lp (--print), and to standard output when neither or --output - is asked for. */
static int ticket_deliver(const struct ticket_args *a, const char *text, size_t text_len)
{
	int rc = EX_OK;
	if (a->output) {
		/* The user names this file, maybe in a shared directory: a random temp name, and an existing
		 * file (perhaps an earlier ticket to compare with) is kept unless --force says otherwise. */
		struct diag d;
		diag_clear(&d);
		rc = ticket_save(a->output, text, text_len, a->force, &d);
		if (rc != EX_OK) {
			cli_report(&d);
			return rc;
		}
		fprintf(stderr, _("Ticket written to %s"), a->output);
		fputc('\n', stderr);
	}
	if (a->want_print) {
		rc = ticket_print(text, text_len);
		if (rc != EX_OK)
			return rc;
		fprintf(stderr, "%s\n", _("Ticket sent to lp"));
	}
	if ((!a->output && !a->want_print) || a->to_stdout) {
		fwrite(text, 1, text_len, stdout);
		if (fflush(stdout) != 0) {
			cli_error(_("writing the ticket: %s"), strerror(errno));
			rc = EX_IOERR;
		}
	}
	return rc;
}

int cli_ticket(struct cli_ctx *ctx, int argc, char **argv)
{
	struct ticket_args a;
	int rc = ticket_parse(ctx, argc, argv, &a);
	if (rc != EX_OK)
		return rc;
	char *name = NULL;
	struct profile p;
	struct diag d;
	memset(&p, 0, sizeof p);
	p.lock_fd = -1;
	diag_clear(&d);
	rc = cli_profile_name(ctx, &name, &d);
	if (rc != EX_OK)
		return cli_report(&d);
	rc = profile_open(name, PROFILE_NEED_STATE, &p, &d);
	if (rc != EX_OK) {
		free(name);
		if (p.name)
			profile_close(&p);
		return cli_report(&d);
	}
	struct cluster_table table = {0};
	ticket_hosts(&p.st, &table, &a.o);
	char *log = NULL;
	struct diag ld;
	diag_clear(&ld);
	if (a.want_log)
		log = ticket_partition_log(&p, a.ppin, &a.o, &ld);

	struct expiry ex;
	a.o.profile = name;
	a.o.generated = time(NULL);
	expiry_compute(&p.st, a.o.generated, &ex);
	char *text = NULL;
	size_t text_len = 0;
	rc = ticket_compose(&a, &p.st, &ex, &text, &text_len);
	if (rc == EX_OK)
		rc = ticket_deliver(&a, text, text_len);
	free(log);
	clusters_free(&table);
	free(text);
	profile_close(&p);
	free(name);
	return rc;
}
