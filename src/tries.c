/*
 * How a target's try ends (SPEC 8): for good, or under --wait with a
 * pause before the next try, while time is left.  The engines of the
 * connect phase (dialing.c, dialing_time.c) end tries here only.
 */
#include <time.h>
#include <unistd.h>

#include "tcpdial.h"
#include "connector.h"

/* A try starting now: -w from now, within the run's deadline. */
long long
dialing_try_deadline(const struct connector *c, long long now)
{
	long long w = c->o->connect_timeout_ms;

	return clock_earliest(w == -1 ? NO_DEADLINE : now + w, c->deadline);
}

/*
 * A draw for --backoff's jitter, in [0, RETRY_JITTER_SPAN]: the clock's
 * nanoseconds, which differ from one client to the next, all that
 * jitter needs.  Not arc4random(3): libbsd's, linked statically, brings
 * some 20 libc symbols that every probe would bind at start-up.
 */
static unsigned
jitter_draw(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned)(ts.tv_nsec / 1000) % (RETRY_JITTER_SPAN + 1);
}

/* d's check, if it had one going, is over: its socket counts no more. */
static void
check_over(struct connector *c, struct dialing *d)
{
	if (d->phase == PH_CHECKING && d->s->fd != -1)
		c->sockets--;
}

/* A connection still open goes to the driver's won_fn, if it gave one. */
static void
hand_over(struct connector *c, struct dialing *d)
{
	if (d->s->fd != -1 && c->won_fn != NULL)
		c->won_fn(c->o, d->s);
}

/*
 * d ends with code, for good: connected (TD_OK), or failed.  A connection
 * still open goes to the driver's won_fn, if it gave one; else it is the
 * caller's.  What else d has running is closed by the caller.
 */
void
dialing_end(struct connector *c, struct dialing *d, int code, long long now)
{
	check_over(c, d);
	d->phase = PH_DONE;
	d->s->code = code;
	d->s->end_ms = now;
	c->left--;
	if (code == TD_OK) {
		c->won++;
		c->stop = c->o->any;
	}
	hand_over(c, d);
}

/*
 * d's try ended with code (--invert turned round).  Under --wait a
 * failure is tried again after a pause, while time is left; else d ends.
 */
void
dialing_try_over(struct connector *c, struct dialing *d, int code,
    long long now)
{
	const struct options *o = c->o;
	long long pause;

	check_over(c, d);
	if (o->invert)
		code = exitcode_invert(code);
	if (code == TD_OK || !o->wait ||
	    (c->deadline != NO_DEADLINE && now >= c->deadline)) {
		dialing_end(c, d, code, now);
		return;
	}
	d->s->code = code;
	hand_over(c, d);
	pause = retry_pause(o->interval_ms, d->s->tries, o->backoff,
	    jitter_draw());
	d->phase = PH_PAUSED;
	d->retry_ms = clock_earliest(now + pause, c->deadline);
	d->deadline = c->deadline;
	/*
	 * A pause that reaches the deadline has no try after it: due() ends
	 * the target first.  One that ends just before may still meet it, if
	 * the wake-up comes late; the try is not given up for that.
	 */
	report_try_failed(o, d->s, d->retry_ms - now,
	    d->retry_ms == c->deadline);
}
