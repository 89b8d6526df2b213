/* spawn.h: runs another program, the one way the program does it (fork and exec, no shell).
 *
 * What goes in and comes out is bounded and nothing leaks into the child:
 *   - stdin is fed from the caller's buffer on a socket (a child that stops reading costs an error,
 *     never a SIGPIPE); the bytes are sent straight from that buffer and never copied, so it may be
 *     a secure-heap buffer holding a secret (doc/DESIGN.md, "Secrets", rules 1 and 3);
 *   - stdout and stderr can be captured together into a bounded buffer; what exceeds it is read and
 *     dropped, so a chatty child never blocks on a full pipe;
 *   - every descriptor made here is O_CLOEXEC, and the child gets no other descriptor of ours
 *     beyond 0, 1 and 2;
 *   - with a timeout the child (its whole process group) is killed with SIGKILL;
 *   - every call is restarted after EINTR.
 * The base layer never prints: a failure names the step that failed and its errno, and the caller
 * says it in its own words. */
#ifndef HSMO_SPAWN_H
#define HSMO_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

enum spawn_flags {
	SPAWN_PATH = 1,        /* argv[0] is looked up in PATH (execvp); otherwise it is a path */
	SPAWN_NEW_SESSION = 2, /* setsid(): no controlling terminal, so a getpass-style prompt reads stdin */
	SPAWN_CAPTURE = 4,     /* stdout and stderr into spawn_result.out; otherwise they are inherited */
};

struct spawn_opts {
	const char *const *argv; /* NULL-terminated */
	const char *path;        /* the program; NULL: argv[0] */
	unsigned flags;          /* enum spawn_flags */
	const char *input;       /* fed on stdin, then EOF; NULL: stdin is /dev/null */
	size_t input_len;
	size_t output_max; /* with SPAWN_CAPTURE: at most this many bytes are kept */
	long timeout_ms;   /* > 0: killed after this long (from the start); 0: no limit */
};

/* The step that failed when spawn_run returns -1. */
enum spawn_stage {
	SPAWN_STAGE_NONE = 0,
	SPAWN_STAGE_STDIN,  /* the socket for stdin */
	SPAWN_STAGE_OUTPUT, /* the pipe for the output */
	SPAWN_STAGE_MEMORY, /* the output buffer */
	SPAWN_STAGE_FORK,
	SPAWN_STAGE_WAIT, /* waitpid */
};

struct spawn_result {
	int status;    /* the exit status, or 128 + the signal that ended it */
	int signal;    /* that signal, or 0 when the child exited */
	int timed_out; /* 1: killed after timeout_ms */
	char *out;     /* with SPAWN_CAPTURE: what it printed, NUL-terminated (malloc) */
	size_t out_len;
	int truncated;           /* 1: it printed more than output_max */
	int input_errno;         /* 0, or why stdin was not delivered in full (EPIPE: it stopped reading) */
	enum spawn_stage failed; /* with -1: the step */
	int err;                 /* with -1: its errno */
};

/* Runs o->argv[0] and waits for it. 0 when it ran (r->status; an exec failure is exit status 127, as
 * in the shell), -1 when it could not be started or waited for (r->failed, r->err; errno too). Free
 * r with spawn_result_free in both cases. */
int spawn_run(const struct spawn_opts *o, struct spawn_result *r);
void spawn_result_free(struct spawn_result *r);

/* One read(2) from a non-blocking descriptor, retried on EINTR: the count read (> 0); 0 at end of
 * file or on an error (EIO from a pty whose every slave closed); -1 when nothing is there yet. For
 * the output loops of spawn and ptyrun. */
ssize_t spawn_read_ready(int fd, char *buf, size_t size);

#endif
