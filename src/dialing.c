/*
 * One target's connect phase, step by step, for the connector: its
 * lookup, its addresses in Happy Eyeballs order, its attempts started
 * when due, and its end, the first to connect winning.  Each step is
 * written into the target's session as it happens.
 */
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <unistd.h>

#include "tcpdial.h"
#include "connector.h"

/* The addresses a lookup gave, as attempts in Happy Eyeballs order. */
static void
take_addresses(struct session *s, const struct addrinfo *res)
{
	struct sockaddr_storage addrs[ATTEMPTS_MAX];
	size_t n = 0, more = 0, i;

	memset(addrs, 0, sizeof(addrs));
	for (; res != NULL; res = res->ai_next)
		if (n < ATTEMPTS_MAX && res->ai_addrlen <= sizeof(addrs[0]))
			memcpy(&addrs[n++], res->ai_addr, res->ai_addrlen);
		else
			more++;
	n = eyeballs_unique(addrs, n);
	/* Those past ATTEMPTS_MAX are counted, not tried: -v says so. */
	s->naddrs = n + more;
	eyeballs_order(addrs, n);
	for (i = 0; i < n; i++)
		s->attempts[i] = (struct attempt){ .addr = addrs[i],
		    .started_ms = -1, .ended_ms = -1, .fd = -1,
		    .code = GO_ON };
	s->nattempts = n;
}

/* Whether d's host is an address: then it is d's one attempt, due now. */
bool
dialing_literal(const struct connector *c, struct dialing *d, long long now)
{
	const struct target_spec *t = d->s->target;
	struct sockaddr_storage ss;
	struct addrinfo ai = { 0 };

	if (!addr_literal(t->host, t->port, c->o->family, &ss))
		return false;
	ai.ai_addr = (struct sockaddr *)&ss;
	ai.ai_addrlen = addr_len(&ss);
	take_addresses(d->s, &ai);
	d->phase = PH_CONNECTING;
	d->next_ms = now;
	return true;
}

/* Start d's lookup, or take its address at once when it is one. */
void
dialing_start(struct connector *c, struct dialing *d, long long now)
{
	const struct target_spec *t = d->s->target;

	if (!dialing_literal(c, d, now)) {
		if (c->lookups >= LOOKUPS_MAX)
			return;
		d->lk = resolve_start(t->host, t->port, c->o, false);
		if (d->lk == NULL) {
			d->s->resolve_rc = EAI_SYSTEM;
			d->s->resolve_err = errno;
			dialing_try_over(c, d, TD_RESOLVE, now);
			return;
		}
		c->lookups++;
		d->phase = PH_RESOLVING;
	}
	/* Under --wait a try's -w runs from its start, not its queueing. */
	if (c->o->wait)
		d->deadline = dialing_try_deadline(c, now);
}

/* d's lookup is done: its addresses, or its failure. */
void
dialing_resolved(struct connector *c, struct dialing *d, long long now)
{
	struct addrinfo *res;
	struct session *s = d->s;

	s->resolve_rc = resolve_finish(d->lk, &res);
	s->resolve_err = errno;
	s->resolved_ms = now;
	d->lk = NULL;
	c->lookups--;
	if (s->resolve_rc != 0) {
		dialing_try_over(c, d, TD_RESOLVE, now);
		return;
	}
	take_addresses(s, res);
	freeaddrinfo(res);
	report_resolved(c->o, s);
	d->phase = PH_CONNECTING;
	d->next_ms = now;
}

/* Close a running attempt, its SYNs and state read first for --trace. */
static void
close_attempt(const struct options *o, struct attempt *a, bool abandoned)
{
	if (o->trace)
		a->syns = tcpinfo_syns(a->fd, &a->state);
	attempt_close(a, abandoned);
}

/* An attempt's end, for -v and --trace. */
static void
said_end(const struct options *o, struct session *s, const struct attempt *a)
{
	report_attempt_end(o, s, a);
	report_trace_attempt(o, s, a, false);
}

