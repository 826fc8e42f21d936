/*
 * peer - scripted loopback test server for the tcpdial test suite.
 * The behaviour is specified in tests/PEER.txt.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sha2.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IOBUFSZ		(64 * 1024)
#define GENBUFSZ	(1024 * 1024)
#define VGENBUFSZ	(256 * 1024)
#define SLOWCHUNK	(64 * 1024)
#define MAXACTIONS	256
#define MAXFILLERS	64
#define FILLER_MS	200	/* an answered loopback SYN takes far less */

enum act {
	A_ACCEPT, A_ECHO, A_SINK, A_SLOWSINK, A_SEND, A_READ, A_SLEEP,
	A_FIN, A_RST, A_CLOSE, A_FULLBACKLOG, A_NOFIN, A_AWAIT,
	A_ACCEPTLOOP, A_MARK, A_SENDTOFIN, A_SAY
};

/* In enum act order; send, read and sleep take a number. */
static const char *const actnames[] = {
	"accept", "echo", "sink", "slowsink", "send", "read", "sleep",
	"fin", "rst", "close", "fullbacklog", "nofin", "await",
	"acceptloop", "mark", "sendtofin", "say"
};
#define NACTNAMES	(sizeof(actnames) / sizeof(actnames[0]))

struct action {
	enum act	 kind;
	long long	 arg;
	const char	*text;		/* say's */
};

struct opts {
	struct sockaddr_storage ss;
	socklen_t	 sslen;
	const char	*report;
	unsigned int	 secs;
	int		 rcvbuf;
	int		 nohash;	/* -x: skip hashing (fast bulk tests) */
	struct action	 acts[MAXACTIONS];
	int		 nacts;
};

struct stream {
	uint64_t	 s;
	unsigned char	 blk[8];
	size_t		 off;		/* next unused byte of blk; 8 = empty */
};

struct peer {
	int		 lfd;
	int		 cfd;
	long long	 accepts;
	long long	 received;
	long long	 sent;
	SHA2_CTX	 rxhash;
	SHA2_CTX	 txhash;
	char		 addr[INET6_ADDRSTRLEN];
	int		 port;
	const char	*end;
	char		 error[256];
	struct stream	 stream;
	int		 nohash;
};

static volatile sig_atomic_t timedout;

static void __dead2
usage(void)
{
	fprintf(stderr,
	    "usage: peer [-6] [-b addr] [-p port] [-r report] [-t seconds] "
	    "[-R rcvbuf] [-x] action ...\n"
	    "       peer gen N\n"
	    "       peer vgen N\n"
	    "       peer feed N cmd [arg ...]\n"
	    "       peer stall cmd [arg ...]\n"
	    "       peer freeport [-6]\n"
	    "       peer fillpipe\n"
	    "       peer pipesize FILE\n");
	exit(2);
}

static long long
number(const char *what, const char *s, long long min, long long max)
{
	const char *errstr;
	long long n;

	n = strtonum(s, min, max, &errstr);
	if (errstr != NULL) {
		warnx("%s %s: %s", what, s, errstr);
		usage();
	}
	return n;
}

static void
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
static void
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

static int
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
static int
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
static int
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
static int
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

static int
parse_addr(const char *s, int port, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return -1;
}

static int
sockaddr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static int
freeport(int v6)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	if (parse_addr(v6 ? "::1" : "127.0.0.1", 0, &ss, &len) == -1)
		errx(1, "parse_addr");
	if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (bind(fd, (struct sockaddr *)&ss, len) == -1)
		err(1, "bind");
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		err(1, "getsockname");
	if (printf("%d\n", sockaddr_port(&ss)) < 0 || fflush(stdout) == EOF)
		err(1, "stdout");
	close(fd);
	return 0;
}

/*
 * fillpipe: grow the pipe on stdout to 1 MiB and fill it to the brim, so
 * that whoever writes to it next is blocked from the first byte.
 */
static int
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
static int
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

