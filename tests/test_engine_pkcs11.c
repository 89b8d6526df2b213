/* test_engine_pkcs11.c: the pkcs11 engine against a real SoftHSM2 token (SOFTHSM2_CONF in a temp
 * dir, no root). Each test initializes its own token with softhsm2-util, so the tests do not depend
 * on each other's PIN changes. Skips (77) when SoftHSM2 is not installed. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine.h"
#include "randsecret.h"
#include "secmem.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

static char t_dir[256];
static const char *t_module;
static int t_token_no;

static const char t_so_pin[] = "so-fixture-1234";

static int t_run(const char *const argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A fresh token with the given user PIN; its label goes into label. */
static void t_new_token(char *label, size_t size, const char *pin)
{
	snprintf(label, size, "tok%d", ++t_token_no);
	const char *argv[] = {"softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", t_so_pin,
	                      "--pin", pin, NULL};
	assert_int_equal(t_run(argv), 0);
}

static void t_engine(struct engine_ctx *e, const char *label)
{
	engine_ctx_init(e, &engine_pkcs11_ops);
	e->module = t_module;
	e->token_label = label;
	e->hsm_user = "unused-user";
	struct diag d;
	diag_clear(&d);
	assert_int_equal(e->ops->open(e, &d), EX_OK);
}

/* A test's own token, the engine opened on it, and a cleared diag. */
struct t_opened {
	char label[32];
	struct engine_ctx e;
	struct diag d;
};

static void t_open_new_token(struct t_opened *t, const char *pin)
{
	t_new_token(t->label, sizeof t->label, pin);
	t_engine(&t->e, t->label);
	diag_clear(&t->d);
}

static void test_login_and_setpin(void **state)
{
	(void)state;
	const char *setup = "ABCDE-fghij-12345-KLMNO-pqrst";
	struct t_opened t;
	t_open_new_token(&t, setup);
	assert_int_equal(t.e.ops->preflight(&t.e, &t.d), EX_OK);
	char *pending = NULL;
	assert_int_equal(t.e.ops->new_secret(&t.e, &pending, &t.d), EX_OK);
	assert_int_equal(strlen(pending), ENGINE_PIN_DEFAULT);
	assert_int_equal(t.e.ops->login_probe(&t.e, setup, &t.d), EX_OK);
	assert_int_equal(t.e.ops->first_connect(&t.e, setup, pending, &t.d), EX_OK);
	/* The setup password is gone, the new secret works. */
	assert_int_not_equal(t.e.ops->login_probe(&t.e, setup, &t.d), EX_OK);
	assert_string_equal(t.e.err.code, "CKR_PIN_INCORRECT");
	assert_true(t.e.err.rejected);
	assert_int_equal(t.e.ops->verify(&t.e, pending, &t.d), EX_OK);
	assert_string_equal(t.e.err.code, "");
	secmem_free(pending);
	t.e.ops->close(&t.e);
}

static void test_wrong_setup_password(void **state)
{
	(void)state;
	const char *setup = "ZZZZZ-yyyyy-98765-XXXXX-wwwww";
	struct t_opened t;
	t_open_new_token(&t, setup);
	int rc =
	    t.e.ops->first_connect(&t.e, "WRONG-wrong-00000-WRONG-wrong", "new-secret-never-set-123", &t.d);
	assert_int_equal(rc, EX_NOPERM);
	assert_string_equal(t.e.err.code, "CKR_PIN_INCORRECT");
	assert_true(t.e.err.rejected);
	assert_false(t.e.err.locked);
	assert_non_null(strstr(t.d.msg, "setup password"));
	assert_non_null(strstr(t.d.msg, "lock"));
	assert_null(strstr(t.d.msg, "WRONG-wrong"));
	/* Nothing changed: the real setup password still opens the token, the new one does not. */
	assert_int_equal(t.e.ops->login_probe(&t.e, setup, &t.d), EX_OK);
	assert_int_not_equal(t.e.ops->login_probe(&t.e, "new-secret-never-set-123", &t.d), EX_OK);
	t.e.ops->close(&t.e);
}

/* A new secret the token refuses by its length (SoftHSM2 takes at most 255 bytes): the message names
 * the call and the code, and says that nothing changed, without quoting either secret. */
static void test_new_secret_refused(void **state)
{
	(void)state;
	const char *setup = "PPPPP-qqqqq-24680-RRRRR-sssss";
	struct t_opened t;
	t_open_new_token(&t, setup);
	char pending[301];
	memset(pending, 'x', sizeof pending - 1);
	pending[sizeof pending - 1] = '\0';
	assert_int_equal(t.e.ops->first_connect(&t.e, setup, pending, &t.d), EX_SOFTWARE);
	assert_string_equal(t.e.err.code, "CKR_PIN_LEN_RANGE");
	assert_false(t.e.err.rejected);
	assert_false(t.e.err.locked);
	assert_string_equal(t.d.msg, "C_SetPIN: the token refused the format of the new user secret "
	                             "(CKR_PIN_LEN_RANGE); nothing was changed");
	assert_null(strstr(t.d.msg, "xxxx"));
	assert_null(strstr(t.d.msg, setup));
	assert_int_equal(t.e.ops->login_probe(&t.e, setup, &t.d), EX_OK);
	t.e.ops->close(&t.e);
}

