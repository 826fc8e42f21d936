/*
 * The relay: stdin to the socket and the socket to stdout, both at once,
 * until the session's end is decided.  One fixed buffer per direction
 * (buf.c moves the bytes); poll for reading only when a direction has
 * room and for writing only when it has data, which bounds memory and
 * gives backpressure for free.  The session's deadlines are in
 * deadline.c, its endings in relay_end.c; every ending flushes what was
 * received before it returns.
 */
#include <sys/ioctl.h>

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
		relay_failed(r, s, "write to");
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
	/* Read before the step: a stalled --hexdump must not delay it. */
	long long now = s->bytes_in == 0 ? clock_now_ms() : 0;
	ssize_t n;

	n = buf_step(&r->down, from_source);
	if (n > 0 && buf_read_source(&r->down, from_source)) {
		if (s->bytes_in == 0) {
			s->first_byte_ms = now;
			report_first_byte(o, s);
		}
		s->bytes_in += (unsigned long long)n;
	}
	if (n == 0 && buf_read_source(&r->down, from_source))
		peer_fin(o, s, r);
	if (n != -1 || would_block())
		return GO_ON;
	if (buf_socket_failed(&r->down, from_source)) {
		relay_failed(r, s, "read from");
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

/* The peer's FIN is in, and we still send: watch for its reset. */
static bool
watching(const struct session *s, const struct relay *r)
{
	return r->peer_done && s->how == END_NONE && !r->at_fin_point;
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
	else if (code == GO_ON && watching(s, r) && ready(pfd, SLOT_NETIN))
		relay_failed_after_fin(r, s);
	if (code == GO_ON && ready(pfd, SLOT_STDOUT))
		code = move_down(o, s, r, false);
	/* Only -i and --settle look at the clock: no read without them. */
	if ((o->idle_ms != -1 || o->settle_ms != -1) && (s->bytes_in != in ||
	    s->bytes_out != out || r->up.len != up || r->down.len != down))
		deadline_moved(o, r, s->bytes_in != in || r->down.len != down);
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
	/* After the peer's FIN, a reset can still come: POLLERR tells. */
	if (watching(s, r)) {
		pfd[SLOT_NETIN].fd = s->fd;
		pfd[SLOT_NETIN].events = 0;
	}
	pfd[SLOT_STDOUT].fd = buf_has_data(&r->down) ? STDOUT_FILENO : -1;
	pfd[SLOT_STDOUT].events = POLLOUT;
}

/* How long the next wait may last: ms (-1: no limit), or --trace's. */
static int
poll_ms(const struct options *o, const struct session *s, int ms)
{
	int t = trace_poll_ms(o, s);

	return t != -1 && (ms == -1 || t < ms) ? t : ms;
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
	if ((code = relay_transition(o, s, r)) != GO_ON ||
	    (code = deadline_expired(o, s, r)) != GO_ON)
		return code;
	trace_sample(o, s);
	set_slots(s, r, pfd);
	n = ppoll(pfd, SLOT_COUNT, clock_timespec(poll_ms(o, s,
	    deadline_poll_ms(o, s, r)), &ts), sig_pollmask());
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
 * What the ending still owes stdout: the bytes the copy path holds and,
 * for a cut ending (-q 0, -i, -m, a signal, an abort), those of the
 * socket's queue up to until (the bytes read once it is taken).
 */
static unsigned long long
owed(const struct session *s, const struct relay *r,
    unsigned long long until)
{
	unsigned long long n = r->down.mover == MOVER_COPY ? r->down.len : 0;

	if (!r->peer_done && s->bytes_in < until)
		n += until - s->bytes_in;
	return n;
}

/*
 * The download alone, until stdout has what the ending owes it, or
 * deadline passes, or a signal comes.  Returns GO_ON, or TD_IO when
 * stdout failed.
 */
static int
take_owed(const struct options *o, struct session *s, struct relay *r,
    unsigned long long until, long long deadline)
{
	struct pollfd pfd[SLOT_COUNT];
	struct timespec ts;
	int code = GO_ON, n, seen = sig_count();

	while (code == GO_ON && owed(s, r, until) > 0) {
		trace_sample(o, s);
		set_slots(s, r, pfd);
		pfd[SLOT_STDIN].fd = pfd[SLOT_NETOUT].fd = -1;
		if (s->bytes_in >= until)
			pfd[SLOT_NETIN].fd = -1;
		n = ppoll(pfd, SLOT_COUNT, clock_timespec(poll_ms(o, s,
		    clock_poll_ms(deadline, NO_DEADLINE)), &ts),
		    sig_pollmask());
		if (sig_count() != seen || (n == -1 && errno != EINTR) ||
		    (n <= 0 && clock_expired(deadline)))
			break;
		if (n > 0)
			code = move_bytes(o, s, r, pfd);
	}
	return code;
}

/*
 * Before any ending, write out what was received: what the copy path
 * holds and, for a cut ending, what the socket's queue holds now; not
 * what the peer sends later (SPEC 4).  Waits for stdout until
 * deadline_flush() or a further signal.  Returns code; when bytes stay
 * unwritten, or stdout fails, a success becomes TD_IO (or 128+n for the
 * signal that broke the wait); a reset met on the way, TD_RESET.
 */
static int
flush_down(const struct options *o, struct session *s, struct relay *r,
    int code)
{
	unsigned long long until = s->bytes_in;
	int queued = 0, seen = sig_count();
	enum end_how how = s->how;

	if (r->stdout_failed)
		return code;
	if (!r->peer_done && ioctl(s->fd, FIONREAD, &queued) == 0)
		until += (unsigned long long)queued;
	if (take_owed(o, s, r, until, deadline_flush(s, r, code)) != GO_ON)
		return code == TD_OK ? TD_IO : code;
	if (owed(s, r, until) > 0) {
		report_unwritten(s, (size_t)owed(s, r, until));
		/* Received, never written: counted and dumped all the same. */
		if (!r->peer_done && s->bytes_in < until)
			s->bytes_in += buf_take_rest(&r->down,
			    until - s->bytes_in);
		if (code == TD_OK)
			code = sig_count() != seen ?
			    TD_SIGNAL_BASE + sig_first() : TD_IO;
	}
	if (code == TD_OK && s->how != how)
		code = s->how == END_LOST ? TD_LOST : TD_RESET;
	return code;
}

/* Fresh relay state; the buffers' bytes are left untouched. */
static void
relay_init(const struct options *o, struct session *s, struct relay *r,
    struct hexdump *dump)
{
	r->stdin_tty = isatty(STDIN_FILENO);
	r->stdin_done = r->stdin_ended = r->at_fin_point = false;
	r->peer_done = r->stdout_closed = r->stdout_failed = false;
	r->end_code = TD_OK;
	r->signals_seen = 0;
	buf_init(&r->up, STDIN_FILENO, s->fd, s->fd, o->crlf, dump);
	buf_init(&r->down, s->fd, STDOUT_FILENO, s->fd, false, dump);
	deadline_init(o, r);
}

/*
 * Relay until the end of the session is decided.  Returns the exit code
 * so far (TD_OK, TD_IDLE, TD_DISCONNECT, TD_RESET, TD_LOST, TD_IO or
 * 128+signal) and sets s->how to the ending hangup_end() must carry out.
 * dump (NULL: none) records the bytes both ways.
 */
int
relay_run(const struct options *o, struct session *s, struct hexdump *dump)
{
	/* Static storage: 256 KiB of buffers, not on the stack. */
	static struct relay r;
	int code;

	relay_init(o, s, &r, dump);
	report_movers(o, buf_mover_name(&r.up), buf_mover_name(&r.down));
	while ((code = relay_turn(o, s, &r)) == GO_ON)
		;
	/*
	 * What hold_stdin() set aside (a give-back or a look at stdin's
	 * writer) and the end left unsent.
	 */
	buf_hold_close(&r.up);
	return flush_down(o, s, &r, code);
}
