/*
 * The session's deadlines, as the relay sees them: -i (no byte moved),
 * -m (the whole run), -q (the disconnect, from stdin's end, or a
 * signal's grace) and --settle (the peer quiet after stdin's end).
 * Each is read only when its option is given: a plain relay reads no
 * clock in its loop.
 */
#include "tcpdial.h"
#include "relay.h"

/* While --settle waits for our bytes to be acknowledged. */
#define SETTLE_STEP_MS 10

/*
 * Start the relay's clocks.  The last flush of a failed ending gets no
 * time of its own unless -i or a signal's grace gives it some (see
 * deadline_flush()).
 */
void
deadline_init(const struct options *o, struct relay *r)
{
	r->last_move_ms = o->idle_ms != -1 ? clock_now_ms() : 0;
	r->quiet_since_ms = NO_DEADLINE;
	r->flush_deadline = NO_DEADLINE;
}

/*
 * How long the last flush of stdout may wait, for an ending with code:
 * a success waits as long as stdout takes (within -m), since exit 0
 * must mean every byte written; a failure waits for what its ending
 * allowed (-i: one more idle period, a signal: its grace), else not.
 */
long long
deadline_flush(const struct session *s, const struct relay *r, int code)
{
	if (code == TD_OK)
		return s->max_deadline;
	if (r->flush_deadline == NO_DEADLINE)
		return clock_now_ms();
	return clock_earliest(r->flush_deadline, s->max_deadline);
}

/*
 * Some byte moved, either way (-i); down: some came from the peer, or
 * left our buffer for stdout.  After stdin's end either means the peer
 * is not quiet yet (--settle): its quiet counts only while we read the
 * socket, and a full buffer stops that until stdout has taken it all.
 */
void
deadline_moved(const struct options *o, struct relay *r, bool down)
{
	long long now = clock_now_ms();

	r->last_move_ms = now;
	if (down && o->settle_ms != -1 && r->stdin_ended)
		r->quiet_since_ms = now;
}

/*
 * stdin is read no more: -q starts now, so that it also bounds the bytes
 * still to send, which a peer that does not read never takes; and the
 * peer's quiet (--settle) is counted from now.
 */
void
deadline_stdin_done(const struct options *o, struct session *s,
    struct relay *r)
{
	s->disconnect_deadline = clock_earliest(s->disconnect_deadline,
	    clock_deadline(o->disconnect_wait_ms));
	if (o->settle_ms != -1)
		r->quiet_since_ms = clock_now_ms();
}

/* Which side kept the session idle. */
static enum stall
stalled(const struct relay *r)
{
	if (buf_has_data(&r->down))
		return STALL_STDOUT_FULL;
	if (buf_has_data(&r->up))
		return STALL_PEER_FULL;
	/* After its FIN the peer sends nothing: stdin was the silent one. */
	return r->peer_done ? STALL_STDIN_SILENT : STALL_PEER_SILENT;
}

/*
 * --settle: stdin is done and sent, what the peer sent is written, the
 * peer has been quiet for the duration, and it has acknowledged all we
 * sent (a reply is not complete while our request may not be).
 */
static bool
settled(const struct options *o, const struct session *s,
    const struct relay *r, long long now)
{
	return o->settle_ms != -1 && r->at_fin_point &&
	    !buf_has_data(&r->down) &&
	    now - r->quiet_since_ms >= o->settle_ms && hangup_sent_all(s->fd);
}

/* A deadline ended the session with code, unless a signal had already. */
static int
ended(struct session *s, const struct relay *r, int code)
{
	s->how = END_CUT;
	return r->end_code != TD_OK ? r->end_code : code;
}

/*
 * Deadlines that end the session: -m, -i, -q and --settle.  GO_ON when
 * none passed.  A session a signal is already ending keeps the signal's
 * status.
 */
int
deadline_expired(const struct options *o, struct session *s,
    struct relay *r)
{
	long long now;

	if (o->idle_ms == -1 && o->settle_ms == -1 &&
	    s->max_deadline == NO_DEADLINE &&
	    s->disconnect_deadline == NO_DEADLINE)
		return GO_ON;
	now = clock_now_ms();
	if (s->max_deadline != NO_DEADLINE && now >= s->max_deadline) {
		report_max_time(o, s);
		r->flush_deadline = now;
		return ended(s, r, TD_IDLE);
	}
	if (o->idle_ms != -1 && now - r->last_move_ms >= o->idle_ms) {
		report_idle(o, s, stalled(r));
		/* stdout gets one more idle period to take what is held. */
		r->flush_deadline = clock_earliest(now + o->idle_ms,
		    s->max_deadline);
		return ended(s, r, TD_IDLE);
	}
	if (s->disconnect_deadline != NO_DEADLINE &&
	    now >= s->disconnect_deadline) {
		report_disconnect_late(o, s, sig_first());
		return ended(s, r, TD_DISCONNECT);
	}
	if (settled(o, s, r, now)) {
		report_note(o, s, NOTE_SETTLED, o->settle_ms);
		s->how = END_SETTLED;
		return r->end_code;
	}
	return GO_ON;
}

/* The poll(2) timeout that wakes the relay for its nearest deadline. */
int
deadline_poll_ms(const struct options *o, const struct session *s,
    const struct relay *r)
{
	long long d, settle;

	d = clock_earliest(s->disconnect_deadline, s->max_deadline);
	if (o->idle_ms != -1)
		d = clock_earliest(d, r->last_move_ms + o->idle_ms);
	if (o->settle_ms != -1 && r->at_fin_point) {
		settle = r->quiet_since_ms + o->settle_ms;
		/* Quiet enough, but our bytes are not all acknowledged. */
		if (settle <= clock_now_ms())
			settle = clock_now_ms() + SETTLE_STEP_MS;
		d = clock_earliest(d, settle);
	}
	return clock_poll_ms(d, NO_DEADLINE);
}
