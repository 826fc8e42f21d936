/*
 * A probe's conversation (SPEC 8): --send's bytes written once the
 * connection is up, and the reply read, at most EXPECT_READ_MAX bytes,
 * until it holds --expect's.  Non-blocking, a step per poll event; the
 * connector owns the socket, the deadline and the end.  Binary-safe:
 * the match is memmem(3) over what came, a tail kept across reads.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "tcpdial.h"

/* One read's most. */
#define EXPECT_CHUNK 4096

/* A connection came up: nothing sent, nothing read. */
void
expect_start(struct check *k)
{
	memset(k, 0, sizeof(*k));
	k->ended_ms = -1;
}

/* The poll events the check waits for. */
short
expect_events(const struct check *k, const struct options *o)
{
	short ev = 0;

	if (k->sent < o->send_len)
		ev |= POLLOUT;
	if (o->expect != NULL && !k->matched)
		ev |= POLLIN;
	return ev;
}

/* The check failed, why; err is errno's for a failed call. */
static int
failed(struct check *k, enum check_fail why, int err)
{
	k->fail = why;
	k->err = err;
	return TD_CHECK;
}

/* Send what is left of --send, as much as the socket takes. */
static int
send_more(struct check *k, const struct options *o, struct session *s)
{
	ssize_t n;

	n = send(s->fd, o->send + k->sent, o->send_len - k->sent,
	    MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		return failed(k, CHECK_SEND, errno);
	if (n > 0) {
		k->sent += (size_t)n;
		s->bytes_out += (unsigned long long)n;
	}
	return GO_ON;
}

/* Keep the reply's first bytes for messages. */
static void
keep_head(struct check *k, const char *p, size_t n)
{
	size_t room = sizeof(k->head) - k->headlen;

	if (n > room)
		n = room;
	memcpy(k->head + k->headlen, p, n);
	k->headlen += n;
}

/*
 * Read once, and look for --expect in what came after the tail of what
 * came before (the last expect_len - 1 bytes, all a match can span).
 */
static int
read_more(struct check *k, const struct options *o, struct session *s,
    long long now)
{
	char buf[EXPECT_MAX + EXPECT_CHUNK];
	size_t room = EXPECT_READ_MAX - k->got, have;
	ssize_t n;

	if (room > EXPECT_CHUNK)
		room = EXPECT_CHUNK;
	/*
	 * Never true (expect_len <= EXPECT_MAX), but said: with the bound
	 * known the compiler calls memcpy, not __memcpy_chk, whose IFUNC
	 * resolver -z now would run at every start, a probe's too.
	 */
	if (k->keep > sizeof(k->tail))
		k->keep = sizeof(k->tail);
	memcpy(buf, k->tail, k->keep);
	n = recv(s->fd, buf + k->keep, room, MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return GO_ON;
	if (n == -1)
		return failed(k, CHECK_READ, errno);
	if (n == 0) {
		s->peer_fin_ms = now;
		return failed(k, CHECK_CLOSED, 0);
	}
	if (k->got == 0)
		s->first_byte_ms = now;
	keep_head(k, buf + k->keep, (size_t)n);
	k->got += (size_t)n;
	s->bytes_in += (unsigned long long)n;
	have = k->keep + (size_t)n;
	if (memmem(buf, have, o->expect, o->expect_len) != NULL) {
		k->matched = true;
		return GO_ON;
	}
	if (k->got >= EXPECT_READ_MAX)
		return failed(k, CHECK_LIMIT, 0);
	k->keep = have < o->expect_len - 1 ? have : o->expect_len - 1;
	memcpy(k->tail, buf + have - k->keep, k->keep);
	return GO_ON;
}

/*
 * One step on poll's revents for the socket, at now (poll's return, the
 * time the check's end is given too).  Returns GO_ON, TD_OK once
 * everything is sent and the reply matched, or TD_CHECK (k->fail).
 */
int
expect_step(struct check *k, const struct options *o, struct session *s,
    short revents, long long now)
{
	int code = GO_ON;

	if (k->sent < o->send_len && (revents & (POLLOUT | POLLERR | POLLHUP)))
		code = send_more(k, o, s);
	if (code == GO_ON && o->expect != NULL && !k->matched &&
	    (revents & (POLLIN | POLLERR | POLLHUP)))
		code = read_more(k, o, s, now);
	if (code == GO_ON && k->sent == o->send_len &&
	    (o->expect == NULL || k->matched))
		code = TD_OK;
	return code;
}

/* The check's time ran out. */
int
expect_timed_out(struct check *k)
{
	return failed(k, CHECK_TIMEOUT, 0);
}
