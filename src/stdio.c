/*
 * stdin and stdout before the relay: no closed descriptor among 0-2 for
 * a socket to land on, a private non-blocking description for pipes and
 * ttys, and pipes grown so that one splice moves up to 1 MiB.  stderr
 * for --quiet, and the --json report's file at the end.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcpdial.h"

/*
 * Give stdin and stdout non-blocking descriptions of their own, so that
 * a slow reader of stdout can never stall the other direction.  Setting
 * O_NONBLOCK on the inherited description would change it for every
 * process sharing it (a terminal's shell, say); reopening a pipe or tty
 * through /proc makes a private one.  Regular files and /dev/null never
 * block; sockets and anything that cannot be reopened stay as they are.
 */
static void
stdio_nonblock(int fd, int mode, size_t grow)
{
	char path[32];
	struct stat st;
	int flags, nfd;

	/* Only a description already open for this use: never widen it. */
	flags = fcntl(fd, F_GETFL);
	if (flags == -1 || ((flags & O_ACCMODE) != mode &&
	    (flags & O_ACCMODE) != O_RDWR))
		return;
	if (fstat(fd, &st) == -1 || !(S_ISFIFO(st.st_mode) || isatty(fd)))
		return;
	/* Bigger pipes mean fewer wake-ups here and at the other end. */
	if (S_ISFIFO(st.st_mode) && fcntl(fd, F_GETPIPE_SZ) < (int)grow)
		fcntl(fd, F_SETPIPE_SZ, (int)grow);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, mode | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (nfd == -1)
		return;
	dup2(nfd, fd);
	close(nfd);
}

/*
 * Make sure fds 0, 1 and 2 exist before any socket is made, so the
 * socket never lands on one of them (SPEC 4).  A closed stdin becomes
 * /dev/null and reads as empty; a closed stdout becomes /dev/null opened
 * for reading only, so that data arriving for it fails with EBADF, a
 * local I/O error, instead of silently going nowhere.
 */
void
stdio_init(bool relay)
{
	static const int mode[] = { O_RDONLY, O_RDONLY, O_WRONLY };
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1)
			open("/dev/null", mode[fd]);
	if (relay) {
		stdio_nonblock(STDIN_FILENO, O_RDONLY, PIPE_IN_GROW);
		stdio_nonblock(STDOUT_FILENO, O_WRONLY, PIPE_OUT_GROW);
	}
}

/*
 * Close stdout now, so that the reader downstream (a pipe, a coprocess)
 * sees its end while we go on sending.  fd 1 stays taken, by /dev/null,
 * so no later descriptor can land on it.
 */
void
stdio_close_out(void)
{
	int fd;

	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd == -1) {
		close(STDOUT_FILENO);
		return;
	}
	dup2(fd, STDOUT_FILENO);
	close(fd);
}

/*
 * --quiet: stderr goes to /dev/null, so that nothing but a usage error
 * (printed before) is seen, whatever speaks.  Returns a descriptor of
 * the caller's stderr, close-on-exec, for a command run after success
 * (stdio_speak); or -1 when nothing was changed.
 */
int
stdio_quiet(void)
{
	int saved, fd;

	saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved == -1 || fd == -1 || dup2(fd, STDERR_FILENO) == -1) {
		if (saved != -1)
			close(saved);
		saved = -1;
	}
	if (fd != -1)
		close(fd);
	return saved;
}

/* Give stderr back, as stdio_quiet() found it (saved: its return). */
void
stdio_speak(int saved)
{
	if (saved != -1)
		dup2(saved, STDERR_FILENO);
}

/*
 * All of p[0, n) to fd, waiting for room under mask (the ending signals
 * let through), so that a reader that stalls cannot hold a signal
 * hostage; mask NULL: a signal came already, no waiting at all.  Returns
 * 0, or -1 with errno (EINTR: a signal came; EAGAIN: no room, no wait).
 */
