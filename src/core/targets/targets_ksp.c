/* targets_ksp.c: the ksp target, the Windows KSP's connection settings and steps (targets.h). */
#include "config.h"

#include "targets_common.h"

#include "i18n.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

const struct target target_ksp = {
    "ksp", "mscng/Installation/Configuring, mscng/Installation/installation-CLI",
    N_("Microsoft CNG/KSP on Windows: the connection settings and the steps (no secret)"),
    N_("Microsoft CNG/KSP on Windows (no secret)"), TARGET_FITS_KSP};

/* The KSP's settings, as the Key Storage Provider Configuration tool asks for them
 * (mscng/Installation/Configuring): one HSM connection per host, port 2320, the HSM and proxy user
 * names. No password: the setup password is typed into the tool on the Windows machine, whose "Test
 * all Connections" fetches the permanent secret, encrypted for that machine only
 * (mscng/Installation/installation-CLI). The docs do not give KspCfg.ini's keys, so this is a list
 * to type in, not that file (doc/securosys-facts.md, "CNG on Windows"). */
int tg_ksp(const struct targets_input *in, const char *dir, struct filelist *out, struct diag *d)
{
	if (in->n_hosts == 0)
		return diag_set(d, EX_CONFIG, "%s",
		                _("no HSM host is known for this profile: choose the cluster in the wizard or give "
		                  "--endpoint HOST"));
	int rc = tg_plain(_("HSM user name"), in->st->hsm_user ? in->st->hsm_user : "", d);
	for (size_t i = 0; rc == EX_OK && i < in->n_hosts; i++)
		rc = tg_plain(_("host"), in->hosts[i], d);
	if (rc == EX_OK && in->st->service_user)
		rc = tg_plain(_("service user"), in->st->service_user, d);
	if (rc != EX_OK)
		return rc;
	char path[PATH_MAX + 40];
	struct tg_buf b = {0};
	tg_printf(&b, "%s",
	          _("# Securosys CNG/KSP: the HSM connections for the Key Storage Provider\n"
	            "# Configuration tool (SecurosysKspCfg.exe), written by hsm-onboard.\n"
	            "# No secret is in this file. Docs: mscng/Installation/Configuring,\n"
	            "# mscng/Installation/installation-CLI.\n"));
	for (size_t i = 0; i < in->n_hosts; i++) {
		tg_printf(&b, "\n[%s %zu]\n", _("HSM connection"), i + 1);
		tg_printf(&b, "Identifier = %s-%zu\n", in->st->hsm_user ? in->st->hsm_user : "hsm", i + 1);
		tg_printf(&b, "Hostname = %s\n", in->hosts[i]);
		tg_printf(&b, "Port = %d\n", in->port);
		tg_printf(&b, "Priority = %zu\n", i + 1);
		tg_printf(&b, "HSM Username = %s\n", in->st->hsm_user ? in->st->hsm_user : "");
		if (in->st->service_user)
			tg_printf(&b, "Proxy Username = %s\n", in->st->service_user);
	}
	snprintf(path, sizeof path, "%s/ksp-connections.txt", dir);
	rc = tg_write_buf(&b, path, 0644, out, _("CNG/KSP connection settings (no secret)"), d);
	if (rc != EX_OK)
		return rc;
	tg_printf(&b, "%s",
	          _("Securosys CNG/KSP on Windows: the steps (mscng/Installation/Configuring)\n\n"
	            "The setup password is exchanged on the Windows machine, not here: the\n"
	            "permanent secret the KSP fetches is encrypted for that machine only, and a\n"
	            "backup restored elsewhere needs a new setup password.\n\n"
	            "1. Install the CNG/KSP provider (setup_x64.msi;\n"
	            "   mscng/Installation/installation-GUI).\n"
	            "2. Start the Key Storage Provider Configuration tool:\n"
	            "   C:\\Program Files\\Securosys\\PrimusHsmKsp\\SecurosysKspCfg.exe\n"
	            "3. Click New for each HSM connection of ksp-connections.txt: Identifier,\n"
	            "   Hostname, Port (2320), Priority, the HSM Username with the setup\n"
	            "   password of the hsm file, and the Proxy Username with the service\n"
	            "   user's password.\n"
	            "4. Click \"Test all Connections\": it checks the connections and fetches\n"
	            "   the permanent secret. This is the first use of the setup password\n"
	            "   (the 7 days start).\n"
	            "5. Tell hsm-onboard that it happened: 'hsm-onboard mark-used' (or confirm\n"
	            "   it in the wizard), so that the countdown is right.\n"));
	snprintf(path, sizeof path, "%s/ksp-steps.txt", dir);
	return tg_write_buf(&b, path, 0644, out, _("CNG/KSP steps for the Windows machine"), d);
}
