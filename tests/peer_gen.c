/*
 * The peer's byte stream (xorshift64*, the same for send and gen), and
 * the subcommands that are not a server, other than freeport
 * (peer_conn.c): gen, vgen, feed, stall, fillpipe and pipesize
 * (tests/PEER.txt).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "peer.h"

void
stream_init(struct stream *st)
{
	st->s = 0x9E3779B97F4A7C15ULL;
	st->off = sizeof(st->blk);
}

/* xorshift64*, one 64-bit output per step, emitted little-endian. */
static void
stream_step(struct stream *st)
{
	uint64_t x;
	size_t i;

	st->s ^= st->s >> 12;
	st->s ^= st->s << 25;
	st->s ^= st->s >> 27;
	x = st->s * 0x2545F4914F6CDD1DULL;
	for (i = 0; i < sizeof(st->blk); i++)
		st->blk[i] = (unsigned char)(x >> (8 * i));
	st->off = 0;
}

/* Byte-granular so that "send 3 send 5" equals "send 8". */
void
stream_fill(struct stream *st, unsigned char *buf, size_t len)
{
	size_t n;

	while (len > 0) {
		if (st->off == sizeof(st->blk))
			stream_step(st);
		n = sizeof(st->blk) - st->off;
		if (n > len)
			n = len;
		memcpy(buf, st->blk + st->off, n);
		st->off += n;
		buf += n;
		len -= n;
	}
}

/*
 * Write the first n bytes of the stream to fd.  Returns 0, also when the
 * reader chose to stop (EPIPE); exits on any other error.
 */
static int
gen_write(int fd, long long left)
{
	static unsigned char buf[GENBUFSZ];
	struct stream st;
	size_t len, off;
	ssize_t n;

	stream_init(&st);
	while (left > 0) {
		len = left < GENBUFSZ ? (size_t)left : GENBUFSZ;
		stream_fill(&st, buf, len);
		for (off = 0; off < len; off += (size_t)n) {
			n = write(fd, buf + off, len - off);
			if (n == -1 && errno == EINTR)
				n = 0;
			else if (n == -1 && (errno == EPIPE ||
			    errno == ECONNRESET))
				return 0;	/* the reader chose to stop */
			else if (n == -1)
				err(1, "write");
		}
		left -= (long long)len;
	}
	return 0;
}

int
gen_main(int argc, char *argv[])
{
	if (argc != 3)
		usage();
	return gen_write(STDOUT_FILENO, number("gen", argv[2], 0, LLONG_MAX));
}

/*
 * vgen N: the stream's first VGENBUFSZ bytes over and over, N in all,
 * vmsplice(2)d to the pipe on stdout from a buffer never written again.
 * Costs next to no CPU, so the scheduler often lets it take the CPU the
 * moment its pipe has room (a benchmark's writer does the same); run
 * SCHED_FIFO, it always does.
 */
int
vgen_main(int argc, char *argv[])
{
	static unsigned char buf[VGENBUFSZ] __attribute__((aligned(4096)));
	struct stream st;
	struct iovec iov;
	long long left;
	size_t off = 0;
	ssize_t n;

	if (argc != 3)
		usage();
	left = number("vgen", argv[2], 0, LLONG_MAX);
	stream_init(&st);
	stream_fill(&st, buf, sizeof(buf));
	while (left > 0) {
		iov.iov_base = buf + off;
		iov.iov_len = sizeof(buf) - off;
		if ((long long)iov.iov_len > left)
			iov.iov_len = (size_t)left;
		n = vmsplice(STDOUT_FILENO, &iov, 1, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EPIPE)
			return 0;	/* the reader chose to stop */
		if (n == -1)
			err(1, "vmsplice");
		off = (off + (size_t)n) % sizeof(buf);
		left -= n;
	}
	return 0;
}

/*
 * Run cmd with fd target (0 or 1) one end of a new UNIX stream socket
 * pair, filled full first when full; the other end is returned in
 * *ours.  Returns the child's pid.
 */
static pid_t
spawn_on_socket(int target, bool full, char **cmd, int *ours)
{
	static const char fill[4096];
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		err(1, "socketpair");
	while (full && send(sv[1], fill, sizeof(fill), MSG_DONTWAIT) > 0)
		;
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (dup2(sv[1], target) == -1)
			err(1, "dup2");
		execvp(cmd[0], cmd);
		err(127, "%s", cmd[0]);
	}
	close(sv[1]);
	*ours = sv[0];
	return pid;
}

/* Wait for pid: its status as a shell gives it (128+sig if killed). */
static int
reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * feed N CMD...: run CMD with stdin a UNIX stream socket that carries the
 * first N bytes of the stream, then EOF; exit as CMD did.  A socket is
 * neither a pipe nor a regular file: tcpdial reads it by plain copy.
 */
int
feed_main(int argc, char *argv[])
{
	long long n;
	pid_t pid;
	int fd, st;

	if (argc < 4)
		usage();
	n = number("feed", argv[2], 0, LLONG_MAX);
	pid = spawn_on_socket(STDIN_FILENO, false, argv + 3, &fd);
	gen_write(fd, n);
	shutdown(fd, SHUT_WR);
	st = reap(pid);
	close(fd);
	return st;
}

/*
 * stall: run cmd with stdout a UNIX stream socket that nobody reads.  Its
 * buffer is small and fixed (net.core.wmem_default), where a pipe that
 * tcpdial splices into holds an unknown amount (up to a frag per slot).
 * It is filled full before cmd starts, so that cmd can write nothing at
 * all to it: a partly full socket takes writes that poll(2) would not
 * announce (POLLOUT comes only below a quarter of its buffer).
 */
int
stall_main(int argc, char *argv[])
{
	pid_t pid;
	int fd, st;

	if (argc < 3)
		usage();
	pid = spawn_on_socket(STDOUT_FILENO, true, argv + 2, &fd);
	st = reap(pid);
	close(fd);
	return st;
}

/*
 * fillpipe: grow the pipe on stdout to 1 MiB and fill it to the brim, so
 * that whoever writes to it next is blocked from the first byte.
 */
int
fillpipe(void)
{
	static unsigned char buf[IOBUFSZ];

	if (fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 1024 * 1024) == -1)
		err(1, "F_SETPIPE_SZ");
	if (fcntl(STDOUT_FILENO, F_SETFL, O_NONBLOCK) == -1)
		err(1, "O_NONBLOCK");
	while (write(STDOUT_FILENO, buf, sizeof(buf)) > 0 ||
	    errno == EINTR)
		;
	if (errno != EAGAIN)
		err(1, "write");
	return 0;
}

/*
 * pipesize FILE: print the size of the pipe FILE names (/proc/PID/fd/N
 * reaches another process's) and the bytes it holds, as "SIZE HELD".
 */
int
pipesize(const char *path)
{
	int fd, held;
	long size;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK)) == -1)
		err(1, "%s", path);
	if ((size = fcntl(fd, F_GETPIPE_SZ)) == -1)
		err(1, "F_GETPIPE_SZ");
	if (ioctl(fd, FIONREAD, &held) == -1)
		err(1, "FIONREAD");
	printf("%ld %d\n", size, held);
	return 0;
}
