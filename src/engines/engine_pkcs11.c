/* engine_pkcs11.c: any PKCS#11 module, loaded by path through p11-kit (engine.h).
 *
 * The token is found by label (default: the HSM User Name) or slot id. The first connection is
 * C_Login(CKU_USER, setup) then C_SetPIN(setup, new) in the same session, so the setup password is
 * tried once per connect. A rejected PIN is never retried here: the token counts wrong attempts.
 * This fits a generic token whose user PIN is the setup password (SoftHSM2, other vendors), never a
 * Securosys partition: there the setup password is no PIN at all (doc/securosys-facts.md, section
 * "The PKCS#11 PIN"); the primus engine fits those. The primus engine also borrows open/verify/close
 * from here for its application-style login with the PKCS#11 password. */
#include "config.h"

#include "engine.h"
#include "fsutil.h"
#include "hsmcodes.h"
#include "i18n.h"
#include "p11lib.h"
#include "randsecret.h"
#include "secmem.h"

#include <errno.h>
#include <stdint.h>
#include <limits.h>
#include <p11-kit/pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

struct pk_priv {
	CK_FUNCTION_LIST *m;
	int found;
	CK_SLOT_ID slot;
	CK_TOKEN_INFO info;
	char label[33];
};

static const struct {
	CK_RV rv;
	const char *name;
} pk_rv_names[] = {
    {CKR_OK, "CKR_OK"},
    {CKR_HOST_MEMORY, "CKR_HOST_MEMORY"},
    {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
    {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
    {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
    {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
    {CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY"},
    {CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
    {CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"},
    {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
    {CKR_PIN_INVALID, "CKR_PIN_INVALID"},
    {CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"},
    {CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED"},
    {CKR_PIN_LOCKED, "CKR_PIN_LOCKED"},
    {CKR_SESSION_COUNT, "CKR_SESSION_COUNT"},
    {CKR_SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY"},
    {CKR_SESSION_READ_ONLY_EXISTS, "CKR_SESSION_READ_ONLY_EXISTS"},
    {CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"},
    {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
    {CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"},
    {CKR_TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED"},
    {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
    {CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"},
    {CKR_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID"},
    {CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"},
    {CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"},
};

static void pk_rv_name(CK_RV rv, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof pk_rv_names / sizeof pk_rv_names[0]; i++)
		if (pk_rv_names[i].rv == rv) {
			snprintf(buf, size, "%s", pk_rv_names[i].name);
			return;
		}
	snprintf(buf, size, "CKR_0x%08lX", (unsigned long)rv);
}

/* What the secret was, for the message: a wrong setup password and a wrong stored secret need
 * different next steps. */
enum pk_role { PK_SETUP, PK_STORED, PK_NEW };

/* The return codes whose message does not depend on the secret's role: one row each, so a new code is
 * a row, not another copy of a case. The list of codes ends at CKR_OK, which never fails. */
struct pk_fail_row {
	CK_RV rv[4];
	int exit_code;
	int rejected, locked; /* engine_set_code's */
	int names_call;       /* fmt takes "%s" the call before "%s" the code's name; else only the name */
	const char *fmt;
};

static const struct pk_fail_row pk_fail_rows[] = {
    {.rv = {CKR_PIN_EXPIRED},
     .exit_code = EX_NOPERM,
     .rejected = 1,
     .locked = 1,
     .fmt = N_(
         "the token says the PIN has expired (%s): a new setup password is needed. Run 'hsm-onboard ticket' "
         "and open a support ticket with it")},
    /* A locked login clears after a defined time (permanent_secret_management;
     * doc/securosys-facts.md, section "Error codes"): waiting helps, a renewal does not. */
    {.rv = {CKR_PIN_LOCKED},
     .exit_code = EX_TEMPFAIL,
     .rejected = 1,
     .locked = 1,
     .fmt =
         N_("the token says the login is locked after too many wrong attempts (%s). It clears after a while: "
            "wait, then run the command once more. Nothing was changed")},
    {.rv = {CKR_TOKEN_NOT_PRESENT, CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_RECOGNIZED},
     .exit_code = EX_UNAVAILABLE,
     .names_call = 1,
     .fmt = N_(
         "%s: no usable token in the slot (%s). Check that the HSM is reachable and the module is configured "
         "for it, then run the command again")},
    {.rv = {CKR_DEVICE_ERROR, CKR_DEVICE_MEMORY},
     .exit_code = EX_UNAVAILABLE,
     .names_call = 1,
     .fmt = N_(
         "%s: the device reported an error (%s). Check the connection to the HSM and run the command again")},
    {.rv = {CKR_PIN_LEN_RANGE, CKR_PIN_INVALID},
     .exit_code = EX_SOFTWARE,
     .names_call = 1,
     .fmt = N_("%s: the token refused the format of the new user secret (%s); nothing was changed")},
    {.rv = {CKR_USER_PIN_NOT_INITIALIZED},
     .exit_code = EX_CONFIG,
     .names_call = 1,
     .fmt = N_(
         "%s: the token has no user PIN yet (%s): the partition is not set up for a user; contact support")},
};

static const struct pk_fail_row *pk_fail_row(CK_RV rv)
{
	for (size_t i = 0; i < sizeof pk_fail_rows / sizeof pk_fail_rows[0]; i++) {
		const struct pk_fail_row *row = &pk_fail_rows[i];
		for (size_t j = 0; j < sizeof row->rv / sizeof row->rv[0] && row->rv[j] != CKR_OK; j++)
			if (row->rv[j] == rv)
				return row;
	}
	return NULL;
}

/* Maps a return code to a translated message with the next step and a stable code. */
static int pk_fail(struct engine_ctx *e, struct diag *d, const char *call, CK_RV rv, enum pk_role role)
{
	char name[48];
	pk_rv_name(rv, name, sizeof name);
	if (rv == CKR_PIN_INCORRECT) {
		engine_set_code(e, name, 1, 0);
		if (role == PK_SETUP)
			return diag_set(d, EX_NOPERM,
			                _("the token rejected the setup password (%s); nothing was changed. It is not "
			                  "retried automatically: repeated wrong attempts can lock the account"),
			                name);
		return diag_set(d, EX_NOPERM,
		                _("the token rejected the stored user secret (%s). It is not retried "
		                  "automatically: repeated wrong attempts can lock the account"),
		                name);
	}
	const struct pk_fail_row *row = pk_fail_row(rv);
	if (row) {
		engine_set_code(e, name, row->rejected, row->locked);
/* Every row's text is an N_() literal with the %s its names_call says; msgfmt -c (po-complete.sh)
 * checks that the translations keep them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		if (row->names_call)
			return diag_set(d, row->exit_code, _(row->fmt), call, name);
		return diag_set(d, row->exit_code, _(row->fmt), name);
#pragma GCC diagnostic pop
	}
	if (rv & CKR_VENDOR_DEFINED) {
		/* A vendor code (libprimusP11 returns Securosys codes here): the same table as ppin's. */
		const struct hsmcodes_entry *h = hsmcodes_lookup((unsigned long)rv);
		if (h) {
			hsmcodes_format((unsigned long)rv, name, sizeof name);
			int rejected = h->cls == HSMCODES_SETUP_REFUSED || h->cls == HSMCODES_SETUP_EXPIRED ||
			               h->cls == HSMCODES_PIN_REFUSED;
			engine_set_code(e, name, rejected, h->cls == HSMCODES_SETUP_EXPIRED);
			return diag_set(d, h->exit_code, _("%s: %s (%s). %s"), call, _(h->what), name, _(h->next));
		}
	}
	engine_set_code(e, name, 0, 0);
	return diag_set(d, EX_UNAVAILABLE, _("the PKCS#11 call %s failed (%s)"), call, name);
}

static void pk_trim(const unsigned char *field, size_t n, char *out)
{
	memcpy(out, field, n);
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\0'))
		out[--n] = '\0';
}

static int pk_open(struct engine_ctx *e, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	if (!e->module || !e->module[0]) {
		engine_set_code(e, "MODULE_MISSING", 0, 0);
		return diag_set(d, EX_USAGE, "%s", _("no PKCS#11 module given: use --module PATH"));
	}
	struct stat sb;
	if (stat(e->module, &sb) != 0) {
		engine_set_code(e, "MODULE_LOAD", 0, 0);
		return diag_set_errno(d, EX_UNAVAILABLE,
		                      _("PKCS#11 module %s cannot be used; check the --module path and that the "
		                        "provider package is installed"),
		                      e->module);
	}
	int lrc = p11lib_load(d);
	if (lrc != EX_OK) {
		engine_set_code(e, "MODULE_LOAD", 0, 0);
		return lrc;
	}
	struct pk_priv *p = calloc(1, sizeof *p);
	if (!p)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	p->m = p11lib_p11_kit_module_load(e->module, P11_KIT_MODULE_UNMANAGED | P11_KIT_MODULE_CRITICAL);
	if (!p->m) {
		const char *why = p11lib_p11_kit_message();
		free(p);
		engine_set_code(e, "MODULE_LOAD", 0, 0);
		return diag_set(d, EX_UNAVAILABLE,
		                _("PKCS#11 module %s failed to load (%s); check that it is a PKCS#11 library "
		                  "for this system and that its dependencies are installed"),
		                e->module, why ? why : _("unknown reason"));
	}
	CK_RV rv = p11lib_p11_kit_module_initialize(p->m);
	if (rv != CKR_OK) {
		p11lib_p11_kit_module_release(p->m);
		free(p);
		int rc = pk_fail(e, d, "C_Initialize", rv, PK_STORED);
		char code[48];
		pk_rv_name(rv, code, sizeof code);
		engine_set_code(e, "MODULE_INIT", 0, 0);
		return diag_set(d, rc, _("PKCS#11 module %s did not initialize (%s); check its configuration file"),
		                e->module, code);
	}
	e->priv = p;
	return EX_OK;
}

static void pk_close(struct engine_ctx *e)
{
	struct pk_priv *p = e->priv;
	if (!p)
		return;
	p11lib_p11_kit_module_finalize(p->m);
	p11lib_p11_kit_module_release(p->m);
	free(p);
	e->priv = NULL;
}

/* Finds the token; when it is not there, lists what is. */
static int pk_find(struct engine_ctx *e, struct diag *d)
{
	struct pk_priv *p = e->priv;
	if (p->found)
		return EX_OK;
	const char *want = e->token_label ? e->token_label : e->hsm_user;
	CK_ULONG n = 0;
	CK_RV rv = p->m->C_GetSlotList(CK_TRUE, NULL, &n);
	if (rv != CKR_OK)
		return pk_fail(e, d, "C_GetSlotList", rv, PK_STORED);
	CK_SLOT_ID *slots = calloc(n ? n : 1, sizeof *slots);
	if (!slots)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	rv = p->m->C_GetSlotList(CK_TRUE, slots, &n);
	if (rv != CKR_OK) {
		free(slots);
		return pk_fail(e, d, "C_GetSlotList", rv, PK_STORED);
	}
	char list[600] = "";
	size_t used = 0;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		if (p->m->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		char label[33];
		pk_trim(ti.label, sizeof ti.label, label);
		int match = e->slot >= 0 ? (long)slots[i] == e->slot : (want && strcmp(label, want) == 0);
		if (match && (ti.flags & CKF_TOKEN_INITIALIZED)) {
			p->found = 1;
			p->slot = slots[i];
			p->info = ti;
			memcpy(p->label, label, sizeof label);
			free(slots);
			return EX_OK;
		}
		if (used < sizeof list - 1) {
			int w = snprintf(list + used, sizeof list - used, "%s'%s' (slot %lu)", used ? ", " : "", label,
			                 (unsigned long)slots[i]);
			if (w > 0)
				used += (size_t)w < sizeof list - used ? (size_t)w : sizeof list - used - 1;
		}
	}
	free(slots);
	engine_set_code(e, e->slot >= 0 ? "CKR_TOKEN_NOT_PRESENT" : "TOKEN_NOT_FOUND", 0, 0);
	if (n == 0)
		return diag_set(d, EX_UNAVAILABLE,
		                _("module %s shows no token at all; check that the HSM is reachable and that "
		                  "the module's configuration names the partition"),
		                e->module);
	if (e->slot >= 0)
		return diag_set(d, EX_UNAVAILABLE, _("no initialized token in slot %ld; tokens present: %s"), e->slot,
		                list);
	return diag_set(d, EX_UNAVAILABLE,
	                _("no token labelled '%s'; tokens present: %s. Choose one with --token-label or --slot"),
	                want ? want : "", list);
}

static int pk_preflight(struct engine_ctx *e, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	return pk_find(e, d);
}

static int pk_new_secret(struct engine_ctx *e, char **out, struct diag *d)
{
	int rc = pk_find(e, d);
	if (rc != EX_OK)
		return rc;
	struct pk_priv *p = e->priv;
	CK_ULONG max = p->info.ulMaxPinLen, min = p->info.ulMinPinLen;
	size_t len;
	if (engine_pin_length(min, max, e->pin_length, &len) != 0) {
		engine_set_code(e, "CKR_PIN_LEN_RANGE", 0, 0);
		return diag_set(d, EX_SOFTWARE, _("the token wants PINs of %lu to %lu characters; cannot make one"),
		                (unsigned long)min, (unsigned long)max);
	}
	*out = randsecret_new(len);
	if (!*out)
		return diag_set(d, EX_SOFTWARE, "%s", _("the random generator failed"));
	return EX_OK;
}

/* Clears the last code, finds the token and opens a session on it: how every login starts. */
static int pk_session(struct engine_ctx *e, CK_FLAGS flags, CK_SESSION_HANDLE *s, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	int rc = pk_find(e, d);
	if (rc != EX_OK)
		return rc;
	struct pk_priv *p = e->priv;
	CK_RV rv = p->m->C_OpenSession(p->slot, flags | CKF_SERIAL_SESSION, NULL, NULL, s);
	return rv == CKR_OK ? EX_OK : pk_fail(e, d, "C_OpenSession", rv, PK_STORED);
}

static int pk_login(struct engine_ctx *e, const char *secret, enum pk_role role, struct diag *d)
{
	CK_SESSION_HANDLE s;
	int rc = pk_session(e, 0, &s, d);
	if (rc != EX_OK)
		return rc;
	struct pk_priv *p = e->priv;
	CK_RV rv = p->m->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)(uintptr_t)secret, (CK_ULONG)strlen(secret));
	if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
		p->m->C_Logout(s);
		rc = EX_OK;
		char serial[17];
		pk_trim(p->info.serialNumber, sizeof p->info.serialNumber, serial);
		snprintf(e->token, sizeof e->token, "%s, serial %s, slot %lu", p->label, serial,
		         (unsigned long)p->slot);
	} else {
		rc = pk_fail(e, d, "C_Login", rv, role);
	}
	p->m->C_CloseSession(s);
	return rc;
}

static int pk_login_probe(struct engine_ctx *e, const char *secret, struct diag *d)
{
	return pk_login(e, secret, PK_STORED, d);
}

static int pk_verify(struct engine_ctx *e, const char *current, struct diag *d)
{
	return pk_login(e, current, PK_STORED, d);
}

static int pk_first_connect(struct engine_ctx *e, const char *setup, const char *pending, struct diag *d)
{
	CK_SESSION_HANDLE s;
	int rc = pk_session(e, CKF_RW_SESSION, &s, d);
	if (rc != EX_OK)
		return rc;
	struct pk_priv *p = e->priv;
	/* The first use is recorded right before the setup password goes to the token (engine.h). */
	if (e->before_setup && (rc = e->before_setup(e->before_setup_arg, d)) != EX_OK) {
		p->m->C_CloseSession(s);
		return rc;
	}
	CK_RV rv = p->m->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)(uintptr_t)setup, (CK_ULONG)strlen(setup));
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
		rc = pk_fail(e, d, "C_Login", rv, PK_SETUP);
		p->m->C_CloseSession(s);
		return rc;
	}
	rv = p->m->C_SetPIN(s, (CK_UTF8CHAR_PTR)(uintptr_t)setup, (CK_ULONG)strlen(setup),
	                    (CK_UTF8CHAR_PTR)(uintptr_t)pending, (CK_ULONG)strlen(pending));
	rc = rv == CKR_OK ? EX_OK : pk_fail(e, d, "C_SetPIN", rv, PK_NEW);
	p->m->C_Logout(s);
	p->m->C_CloseSession(s);
	return rc;
}

/* RFC 3986 unreserved characters stay, and '/' when keep_slash; everything else is %XX. */
static void pk_pct(FILE *f, const char *s, int keep_slash)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' ||
		    *c == '.' || *c == '_' || *c == '~' || (keep_slash && *c == '/'))
			fputc(*c, f);
		else
			fprintf(f, "%%%02X", *c);
	}
}

static int pk_write_config(struct engine_ctx *e, const char *dir, const char *current, void (*hook)(void),
                           struct filelist *out, struct diag *d)
{
	engine_set_code(e, "", 0, 0);
	int rc = pk_find(e, d);
	if (rc != EX_OK)
		return rc;
	struct pk_priv *p = e->priv;
	char absdir[PATH_MAX], pin_path[PATH_MAX + 16], uri_path[PATH_MAX + 16], module_abs[PATH_MAX];
	rc = fsutil_output_dir(dir, absdir, d);
	if (rc != EX_OK)
		return rc;
	/* An absolute path stays as given (a distribution's symlink survives upgrades); a relative
	 * one is made absolute, since applications run from elsewhere. */
	if (e->module[0] == '/' || !realpath(e->module, module_abs))
		snprintf(module_abs, sizeof module_abs, "%s", e->module);
	snprintf(pin_path, sizeof pin_path, "%s/" ENGINE_PKCS11_PIN_NAME, absdir);
	snprintf(uri_path, sizeof uri_path, "%s/pkcs11.uri", absdir);

	/* The PIN file first: a URI that points at a missing file would look done but fail. */
	rc = fsutil_write_atomic(pin_path, current, strlen(current), 0600, "config", d);
	if (rc != EX_OK)
		return rc;
	filelist_add(out, pin_path, _("PIN file (mode 0600, holds the user secret)"));
	if (hook)
		hook();

	char *uri = NULL;
	size_t uri_len = 0;
	FILE *f = open_memstream(&uri, &uri_len);
	if (!f)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	char field[65];
	fputs("pkcs11:token=", f);
	pk_pct(f, p->label, 0);
	pk_trim(p->info.manufacturerID, sizeof p->info.manufacturerID, field);
	if (field[0]) {
		fputs(";manufacturer=", f);
		pk_pct(f, field, 0);
	}
	pk_trim(p->info.serialNumber, sizeof p->info.serialNumber, field);
	if (field[0]) {
		fputs(";serial=", f);
		pk_pct(f, field, 0);
	}
	fputs("?module-path=", f);
	pk_pct(f, module_abs, 1);
	/* A plain absolute path, percent-encoded: GnuTLS's p11tool ignores "file:" and prompts, libp11
	 * reads both, and RFC 7512 leaves the form of pin-source to the application. */
	fputs("&pin-source=", f);
	pk_pct(f, pin_path, 1);
	fputc('\n', f);
	if (fclose(f) != 0) {
		free(uri);
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	}
	rc = fsutil_write_atomic(uri_path, uri, uri_len, 0644, "config", d);
	free(uri);
	if (rc != EX_OK)
		return rc;
	filelist_add(out, uri_path, _("PKCS#11 URI (RFC 7512)"));
	return EX_OK;
}

const struct engine_ops engine_pkcs11_ops = {
    .name = "pkcs11",
    .needs_module = 1,
    .secret_file = ENGINE_PKCS11_PIN_NAME,
    .open = pk_open,
    .close = pk_close,
    .preflight = pk_preflight,
    .new_secret = pk_new_secret,
    .login_probe = pk_login_probe,
    .first_connect = pk_first_connect,
    .verify = pk_verify,
    .write_config = pk_write_config,
};
