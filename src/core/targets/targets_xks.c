/* targets_xks.c: the xks target, the XKS proxy's hsm: block (targets.h). */
#include "config.h"

#include "targets_common.h"

#include "i18n.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

const struct target target_xks = {"xks", "xks/Installation/Installation",
                                  N_("XKS proxy for AWS KMS: the hsm: block of application.yaml"),
                                  N_("XKS proxy for AWS KMS"), TARGET_FITS_JCE};

/* The XKS proxy's hsm: keys, after the header. */
void tg_xks_body(struct tg_sec *b, const struct targets_input *in, const char *port)
{
	tg_sec_add(
	    b,
	    "# Securosys XKS proxy for AWS KMS: the hsm: block of config-files/application.yaml, written\n"
	    "# by hsm-onboard. Layout: Securosys docs, xks/Installation/Installation (4. Configure the\n"
	    "# Securosys XKS proxy). Put these keys into the hsm: block of that file; the aws: and server:\n"
	    "# blocks are yours to fill. It holds secrets (setupPassword, proxyPassword): keep this file and\n"
	    "# application.yaml mode 0600.\n"
	    "# host and port: one line each, in the same order, the master first (high availability).\n",
	    0);
	tg_sec_add(
	    b,
	    in->handover
	        ? "# setupPassword: the setup password of the hsm file, as the docs say: the proxy exchanges it\n"
	          "# at its first connection and keeps the credentials in its hidden encrypted .secret file.\n"
	          "# hsm-onboard made no exchange. Keep that .secret file: losing it after the setup password\n"
	          "# expired means a paid renewal. The 7 days start at the proxy's first connection: record\n"
	          "# that time with 'hsm-onboard mark-used'.\n"
	        : "# setupPassword: the blinded permanent secret hsm-onboard fetched (--blinded-secret). This\n"
	          "# route is NOT in the XKS docs, which name the setup password here; the JCE login takes the\n"
	          "# blinded secret in place of it (jce/Tutorials/LoginSample).\n",
	    0);
	tg_sec_add(b,
	           "hsm:\n"
	           "  attestationKeyName: 'attestation-key'\n"
	           "  host:\n",
	           0);
	for (size_t i = 0; i < in->n_hosts; i++) {
		tg_sec_add(b, "    - ", 0);
		tg_sec_add(b, in->hosts[i], 1);
		tg_sec_add(b, "\n", 0);
	}
	tg_sec_add(b, "  port:\n", 0);
	for (size_t i = 0; i < in->n_hosts; i++) {
		tg_sec_add(b, "    - ", 0);
		tg_sec_add(b, port, 1);
		tg_sec_add(b, "\n", 0);
	}
	tg_sec_setting(b, "  ", "user", in->st->hsm_user);
	tg_sec_setting(b, "  ", "setupPassword", in->pin);
}
