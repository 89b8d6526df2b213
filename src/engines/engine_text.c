/* engine_text.c: the words the front ends use about each engine (engine.h, enum engine_text), so the
 * CLI and the wizard say the same and none of them asks which engine it is. The generic words fit an
 * engine that replaces the setup password by a new user secret it keeps in the vault (pkcs11); the
 * Primus provider's ppin flow and the JCE provider's blinded secret have their own where they
 * differ (doc/securosys-facts.md, sections "ppin" and "JCE, TSB and XKS"). */
#include "config.h"

#include "engine.h"
#include "i18n.h"
#include "state.h"

#include <stdio.h>

static const struct engine_step engine_generic_steps[ENGINE_STEPS] = {
    {ROTATION_FIRST_USE, N_("First use recorded (the 7 days start)")},
    {ROTATION_PENDING, N_("New user secret generated and saved in the vault")},
    {ROTATION_PROMOTED, N_("Setup password replaced on the HSM")},
    {ROTATION_VERIFIED, N_("Login with the new secret verified")},
};

/* The documented ppin flow (doc/securosys-facts.md, section "ppin"). */
const struct engine_step engine_primus_steps[ENGINE_STEPS] = {
    {ROTATION_FIRST_USE, N_("First use recorded (the 7 days start)")},
    {ROTATION_PROMOTED, N_("ppin -p (proxy password), ppin -a (setup, then PKCS#11 password)")},
    {ROTATION_PROMOTED, N_(".secrets.cfg and primus.cfg kept in the vault")},
    {ROTATION_VERIFIED, N_("ppin -t, and login with the PKCS#11 password verified")},
};

/* The texts without an argument, one table per engine, so the engines' words stand side by side
 * instead of in parallel switches. */
static const char *const engine_generic_fixed[] = {
    [ENGINE_TEXT_CONNECTING] = N_("Connecting: first use, new secret, change, verify..."),
    [ENGINE_TEXT_NO_RETURN] =
        N_("This is the point of no return. hsm-onboard will record the first use (for SBX, ECO "
           "and Platinum the 7 days start now), generate a new random user secret and save it in "
           "the vault, log in with the setup password and set the new secret as the token's PIN. "
           "Generic engine: this fits SoftHSM2 and other tokens, not a Securosys partition."),
    [ENGINE_TEXT_ROTATED] =
        N_("The setup password is gone; the new user secret is only in the encrypted vault. "
           "Enter goes on to the provider configuration."),
};

static const char *const engine_primus_fixed[] = {
    [ENGINE_TEXT_CONNECTING] = N_("Connecting: ppin -p, ppin -a, ppin -t..."),
    [ENGINE_TEXT_NO_RETURN] =
        N_("This is the point of no return. hsm-onboard records the first use (for SBX, ECO and "
           "Platinum the 7 days start now), then runs ppin -p (proxy password), ppin -a (setup "
           "password, then PKCS#11 password) and ppin -t. ppin keeps the permanent secret in "
           ".secrets.cfg, which is copied into the vault at once. The setup password is then "
           "disposed of."),
    [ENGINE_TEXT_ROTATED] =
        N_("The setup password is disposed of; .secrets.cfg (the permanent secret) is kept in "
           "the encrypted vault. Enter goes on to the provider configuration."),
    [ENGINE_TEXT_PREFLIGHT] =
        N_("Engine primus: ready (hsm-onboard doctor: ppin and its version, the library, the "
           "templates, the clock); primus.cfg is written in the documented layout."),
    [ENGINE_TEXT_KEEP] =
        N_("Keep these files: .secrets.cfg (the permanent secret) and primus.cfg in the folder "
           "above, and the vault with its passphrase, which holds copies ('hsm-onboard restore "
           "--output DIR'). Applications log in with the PKCS#11 password."),
};

/* jce/quickstart: the application logs in with the blinded secret ("file:"). */
static const char *const engine_jce_fixed[] = {
    [ENGINE_TEXT_NO_RETURN] =
        N_("This is the point of no return. hsm-onboard records the first use (for SBX, ECO and Platinum "
           "the 7 days start now), then Primus Tools' GetUserSecret logs in with the setup password and "
           "returns the permanent user secret, blinded: it is saved in the vault at once and checked with "
           "a Login. Your JCE application logs in with it (PrimusLogin, \"file:\" with the blinded "
           "secret; jce/quickstart). The setup password is then disposed of."),
};

