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

int cli_ticket(struct cli_ctx *ctx, int argc, char **argv)
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
	enum ticket_format format = TICKET_FORMAT_TEXT;
	int want_qr = 0, want_print = 0, force = 0, ascii = ctx->ascii, format_given = 0, want_log = 0, c;
	const char *output = NULL, *ppin = NULL;
	struct ticket_options o;
	memset(&o, 0, sizeof o);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (ticket_format_parse(optarg, &format) != 0)
				return cli_usage_error("ticket", _("--format: '%s' is not text, markdown or json"), optarg);
			format_given = 1;
			break;
		case 'q': want_qr = 1; break;
		case 'a': ascii = 1; break;
		case 'o': output = optarg; break;
		case 'p': want_print = 1; break;
		case 'r': o.contract = optarg; break;
		case 'n': o.contact = optarg; break;
		case 'F': force = 1; break;
		case 'L': want_log = 1; break;
		case 'P': ppin = optarg; break;
		default: return cli_usage_error("ticket", "%s", _("unknown option"));
		}
	}
	if (optind < argc)
		return cli_usage_error("ticket", _("unexpected argument '%s'"), argv[optind]);
	/* --output - is standard output, as for every tool that writes files. */
	int to_stdout = output && strcmp(output, "-") == 0;
	if (to_stdout)
		output = NULL;
	/* --json asks for the json format; another explicit format is a contradiction, not a choice. */
	if (ctx->json && format_given && format != TICKET_FORMAT_JSON)
		return cli_usage_error("ticket", "%s", _("--json conflicts with --format text or markdown"));
	if (ctx->json)
		format = TICKET_FORMAT_JSON;
	if (want_qr && format == TICKET_FORMAT_JSON)
		return cli_usage_error("ticket", "%s", _("--qr applies to the text and markdown formats"));

	char *name = NULL;
	struct profile p;
	struct diag d;
	memset(&p, 0, sizeof p);
	p.lock_fd = -1;
	diag_clear(&d);
	int rc = cli_profile_name(ctx, &name, &d);
	if (rc != EX_OK)
		return cli_report(&d);
	rc = profile_open(name, PROFILE_NEED_STATE, &p, &d);
	if (rc != EX_OK) {
		free(name);
		if (p.name)
			profile_close(&p);
		return cli_report(&d);
	}

	/* The hosts come from the installed cluster table; without it the ticket says "unknown". */
	struct cluster_table table = {0};
	if (p.st.cluster) {
		struct diag cd;
		diag_clear(&cd);
		if (clusters_load(NULL, &table, &cd) == EX_OK) {
			const struct cluster *cl = clusters_find(&table, p.st.cluster);
			if (cl) {
				o.hosts = (const char *const *)cl->hosts;
				o.n_hosts = cl->n_hosts;
			}
		} else {
			cli_warning(_("the ticket names no hosts: %s"), cd.msg);
		}
	}

	/* The log since the setup password's date of issue (the partition's first days are in it), else
	 * of the last 8 days; a failure is said in the ticket and here, and the ticket is still made. */
	char *log = NULL;
	struct diag ld;
	diag_clear(&ld);
	if (want_log) {
		char work[PATH_MAX];
		snprintf(work, sizeof work, "%s/primus", p.dir);
		time_t since = p.st.issued ? p.st.issued : time(NULL) - 8 * 86400;
		int lrc;
		if (p.st.engine.engine && strcmp(p.st.engine.engine, "primus") != 0)
			lrc = diag_set(&ld, EX_UNAVAILABLE,
			               _("the profile uses the %s engine; ppin needs the primus engine"),
			               p.st.engine.engine);
		else
			lrc = engine_primus_fetch_log(ppin ? ppin : p.st.engine.ppin, work, p.st.hsm_user, since, &log,
			                              &ld);
		if (lrc != EX_OK) {
			o.partition_log_error = ld.msg;
			cli_warning(_("partition log not available: %s"), ld.msg);
		}
		o.partition_log = log;
	}

	struct expiry ex;
	o.profile = name;
	o.generated = time(NULL);
	expiry_compute(&p.st, o.generated, &ex);

	char *doc = NULL, *text = NULL;
	size_t text_len = 0;
	rc = ticket_render(&p.st, &ex, &o, format, &doc, &d);
	if (rc != EX_OK) {
		cli_report(&d);
		goto out;
	}
	/* Draw colours only for a ticket that goes to the terminal and nowhere else. */
	int tty = !output && !want_print && isatty(STDOUT_FILENO);
	FILE *f = open_memstream(&text, &text_len);
	if (!f) {
		rc = EX_OSERR;
		goto out;
	}
	fputs(doc, f);
	if (want_qr && (rc = ticket_add_qr(f, &p.st, &ex, &o, format, ascii, tty)) != EX_OK) {
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0) {
		rc = EX_OSERR;
		goto out;
	}

	if (output) {
		/* The user names this file, maybe in a shared directory: a random temp name, and an existing
		 * file (perhaps an earlier ticket to compare with) is kept unless --force says otherwise. */
		rc = ticket_save(output, text, text_len, force, &d);
		if (rc != EX_OK) {
			cli_report(&d);
			goto out;
		}
		fprintf(stderr, _("Ticket written to %s"), output);
		fputc('\n', stderr);
	}
	if (want_print) {
		rc = ticket_print(text, text_len);
		if (rc != EX_OK)
			goto out;
		fprintf(stderr, "%s\n", _("Ticket sent to lp"));
	}
	if ((!output && !want_print) || to_stdout) {
		fwrite(text, 1, text_len, stdout);
		if (fflush(stdout) != 0) {
			cli_error(_("writing the ticket: %s"), strerror(errno));
			rc = EX_IOERR;
		}
	}
out:
	free(log);
	clusters_free(&table);
	free(doc);
	free(text);
	profile_close(&p);
	free(name);
	return rc;
}