static void
parse_actions(struct opts *o, int argc, char *argv[])
{
	size_t k;
	int i;

	for (i = 0; i < argc; i++) {
		for (k = 0; k < NACTNAMES; k++)
			if (strcmp(argv[i], actnames[k]) == 0)
				break;
		if (k == NACTNAMES) {
			warnx("unknown action: %s", argv[i]);
			usage();
		}
		if (o->nacts == MAXACTIONS)
			errx(2, "too many actions");
		if (k == A_FULLBACKLOG && o->nacts != 0)
			errx(2, "fullbacklog must be the first action");
		o->acts[o->nacts].kind = (enum act)k;
		o->acts[o->nacts].arg = 0;
		if (k == A_SAY) {
			if (++i == argc)
				usage();
			o->acts[o->nacts].text = argv[i];
		}
		if (k == A_SEND || k == A_READ || k == A_SLEEP ||
		    k == A_NOFIN || k == A_ACCEPTLOOP || k == A_SENDTOFIN) {
			if (++i == argc)
				usage();
			o->acts[o->nacts].arg = number(actnames[k], argv[i], 0,
			    LLONG_MAX);
		}
		o->nacts++;
	}
	if (o->nacts == 0)
		usage();
}

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
	const char *addr = NULL;
	int ch, v6 = 0, port = 0;

	memset(o, 0, sizeof(*o));
	o->secs = 30;
	/* "+": stop at the first action, do not permute. */
	while ((ch = getopt(argc, argv, "+6b:p:r:t:R:x")) != -1) {
		switch (ch) {
		case '6':
			v6 = 1;
			break;
		case 'b':
			addr = optarg;
			break;
		case 'p':
			port = number("-p", optarg, 0, 65535);
			break;
		case 'r':
			o->report = optarg;
			break;
		case 't':
			o->secs = number("-t", optarg, 0, INT_MAX);
			break;
		case 'R':
			o->rcvbuf = number("-R", optarg, 1, INT_MAX);
			break;
		case 'x':
			o->nohash = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind == 1 && strcmp(argv[optind], "freeport") == 0)
		exit(freeport(v6));
	if (addr == NULL)
		addr = v6 ? "::1" : "127.0.0.1";
	if (parse_addr(addr, port, &o->ss, &o->sslen) == -1)
		errx(2, "bad address: %s", addr);
	parse_actions(o, argc - optind, argv + optind);
}

static void
onalarm(int sig)
{
	(void)sig;
	timedout = 1;
	/*
	 * The flag may have been tested just before a blocking call was
	 * entered; keep interrupting until the main flow notices.
	 */
	alarm(1);
}

static void
alarm_setup(unsigned int secs)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onalarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: blocking calls get EINTR */
	if (sigaction(SIGALRM, &sa, NULL) == -1)
		err(1, "sigaction");
	alarm(secs);
}

/* Record why the script stopped; an alarm is reported as timeout only. */
static int
fail(struct peer *p, const char *what, const char *why)
{
	if (timedout)
		return -1;
	snprintf(p->error, sizeof(p->error), "%s: %s", what,
	    why != NULL ? why : strerror(errno));
	warnx("%s", p->error);
	return -1;
}

static int
nap(long long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1) {
		if (errno != EINTR || timedout)
			return -1;
	}
	return 0;
}

static ssize_t
conn_read(struct peer *p, void *buf, size_t len)
{
	ssize_t n;

	do {
		if (timedout) {
			errno = EINTR;
			return -1;
		}
		n = read(p->cfd, buf, len);
	} while (n == -1 && errno == EINTR);
	if (n > 0) {
		p->received += n;
		if (!p->nohash)
			SHA256Update(&p->rxhash, buf, (size_t)n);
		p->end = "none";
	} else if (n == 0)
		p->end = "FIN";
	else if (errno == ECONNRESET)
		p->end = "RST";
	return n;
}

