/* ppin_sim.c: hsm-onboard-ppin-sim, a simulator of Securosys' ppin tool over a SoftHSM2 token, for the
 * demo and the tests (installed in libexecdir; never a stand-in for a real partition).
 *
 * It implements the documented command line and prompts (pkcs/Tutorials/ppin_tool,
 * pkcs/Installation/permanent_secret_management; doc/securosys-facts.md, section "ppin"):
 *   ppin [-c primus.cfg] [-s .secrets.cfg] -v | -l | -p -e USER | -a -e USER | -u -e USER
 *        | -r -e USER | -x -e USER | -t [--user U] [--hsm H]
 *        | --fetchlog --user U --hsm H [--since YYYY-MM-DD] [--reverse] [--out FILE]
 * Before every command except -v it reads primus.cfg with the same reader as the engine
 * (primus_cfg.h), which refuses any layout but the documented one (0x80005005), as the provider would.
 * Secrets are read from /dev/tty with echo off, as an interactive tool reads them (never from
 * stdin, so a pipe does not work), one line each after the documented prompt: -p the proxy password;
 * -a and -u the setup password, then the PKCS#11 password. -u removes the entry first, as a failed
 * update does.
 *
 * The "partition" is a SoftHSM2 token (the one labelled as the HSM user, else
 * HSM_ONBOARD_PPIN_SIM_TOKEN, else the only initialised one) of the module HSM_ONBOARD_PPIN_SIM_MODULE
 * (default: the SoftHSM2 found at configure time), whose user PIN is the setup password at first.
 * -a logs in with the setup password and makes the PKCS#11 password the token's user PIN, so that an
 * application then logs in with the PKCS#11 password, as on a real partition. .secrets.cfg records which
 * users are configured, with a random stand-in for the ciphered permanent secret, and hashes only.
 *
 * Test hooks, only when HSM_ONBOARD_PPIN_SIM_DIR names a directory: calls.log gets each call's argv and
 * environment and, for each secret line read from the terminal, its role and SHA-256 (never the
 * secret), and "UPDATE CALLED" for -u; the file version sets what -v shows (default 2.2.4); the
 * flag echo-on turns the terminal's echo on before each prompt; odd-prompt makes -a ask an
 * undocumented question first; the flags
 * network-down and expired make -p/-a/-t fail with 0x80005015 / 0x80005018; -a of a configured user
 * answers 0x80005002, as ppin does, and the flag config-exists makes it answer so even while -l lists
 * the user MISSING; proxy.sha256 is the only proxy password -p accepts; failures counts refused setup
 * passwords, and after 5 the login is locked; --fetchlog prints the documented header ("Dump log
 * starting from ...", ppin_tool, "Fetch Partition Log") and a few invented log lines naming the user
 * and a client, and the flag nolog makes it fail as an HSM that does not allow log fetching via the
 * API (0x80000069, an assumption: doc/securosys-facts.md, section "ppin"). */
#include "config.h"

#include "cryptolib.h"
#include "diag.h"
#include "p11lib.h"
#include "primus_cfg.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static const char *sim_dir;
static const char *sim_cfg_path = "/etc/primus/primus.cfg";
static const char *sim_sec_path = "/etc/primus/.secrets.cfg";
static struct primus_cfg sim_cfg;

static void sim_banner(void)
{
	printf("********************\nPrimus Permanent PIN\n********************\n");
}

