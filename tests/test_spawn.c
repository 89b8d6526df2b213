/* test_spawn.c: the one fork/exec (spawn.h): stdin delivered from a secure-heap buffer, output
 * bounded, exit status and signals, the timeout killing the child's whole group, no descriptor of
 * ours in the child, the end at the child's exit even while a process it started holds stdout; and
 * the pty dialogue (ptyrun.h): answers read from /dev/tty with echo off, an unexpected prompt and a
 * silence stop it before anything is sent. The children are /bin/sh one-liners, so the test needs
 * nothing else. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ptyrun.h"
#include "secmem.h"
#include "spawn.h"
#include "testutil.h"

/* Timeouts scale like the shell tests' (tests/lib.sh, HSMO_TIME_FACTOR). */
static long time_factor(void)
{
	const char *f = getenv("HSMO_TIME_FACTOR");
	long n = f ? strtol(f, NULL, 10) : 1;
	return n > 0 ? n : 1;
}

static int sh(const char *script, const char *input, size_t input_len, size_t output_max, long timeout_ms,
              struct spawn_result *r)
{
	const char *const argv[] = {"sh", "-c", script, NULL};
	struct spawn_opts o = {
	    .argv = argv,
	    .flags = SPAWN_PATH | SPAWN_CAPTURE,
	    .input = input,
	    .input_len = input_len,
	    .output_max = output_max,
	    .timeout_ms = timeout_ms,
	};
	return spawn_run(&o, r);
}

/* n bytes of c (ordinary heap: no secret). */
static char *filled(size_t n, int c)
{
	char *p = malloc(n);
	assert_non_null(p);
	memset(p, c, n);
	return p;
}

static void test_stdin_delivered_from_secure_heap(void **state)
{
	(void)state;
	static const char secret[] = "s3cret-setup-password\nsecond line\n";
	char *in = secmem_strdup(secret);
	assert_non_null(in);
	struct spawn_result r;
	assert_int_equal(sh("cat", in, strlen(in), 4096, 0, &r), 0);
	secmem_free(in);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.input_errno, 0);
	assert_string_equal(r.out, secret);
	spawn_result_free(&r);
}

/* More input than a socket holds while the child writes as much back: nothing blocks. */
static void test_large_input_and_output_do_not_deadlock(void **state)
{
	(void)state;
	size_t n = 4u << 20;
	char *in = filled(n, 'x');
	struct spawn_result r;
	assert_int_equal(sh("cat; cat /dev/null", in, n, n, 60000 * time_factor(), &r), 0);
	free(in);
	assert_int_equal(r.timed_out, 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.out_len, n);
	assert_int_equal(r.truncated, 0);
	spawn_result_free(&r);
}

static void test_output_bounded(void **state)
{
	(void)state;
	struct spawn_result r;
	assert_int_equal(sh("head -c 100000 /dev/zero | tr '\\000' a; echo tail >&2", NULL, 0, 1000, 0, &r), 0);
	assert_int_equal(r.status, 0); /* it ran to the end: the rest was read and dropped */
	assert_int_equal(r.out_len, 1000);
	assert_int_equal(r.truncated, 1);
	assert_int_equal(strlen(r.out), 1000);
	assert_int_equal(strspn(r.out, "a"), 1000);
	spawn_result_free(&r);
	/* stderr lands in the same buffer. */
	assert_int_equal(sh("echo out; echo err >&2", NULL, 0, 100, 0, &r), 0);
	assert_string_equal(r.out, "out\nerr\n");
	assert_int_equal(r.truncated, 0);
	spawn_result_free(&r);
}

static void test_exit_status_and_signal(void **state)
{
	(void)state;
	static const struct {
		const char *script;
		int status, signal;
	} cases[] = {
	    {"exit 0", 0, 0},
	    {"exit 3", 3, 0},
	    {"kill -TERM $$", 128 + SIGTERM, SIGTERM},
	    {"read line; exit 5", 5, 0}, /* stdin is /dev/null: read gets EOF at once */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct spawn_result r;
		assert_int_equal(sh(cases[i].script, NULL, 0, 100, 0, &r), 0);
		assert_int_equal(r.status, cases[i].status);
		assert_int_equal(r.signal, cases[i].signal);
		assert_int_equal(r.timed_out, 0);
		spawn_result_free(&r);
	}
	/* A program that cannot be run is 127, as in the shell. */
	const char *const argv[] = {"/nonexistent/hsmo-no-such-program", NULL};
	struct spawn_opts o = {.argv = argv, .flags = SPAWN_CAPTURE, .output_max = 100};
	struct spawn_result r;
	assert_int_equal(spawn_run(&o, &r), 0);
	assert_int_equal(r.status, 127);
	assert_int_equal(r.out_len, 0);
	spawn_result_free(&r);
}

static int process_gone(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'); /* a zombie nobody has reaped yet */
}

