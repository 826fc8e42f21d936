/*
 * The connector: the connect phase of every target at once, in one
 * ppoll(2).  Each target is looked up off the main thread (resolve.c)
 * unless it is an address, then its addresses are tried Happy Eyeballs
 * style (eyeballs.c): one non-blocking attempt, the next after
 * --attempt-delay or as soon as the previous one failed; the first to
 * connect wins and the others are closed at once; --send/--expect hold
 * their conversation (expect.c).  -w and -m bound the whole phase; under
 * --wait a failed try is tried again after a pause (tries.c), -w bounding
 * each try and --wait all of them.  What happens is recorded in each
 * target's session (its attempts, their times and errors, its check);
 * report_connect.c renders it.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcpdial.h"
#include "connector.h"

/* Set up s for target t of a run that started at start_ms. */
void
connector_session(struct session *s, const struct options *o,
    const struct target_spec *t, long long start_ms)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->target = t;
	s->peer_host = t->host;
	s->code = GO_ON;
	s->start_ms = start_ms;
	s->resolved_ms = s->first_byte_ms = s->connected_ms = -1;
	s->fin_sent_ms = s->peer_fin_ms = -1;
	s->disconnect_deadline = NO_DEADLINE;
	s->max_deadline = o->max_time_ms == -1 ? NO_DEADLINE :
	    start_ms + o->max_time_ms;
}

/* The poll set: running lookups, attempts, checks.  Returns how many. */
static size_t
fill_poll(struct connector *c)
{
	struct dialing *d;
	size_t i, j, k = 0;

	if (source_fd(&c->src) != -1) {
		c->pfd[k] = (struct pollfd){ source_fd(&c->src), POLLIN, 0 };
		c->slot[k++] = (struct slot){ NULL, NULL };
	}
	for (i = 0; i < c->n && k < c->cap; i++) {
		d = &c->d[i];
		if (d->lk != NULL) {
			c->pfd[k] = (struct pollfd){ resolve_fd(d->lk), POLLIN,
			    0 };
			c->slot[k++] = (struct slot){ d, NULL };
		}
		if (d->phase == PH_CHECKING) {
			c->pfd[k] = (struct pollfd){ d->s->fd,
			    expect_events(&d->s->check, c->o), 0 };
			c->slot[k++] = (struct slot){ d, NULL };
		}
		for (j = 0; j < d->s->nattempts && k < c->cap; j++)
			if (d->s->attempts[j].fd != -1) {
				c->pfd[k] = (struct pollfd){
				    d->s->attempts[j].fd, POLLOUT, 0 };
				c->slot[k++] = (struct slot){ d,
				    &d->s->attempts[j] };
			}
	}
	return k;
}

/*
 * The nearest time something is due: a deadline, a next attempt, a next
 * try.
 */
static long long
next_wakeup(const struct connector *c)
{
	const struct dialing *d;
	long long when = c->deadline;
	size_t i;

	for (i = 0; i < c->n; i++) {
		d = &c->d[i];
		if (d->phase != PH_DONE)
			when = clock_earliest(when, d->deadline);
		if (d->phase == PH_PAUSED)
			when = clock_earliest(when, d->retry_ms);
		if (d->phase == PH_CONNECTING && d->next < d->s->nattempts &&
		    c->sockets < c->sockets_max && source_ready(&c->src))
			when = clock_earliest(when, d->next_ms);
	}
	return when;
}

/* What the ready slots say: lookups done, attempts decided. */
static void
service(struct connector *c, size_t k, long long now)
{
	struct slot *sl;
	size_t i;
	int code;

	for (i = 0; i < k && !c->stop; i++) {
		if (c->pfd[i].revents == 0)
			continue;
		sl = &c->slot[i];
		if (sl->d == NULL)
			source_resolved(&c->src);
		else if (sl->a == NULL && sl->d->phase == PH_CHECKING)
			dialing_check(c, sl->d, c->pfd[i].revents, now);
		else if (sl->a == NULL)
			dialing_resolved(c, sl->d, now);
		else if (sl->d->phase != PH_DONE && sl->a->fd != -1) {
			code = attempt_check(sl->a);
			if (code == TD_OK)
				dialing_won(c, sl->d, sl->a, now);
			else
				dialing_failed(c, sl->d, sl->a, code,
				    sl->a->err, now);
		}
	}
}