static void sim_log(const char *fmt, ...)
{
	if (!sim_dir)
		return;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/calls.log", sim_dir);
	FILE *f = fopen(path, "a");
	if (!f)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static int sim_flag(const char *name)
{
	if (!sim_dir)
		return 0;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", sim_dir, name);
	return access(path, F_OK) == 0;
}

static void sim_log_proc(const char *tag, const char *file)
{
	char buf[8192];
	int fd = open(file, O_RDONLY);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		n = 0;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	sim_log("%s:%s\n", tag, buf);
}

static void sim_done(void)
{
	primus_cfg_free(&sim_cfg);
}

static void sim_fail(const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("ERROR: ");
	vprintf(fmt, ap);
	printf(" (%s)\n", code);
	va_end(ap);
	sim_done();
	exit(1);
}

static void sim_hash(const char *s, char out[65])
{
	unsigned char md[32];
	cryptolib_SHA256((const unsigned char *)s, strlen(s), md);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* One secret from the controlling terminal, as getpass reads it: /dev/tty with echo off, the prompt
 * on stdout. stdin is never read, so a pipe cannot answer (the engine must use a pty). Logged by
 * role and hash only. With the flag echo-on the terminal's echo is turned ON before the prompt, as a
 * careless tool might do: the driver must turn it off again before it answers. */
static void sim_ask(const char *prompt, const char *role, char *buf, size_t size)
{
	int tty = open("/dev/tty", O_RDWR | O_NOCTTY);
	if (tty < 0) {
		sim_log("TTY: none (%s)\n", strerror(errno));
		sim_fail("0x80005017", "no terminal to read the %s from (/dev/tty: %s)", role, strerror(errno));
	}
	struct termios old, quiet;
	int have = tcgetattr(tty, &old) == 0;
	if (have) {
		quiet = old;
		if (sim_flag("echo-on"))
			quiet.c_lflag |= ECHO;
		else
			quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(tty, TCSAFLUSH, &quiet);
	}
	printf("%s", prompt);
	fflush(stdout);
	FILE *in = fdopen(tty, "r");
	if (!in || !fgets(buf, (int)size, in)) {
		if (in)
			fclose(in);
		sim_fail("0x80005017", "no %s given", role);
	}
	/* Whether the answer came with echo on (it would have been shown): the driver must turn it off. */
	struct termios now;
	int echoed = tcgetattr(fileno(in), &now) == 0 && (now.c_lflag & ECHO);
	if (have)
		tcsetattr(fileno(in), TCSAFLUSH, &old);
	fclose(in);
	buf[strcspn(buf, "\r\n")] = '\0';
	printf("\n");
	char h[65];
	sim_hash(buf, h);
	sim_log("TTY: %s sha256=%s echo=%s\n", role, h, echoed ? "on" : "off");
}

/* ---- .secrets.cfg: "user NAME SECRET" and "proxy NAME SHA256" lines ---- */

static char *sim_secrets_read(void)
{
	FILE *f = fopen(sim_sec_path, "r");
	if (!f)
		return NULL;
	char *text = calloc(1, 65536);
	if (text) {
		size_t n = fread(text, 1, 65535, f);
		text[n] = '\0';
	}
	fclose(f);
	return text;
}

static int sim_configured(const char *kind, const char *name)
{
	char *text = sim_secrets_read();
	int found = 0;
	char want[512];
	snprintf(want, sizeof want, "%s %s ", kind, name);
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (strncmp(line, want, strlen(want)) == 0)
			found = 1;
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	return found;
}

/* Replaces (value NULL: removes) the entry of kind and name; 0x80005007 when it cannot be written. */
static void sim_store(const char *kind, const char *name, const char *value)
{
	char *old = sim_secrets_read();
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.new", sim_sec_path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	if (fd < 0 || (access(sim_sec_path, F_OK) == 0 && access(sim_sec_path, W_OK) != 0)) {
		free(old);
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		sim_fail("0x80005007", "no write access to '%s'", sim_sec_path);
	}
	FILE *f = fdopen(fd, "w");
	char want[512];
	snprintf(want, sizeof want, "%s %s ", kind, name);
	fprintf(f, "# Primus secrets file (hsm-onboard-ppin-sim): not a real permanent secret\n");
	for (char *line = old; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (line[0] != '#' && strncmp(line, want, strlen(want)) != 0)
			fprintf(f, "%.*s\n", (int)len, line);
		line = nl ? nl + 1 : NULL;
	}
	if (value)
		fprintf(f, "%s %s %s\n", kind, name, value);
	free(old);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 || rename(tmp, sim_sec_path) != 0)
		sim_fail("0x80005010", "failed to update '%s'", sim_sec_path);
}

static void sim_list(void)
{
	sim_banner();
	int i = 0;
	for (size_t h = 0; h < sim_cfg.n_hsms; h++)
		for (size_t s = 0; s < sim_cfg.hsms[h].n_slots; s++) {
			const struct primus_cfg_slot *sl = &sim_cfg.hsms[h].slots[s];
			printf("[%02d] slot-id %d: user '%s' permanent secret: %s\n", ++i, sl->id, sl->user_name,
			       sim_configured("user", sl->user_name) ? "Configured" : "MISSING");
		}
	i = 0;
	for (size_t h = 0; h < sim_cfg.n_hsms; h++)
		for (size_t s = 0; s < sim_cfg.hsms[h].n_slots; s++) {
			const struct primus_cfg_slot *sl = &sim_cfg.hsms[h].slots[s];
			if (sl->proxy_user)
				printf("[%02d] service/proxy user '%s' permanent secret: %s\n", ++i, sl->proxy_user,
				       sim_configured("proxy", sl->proxy_user) ? "Configured" : "MISSING");
		}
}

