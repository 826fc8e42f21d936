/*
 * Everything tcpdial prints on stderr, except usage errors: the one
 * failure line, the -v narration and the end-of-session summary.
 */
#include <err.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tcpdial.h"

/* "tcpdial: <what>: <strerror(errno)>", as warn(3). */
void
report_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

/*
 * "tcpdial: <what>", when the reason is already in the text; also each
 * -v line (report_verbose).
 */
void
report_failx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
}

/*
 * The peer of s as messages name it, "127.0.0.1 port 80" or "localhost
 * (::1) port 80", formatted on first use: a silent probe never pays for
 * it (inet_ntop formats with sprintf, whose code is 192 KiB of libc).
 */
const char *
report_peer(struct session *s)
{
	if (s->peer[0] == '\0')
		addr_format(s->peer, sizeof(s->peer), s->peer_host,
		    &s->peer_addr);
	return s->peer;
}

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
	else if (rc == EAI_SYSTEM)
		warnc(err, "resolve %s%s", what, host);
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

/* -q (or a signal's grace) ran out before the disconnect completed. */
void
report_disconnect_late(const struct options *o, struct session *s)
{
	long long ms = o->disconnect_wait_ms;

	report_failx("%s: disconnect not complete after %lld ms",
	    report_peer(s), ms != -1 ? ms : SIGNAL_GRACE_MS);
}

/*
 * The connection failed under op ("read from", ...), errno saying why
 * and s->how how: a lost connection (END_LOST) says so in the line.
 */
void
report_broken(struct session *s, const char *op)
{
	if (s->how == END_LOST)
		report_fail("%s %s: connection lost", op, report_peer(s));
	else
		report_fail("%s %s", op, report_peer(s));
}

/* -i ran out; the line says which side stalled. */
void
report_idle(const struct options *o, struct session *s, enum stall why)
{
	static const char *const side[] = {
		[STALL_PEER_SILENT] = "the peer sent nothing",
		[STALL_PEER_FULL] = "the peer took nothing",
		[STALL_STDOUT_FULL] = "stdout took nothing",
	};

	report_failx("%s: no traffic for %lld ms (idle timeout): %s",
	    report_peer(s), o->idle_ms, side[why]);
}

/* -m ran out during the session. */
void
report_max_time(const struct options *o, struct session *s)
{
	report_failx("%s: max time of %lld ms reached", report_peer(s),
	    o->max_time_ms);
}

/* An ending's flush gave up on a stdout that took nothing. */
void
report_unwritten(size_t n)
{
	report_failx("write to stdout: %zu bytes received were not written",
	    n);
}

static const char *
how_text(const struct session *s)
{
	switch (s->how) {
	case END_GRACEFUL:
		return s->peer_closed_first ?
		    "closed with FIN, the peer closed first" :
		    "closed with FIN, we closed first";
	case END_ABORT:
		return "we reset it (RST)";
	case END_PEER_RESET:
		return "the peer reset it (RST)";
	case END_CUT:
		return "closed without waiting for the peer";
	case END_LOST:
		return "the connection was lost";
	case END_SETTLED:
		return "the reply settled, closed without waiting for the peer";
	default:
		return "not connected";
	}
}

/*
 * The -v end-of-session summary: bytes each way, how long, how the
 * connection ended, and whether the disconnect completed.
 */
void
report_summary(const struct options *o, const struct session *s, int code)
{
	long long ms;

	if (o->verbose < 1 || s->connected_ms == -1)
		return;
	ms = s->end_ms - s->connected_ms;
	warnx("sent %llu bytes, received %llu bytes in %lld.%03lld s; %s%s",
	    s->bytes_out, s->bytes_in, ms / 1000, ms % 1000, how_text(s),
	    s->how == END_GRACEFUL || s->how == END_CUT ||
	    s->how == END_SETTLED ?
	    (s->disconnect_done ? "; disconnect complete" :
	    "; disconnect not complete") : "");
	report_verbose(o, 2, "exit %d: %s", code, exitcode_meaning(code));
}