/* The timeout kills the child and what it started (its process group), with or without a session. */
static void test_timeout_kills_group(void **state)
{
	(void)state;
	for (int session = 0; session < 2; session++) {
		char pidfile[300], script[400];
		testutil_path(pidfile, sizeof pidfile, session ? "pid-session" : "pid-group");
		snprintf(script, sizeof script, "sleep 300 & echo $! > '%s'; echo started; wait", pidfile);
		const char *const argv[] = {"sh", "-c", script, NULL};
		struct spawn_opts o = {
		    .argv = argv,
		    .flags = SPAWN_PATH | SPAWN_CAPTURE | (session ? SPAWN_NEW_SESSION : 0),
		    .output_max = 100,
		    .timeout_ms = 300,
		};
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		struct spawn_result r;
		assert_int_equal(spawn_run(&o, &r), 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		assert_int_equal(r.timed_out, 1);
		assert_int_equal(r.signal, SIGKILL);
		assert_int_equal(r.status, 128 + SIGKILL);
		assert_string_equal(r.out, "started\n");
		assert_true(t1.tv_sec - t0.tv_sec < 20 * time_factor());
		spawn_result_free(&r);
		FILE *f = fopen(pidfile, "r");
		assert_non_null(f);
		int bg = 0;
		assert_int_equal(fscanf(f, "%d", &bg), 1);
		fclose(f);
		int gone = 0;
		for (int i = 0; i < 200 * time_factor() && !gone; i++) {
			gone = process_gone(bg);
			if (!gone)
				nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
		}
		if (!gone)
			kill(bg, SIGKILL);
		assert_true(gone);
	}
}

/* A child that stops reading: an error to report, never a SIGPIPE for us. */
static void test_child_stops_reading(void **state)
{
	(void)state;
	size_t n = 8u << 20;
	char *in = filled(n, 'y');
	struct spawn_result r;
	assert_int_equal(sh("exit 0", in, n, 100, 0, &r), 0);
	free(in);
	assert_int_equal(r.status, 0);
	assert_true(r.input_errno == EPIPE || r.input_errno == ECONNRESET);
	spawn_result_free(&r);
}

/* No descriptor of ours reaches the child, not even one opened without O_CLOEXEC. */
static void test_no_descriptor_leaks(void **state)
{
	(void)state;
	int plain = open("/dev/null", O_RDONLY);
	assert_true(plain > 2);
	char script[200];
	snprintf(script, sizeof script, "test -e /proc/self/fd/%d && echo leaked || echo closed", plain);
	struct spawn_result r;
	assert_int_equal(sh(script, "in", 2, 4096, 0, &r), 0);
	close(plain);
	assert_string_equal(r.out, "closed\n");
	spawn_result_free(&r);
	/* And the parent kept none of the spawn's descriptors: the next one opened is the lowest free. */
	int next = open("/dev/null", O_RDONLY);
	assert_int_equal(next, plain);
	close(next);
}

static int read_pid(const char *file)
{
	FILE *f = fopen(file, "r");
	assert_non_null(f);
	int pid = 0;
	assert_int_equal(fscanf(f, "%d", &pid), 1);
	fclose(f);
	return pid;
}

/* A grandchild that keeps the output open must not turn a finished run into a timeout
 * (doc/RELIABILITY.md): the run ends when the child exits. */
static void test_ends_at_exit_not_at_pipe_close(void **state)
{
	(void)state;
	char pidfile[300], script[400];
	testutil_path(pidfile, sizeof pidfile, "pid-holder");
	snprintf(script, sizeof script, "sleep 300 & echo $! > '%s'; echo done; exit 3", pidfile);
	long limit = 5000 * time_factor();
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct spawn_result r;
	assert_int_equal(sh(script, NULL, 0, 100, limit, &r), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int bg = read_pid(pidfile);
	kill(bg, SIGKILL);
	assert_int_equal(r.timed_out, 0);
	assert_int_equal(r.status, 3);
	assert_string_equal(r.out, "done\n");
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms < limit);
	spawn_result_free(&r);
}

static int pty_sh(const char *script, const struct ptyrun_step *steps, size_t n, long step_ms, long quiet_ms,
                  struct ptyrun_result *r)
{
	const char *const argv[] = {"/bin/sh", "-c", script, NULL};
	struct ptyrun_opts o = {
	    .argv = argv,
	    .steps = steps,
	    .n_steps = n,
	    .output_max = 4096,
	    .step_timeout_ms = step_ms * time_factor(),
	    .timeout_ms = 60000 * time_factor(),
	    .quiet_ms = quiet_ms * time_factor(),
	};
	return ptyrun_run(&o, r);
}

/* Two prompts, answered in order from /dev/tty, with the terminal the child's stdin and stdout; the
 * answers never come back in the output, even from a tool that turns echo on. */
static void test_pty_answers_from_tty_without_echo(void **state)
{
	(void)state;
	char *one = secmem_strdup("first-Secret-1"), *two = secmem_strdup("second-Secret-2");
	const struct ptyrun_step steps[] = {{"Provide setup password for 'U'", one},
	                                    {"Provide PKCS11 password for 'U'", two}};
	const char *script = "[ -t 0 ] && [ -t 1 ] && echo tty; stty echo; "
	                     "printf \"Provide setup password for 'U': \"; read -r a < /dev/tty; echo; "
	                     "printf \"Provide PKCS11 password for 'U' : \"; read -r b < /dev/tty; echo; "
	                     "[ \"$a\" = first-Secret-1 ] && [ \"$b\" = second-Secret-2 ] && echo both-right";
	struct ptyrun_result r;
	assert_int_equal(pty_sh(script, steps, 2, 10000, 3000, &r), 0);
	assert_int_equal(r.stop, PTYRUN_EXITED);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.answered, 2);
	assert_non_null(strstr(r.out, "tty\n"));
	assert_non_null(strstr(r.out, "both-right"));
	assert_null(strstr(r.out, "Secret"));
	ptyrun_result_free(&r);
	secmem_free(one);
	secmem_free(two);
}

