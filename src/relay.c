/*
 * Move bytes: stdin to the socket and the socket to stdout, both at once,
 * until the session's end is decided.  One fixed buffer per direction;
 * poll for reading only when a buffer has room and for writing only when
 * it has data, which bounds memory and gives backpressure for free.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "tcpdial.h"

#define BUF_SIZE ((size_t)128 * 1024)


enum {
	SLOT_STDIN,
	SLOT_NETOUT,
	SLOT_NETIN,
	SLOT_STDOUT,
	SLOT_COUNT
};

/*
 * One direction.  The copy path holds bytes in data[off, off+len).  The
 * splice path (the stdio end is a pipe) holds none: bytes go straight
 * from the pipe to the socket or back, and pending stands for "has data":
 * the source is readable but the sink would take nothing.
 */
struct buf {
	char data[BUF_SIZE];
	size_t off;		/* first byte not yet written */
	size_t len;		/* bytes waiting from off on */
	bool splice;		/* move with splice(2), not read/write */
	bool pending;		/* splice: bytes wait for the sink to drain */
};

struct relay {
	struct buf up;		/* stdin -> socket */
	struct buf down;	/* socket -> stdout */
	bool stdin_done;	/* stdin is read no more: EOF, peer done, signal */
	bool at_fin_point;	/* stdin done and up empty: FIN (or RST) due */
	bool peer_done;		/* the socket is read no more: FIN or reset */
	bool prev_cr;		/* -C: the last byte read from stdin was CR */
	int pending;		/* code to end with once stdout is flushed */
	long long last_move_ms;	/* for -i */
};

static struct relay r;

/* Room left at the tail of b. */
static size_t
room(const struct buf *b)
{
	return BUF_SIZE - (b->off + b->len);
}

/* Whether b holds bytes for its sink. */
static bool
has_data(const struct buf *b)
{
	return b->splice ? b->pending : b->len > 0;
}

/* Whether b can take need more bytes from its source. */
static bool
has_room(const struct buf *b, size_t need)
{
	return b->splice ? !b->pending : room(b) >= need;
}

static void
discard(struct buf *b)
{
	b->off = b->len = 0;
	b->pending = false;
}

