/*
 * --trace (SPEC 10): the TCP states our connection goes through, one
 * stderr line each (report_trace.c words them).  The connect phase is
 * told from the attempts' record (report_trace_attempt); from then on
 * TCP_INFO is read at every turn of the relay and of the disconnect
 * wait, at growing intervals while a state the kernel gives no event
 * for is passing (FIN_WAIT_1, CLOSING, LAST_ACK), and sock_diag asks
 * what became of the connection after close().  A state passed too
 * fast to be read, but implied by the diagram between two that were, is
 * recorded as inferred.  With --trace off, nothing here reads anything.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <string.h>

#include "tcpdial.h"
#include "sockdiag.h"
#include "tcpstate.h"

/* The longest wait between two samples of a passing state, in ms. */
#define SAMPLE_MAX_MS 32

/* Keep one event (the first TRACE_MAX of them) and say it at once. */
static void
record(struct session *s, long long ms, int state, bool inferred,
    const struct sockdiag *d, bool after)
{
	struct trace_log *t = &s->trace;
	struct trace_event e = {
		.ms = ms - s->start_ms, .state = (unsigned char)state,
		.event = (unsigned char)tcpstate_cause(t->last, state),
		.inferred = inferred, .after_close = after,
		.expires_ms = d != NULL ? d->expires_ms : 0,
	};

	if (t->n < TRACE_MAX)
		t->ev[t->n] = e;
	t->n++;
	t->last = state;
	t->step = 1;
	report_trace(s, &e);
}

static bool
failed(const struct session *s)
{
	return s->how == END_PEER_RESET || s->how == END_LOST ||
	    s->how == END_ABORT;
}

/*
 * The connection was seen in state at ms: first the states the diagram
 * says it passed since the last one (inferred), then state.  d: what
 * sock_diag read (NULL: TCP_INFO did); after: it read it after close().
 */
static void
saw(struct session *s, long long ms, int state, const struct sockdiag *d,
    bool after)
{
	int mid[8], k, i;

	if (state == s->trace.last) {
		if (s->trace.step < SAMPLE_MAX_MS)
			s->trace.step *= 2;
		return;
	}
	k = tcpstate_implied(s->trace.last, state, failed(s), mid, 8);
	for (i = 0; i < k; i++)
		record(s, ms, mid[i], true, NULL, false);
	record(s, ms, state, false, d, after);
}

/* What the kernel holds of s's connection, read from the peer's end. */
static int
diag(const struct session *s, bool peers, struct sockdiag *d)
{
	if (peers)
		return sockdiag_state(&s->peer_addr, &s->local_addr, d);
	return sockdiag_state(&s->local_addr, &s->peer_addr, d);
}

/* The connection is up: the connect phase's lines are said. */
void
trace_connected(const struct options *o, struct session *s)
{
	(void)o;
	s->trace.last = TCP_ESTABLISHED;
	s->trace.step = 1;
}

/*
 * Read the state of s's socket now.  Linux gives the socket CLOSE as
 * it enters TIME_WAIT (a socket of its own holds that): sock_diag tells
 * the two apart.  A CLOSE is recorded once the session knows its ending,
 * so that its cause (whose RST?) is known.
 */
void
trace_sample(const struct options *o, struct session *s)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	struct sockdiag d;

	if (!o->trace || s->fd == -1)
		return;
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
		return;
	if (ti.tcpi_state != TCP_CLOSE)
		saw(s, clock_now_ms(), ti.tcpi_state, NULL, false);
	else if (diag(s, false, &d) == 0 && d.state == TCP_TIME_WAIT)
		saw(s, clock_now_ms(), d.state, &d, false);
	else if (s->how != END_NONE)
		saw(s, clock_now_ms(), TCP_CLOSE, NULL, false);
	/* Else the relay has yet to learn why (a reset?): it will say. */
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
	if (s->trace.last != TCP_CLOSE) {
		if (diag(s, false, &d) == 0)
			saw(s, clock_now_ms(), d.state, &d, true);
		else
			saw(s, clock_now_ms(), TCP_CLOSE, NULL, true);
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