/* The source's lookup failed: so has every target, said once. */
static void
source_failed(struct connector *c, long long now)
{
	size_t i;

	report_source_failed(c->o, &c->src, c->d[0].s, c->n);
	for (i = 0; i < c->n; i++)
		if (c->d[i].phase != PH_DONE) {
			dialing_abandon(c, &c->d[i], now);
			c->d[i].s->resolve_rc = RESOLVE_NO_SOURCE;
			/* Not tried again: -s is looked up once. */
			dialing_end(c, &c->d[i], TD_RESOLVE, now);
		}
}

/* One wait and what it brings.  Returns GO_ON, or 128+n for a signal. */
static int
turn(struct connector *c)
{
	struct timespec ts;
	size_t k;
	int n;

	k = fill_poll(c);
	n = ppoll(c->pfd, k, clock_timespec(clock_poll_ms(next_wakeup(c),
	    NO_DEADLINE), &ts), sig_pollmask());
	if (n >= 0)
		sig_take_pending();
	if (sig_count() > 0)
		return TD_SIGNAL_BASE + sig_first();
	if (n == -1 && errno != EINTR) {
		report_local(c->d[0].s, LOCAL_POLL);
		return TD_FAILURE;
	}
	if (n > 0)
		service(c, k, clock_now_ms());
	return GO_ON;
}

/*
 * Descriptors kept back from attempts, with many targets: stdio, and
 * for each lookup its pipe and the resolver's own sockets.
 */
#define FDS_RESERVED (3 + LOOKUPS_MAX * 4 + 4)

/*
 * When the whole phase ends: --wait's limit, or else -w's; -m's if
 * sooner.  NO_DEADLINE for none.
 */
static long long
run_deadline(const struct options *o, long long start_ms, long long max_ms)
{
	long long limit = o->wait ? o->wait_ms : o->connect_timeout_ms;

	return clock_earliest(limit == -1 ? NO_DEADLINE : start_ms + limit,
	    max_ms);
}

/* Set up c for the n targets of ss; false (reported) without memory. */
static bool
connector_init(struct connector *c, const struct options *o,
    struct session *ss, size_t n)
{
	struct rlimit rl;
	size_t want, i;

	c->o = o;
	c->n = c->left = n;
	c->d = n == 1 ? c->local_d : calloc(n, sizeof(*c->d));
	c->sockets_max = ATTEMPTS_MAX;
	if (n > 1 && getrlimit(RLIMIT_NOFILE, &rl) == 0)
		c->sockets_max = rl.rlim_cur > 1000 + FDS_RESERVED ? 1000 :
		    (int)rl.rlim_cur - FDS_RESERVED;
	/* However few descriptors there are, one attempt at a time. */
	if (c->sockets_max < 1)
		c->sockets_max = 1;
	want = (size_t)c->sockets_max + (n < LOOKUPS_MAX ? n : LOOKUPS_MAX) +
	    1;
	c->cap = want;
	c->pfd = want <= SLOTS_LOCAL ? c->local_pfd :
	    calloc(want, sizeof(*c->pfd));
	c->slot = want <= SLOTS_LOCAL ? c->local_slot :
	    calloc(want, sizeof(*c->slot));
	if (c->d == NULL || c->pfd == NULL || c->slot == NULL) {
		report_local(ss, LOCAL_MEMORY);
		return false;
	}
	for (i = 0; i < n; i++)
		c->d[i] = (struct dialing){ .s = &ss[i],
		    .last_code = TD_FAILURE };
	return true;
}

