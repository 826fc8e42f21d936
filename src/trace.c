/*
 * --trace (SPEC 10): the TCP states our connection goes through, one
 * stderr line each (report_trace.c words them).  The connect phase is
 * told from the attempts' record (report_trace_attempt); from then on
 * the state is read at every turn of the relay and of the disconnect
 * wait, at growing intervals while a state the kernel gives no event
 * for is passing (FIN_WAIT_1, CLOSING, LAST_ACK), and sock_diag asks
 * what became of the connection after close().  A state passed too
 * fast to be read, but implied by the diagram between two that were, is
 * recorded as inferred.  With --trace off, nothing here reads anything.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>

#include "tcpdial.h"
#include "sockdiag.h"
#include "tcpstate.h"

/* The longest wait between two samples of a passing state, in ms. */
#define SAMPLE_MAX_MS 32

static bool
failed(const struct session *s)
{
	return s->how == END_PEER_RESET || s->how == END_LOST ||
	    s->how == END_ABORT;
}

/* Record one state reached at ms and say it. */
static void
record(struct session *s, long long ms, int state, bool inferred,
    const struct sockdiag *d, bool after)
{
	struct trace_event e = {
		.ms = ms - s->start_ms, .state = (unsigned char)state,
		.event = (unsigned char)tcpstate_cause(s->trace.last, state),
		.inferred = inferred, .after_close = after,
		.expires_ms = d != NULL ? d->expires_ms : 0,
	};

	s->trace.last = state;
	s->trace.step = 1;
	report_trace(s, &e);
}

/*
 * The connection was seen in state at ms: first the states the diagram
 * says it passed since the last one (inferred), then state.  d: what
 * sock_diag read (NULL: TCP_INFO did); after: it read it after close(),
 * which is said even when the state did not change.
 */
static void
saw(struct session *s, long long ms, int state, const struct sockdiag *d,
    bool after)
{
	int mid[8], k, i;

	if (state == s->trace.last && !after) {
		if (s->trace.step < SAMPLE_MAX_MS)
			s->trace.step *= 2;
		return;
	}
	k = tcpstate_implied(s->trace.last, state, failed(s), mid, 8);
	for (i = 0; i < k; i++)
		record(s, ms, mid[i], true, NULL, false);
	record(s, ms, state, false, d, after);
}

/* What the kernel holds of s's connection; peers: the peer's end. */
static int
diag(const struct session *s, bool peers, struct sockdiag *d)
{
	if (peers)
		return sockdiag_state(&s->peer_addr, &s->local_addr, d);
	return sockdiag_state(&s->local_addr, &s->peer_addr, d);
}

/*
 * diag() of our end, returning its rc; s->trace.gone: the kernel holds
 * nothing of the connection, no socket (ENOENT) or one in CLOSE on its
 * way out.  Never claimed unless sock_diag read the live connection: a
 * kernel without it answers ENOENT too.
 */
static int
look(struct session *s, struct sockdiag *d)
{
	int rc = diag(s, false, d);

	s->trace.gone = s->trace.diag_ok &&
	    (rc == 0 ? d->state == TCP_CLOSE : errno == ENOENT);
	return rc;
}

/*
 * The connection is up: the connect phase's lines are said.  With
 * --trace, find out whether sock_diag can see it.
 */
void
trace_connected(const struct options *o, struct session *s)
{
	struct sockdiag d;

	s->trace.last = TCP_ESTABLISHED;
	s->trace.step = 1;
	s->trace.closed_ms = -1;
	s->trace.gone = false;
	s->trace.diag_ok = o->trace && diag(s, false, &d) == 0;
}

/*
 * Read the state of s's socket now.  Linux gives the socket CLOSE as
 * it enters TIME_WAIT (a socket of its own holds that): sock_diag tells
 * the two apart.  Any other CLOSE is said by trace_closed(), once the
 * session knows how it ended (whose RST?).
 */
void
trace_sample(const struct options *o, struct session *s)
{
	struct sockdiag d;
	int state;

	if (!o->trace || s->fd == -1 || s->trace.last == TCP_TIME_WAIT ||
	    s->trace.closed_ms != -1 || (state = tcpinfo_state(s->fd)) == -1)
		return;
	if (state != TCP_CLOSE)
		saw(s, clock_now_ms(), state, NULL, false);
	else if (look(s, &d) == 0 && d.state == TCP_TIME_WAIT)
		saw(s, clock_now_ms(), d.state, &d, false);
	else
		s->trace.closed_ms = clock_now_ms();
}

/*
 * How long a wait may last before the next sample: -1 (no limit) but
 * while a state passes that no event of ours ends.
 */
int
trace_poll_ms(const struct options *o, const struct session *s)
{
	if (!o->trace)
		return -1;
	switch (s->trace.last) {
	case TCP_FIN_WAIT1:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		return s->trace.step;
	default:
		return -1;
	}
}

/*
 * The socket went CLOSE at ms.  After our FIN, with nothing failed, it
 * went to TIME_WAIT, by the diagram, rather than a CLOSE the diagram
 * would reach only after 2 MSL: where sock_diag could not look (a
 * kernel without it), or where the disconnect was seen complete (a
 * kernel out of TIME_WAIT buckets skips it).  Else (s->trace.gone) the
 * kernel holds no TIME_WAIT: a reset ended the close (ours, as Linux
 * answers bytes that arrive after close(), or the peer's), or a timeout
 * did, with no state between.
 */
static void
went_close(struct session *s, long long ms, bool after)
{
	int last = s->trace.last;
	bool active;

	/* Our FIN, the first, left before any look: FIN_WAIT_1 passed. */
	if (last == TCP_ESTABLISHED && s->fin_sent_ms != -1 &&
	    !s->peer_closed_first && !failed(s))
		record(s, ms, last = TCP_FIN_WAIT1, true, NULL, false);
	active = last == TCP_FIN_WAIT1 || last == TCP_FIN_WAIT2 ||
	    last == TCP_CLOSING;

	if (active && (!s->trace.gone || s->disconnect_done) && !failed(s))
		record(s, ms, TCP_TIME_WAIT, true, NULL, false);
	else if (active)
		record(s, ms, TCP_CLOSE, false, NULL, after);
	else
		saw(s, ms, TCP_CLOSE, NULL, after);
}

/*
 * After close(): what the kernel still holds of the connection, on our
 * side and, after a passive close, on the peer's (the peer holds
 * TIME_WAIT); then TCP_INFO's last figures.
 */
void
trace_closed(const struct options *o, struct session *s)
{
	struct sockdiag d;

	if (!o->trace || s->local_addr.ss_family == AF_UNSPEC)
		return;
	if (s->trace.closed_ms != -1)
		went_close(s, s->trace.closed_ms, false);
	else if (s->trace.last != TCP_TIME_WAIT) {
		if (look(s, &d) == 0 && d.state != TCP_CLOSE)
			saw(s, clock_now_ms(), d.state, &d, true);
		else
			went_close(s, clock_now_ms(), true);
	}
	if (s->peer_closed_first && !failed(s)) {
		if (diag(s, true, &d) == 0)
			report_trace_peer(s, d.state, d.expires_ms);
		else
			report_trace_peer(s, -1, 0);
	}
	if (s->tcpi.taken)
		report_trace_facts(s);
}
