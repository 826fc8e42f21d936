/*
 * The peer's actions (tests/PEER.txt), one function each, and
 * run_action() that picks one.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "peer.h"

const char *const actnames[] = {
	"accept", "echo", "sink", "slowsink", "send", "read", "sleep",
	"fin", "rst", "close", "fullbacklog", "nofin", "await",
	"acceptloop", "mark", "sendtofin", "say"
};
/* A name for each action: parse_actions() compares every one. */
_Static_assert(sizeof(actnames) / sizeof(actnames[0]) == NACTS,
    "an action without a name");

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

/*
 * send N, and sendtofin N (tofin): N bytes of the stream; sendtofin stops
 * as soon as the client's FIN (or RST) arrives, as servers do that take a
 * client's FIN for "gone" (nginx on a large response, Redis on a large
 * reply).  Neither reads: the client is expected to have sent its request
 * already.
 */
static int
act_send(struct peer *p, const char *what, long long left, bool tofin)
{
	static unsigned char buf[IOBUFSZ];
	struct pollfd pfd = { .fd = p->cfd, .events = POLLRDHUP };
	size_t len;

	while (left > 0) {
		if (tofin && poll(&pfd, 1, 0) > 0)
			return 0;
		len = left < IOBUFSZ ? (size_t)left : IOBUFSZ;
		stream_fill(&p->stream, buf, len);
		if (conn_write(p, buf, len) == -1)
			return fail(p, what, NULL);
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

int
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
		return act_send(p, name, a->arg, false);
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
		return act_send(p, name, a->arg, true);
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