static int
conn_write(struct peer *p, const unsigned char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if (timedout) {
			errno = EINTR;
			return -1;
		}
		n = send(p->cfd, buf, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (!p->nohash)
			SHA256Update(&p->txhash, buf, (size_t)n);
		p->sent += n;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
act_accept(struct peer *p)
{
	struct sockaddr_storage ss;
	socklen_t len;
	void *a;

	if (p->cfd != -1)
		close(p->cfd);
	p->cfd = -1;
	do {
		if (timedout)
			return -1;
		len = sizeof(ss);
		p->cfd = accept(p->lfd, (struct sockaddr *)&ss, &len);
	} while (p->cfd == -1 && errno == EINTR);
	if (p->cfd == -1)
		return fail(p, "accept", NULL);
	p->accepts++;
	p->end = "none";
	if (ss.ss_family == AF_INET6)
		a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
	else
		a = &((struct sockaddr_in *)&ss)->sin_addr;
	inet_ntop(ss.ss_family, a, p->addr, sizeof(p->addr));
	p->port = sockaddr_port(&ss);
	return 0;
}

/* echo, sink and slowsink: consume until EOF; chunk 0 means "echo". */
static int
act_drain(struct peer *p, const char *what, size_t chunk, int slow)
{
	static unsigned char buf[IOBUFSZ];
	ssize_t n;

	for (;;) {
		n = conn_read(p, buf, chunk != 0 ? chunk : sizeof(buf));
		if (n == 0)
			return 0;
		if (n == -1)
			return fail(p, what, NULL);
		if (chunk == 0 && conn_write(p, buf, (size_t)n) == -1)
			return fail(p, what, NULL);
		if (slow && nap(1) == -1)
			return fail(p, what, NULL);
	}
}

static int
act_send(struct peer *p, long long left)
{
	static unsigned char buf[IOBUFSZ];
	size_t len;

	while (left > 0) {
		len = left < IOBUFSZ ? (size_t)left : IOBUFSZ;
		stream_fill(&p->stream, buf, len);
		if (conn_write(p, buf, len) == -1)
			return fail(p, "send", NULL);
		left -= (long long)len;
	}
	return 0;
}

static int
act_read(struct peer *p, long long left)
{
	static unsigned char buf[IOBUFSZ];
	size_t len;
	ssize_t n;

	while (left > 0) {
		len = left < IOBUFSZ ? (size_t)left : IOBUFSZ;
		n = conn_read(p, buf, len);
		if (n == 0)
			return 0;	/* early EOF is not a failure */
		if (n == -1)
			return fail(p, "read", NULL);
		left -= n;
	}
	return 0;
}

/*
 * sendtofin N: like send N, but stop as soon as the client's FIN (or
 * RST) arrives, as servers do that take a client's FIN for "gone"
 * (nginx on a large response, Redis on a large reply).  Reads nothing
 * else: the client is expected to have sent its request already.
 */
static int
act_sendtofin(struct peer *p, long long left)
{
	static unsigned char buf[IOBUFSZ];
	struct pollfd pfd = { .fd = p->cfd, .events = POLLRDHUP };
	size_t len;

	while (left > 0) {
		if (poll(&pfd, 1, 0) > 0)
			return 0;
		len = left < IOBUFSZ ? (size_t)left : IOBUFSZ;
		stream_fill(&p->stream, buf, len);
		if (conn_write(p, buf, len) == -1)
			return fail(p, "sendtofin", NULL);
		left -= (long long)len;
	}
	return 0;
}

/*
 * nofin MS: for MS milliseconds, read whatever comes; fail if the client
 * ends its side (FIN or RST) within that time.
 */
static int
act_nofin(struct peer *p, long long ms)
{
	static unsigned char buf[IOBUFSZ];
	struct pollfd pfd = { .fd = p->cfd, .events = POLLIN | POLLRDHUP };
	struct timespec t0, t;
	long long left;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || timedout)
			return 0;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = conn_read(p, buf, sizeof(buf));
		if (n == 0 || (n == -1 && errno != EINTR))
			return fail(p, "nofin", "the client closed its side");
	}
}

/*
 * await: wait until the client has sent something (data, FIN or RST)
 * without reading it, so that a close right after leaves it unread.
 */
