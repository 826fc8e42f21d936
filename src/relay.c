/*
 * The relay: stdin to the socket and the socket to stdout, both at once,
 * until the session's end is decided.  One fixed buffer per direction
 * (buf.c moves the bytes); poll for reading only when a direction has
 * room and for writing only when it has data, which bounds memory and
 * gives backpressure for free.  The session's deadlines are in
 * deadline.c; every ending flushes what was received before it returns.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "tcpdial.h"
#include "relay.h"

enum {
	SLOT_STDIN,
	SLOT_NETOUT,
	SLOT_NETIN,
	SLOT_STDOUT,
	SLOT_COUNT
};

static bool
would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/*
 * The connection failed under us: reset by the peer, or lost (the
 * retransmissions timed out, the path became unreachable).  Keep what
 * the peer sent; read and send no more.
 */
static void
connection_failed(struct relay *r, struct session *s, const char *op)
{
	/*
	 * We never write after our own FIN, so EPIPE on the socket means a
	 * failure whose error an earlier partial write already consumed.
	 */
	if (errno == EPIPE)
		errno = ECONNRESET;
	s->how = exitcode_session(errno) == TD_LOST ? END_LOST :
	    END_PEER_RESET;
	report_broken(s, op);
	r->peer_done = true;
	r->stdin_done = true;
	buf_discard(&r->up);
}

/*
 * stdin to the socket, by whichever path.  from_source: stdin polled
 * readable (else the socket polled writable).  Returns GO_ON, or TD_IO
 * for a stdin read error.
 */
static int
move_up(const struct options *o, struct session *s, struct relay *r,
    bool from_source)
{
	ssize_t n;

	n = buf_step(&r->up, from_source);
	if (n > 0 && buf_wrote_sink(&r->up, from_source))
		s->bytes_out += (unsigned long long)n;
	if (n == 0 && buf_read_source(&r->up, from_source)) {
		report_note(o, s, NOTE_STDIN_EOF, 0);
		r->stdin_done = true;
	}
	if (n != -1 || would_block())
		return GO_ON;
	if (buf_socket_failed(&r->up, from_source)) {
		connection_failed(r, s, "write to");
		return GO_ON;
	}
	report_local(s, LOCAL_STDIN);
	return TD_IO;
}

/*
 * The peer's FIN: it sends no more, but may still read (SPEC 4).  A
 * person at a terminal is done with it; a pipe or file goes on to its
 * end.  stdout is closed once what came before the FIN is on it.
 */
static void
peer_fin(const struct options *o, struct session *s, struct relay *r)
{
	report_note(o, s, NOTE_PEER_FIN, 0);
	s->peer_fin_ms = clock_now_ms();
	r->peer_done = true;
	if (r->stdin_tty)
		r->stdin_done = true;
}

/*
 * The socket to stdout, by whichever path.  from_source: the socket
 * polled readable (else stdout polled writable).  Returns GO_ON, or
 * TD_IO for a stdout write error.
 */
static int
move_down(const struct options *o, struct session *s, struct relay *r,
    bool from_source)
{
	ssize_t n;

	n = buf_step(&r->down, from_source);
	if (n > 0 && buf_read_source(&r->down, from_source)) {
		if (s->bytes_in == 0) {
			s->first_byte_ms = clock_now_ms();
			report_first_byte(o, s);
		}
		s->bytes_in += (unsigned long long)n;
	}
	if (n == 0 && buf_read_source(&r->down, from_source))
		peer_fin(o, s, r);
	if (n != -1 || would_block())
		return GO_ON;
	if (buf_socket_failed(&r->down, from_source)) {
		connection_failed(r, s, "read from");
		return GO_ON;
	}
	report_local(s, LOCAL_STDOUT);
	r->stdout_failed = true;
	return TD_IO;
}

/* Whether slot i was named by poll: ready, hung up or in error. */
static bool
ready(const struct pollfd *pfd, int i)
{
	return pfd[i].fd != -1 && pfd[i].revents != 0;
}

/*
 * Service every ready slot.  Returns GO_ON, or the code of a local I/O
 * error that ends the session at once.
 */
static int
move_bytes(const struct options *o, struct session *s, struct relay *r,
    const struct pollfd *pfd)
{
	unsigned long long in = s->bytes_in, out = s->bytes_out;
	size_t up = r->up.len, down = r->down.len;
	int code = GO_ON;

	if (ready(pfd, SLOT_STDIN))
		code = move_up(o, s, r, true);
	if (code == GO_ON && ready(pfd, SLOT_NETOUT))
		code = move_up(o, s, r, false);
	/* A failure met just now: the socket's 0 would be no FIN. */
	if (code == GO_ON && !r->peer_done && ready(pfd, SLOT_NETIN))
		code = move_down(o, s, r, true);
	if (code == GO_ON && ready(pfd, SLOT_STDOUT))
		code = move_down(o, s, r, false);
	/* Only -i and --settle look at the clock: no read without them. */
	if ((o->idle_ms != -1 || o->settle_ms != -1) && (s->bytes_in != in ||
	    s->bytes_out != out || r->up.len != up || r->down.len != down))
		deadline_moved(o, r, s->bytes_in != in);
	return code;
}

