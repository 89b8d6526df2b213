/* targets_tsb.c: the tsb target, TSB's hsm: block (targets.h). */
#include "config.h"

#include "targets_common.h"

#include "i18n.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

const struct target target_tsb = {"tsb", "tsb/Installation/On-Premise-Installation",
                                  N_("Transaction Security Broker: the hsm: block of application-local.yml"),
                                  N_("Transaction Security Broker (TSB)"), TARGET_FITS_JCE};

/* TSB's hsm: keys, after the header (the file's layout: doc/securosys-facts.md, "JCE, TSB and XKS"). */
void tg_tsb_body(struct tg_sec *b, const struct targets_input *in, const char *port, const char *enc)
{
	tg_sec_add(
	    b,
	    "# Transaction Security Broker (TSB): the hsm: block of config-files/application-local.yml,\n"
	    "# written by hsm-onboard. Layout: Securosys docs, tsb/Installation/On-Premise-Installation\n"
	    "# (5.1.2 application-local.yml, 7 Proxy Service for HSMaaS). Put these keys into the hsm: block\n"
	    "# of that file and keep its other settings. It holds secrets (setupPassword, encryptionPassword,\n"
	    "# proxyPassword): keep this file and application-local.yml mode 0600.\n"
	    "# host: ';' makes TSB try the master first and the clones in order (',' would pick one at "
	    "random).\n",
	    0);
	tg_sec_add(
	    b,
	    in->handover
	        ? "# setupPassword: the setup password of the hsm file, as the docs say: at its first start TSB\n"
	          "# uses it to obtain the permanent secret and keeps that secret in its database, encrypted\n"
	          "# with encryptionPassword. hsm-onboard made no exchange. The 7 days start when TSB first\n"
	          "# logs in: record that time with 'hsm-onboard mark-used'.\n"
	          "# encryptionPassword: random. Keep TSB's database and this password together: losing them\n"
	          "# after the setup password expired means a paid renewal.\n"
	        : "# setupPassword: the blinded permanent secret hsm-onboard fetched (--blinded-secret). This\n"
	          "# route is NOT in the TSB docs, which name the setup password here; the JCE login takes the\n"
	          "# blinded secret in place of it (jce/Tutorials/LoginSample).\n"
	          "# encryptionPassword: random; keep it once TSB has started, it encrypts TSB's copy of the\n"
	          "# secret.\n",
	    0);
	tg_sec_add(b, "hsm:\n", 0);
	/* One quoted string: every host, separated by ';' (checked free of ',', ';' and quotes). */
	tg_sec_add(b, "  host: '", 0);
	for (size_t i = 0; i < in->n_hosts; i++) {
		tg_sec_add(b, i ? ";" : "", 0);
		tg_sec_add(b, in->hosts[i], 0);
	}
	tg_sec_add(b, "'\n", 0);
	tg_sec_setting(b, "  ", "port", port);
	tg_sec_setting(b, "  ", "user", in->st->hsm_user);
	tg_sec_setting(b, "  ", "setupPassword", in->pin);
	tg_sec_setting(b, "  ", "encryptionPassword", enc);
}
