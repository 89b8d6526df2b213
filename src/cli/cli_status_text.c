/* cli_status_text.c: `status` for people: two lines a profile, translated, local times. Every string
 * from state.json (a person may have edited it, and the HSM user may come from a file name) is shown
 * through quote_c, as inspect shows them: an escape sequence or a bidi control is never sent raw to
 * the terminal. */
#include "config.h"

#include "cli.h"
#include "cli_status.h"
#include "i18n.h"
#include "quote.h"

#include <stdio.h>
#include <sysexits.h>

int cli_status_write_text(FILE *out, const struct status_report *r)
{
	int rc = cli_status_report_errors(r);
	for (size_t i = 0; i < r->n; i++) {
		const struct status_row *row = &r->rows[i];
		if (row->rc != EX_OK)
			continue;
		const struct state *st = &row->st;
		char words[512];
		cli_status_words(&row->ex, words, sizeof words);
		fprintf(out, _("%s: HSM user %s, %s, %s, step %s"), quote_c(row->name),
		        st->hsm_user ? quote_c(st->hsm_user) : _("unknown"),
		        st->tier ? state_tier_name(st->tier) : _("tier unknown"),
		        st->service_type ? state_service_type_name(st->service_type) : _("service type unknown"),
		        state_step_name(st->step));
		/* The cluster and API the subscription step chose, as the wizard's Review and Done show. */
		fputs("\n  ", out);
		fprintf(out, _("cluster %s, API %s"), st->cluster ? quote_c(st->cluster) : "-",
		        st->api ? state_api_name(st->api) : "-");
		fputs("\n  ", out);
		fprintf(out, _("setup password: %s"), words);
		if (st->engine.config_dir) {
			const char *names[16];
			size_t n = cli_status_sharing(r, i, names, 16);
			fputs("\n  ", out);
			fprintf(out, _("provider files: %s"), st->engine.config_dir);
			for (size_t k = 0; k < n; k++)
				fprintf(out, k ? ", %s" : _(" (shared with profile %s"), names[k]);
			if (n)
				fputc(')', out);
		}
		fputc('\n', out);
	}
	if (r->n == 0)
		fprintf(out, "%s\n",
		        _("No profile yet. Import the credential files with 'hsm-onboard import FILE...'."));
	return rc;
}
