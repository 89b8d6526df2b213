/* cli_commands.c: the command table. The order here is the order of `hsm-onboard --help`. */
#include "config.h"

#include "cli.h"
#include "i18n.h"

#include <stddef.h>

const struct cli_command cli_commands[] = {
	/* area: credential files (issue 2) */
	{"inspect", cli_inspect, N_("FILE..."),
	 N_("Check credential files; show their fields, secrets only as a length"),
	 N_("Shows each file's kind, the facts in its name and its non-secret fields;\n"
	    "each secret only as \"present, N characters\". Given a service file and a\n"
	    "technical (hsm) file, says whether they belong together (same HSM User Name).\n"
	    "Nothing is imported or changed.\n"
	    "      --json    print one JSON document (a common option)\n"
	    "Exit status: 0 all files valid, 65 a file is invalid, 66 a file cannot be read.\n")},

	/* area: profiles and vault (issue 3) */

	/* area: countdown and ticket (issue 4) */

	/* area: engines and rotation (issue 5) */

	/* area: network (issue 6) */
	{"clusters", cli_clusters, N_("[--file FILE]"), N_("List the CloudHSM clusters, their hosts and ports"),
	 N_("      --file FILE        read this cluster table instead of the installed one\n")},
	{"check", cli_check, N_("[OPTION]..."),
	 N_("Check the cluster endpoints (DNS, TCP, TLS) and the TSBaaS JWT"),
	 N_("      --timeout S        seconds per endpoint; all run at once (default 5)\n"
	    "      --endpoint HOST:PORT  check this endpoint (repeatable)\n"
	    "      --cluster NAME     check this cluster's hosts (see 'clusters')\n"
	    "      --api API          pkcs11 (2310), jce (2300), cng (2320), rest (443)\n"
	    "      --tls              also make a TLS handshake (always on port 443)\n"
	    "      --api-endpoint URL TSBaaS: GET URL/v1/versionInfo with the JWT\n"
	    "Exit status: 0 when every endpoint is ok, 69 otherwise.\n")},
	{"fetch", cli_fetch, N_("[OPTION]... URL..."), N_("Download credential files over HTTPS and import them"),
	 N_("      --timeout S        give up a transfer after S seconds (default 120)\n")},
	{"watch", cli_watch, N_("[OPTION]... [DIR]"),
	 N_("Import credential files as they appear in the download folder"),
	 N_("      --timeout S        stop after S seconds (default: never)\n"
	    "      --shred            overwrite and delete each file after its import\n")},

	/* area: wizard (issue 7) */

	{NULL, NULL, NULL, NULL, NULL},
};
