/*
 * How the connection ends: our FIN, the wait for the disconnect to
 * complete (-q), a graceful close that never turns into a reset, and the
 * abortive close (RST) that --close abort or a second signal asks for.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <linux/sockios.h>

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "tcpdial.h"

/*
 * Whether the kernel holds the peer's FIN that we have not read yet.
 * Asked only when a record will say who closed first (-v, --json,
 * --trace): a plain run reads nothing more.
 */
static bool
fin_queued(const struct options *o, int fd)
{
	return (o->verbose > 0 || o->json != NULL || o->trace) &&
	    tcpinfo_state(fd) == TCP_CLOSE_WAIT;
}

/*
 * Send our FIN: we write no more, and keep reading until the peer's.
 * Returns 0, or -1 with errno ECONNRESET when the connection is already
 * gone: a reset whose error an earlier partial write consumed, or a
 * failure the download's second splice read (relay_failed() reports
 * that one instead).
 */
int
hangup_fin(const struct options *o, struct session *s)
{
	long long now = clock_now_ms();

	s->peer_closed_first = s->peer_fin_ms != -1 || fin_queued(o, s->fd);
	if (shutdown(s->fd, SHUT_WR) == -1 && errno == ENOTCONN) {
		errno = ECONNRESET;
		return -1;
	}
	/* Only a FIN that left counts: a reset peer closed first. */
	s->fin_sent_ms = now;
	report_note(o, s, NOTE_FIN_SENT, 0);
	/* FIN_WAIT_1 from its start, whatever the ending waits for next. */
	trace_sample(o, s);
	return 0;
}

/* Read and discard queued bytes of fd, with a buffer of its own. */
static void __attribute__((noinline))
discard(int fd, int queued)
{
	char sink[16384];
	ssize_t n;

	while (queued > 0) {
		n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT);
		if (n <= 0)
			break;
		queued -= (int)n;
	}
}

/*
 * Read and discard what is queued now.  Linux answers close() on a
 * socket with unread data by RST instead of FIN (tcp(7), RFC 2525 2.17),
 * so a graceful close must read the queue dry first.  Only what is
 * queued now is read: a peer that keeps sending cannot keep us here.
 * The 16 KiB buffer is put on the stack only when there is something
 * to read: a probe, with nothing queued, spares the page fault.
 */
static void
drain_queue(int fd)
{
	int queued;

	if (ioctl(fd, FIONREAD, &queued) == 0 && queued > 0)
		discard(fd, queued);
}

/*
 * Whether the peer has acknowledged everything we sent, our FIN with it
 * (SIOCOUTQ counts what is unsent or unacknowledged; a FIN counts one).
 */
bool
hangup_sent_all(int fd)
{
	int outq;

	return ioctl(fd, SIOCOUTQ, &outq) == 0 && outq == 0;
}

/*
 * A first signal: the disconnect may take at most -q, or 1 s without
 * it, from now (SPEC 4), whatever was waited already.
 */
void
hangup_grace(const struct options *o, struct session *s)
{
	long long ms = o->disconnect_wait_ms;

	s->disconnect_deadline = clock_earliest(s->disconnect_deadline,
	    clock_deadline(ms != -1 ? ms : SIGNAL_GRACE_MS));
}

/*
 * Whether our data and FIN are acknowledged and the peer's FIN is in: 1
 * when so, 0 not yet, -1 when a reset (or a lost connection) ended it
 * instead, errno set.  A reset also leaves the socket CLOSE: its pending
 * error tells.
 */
static int
disconnect_state(int fd)
{
	/*
	 * The state first, the error second: a reset between the two reads
	 * leaves CLOSE with its error pending, never CLOSE without one.
	 */
	int state = tcpinfo_state(fd);
	int err = tcpinfo_error(fd);

	if (err != 0) {
		errno = err;
		return -1;
	}
	/* Both FINs done leaves the socket CLOSE (its TIME_WAIT moves on). */
	return state == TCP_CLOSE || state == TCP_TIME_WAIT;
}

/*
 * Wait until the disconnect is complete, or s->disconnect_deadline or
 * -m passes, or a second signal comes; a first signal cuts the wait to
 * its grace.  The kernel has no event for "FIN acknowledged", so look at
 * TCP_INFO at growing intervals (1 ms to 32 ms).  Returns as
 * disconnect_state(): 1 complete, 0 not (yet), -1 reset or lost.
 */