/* ---- The token ---- */

struct sim_token {
	CK_FUNCTION_LIST *f;
	CK_SLOT_ID slot;
	CK_TOKEN_INFO info;
};

static void sim_token_close(struct sim_token *t)
{
	if (t->f) {
		p11lib_p11_kit_module_finalize(t->f);
		p11lib_p11_kit_module_release(t->f);
	}
	t->f = NULL;
}

static void sim_token_open(const char *user, struct sim_token *t)
{
	memset(t, 0, sizeof *t);
	const char *module = getenv("HSM_ONBOARD_PPIN_SIM_MODULE");
	if (!module || !*module)
		module = SOFTHSM2_MODULE;
	struct diag d;
	diag_clear(&d);
	if (p11lib_load(&d) != 0)
		sim_fail("0x80005015", "%s", d.msg);
	t->f = p11lib_p11_kit_module_load(module, P11_KIT_MODULE_UNMANAGED);
	if (!t->f || p11lib_p11_kit_module_initialize(t->f) != CKR_OK) {
		if (t->f)
			p11lib_p11_kit_module_release(t->f);
		t->f = NULL;
		sim_fail("0x80005015", "the simulated HSM (%s) cannot be reached", module);
	}
	CK_SLOT_ID slots[32];
	CK_ULONG n = 32;
	const char *want_env = getenv("HSM_ONBOARD_PPIN_SIM_TOKEN");
	int found = 0, initialised = 0;
	if (t->f->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		n = 0;
	for (int pass = 0; pass < 3 && !found; pass++)
		for (CK_ULONG i = 0; i < n && !found; i++) {
			CK_TOKEN_INFO ti;
			if (t->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK || !(ti.flags & CKF_TOKEN_INITIALIZED))
				continue;
			if (pass == 0)
				initialised++;
			char label[33];
			memcpy(label, ti.label, 32);
			label[32] = '\0';
			for (int k = 31; k >= 0 && label[k] == ' '; k--)
				label[k] = '\0';
			const char *want = pass == 0 ? user : pass == 1 ? want_env : NULL;
			if ((want && strcmp(label, want) == 0) || (pass == 2 && initialised == 1)) {
				t->slot = slots[i];
				t->info = ti;
				found = 1;
			}
		}
	if (!found) {
		sim_token_close(t);
		sim_fail("0x8000000D", "user '%s' not found on the simulated HSM", user);
	}
}

static int sim_login(struct sim_token *t, CK_SESSION_HANDLE *s, const char *pin)
{
	CK_RV rv = t->f->C_OpenSession(t->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, s);
	if (rv != CKR_OK)
		return (int)rv;
	rv = t->f->C_Login(*s, CKU_USER, (CK_UTF8CHAR_PTR)(uintptr_t)pin, (CK_ULONG)strlen(pin));
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
		t->f->C_CloseSession(*s);
		return (int)rv;
	}
	return 0;
}

static void sim_count_failure(void)
{
	if (!sim_dir)
		return;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/failures", sim_dir);
	int n = 0;
	FILE *f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = 0;
		fclose(f);
	}
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%d\n", n + 1);
		fclose(f);
	}
	if (n + 1 >= 5) {
		snprintf(path, sizeof path, "%s/locked", sim_dir);
		f = fopen(path, "w");
		if (f)
			fclose(f);
	}
}

/* ---- Commands ---- */

static void sim_cmd_p(const char *user)
{
	char pw[256], h[65], prompt[600];
	sim_banner();
	snprintf(prompt, sizeof prompt, "Provide proxy password for '%s': ", user);
	sim_ask(prompt, "proxy-password", pw, sizeof pw);
	if (sim_flag("network-down"))
		sim_fail("0x80005015", "connection to HSM failed");
	sim_hash(pw, h);
	memset(pw, 0, sizeof pw);
	if (sim_dir) {
		char path[PATH_MAX], want[80] = "";
		snprintf(path, sizeof path, "%s/proxy.sha256", sim_dir);
		FILE *f = fopen(path, "r");
		if (f) {
			if (!fgets(want, sizeof want, f))
				want[0] = '\0';
			fclose(f);
			want[strcspn(want, "\r\n")] = '\0';
			if (strcmp(want, h) != 0)
				sim_fail("0x80005017", "login to HSM failed with provided credentials for proxy user '%s'",
				         user);
		}
	}
	sim_store("proxy", user, h);
	sim_list();
}