static int
act_await(struct peer *p)
{
	struct pollfd pfd = { .fd = p->cfd, .events = POLLIN };
	int n;

	do {
		if (timedout)
			return -1;
		n = poll(&pfd, 1, -1);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return fail(p, "await", NULL);
	return 0;
}

/*
 * acceptloop N: N times accept, read to the client's FIN or RST, close.
 * The count, not the alarm, ends it: a slow machine (valgrind, ASan) takes
 * longer, never fails for it.  Waiting for the client's end first leaves
 * TIME_WAIT on the client's side, where a graceful client closes first.
 */
static int
act_acceptloop(struct peer *p, long long n)
{
	static unsigned char buf[IOBUFSZ];

	while (n-- > 0) {
		if (act_accept(p) == -1)
			return -1;
		while (conn_read(p, buf, sizeof(buf)) > 0)
			;
		close(p->cfd);
		p->cfd = -1;
	}
	return 0;
}

static int
act_rst(struct peer *p)
{
	struct linger l = { 1, 0 };

	if (setsockopt(p->cfd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) == -1)
		return fail(p, "rst", NULL);
	close(p->cfd);
	p->cfd = -1;
	return 0;
}

static int
run_action(struct peer *p, const struct action *a)
{
	const char *name = actnames[a->kind];

	if (a->kind != A_ACCEPT && a->kind != A_SLEEP &&
	    a->kind != A_FULLBACKLOG && a->kind != A_ACCEPTLOOP &&
	    a->kind != A_MARK && p->cfd == -1)
		return fail(p, name, "no connection");
	switch (a->kind) {
	case A_ACCEPT:
		return act_accept(p);
	case A_ECHO:
		return act_drain(p, name, 0, 0);
	case A_SINK:
		return act_drain(p, name, IOBUFSZ, 0);
	case A_SLOWSINK:
		return act_drain(p, name, SLOWCHUNK, 1);
	case A_SEND:
		return act_send(p, a->arg);
	case A_READ:
		return act_read(p, a->arg);
	case A_SLEEP:
		if (nap(a->arg) == -1)
			return fail(p, name, NULL);
		return 0;
	case A_FIN:
		if (shutdown(p->cfd, SHUT_WR) == -1)
			return fail(p, name, NULL);
		return 0;
	case A_RST:
		return act_rst(p);
	case A_NOFIN:
		return act_nofin(p, a->arg);
	case A_AWAIT:
		return act_await(p);
	case A_ACCEPTLOOP:
		return act_acceptloop(p, a->arg);
	case A_MARK:
		if (printf("mark\n") < 0 || fflush(stdout) == EOF)
			return fail(p, name, NULL);
		return 0;
	case A_SENDTOFIN:
		return act_sendtofin(p, a->arg);
	case A_SAY:
		if (conn_write(p, (const unsigned char *)a->text,
		    strlen(a->text)) == -1)
			return fail(p, name, NULL);
		return 0;
	case A_CLOSE:
		close(p->cfd);
		p->cfd = -1;
		return 0;
	default:
		return 0;	/* fullbacklog was done while listening */
	}
}

/*
 * Connect one non-blocking filler to the listener.  Returns the socket
 * (kept open for our lifetime) with *answered telling whether the
 * handshake completed, i.e. whether it took an accept queue slot.
 */
static int
filler(const struct sockaddr_storage *ss, socklen_t len, int *answered)
{
	struct pollfd pfd;
	socklen_t sl = sizeof(int);
	int fd, n, soerr = 0;

	*answered = 0;
	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (const struct sockaddr *)ss, len) == 0) {
		*answered = 1;
		return fd;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	n = -1;
	if (errno == EINPROGRESS) {
		while ((n = poll(&pfd, 1, FILLER_MS)) == -1 && errno == EINTR &&
		    !timedout)
			continue;
	}
	if (n == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
	    soerr != 0) {
		errno = soerr;
		n = -1;
	}
	if (n == -1) {
		close(fd);
		return -1;
	}
	*answered = (n == 1);
	return fd;
}

static int
fullbacklog(struct peer *p)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int i, answered;

	if (listen(p->lfd, 0) == -1)
		return fail(p, "listen", NULL);
	if (getsockname(p->lfd, (struct sockaddr *)&ss, &len) == -1)
		return fail(p, "getsockname", NULL);
	for (i = 0; i < MAXFILLERS; i++) {
		if (filler(&ss, len, &answered) == -1)
			return fail(p, "fullbacklog", NULL);
		if (!answered)
			return 0;	/* its SYN is dropped: queue full */
	}
	return fail(p, "fullbacklog", "accept queue never filled");
}