/* Says the engine's text that takes no argument, if its table has one for what. */
static int engine_fixed_text(const char *const *fixed, size_t n, enum engine_text what, char *buf,
                             size_t size)
{
	if ((size_t)what >= n || !fixed[what])
		return -1;
	snprintf(buf, size, "%s", _(fixed[what]));
	return 0;
}
#define ENGINE_FIXED_TEXT(fixed, what, buf, size) \
	engine_fixed_text(fixed, sizeof fixed / sizeof fixed[0], what, buf, size)

static const char *engine_token(const struct engine_text_args *a)
{
	return a->token && a->token[0] ? a->token : "-";
}

static int engine_generic_text(enum engine_text what, const struct engine_text_args *a, char *buf,
                               size_t size)
{
	if (ENGINE_FIXED_TEXT(engine_generic_fixed, what, buf, size) == 0)
		return 0;
	switch (what) {
	case ENGINE_TEXT_CONNECTED:
		snprintf(buf, size,
		         _("Connected (engine %s): the setup password was replaced by a new user\n"
		           "secret, kept in the vault of profile %s and never shown.\n"
		           "Verified with a fresh login.\n"),
		         a->engine, a->profile);
		return 0;
	case ENGINE_TEXT_VERIFIED:
		snprintf(buf, size,
		         _("verify: the stored user secret of profile %s opens the partition (engine %s).\n"),
		         a->profile, a->engine);
		return 0;
	case ENGINE_TEXT_PREFLIGHT:
		snprintf(buf, size, _("Engine %s: the module loads and the token is there."), a->engine);
		return 0;
	case ENGINE_TEXT_SECRET_PLACE:
		snprintf(buf, size, _("a PIN file (mode 0600) at %s/%s"), a->dir, ENGINE_PKCS11_PIN_NAME);
		return 0;
	default: break;
	}
	return -1;
}

int engine_primus_text(enum engine_text what, const struct engine_text_args *a, char *buf, size_t size)
{
	if (ENGINE_FIXED_TEXT(engine_primus_fixed, what, buf, size) == 0)
		return 0;
	switch (what) {
	case ENGINE_TEXT_CONNECTED:
		snprintf(buf, size,
		         _("Connected (engine primus): ppin exchanged the setup password for the permanent\n"
		           "secret; .secrets.cfg and primus.cfg are kept in the vault of profile %s\n"
		           "('hsm-onboard restore --output DIR' writes them back). Applications log in\n"
		           "with the PKCS#11 password; verified with such a login (%s).\n"),
		         a->profile, engine_token(a));
		return 0;
	case ENGINE_TEXT_VERIFIED:
		snprintf(buf, size,
		         _("verify: ppin -t passed, and the PKCS#11 password of profile %s opens the token\n"
		           "through the provider's library (%s).\n"),
		         a->profile, engine_token(a));
		return 0;
	case ENGINE_TEXT_CONFIG_HINT:
		/* write_config lists .secrets.cfg first, then primus.cfg. */
		if (!a->files || a->files->n == 0)
			return -1;
		snprintf(buf, size,
		         _("Point the provider at them: SECUROSYS_PKCS11_CONF=%s SECUROSYS_SECRETS_CONF=%s\n"),
		         a->files->n > 1 ? a->files->path[1] : "", a->files->path[0]);
		return 0;
	case ENGINE_TEXT_SECRET_PLACE:
		snprintf(buf, size, _("the provider's %s (mode 0600) at %s/%s"), ENGINE_PRIMUS_SECRETS_NAME, a->dir,
		         ENGINE_PRIMUS_SECRETS_NAME);
		return 0;
	default: break;
	}
	return -1;
}

int engine_jce_text(enum engine_text what, const struct engine_text_args *a, char *buf, size_t size)
{
	if (ENGINE_FIXED_TEXT(engine_jce_fixed, what, buf, size) == 0)
		return 0;
	if (what != ENGINE_TEXT_SECRET_PLACE)
		return -1;
	snprintf(buf, size, _("the blinded JCE user secret (mode 0600) at %s/%s"), a->dir,
	         ENGINE_JCE_SECRET_NAME);
	return 0;
}

int engine_text(const struct engine_ops *ops, enum engine_text what, const struct engine_text_args *a,
                char *buf, size_t size)
{
	if (ops && ops->text && ops->text(what, a, buf, size) == 0)
		return 0;
	return engine_generic_text(what, a, buf, size);
}

const struct engine_step *engine_steps(const struct engine_ops *ops)
{
	return ops && ops->steps ? ops->steps : engine_generic_steps;
}
