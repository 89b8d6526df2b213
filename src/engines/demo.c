/* demo.c: the demo's throwaway world (demo.h). */
#include "config.h"

#include "demo.h"

#include "clusters.h"
#include "paths.h"
#include "cryptolib.h"
#include "fsutil.h"
#include "i18n.h"
#include "p11lib.h"
#include "primus_cfg.h"
#include "profile.h"
#include "secmem.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

static const char demo_alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* n random letters and digits into out (no modulo bias: bytes >= 248 are drawn again). */
static int demo_random_alnum(char *out, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char b[64];
		if (cryptolib_RAND_bytes(b, sizeof b) != 1)
			return -1;
		for (size_t k = 0; k < sizeof b && i < n; k++)
			if (b[k] < 248)
				out[i++] = demo_alnum[b[k] % 62];
		cryptolib_OPENSSL_cleanse(b, sizeof b);
	}
	out[n] = '\0';
	return 0;
}

/* Writes a file that holds secrets: O_EXCL|O_NOFOLLOW, mode 0600, from a secmem buffer. */
static int demo_write_secret_file(const char *path, const char *data, struct diag *d)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot create"), path);
	size_t len = strlen(data), off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int rc = diag_set_errno(d, EX_IOERR, _("%s: cannot write"), path);
			close(fd);
			return rc;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0)
		return diag_set_errno(d, EX_IOERR, _("%s: cannot write"), path);
	return EX_OK;
}

int demo_write_credfiles(const char *dir, const char *user, char **setup_pw, struct demo *out, struct diag *d)
{
	char day[16];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y%m%d", &tm);
	char name[256];
	snprintf(name, sizeof name, "ACME_Corp_eco_service_%s_%s.txt", user, day);
	out->service_file = fsutil_join(dir, name);
	snprintf(name, sizeof name, "ACME_Corp_eco_hsm_%s_%s.txt", user, day);
	out->hsm_file = fsutil_join(dir, name);
	if (!out->service_file || !out->hsm_file)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));

	char *svc_pw = secmem_alloc(20), *p11_pw = secmem_alloc(16), *setup = secmem_alloc(29);
	char *text = secmem_alloc(512);
	int rc = EX_OK;
	if (!svc_pw || !p11_pw || !setup || !text) {
		rc = diag_set(d, EX_OSERR, "%s", _("out of memory"));
		goto done;
	}
	if (demo_random_alnum(svc_pw, 20) != 0 || demo_random_alnum(p11_pw, 16) != 0) {
		rc = diag_set(d, EX_SOFTWARE, "%s", _("the random generator failed"));
		goto done;
	}
	/* The setup password's documented shape: five groups of five letters and digits. */
	for (int g = 0; g < 5; g++) {
		if (demo_random_alnum(setup + g * 6, 5) != 0) {
			rc = diag_set(d, EX_SOFTWARE, "%s", _("the random generator failed"));
			goto done;
		}
		if (g < 4)
			setup[g * 6 + 5] = '-';
	}
	snprintf(text, 512,
	         "Service User Name: " DEMO_PROXY_USER "\nService User Password: %s\nHSM User Name: %s\n", svc_pw,
	         user);
	rc = demo_write_secret_file(out->service_file, text, d);
	if (rc != EX_OK)
		goto done;
	snprintf(text, 512, "HSM User Name: %s\nHSM User Setup Password: %s\nPKCS#11 password : %s\n", user,
	         setup, p11_pw);
	rc = demo_write_secret_file(out->hsm_file, text, d);
done:
	secmem_free(svc_pw);
	secmem_free(p11_pw);
	secmem_free(text);
	if (rc == EX_OK && setup_pw)
		*setup_pw = setup;
	else
		secmem_free(setup);
	return rc;
}

