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

/* The two halves of a failure's line: what failed, and why. */
struct failure {
	char what[PEER_NAME_MAX + 32];
	char why[512];
};

/* A failed attempt: what it was doing, and the system's reason. */
static void
attempt_text(const struct options *o, const struct session *s,
    const struct attempt *a, struct failure *f)
{
	char addr[PEER_NAME_MAX];

	if (a->step == STEP_BIND && a->err == 0) {
		snprintf(f->what, sizeof(f->what), "bind to %s",
		    o->source != NULL ? o->source : "source port");
		strlcpy(f->why, "no address of the target's family",
		    sizeof(f->why));
		return;
	}
	if (a->step == STEP_BIND)
		addr_format(addr, sizeof(addr), o->source, &a->from);
	else
		addr_format(addr, sizeof(addr), s->peer_host, &a->addr);
	snprintf(f->what, sizeof(f->what), "%s %s", a->step == STEP_BIND ?
	    "bind to" : a->step == STEP_SOCKET ? "socket for" : "connect to",
	    addr);
	strlcpy(f->why, strerror(a->err), sizeof(f->why));
}

/*
 * -v: an attempt ended: connected (from where, after how long), failed
 * (why), left behind when another one connected first, or still
 * connecting when the run ended (a signal, a failure).
 */
