/* ptyrun.c: an interactive tool on a pseudo-terminal, its prompts answered with echo off (ptyrun.h). */
#include "config.h"

#include "ptyrun.h"
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long ptyrun_ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static int ptyrun_fail(struct ptyrun_result *r, enum ptyrun_stage stage, int err)
{
	r->failed = stage;
	r->err = err;
	errno = err;
	return -1;
}

int ptyrun_is_prompt(const char *line, size_t len, const char *prompt)
{
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0 || line[len - 1] != ':')
		return 0;
	len--;
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	size_t pl = strlen(prompt);
	return pl > 0 && len >= pl && memcmp(line + len - pl, prompt, pl) == 0;
}

/* No echo (a secret must never come back), no output translation (plain line feeds). */
static int ptyrun_quiet_termios(int fd)
{
	struct termios t;
	if (tcgetattr(fd, &t) != 0)
		return -1;
	if (!(t.c_lflag & (ECHO | ECHONL)) && !(t.c_oflag & ONLCR))
		return 0;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	t.c_oflag &= ~(tcflag_t)ONLCR;
	return tcsetattr(fd, TCSANOW, &t);
}

/* In the child, between fork and exec: only async-signal-safe calls. The pty becomes the
 * controlling terminal of a new session, and the child's 0, 1 and 2. */
static void ptyrun_child(const struct ptyrun_opts *o, const char *slave_name)
{
	setsid();
	int s = open(slave_name, O_RDWR); /* a session leader's first terminal becomes its controlling one */
	if (s < 0)
		_exit(127);
	ioctl(s, TIOCSCTTY, 0);
	dup2(s, 0);
	dup2(s, 1);
	dup2(s, 2);
	if (s > 2)
		close(s);
#ifdef CLOSE_RANGE_CLOEXEC
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
	signal(SIGPIPE, SIG_DFL);
	char *const *argv = (char *const *)(uintptr_t)o->argv;
	execve(argv[0], argv, environ);
	_exit(127);
}

/* Reads what is there; beyond output_max it is dropped, carriage returns are removed. 0 at EOF or
 * EIO (every slave closed), 1 otherwise. */
static int ptyrun_take(const struct ptyrun_opts *o, struct ptyrun_result *r, int fd)
{
	char tmp[4096];
	ssize_t n = spawn_read_ready(fd, tmp, sizeof tmp);
	if (n <= 0)
		return n < 0;
	for (ssize_t i = 0; i < n; i++) {
		if (tmp[i] == '\r')
			continue;
		if (r->out_len >= o->output_max) {
			r->truncated = 1;
			continue;
		}
		r->out[r->out_len++] = tmp[i];
	}
	r->out[r->out_len] = '\0';
	return 1;
}

static const char *ptyrun_last_line(const struct ptyrun_result *r, size_t from)
{
	const char *start = r->out + from;
	const char *nl = memrchr(start, '\n', r->out_len - from);
	return nl ? nl + 1 : start;
}

/* Writes the answer and a line feed; the bytes come straight from the caller's buffer. */
static int ptyrun_send(int fd, const char *answer)
{
	const char *parts[2] = {answer, "\n"};
	for (int k = 0; k < 2; k++) {
		size_t len = strlen(parts[k]), off = 0;
		while (off < len) {
			ssize_t w = write(fd, parts[k] + off, len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				struct pollfd p = {fd, POLLOUT, 0};
				if (poll(&p, 1, 1000) <= 0)
					return -1;
				continue;
			}
			if (w <= 0)
				return -1;
			off += (size_t)w;
		}
	}
	return 0;
}

