/*
 * The relay: stdin to the socket and the socket to stdout, both at once,
 * until the session's end is decided.  One fixed buffer per direction
 * (buf.c moves the bytes); poll for reading only when a direction has
 * room and for writing only when it has data, which bounds memory and
 * gives backpressure for free.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "tcpdial.h"

enum {
	SLOT_STDIN,
	SLOT_NETOUT,
	SLOT_NETIN,
	SLOT_STDOUT,
	SLOT_COUNT
};

struct relay {
	struct buf up;		/* stdin -> socket */
	struct buf down;	/* socket -> stdout */
	bool stdin_done;	/* stdin read no more: EOF, peer done, signal */
	bool at_fin_point;	/* stdin done and up empty: FIN (or RST) due */
	bool peer_done;		/* the socket is read no more: FIN or reset */
	int end_code;		/* code to end with once stdout is flushed */
	long long last_move_ms;	/* for -i */
};

static struct relay r;

static bool
would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* The peer reset the connection: keep what it sent, read no more. */
static void
peer_reset(struct session *s, const char *op)
{
	/*
	 * We never write after our own FIN, so EPIPE on the socket means a
	 * reset whose ECONNRESET an earlier partial write already consumed.
	 */
	if (errno == EPIPE)
		errno = ECONNRESET;
	report_fail("%s %s", op, dial_peer(s));
	s->how = END_PEER_RESET;
	r.peer_done = true;
	r.stdin_done = true;
	buf_discard(&r.up);
}

/*
 * stdin to the socket, by whichever path.  from_source: stdin polled
 * readable (else the socket polled writable).  Returns TD_OK to go on,
 * or TD_IO for a stdin read error.
 */
static int
move_up(const struct options *o, struct session *s, bool from_source)
{
	ssize_t n;

	n = buf_step(&r.up, from_source);
	if (n > 0 && buf_wrote_sink(&r.up, from_source))
		s->bytes_out += (unsigned long long)n;
	if (n == 0 && buf_read_source(&r.up, from_source)) {
		report_verbose(o, 2, "stdin: end of file");
		r.stdin_done = true;
	}
	if (n != -1 || would_block())
		return TD_OK;
	if (buf_socket_failed(&r.up, from_source)) {
		peer_reset(s, "write to");
		return TD_OK;
	}
	report_fail("read from stdin");
	return TD_IO;
}

/* The peer's FIN: flush what it sent, then end; stdin may be a tty. */
static void
peer_fin(const struct options *o, struct session *s)
{
	report_verbose(o, 1, "%s closed its side (FIN)", dial_peer(s));
	s->peer_fin_ms = clock_now_ms();
	r.peer_done = true;
	r.stdin_done = true;
}

/*
 * The socket to stdout, by whichever path.  from_source: the socket
 * polled readable (else stdout polled writable).  Returns TD_OK to go on,
 * or TD_IO for a stdout write error.
 */
static int
move_down(const struct options *o, struct session *s, bool from_source)
{
	ssize_t n;

	n = buf_step(&r.down, from_source);
	if (n > 0 && buf_read_source(&r.down, from_source))
		s->bytes_in += (unsigned long long)n;
	if (n == 0 && buf_read_source(&r.down, from_source))
		peer_fin(o, s);
	if (n != -1 || would_block())
		return TD_OK;
	if (buf_socket_failed(&r.down, from_source)) {
		peer_reset(s, "read from");
		return TD_OK;
	}
	report_fail("write to stdout");
	return TD_IO;
}

/* Whether slot i was named by poll: ready, hung up or in error. */
static bool
ready(const struct pollfd *pfd, int i)
{
	return pfd[i].fd != -1 && pfd[i].revents != 0;
}

/*
 * Service every ready slot.  Returns TD_OK to go on, or the code of a
 * local I/O error that ends the session at once.
 */
static int
move_bytes(const struct options *o, struct session *s, struct pollfd *pfd)
{
	unsigned long long before = s->bytes_in + s->bytes_out;
	size_t up = r.up.len, down = r.down.len;
	int code = TD_OK;

	if (ready(pfd, SLOT_STDIN))
		code = move_up(o, s, true);
	if (code == TD_OK && ready(pfd, SLOT_NETOUT))
		code = move_up(o, s, false);
	if (code == TD_OK && ready(pfd, SLOT_NETIN))
		code = move_down(o, s, true);
	if (code == TD_OK && ready(pfd, SLOT_STDOUT))
		code = move_down(o, s, false);
	/* Only -i reads last_move_ms: no clock read without it. */
	if (o->idle_ms != -1 && (s->bytes_in + s->bytes_out != before ||
	    r.up.len != up || r.down.len != down))
		r.last_move_ms = clock_now_ms();
	return code;
}

static void
set_slots(const struct session *s, struct pollfd *pfd)
{
	/* -C needs two bytes of room for each byte read. */
	pfd[SLOT_STDIN].fd = !r.stdin_done && buf_has_room(&r.up, 2) ?
	    STDIN_FILENO : -1;
	pfd[SLOT_STDIN].events = POLLIN;
	pfd[SLOT_NETOUT].fd = buf_has_data(&r.up) ? s->fd : -1;
	pfd[SLOT_NETOUT].events = POLLOUT;
	pfd[SLOT_NETIN].fd = !r.peer_done && buf_has_room(&r.down, 1) ?
	    s->fd : -1;
	pfd[SLOT_NETIN].events = POLLIN;
	pfd[SLOT_STDOUT].fd = buf_has_data(&r.down) ? STDOUT_FILENO : -1;
	pfd[SLOT_STDOUT].events = POLLOUT;
}