static void test_token_not_found_lists_tokens(void **state)
{
	(void)state;
	char label[32];
	t_new_token(label, sizeof label, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
	struct engine_ctx e;
	t_engine(&e, "no-such-token");
	struct diag d;
	diag_clear(&d);
	assert_int_equal(e.ops->preflight(&e, &d), EX_UNAVAILABLE);
	assert_string_equal(e.err.code, "TOKEN_NOT_FOUND");
	assert_non_null(strstr(d.msg, "no-such-token"));
	char quoted[40];
	snprintf(quoted, sizeof quoted, "'%s'", label);
	assert_non_null(strstr(d.msg, quoted));
	e.ops->close(&e);

	/* A slot without a token is CKR_TOKEN_NOT_PRESENT, with the same list. */
	engine_ctx_init(&e, &engine_pkcs11_ops);
	e.module = t_module;
	e.slot = 4242;
	assert_int_equal(e.ops->open(&e, &d), EX_OK);
	assert_int_equal(e.ops->preflight(&e, &d), EX_UNAVAILABLE);
	assert_string_equal(e.err.code, "CKR_TOKEN_NOT_PRESENT");
	assert_non_null(strstr(d.msg, "4242"));
	assert_non_null(strstr(d.msg, quoted));
	e.ops->close(&e);
}

static void test_default_label_is_hsm_user(void **state)
{
	(void)state;
	char label[32];
	t_new_token(label, sizeof label, "FFFFF-GGGGG-HHHHH-IIIII-JJJJJ");
	struct engine_ctx e;
	engine_ctx_init(&e, &engine_pkcs11_ops);
	e.module = t_module;
	e.hsm_user = label;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(e.ops->open(&e, &d), EX_OK);
	assert_int_equal(e.ops->preflight(&e, &d), EX_OK);
	e.ops->close(&e);
}

static void test_bad_module(void **state)
{
	(void)state;
	struct engine_ctx e;
	engine_ctx_init(&e, &engine_pkcs11_ops);
	e.module = "/nonexistent/libnothing.so";
	struct diag d;
	diag_clear(&d);
	assert_int_equal(e.ops->open(&e, &d), EX_UNAVAILABLE);
	assert_string_equal(e.err.code, "MODULE_LOAD");
	assert_non_null(strstr(d.msg, "/nonexistent/libnothing.so"));
	assert_non_null(strstr(d.msg, "--module"));

	/* A file that is not a shared library. */
	char path[300];
	snprintf(path, sizeof path, "%s/not-a-module.so", t_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is text, not ELF\n", f);
	fclose(f);
	engine_ctx_init(&e, &engine_pkcs11_ops);
	e.module = path;
	diag_clear(&d);
	assert_int_equal(e.ops->open(&e, &d), EX_UNAVAILABLE);
	assert_string_equal(e.err.code, "MODULE_LOAD");
	assert_non_null(strstr(d.msg, "failed to load"));

	engine_ctx_init(&e, &engine_pkcs11_ops);
	assert_int_equal(e.ops->open(&e, &d), EX_USAGE);
	assert_string_equal(e.err.code, "MODULE_MISSING");
}

static void test_pin_length(void **state)
{
	(void)state;
	size_t len = 0;
	assert_int_equal(engine_pin_length(4, 255, 0, &len), 0);      /* SoftHSM2: the default */
	assert_int_equal(len, ENGINE_PIN_DEFAULT);
	assert_int_equal(len, 31);                                    /* libp11 0.4.12 keeps 31 */
	assert_int_equal(engine_pin_length(4, 255, 64, &len), 0);     /* --pin-length 64 */
	assert_int_equal(len, 64);
	assert_int_equal(engine_pin_length(4, 255, 200, &len), 0);    /* capped */
	assert_int_equal(len, ENGINE_SECRET_MAX);
	assert_int_equal(engine_pin_length(4, 16, 0, &len), 0);       /* a small max wins */
	assert_int_equal(len, 16);
	assert_int_equal(engine_pin_length(0, 0, 0, &len), 0);        /* no limits given */
	assert_int_equal(len, 31);
	assert_int_equal(engine_pin_length(6, (unsigned long)-1, 40, &len), 0);
	assert_int_equal(len, 40);
	assert_int_equal(engine_pin_length(80, 128, 64, &len), -1);   /* min above what we make */
	assert_int_equal(engine_pin_length(20, 8, 0, &len), -1);      /* inconsistent token */
}

static void test_random_secret(void **state)
{
	(void)state;
	char *a = randsecret_new(64), *b = randsecret_new(64);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(strlen(a), 64);
	assert_string_not_equal(a, b);
	for (const char *c = a; *c; c++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", *c));
	secmem_free(a);
	secmem_free(b);
}

/* Every engine that writes the user secret into the configuration folder names that file to the
 * screens (engine_secret_place); an unknown engine says nothing rather than something wrong. */
static void test_secret_place(void **state)
{
	(void)state;
	static const struct {
		const char *engine, *file;
	} rows[] = {
	    {"pkcs11", "/cfg/" ENGINE_PKCS11_PIN_NAME},
	    {"primus", "/cfg/" ENGINE_PRIMUS_SECRETS_NAME},
	    {"jce", "/cfg/" ENGINE_JCE_SECRET_NAME},
	};
	char buf[256];
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		assert_int_equal(engine_secret_place(rows[i].engine, "/cfg", buf, sizeof buf), 0);
		if (!strstr(buf, rows[i].file) || !strstr(buf, "0600"))
			fail_msg("%s: '%s' does not name %s (mode 0600)", rows[i].engine, buf, rows[i].file);
	}
	assert_int_equal(engine_secret_place("nosuch", "/cfg", buf, sizeof buf), -1);
	assert_int_equal(engine_secret_place(NULL, "/cfg", buf, sizeof buf), -1);
}

static void test_write_config(void **state)
{
	(void)state;
	const char *setup = "KKKKK-LLLLL-MMMMM-NNNNN-OOOOO";
	struct t_opened t;
	t_open_new_token(&t, setup);
	char dir[300];
	snprintf(dir, sizeof dir, "%s/out dir", t_dir);
	struct filelist files = {0};
	assert_int_equal(t.e.ops->write_config(&t.e, dir, "the-current-secret", NULL, &files, &t.d), EX_OK);
	assert_int_equal(files.n, 2);
	struct stat sb;
	assert_int_equal(stat(files.path[0], &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	FILE *f = fopen(files.path[0], "r");
	char buf[1024] = "";
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	assert_string_equal(buf, "the-current-secret");
	f = fopen(files.path[1], "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	fclose(f);
	char want[128];
	snprintf(want, sizeof want, "pkcs11:token=%s;", t.label);
	assert_true(strncmp(buf, want, strlen(want)) == 0);
	assert_non_null(strstr(buf, "?module-path=/"));
	assert_non_null(strstr(buf, "&pin-source=/"));
	assert_null(strstr(buf, "file:"));
	assert_non_null(strstr(buf, "out%20dir/pkcs11.pin"));
	assert_null(strstr(buf, "the-current-secret"));
	filelist_free(&files);
	t.e.ops->close(&t.e);
}

static int t_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(void)
{
	t_module = getenv("SOFTHSM2_MODULE");
	if (!t_module || !*t_module || access(t_module, R_OK) != 0) {
		printf("SKIP: test_engine_pkcs11: SoftHSM2 module not found (SOFTHSM2_MODULE) [missing softhsm2]\n");
		return 77;
	}
	const char *probe[] = {"softhsm2-util", "--version", NULL};
	if (t_run(probe) != 0) {
		printf("SKIP: test_engine_pkcs11: softhsm2-util not found [missing softhsm2]\n");
		return 77;
	}
	secmem_init(NULL);
	snprintf(t_dir, sizeof t_dir, "%s/hsmo-test-engine.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(t_dir))
		return 99;
	char conf[300], tokens[300];
	snprintf(tokens, sizeof tokens, "%s/tokens", t_dir);
	snprintf(conf, sizeof conf, "%s/softhsm2.conf", t_dir);
	mkdir(tokens, 0700);
	FILE *f = fopen(conf, "w");
	if (!f)
		return 99;
	fprintf(f, "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", tokens);
	fclose(f);
	setenv("SOFTHSM2_CONF", conf, 1);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pin_length),
		cmocka_unit_test(test_random_secret),
		cmocka_unit_test(test_bad_module),
		cmocka_unit_test(test_login_and_setpin),
		cmocka_unit_test(test_wrong_setup_password),
		cmocka_unit_test(test_new_secret_refused),
		cmocka_unit_test(test_token_not_found_lists_tokens),
		cmocka_unit_test(test_default_label_is_hsm_user),
		cmocka_unit_test(test_write_config),
		cmocka_unit_test(test_secret_place),
	};
	int rc = cmocka_run_group_tests_name("engine_pkcs11", tests, NULL, NULL);
	nftw(t_dir, t_rm, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
