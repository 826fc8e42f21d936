/*
 * pump: the fast ends of `make bench`, so that only the client under test
 * is ever the bottleneck.
 *
 *   pump gen N              N bytes to stdout (vmsplice when it is a pipe)
 *   pump count              count stdin to EOF, print the number
 *   pump crlfsize N         the size of gen's N bytes once each bare LF is
 *                           CRLF (what a -C client sends)
 *   pump serve sink         listen on 127.0.0.1, print the port; accept one
 *                           connection, read it to EOF, print "bytes=N"
 *   pump serve source N     ... send N bytes (sendfile), then close
 *   pump serve accept       ... accept and close connections until killed
 *   pump client HOST PORT   the splice(2) reference client: stdin to the
 *                           socket and the socket to stdout, one thread each,
 *                           half-close at stdin EOF, exit at the peer's EOF
 *   pump client -z HOST PORT  connect and close (the reference probe)
 *
 * PUMP_PIPE=N grows the client's stdin and stdout pipes to N bytes first
 * (the pipe-size study, make bench-study); unset, they stay as they are.
 */
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1024 * 1024)

static long long
number(const char *s)
{
	const char *errstr;
	long long n;

	n = strtonum(s, 0, 1LL << 50, &errstr);
	if (errstr != NULL)
		errx(2, "number %s: %s", s, errstr);
	return n;
}

static void
pattern(unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 7 + (i >> 12));
}

/* crlfsize: gen's N bytes, each bare LF counted as two. */
static long long
crlfsize(long long left)
{
	static unsigned char buf[CHUNK];
	long long size = left;
	bool prev_cr = false;
	size_t i, len;

	pattern(buf, sizeof(buf));
	while (left > 0) {
		len = left < CHUNK ? (size_t)left : CHUNK;
		for (i = 0; i < len; i++) {
			size += buf[i] == '\n' && !prev_cr;
			prev_cr = buf[i] == '\r';
		}
		left -= (long long)len;
	}
	return size;
}

/* gen: vmsplice one page-aligned buffer again and again. */
static int
gen(long long left)
{
	static unsigned char buf[CHUNK] __attribute__((aligned(4096)));
	struct iovec iov;
	ssize_t n;

	pattern(buf, sizeof(buf));
	while (left > 0) {
		iov.iov_base = buf;
		iov.iov_len = left < CHUNK ? (size_t)left : CHUNK;
		n = vmsplice(STDOUT_FILENO, &iov, 1, 0);
		/* Not a pipe: vmsplice says EBADF or EINVAL; write instead. */
		if (n == -1 && (errno == EINVAL || errno == EBADF))
			n = write(STDOUT_FILENO, buf, iov.iov_len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			err(1, "gen");
		left -= n;
	}
	return 0;
}

/* Read fd to EOF, throwing the bytes away; returns how many. */
static long long
drain(int fd)
{
	static char buf[CHUNK];
	long long total = 0;
	ssize_t n;
	int null;

	null = open("/dev/null", O_WRONLY);
	for (;;) {
		n = splice(fd, NULL, null, NULL, CHUNK, SPLICE_F_MOVE);
		if (n == -1 && errno == EINVAL)
			n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += n;
	}
	if (n == -1)
		err(1, "drain");
	close(null);
	return total;
}

static int
listen_any(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* A deep queue: the "many" row's 100 SYNs come at once. */
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 1024) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		err(1, "listen");
	printf("%d\n", ntohs(sin.sin_port));
	fflush(stdout);
	return fd;
}