/* -a adds the permanent secret; -u (update) replaces it with one fetched with a new setup password.
 * A failed update removes the entry (permanent_secret_management), so the entry goes before the
 * login is tried, and the next try must be -a. */
static void sim_cmd_a(const char *user, int update)
{
	char setup[256], p11[256];
	sim_banner();
	char prompt[600];
	if (sim_flag("odd-prompt")) {
		/* A prompt the documented dialogue does not have: the driver must stop, sending nothing. */
		snprintf(prompt, sizeof prompt, "Provide new device PIN for '%s': ", user);
		sim_ask(prompt, "odd", setup, sizeof setup);
	}
	snprintf(prompt, sizeof prompt, "Provide setup password for '%s': ", user);
	sim_ask(prompt, "setup-password", setup, sizeof setup);
	snprintf(prompt, sizeof prompt, "Provide PKCS11 password for '%s': ", user);
	sim_ask(prompt, "pkcs11-password", p11, sizeof p11);
	if (!primus_cfg_has_user(&sim_cfg, user))
		sim_fail("0x80005012", "user '%s' not found in '%s'", user, sim_cfg_path);
	if (sim_flag("network-down"))
		sim_fail("0x80005015", "connection to HSM failed");
	for (size_t h = 0; h < sim_cfg.n_hsms; h++)
		for (size_t s = 0; s < sim_cfg.hsms[h].n_slots; s++) {
			const char *proxy = sim_cfg.hsms[h].slots[s].proxy_user;
			if (proxy && !sim_configured("proxy", proxy))
				sim_fail("0x80005017", "proxy user '%s' has no password: run ppin -p first", proxy);
		}
	if (update) {
		/* The docs do not say what -u does without an entry; assumed: "No HSM/User configured". */
		if (!sim_configured("user", user))
			sim_fail("0x80005001", "no permanent secret configured for '%s': use -a", user);
		sim_log("UPDATE CALLED\n");
		sim_store("user", user, NULL);
	} else if (sim_configured("user", user) || sim_flag("config-exists")) {
		sim_fail("0x80005002", "HSM/User configuration already exists for '%s'", user);
	}
	if (sim_flag("locked"))
		sim_fail("0x80005017", "login locked after too many wrong attempts; it clears after a while");
	if (sim_flag("expired"))
		sim_fail("0x80005018", "setup password expired");
	struct sim_token t;
	sim_token_open(user, &t);
	CK_SESSION_HANDLE s;
	int rv = sim_login(&t, &s, setup);
	if (rv != 0) {
		sim_token_close(&t);
		sim_count_failure();
		sim_fail("0x80005017", "login to HSM failed with provided credentials (setup password) for '%s'",
		         user);
	}
	/* The permanent secret replaces the setup password; applications log in with the PKCS#11 password. */
	CK_RV r = t.f->C_SetPIN(s, (CK_UTF8CHAR_PTR)setup, (CK_ULONG)strlen(setup), (CK_UTF8CHAR_PTR)p11,
	                        (CK_ULONG)strlen(p11));
	t.f->C_Logout(s);
	t.f->C_CloseSession(s);
	sim_token_close(&t);
	memset(setup, 0, sizeof setup);
	memset(p11, 0, sizeof p11);
	if (r != CKR_OK)
		sim_fail("0x80005008", "failed to add the permanent secret (0x%lx)", (unsigned long)r);
	unsigned char rnd[24];
	char hex[49];
	if (cryptolib_RAND_bytes(rnd, sizeof rnd) != 1)
		sim_fail("0x80005008", "no random bytes");
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	sim_store("user", user, hex);
	sim_list();
}

