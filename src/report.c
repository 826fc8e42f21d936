/*
 * Everything tcpdial prints on stderr, except usage errors: the one
 * failure line, the -v narration and the end-of-session summary.
 */
#include <err.h>
#include <stdarg.h>

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

/* -q (or a signal's grace) ran out before the disconnect completed. */
void
report_disconnect_late(const struct options *o, struct session *s)
{
	long long ms = o->disconnect_wait_ms;

	report_failx("%s: disconnect not complete after %lld ms",
	    dial_peer(s), ms != -1 ? ms : SIGNAL_GRACE_MS);
}

/*
 * The connection failed under op ("read from", ...), errno saying why
 * and s->how how: a lost connection (END_LOST) says so in the line.
 */
void
report_broken(struct session *s, const char *op)
{
	if (s->how == END_LOST)
		report_fail("%s %s: connection lost", op, dial_peer(s));
	else
		report_fail("%s %s", op, dial_peer(s));
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
	    dial_peer(s), o->idle_ms, side[why]);
}

/* -m ran out during the session. */
void
report_max_time(const struct options *o, struct session *s)
{
	report_failx("%s: max time of %lld ms reached", dial_peer(s),
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
