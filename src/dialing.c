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
	for (i = 0; i < n; i++) {
		s->attempts[i].addr = addrs[i];
		s->attempts[i].started_ms = s->attempts[i].ended_ms = -1;
		s->attempts[i].fd = -1;
		s->attempts[i].code = GO_ON;
	}
	s->nattempts = n;
}

/* A target ends with code; what it has running is closed by the caller. */
void
dialing_done(struct connector *c, struct dialing *d, int code)
{
	d->phase = PH_DONE;
	d->s->code = code;
	c->left--;
}

/* Whether d's host is an address: then it is d's one attempt, due now. */
static bool
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

	if (dialing_literal(c, d, now) || c->lookups >= LOOKUPS_MAX)
		return;
	d->lk = resolve_start(t->host, t->port, c->o, false);
	if (d->lk == NULL) {
		d->s->resolve_rc = EAI_SYSTEM;
		d->s->resolve_err = errno;
		dialing_done(c, d, TD_RESOLVE);
		return;
	}
	c->lookups++;
	d->phase = PH_RESOLVING;
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
		dialing_done(c, d, TD_RESOLVE);
		return;
	}
	take_addresses(s, res);
	freeaddrinfo(res);
	report_resolved(c->o, s);
	d->phase = PH_CONNECTING;
	d->next_ms = now;
}

/* Close everything d still has going: a lookup, running attempts. */
void
dialing_abandon(struct connector *c, struct dialing *d, long long now)
{
	struct attempt *a;
	size_t i;

	if (d->lk != NULL) {
		resolve_abandon(d->lk);
		d->lk = NULL;
		c->lookups--;
	}
	for (i = 0; i < d->s->nattempts; i++) {
		a = &d->s->attempts[i];
		if (a->fd == -1)
			continue;
		attempt_close(a, true);
		a->ended_ms = now;
		a->abandoned = true;
		c->sockets--;
		d->running--;
		report_attempt_end(c->o, d->s, a);
	}
}

/* a connected: d is done, its other attempts closed. */
void
dialing_won(struct connector *c, struct dialing *d, struct attempt *a,
    long long now)
{
	struct session *s = d->s;

	a->code = TD_OK;
	a->ended_ms = s->connected_ms = now;
	s->fd = a->fd;
	s->peer_addr = a->addr;
	a->fd = -1;
	c->sockets--;
	d->running--;
	if (c->o->verbose > 0)
		attempt_local(s);
	report_attempt_end(c->o, s, a);
	/* The losers: closed at once, with RST, no data sent. */
	dialing_abandon(c, d, now);
	dialing_done(c, d, TD_OK);
	c->won++;
	/* A probe closes it now: its descriptor is free for the next. */
	if (c->won_fn != NULL)
		c->won_fn(c->o, s);
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
		attempt_close(a, false);
		c->sockets--;
		d->running--;
	}
	a->code = d->last_code = code;
	a->err = err;
	a->ended_ms = now;
	report_attempt_end(c->o, d->s, a);
	/* The next one need not wait: the previous attempt failed. */
	d->next_ms = now;
	if (d->running == 0 && d->next == d->s->nattempts)
		dialing_done(c, d, code);
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
		c->stop = c->o->any && c->won > 0;
	}
}

/*
 * The deadline passed with d still going: a lookup times out (3), and
 * so do the attempts running (5).  The status is then that of the
 * attempt that ended last; one that never had a socket (too many
 * targets at once) has its first attempt time out.
 */
void
dialing_time_out(struct connector *c, struct dialing *d, long long now)
{
	struct attempt *a;
	size_t j;

	if (d->phase == PH_QUEUED)
		(void)dialing_literal(c, d, now);
	if (d->phase != PH_CONNECTING) {
		dialing_abandon(c, d, now);
		d->s->resolve_rc = RESOLVE_TIMED_OUT;
		dialing_done(c, d, TD_RESOLVE);
		return;
	}
	for (j = 0; j < d->s->nattempts; j++) {
		a = &d->s->attempts[j];
		if (a->fd != -1)
			dialing_failed(c, d, a, TD_TIMEOUT, ETIMEDOUT, now);
	}
	if (d->phase != PH_DONE && d->next == 0 && d->s->nattempts > 0) {
		a = &d->s->attempts[d->next++];
		a->started_ms = now;
		a->step = STEP_CONNECT;
		dialing_failed(c, d, a, TD_TIMEOUT, ETIMEDOUT, now);
	}
	if (d->phase != PH_DONE)
		dialing_done(c, d, d->last_code);
}
