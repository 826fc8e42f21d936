/*
 * The relay's end: every transition that decides how and when a session
 * ends (our FIN, the graceful end, a failed connection, a signal), for
 * relay.c to ask after each turn.  The byte moving stays in relay.c.
 */
#include <errno.h>

#include "tcpdial.h"
#include "relay.h"

/*
 * The connection failed under us: reset by the peer, or lost (the
 * retransmissions timed out, the path became unreachable).  Keep what
 * the peer sent; read and send no more.
 */
void
relay_failed(struct relay *r, struct session *s, const char *op)
{
	int late;

	/*
	 * The download's second splice may have read the socket's error
	 * already (late_err): that is the error, whoever met its trace (a
	 * write's EPIPE, a FIN's ENOTCONN).  Its EPIPE is stdout's, not the
	 * connection's, and loses to the connection's failure.  Else, as we
	 * never write after our own FIN, EPIPE means an earlier partial write
	 * consumed the reset, and a reset is all we know.
	 */
	late = r->down.late_err;
	r->down.late_err = 0;
	if (late != EPIPE && exitcode_session(late) != -1) {
		errno = late;
		op = "read from";
	} else if (errno == EPIPE)
		errno = ECONNRESET;
	s->how = exitcode_session(errno) == TD_LOST ? END_LOST :
	    END_PEER_RESET;
	report_broken(s, op);
	r->peer_done = true;
	r->stdin_done = true;
	buf_discard(&r->up);
}

/*
 * After the peer's FIN, poll named the socket (relay.c watches it with
 * no events): only a failure can, its reset or a loss.  Its pending
 * error says which.
 */
void
relay_failed_after_fin(struct relay *r, struct session *s)
{
	int err = tcpinfo_error(s->fd);

	errno = exitcode_session(err) != -1 ? err : ECONNRESET;
	relay_failed(r, s, "read from");
}

/*
 * Send our FIN.  Returns 0, or -1 when the connection failed under us
 * (reported; transition() then ends it as such).
 */
static int
send_fin(const struct options *o, struct session *s, struct relay *r)
{
	if (hangup_fin(o, s) == 0)
		return 0;
	relay_failed(r, s, "send FIN to");
	return -1;
}

/*
 * stdin is done and everything read from it is sent: the point where a
 * graceful close sends its FIN.  Returns GO_ON, or the code with which
 * to end here (abort, -q 0, a reset met by our FIN).
 */
static int
fin_point(const struct options *o, struct session *s, struct relay *r)
{
	r->at_fin_point = true;
	if (o->close_mode == CLOSE_ABORT && o->half_close) {
		s->how = END_ABORT;
		return r->end_code;
	}
	/*
	 * Without half-close, nothing is due until the session's end; a
	 * signal is that end (relay_signal() set end_code), and its grace
	 * waits for the disconnect that our FIN starts.
	 */
	if ((o->half_close || r->end_code != TD_OK) &&
	    send_fin(o, s, r) == -1)
		return GO_ON;
	if (o->disconnect_wait_ms == 0) {
		/* -q 0: do not wait for the peer at all. */
		s->how = END_CUT;
		return r->end_code;
	}
	return GO_ON;
}

/*
 * A failed connection (reset or lost): GO_ON until what the peer sent
 * is on stdout, then the code to end with.
 */
static int
failed_end(const struct session *s, const struct relay *r)
{
	if (buf_has_data(&r->down))
		return GO_ON;
	if (r->end_code != TD_OK)
		return r->end_code;
	return s->how == END_LOST ? TD_LOST : TD_RESET;
}

/* Whether the connection failed under us (relay_failed()). */
static bool
failed(const struct session *s)
{
	return s->how == END_PEER_RESET || s->how == END_LOST;
}

/*
 * What the state says now: GO_ON, or the code to end with.  Every
 * transition of the session's end is here, in the order they can fire.
 */
int
relay_transition(const struct options *o, struct session *s, struct relay *r)
{
	int code;

	if (failed(s))
		return failed_end(s, r);
	/* The peer's FIN and all before it written: stdout's end too. */
	if (r->peer_done && !r->stdout_closed && !buf_has_data(&r->down)) {
		stdio_close_out();
		r->stdout_closed = true;
	}
	if (r->stdin_done && !r->stdin_ended) {
		r->stdin_ended = true;
		deadline_stdin_done(o, s, r);
	}
	/* stdin done and its bytes all sent: FIN (or RST) is due. */
	if (r->stdin_done && !buf_has_data(&r->up) && !r->at_fin_point &&
	    (code = fin_point(o, s, r)) != GO_ON)
		return code;
	/* Our FIN met a reset: not the graceful end below. */
	if (failed(s))
		return failed_end(s, r);
	/* Both sides finished and stdout flushed: a graceful end. */
	if (r->at_fin_point && r->peer_done && !buf_has_data(&r->down)) {
		s->how = o->close_mode == CLOSE_ABORT ? END_ABORT :
		    END_GRACEFUL;
		return r->end_code;
	}
	return GO_ON;
}

/*
 * A SIGINT, SIGTERM or SIGHUP arrived.  The first one ends the session
 * as --close says (graceful: stop reading stdin, FIN, wait for the
 * peer's FIN within the grace); a second one resets the connection at
 * once.  Returns GO_ON, or the code to end with.
 */
int
relay_signal(const struct options *o, struct session *s, struct relay *r)
{
	r->end_code = TD_SIGNAL_BASE + sig_first();
	/* The grace bounds the last flush of stdout, too. */
	hangup_grace(o, s);
	r->flush_deadline = s->disconnect_deadline;
	if (sig_count() > 1 || o->close_mode == CLOSE_ABORT) {
		s->how = END_ABORT;
		return r->end_code;
	}
	report_note(o, s, NOTE_SIGNAL, sig_first());
	r->stdin_done = true;
	buf_discard(&r->up);
	/*
	 * Past the FIN point with no FIN sent and nothing failed: only
	 * --no-half-close keeps it back so, and this is the end it waits for.
	 */
	if (r->at_fin_point && s->fin_sent_ms == -1 && !failed(s))
		(void)send_fin(o, s, r);
	return GO_ON;
}
