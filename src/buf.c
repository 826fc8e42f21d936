/*
 * The byte movers: one step of one relay direction, from its source fd
 * to its sink fd.  The copy path holds the bytes in the buffer; the
 * zero-copy paths (splice(2) when the stdio end is a pipe, sendfile(2)
 * when stdin is a regular file) hold none, but for what giving stdin's
 * pipe back, or a look at its writer, set aside (buf_zero.c).  relay.c
 * sees only whether a direction has data and has room, so one state
 * machine serves all.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <unistd.h>

#include "tcpdial.h"
#include "hexdump.h"
#include "relay.h"

/* Room left at the tail of b. */
static size_t
room(const struct buf *b)
{
	return BUF_SIZE - (b->off + b->len);
}

/*
 * Set up b to move from in to out, one of which is the socket sock.  The
 * other end's kind picks the mover: splice for a pipe, sendfile for a
 * regular file as the source, copy otherwise or when crlf or a hexdump
 * (dump, NULL if none) must see every byte.
 */
void
buf_init(struct buf *b, int in, int out, int sock, bool crlf,
    struct hexdump *dump)
{
	int stdio = in == sock ? out : in;
	struct stat st;

	b->sock = sock;
	b->in = in;
	b->out = out;
	b->off = b->len = 0;
	b->pending = false;
	b->late_err = 0;
	b->crlf = crlf;
	b->dump = dump != NULL && dump->fd != -1 ? dump : NULL;
	b->prev_cr = false;
	b->moved = 0;
	b->hold[0] = b->hold[1] = -1;
	b->held = 0;
	b->mover = MOVER_COPY;
	b->stdio_sock = false;
	/* Ended unless b turns out to move a pipe's bytes, below. */
	pipetrial_init(&b->trial);
	pipetrial_end(&b->trial);
	if (fstat(stdio, &st) == -1)
		return;
	/*
	 * A socket as stdin or stdout is shared with whoever passed it:
	 * not reopened non-blocking (stdio.c), so each call says so itself.
	 */
	b->stdio_sock = S_ISSOCK(st.st_mode);
	if (crlf || b->dump != NULL)
		return;
	if (S_ISFIFO(st.st_mode))
		b->mover = MOVER_SPLICE;
	else if (S_ISREG(st.st_mode) && stdio == in)
		b->mover = MOVER_SENDFILE;
	/* A pipe's size is found by trial (pipetrial.c). */
	if (b->mover == MOVER_SPLICE && ((stdio == in && PIPE_IN_TRIAL) ||
	    (stdio == out && PIPE_OUT_TRIAL)))
		pipetrial_init(&b->trial);
}

const char *
buf_mover_name(const struct buf *b)
{
	static const char *const names[] = {
		[MOVER_COPY] = "copy",
		[MOVER_SPLICE] = "splice",
		[MOVER_SENDFILE] = "sendfile",
	};

	return names[b->mover];
}

/* Whether b holds bytes for its sink. */
bool
buf_has_data(const struct buf *b)
{
	return b->mover != MOVER_COPY ? b->pending || b->held > 0 : b->len > 0;
}

/* Whether b can take need more bytes from its source (none while held). */
bool
buf_has_room(const struct buf *b, size_t need)
{
	return b->mover != MOVER_COPY ? !b->pending && b->held == 0 :
	    room(b) >= need;
}

/* Forget what b holds: it will never be sent. */
void
buf_discard(struct buf *b)
{
	b->off = b->len = 0;
	b->pending = false;
	buf_hold_close(b);
}

/*
 * An ending gave up on stdout: read at most max more bytes the socket
 * (the source) holds now, for the dump, and forget them with what b
 * held.  Returns the bytes read.
 */
unsigned long long
buf_take_rest(struct buf *b, unsigned long long max)
{
	unsigned long long got = 0;
	ssize_t n;

	buf_discard(b);
	while (got < max) {
		n = recv(b->in, b->data, max - got < BUF_SIZE ?
		    (size_t)(max - got) : BUF_SIZE, MSG_DONTWAIT);
		if (n <= 0)
			break;
		hexdump_bytes(b->dump, HEX_RECEIVED, b->data, (size_t)n,
		    clock_now_ms());
		got += (unsigned long long)n;
	}
	return got;
}