/* Close what is still going, and free what init took. */
static void
connector_end(struct connector *c)
{
	size_t i;

	/* A failed init may leave them unset (d[i].s NULL). */
	for (i = 0; c->d != NULL && i < c->n; i++)
		if (c->d[i].s != NULL)
			dialing_abandon(c, &c->d[i], clock_now_ms());
	source_end(&c->src, false);
	if (c->pfd != c->local_pfd)
		free(c->pfd);
	if (c->slot != c->local_slot)
		free(c->slot);
	if (c->d != c->local_d)
		free(c->d);
}

/* --wait: the targets whose pause is over start a new try, afresh. */
static void
retry_due(struct connector *c, long long now)
{
	struct dialing *d;
	unsigned tries;
	size_t i;

	for (i = 0; i < c->n; i++) {
		d = &c->d[i];
		if (d->phase != PH_PAUSED || now < d->retry_ms || c->stop)
			continue;
		tries = d->s->tries;
		connector_session(d->s, c->o, d->s->target, d->s->start_ms);
		d->s->tries = tries + 1;
		/* Its -w runs once its lookup starts (dialing_start). */
		*d = (struct dialing){ .s = d->s, .last_code = TD_FAILURE,
		    .deadline = c->deadline };
	}
}

/* What is due now: deadlines passed, tries, lookups, attempts. */
static void
due(struct connector *c, long long now)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->d[i].phase != PH_DONE &&
		    c->d[i].deadline != NO_DEADLINE &&
		    now >= c->d[i].deadline)
			dialing_time_out(c, &c->d[i], now);
	retry_due(c, now);
	dialing_due(c, now);
}

/* Turn after turn until every target is done (--any: one succeeded). */
static int
connector_loop(struct connector *c)
{
	long long now;
	int code = GO_ON;

	while (code == GO_ON && c->left > 0 && !c->stop) {
		now = clock_now_ms();
		if (c->src.failed)
			source_failed(c, now);
		else if (c->deadline != NO_DEADLINE && now >= c->deadline &&
		    !source_ready(&c->src))
			source_end(&c->src, true);
		else
			due(c, now);
		if (c->left > 0 && !c->stop)
			code = turn(c);
	}
	return code;
}

/*
 * The connect phase of the n targets whose sessions are ss (set up by
 * connector_session()), all at once.  Each session ends with its code:
 * TD_OK, connected (won, when given, is called with it at once and
 * takes its descriptor; else s->fd is the caller's), its failure, or
 * GO_ON when --any left it behind; and the record of its lookup and
 * attempts.  Returns GO_ON, 128+n when a signal ended the phase, or
 * TD_FAILURE when the phase itself failed (memory, poll), reported.
 * Nothing of the phase is left open but the winners' sockets.
 */
int
connector_run(const struct options *o, struct session *ss, size_t n,
    won_fn *won)
{
	struct connector c = { 0 };
	size_t i;
	int code;

	if (!connector_init(&c, o, ss, n)) {
		connector_end(&c);
		return TD_FAILURE;
	}
	c.won_fn = won;
	/* Before any thread: setlocale(3) is not thread-safe. */
	resolve_locale(o);
	/* Sockets from here on: a signal ends the phase, not tcpdial. */
	sig_hold();
	c.deadline = run_deadline(o, ss[0].start_ms, ss[0].max_deadline);
	for (i = 0; i < n; i++) {
		/* -w counts from the run's start, or under --wait the try's. */
		c.d[i].deadline = o->wait ? c.deadline :
		    dialing_try_deadline(&c, ss[0].start_ms);
		ss[i].tries = 1;
	}
	source_start(&c.src, o);
	code = connector_loop(&c);
	/* The run ended (a signal, a failure): what runs is unfinished. */
	c.cut = code != GO_ON;
	connector_end(&c);
	return code;
}