/* A fresh SoftHSM2 token whose user PIN is the setup password, through PKCS#11 (no argv). */
static int demo_init_token(const char *module, char *user_pin, struct diag *d)
{
	int lrc = p11lib_load(d);
	if (lrc != EX_OK)
		return lrc;
	CK_FUNCTION_LIST *f = p11lib_p11_kit_module_load(module, 0);
	if (!f)
		return diag_set(d, EX_UNAVAILABLE, _("%s: cannot load the PKCS#11 module: %s"), module,
		                p11lib_p11_kit_message() ? p11lib_p11_kit_message() : "?");
	CK_RV rv = p11lib_p11_kit_module_initialize(f);
	if (rv != CKR_OK) {
		p11lib_p11_kit_module_release(f);
		return diag_set(d, EX_UNAVAILABLE, _("%s: C_Initialize failed: %s"), module,
		                p11lib_p11_kit_strerror(rv));
	}
	int rc = EX_OK;
	char *so_pin = secmem_alloc(24);
	CK_SLOT_ID slots[16];
	CK_ULONG n = 16;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	if (!so_pin || demo_random_alnum(so_pin, 24) != 0) {
		rc = diag_set(d, EX_SOFTWARE, "%s", _("the random generator failed"));
		goto done;
	}
	rv = f->C_GetSlotList(CK_FALSE, slots, &n);
	if (rv != CKR_OK || n == 0) {
		rc = diag_set(d, EX_UNAVAILABLE, _("SoftHSM2 offers no slot: %s"), p11lib_p11_kit_strerror(rv));
		goto done;
	}
	/* SoftHSM2 always offers one uninitialised slot; in a fresh token dir it is the first. */
	CK_UTF8CHAR label[32];
	memset(label, ' ', sizeof label);
	memcpy(label, DEMO_TOKEN_LABEL, strlen(DEMO_TOKEN_LABEL));
	rv = f->C_InitToken(slots[0], (CK_UTF8CHAR_PTR)so_pin, strlen(so_pin), label);
	if (rv != CKR_OK) {
		rc = diag_set(d, EX_UNAVAILABLE, _("C_InitToken failed: %s"), p11lib_p11_kit_strerror(rv));
		goto done;
	}
	/* After C_InitToken SoftHSM2 renumbers its slots: find the token by its label. */
	n = 16;
	rv = f->C_GetSlotList(CK_TRUE, slots, &n);
	CK_SLOT_ID slot = 0;
	int found = 0;
	for (CK_ULONG i = 0; rv == CKR_OK && i < n; i++) {
		CK_TOKEN_INFO ti;
		if (f->C_GetTokenInfo(slots[i], &ti) == CKR_OK && memcmp(ti.label, label, sizeof label) == 0) {
			slot = slots[i];
			found = 1;
		}
	}
	if (!found) {
		rc = diag_set(d, EX_UNAVAILABLE, "%s", _("the new demo token did not appear"));
		goto done;
	}
	rv = f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s);
	if (rv == CKR_OK)
		rv = f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)so_pin, strlen(so_pin));
	if (rv == CKR_OK)
		rv = f->C_InitPIN(s, (CK_UTF8CHAR_PTR)user_pin, strlen(user_pin));
	if (rv != CKR_OK)
		rc = diag_set(d, EX_UNAVAILABLE, _("setting the demo token's PIN failed: %s"),
		              p11lib_p11_kit_strerror(rv));
	if (s != CK_INVALID_HANDLE) {
		f->C_Logout(s);
		f->C_CloseSession(s);
	}
done:
	secmem_free(so_pin);
	p11lib_p11_kit_module_finalize(f);
	p11lib_p11_kit_module_release(f);
	return rc;
}

/* The ppin simulator the demo drives in place of Securosys' ppin: installed in libexecdir, beside
 * the binary in a build tree (paths_libexecdir; HSM_ONBOARD_LIBEXECDIR overrides it). malloc'd. */
static char *demo_ppin_sim(void)
{
	return fsutil_join(paths_libexecdir(), "hsm-onboard-ppin-sim");
}

/* The demo's primus.cfg, in the documented layout, for the engine to reuse (it needs no cluster
 * table then): the hosts of the ECO01 cluster, as a real profile would get them. The simulator never
 * connects to them. */
