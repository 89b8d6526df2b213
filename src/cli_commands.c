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
	{"connect", cli_connect, N_("--engine ENGINE [OPTION]..."),
	 N_("first connection: replace the setup password with a new user secret (point of no return)"),
	 N_("  --engine ENGINE     pkcs11 or primus (remembered in the profile)\n"
	    "  --module PATH       pkcs11: the PKCS#11 module, loaded through p11-kit\n"
	    "  --token-label L     pkcs11: the token label (default: the HSM User Name)\n"
	    "  --slot N            pkcs11: the slot id instead of the label\n"
	    "  --ppin PATH         primus: the ppin tool (default: found in PATH)\n"
	    "  --endpoint HOST     primus: an HSM host (repeat it; default: the cluster's)\n"
	    "  --output DIR        also write the provider configuration into DIR\n"
	    "Without --yes it asks to type 'yes' on the terminal; off a terminal it needs\n"
	    "--yes. "
"Running it again resumes an interrupted connection; on a connected\n"
	    "profile it does nothing.\n")},
	{"verify", cli_verify, N_("[OPTION]..."), N_("log in with the stored user secret and report"),
	 N_("  The engine options of connect are accepted and override the profile's.\n")},
	{"config", cli_config, N_("--output DIR [OPTION]..."),
	 N_("write the provider configuration for applications into DIR"),
	 N_("  --output DIR   pkcs11: DIR/pkcs11.uri (RFC 7512) and DIR/pkcs11.pin (0600);\n"
	    "                 primus: DIR/primus.cfg and DIR/.secrets.cfg (0600)\n"
	    "  The paths are printed, never the secret.\n")},

	/* area: network (issue 6) */

	/* area: wizard (issue 7) */

	{NULL, NULL, NULL, NULL, NULL},
};