static int sim_cmd_t(const char *only)
{
	if (access(sim_sec_path, R_OK) != 0)
		sim_fail("0x80005004", "secrets file '%s' not found", sim_sec_path);
	if (sim_flag("network-down"))
		sim_fail("0x80005015", "connection to HSM failed");
	printf("Load config file: '%s'\n\n", sim_cfg_path);
	int tested = 0, failures = 0;
	for (size_t h = 0; h < sim_cfg.n_hsms; h++) {
		printf("%s: Connect to '%s' on port %s, firmware: simulated (hsm-onboard-ppin-sim)\n",
		       sim_cfg.hsms[h].name, sim_cfg.hsms[h].host, sim_cfg.hsms[h].port);
		for (size_t s = 0; s < sim_cfg.hsms[h].n_slots; s++) {
			const struct primus_cfg_slot *sl = &sim_cfg.hsms[h].slots[s];
			if (only && strcmp(only, sl->user_name) != 0)
				continue;
			tested++;
			int ok = sim_configured("user", sl->user_name);
			if (ok) {
				struct sim_token t;
				sim_token_open(sl->user_name, &t);
				ok = (t.info.flags & CKF_USER_PIN_INITIALIZED) && !(t.info.flags & CKF_USER_PIN_LOCKED);
				sim_token_close(&t);
			}
			printf("    slot%zu (id=%d), user=%s: %s\n", s, sl->id, sl->user_name, ok ? "OK" : "0x8000000B");
			failures += !ok;
		}
	}
	printf("\nNumber of tested HSMs: %zu (number of partitions: %d)\nNumber of failures: %d\n",
	       sim_cfg.n_hsms, tested, failures);
	return failures ? 1 : 0;
}

/* --fetchlog: the partition log since the date given (default: a fixed day), as ppin dumps it. It needs
 * no secret; the HSM must allow log fetching via the API. */