static int demo_write_primus_cfg(const struct profile *p, struct diag *d)
{
	static const char *const hosts[] = {"ch01-api.cloudshsm.com", "ch02-api.cloudshsm.com"};
	struct primus_cfg_in in = {
	    .hosts = hosts,
	    .n_hosts = 2,
	    .port = clusters_api_port(API_PKCS11),
	    .client_id = PACKAGE_NAME,
	    .user_name = DEMO_PROFILE,
	    .proxy_user = DEMO_PROXY_USER,
	};
	char *work = fsutil_join(p->dir, "primus");
	char *path = work ? fsutil_join(work, "primus.cfg") : NULL;
	char *text = NULL;
	size_t len = 0;
	int rc = path ? EX_OK : diag_set(d, EX_OSERR, "%s", _("out of memory"));
	if (rc == EX_OK)
		rc = fsutil_mkdir_private(work, d);
	if (rc == EX_OK)
		rc = primus_cfg_render(&in, &text, &len, d);
	if (rc == EX_OK)
		rc = fsutil_write_atomic(path, text, len, 0600, "config", d);
	free(text);
	free(path);
	free(work);
	return rc;
}

static int demo_setenv(const char *name, const char *dir, const char *sub, struct diag *d)
{
	char *v = sub ? fsutil_join(dir, sub) : strdup(dir);
	if (!v || setenv(name, v, 1) != 0) {
		free(v);
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	}
	free(v);
	return EX_OK;
}

/* The demo's world: a new folder below tmpdir (else $TMPDIR, else /tmp), its path in templ and
 * out->dir, and out->downloads the path of its Downloads folder. Either may be NULL when memory ran
 * out: the caller checks them with its own allocations. */
static int demo_make_world(const char *tmpdir, char *templ, size_t size, struct demo *out, struct diag *d)
{
	if (!tmpdir)
		tmpdir = getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR") : "/tmp";
	snprintf(templ, size, "%s/hsm-onboard-demo.XXXXXX", tmpdir);
	if (!mkdtemp(templ))
		return diag_set_errno(d, EX_CANTCREAT, _("%s: cannot create the demo directory"), templ);
	out->dir = strdup(templ);
	out->downloads = fsutil_join(templ, "Downloads");
	return EX_OK;
}

/* The demo profile, new and locked, with what a support user would choose on step 1 and the given
 * API (which picks the engine, as for a customer). */
static int demo_open_profile(struct profile *p, enum state_api api, struct diag *d)
{
	int rc = profile_open(DEMO_PROFILE, PROFILE_CREATE | PROFILE_LOCK, p, d);
	if (rc != EX_OK)
		return rc;
	p->st.tier = TIER_ECO;
	p->st.service_type = SERVICE_TYPE_STANDARD;
	p->st.api = api;
	/* Named in the state like any cluster, so that every screen and `status` show the same one. */
	p->st.cluster = strdup(DEMO_CLUSTER);
	p->st.step = STEP_SUBSCRIPTION;
	p->st.created = time(NULL);
	return EX_OK;
}

/* HOME and the XDG folders inside the world, so every later core call and the wizard use it. */
static int demo_setenv_home(const char *dir, struct diag *d)
{
	static const char *const vars[][2] = {
	    {"HOME", "home"},
	    {"XDG_STATE_HOME", "home/.local/state"},
	    {"XDG_CONFIG_HOME", "home/.config"},
	    {"XDG_DATA_HOME", "home/.local/share"},
	    {"XDG_CACHE_HOME", "home/.cache"},
	};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		int rc = demo_setenv(vars[i][0], dir, vars[i][1], d);
		if (rc != EX_OK)
			return rc;
	}
	return EX_OK;
}