static int
listener(struct peer *p, const struct opts *o)
{
	int one = 1;

	if ((p->lfd = socket(o->ss.ss_family, SOCK_STREAM, 0)) == -1)
		return fail(p, "socket", NULL);
	/* Tests may rebind a port whose old connections are in TIME_WAIT. */
	if (setsockopt(p->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1)
		return fail(p, "setsockopt", NULL);
	if (o->rcvbuf != 0 && setsockopt(p->lfd, SOL_SOCKET, SO_RCVBUF,
	    &o->rcvbuf, sizeof(o->rcvbuf)) == -1)
		return fail(p, "setsockopt SO_RCVBUF", NULL);
	if (bind(p->lfd, (const struct sockaddr *)&o->ss, o->sslen) == -1)
		return fail(p, "bind", NULL);
	if (o->acts[0].kind == A_FULLBACKLOG)
		return fullbacklog(p);
	if (listen(p->lfd, 16) == -1)
		return fail(p, "listen", NULL);
	return 0;
}

static int
run(struct peer *p, const struct opts *o)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int i;

	if (listener(p, o) == -1)
		return 1;
	if (getsockname(p->lfd, (struct sockaddr *)&ss, &len) == -1) {
		fail(p, "getsockname", NULL);
		return 1;
	}
	/* Tests poll stdout for the port; it must not sit in a buffer. */
	if (printf("%d\n", sockaddr_port(&ss)) < 0 || fflush(stdout) == EOF) {
		fail(p, "stdout", NULL);
		return 1;
	}
	for (i = 0; i < o->nacts; i++) {
		if (run_action(p, &o->acts[i]) == -1 || timedout)
			return 1;
	}
	return 0;
}

static void
report_write(struct peer *p, const char *path)
{
	char tmp[PATH_MAX], rx[65], tx[65];
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		warnx("report path too long");
		return;
	}
	SHA256End(&p->rxhash, rx);
	SHA256End(&p->txhash, tx);
	if (p->nohash) {
		strlcpy(rx, "-", sizeof(rx));
		strlcpy(tx, "-", sizeof(tx));
	}
	if ((f = fopen(tmp, "w")) == NULL) {
		warn("%s", tmp);
		return;
	}
	fprintf(f, "accepts=%lld\nclient_addr=%s\nclient_port=%d\n"
	    "received=%lld\nreceived_sha256=%s\nsent=%lld\nsent_sha256=%s\n"
	    "client_end=%s\ntimeout=%d\n", p->accepts, p->addr, p->port,
	    p->received, rx, p->sent, tx, p->end, timedout ? 1 : 0);
	if (p->error[0] != '\0')
		fprintf(f, "error=%s\n", p->error);
	if (ferror(f) | (fclose(f) == EOF))
		warn("%s", tmp);
	else if (rename(tmp, path) == -1)
		warn("rename %s", path);
}

int
main(int argc, char *argv[])
{
	static struct opts o;
	static struct peer p;
	int rc;

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		err(1, "signal");
	if (argc >= 2 && strcmp(argv[1], "gen") == 0)
		return gen_main(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "vgen") == 0)
		return vgen_main(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "feed") == 0)
		return feed_main(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "stall") == 0)
		return stall_main(argc, argv);
	if (argc == 2 && strcmp(argv[1], "fillpipe") == 0)
		return fillpipe();
	if (argc == 3 && strcmp(argv[1], "pipesize") == 0)
		return pipesize(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "freeport") == 0) {
		if (argc == 2 || (argc == 3 && strcmp(argv[2], "-6") == 0))
			return freeport(argc == 3);
		usage();
	}
	parse_opts(&o, argc, argv);
	p.lfd = p.cfd = -1;
	p.end = "none";
	p.nohash = o.nohash;
	strlcpy(p.addr, "none", sizeof(p.addr));
	SHA256Init(&p.rxhash);
	SHA256Init(&p.txhash);
	stream_init(&p.stream);
	alarm_setup(o.secs);
	rc = run(&p, &o);
	alarm(0);		/* the report below must not be interrupted */
	if (timedout)
		rc = 124;
	if (o.report != NULL)
		report_write(&p, o.report);
	return rc;
}