/* source: sendfile from a memfd holding one pattern chunk. */
static void
source(int fd, long long left)
{
	static unsigned char buf[CHUNK];
	off_t off;
	ssize_t n;
	int mfd;

	pattern(buf, sizeof(buf));
	if ((mfd = memfd_create("pump", 0)) == -1 ||
	    write(mfd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		err(1, "memfd");
	while (left > 0) {
		off = 0;
		n = sendfile(fd, mfd, &off,
		    left < CHUNK ? (size_t)left : CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			err(1, "sendfile");
		left -= n;
	}
}

static int
serve(int argc, char **argv)
{
	int lfd, fd;

	if (argc < 1)
		errx(2, "serve: sink, source N or accept");
	lfd = listen_any();
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "accept");
		}
		if (strcmp(argv[0], "accept") == 0) {
			close(fd);
			continue;
		}
		if (strcmp(argv[0], "sink") == 0)
			printf("bytes=%lld\n", drain(fd));
		else if (strcmp(argv[0], "source") == 0 && argc == 2)
			source(fd, number(argv[1]));
		else
			errx(2, "serve: unknown mode %s", argv[0]);
		close(fd);
		return 0;
	}
}

/* Copy in to out with read and write: for what splice refuses. */
static int
copy_all(int in, int out)
{
	static char buf[128 * 1024];
	ssize_t n, m, off;

	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		for (off = 0; off < n; off += m)
			if ((m = write(out, buf + off,
			    (size_t)(n - off))) == -1)
				return -1;
	}
	return 0;
}

/* Copy in to out with splice through a private pipe when neither is one. */
static int
splice_all(int in, int out)
{
	struct stat st;
	int p[2] = { -1, -1 }, direct;
	ssize_t n, m;

	direct = (fstat(in, &st) == 0 && S_ISFIFO(st.st_mode)) ||
	    (fstat(out, &st) == 0 && S_ISFIFO(st.st_mode));
	if (!direct && pipe(p) == -1)
		return -1;
	for (;;) {
		n = splice(in, NULL, direct ? out : p[1], NULL, CHUNK,
		    SPLICE_F_MOVE);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EINVAL)
			return copy_all(in, out);
		if (n <= 0)
			return (int)n;
		while (!direct && n > 0) {
			m = splice(p[0], NULL, out, NULL, (size_t)n,
			    SPLICE_F_MOVE);
			if (m == -1 && errno != EINTR)
				return -1;
			if (m > 0)
				n -= m;
		}
	}
}

static void *
upload(void *arg)
{
	int fd = *(int *)arg;

	if (splice_all(STDIN_FILENO, fd) == -1)
		warn("upload");
	shutdown(fd, SHUT_WR);
	return NULL;
}

/* PUMP_PIPE=N: grow stdin's and stdout's pipes to N bytes. */
static void
grow_pipes(void)
{
	const char *v = getenv("PUMP_PIPE");
	int size;

	if (v == NULL || (size = (int)number(v)) <= 0)
		return;
	(void)fcntl(STDIN_FILENO, F_SETPIPE_SZ, size);
	(void)fcntl(STDOUT_FILENO, F_SETPIPE_SZ, size);
}

static int
client(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	bool probe = argc == 3 && strcmp(argv[0], "-z") == 0;
	pthread_t th;
	int fd;

	if (probe) {
		argv++;
		argc--;
	}
	if (argc != 2 || inet_pton(AF_INET, argv[0], &sin.sin_addr) != 1)
		errx(2, "client [-z] IPV4 PORT");
	sin.sin_port = htons((unsigned short)number(argv[1]));
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "connect");
	if (probe)
		return close(fd) == -1;
	grow_pipes();
	if (pthread_create(&th, NULL, upload, &fd) != 0)
		errx(1, "pthread_create");
	if (splice_all(fd, STDOUT_FILENO) == -1)
		err(1, "download");
	return 0;
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && strcmp(argv[1], "gen") == 0)
		return gen(number(argv[2]));
	if (argc == 2 && strcmp(argv[1], "count") == 0) {
		printf("%lld\n", drain(STDIN_FILENO));
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "crlfsize") == 0) {
		printf("%lld\n", crlfsize(number(argv[2])));
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "serve") == 0)
		return serve(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "client") == 0)
		return client(argc - 2, argv + 2);
	errx(2, "usage: pump gen N | count | crlfsize N | serve MODE | "
	    "client [-z] HOST PORT");
}
