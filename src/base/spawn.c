/* spawn.c: fork and exec with a fed stdin, a bounded output and a timeout (spawn.h). */
#include "config.h"

#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long spawn_ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void spawn_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Moves a descriptor above 2, so that placing the child's 0, 1 and 2 never overwrites another one
 * (a parent started with a closed stdin gets 0 from socketpair). */
static int spawn_lift(int *fd)
{
	if (*fd > 2)
		return 0;
	int n = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (n < 0)
		return -1;
	close(*fd);
	*fd = n;
	return 0;
}

static int spawn_fail(struct spawn_result *r, enum spawn_stage stage, int err)
{
	r->failed = stage;
	r->err = err;
	errno = err;
	return -1;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void spawn_child(const struct spawn_opts *o, int in, int out)
{
	if (o->flags & SPAWN_NEW_SESSION)
		setsid();
	else if (o->timeout_ms > 0)
		setpgid(0, 0); /* its own group, so the timeout kills what it started too */
	if (in < 0)
		in = open("/dev/null", O_RDONLY);
	if (in >= 0)
		dup2(in, 0);
	else
		close(0);
	if (out >= 0) {
		dup2(out, 1);
		dup2(out, 2);
	}
#ifdef CLOSE_RANGE_CLOEXEC
	/* Descriptors the parent opened without O_CLOEXEC (a library's) stay ours. Best effort: an older
	 * kernel refuses the flag, and then only our own O_CLOEXEC ones are kept from the child. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
	signal(SIGPIPE, SIG_DFL);
	char *const *argv = (char *const *)(uintptr_t)o->argv;
	const char *path = o->path ? o->path : argv[0];
	if (o->flags & SPAWN_PATH)
		execvp(path, argv);
	else
		execve(path, argv, environ);
	_exit(127);
}

ssize_t spawn_read_ready(int fd, char *buf, size_t size)
{
	ssize_t n;
	do
		n = read(fd, buf, size);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -1;
	return n < 0 ? 0 : n;
}

/* Takes one read's worth of output; beyond output_max it is dropped. 0 at EOF or an error. */
static int spawn_take_output(const struct spawn_opts *o, struct spawn_result *r, int fd)
{
	char tmp[4096];
	ssize_t n = spawn_read_ready(fd, tmp, sizeof tmp);
	if (n <= 0)
		return n < 0;
	size_t take = (size_t)n;
	if (r->out_len + take > o->output_max) {
		take = o->output_max - r->out_len;
		r->truncated = 1;
	}
	memcpy(r->out + r->out_len, tmp, take);
	r->out_len += take;
	return 1;
}

/* Sends what is left of the input; 0 when it is all sent or cannot be (r->input_errno). */
static int spawn_feed(const struct spawn_opts *o, struct spawn_result *r, int fd, size_t *off)
{
	while (*off < o->input_len) {
		ssize_t w = send(fd, o->input + *off, o->input_len - *off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (w <= 0) {
			r->input_errno = w < 0 ? errno : EPIPE;
			return 0;
		}
		*off += (size_t)w;
	}
	return 0;
}

/* Takes what the output pipe holds now, without waiting for a writer that is still alive. */
static void spawn_drain(const struct spawn_opts *o, struct spawn_result *r, int *out)
{
	while (*out >= 0) {
		struct pollfd p = {*out, POLLIN, 0};
		if (poll(&p, 1, 0) <= 0 || !spawn_take_output(o, r, *out))
			spawn_close(out);
	}
}

/* Feeds stdin and reads the output until the child has exited, or the time is up. The run ends when
 * the child exits, not when the pipe closes: a process it started may hold its stdout for much longer
 * (a daemon, a helper), and waiting for that would turn a success into a timeout. *reaped is 1 when
 * the child was waited for here (its status in *ws). */
static void spawn_exchange(const struct spawn_opts *o, struct spawn_result *r, int *in, int *out, pid_t pid,
                           int *ws, int *reaped, const struct timespec *t0)
{
	size_t off = 0;
	if (*in >= 0 && !spawn_feed(o, r, *in, &off))
		spawn_close(in);
	for (;;) {
		pid_t w = waitpid(pid, ws, WNOHANG);
		if (w == pid) {
			*reaped = 1;
			spawn_drain(o, r, out);
			return;
		}
		if (w < 0 && errno != EINTR)
			return;
		struct pollfd pfd[2];
		nfds_t n = 0;
		if (*in >= 0)
			pfd[n++] = (struct pollfd){*in, POLLOUT, 0};
		if (*out >= 0)
			pfd[n++] = (struct pollfd){*out, POLLIN, 0};
		/* Short polls, so the exit is seen while someone else still holds the pipe. */
		int wait = 50;
		if (o->timeout_ms > 0) {
			long left = o->timeout_ms - spawn_ms_since(t0);
			if (left <= 0) {
				r->timed_out = 1;
				return;
			}
			if (left < wait)
				wait = (int)left;
		}
		int pr = poll(n ? pfd : NULL, n, wait);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return;
		for (nfds_t i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (pfd[i].fd == *in && !spawn_feed(o, r, *in, &off))
				spawn_close(in);
			else if (pfd[i].fd == *out && !spawn_take_output(o, r, *out))
				spawn_close(out);
		}
	}
}

/* Kills the child and, when it leads a group of its own, all it started. */
static void spawn_kill(const struct spawn_opts *o, pid_t pid)
{
	if ((o->flags & SPAWN_NEW_SESSION) || o->timeout_ms > 0)
		kill(-pid, SIGKILL);
	kill(pid, SIGKILL); /* also when it has not reached setsid() or setpgid() yet */
}

/* Waits for the child; with a timeout, kills it once the time is up. */
static int spawn_wait(const struct spawn_opts *o, struct spawn_result *r, pid_t pid, int ws, int reaped,
                      const struct timespec *t0)
{
	if (r->timed_out)
		spawn_kill(o, pid);
	while (!reaped) {
		int nohang = o->timeout_ms > 0 && !r->timed_out;
		pid_t w = waitpid(pid, &ws, nohang ? WNOHANG : 0);
		if (w == pid)
			break;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (spawn_ms_since(t0) >= o->timeout_ms) {
			r->timed_out = 1;
			spawn_kill(o, pid);
		} else {
			nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
		}
	}
	r->signal = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;
	r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + r->signal;
	return 0;
}

int spawn_run(const struct spawn_opts *o, struct spawn_result *r)
{
	memset(r, 0, sizeof *r);
	int capture = (o->flags & SPAWN_CAPTURE) != 0;
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (o->input && (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0 || spawn_lift(&in[0]) != 0 ||
	                 spawn_lift(&in[1]) != 0)) {
		err = errno;
		spawn_close(&in[0]);
		spawn_close(&in[1]);
		return spawn_fail(r, SPAWN_STAGE_STDIN, err);
	}
	if (capture && (pipe2(out, O_CLOEXEC) != 0 || spawn_lift(&out[0]) != 0 || spawn_lift(&out[1]) != 0)) {
		err = errno;
		spawn_close(&in[0]);
		spawn_close(&in[1]);
		spawn_close(&out[0]);
		spawn_close(&out[1]);
		return spawn_fail(r, SPAWN_STAGE_OUTPUT, err);
	}
	if (capture && !(r->out = malloc(o->output_max + 1))) {
		spawn_close(&in[0]);
		spawn_close(&in[1]);
		spawn_close(&out[0]);
		spawn_close(&out[1]);
		return spawn_fail(r, SPAWN_STAGE_MEMORY, ENOMEM);
	}
	pid_t pid = fork();
	if (pid == 0)
		spawn_child(o, in[1], out[1]);
	err = errno;
	spawn_close(&in[1]);
	spawn_close(&out[1]);
	if (pid < 0) {
		spawn_close(&in[0]);
		spawn_close(&out[0]);
		spawn_result_free(r);
		return spawn_fail(r, SPAWN_STAGE_FORK, err);
	}
	if (!(o->flags & SPAWN_NEW_SESSION) && o->timeout_ms > 0)
		setpgid(pid, pid); /* as the child does: whichever runs first, the group is there to kill */
	if (out[0] >= 0)
		fcntl(out[0], F_SETFL, O_NONBLOCK);
	int ws = 0, reaped = 0;
	spawn_exchange(o, r, &in[0], &out[0], pid, &ws, &reaped, &t0);
	spawn_close(&in[0]);
	spawn_close(&out[0]);
	if (r->out)
		r->out[r->out_len] = '\0';
	if (spawn_wait(o, r, pid, ws, reaped, &t0) != 0) {
		err = errno;
		spawn_result_free(r);
		return spawn_fail(r, SPAWN_STAGE_WAIT, err);
	}
	return 0;
}

void spawn_result_free(struct spawn_result *r)
{
	free(r->out);
	r->out = NULL;
	r->out_len = 0;
}
