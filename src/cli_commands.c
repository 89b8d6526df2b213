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

	/* area: wizard (issue 7) */
	{"wizard", cli_wizard, "", N_("guided onboarding in the terminal (ncurses), resumable"),
	 N_("With --profile NAME it resumes that profile at the step it reached. It\n"
	    "watches the download folder (XDG_DOWNLOAD_DIR, else ~/Downloads).\n"
	    "It needs a terminal.\n")},
	{"demo", cli_demo, N_("[--keep]"), N_("the whole onboarding on a throwaway SoftHSM2 token, in the wizard"),
	 N_("      --keep               keep the demo directory afterwards\n"
	    "Creates a private temporary directory with a SoftHSM2 token, invented credential\n"
	    "files and a demo profile, then runs the wizard on them. Nothing outside that\n"
	    "directory is touched.\n")},

	{NULL, NULL, NULL, NULL, NULL},
};
