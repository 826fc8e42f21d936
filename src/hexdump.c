/*
 * --hexdump FILE (SPEC 10): every byte the relay sends or receives,
 * written to FILE as hexline.c formats it.  The relay's copy path calls
 * hexdump_bytes() as bytes leave for the socket and as they come from
 * it, so the dump holds exactly what crossed the connection, in order.
 * Lines gather in a 64 KiB buffer between writes.  A write that fails
 * ends the dump, not the session: the data matters more, and the run
 * ends with 11 unless it failed otherwise (as --json does).  FILE is
 * non-blocking: a pipe's slow reader is waited for, but never past -m
 * or a signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "tcpdial.h"
#include "hexdump.h"

/*
 * Open o's --hexdump FILE, if any, before any packet: created, or
 * truncated.  Returns 0, or -1 after saying why it could not be.
 */
int
hexdump_open(struct hexdump *h, const struct options *o, struct session *s)
{
	h->fd = -1;
	h->path = o->hexdump;
	h->start_ms = s->start_ms;
	h->deadline = s->max_deadline;
	h->sent = h->received = 0;
	h->last = 0;
	h->err = 0;
	h->len = 0;
	if (o->hexdump == NULL)
		return 0;
	/* A FIFO without a reader fails (ENXIO) rather than hang here. */
	h->fd = open(o->hexdump, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOCTTY | O_NONBLOCK, 0666);
	if (h->fd != -1)
		return 0;
	report_hexdump(s, true, o->hexdump, errno);
	return -1;
}

/*
 * Wait for a full pipe to take more: 0, or HEXDUMP_GAVE_UP, which ends
 * the dump, when a signal came or -m ran out first.
 */
static int
wait_room(const struct hexdump *h)
{
	struct pollfd pfd = { .fd = h->fd, .events = POLLOUT };
	struct timespec ts;
	int seen = sig_count();

	if (clock_expired(h->deadline))
		return HEXDUMP_GAVE_UP;
	(void)ppoll(&pfd, 1, clock_timespec(clock_poll_ms(h->deadline,
	    NO_DEADLINE), &ts), sig_pollmask());
	return sig_count() != seen ? HEXDUMP_GAVE_UP : 0;
}

/* Write out the lines gathered; the first failure ends the dump. */
static void
put_out(struct hexdump *h)
{
	size_t done = 0;
	ssize_t n;

	while (done < h->len && h->err == 0) {
		n = write(h->fd, h->out + done, h->len - done);
		if (n > 0)
			done += (size_t)n;
		else if (n == 0)
			h->err = EIO;
		else if (errno == EAGAIN || errno == EWOULDBLOCK)
			h->err = wait_room(h);
		else if (errno != EINTR)
			h->err = errno;
	}
	h->len = 0;
}

/* Room for one more line, writing out what is gathered if need be. */
static char *
line_room(struct hexdump *h)
{
	if (sizeof(h->out) - h->len < HEXLINE_MAX)
		put_out(h);
	return h->out + h->len;
}

/*
 * Record n bytes at p that went in direction dir (HEX_SENT or
 * HEX_RECEIVED) by a step that began at ms: a header when the direction
 * changes, then lines of 16.
 */
void
hexdump_bytes(struct hexdump *h, char dir, const void *p, size_t n,
    long long ms)
{
	const unsigned char *b = p;
	unsigned long long *off;
	size_t k;

	if (h == NULL || h->fd == -1 || h->err != 0 || n == 0)
		return;
	off = dir == HEX_SENT ? &h->sent : &h->received;
	if (dir != h->last) {
		h->len += hexline_header(line_room(h), dir, ms - h->start_ms);
		h->last = dir;
	}
	while (n > 0 && h->err == 0) {
		k = n < HEXLINE_BYTES ? n : HEXLINE_BYTES;
		h->len += hexline_data(line_room(h), dir, *off, b, k);
		*off += k;
		b += k;
		n -= k;
	}
}

/*
 * The session is over: write out the rest and close FILE.  Returns
 * code, or TD_IO when the dump could not be written and the run did not
 * fail otherwise (the failure is said either way).
 */
int
hexdump_end(struct hexdump *h, struct session *s, int code)
{
	/* path: NULL until hexdump_open() ran, or without --hexdump. */
	if (h->path == NULL || h->fd == -1)
		return code;
	put_out(h);
	if (close(h->fd) == -1 && h->err == 0 && errno != EINTR)
		h->err = errno;
	h->fd = -1;
	if (h->err == 0)
		return code;
	if (h->err == HEXDUMP_GAVE_UP)
		report_hexdump_gave_up(s, h->path);
	else
		report_hexdump(s, false, h->path, h->err);
	return code == TD_OK ? TD_IO : code;
}
