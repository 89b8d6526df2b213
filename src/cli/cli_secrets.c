/* cli_secrets.c: `secrets`: which secrets the vault holds, never their values. */
#include "config.h"

#include "cli.h"
#include "cli_json.h"
#include "cli_passphrase.h"
#include "i18n.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

int cli_secrets(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{NULL, 0, NULL, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		return cli_usage_error("secrets", "%s", _("unknown option"));
	if (optind < argc)
		return cli_usage_error("secrets", _("unexpected argument '%s'"), argv[optind]);

	struct diag d;
	diag_clear(&d);
	struct profile p;
	int rc = cli_open_profile(ctx, PROFILE_LOCK, &p, &d);
	if (rc != EX_OK)
		return cli_report(&d);
	struct vault *v;
	rc = cli_open_vault(ctx, &p, &v, &d);
	if (rc != EX_OK) {
		profile_close(&p);
		return cli_report(&d);
	}
	if (ctx->json) {
		json_t *o = json_object(), *s = json_object();
		json_object_set_new(o, "profile", json_string(p.name));
		for (int i = 0; i < VAULT_LABEL_COUNT; i++)
			json_object_set_new(s, vault_label_name((enum vault_label)i),
			                    json_string(vault_get(v, (enum vault_label)i) ? "stored" : "missing"));
		json_object_set_new(o, "secrets", s);
		rc = cli_json_print(o);
	} else {
		printf(_("Profile %s, vault %s:\n"), p.name, p.vault_path);
		for (int i = 0; i < VAULT_LABEL_COUNT; i++)
			printf("  %-18s %s\n", vault_label_name((enum vault_label)i),
			       vault_get(v, (enum vault_label)i) ? _("stored") : _("missing"));
	}
	vault_close(v);
	profile_close(&p);
	return rc;
}
