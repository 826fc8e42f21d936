/*
 * stdin and stdout before the relay: no closed descriptor among 0-2 for
 * a socket to land on, a private non-blocking description for pipes and
 * ttys, and pipes grown so that one splice moves up to 1 MiB.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
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
stdio_nonblock(int fd, int mode)
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
	if (S_ISFIFO(st.st_mode) && fcntl(fd, F_GETPIPE_SZ) < (int)PIPE_GROW)
		fcntl(fd, F_SETPIPE_SZ, (int)PIPE_GROW);
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
		stdio_nonblock(STDIN_FILENO, O_RDONLY);
		stdio_nonblock(STDOUT_FILENO, O_WRONLY);
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
