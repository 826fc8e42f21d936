/*
 * Everything before connect() succeeds: resolve, bind, connect with a
 * deadline.  Returns a TD_* code; failures are reported here because only
 * here do we know which address failed and why.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <locale.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcpdial.h"

/*
 * "127.0.0.1 port 80", or "localhost (::1) port 80" for a name.  Only
 * for messages (dial_peer): inet_ntop formats with sprintf itself, so
 * whatever calls this has printf's pages in already.
 */
static void
format_addr(char *buf, size_t len, const char *name,
    const struct sockaddr *sa)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	char host[INET6_ADDRSTRLEN];
	const void *addr;
	int port;

	/* inet_ntop, not getnameinfo: a probe pays for every page touched. */
	addr = sa->sa_family == AF_INET6 ? (const void *)&sin6->sin6_addr :
	    (const void *)&sin->sin_addr;
	port = ntohs(sa->sa_family == AF_INET6 ? sin6->sin6_port :
	    sin->sin_port);
	if (inet_ntop(sa->sa_family, addr, host, sizeof(host)) == NULL)
		strlcpy(host, "?", sizeof(host));
	/* Port 0 (a bind without -p): the kernel picks; name none. */
	if (name == NULL || strcmp(name, host) == 0)
		snprintf(buf, len, port != 0 ? "%s port %d" : "%s", host, port);
	else
		snprintf(buf, len, port != 0 ? "%s (%s) port %d" : "%s (%s)",
		    name, host, port);
}

/* One address that needed no resolver, laid out as getaddrinfo's. */
struct literal {
	struct addrinfo ai;
	struct sockaddr_storage ss;
};

/*
 * A numeric host of the family asked for, with a numeric port: fill l as
 * getaddrinfo would (one SOCK_STREAM address) and return true.  Anything
 * else (a name, "127.1", a scope id) is left to getaddrinfo.  A probe
 * then pays for no resolver and no heap: about 20 us and four pages.
 */
static bool
literal_addr(const char *host, const char *port, int family,
    struct literal *l)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&l->ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&l->ss;
	long long n;

	memset(l, 0, sizeof(*l));
	if ((n = strtonum(port, 1, 65535, NULL)) == 0)
		return false;
	if (family != AF_INET6 &&
	    inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)n);
		l->ai.ai_addrlen = sizeof(*sin);
	} else if (family != AF_INET &&
	    inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)n);
		l->ai.ai_addrlen = sizeof(*sin6);
	} else
		return false;
	l->ai.ai_family = l->ss.ss_family;
	l->ai.ai_socktype = SOCK_STREAM;
	l->ai.ai_protocol = IPPROTO_TCP;
	l->ai.ai_addr = (struct sockaddr *)&l->ss;
	return true;
}

static bool
has_non_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

static int
resolve(const char *host, const char *port, const struct options *o,
    bool passive, struct addrinfo **res)
{
	struct addrinfo hints = { 0 };
	int rc;

	hints.ai_family = o->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = AI_NUMERICSERV | (o->numeric ? AI_NUMERICHOST : 0) |
	    (passive ? AI_PASSIVE : 0) | AI_IDN;
	/* AI_IDN reads the name in the locale's charset: UTF-8, say. */
	if (host != NULL && has_non_ascii(host))
		setlocale(LC_CTYPE, "");
	rc = getaddrinfo(host, port, &hints, res);
	if (rc == 0)
		return TD_OK;
	if (rc == EAI_SYSTEM)
		report_fail("resolve %s%s", passive ? "source " : "",
		    host != NULL ? host : "address");
	else
		report_failx("resolve %s%s: %s", passive ? "source " : "",
		    host != NULL ? host : "address", gai_strerror(rc));
	return TD_RESOLVE;
}

/* The first local address of the family the target needs, or NULL. */
static const struct addrinfo *
pick_source(const struct addrinfo *src, int family)
{
	for (; src != NULL; src = src->ai_next)
		if (src->ai_family == family)
			return src;
	return NULL;
}

/* SO_REUSEADDR, then bind.  Returns TD_OK or TD_BIND (reported). */
static int
bind_source(int fd, const struct addrinfo *src, const struct options *o)
{
	char what[PEER_NAME_MAX];
	int on = 1, saved;

	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, src->ai_addr, src->ai_addrlen) == -1) {
		saved = errno;
		format_addr(what, sizeof(what), o->source, src->ai_addr);
		errno = saved;
		report_fail("bind to %s", what);
		return TD_BIND;
	}
	return TD_OK;
}

/*
 * Wait up to timeout_ms (-1: no limit) for a non-blocking connect.
 * Returns 0 when connected, else -1 with errno: ETIMEDOUT, EINTR for a
 * signal, or the connect error from SO_ERROR.
 */