void
report_attempt_end(const struct options *o, struct session *s,
    const struct attempt *a)
{
	char what[PEER_NAME_MAX], after[32];
	long long ms = a->ended_ms - a->started_ms;
	struct failure f = { "", "" };

	if (o->verbose < 1)
		return;
	snprintf(after, sizeof(after), " after %lld ms", ms);
	addr_format(what, sizeof(what), s->peer_host, &a->addr);
	if (a->code == TD_OK)
		warnx("connected to %s from %s in %lld ms", report_peer(s),
		    s->local, since_start(s, a->ended_ms));
	else if (a->cut)
		warnx("connect to %s: still connecting%s", what, after);
	else if (a->abandoned)
		warnx("connect to %s: abandoned%s", what, after);
	else {
		attempt_text(o, s, a, &f);
		warnx("%s: %s%s", f.what, f.why, after);
	}
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
resolve_text(const char *kind, const char *host, int rc, int err,
    struct failure *f)
{
	snprintf(f->what, sizeof(f->what), "resolve %s%s", kind, host);
	strlcpy(f->why, rc == RESOLVE_TIMED_OUT ? "timed out" :
	    rc == EAI_SYSTEM ? strerror(err) : gai_strerror(rc),
	    sizeof(f->why));
}

/*
 * Bytes quoted for a message: escaped (SPEC 6: a peer's bytes never go
 * raw to stderr), the first CHECK_HEAD of them, "..." after more.
 */
static const char *
quote(char out[4 * CHECK_HEAD + 8], const char *p, size_t n, size_t total)
{
	const unsigned char *u = (const unsigned char *)p;
	const char *e;
	size_t i, k = 0;

	if (n > CHECK_HEAD)
		n = CHECK_HEAD;
	out[k++] = '"';
	/*
	 * As vis(3)'s C style, by hand: libbsd's strvisx brings 15 libc
	 * symbols for multibyte text, which every probe binds at start-up.
	 */
	for (i = 0; i < n; i++) {
		if ((e = strchr("\"\\\r\n\t", u[i])) != NULL && u[i] != 0) {
			out[k++] = '\\';
			out[k++] = "\"\\rnt"[e - "\"\\\r\n\t"];
		} else if (u[i] >= 0x20 && u[i] < 0x7f)
			out[k++] = (char)u[i];
		else {
			out[k++] = '\\';
			out[k++] = (char)('0' + (u[i] >> 6));
			out[k++] = (char)('0' + (u[i] >> 3 & 7));
			out[k++] = (char)('0' + (u[i] & 7));
		}
	}
	out[k] = '\0';
	strlcat(out, total > n ? "\"..." : "\"", 4 * CHECK_HEAD + 8);
	return out;
}

/* A failed --send/--expect, or --invert finding the target accepting. */
static void
check_text(const struct options *o, const struct session *s,
    struct failure *f)
{
	const struct check *k = &s->check;
	char peer[PEER_NAME_MAX], want[4 * CHECK_HEAD + 8];
	char head[4 * CHECK_HEAD + 8], got[4 * CHECK_HEAD + 32];

	addr_format(peer, sizeof(peer), s->peer_host, &s->peer_addr);
	/* Sending is what failed, or what the time ran out on. */
	snprintf(f->what, sizeof(f->what), "%s %s", o->invert ? "check" :
	    k->fail == CHECK_SEND || k->sent < o->send_len ? "send to" :
	    "expect from", peer);
	want[0] = '\0';
	if (o->expect != NULL)
		(void)quote(want, o->expect, o->expect_len, o->expect_len);
	if (k->got == 0)
		strlcpy(got, "nothing received", sizeof(got));
	else
		snprintf(got, sizeof(got), "received %zu bytes: %s", k->got,
		    quote(head, k->head, k->headlen, k->got));
	if (o->invert)
		strlcpy(f->why, "still accepting connections", sizeof(f->why));
	else if (k->fail == CHECK_SEND || k->fail == CHECK_READ)
		strlcpy(f->why, strerror(k->err), sizeof(f->why));
	else if (k->fail == CHECK_CLOSED)
		snprintf(f->why, sizeof(f->why), "connection closed before %s "
		    "(%s)", want, got);
	else if (k->fail == CHECK_TIMEOUT && k->sent < o->send_len)
		snprintf(f->why, sizeof(f->why), "%zu of %zu bytes sent after "
		    "%lld ms", k->sent, o->send_len,
		    k->ended_ms - s->connected_ms);
	else if (k->fail == CHECK_TIMEOUT)
		snprintf(f->why, sizeof(f->why), "no %s after %lld ms (%s)",
		    want, k->ended_ms - s->connected_ms, got);
	else
		snprintf(f->why, sizeof(f->why), "no %s in the first %zu "
		    "bytes", want, EXPECT_READ_MAX);
}

/*
 * What failed of s, and why: its lookup, its last attempt, its check.
 * Returns false when there is nothing to say (no attempt ended).
 */
static bool
failure_text(const struct options *o, const struct session *s,
    struct failure *f)
{
	const struct attempt *a;

	if (s->code == TD_RESOLVE)
		resolve_text("", s->target->host, s->resolve_rc,
		    s->resolve_err, f);
	else if (s->code == TD_CHECK)
		check_text(o, s, f);
	else if ((a = last_ended(s)) != NULL)
		attempt_text(o, s, a, f);
	else
		return false;
	return true;
}

/*
 * The one line of a target that failed (SPEC 5) into line: under --wait,
 * the line of giving up, with the time, the tries and the last one's
 * reason (SPEC 8).  Returns false when there is nothing to say: nothing
 * ended, or a signal ended the target's session, which is no failure of
 * the target's.
 */
bool
report_failure_line(const struct options *o, const struct session *s,
    char *line, size_t size)
{
	struct failure f = { "", "" };
	long long ms = s->end_ms - s->start_ms;

	if (s->code > TD_SIGNAL_BASE || !failure_text(o, s, &f))
		return false;
	if (o->wait)
		snprintf(line, size, "%s port %s: gave up after %lld.%03lld s "
		    "(%u attempt%s): %s", s->target->host, s->target->port,
		    ms / 1000, ms % 1000, s->tries, s->tries == 1 ? "" : "s",
		    f.why);
	else
		snprintf(line, size, "%s: %s", f.what, f.why);
	return true;
}

/*
 * Say the one line of a target that failed, and keep it for the report.
 * With -v its attempts have spoken already, each as it ended.
 */
void
report_target_failed(const struct options *o, struct session *s)
{
	char line[ERROR_MAX];

	if (s->code == TD_RESOLVE && s->resolve_rc == RESOLVE_NO_SOURCE)
		return;
	if (!report_failure_line(o, s, line, sizeof(line)))
		return;
	report_keep(s, line);
	if (o->wait || o->verbose == 0 || s->code == TD_RESOLVE ||
	    s->code == TD_CHECK)
		warnx("%s", line);
}

/*
 * -v, under --wait: a try failed; the next one comes after pause_ms, or,
 * when last, the deadline does and the target gives up.
 */
void
report_try_failed(const struct options *o, const struct session *s,
    long long pause_ms, bool last)
{
	struct failure f = { "", "" };

	if (o->verbose < 1 || !failure_text(o, s, &f))
		return;
	warnx("%s port %s: attempt %u failed (%s); %s %lld ms",
	    s->target->host, s->target->port, s->tries, f.why,
	    last ? "no time for another, giving up in" : "next in", pause_ms);
}

/* -v: a check passed (its failures are said as the target's). */
void
report_check(const struct options *o, const struct session *s)
{
	const struct check *k = &s->check;

	if (o->verbose < 1 || s->code != GO_ON || k->fail != CHECK_NONE)
		return;
	warnx("check passed: sent %zu bytes, received %zu", k->sent, k->got);
}

/*
 * The -s lookup failed: every target of ss[0, n) has, said once and kept
 * in each.
 */
void
report_source_failed(const struct options *o, const struct source *src,
    struct session *ss, size_t n)
{
	struct failure f = { "", "" };
	char line[ERROR_MAX];
	size_t i;

	resolve_text("source ", o->source != NULL ? o->source : "address",
	    src->rc, src->err, &f);
	snprintf(line, sizeof(line), "%s: %s", f.what, f.why);
	for (i = 0; i < n; i++)
		report_keep(&ss[i], line);
	warnx("%s", line);
}

/* -v: the first byte from the peer. */
void
report_first_byte(const struct options *o, const struct session *s)
{
	if (o->verbose > 0)
		warnx("first byte after %lld ms", since_start(s,
		    s->first_byte_ms));
}
