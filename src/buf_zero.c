/*
 * The zero-copy movers of buf.c: splice(2) between a pipe and the
 * socket, sendfile(2) from a regular file, and the steps of a pipe's
 * trial (pipetrial.c decides, this file resizes the pipe).
 */
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>

#include <errno.h>
#include <fcntl.h>

#include "tcpdial.h"
#include "relay.h"

/* splice(2) from b's source to its sink, never blocking. */
static ssize_t
splice_now(const struct buf *b)
{
	return splice(b->in, NULL, b->out, NULL, PIPE_GROW,
	    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
}

/*
 * A second splice from the socket, in the same turn.  Non-blocking, the
 * kernel's splice stops at what the socket had queued when it began
 * (tcp_splice_read()); what arrived meanwhile is taken now rather than
 * after another ppoll.  Returns the bytes moved.  End of file is left
 * for the next step (a socket's EOF stays readable), and so is an error,
 * in b->late_err (the socket's would be read only once).
 */
static ssize_t
splice_again(struct buf *b)
{
	ssize_t n;

	n = splice_now(b);
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		b->late_err = errno;
	return n > 0 ? n : 0;
}

/*
 * Close the private pipe of hold_stdin(), if any: what it held is
 * dropped.
 */
void
buf_hold_close(struct buf *b)
{
	if (b->hold[0] != -1) {
		close(b->hold[0]);
		close(b->hold[1]);
	}
	b->hold[0] = b->hold[1] = -1;
	b->held = 0;
}

/*
 * Send what hold_stdin() set aside, before any more of stdin's bytes; the
 * private pipe goes once it is empty.  Returns as splice(2).
 */
static ssize_t
send_held(struct buf *b)
{
	ssize_t n;

	n = splice(b->hold[0], NULL, b->out, NULL, b->held,
	    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n > 0)
		b->held -= (size_t)n;
	/* All sent: stdin's pipe is read again. */
	if (b->held == 0)
		buf_hold_close(b);
	b->pending = false;
	return n;
}

/*
 * One zero-copy move from source to sink.  from_source says poll found
 * the source readable (rather than the sink writable); then EAGAIN can
 * only mean the sink is full, so b waits for it.  A download that moved
 * bytes splices once more (splice_again()); an error that one met is
 * what the next step returns, before it moves anything.  Bytes a
 * give-back or a look at the writer set aside (hold_stdin()) go before
 * any more of stdin's.
 * Returns as read(2).
 */
ssize_t
buf_zero_copy(struct buf *b, bool from_source)
{
	ssize_t n;

	if (b->late_err != 0) {
		errno = b->late_err;
		b->late_err = 0;
		return -1;
	}
	if (b->held > 0)
		return send_held(b);
	if (b->mover == MOVER_SPLICE)
		n = splice_now(b);
	else
		n = sendfile(b->out, b->in, NULL, PIPE_GROW);
	if (n > 0 && b->mover == MOVER_SPLICE && b->in == b->sock)
		n += splice_again(b);
	b->pending = n == -1 && errno == EAGAIN && from_source;
	return n;
}

/* The pipe on b's stdio side: stdin's (upload) or stdout's (download). */
static int
stdio_pipe(const struct buf *b)
{
	return b->in == b->sock ? b->out : b->in;
}

/* A private pipe as big as a grown one, for hold_stdin(). */
static int
open_hold(struct buf *b)
{
	if (pipe2(b->hold, O_CLOEXEC | O_NONBLOCK) == -1) {
		b->hold[0] = b->hold[1] = -1;
		return -1;
	}
	if (fcntl(b->hold[1], F_SETPIPE_SZ, (int)PIPE_GROW) == -1) {
		buf_hold_close(b);
		return -1;
	}
	return 0;
}

/*
 * Set stdin's bytes aside: from its pipe into a private one as big,
 * whose bytes go first (send_held()).  A writer faster than the socket
 * keeps stdin's pipe full, and a full pipe cannot shrink; the socket
 * rarely takes a whole grown pipe at once, or the writer has filled it
 * again before the resize.  Adds to what is held already.  0, or -1
 * with no private pipe to be had.
 */
static int
hold_stdin(struct buf *b)
{
	ssize_t n;

	if (b->hold[0] == -1 && open_hold(b) == -1)
		return -1;
	n = splice(b->in, NULL, b->hold[1], NULL, PIPE_GROW,
	    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n > 0)
		b->held += (size_t)n;
	else if (b->held == 0)
		buf_hold_close(b);
	return 0;
}

/*
 * One look at stdin's writer: set the pipe's bytes aside, as shrink()
 * does; true if we were switched out meanwhile and as many bytes are
 * back.
 */
static bool
refilled(struct buf *b)
{
	struct rusage before, after;
	size_t was = b->held;
	int queued;

	if (getrusage(RUSAGE_THREAD, &before) == -1 || hold_stdin(b) == -1 ||
	    b->held == was || getrusage(RUSAGE_THREAD, &after) == -1)
		return false;
	return after.ru_nivcsw > before.ru_nivcsw &&
	    ioctl(b->in, FIONREAD, &queued) == 0 &&
	    (size_t)queued >= b->held - was;
}

/*
 * Whether stdin's writer takes our CPU the moment its pipe has room: a
 * grown pipe it keeps full could then never go back (shrink()), as each
 * move aside wakes it and it fills the megabyte again before the resize.
 * Two looks in a row: on a busy machine we may be switched out for
 * another process while a writer on another CPU refills, but seldom
 * twice running.
 */
static bool
writer_refills(struct buf *b)
{
	return refilled(b) && refilled(b);
}

/*
 * Give the pipe its old size back: 1 done, 0 not yet (it holds more
 * than that, or stdin's bytes set aside are still to go), -1 never (the
 * process at its other end resized it meanwhile, and its size stays; or
 * the kernel refused).
 */
static int
shrink(struct buf *b)
{
	if (b->held > 0)
		return 0;
	if (fcntl(stdio_pipe(b), F_GETPIPE_SZ) != (int)PIPE_GROW)
		return -1;
	/* Without a private pipe, a pipe not full may still shrink. */
	if (stdio_pipe(b) == b->in)
		(void)hold_stdin(b);
	if (fcntl(stdio_pipe(b), F_SETPIPE_SZ, b->small_size) != -1)
		return 1;
	return errno == EBUSY ? 0 : -1;
}

/*
 * Grow the pipe: 1 done, 0 not now (stdin's writer would keep a grown
 * pipe from going back: writer_refills()), -1 never (already as big, or
 * the kernel refused: the user's pipe pages spent).
 */
static int
grow(struct buf *b)
{
	b->small_size = fcntl(stdio_pipe(b), F_GETPIPE_SZ);
	if (b->small_size == -1 || b->small_size >= (int)PIPE_GROW)
		return -1;
	if (stdio_pipe(b) == b->in && writer_refills(b))
		return 0;
	return fcntl(stdio_pipe(b), F_SETPIPE_SZ, (int)PIPE_GROW) == -1 ?
	    -1 : 1;
}

/*
 * The trial's step, due now: grow the pipe, or give it back its old
 * size.  A pipe that could not go back once grown (writer_refills())
 * stays as it came, and is looked at again when a pipe given back would
 * be tried again.  A pipe that cannot grow (already as big, or the
 * user's pipe pages spent) or cannot shrink (anything but "holds too
 * much yet") keeps the size it has, and the trial ends.
 */
void
buf_trial_step(struct buf *b)
{
	int done;

	switch (pipetrial_step(&b->trial, b->moved, clock_now_us())) {
	case TRIAL_GROW:
		if ((done = grow(b)) == 0)
			pipetrial_again(&b->trial, b->moved);
		else if (done == -1)
			pipetrial_end(&b->trial);
		break;
	case TRIAL_SHRINK:
		if ((done = shrink(b)) == 1)
			pipetrial_again(&b->trial, b->moved);
		else if (done == -1)
			pipetrial_end(&b->trial);
		break;
	case TRIAL_KEEP:
		break;
	}
}