static int
wait_disconnect(const struct options *o, struct session *s)
{
	struct timespec ts;
	int step = 1, ms, state, seen = sig_count();

	while ((state = disconnect_state(s->fd)) == 0) {
		trace_sample(o, s);
		if (sig_count() > 1)
			return 0;
		if (sig_count() != seen) {
			seen = sig_count();
			hangup_grace(o, s);
		}
		ms = clock_poll_ms(s->disconnect_deadline, s->max_deadline);
		if (ms == 0)
			return 0;
		if (ms == -1 || ms > step)
			ms = step;
		ppoll(NULL, 0, clock_timespec(ms, &ts), sig_pollmask());
		if (step < 32)
			step *= 2;
	}
	trace_sample(o, s);
	return state;
}

/* The connection failed instead of disconnecting: reset (8) or lost (13). */
static int
disconnect_failed(const struct options *o, struct session *s, int code)
{
	int failed = exitcode_session(errno) == TD_LOST ? TD_LOST : TD_RESET;

	/* Not a disconnect: what we sent last may never have come. */
	s->how = failed == TD_LOST ? END_LOST : END_PEER_RESET;
	report_broken(s, "disconnect from");
	tcpinfo_close(o, s->fd, &s->tcpi);
	return code > TD_SIGNAL_BASE ? code : failed;
}

/*
 * RST: SO_LINGER {1, 0} makes close() discard unsent data and reset.
 * Returns code, or TD_FAILURE when SO_LINGER could not be set and
 * nothing else had failed: then the close was a plain one, and no RST
 * is claimed.
 */
static int
close_abort(const struct options *o, struct session *s, int code)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int err = tcpinfo_error(s->fd);

	/* The peer's reset came first: there is no RST of ours to send. */
	if (exitcode_session(err) != -1) {
		errno = err;
		return disconnect_failed(o, s, code);
	}
	if (setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == -1) {
		report_no_rst(s);
		/* A plain close: unread data would make it an RST after all. */
		drain_queue(s->fd);
		tcpinfo_close(o, s->fd, &s->tcpi);
		s->how = END_CUT;
		return code == TD_OK ? TD_FAILURE : code;
	}
	tcpinfo_close(o, s->fd, &s->tcpi);
	s->how = END_ABORT;
	report_note(o, s, NOTE_RST_SENT, 0);
	return code;
}

/* FIN if not sent yet, read the queue dry, close. */
static void
close_graceful(const struct options *o, struct session *s)
{
	if (s->fin_sent_ms == -1)
		hangup_fin(o, s);
	drain_queue(s->fd);
	tcpinfo_close(o, s->fd, &s->tcpi);
}

/* Close now, as --close says.  Returns code, as close_abort(). */
static int
hangup_close(const struct options *o, struct session *s, int code)
{
	if (o->close_mode == CLOSE_ABORT)
		return close_abort(o, s, code);
	close_graceful(o, s);
	return code;
}

/*
 * After a graceful end: wait for the disconnect to complete, within -q
 * (or a signal's grace) and -m.  Returns code, TD_DISCONNECT when -q ran
 * out first, TD_IDLE when -m did, 128+n for a signal, or TD_RESET /
 * TD_LOST when the connection failed instead.
 */
static int
finish_graceful(const struct options *o, struct session *s, int code)
{
	int state;

	if (s->fin_sent_ms == -1 && hangup_fin(o, s) == -1)
		state = -1;
	else
		state = wait_disconnect(o, s);
	if (state == -1)
		return disconnect_failed(o, s, code);
	s->disconnect_done = state == 1;
	if (s->disconnect_done) {
		report_note(o, s, NOTE_DISCONNECTED,
		    clock_now_ms() - s->fin_sent_ms);
		close_graceful(o, s);
		return code;
	}
	if (sig_count() > 1)
		return close_abort(o, s, TD_SIGNAL_BASE + sig_first());
	if (sig_count() > 0) {
		/* The grace ran out, as in the relay (deadline.c). */
		report_disconnect_late(o, s, sig_first());
		code = TD_SIGNAL_BASE + sig_first();
	} else if (clock_expired(s->max_deadline)) {
		report_max_time(o, s);
		code = TD_IDLE;
	} else if (code == TD_OK) {
		report_disconnect_late(o, s, 0);
		code = TD_DISCONNECT;
	}
	s->how = END_CUT;
	return hangup_close(o, s, code);
}

/*
 * Carry out the ending relay_run() decided (s->how) and close the
 * socket.  Returns the final exit code, given the code so far.
 */
int
hangup_end(const struct options *o, struct session *s, int code)
{
	trace_sample(o, s);
	switch (s->how) {
	case END_PEER_RESET:
	case END_LOST:
		tcpinfo_close(o, s->fd, &s->tcpi);
		break;
	case END_ABORT:
		code = close_abort(o, s, code);
		break;
	case END_GRACEFUL:
		code = finish_graceful(o, s, code);
		break;
	default:
		code = hangup_close(o, s, code);
		break;
	}
	s->end_ms = clock_now_ms();
	trace_closed(o, s);
	return code;
}