static int
wait_connected(int fd, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	struct timespec ts;
	socklen_t len = sizeof(int);
	int err, n;

	for (;;) {
		n = ppoll(&pfd, 1, clock_timespec(clock_poll_ms(deadline,
		    NO_DEADLINE), &ts), sig_pollmask());
		if (n == -1 && errno == EINTR && sig_count() == 0)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return errno = ETIMEDOUT, -1;
		break;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return -1;
	if (err != 0)
		return errno = err, -1;
	return 0;
}

/*
 * One attempt at one address, within its share of the time left.
 * Returns a TD_* code; on TD_OK s->fd is the connected socket.
 */
static int
attempt(const struct addrinfo *ai, const struct addrinfo *src,
    const struct options *o, long long share_ms, bool last,
    struct session *s)
{
	int fd, code, saved;

	/* Named on first use: see dial_peer(). */
	memcpy(&s->peer_addr, ai->ai_addr, ai->ai_addrlen);
	s->peer_host = o->targets[0].host;
	s->peer[0] = '\0';
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		report_fail("socket for %s", dial_peer(s));
		return TD_FAILURE;
	}
	if (src != NULL && (code = bind_source(fd, src, o)) != TD_OK) {
		close(fd);
		return code;
	}
	if (share_ms == -1)
		report_verbose(o, 2, "connecting to %s", dial_peer(s));
	else
		report_verbose(o, 2, "connecting to %s (%lld ms left for it)",
		    dial_peer(s), share_ms);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
	    (errno == EINPROGRESS &&
	    wait_connected(fd, clock_deadline(share_ms)) == 0)) {
		s->fd = fd;
		return TD_OK;
	}
	saved = errno;
	close(fd);
	errno = saved;
	if (errno == EINTR)
		return TD_SIGNAL_BASE + sig_first();
	/* Without -v only the last attempt speaks: it sets the status. */
	if (last || o->verbose > 0)
		report_fail("connect to %s", dial_peer(s));
	return exitcode_connect(saved);
}

static void
describe_ends(struct session *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(s->fd, (struct sockaddr *)&ss, &len) == 0)
		format_addr(s->local, sizeof(s->local), NULL,
		    (struct sockaddr *)&ss);
}

/*
 * Try each address in turn.  With -w, each attempt gets an even share of
 * the time left, so a dead first address cannot starve the others.
 */
static int
connect_any(const struct addrinfo *res, const struct addrinfo *src,
    const struct options *o, struct session *s)
{
	const struct addrinfo *ai, *use_src;
	long long deadline, share;
	int code = TD_BIND, left = 0;

	for (ai = res; ai != NULL; ai = ai->ai_next)
		left++;
	/* -m bounds the connect too: exit 5 when it runs out here. */
	deadline = clock_earliest(clock_deadline(o->connect_timeout_ms),
	    s->max_deadline);
	for (ai = res; ai != NULL; ai = ai->ai_next, left--) {
		use_src = NULL;
		if (src != NULL && (use_src = pick_source(src,
		    ai->ai_family)) == NULL)
			continue;
		share = -1;
		if (deadline != NO_DEADLINE) {
			share = (deadline - clock_now_ms()) / left;
			if (share < 0)
				share = 0;
		}
		code = attempt(ai, use_src, o, share, left == 1, s);
		if (code == TD_OK || code > TD_SIGNAL_BASE)
			return code;
	}
	if (code == TD_BIND && s->peer_addr.ss_family == AF_UNSPEC)
		report_failx("bind to %s: no address of the target's family",
		    o->source != NULL ? o->source : "source port");
	return code;
}

/*
 * The peer of the last attempt as messages name it, "127.0.0.1 port 80",
 * formatted on first use: a silent probe never pays for it.  (inet_ntop
 * formats with sprintf, and printf's code is 192 KiB of libc that a
 * probe would otherwise fault in.)  Returns a string in s.
 */
const char *
dial_peer(struct session *s)
{
	if (s->peer[0] == '\0')
		format_addr(s->peer, sizeof(s->peer), s->peer_host,
		    (const struct sockaddr *)&s->peer_addr);
	return s->peer;
}

/*
 * Resolve o->targets[0].host and o->targets[0].port, bind if -s/-p
 * asked for it, and connect.
 * Returns TD_OK with s->fd connected (non-blocking), or the TD_* code of
 * the last attempt, its failure already reported.
 */
int
dial(const struct options *o, struct session *s)
{
	struct addrinfo *res, *src = NULL;
	struct literal lit;
	const char *sport;
	int code;

	if (literal_addr(o->targets[0].host, o->targets[0].port, o->family,
	    &lit))
		res = &lit.ai;
	else if ((code = resolve(o->targets[0].host, o->targets[0].port, o,
	    false, &res)) != TD_OK)
		return code;
	sport = o->source_port[0] != '\0' ? o->source_port : NULL;
	if ((o->source != NULL || sport != NULL) &&
	    (code = resolve(o->source, sport, o, true, &src)) != TD_OK) {
		if (res != &lit.ai)
			freeaddrinfo(res);
		return code;
	}
	/* Sockets from here on: a signal ends the session, not tcpdial. */
	sig_hold();
	code = connect_any(res, src, o, s);
	if (code == TD_OK) {
		s->connected_ms = clock_now_ms();
		/* Only -v prints our end: a probe need not look it up. */
		if (o->verbose > 0) {
			describe_ends(s);
			report_verbose(o, 1, "connected to %s from %s",
			    dial_peer(s), s->local);
		}
	}
	if (res != &lit.ai)
		freeaddrinfo(res);
	if (src != NULL)
		freeaddrinfo(src);
	return code;
}
