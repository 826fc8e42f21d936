/*
 * The peer's sockets: addresses and the freeport subcommand, the
 * connection's reads and writes (each gives up when -t runs out), why
 * the script stopped, and the fillers of a full accept queue.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "peer.h"

int
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

int
sockaddr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

int
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

/* Record why the script stopped; an alarm is reported as timeout only. */
int
fail(struct peer *p, const char *what, const char *why)
{
	if (timedout)
		return -1;
	snprintf(p->error, sizeof(p->error), "%s: %s", what,
	    why != NULL ? why : strerror(errno));
	warnx("%s", p->error);
	return -1;
}

int
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

ssize_t
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

int
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

int
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
