/*
 * One connection attempt, as system calls: a non-blocking socket, bound
 * to the -s/-p source if asked, connect(2) started, its outcome read
 * back, closed.  And the source itself: an address, the wildcard with a
 * port, or a name looked up like any other (resolve.c).
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcpdial.h"

/* The wildcard address of family with port ("" for none). */
static void
add_wildcard(struct source *src, int family, const char *port)
{
	struct sockaddr_storage *ss = &src->addrs[src->n++];
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	int num = addr_port(port);
	uint16_t n = htons((uint16_t)(num == -1 ? 0 : num));

	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET6)
		sin6->sin6_port = n;
	else
		sin->sin_port = n;
}

/*
 * Set up the source o asks for: none, an address, the wildcard with -p,
 * or a lookup of the -s name, started here and finished by
 * source_resolved().
 */
void
source_start(struct source *src, const struct options *o)
{
	const char *port = o->source_port[0] != '\0' ? o->source_port : NULL;

	memset(src, 0, sizeof(*src));
	src->name = o->source;
	src->wanted = o->source != NULL || port != NULL;
	if (!src->wanted)
		return;
	if (o->source == NULL) {
		if (o->family != AF_INET)
			add_wildcard(src, AF_INET6, port);
		if (o->family != AF_INET6)
			add_wildcard(src, AF_INET, port);
		return;
	}
	if (addr_literal(o->source, port != NULL ? port : "0", o->family,
	    &src->addrs[0])) {
		src->n = 1;
		return;
	}
	src->lk = resolve_start(o->source, port, o, true);
	if (src->lk == NULL) {
		src->rc = EAI_SYSTEM;
		src->err = errno;
		src->failed = true;
	}
}

/* The source's lookup is done: its addresses, or its failure. */
void
source_resolved(struct source *src)
{
	const struct addrinfo *ai;
	struct addrinfo *res;

	src->rc = resolve_finish(src->lk, &res);
	src->err = errno;
	src->lk = NULL;
	if (src->rc != 0) {
		src->failed = true;
		return;
	}
	for (ai = res; ai != NULL && src->n < ATTEMPTS_MAX; ai = ai->ai_next)
		if (ai->ai_addrlen <= sizeof(src->addrs[0]))
			memcpy(&src->addrs[src->n++], ai->ai_addr,
			    ai->ai_addrlen);
	freeaddrinfo(res);
}

/* Whether attempts may start: no source wanted, or it is known. */
bool
source_ready(const struct source *src)
{
	return !src->wanted || (src->lk == NULL && !src->failed);
}

/* The descriptor of the source's running lookup, or -1. */
int
source_fd(const struct source *src)
{
	return src->lk != NULL ? resolve_fd(src->lk) : -1;
}

/* The phase ends: a lookup still running is abandoned (timed_out: so). */
void
source_end(struct source *src, bool timed_out)
{
	if (src->lk == NULL)
		return;
	resolve_abandon(src->lk);
	src->lk = NULL;
	if (timed_out) {
		src->failed = true;
		src->rc = RESOLVE_TIMED_OUT;
	}
}

/* a failed at step with errno err: code, and a->fd closed. */
static int
attempt_fail(struct attempt *a, enum step step, int err, int code)
{
	if (a->fd != -1)
		close(a->fd);
	a->fd = -1;
	a->step = step;
	a->err = err;
	return code;
}

/*
 * Start attempt a from src.  Returns GO_ON while the connect is under
 * way (poll a->fd for POLLOUT, then attempt_check()), TD_OK when it
 * connected at once, or the failure's TD_* code with a->step and a->err
 * set and nothing left open.
 */
int
attempt_start(struct attempt *a, const struct source *src)
{
	const struct sockaddr_storage *from = NULL;
	size_t i;
	int on = 1;

	for (i = 0; src->wanted && from == NULL && i < src->n; i++)
		if (src->addrs[i].ss_family == a->addr.ss_family)
			from = &src->addrs[i];
	if (src->wanted && from == NULL)
		return attempt_fail(a, STEP_BIND, 0, TD_BIND);
	a->fd = socket(a->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, IPPROTO_TCP);
	if (a->fd == -1)
		return attempt_fail(a, STEP_SOCKET, errno, TD_FAILURE);
	if (from != NULL) {
		a->from = *from;
		if (setsockopt(a->fd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof(on)) == -1 || bind(a->fd, (const struct sockaddr *)
		    from, addr_len(from)) == -1)
			return attempt_fail(a, STEP_BIND, errno, TD_BIND);
	}
	if (connect(a->fd, (const struct sockaddr *)&a->addr,
	    addr_len(&a->addr)) == 0) {
		a->syn_sent = true;
		return TD_OK;
	}
	/* Refused at once on loopback: the SYN went, the RST came back. */
	a->syn_sent = errno == EINPROGRESS || errno == ECONNREFUSED;
	if (errno == EINPROGRESS)
		return GO_ON;
	return attempt_fail(a, STEP_CONNECT, errno, exitcode_connect(errno));
}

/*
 * a's socket polled writable: TD_OK when it connected, else the
 * failure's code with a->err set (the socket still open: the caller
 * closes it with attempt_close()).
 */
int
attempt_check(struct attempt *a)
{
	int err = tcpinfo_error(a->fd);

	if (err == 0)
		return TD_OK;
	a->step = STEP_CONNECT;
	a->err = err;
	return exitcode_connect(err);
}

/*
 * Close a running attempt; abandoned (another one won, or the connect
 * phase stopped): with RST, so that a connection that completed
 * meanwhile never looks like a client that came and went.
 */
void
attempt_close(struct attempt *a, bool abandoned)
{
	struct linger lg = { 1, 0 };

	if (abandoned)
		(void)setsockopt(a->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(a->fd);
	a->fd = -1;
}

/* Our end of s's connection, for -v and --json: s->local_addr, s->local. */
void
attempt_local(struct session *s)
{
	socklen_t len = sizeof(s->local_addr);

	if (getsockname(s->fd, (struct sockaddr *)&s->local_addr, &len) == 0)
		addr_format(s->local, sizeof(s->local), NULL, &s->local_addr);
	else
		s->local_addr.ss_family = AF_UNSPEC;
}