int demo_create(const char *tmpdir, const char *module, struct demo *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	if (!module || !module[0])
		module = SOFTHSM2_MODULE;
	if (!module[0] || access(module, R_OK) != 0)
		return diag_set(d, EX_UNAVAILABLE, "%s",
		                _("the demo needs SoftHSM2 (apt-get install softhsm2), and it was not found"));
	out->module = strdup(module);
	char *sim = demo_ppin_sim();
	if (!sim || access(sim, X_OK) != 0) {
		int rc =
		    diag_set(d, EX_UNAVAILABLE, _("the demo's ppin simulator %s is not installed"), sim ? sim : "?");
		free(sim);
		return rc;
	}
	char templ[4096];
	int rc = demo_make_world(tmpdir, templ, sizeof templ, out, d);
	if (rc != EX_OK)
		return rc;
	if (!out->dir || !out->downloads || !out->module)
		return diag_set(d, EX_OSERR, "%s", _("out of memory"));
	char *home = fsutil_join(out->dir, "home"), *tokens = fsutil_join(out->dir, "tokens");
	char *conf = fsutil_join(out->dir, "softhsm2.conf");
	if (!home || !tokens || !conf) {
		rc = diag_set(d, EX_OSERR, "%s", _("out of memory"));
		goto done;
	}
	if ((rc = fsutil_mkdir_private(home, d)) != EX_OK || (rc = fsutil_mkdir_private(tokens, d)) != EX_OK ||
	    (rc = fsutil_mkdir_private(out->downloads, d)) != EX_OK)
		goto done;
	char text[8192];
	snprintf(
	    text, sizeof text,
	    "# SoftHSM2 configuration of the hsm-onboard demo (a throwaway token)\n"
	    "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
	    tokens);
	if ((rc = fsutil_write_atomic(conf, text, strlen(text), 0600, "config", d)) != EX_OK)
		goto done;
	if ((rc = demo_setenv_home(out->dir, d)) != EX_OK ||
	    (rc = demo_setenv("SOFTHSM2_CONF", conf, NULL, d)) != EX_OK ||
	    (rc = demo_setenv("HSM_ONBOARD_PPIN_SIM_MODULE", out->module, NULL, d)) != EX_OK)
		goto done;

	char *setup = NULL;
	if ((rc = demo_write_credfiles(out->downloads, DEMO_PROFILE, &setup, out, d)) != EX_OK)
		goto done;
	rc = demo_init_token(out->module, setup, d);
	secmem_free(setup);
	if (rc != EX_OK)
		goto done;

	/* The demo profile: what a support user would choose on step 1, and the engine of the token. */
	struct profile p;
	rc = demo_open_profile(&p, API_PKCS11, d);
	if (rc != EX_OK)
		goto done;
	/* The engine of a Securosys PKCS#11 customer, driving the ppin simulator over the demo token; verify
	 * logs in to that token with the PKCS#11 password, as an application does with libprimusP11. */
	p.st.engine.engine = strdup("primus");
	p.st.engine.ppin = sim;
	sim = NULL;
	p.st.engine.module = strdup(out->module);
	p.st.engine.token_label = strdup(DEMO_TOKEN_LABEL);
	p.st.engine.slot = -1;
	state_add_event(&p.st, "demo", "throwaway demo profile on a SoftHSM2 token, ppin simulated");
	rc = demo_write_primus_cfg(&p, d);
	if (rc == EX_OK)
		rc = profile_save_state(&p, d);
	profile_close(&p);
done:
	free(sim);
	free(home);
	free(tokens);
	free(conf);
	return rc;
}

