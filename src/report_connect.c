/*
 * The connect phase's lines, rendered from the session's record: the
 * lookup, each attempt as it starts (-vv) and ends (-v), the one line of
 * a target that failed, the first byte.  Times are counted from the
 * run's start, as curl's --write-out times are.
 */
#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "tcpdial.h"

/* Milliseconds from the run's start to when (-1: never). */
static long long
since_start(const struct session *s, long long when)
{
	return when == -1 ? -1 : when - s->start_ms;
}

/* -v: the lookup's answer, and how long it took. */
void
report_resolved(const struct options *o, const struct session *s)
{
	if (o->verbose < 1)
		return;
	if (s->naddrs > s->nattempts)
		warnx("resolved %s in %lld ms: %zu addresses, trying the "
		    "first %zu", s->target->host, since_start(s,
		    s->resolved_ms), s->naddrs, s->nattempts);
	else
		warnx("resolved %s in %lld ms: %zu address%s", s->target->host,
		    since_start(s, s->resolved_ms), s->naddrs,
		    s->naddrs == 1 ? "" : "es");
}

/* -vv: an attempt starts. */
void
report_attempt_start(const struct options *o, const struct session *s,
    const struct attempt *a)
{
	char what[PEER_NAME_MAX];

	if (o->verbose < 2)
		return;
	addr_format(what, sizeof(what), s->peer_host, &a->addr);
	warnx("connecting to %s", what);
}

/* The line of a failed attempt: what it was doing, and why not. */
static void
attempt_failure(const struct options *o, const struct session *s,
    const struct attempt *a, const char *after)
{
	char what[PEER_NAME_MAX], src[PEER_NAME_MAX];

	addr_format(what, sizeof(what), s->peer_host, &a->addr);
	if (a->step == STEP_BIND && a->err == 0)
		warnx("bind to %s: no address of the target's family%s",
		    o->source != NULL ? o->source : "source port", after);
	else if (a->step == STEP_BIND) {
		addr_format(src, sizeof(src), o->source, &a->from);
		warnx("bind to %s: %s%s", src, strerror(a->err), after);
	} else
		warnx("%s %s: %s%s", a->step == STEP_SOCKET ? "socket for" :
		    "connect to", what, strerror(a->err), after);
}

/*
 * -v: an attempt ended: connected (from where, after how long), failed
 * (why), or left behind when another one connected first.
 */
void
report_attempt_end(const struct options *o, struct session *s,
    const struct attempt *a)
{
	char what[PEER_NAME_MAX], after[32];
	long long ms = a->ended_ms - a->started_ms;

	if (o->verbose < 1)
		return;
	snprintf(after, sizeof(after), " after %lld ms", ms);
	addr_format(what, sizeof(what), s->peer_host, &a->addr);
	if (a->code == TD_OK)
		warnx("connected to %s from %s in %lld ms", report_peer(s),
		    s->local, since_start(s, a->ended_ms));
	else if (a->abandoned)
		warnx("connect to %s: abandoned%s", what, after);
	else
		attempt_failure(o, s, a, after);
}

/* The attempt that ended last, whose status the target's is. */
static const struct attempt *
last_ended(const struct session *s)
{
	const struct attempt *last = NULL;
	size_t i;

	for (i = 0; i < s->nattempts; i++)
		if (s->attempts[i].ended_ms != -1 && (last == NULL ||
		    s->attempts[i].ended_ms >= last->ended_ms))
			last = &s->attempts[i];
	return last;
}

/* A lookup's failure: getaddrinfo's reason, the system's, or time. */
static void
resolve_failure(const char *what, const char *host, int rc, int err)
{
	if (rc == RESOLVE_TIMED_OUT)
		warnx("resolve %s%s: timed out", what, host);
	else if (rc == EAI_SYSTEM) {
		errno = err;
		warn("resolve %s%s", what, host);
	}
	else
		warnx("resolve %s%s: %s", what, host, gai_strerror(rc));
}

/*
 * The one line of a target that failed (SPEC 5).  With -v its attempts
 * have spoken already, each as it ended; a lookup's failure speaks here.
 */
void
report_target_failed(const struct options *o, const struct session *s)
{
	const struct attempt *a;

	if (s->code == TD_RESOLVE && s->resolve_rc == RESOLVE_NO_SOURCE)
		return;
	if (s->code == TD_RESOLVE) {
		resolve_failure("", s->target->host, s->resolve_rc,
		    s->resolve_err);
		return;
	}
	if (o->verbose > 0 || (a = last_ended(s)) == NULL)
		return;
	attempt_failure(o, s, a, "");
}

/* The -s lookup failed: every target has, said once. */
void
report_source_failed(const struct options *o, const struct source *src)
{
	resolve_failure("source ", o->source != NULL ? o->source : "address",
	    src->rc, src->err);
}

/* -v: the first byte from the peer. */
void
report_first_byte(const struct options *o, const struct session *s)
{
	if (o->verbose > 0)
		warnx("first byte after %lld ms", since_start(s,
		    s->first_byte_ms));
}