static bool
is_pipe(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

/*
 * Move bytes from in to out with one splice(2): no copy through user
 * space.  from_source says poll found in readable (rather than out
 * writable); then EAGAIN can only mean out is full, so b waits for it.
 * Returns as read(2).
 */
static ssize_t
splice_move(int in, int out, struct buf *b, bool from_source)
{
	ssize_t n;

	n = splice(in, NULL, out, NULL, PIPE_GROW,
	    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	b->pending = n == -1 && errno == EAGAIN && from_source;
	return n;
}

/*
 * Read from stdin into the up buffer, turning each bare LF into CRLF.
 * The bytes are read into the back half of the free room and expanded
 * forward, so the expansion never overtakes what it has yet to read.
 */
static ssize_t
fill_crlf(struct buf *b)
{
	size_t max = room(b) / 2, i;
	char *src = b->data + BUF_SIZE - max;
	char *dst = b->data + b->off + b->len, *start = dst;
	ssize_t n;
	char c;

	n = read(STDIN_FILENO, src, max);
	for (i = 0; n > 0 && i < (size_t)n; i++) {
		c = src[i];
		if (c == '\n' && !r.prev_cr)
			*dst++ = '\r';
		r.prev_cr = c == '\r';
		*dst++ = c;
	}
	if (n > 0) {
		b->len += (size_t)(dst - start);
		return dst - start;
	}
	return n;
}

/* Read into the tail of b.  Returns as read(2). */
static ssize_t
fill(int fd, struct buf *b)
{
	ssize_t n;

	n = read(fd, b->data + b->off + b->len, room(b));
	if (n > 0)
		b->len += (size_t)n;
	return n;
}

/* Write from the head of b.  Returns as write(2). */
static ssize_t
drain(int fd, struct buf *b)
{
	ssize_t n;

	n = write(fd, b->data + b->off, b->len);
	if (n > 0) {
		b->off += (size_t)n;
		b->len -= (size_t)n;
		/* Empty: start again at the front, so the room is whole. */
		if (b->len == 0)
			b->off = 0;
	}
	return n;
}

static bool
would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* Whether errno from a splice names the socket's end, not the pipe's. */
static bool
socket_error(void)
{
	return errno == ECONNRESET || errno == EPIPE || errno == ETIMEDOUT ||
	    errno == ENOTCONN || errno == EHOSTUNREACH || errno == ENETUNREACH;
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
	report_fail("%s %s", op, s->peer);
	s->how = END_PEER_RESET;
	r.peer_done = true;
	r.stdin_done = true;
	discard(&r.up);
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

	if (r.up.splice)
		n = splice_move(STDIN_FILENO, s->fd, &r.up, from_source);
	else if (from_source)
		n = o->crlf ? fill_crlf(&r.up) : fill(STDIN_FILENO, &r.up);
	else
		n = drain(s->fd, &r.up);
	if (n > 0 && (r.up.splice || !from_source))
		s->bytes_out += (unsigned long long)n;
	if (n == 0 && (r.up.splice || from_source)) {
		report_verbose(o, 2, "stdin: end of file");
		r.stdin_done = true;
	}
	if (n != -1 || would_block())
		return TD_OK;
	if (r.up.splice && errno == EINVAL && s->bytes_out == 0) {
		/* The kernel will not splice these two: copy instead. */
		r.up.splice = false;
		return TD_OK;
	}
	if (r.up.splice ? socket_error() : !from_source) {
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
	report_verbose(o, 1, "%s closed its side (FIN)", s->peer);
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

	if (r.down.splice)
		n = splice_move(s->fd, STDOUT_FILENO, &r.down, from_source);
	else if (from_source)
		n = fill(s->fd, &r.down);
	else
		n = drain(STDOUT_FILENO, &r.down);
	if (n > 0 && (r.down.splice || from_source))
		s->bytes_in += (unsigned long long)n;
	if (n == 0 && (r.down.splice || from_source))
		peer_fin(o, s);
	if (n != -1 || would_block())
		return TD_OK;
	if (r.down.splice && errno == EINVAL && s->bytes_in == 0) {
		r.down.splice = false;
		return TD_OK;
	}
	if (r.down.splice ? socket_error() && errno != EPIPE : from_source) {
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
	if (s->bytes_in + s->bytes_out != before || r.up.len != up ||
	    r.down.len != down)
		r.last_move_ms = clock_now_ms();
	return code;
}

static void
set_slots(const struct session *s, struct pollfd *pfd)
{
	/* -C needs two bytes of room for each byte read. */
	pfd[SLOT_STDIN].fd = !r.stdin_done && has_room(&r.up, 2) ?
	    STDIN_FILENO : -1;
	pfd[SLOT_STDIN].events = POLLIN;
	pfd[SLOT_NETOUT].fd = has_data(&r.up) ? s->fd : -1;
	pfd[SLOT_NETOUT].events = POLLOUT;
	pfd[SLOT_NETIN].fd = !r.peer_done && has_room(&r.down, 1) ? s->fd : -1;
	pfd[SLOT_NETIN].events = POLLIN;
	pfd[SLOT_STDOUT].fd = has_data(&r.down) ? STDOUT_FILENO : -1;
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
		return r.pending;
	}
	if (o->half_close && hangup_fin(o, s) == -1) {
		/* Reset: never fall through to the graceful end below. */
		peer_reset(s, "send FIN to");
		return !has_data(&r.down) ? TD_RESET : -1;
	}
	if (o->disconnect_wait_ms == 0) {
		/* -q 0: do not wait for the peer at all. */
		s->how = END_CUT;
		return r.pending;
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
		return !has_data(&r.down) ? TD_RESET : -1;
	/*
	 * stdin is read no more: -q starts now, so that it also bounds the
	 * bytes still to send, which a peer that does not read never takes.
	 */
	if (r.stdin_done && s->disconnect_deadline == NO_DEADLINE)
		s->disconnect_deadline = clock_deadline(o->disconnect_wait_ms);
	/* stdin done and its bytes all sent: FIN (or RST) is due. */
	if (r.stdin_done && !has_data(&r.up) && !r.at_fin_point &&
	    (code = fin_point(o, s)) != -1)
		return code;
	/* Both sides finished and stdout flushed: a graceful end. */
	if (r.at_fin_point && r.peer_done && !has_data(&r.down)) {
		s->how = END_GRACEFUL;
		return r.pending;
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
		    s->peer, o->idle_ms);
		s->how = END_CUT;
		return r.pending != TD_OK ? r.pending : TD_IDLE;
	}
	if (clock_expired(s->disconnect_deadline)) {
		report_failx("%s: disconnect not complete after %lld ms",
		    s->peer, o->disconnect_wait_ms);
		s->how = END_CUT;
		return r.pending != TD_OK ? r.pending : TD_DISCONNECT;
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
	s->signo = sig_last();
	r.pending = TD_SIGNAL_BASE + s->signo;
	if (sig_count() > 1 || o->close_mode == CLOSE_ABORT) {
		s->how = END_ABORT;
		return r.pending;
	}
	report_verbose(o, 1, "signal %d: closing (again to reset)", s->signo);
	r.stdin_done = true;
	discard(&r.up);
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

static void
to_timespec(int ms, struct timespec *ts)
{
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (long)(ms % 1000) * 1000000;
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
	int code, ms, seen = 0, n;

	r.pending = TD_OK;
	r.last_move_ms = clock_now_ms();
	/* A pipe at the stdio end: splice, unless -C must see the bytes. */
	r.up.splice = !o->crlf && is_pipe(STDIN_FILENO);
	r.down.splice = is_pipe(STDOUT_FILENO);
	report_verbose(o, 2, "relay: stdin to socket by %s, socket to stdout "
	    "by %s", r.up.splice ? "splice" : "copy",
	    r.down.splice ? "splice" : "copy");
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
		ms = poll_ms(o, s);
		to_timespec(ms, &ts);
		n = ppoll(pfd, SLOT_COUNT, ms == -1 ? NULL : &ts,
		    sig_pollmask());
		if (n == -1 && errno != EINTR) {
			report_fail("poll");
			return TD_FAILURE;
		}
		if (n > 0 && (code = move_bytes(o, s, pfd)) != TD_OK) {
			s->how = END_CUT;
			return code;
		}
	}
}