/* The hex SHA-256 of a secret, as the stand-in compares what it is given (never the secret itself). */
static int demo_sha256_file(const char *path, const char *secret, struct diag *d)
{
	unsigned char md[32];
	char hex[65];
	int rc = cryptolib_load(d);
	if (rc != EX_OK)
		return rc;
	cryptolib_SHA256((const unsigned char *)secret, strlen(secret), md);
	for (size_t i = 0; i < sizeof md; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return fsutil_write_atomic(path, hex, 64, 0600, "config", d);
}

int demo_create_jce(const char *tmpdir, struct demo *out, struct diag *d)
{
	memset(out, 0, sizeof *out);
	/* Found as the ppin simulator is: beside the binary in a build tree (paths_libexecdir). */
	char *standin = fsutil_join(paths_libexecdir(), "hsm-onboard-jce-standin");
	if (!standin || access(standin, X_OK) != 0) {
		int rc = diag_set(d, EX_UNAVAILABLE, _("the demo's Primus Tools stand-in %s is not installed"),
		                  standin ? standin : "?");
		free(standin);
		return rc;
	}
	char templ[4096];
	int rc = demo_make_world(tmpdir, templ, sizeof templ, out, d);
	if (rc != EX_OK) {
		free(standin);
		return rc;
	}
	char *home = fsutil_join(templ, "home"), *bin = fsutil_join(templ, "bin"),
	     *hsm = fsutil_join(templ, "hsm");
	char *java = bin ? fsutil_join(bin, "java") : NULL, *jar = fsutil_join(templ, "primus-tools.jar");
	char *user = hsm ? fsutil_join(hsm, "user") : NULL, *sha = hsm ? fsutil_join(hsm, "setup.sha256") : NULL;
	char *setup = NULL, *path = NULL;
	if (!out->dir || !out->downloads || !home || !bin || !hsm || !java || !jar || !user || !sha) {
		rc = diag_set(d, EX_OSERR, "%s", _("out of memory"));
		goto done;
	}
	if ((rc = fsutil_mkdir_private(home, d)) != EX_OK || (rc = fsutil_mkdir_private(bin, d)) != EX_OK ||
	    (rc = fsutil_mkdir_private(hsm, d)) != EX_OK ||
	    (rc = fsutil_mkdir_private(out->downloads, d)) != EX_OK)
		goto done;
	if (symlink(standin, java) != 0) {
		rc = diag_set_errno(d, EX_CANTCREAT, "%s", java);
		goto done;
	}
	/* The jar only has to exist: the stand-in plays `java -jar primus-tools.jar`. */
	if ((rc = fsutil_write_atomic(jar, "", 0, 0644, "config", d)) != EX_OK ||
	    (rc = fsutil_write_atomic(user, DEMO_PROFILE, strlen(DEMO_PROFILE), 0600, "config", d)) != EX_OK)
		goto done;
	const char *old = getenv("PATH");
	size_t n = strlen(bin) + (old ? strlen(old) : 0) + 2;
	path = malloc(n);
	if (!path) {
		rc = diag_set(d, EX_OSERR, "%s", _("out of memory"));
		goto done;
	}
	snprintf(path, n, "%s%s%s", bin, old && old[0] ? ":" : "", old ? old : "");
	if (setenv("PATH", path, 1) != 0 || (rc = demo_setenv("JCE_STANDIN_DIR", hsm, NULL, d)) != EX_OK ||
	    (rc = demo_setenv_home(out->dir, d)) != EX_OK) {
		rc = rc ? rc : diag_set(d, EX_OSERR, "%s", _("out of memory"));
		goto done;
	}
	if ((rc = demo_write_credfiles(out->downloads, DEMO_PROFILE, &setup, out, d)) != EX_OK ||
	    (rc = demo_sha256_file(sha, setup, d)) != EX_OK)
		goto done;

	/* The demo profile: a JCE order (ECO with API jce is also what a BYOK order is). No engine is
	 * chosen: the profile's path picks jce, as for a customer. */
	struct profile p;
	rc = demo_open_profile(&p, API_JCE, d);
	if (rc != EX_OK)
		goto done;
	static const char *const hosts[] = {"ch01-api.cloudshsm.com", "ch02-api.cloudshsm.com"};
	p.st.engine.module = strdup(jar);
	p.st.engine.slot = -1;
	state_set_hosts(&p.st, hosts, 2);
	state_add_event(&p.st, "demo", "throwaway JCE demo profile, Primus Tools simulated");
	rc = profile_save_state(&p, d);
	profile_close(&p);
done:
	secmem_free(setup);
	free(standin);
	free(home);
	free(bin);
	free(hsm);
	free(java);
	free(jar);
	free(user);
	free(sha);
	free(path);
	return rc;
}

static int demo_rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

int demo_remove(struct demo *dm, struct diag *d)
{
	if (!dm->dir)
		return EX_OK;
	if (nftw(dm->dir, demo_rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return diag_set_errno(d, EX_IOERR, _("%s: cannot remove the demo files"), dm->dir);
	return EX_OK;
}

void demo_free(struct demo *dm)
{
	free(dm->dir);
	free(dm->downloads);
	free(dm->module);
	free(dm->service_file);
	free(dm->hsm_file);
	memset(dm, 0, sizeof *dm);
}