static int
write_all(int fd, const char *p, size_t n, const sigset_t *mask)
{
	static const struct timespec now = { 0, 0 };
	struct pollfd pfd = { fd, POLLOUT, 0 };
	ssize_t k;
	int ready;

	while (n > 0) {
		ready = ppoll(&pfd, 1, mask != NULL ? NULL : &now, mask);
		if (ready == -1)
			return -1;
		if (ready == 0) {
			errno = EAGAIN;
			return -1;
		}
		/* A pipe's POLLOUT promises room for PIPE_BUF bytes. */
		k = write(fd, p, n < PIPE_BUF ? n : PIPE_BUF);
		if (k == -1 && errno != EAGAIN)
			return -1;
		if (k > 0) {
			p += k;
			n -= (size_t)k;
		}
	}
	return 0;
}

/*
 * The descriptor a name stands for, as a shell's redirection reads it:
 * "-", /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N; else -1.
 * Written as it is: reopened, a file would be written from its start.
 */
static int
named_fd(const char *path)
{
	const char *errstr, *n = NULL;
	int fd;

	if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(path, "/dev/stderr") == 0)
		return STDERR_FILENO;
	if (strncmp(path, "/dev/fd/", 8) == 0)
		n = path + 8;
	else if (strncmp(path, "/proc/self/fd/", 14) == 0)
		n = path + 14;
	if (n == NULL)
		return -1;
	fd = (int)strtonum(n, 0, INT_MAX, &errstr);
	return errstr == NULL ? fd : -1;
}

/*
 * Open what is not a regular file (a device, a FIFO) to write, waiting
 * under mask for a FIFO's reader (mask NULL: no waiting, as above).
 * Returns the descriptor or -1.
 */
static int
open_special(const char *path, const sigset_t *mask)
{
	const struct timespec step = { 0, 20000000L };	/* 20 ms */
	int fd;

	while ((fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1 && errno == ENXIO && mask != NULL)
		if (ppoll(NULL, 0, &step, mask) == -1)
			return -1;
	return fd;
}

/* Write text to a new file beside path, then rename it over path. */
static int
replace_file(const char *path, const char *text, size_t len,
    const sigset_t *mask)
{
	char tmp[PATH_MAX + 8];
	mode_t umask_now;
	int fd, rc, err;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return -1;
	/* As a plain create would: 0666 less the umask. */
	umask_now = umask(0);
	umask(umask_now);
	rc = fchmod(fd, 0666 & ~umask_now);
	if (rc == 0)
		rc = write_all(fd, text, len, mask);
	err = errno;
	if (close(fd) == -1 && rc == 0) {
		rc = -1;
		err = errno;
	}
	if (rc == 0 && rename(tmp, path) == -1) {
		rc = -1;
		err = errno;
	}
	if (rc == -1)
		unlink(tmp);
	errno = err;
	return rc;
}

/*
 * The --json report's text, and a newline, to path (SPEC 9): a regular
 * file (or none yet) is written whole or not at all, under a temporary
 * name renamed over it; a symbolic link is followed; anything else is
 * written as it is.  mask: the signal mask to wait under, or NULL for
 * no waiting.  Returns 0, or -1 with errno.
 */
int
stdio_write_file(const char *path, char *text, size_t len,
    const sigset_t *mask)
{
	char real[PATH_MAX];
	struct stat st;
	int fd, rc, err;

	text[len++] = '\n';	/* json_text() leaves room: its NUL */
	if ((fd = named_fd(path)) != -1)
		return write_all(fd, text, len, mask);
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    realpath(path, real) != NULL)
		path = real;
	if (stat(path, &st) == -1 || S_ISREG(st.st_mode))
		return replace_file(path, text, len, mask);
	if ((fd = open_special(path, mask)) == -1)
		return -1;
	rc = write_all(fd, text, len, mask);
	err = errno;
	close(fd);
	errno = err;
	return rc;
}