static void
set_slots(const struct session *s, const struct relay *r,
    struct pollfd *pfd)
{
	/* -C needs two bytes of room for each byte read. */
	pfd[SLOT_STDIN].fd = !r->stdin_done && buf_has_room(&r->up, 2) ?
	    STDIN_FILENO : -1;
	pfd[SLOT_STDIN].events = POLLIN;
	pfd[SLOT_NETOUT].fd = buf_has_data(&r->up) ? s->fd : -1;
	pfd[SLOT_NETOUT].events = POLLOUT;
	pfd[SLOT_NETIN].fd = !r->peer_done && buf_has_room(&r->down, 1) ?
	    s->fd : -1;
	pfd[SLOT_NETIN].events = POLLIN;
	pfd[SLOT_STDOUT].fd = buf_has_data(&r->down) ? STDOUT_FILENO : -1;
	pfd[SLOT_STDOUT].events = POLLOUT;
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
	/* Without half-close, nothing is due until the session's end. */
	if (o->close_mode == CLOSE_ABORT && o->half_close) {
		s->how = END_ABORT;
		return r->end_code;
	}
	if (o->half_close && hangup_fin(o, s) == -1) {
		/* transition() ends it as a failed connection. */
		connection_failed(r, s, "send FIN to");
		return GO_ON;
	}
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

static bool
failed(const struct session *s)
{
	return s->how == END_PEER_RESET || s->how == END_LOST;
}

/*
 * What the state says now: GO_ON, or the code to end with.  Every
 * transition of the session's end is here, in the order they can fire.
 */
static int
transition(const struct options *o, struct session *s, struct relay *r)
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
static int
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
	return GO_ON;
}

/* One turn of the relay: GO_ON, or the code the session ends with. */
static int
relay_turn(const struct options *o, struct session *s, struct relay *r)
{
	struct pollfd pfd[SLOT_COUNT];
	struct timespec ts;
	int code, n;

	if (sig_count() != r->signals_seen) {
		r->signals_seen = sig_count();
		if ((code = relay_signal(o, s, r)) != GO_ON)
			return code;
	}
	if ((code = transition(o, s, r)) != GO_ON ||
	    (code = deadline_expired(o, s, r)) != GO_ON)
		return code;
	set_slots(s, r, pfd);
	n = ppoll(pfd, SLOT_COUNT, clock_timespec(deadline_poll_ms(o, s, r),
	    &ts), sig_pollmask());
	if (n == -1 && errno != EINTR) {
		report_local(s, LOCAL_POLL);
		s->how = END_CUT;
		return TD_FAILURE;
	}
	if (n > 0 && (code = move_bytes(o, s, r, pfd)) != GO_ON) {
		s->how = END_CUT;
		return code;
	}
	return GO_ON;
}

/*
 * Write out what the copy path still holds for stdout, before any
 * ending: bytes received are never dropped unnoticed.  Waits for stdout
 * until deadline_flush() or a further signal.  Returns code; when bytes
 * stay unwritten, or stdout fails, a success becomes TD_IO (or 128+n
 * for the signal that broke the wait).
 */
static int
flush_down(struct session *s, struct relay *r, int code)
{
	int seen = sig_count();

	if (r->stdout_failed || r->down.mover != MOVER_COPY)
		return code;
	if (buf_flush(&r->down, deadline_flush(s, r, code)) == -1) {
		report_local(s, LOCAL_STDOUT);
		return code == TD_OK ? TD_IO : code;
	}
	if (!buf_has_data(&r->down))
		return code;
	report_unwritten(s, r->down.len);
	if (code != TD_OK)
		return code;
	return sig_count() != seen ? TD_SIGNAL_BASE + sig_first() : TD_IO;
}

/* Fresh relay state; the buffers' bytes are left untouched. */
static void
relay_init(const struct options *o, struct session *s, struct relay *r)
{
	r->stdin_tty = isatty(STDIN_FILENO);
	r->stdin_done = r->stdin_ended = r->at_fin_point = false;
	r->peer_done = r->stdout_closed = r->stdout_failed = false;
	r->end_code = TD_OK;
	r->signals_seen = 0;
	buf_init(&r->up, STDIN_FILENO, s->fd, s->fd, o->crlf);
	buf_init(&r->down, s->fd, STDOUT_FILENO, s->fd, false);
	deadline_init(o, r);
}

/*
 * Relay until the end of the session is decided.  Returns the exit code
 * so far (TD_OK, TD_IDLE, TD_DISCONNECT, TD_RESET, TD_LOST, TD_IO or
 * 128+signal) and sets s->how to the ending hangup_end() must carry out.
 */
int
relay_run(const struct options *o, struct session *s)
{
	/* Static storage: 256 KiB of buffers, not on the stack. */
	static struct relay r;
	int code;

	relay_init(o, s, &r);
	report_movers(o, buf_mover_name(&r.up), buf_mover_name(&r.down));
	while ((code = relay_turn(o, s, &r)) == GO_ON)
		;
	return flush_down(s, &r, code);
}