/* Close everything d still has going: a lookup, attempts, a check. */
void
dialing_abandon(struct connector *c, struct dialing *d, long long now)
{
	struct attempt *a;
	size_t i;

	/* Between tries as the run ended: unfinished, not its last failure. */
	if (d->phase == PH_PAUSED)
		d->s->code = GO_ON;
	if (d->lk != NULL) {
		resolve_abandon(d->lk);
		d->lk = NULL;
		c->lookups--;
	}
	/* A conversation cut short: its connection, not a winner's. */
	if (d->phase == PH_CHECKING && d->s->fd != -1) {
		tcpinfo_close(c->o, d->s->fd, &d->s->tcpi);
		d->s->fd = -1;
		c->sockets--;
	}
	for (i = 0; i < d->s->nattempts; i++) {
		a = &d->s->attempts[i];
		if (a->fd == -1)
			continue;
		close_attempt(c->o, a, true);
		a->ended_ms = now;
		a->abandoned = true;
		a->cut = c->cut;
		c->sockets--;
		d->running--;
		said_end(c->o, d->s, a);
	}
}

/*
 * a connected: its others are closed.  d is done, unless --send or
 * --expect have a conversation to hold first; under --invert it failed.
 */
void
dialing_won(struct connector *c, struct dialing *d, struct attempt *a,
    long long now)
{
	const struct options *o = c->o;
	struct session *s = d->s;

	a->code = TD_OK;
	a->ended_ms = s->connected_ms = now;
	s->fd = a->fd;
	s->peer_addr = a->addr;
	a->fd = -1;
	d->running--;
	if (o->verbose > 0 || o->json != NULL || o->trace)
		attempt_local(s);
	said_end(o, s, a);
	trace_connected(o, s);
	/* The losers: closed at once, with RST, no data sent. */
	dialing_abandon(c, d, now);
	if ((o->send != NULL || o->expect != NULL) && !o->invert) {
		/* Its socket stays counted until the check ends. */
		expect_start(&s->check);
		d->phase = PH_CHECKING;
		/* Not -w's: that bounds the connect phase only. */
		d->deadline = clock_earliest(o->expect_timeout_ms == -1 ?
		    NO_DEADLINE : now + o->expect_timeout_ms,
		    o->wait ? c->deadline : s->max_deadline);
		return;
	}
	c->sockets--;
	dialing_try_over(c, d, o->invert ? TD_CHECK : TD_OK, now);
}

/*
 * a failed (code, errno err).  When it was d's last hope, d is done with
 * the status of the attempt that ended last: this one.
 */
void
dialing_failed(struct connector *c, struct dialing *d, struct attempt *a,
    int code, int err, long long now)
{
	if (a->fd != -1) {
		/* A running attempt fails only in its connect. */
		a->step = STEP_CONNECT;
		close_attempt(c->o, a, false);
		c->sockets--;
		d->running--;
	}
	a->code = d->last_code = code;
	a->err = err;
	a->ended_ms = now;
	said_end(c->o, d->s, a);
	/* The next one need not wait: the previous attempt failed. */
	d->next_ms = now;
	if (d->running == 0 && d->next == d->s->nattempts)
		dialing_try_over(c, d, code, now);
}

/* Start d's next attempt if it is due; report what came of starting. */
static void
dialing_next(struct connector *c, struct dialing *d, long long now)
{
	struct attempt *a;
	int code;

	if (d->next == d->s->nattempts || now < d->next_ms ||
	    c->sockets >= c->sockets_max)
		return;
	a = &d->s->attempts[d->next++];
	a->started_ms = now;
	d->next_ms = now + c->o->attempt_delay_ms;
	report_attempt_start(c->o, d->s, a);
	code = attempt_start(a, &c->src);
	report_trace_attempt(c->o, d->s, a, true);
	if (code == GO_ON) {
		c->sockets++;
		d->running++;
	} else if (code == TD_OK) {
		c->sockets++;
		d->running++;
		dialing_won(c, d, a, now);
	} else
		dialing_failed(c, d, a, code, a->err, now);
}

/* Everything due now: lookups to start, attempts to start. */
void
dialing_due(struct connector *c, long long now)
{
	struct dialing *d;
	size_t i;

	for (i = 0; i < c->n && !c->stop; i++) {
		d = &c->d[i];
		if (d->phase == PH_QUEUED)
			dialing_start(c, d, now);
		/* Attempts wait for the source address of -s, if any. */
		while (d->phase == PH_CONNECTING && source_ready(&c->src) &&
		    d->next < d->s->nattempts && now >= d->next_ms &&
		    c->sockets < c->sockets_max)
			dialing_next(c, d, now);
	}
}