/* read(2) from the source, never blocking on a shared socket. */
static ssize_t
source_read(const struct buf *b, void *to, size_t len)
{
	if (b->stdio_sock && b->in != b->sock)
		return recv(b->in, to, len, MSG_DONTWAIT);
	return read(b->in, to, len);
}

/*
 * Read from the source, turning each bare LF into CRLF.  The bytes are
 * read into the back half of the free room and expanded forward, so the
 * expansion never overtakes what it has yet to read.
 */
static ssize_t
fill_crlf(struct buf *b)
{
	size_t max = room(b) / 2, i;
	char *src = b->data + BUF_SIZE - max;
	char *dst = b->data + b->off + b->len, *start = dst;
	ssize_t n;
	char c;

	n = source_read(b, src, max);
	for (i = 0; n > 0 && i < (size_t)n; i++) {
		c = src[i];
		if (c == '\n' && !b->prev_cr)
			*dst++ = '\r';
		b->prev_cr = c == '\r';
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
fill(struct buf *b)
{
	ssize_t n;

	n = source_read(b, b->data + b->off + b->len, room(b));
	if (n > 0)
		b->len += (size_t)n;
	return n;
}

/* Write from the head of b.  Returns as write(2). */
static ssize_t
drain(struct buf *b)
{
	ssize_t n;

	if (b->stdio_sock && b->out != b->sock)
		n = send(b->out, b->data + b->off, b->len,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
	else
		n = write(b->out, b->data + b->off, b->len);
	if (n > 0) {
		b->off += (size_t)n;
		b->len -= (size_t)n;
		/* Empty: start again at the front, so the room is whole. */
		if (b->len == 0)
			b->off = 0;
	}
	return n;
}

/*
 * One step of b: from the source when from_source (poll found it
 * readable), else to the sink.  Returns as read(2): > 0 bytes moved,
 * 0 at the source's end of file, -1 with errno.  A zero-copy mover the
 * kernel refuses for these two fds (EINVAL before any byte moved) turns
 * into the copy path, and the step returns -1 with EAGAIN.
 */
ssize_t
buf_step(struct buf *b, bool from_source)
{
	const char *at = b->data + b->off + (from_source ? b->len : 0);
	/* A block's time is its step's start: its bytes were not yet out. */
	long long ms = b->dump != NULL ? clock_now_ms() : 0;
	ssize_t n;

	if (b->mover != MOVER_COPY)
		n = buf_zero_copy(b, from_source);
	else if (!from_source)
		n = drain(b);
	else
		n = b->crlf ? fill_crlf(b) : fill(b);
	/* What crossed the connection, for --hexdump. */
	if (n > 0 && b->dump != NULL && (from_source ? b->in : b->out) ==
	    b->sock)
		hexdump_bytes(b->dump, from_source ? HEX_RECEIVED : HEX_SENT,
		    at, (size_t)n, ms);
	if (n > 0)
		b->moved += (unsigned long long)n;
	if (n > 0 && pipetrial_due(&b->trial, b->moved))
		buf_trial_step(b);
	if (n == -1 && errno == EINVAL && b->mover != MOVER_COPY &&
	    b->moved == 0) {
		b->mover = MOVER_COPY;
		b->pending = false;
		pipetrial_end(&b->trial);
		errno = EAGAIN;
	}
	return n;
}

/* Whether the step just taken read from the source (0 means its EOF). */
bool
buf_read_source(const struct buf *b, bool from_source)
{
	return b->mover != MOVER_COPY || from_source;
}

/* Whether the step just taken wrote to the sink. */
bool
buf_wrote_sink(const struct buf *b, bool from_source)
{
	return b->mover != MOVER_COPY || !from_source;
}

/*
 * Whether the error (errno) of the step just taken was the socket's
 * rather than the stdio end's.  A zero-copy call touches both: the
 * connection errors are the socket's, EPIPE is the sink's (the socket
 * after a reset whose ECONNRESET an earlier partial write consumed, or a
 * pipe whose reader left), anything else the stdio end's.
 */
bool
buf_socket_failed(const struct buf *b, bool from_source)
{
	if (b->mover == MOVER_COPY)
		return (from_source ? b->in : b->out) == b->sock;
	if (errno == EPIPE)
		return b->out == b->sock;
	return exitcode_session(errno) != -1;
}
