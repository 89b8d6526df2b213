/* cli_commands.c: the command table. The order here is the order of `hsm-onboard --help`. */
#include "config.h"

#include "cli.h"
#include "i18n.h"

#include <stddef.h>

const struct cli_command cli_commands[] = {
	/* Credential files */
	{"inspect", cli_inspect, N_("[OPTION]... FILE..."),
	 N_("check credential files; show their fields, secrets only as a length"),
	 N_("Shows each file's kind, the facts in its name and its non-secret fields;\n"
	    "each secret only as \"present, N characters\". Given a service file and a\n"
	    "technical (hsm) file, says whether they belong together (same HSM User Name).\n"
	    "Says which order channels the files may come from, and what each means.\n"
	    "Nothing is imported or changed.\n"
	    "      --cluster NAME  warn when the tier in a file name does not run on it\n"
	    "      --json    print one JSON document (a common option)\n"
	    "Exit status: 0 all files valid, 65 a file is invalid, 66 a file cannot be read.\n"), 0},

	/* Profiles and vault */
	{"import", cli_import, N_("[OPTION]... FILE..."),
	 N_("import credential files into encrypted profiles, all or nothing"),
	 N_("      --tier T             SBX, ECO, ECO-CC or PLATINUM; needed when the file\n"
	    "                           names do not tell the tier\n"
	    "      --service-type S     standard, tsbaas-multi or tsbaas-dedicated\n"
	    "      --api API            pkcs11, jce (also BYOK), cng or rest: how the setup\n"
	    "                           password is exchanged (see 'connect')\n"
	    "      --issued DATE        date of issue, YYYY-MM-DD (default: the file name's)\n"
	    "      --renew              replace a different setup password (renewal ticket)\n"
	    "      --shred              overwrite and delete the plaintext files afterwards\n"), 0},
	{"secrets", cli_secrets, N_("[--json]"), N_("list the secrets the profile's vault holds (never their values)"), "", 0},
	{"forget", cli_forget, N_("[OPTION]..."), N_("delete a profile, overwriting its vault first"),
	 N_("  -y, --yes                  delete without asking\n"
	    "      --discard-user-secret  delete even a profile whose rotation has started\n"
	    "                             (its vault may hold the only user secret)\n"), 0},

	/* Countdown and ticket */
	{"status", cli_status, N_("[OPTION]..."),
	 N_("show each profile's setup-password countdown (no passphrase needed)"),
	 N_("      --format FORMAT      text (the default), json, nagios or openmetrics\n"
	    "      --json               the same as --format json: times in ISO 8601 UTC\n"
	    "      --check              the same as --format nagios: one line for Nagios or\n"
	    "                           Icinga; exit 0 OK, 1 WARNING (under 48 h left),\n"
	    "                           2 CRITICAL (under 12 h left, or expired), 3 UNKNOWN\n"
	    "      --output FILE        write to FILE atomically (openmetrics: for the\n"
	    "                           node_exporter textfile collector)\n"), CLI_SECMEM_NEVER},
	{"mark-used", cli_mark_used, N_("[--at TIME]"),
	 N_("record an earlier use of the setup password (SBX, ECO, PLATINUM)"),
	 N_("      --at TIME            when: ISO 8601 (2026-11-24T09:30:00Z) or local\n"
	    "                           'YYYY-MM-DD HH:MM'; default now, never in the future\n"), 0},
	{"ticket", cli_ticket, N_("[OPTION]..."),
	 N_("make a support ticket for a setup-password renewal (no secrets)"),
	 N_("      --format FORMAT      text (the default), markdown, or json\n"
	    "      --qr                 add a QR code of a short summary (ASCII with --ascii)\n"
	    "      --output FILE        write the ticket to FILE, atomically; an existing\n"
	    "                           FILE is kept unless --force is given\n"
	    "      --force              let --output replace an existing FILE\n"
	    "      --print              send the ticket to the printer with lp (CUPS)\n"
	    "      --contract REF       the contract or offer reference\n"
	    "      --contact NAME       who support should contact\n"
	    "      --partition-log      add the partition's HSM log (ppin --fetchlog, no\n"
	    "                           secret), when the HSM configuration allows it\n"
	    "      --ppin PATH          the ppin tool for --partition-log (default: the\n"
	    "                           profile's, then /usr/local/primus/bin/ppin)\n"), 0},

	/* Engines and rotation */
	{"doctor", cli_doctor, N_("[OPTION]..."),
	 N_("check that this machine is ready for the Primus exchange"),
	 N_("  --ppin PATH         the ppin tool (default: the profile's, then\n"
	    "                      /usr/local/primus/bin/ppin, then a trusted one on PATH)\n"
	    "  --module PATH       the provider's library (default: PRIMUS_HOME/lib/\n"
	    "                      libprimusP11.so)\n"
	    "  --primus-home DIR   where the provider's templates are (DIR/etc; default: the\n"
	    "                      folder above ppin's bin/, else /usr/local/primus)\n"
	    "  --group GROUP       the provider files will be shared with GROUP\n"
	    "      --json          print one JSON document (a common option)\n"
	    "Checks ppin and its version (1.8.1 or later; 1.8.4 for SECUROSYS_PKCS11_CONF),\n"
	    "the library, the group primus, the templates, the clock and, with --profile,\n"
	    "the cluster. connect and the wizard run the same checks first.\n"
	    "Exit status: 0 ready (warnings allowed), 69 something refuses the exchange.\n"), 0},
	{"connect", cli_connect, N_("[--engine ENGINE] [OPTION]..."),
	 N_("first connection: exchange the setup password (point of no return)"),
	 N_("  --engine ENGINE     primus (the default for Securosys PKCS#11) or\n"
	    "                      pkcs11 (a generic token) or jce; remembered in the profile\n"
	    "  --module PATH       the PKCS#11 module, loaded through p11-kit (primus:\n"
	    "                      default /usr/local/primus/lib/libprimusP11.so;\n"
	    "                      jce: primus-tools.jar, run with java from PATH)\n"
	    "  --token-label L     the token label (default: the HSM User Name)\n"
	    "  --slot N            the slot id instead of the label\n"
	    "  --ppin PATH         primus: the ppin tool (default:\n"
	    "                      /usr/local/primus/bin/ppin, then PATH)\n"
	    "  --endpoint HOST     primus: an HSM host (repeat it; default: the cluster's)\n"
	    "  --output DIR        also write the provider configuration into DIR; primus:\n"
	    "                      a DIR with another partition's files gets this one added\n"
	    "                      (the next free slot id, one .secrets.cfg)\n"
	    "  --group GROUP       share the provider files with GROUP (e.g. primus),\n"
	    "                      mode 0640; default owner-only (0600)\n"
	    "  --client-id ID      primus: the slot's client_id, shown in the HSM log\n"
	    "                      (default HSMUSER@hostname)\n"
	    "  --force             write into an --output folder others own or may write,\n"
	    "                      and replace provider files in DIR that hold other\n"
	    "                      partitions' secrets, keeping a dated 0600 backup\n"
	    "  --pin-length N      pkcs11: length of the new user secret, 16 to 64 (default\n"
	    "                      31: libp11 and the OpenSSL 3 pkcs11-provider read at\n"
	    "                      most 31 characters of a PIN; a longer one fits neither)\n"
	    "  --retry-refused     send a setup password the HSM refused once more\n"
	    "  --primus-home DIR   primus: where the provider's templates are (doctor)\n"
	    "primus first runs the checks of 'doctor', then ppin -p, ppin -a (setup\n"
	    "password, then PKCS#11 password, typed at its prompts on a pseudo-terminal),\n"
	    "ppin -t, and keeps .secrets.cfg and primus.cfg in the vault.\n"
	    "Without --yes it asks to type 'yes' on the terminal; off a terminal it needs\n"
	    "--yes. "
"Running it again resumes an interrupted connection; on a connected\n"
	    "profile it does nothing.\n"), 0},
	{"verify", cli_verify, N_("[OPTION]..."), N_("log in as an application does and report"),
	 N_("  The engine options of connect are accepted and override the profile's.\n"
	    "  primus: ppin -t, then C_Login with the PKCS#11 password through the\n"
	    "  provider's library; pkcs11: C_Login with the stored user secret.\n"), 0},
	{"config", cli_config, N_("[OPTION]..."),
	 N_("write the provider configuration for applications into DIR"),
	 N_("  --output DIR   pkcs11: DIR/pkcs11.uri (RFC 7512) and DIR/pkcs11.pin (0600);\n"
	    "                 primus: DIR/primus.cfg and DIR/.secrets.cfg (0600)\n"
	    "  --group GROUP  primus: share them with GROUP (e.g. primus), mode 0640\n"
	    "  --system       primus, as root: into /etc/primus, group primus, mode 0640\n"
	    "  --force        also into a folder others own or may write, and replace\n"
	    "                 files that hold other partitions' secrets, keeping a dated\n"
	    "                 0600 backup (without it: refused, exit 77 or 73)\n"
	    "  --for TARGET   also the files of a client (repeatable): libp11, openssl3,\n"
	    "                 env, vault, openbao, tsb, xks, ksp; DIR/README.txt says what\n"
	    "                 to keep secret\n"
	    "  --blinded-secret  tsb, xks after connect: the blinded user secret as\n"
	    "                 setupPassword (not in their docs; before connect: the setup\n"
	    "                 password)\n"
	    "  --list         the targets that fit the profile, with their docs page\n"
	    "  Default DIR: the folder written last, else ~/.config/hsm-onboard/PROFILE\n"
	    "  ($XDG_CONFIG_HOME). The paths are printed, never the secret.\n"), 0},
	{"restore", cli_restore, N_("--output DIR [--group GROUP]"),
	 N_("write the vault's copy of .secrets.cfg and primus.cfg into DIR"),
	 N_("  --output DIR   where to write them (created 0700 if missing)\n"
	    "  --group GROUP  share them with GROUP (e.g. primus), mode 0640;\n"
	    "                 default owner-only (0600)\n"
	    "  --force        also into a folder others own or may write, and replace\n"
	    "                 files that hold other partitions' secrets, keeping a dated\n"
	    "                 0600 backup (without it: refused, exit 77 or 73)\n"
	    "  .secrets.cfg holds the permanent secret ppin fetched: keep it safe.\n"
	    "  primus.cfg is merged: other partitions' entries stay.\n"), 0},

	/* Network */
	{"clusters", cli_clusters, N_("[--file FILE]"), N_("list the CloudHSM clusters, their hosts and ports"),
	 N_("      --file FILE        read this cluster table instead of the installed one\n"), 0},
	{"check", cli_check, N_("[OPTION]..."),
	 N_("check the cluster endpoints and the TSBaaS API (JWT or mutual TLS)"),
	 N_("      --timeout S        seconds per endpoint; all run at once (default 5)\n"
	    "      --endpoint HOST:PORT  check this endpoint (repeatable)\n"
	    "      --cluster NAME     check this cluster's hosts (see 'clusters')\n"
	    "      --api API          pkcs11 (2310), jce (2300), cng (2320), rest (443)\n"
	    "      --tls              also make a TLS handshake (always on port 443)\n"
	    "      --api-endpoint URL TSBaaS: GET URL/v1/versionInfo with the JWT\n"
	    "      --cert FILE        mutual TLS (dedicated TSBaaS) with this certificate\n"
	    "      --key FILE         its private key (mode 0600; default: the --cert file)\n"
	    "Exit status: 0 when every endpoint is ok, 69 otherwise.\n"), 0},
	{"fetch", cli_fetch, N_("[OPTION]... URL..."), N_("download credential files over HTTPS and import them"),
	 N_("      --timeout S        give up a transfer after S seconds (default 120)\n"
	    "      --tier TIER        SBX, ECO, ECO-CC or PLATINUM, as for 'import'\n"
	    "      --service-type TYPE  standard, tsbaas-multi or tsbaas-dedicated\n"), 0},
	{"watch", cli_watch, N_("[OPTION]... [DIR]"),
	 N_("import credential files as they appear in the download folder"),
	 N_("      --timeout S        stop after S seconds (default: never)\n"
	    "      --shred            overwrite and delete each file after its import\n"
	    "      --tier TIER        SBX, ECO, ECO-CC or PLATINUM, as for 'import'\n"
	    "      --service-type TYPE  standard, tsbaas-multi or tsbaas-dedicated\n"), 0},

	/* Wizard */
	{"wizard", cli_wizard, "", N_("guided onboarding in the terminal (ncurses), resumable"),
	 N_("With --profile NAME it resumes that profile at the step it reached. It\n"
	    "watches the download folder (XDG_DOWNLOAD_DIR, else ~/Downloads).\n"
	    "It needs a terminal.\n"),
	 CLI_SECMEM_OWN},
	{"demo", cli_demo, N_("[OPTION]..."), N_("the whole onboarding on a throwaway SoftHSM2 token, in the wizard"),
	 N_("      --keep               keep the demo directory afterwards\n"
	    "      --api API            pkcs11 (default) or jce: the JCE path, with a\n"
	    "                           stand-in for Primus Tools\n"
	    "Creates a private temporary directory with a SoftHSM2 token, invented credential\n"
	    "files and a demo profile, then runs the wizard on them. Nothing outside that\n"
	    "directory is touched.\n"), 0},

	{NULL, NULL, NULL, NULL, NULL, 0},
};