/* A question that is not the expected prompt: stopped, nothing sent, the text kept for the message. */
static void test_pty_unexpected_prompt(void **state)
{
	(void)state;
	const struct ptyrun_step steps[] = {{"Provide setup password for 'U'", "never-sent"}};
	const char *script = "printf 'Enter new PIN: '; read -r a < /dev/tty; echo \"got $a\"";
	struct ptyrun_result r;
	assert_int_equal(pty_sh(script, steps, 1, 10000, 300, &r), 0);
	assert_int_equal(r.stop, PTYRUN_UNEXPECTED);
	assert_int_equal(r.answered, 0);
	assert_non_null(r.unexpected);
	assert_string_equal(r.unexpected, "Enter new PIN: ");
	assert_null(strstr(r.out, "never-sent"));
	assert_int_equal(r.signal, SIGKILL);
	ptyrun_result_free(&r);
}

/* No prompt at all within the step's bound: a timeout, the child killed. */
static void test_pty_step_timeout(void **state)
{
	(void)state;
	const struct ptyrun_step steps[] = {{"Provide setup password for 'U'", "x"}};
	struct ptyrun_result r;
	assert_int_equal(pty_sh("echo working; sleep 300", steps, 1, 300, 300, &r), 0);
	assert_int_equal(r.stop, PTYRUN_TIMEOUT);
	assert_int_equal(r.answered, 0);
	assert_int_equal(r.signal, SIGKILL);
	ptyrun_result_free(&r);
}

/* The child's exit ends the run even while a process it started holds the terminal. */
static void test_pty_ends_at_exit(void **state)
{
	(void)state;
	char pidfile[300], script[400];
	testutil_path(pidfile, sizeof pidfile, "pid-pty-holder");
	snprintf(script, sizeof script, "sleep 300 & echo $! > '%s'; echo done", pidfile);
	struct ptyrun_result r;
	assert_int_equal(pty_sh(script, NULL, 0, 1000, 3000, &r), 0);
	kill(read_pid(pidfile), SIGKILL);
	assert_int_equal(r.stop, PTYRUN_EXITED);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "done\n");
	ptyrun_result_free(&r);
}

static void test_pty_prompt_match(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int match;
	} t[] = {
	    {"Provide proxy password for 'S': ", 1},  {"Provide proxy password for 'S' : ", 1},
	    {"Provide proxy password for 'S':", 1},   {"Provide proxy password for 'S'", 0},
	    {"Provide proxy password for 'T': ", 0},  {"xProvide proxy password for 'S': ", 1},
	    {"Provide proxy password for 'S': x", 0}, {"", 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		assert_int_equal(ptyrun_is_prompt(t[i].line, strlen(t[i].line), "Provide proxy password for 'S'"),
		                 t[i].match);
}

int main(void)
{
	secmem_init(NULL);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stdin_delivered_from_secure_heap),
	    cmocka_unit_test(test_large_input_and_output_do_not_deadlock),
	    cmocka_unit_test(test_output_bounded),
	    cmocka_unit_test(test_exit_status_and_signal),
	    cmocka_unit_test(test_timeout_kills_group),
	    cmocka_unit_test(test_child_stops_reading),
	    cmocka_unit_test(test_no_descriptor_leaks),
	    cmocka_unit_test(test_ends_at_exit_not_at_pipe_close),
	    cmocka_unit_test(test_pty_answers_from_tty_without_echo),
	    cmocka_unit_test(test_pty_unexpected_prompt),
	    cmocka_unit_test(test_pty_step_timeout),
	    cmocka_unit_test(test_pty_ends_at_exit),
	    cmocka_unit_test(test_pty_prompt_match),
	};
	return cmocka_run_group_tests_name("spawn", tests, testutil_setup, testutil_teardown);
}