static void ptyrun_kill(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

/* The dialogue: wait for each prompt, answer it, and end when the child exits. */
static void ptyrun_dialogue(const struct ptyrun_opts *o, struct ptyrun_result *r, int master, pid_t pid,
                            int *ws, int *reaped, const struct timespec *t0)
{
	size_t seen_from = 0; /* output before this offset belongs to answered prompts */
	struct timespec step_t0 = *t0, quiet_t0 = *t0;
	size_t quiet_len = 0;
	int open_master = 1;
	for (;;) {
		pid_t w = waitpid(pid, ws, WNOHANG);
		if (w == pid) {
			*reaped = 1;
			/* What it printed before it exited is still in the pty: take it, without waiting for a
			 * process it started that still holds the terminal. */
			struct timespec drain_t0;
			clock_gettime(CLOCK_MONOTONIC, &drain_t0);
			while (open_master && ptyrun_ms_since(&drain_t0) < 1000) {
				struct pollfd p = {master, POLLIN, 0};
				if (poll(&p, 1, 20) <= 0 || !ptyrun_take(o, r, master))
					break;
			}
			r->stop = PTYRUN_EXITED;
			return;
		}
		if (w < 0 && errno != EINTR)
			return;
		const char *line = ptyrun_last_line(r, seen_from);
		size_t line_len = (size_t)(r->out + r->out_len - line);
		if (r->answered < o->n_steps && ptyrun_is_prompt(line, line_len, o->steps[r->answered].prompt)) {
			/* Echo off right before the secret goes, whatever the tool did to the terminal. */
			if (ptyrun_quiet_termios(master) != 0 || ptyrun_send(master, o->steps[r->answered].answer) != 0) {
				r->stop = PTYRUN_UNEXPECTED;
				r->unexpected = line;
				ptyrun_kill(pid);
				return;
			}
			r->answered++;
			seen_from = r->out_len;
			clock_gettime(CLOCK_MONOTONIC, &step_t0);
			quiet_len = 0;
			continue;
		}
		if (line_len != quiet_len) {
			quiet_len = line_len;
			clock_gettime(CLOCK_MONOTONIC, &quiet_t0);
		}
		/* An unfinished line that is not the expected prompt, and nothing more comes: the tool waits
		 * for an answer we do not have. */
		if (line_len > 0 && ptyrun_ms_since(&quiet_t0) >= o->quiet_ms) {
			r->stop = PTYRUN_UNEXPECTED;
			r->unexpected = line;
			ptyrun_kill(pid);
			return;
		}
		long left = o->timeout_ms - ptyrun_ms_since(t0);
		long step_left = r->answered < o->n_steps ? o->step_timeout_ms - ptyrun_ms_since(&step_t0) : left;
		if (step_left < left)
			left = step_left;
		if (left <= 0) {
			r->stop = PTYRUN_TIMEOUT;
			r->unexpected = line;
			ptyrun_kill(pid);
			return;
		}
		/* Short polls: the child's exit is noticed even while a process it started holds the pty. */
		int wait = left > 50 ? 50 : (int)left;
		if (line_len > 0 && o->quiet_ms - ptyrun_ms_since(&quiet_t0) < wait)
			wait = (int)(o->quiet_ms - ptyrun_ms_since(&quiet_t0)) + 1;
		struct pollfd p = {master, POLLIN, 0};
		int pr = open_master ? poll(&p, 1, wait) : poll(NULL, 0, wait);
		if (pr < 0 && errno != EINTR)
			return;
		if (pr > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) && !ptyrun_take(o, r, master))
			open_master = 0; /* every slave closed: only the exit is left to wait for */
	}
}

int ptyrun_run(const struct ptyrun_opts *o, struct ptyrun_result *r)
{
	memset(r, 0, sizeof *r);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!(r->out = malloc(o->output_max + 1)))
		return ptyrun_fail(r, PTYRUN_STAGE_MEMORY, ENOMEM);
	r->out[0] = '\0';
	char slave[128];
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
	    ptsname_r(master, slave, sizeof slave) != 0) {
		int err = errno;
		if (master >= 0)
			close(master);
		ptyrun_result_free(r);
		return ptyrun_fail(r, PTYRUN_STAGE_PTY, err);
	}
	/* Echo off from the start: the slave is opened here once so its settings exist before the child. */
	int s = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0 || ptyrun_quiet_termios(s) != 0) {
		int err = errno;
		if (s >= 0)
			close(s);
		close(master);
		ptyrun_result_free(r);
		return ptyrun_fail(r, PTYRUN_STAGE_PTY, err);
	}
	pid_t pid = fork();
	if (pid == 0)
		ptyrun_child(o, slave);
	int err = errno;
	close(s);
	if (pid < 0) {
		close(master);
		ptyrun_result_free(r);
		return ptyrun_fail(r, PTYRUN_STAGE_FORK, err);
	}
	fcntl(master, F_SETFL, O_NONBLOCK);
	int ws = 0, reaped = 0;
	ptyrun_dialogue(o, r, master, pid, &ws, &reaped, &t0);
	close(master);
	while (!reaped) {
		pid_t w = waitpid(pid, &ws, 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			err = errno;
			ptyrun_kill(pid);
			ptyrun_result_free(r);
			return ptyrun_fail(r, PTYRUN_STAGE_WAIT, err);
		}
	}
	r->signal = WIFSIGNALED(ws) ? WTERMSIG(ws) : 0;
	r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + r->signal;
	return 0;
}

void ptyrun_result_free(struct ptyrun_result *r)
{
	free(r->out);
	r->out = NULL;
	r->out_len = 0;
	r->unexpected = NULL;
}