/*
 * stdin is done and everything read from it is sent: the point where a
 * graceful close sends its FIN.  Returns TD_OK to go on relaying, or
 * the code with which to end here (abort, -q 0).
 */
static int
fin_point(const struct options *o, struct session *s)
{
	r.at_fin_point = true;
	if (o->close_mode == CLOSE_ABORT) {
		s->how = END_ABORT;
		return r.end_code;
	}
	if (o->half_close && hangup_fin(o, s) == -1) {
		/* Reset: never fall through to the graceful end below. */
		peer_reset(s, "send FIN to");
		return !buf_has_data(&r.down) ? TD_RESET : -1;
	}
	if (o->disconnect_wait_ms == 0) {
		/* -q 0: do not wait for the peer at all. */
		s->how = END_CUT;
		return r.end_code;
	}
	return -1;
}

/*
 * What the state says now: -1 to go on, or the code to end with.  Every
 * transition of the session's end is here, in the order they can fire.
 */
static int
transition(const struct options *o, struct session *s)
{
	int code;

	/* A reset peer: end once what it sent is on stdout. */
	if (s->how == END_PEER_RESET)
		return !buf_has_data(&r.down) ? TD_RESET : -1;
	/*
	 * stdin is read no more: -q starts now, so that it also bounds the
	 * bytes still to send, which a peer that does not read never takes.
	 */
	if (r.stdin_done && s->disconnect_deadline == NO_DEADLINE)
		s->disconnect_deadline = clock_deadline(o->disconnect_wait_ms);
	/* stdin done and its bytes all sent: FIN (or RST) is due. */
	if (r.stdin_done && !buf_has_data(&r.up) && !r.at_fin_point &&
	    (code = fin_point(o, s)) != -1)
		return code;
	/* Both sides finished and stdout flushed: a graceful end. */
	if (r.at_fin_point && r.peer_done && !buf_has_data(&r.down)) {
		s->how = END_GRACEFUL;
		return r.end_code;
	}
	return -1;
}

/*
 * Deadlines that end the session: -i and -q.  -1 when none passed.  A
 * session a signal is already ending keeps the signal's status.
 */
static int
expired(const struct options *o, struct session *s)
{
	if (o->idle_ms != -1 && clock_now_ms() - r.last_move_ms >= o->idle_ms) {
		report_failx("%s: no traffic for %lld ms (idle timeout)",
		    dial_peer(s), o->idle_ms);
		s->how = END_CUT;
		return r.end_code != TD_OK ? r.end_code : TD_IDLE;
	}
	if (clock_expired(s->disconnect_deadline)) {
		report_disconnect_late(o, s);
		s->how = END_CUT;
		return r.end_code != TD_OK ? r.end_code : TD_DISCONNECT;
	}
	return -1;
}

/*
 * A SIGINT or SIGTERM arrived.  The first one ends the session as
 * --close says (graceful: stop reading stdin, FIN, wait for the peer's
 * FIN); a second one resets the connection at once.  Returns -1 to go on.
 */
static int
on_signal(const struct options *o, struct session *s)
{
	int signo = sig_last();

	r.end_code = TD_SIGNAL_BASE + signo;
	if (sig_count() > 1 || o->close_mode == CLOSE_ABORT) {
		s->how = END_ABORT;
		return r.end_code;
	}
	report_verbose(o, 1, "signal %d: closing (again to reset)", signo);
	r.stdin_done = true;
	buf_discard(&r.up);
	return -1;
}

static int
poll_ms(const struct options *o, const struct session *s)
{
	long long idle = NO_DEADLINE;

	if (o->idle_ms != -1)
		idle = r.last_move_ms + o->idle_ms;
	return clock_poll_ms(idle, s->disconnect_deadline);
}

/*
 * Relay until the end of the session is decided.  Returns the exit code
 * so far (TD_OK, TD_IDLE, TD_DISCONNECT, TD_RESET, TD_IO or 128+signal)
 * and sets s->how to the ending hangup_end() must carry out.
 */
int
relay_run(const struct options *o, struct session *s)
{
	struct pollfd pfd[SLOT_COUNT];
	struct timespec ts;
	int code, seen = 0, n;

	r.end_code = TD_OK;
	r.last_move_ms = clock_now_ms();
	buf_init(&r.up, STDIN_FILENO, s->fd, s->fd, o->crlf);
	buf_init(&r.down, s->fd, STDOUT_FILENO, s->fd, false);
	report_verbose(o, 2, "relay: stdin to socket by %s, socket to stdout "
	    "by %s", buf_mover_name(&r.up), buf_mover_name(&r.down));
	for (;;) {
		if (sig_count() != seen) {
			seen = sig_count();
			if ((code = on_signal(o, s)) != -1)
				return code;
		}
		if ((code = transition(o, s)) != -1 ||
		    (code = expired(o, s)) != -1)
			return code;
		set_slots(s, pfd);
		n = ppoll(pfd, SLOT_COUNT, clock_timespec(poll_ms(o, s), &ts),
		    sig_pollmask());
		if (n == -1 && errno != EINTR) {
			report_fail("poll");
			s->how = END_CUT;
			return TD_FAILURE;
		}
		if (n > 0 && (code = move_bytes(o, s, pfd)) != TD_OK) {
			s->how = END_CUT;
			return code;
		}
	}
}
