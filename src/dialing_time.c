/*
 * What the connector's clock and poll say of one target beyond its
 * lookup and attempts: a conversation's step (--send/--expect), and a
 * phase's deadline passing (-w, --expect-timeout, --wait's).
 */
#include <errno.h>

#include "tcpdial.h"
#include "connector.h"

/* Poll says revents for d's conversation: a step of it, maybe its end. */
void
dialing_check(struct connector *c, struct dialing *d, short revents,
    long long now)
{
	int code;

	if ((code = expect_step(&d->s->check, c->o, d->s, revents,
	    now)) != GO_ON) {
		d->s->check.ended_ms = now;
		report_check(c->o, d->s);
		dialing_try_over(c, d, code, now);
	}
}

/*
 * The connect phase's deadline passed with d still going: a lookup
 * times out (3), and so do the attempts running (5).  The status is then
 * that of the attempt that ended last; one that never had a socket (too
 * many targets at once) has its first attempt time out.
 */
static void
connect_time_out(struct connector *c, struct dialing *d, long long now)
{
	struct attempt *a;
	size_t j;

	if (d->phase == PH_QUEUED)
		(void)dialing_literal(c, d, now);
	if (d->phase != PH_CONNECTING) {
		dialing_abandon(c, d, now);
		d->s->resolve_rc = RESOLVE_TIMED_OUT;
		dialing_try_over(c, d, TD_RESOLVE, now);
		return;
	}
	for (j = 0; j < d->s->nattempts; j++) {
		a = &d->s->attempts[j];
		if (a->fd != -1)
			dialing_failed(c, d, a, TD_TIMEOUT, ETIMEDOUT, now);
	}
	if (d->phase == PH_CONNECTING && d->next == 0 &&
	    d->s->nattempts > 0) {
		a = &d->s->attempts[d->next++];
		a->started_ms = now;
		a->step = STEP_CONNECT;
		dialing_failed(c, d, a, TD_TIMEOUT, ETIMEDOUT, now);
	}
	if (d->phase == PH_CONNECTING)
		dialing_try_over(c, d, d->last_code, now);
}

/*
 * d's phase passed its deadline: the connect phase's (-w), the
 * conversation's (--expect-timeout), or --wait's in a pause, which ends
 * d with the last try's status.
 */
void
dialing_time_out(struct connector *c, struct dialing *d, long long now)
{
	if (d->phase == PH_PAUSED)
		dialing_end(c, d, d->s->code, now);
	else if (d->phase == PH_CHECKING) {
		d->s->check.ended_ms = now;
		dialing_try_over(c, d, expect_timed_out(&d->s->check), now);
	}
	else if (d->phase != PH_DONE)
		connect_time_out(c, d, now);
}
