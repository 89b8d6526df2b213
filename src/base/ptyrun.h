/* ptyrun.h: runs an interactive tool on a pseudo-terminal and answers its prompts (doc/DESIGN.md,
 * "Driving ppin").
 *
 * A tool that prompts without echo (getpass and the like) reads its controlling terminal, /dev/tty,
 * not stdin: a pipe never reaches it. ptyrun gives the child a new session whose controlling terminal,
 * stdin, stdout and stderr are the slave side of a fresh pty, and talks to it through the master:
 *   - each answer is sent only after its prompt is the last, unfinished line of the output, and only
 *     with the terminal's echo off (checked, and turned off, right before the bytes go), so a
 *     secret never comes back in the captured output;
 *   - an unfinished line that is not the expected prompt and stays so for quiet_ms, or a prompt after
 *     the last answer, stops the run before anything more is sent: the child is killed and the text
 *     is left in the output for the caller to show (quoted);
 *   - every wait is bounded: each prompt by step_timeout_ms, the whole run by timeout_ms;
 *   - the run ends when the child exits, even when a process it started still holds the terminal.
 * Answers are sent straight from the caller's buffers (they may be secure-heap secrets) and never
 * copied. The base layer never prints. */
#ifndef HSMO_PTYRUN_H
#define HSMO_PTYRUN_H

#include <stddef.h>

struct ptyrun_step {
	/* The prompt as the tool shows it, without the colon: the step matches when the unfinished last
	 * line ends with this text, then optional blanks and a colon, then optional blanks. */
	const char *prompt;
	const char *answer; /* sent followed by a line feed */
};

struct ptyrun_opts {
	const char *const *argv; /* argv[0] is a path (no PATH search) */
	const struct ptyrun_step *steps;
	size_t n_steps;
	size_t output_max;    /* at most this many bytes are kept */
	long step_timeout_ms; /* the longest wait for one prompt */
	long timeout_ms;      /* the whole run, from the start */
	long quiet_ms;        /* an unknown unfinished line unchanged this long is an unexpected prompt */
};

enum ptyrun_stop {
	PTYRUN_EXITED = 0, /* the child exited (status, signal) */
	PTYRUN_TIMEOUT,    /* a wait ran out; the child was killed */
	PTYRUN_UNEXPECTED, /* it asked something else; the child was killed before more was sent */
};

enum ptyrun_stage {
	PTYRUN_STAGE_NONE = 0,
	PTYRUN_STAGE_PTY, /* posix_openpt, grantpt, unlockpt, ptsname_r, termios */
	PTYRUN_STAGE_MEMORY,
	PTYRUN_STAGE_FORK,
	PTYRUN_STAGE_WAIT,
};

struct ptyrun_result {
	enum ptyrun_stop stop;
	int status; /* the exit status, or 128 + the signal */
	int signal;
	size_t answered; /* how many steps were answered */
	char *out;       /* what it printed, carriage returns removed, NUL-terminated (malloc) */
	size_t out_len;
	int truncated;
	const char *unexpected; /* PTYRUN_UNEXPECTED/TIMEOUT: the unfinished last line, inside out */
	enum ptyrun_stage failed;
	int err;
};

/* 0 when the child ran (r->stop says how it ended), -1 when it could not be started (r->failed,
 * r->err, errno). Free r with ptyrun_result_free in both cases. */
int ptyrun_run(const struct ptyrun_opts *o, struct ptyrun_result *r);
void ptyrun_result_free(struct ptyrun_result *r);

/* 1 when line (an unfinished last line) is prompt followed by optional blanks, a colon and optional
 * blanks. Exposed for the tests. */
int ptyrun_is_prompt(const char *line, size_t len, const char *prompt);

#endif