static int sim_cmd_fetchlog(const char *user, const char *hsm, const char *since, const char *out)
{
	if (!user || !hsm)
		sim_fail("0x80005001", "--fetchlog needs --user <user name> and --hsm <hsm or host name>");
	if (access(sim_sec_path, R_OK) != 0)
		sim_fail("0x80005004", "secrets file '%s' not found", sim_sec_path);
	if (!primus_cfg_has_user(&sim_cfg, user))
		sim_fail("0x80005012", "user '%s' not found in '%s'", user, sim_cfg_path);
	int known = 0;
	for (size_t h = 0; h < sim_cfg.n_hsms; h++)
		if (strcmp(sim_cfg.hsms[h].name, hsm) == 0 || strcmp(sim_cfg.hsms[h].host, hsm) == 0)
			known = 1;
	if (!known)
		sim_fail("0x80005001", "no HSM '%s' configured in '%s'", hsm, sim_cfg_path);
	if (!sim_configured("user", user))
		sim_fail("0x80005001", "no permanent secret configured for '%s': use -a", user);
	if (sim_flag("network-down"))
		sim_fail("0x80005015", "connection to HSM failed");
	if (sim_flag("nolog"))
		sim_fail("0x80000069", "log fetching via API is disabled by the HSM configuration");
	char day[16] = "2026-11-27";
	if (since)
		snprintf(day, sizeof day, "%s", since);
	FILE *f = stdout;
	if (out && !(f = fopen(out, "w")))
		sim_fail("0x80005007", "cannot write '%s'", out);
	fprintf(f, "Dump log starting from %s 00:00 UTC\nFetching log from HSM.\nNumber of slots: 1\n", day);
	/* Each line: its text before the user name, then after it. */
	static const char *const lines[][2] = {
	    {"notice MSCNG Process: Login request: User: ",
	     " Client: hsm-onboard-ppin-sim@simhost@127.0.0.1 with setup password over TCP connection 536870926 "
	     "(IP 127.0.0.1:31550)"},
	    {"info MSCNG Process: Login successful: User: ",
	     " Client: hsm-onboard-ppin-sim@simhost@127.0.0.1 over TCP connection 0x2000000e (IP "
	     "127.0.0.1:31550)"},
	    {"notice Crypto Process: Interaction: User: ",
	     ", Client: hsm-onboard-ppin-sim@simhost@127.0.0.1, Protocol: pkcs11, Retrieved permanent login "
	     "credentials"},
	    {"notice MSCNG Process: Disconnect: User: ", " Client: hsm-onboard-ppin-sim@simhost@127.0.0.1 over "
	                                                 "TCP connection 536870926 (IP 127.0.0.1:31550)"},
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		fprintf(f, "%s 09:31:%02zu UTC SIMHSM %s%s%s\n", day, 28 + i, lines[i][0], user, lines[i][1]);
	if (f != stdout && fclose(f) != 0)
		sim_fail("0x80005007", "cannot write '%s'", out);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = NULL, *user = NULL, *hsm = NULL, *since = NULL, *out = NULL;
	sim_dir = getenv("HSM_ONBOARD_PPIN_SIM_DIR");
	if (sim_dir && !*sim_dir)
		sim_dir = NULL;
	sim_log_proc("ARGV", "/proc/self/cmdline");
	sim_log_proc("ENV", "/proc/self/environ");
	if (getenv("SECUROSYS_PKCS11_CONF"))
		sim_cfg_path = getenv("SECUROSYS_PKCS11_CONF");
	if (getenv("SECUROSYS_SECRETS_CONF"))
		sim_sec_path = getenv("SECUROSYS_SECRETS_CONF");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_next = i + 1 < argc;
		if (strcmp(a, "-c") == 0 && has_next)
			sim_cfg_path = argv[++i];
		else if (strcmp(a, "-s") == 0 && has_next)
			sim_sec_path = argv[++i];
		else if ((strcmp(a, "-e") == 0 || strcmp(a, "--user") == 0) && has_next)
			user = argv[++i];
		else if (strcmp(a, "--hsm") == 0 && has_next)
			hsm = argv[++i];
		else if (strcmp(a, "--slot") == 0 && has_next)
			i++;
		else if (strcmp(a, "--since") == 0 && has_next)
			since = argv[++i];
		else if (strcmp(a, "--out") == 0 && has_next)
			out = argv[++i];
		else if (strcmp(a, "--reverse") == 0)
			continue;
		else if (strcmp(a, "--fetchlog") == 0)
			cmd = "--fetchlog";
		else if (strcmp(a, "-t") == 0 || strcmp(a, "--test") == 0)
			cmd = "-t";
		else if (strlen(a) == 2 && a[0] == '-' && strchr("hvlpaurx", a[1]))
			cmd = a;
		else {
			printf("unknown option or argument '%s'; secrets are never taken on the command line\n", a);
			return 2;
		}
	}
	if (!cmd || strcmp(cmd, "-h") == 0) {
		sim_banner();
		printf("hsm-onboard-ppin-sim: simulates ppin over a SoftHSM2 token (hsm-onboard demo and tests)\n"
		       "commands: -h -v -l -p -a -u -r -x -t --fetchlog\n");
		return cmd ? 0 : 2;
	}
	if (strcmp(cmd, "-v") == 0) {
		/* The documented form (ppin_tool, "Show Installed Provider Version"); the flag file version
		 * sets the version shown, so a test can play an old provider. */
		char version[32] = "2.2.4";
		if (sim_dir) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "%s/version", sim_dir);
			FILE *f = fopen(path, "r");
			if (f) {
				if (!fgets(version, sizeof version, f))
					snprintf(version, sizeof version, "?");
				fclose(f);
				version[strcspn(version, "\r\n")] = '\0';
			}
		}
		printf("Primus HSM PKCS#11 %s\n(simulated by hsm-onboard-ppin-sim " PACKAGE_VERSION ")\n", version);
		return 0;
	}
	struct diag d;
	diag_clear(&d);
	if (access(sim_cfg_path, F_OK) != 0)
		sim_fail("0x80005003", "configuration file '%s' not found", sim_cfg_path);
	if (primus_cfg_load(sim_cfg_path, &sim_cfg, &d) != 0)
		sim_fail("0x80005005", "invalid Primus configuration file: %s", d.msg);
	int rc = 0;
	if (strcmp(cmd, "-l") == 0) {
		sim_list();
	} else if (strcmp(cmd, "--fetchlog") == 0) {
		rc = sim_cmd_fetchlog(user, hsm, since, out);
	} else if (strchr("pauxr", cmd[1]) && !user) {
		sim_fail("0x80005001", "%s needs -e <user name>", cmd);
	} else if (strcmp(cmd, "-p") == 0) {
		sim_cmd_p(user);
	} else if (strcmp(cmd, "-a") == 0) {
		sim_cmd_a(user, 0);
	} else if (strcmp(cmd, "-u") == 0) {
		sim_cmd_a(user, 1);
	} else if (strcmp(cmd, "-r") == 0 || strcmp(cmd, "-x") == 0) {
		sim_log("REMOVE CALLED\n");
		sim_store(strcmp(cmd, "-r") == 0 ? "user" : "proxy", user, NULL);
		sim_list();
	} else if (strcmp(cmd, "-t") == 0) {
		rc = sim_cmd_t(user);
	}
	sim_done();
	return rc;
}
