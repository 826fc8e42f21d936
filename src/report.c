/*
 * Everything tcpdial prints on stderr, except usage errors: the one
 * failure line, the -v narration and the end-of-session summary.
 */
#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tcpdial.h"

/* Keep a failure line in s (NULL: none yet), the first one only. */
void
report_keep(struct session *s, const char *line)
{
	if (s != NULL && s->error[0] == '\0')
		strlcpy(s->error, line, sizeof(s->error));
}

static void	fail(struct session *, bool, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/*
 * A failure's line, the system's reason (err) after the text unless err
 * is 0: kept in s for the --json report, and said on stderr if say.
 */
static void
fail(struct session *s, bool say, int err, const char *fmt, ...)
{
	char line[ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (err != 0) {
		strlcat(line, ": ", sizeof(line));
		strlcat(line, strerror(err), sizeof(line));
	}
	report_keep(s, line);
	if (say)
		warnx("%s", line);
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

/*
 * -q ran out before the disconnect completed, or the grace of signal
 * signo did (0: no signal).
 */
void
report_disconnect_late(const struct options *o, struct session *s,
    int signo)
{
	long long ms = o->disconnect_wait_ms;

	if (ms == -1)
		ms = SIGNAL_GRACE_MS;
	if (signo == 0)
		fail(s, true, 0, "%s: disconnect not complete after %lld ms",
		    report_peer(s), ms);
	else
		fail(s, true, 0, "%s: disconnect not complete after %lld ms, "
		    "the grace after SIG%s", report_peer(s), ms,
		    sigabbrev_np(signo));
}

/*
 * The connection failed under op ("read from", ...), errno saying why
 * and s->how how: a lost connection (END_LOST) says so in the line.
 */
void
report_broken(struct session *s, const char *op)
{
	if (s->how == END_LOST)
		fail(s, true, errno, "%s %s: connection lost", op,
		    report_peer(s));
	else
		fail(s, true, errno, "%s %s", op, report_peer(s));
}

/* -i ran out; the line says which side stalled. */
void
report_idle(const struct options *o, struct session *s, enum stall why)
{
	static const char *const side[] = {
		[STALL_PEER_SILENT] = "the peer sent nothing",
		[STALL_PEER_FULL] = "the peer took nothing",
		[STALL_STDOUT_FULL] = "stdout took nothing",
		[STALL_STDIN_SILENT] =
		    "stdin sent nothing after the peer's FIN",
	};

	fail(s, true, 0, "%s: no traffic for %lld ms (idle timeout): %s",
	    report_peer(s), o->idle_ms, side[why]);
}

/* -m ran out during the session. */
void
report_max_time(const struct options *o, struct session *s)
{
	fail(s, true, 0, "%s: max time of %lld ms reached", report_peer(s),
	    o->max_time_ms);
}

/* An ending's flush gave up on a stdout that took nothing. */
void
report_unwritten(struct session *s, size_t n)
{
	fail(s, true, 0, "write to stdout: %zu bytes received were not written",
	    n);
}

/* --hexdump FILE could not be opened, or written to the end. */
void
report_hexdump(struct session *s, bool opening, const char *path, int err)
{
	fail(s, true, err, "%s hexdump %s", opening ? "open" : "write", path);
}

/* --hexdump FILE's reader took nothing more before -m or a signal. */
void
report_hexdump_gave_up(struct session *s, const char *path)
{
	fail(s, true, 0, "write hexdump %s: given up waiting for its reader",
	    path);
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
	if (o->verbose >= 2)
		warnx("exit %d: %s", code, exitcode_meaning(code));
}

/* The -v level each note needs. */
static const int note_level[] = {
	[NOTE_STDIN_EOF] = 2,
	[NOTE_PEER_FIN] = 1,
	[NOTE_FIN_SENT] = 2,
	[NOTE_RST_SENT] = 2,
	[NOTE_SIGNAL] = 1,
	[NOTE_SETTLED] = 1,
	[NOTE_DISCONNECTED] = 1,
};

/*
 * A -v note on the session's way (v: the number some notes carry).  The
 * texts are here; the engines only say which note.
 */
void
report_note(const struct options *o, struct session *s, enum note n,
    long long v)
{
	if (o->verbose < note_level[n])
		return;
	switch (n) {
	case NOTE_STDIN_EOF:
		warnx("stdin: end of file");
		break;
	case NOTE_PEER_FIN:
		warnx("%s closed its side (FIN)", report_peer(s));
		break;
	case NOTE_FIN_SENT:
		warnx("sent FIN to %s", report_peer(s));
		break;
	case NOTE_RST_SENT:
		warnx("sent RST to %s", report_peer(s));
		break;
	case NOTE_SIGNAL:
		warnx("signal %lld: closing (again to reset)", v);
		break;
	case NOTE_SETTLED:
		warnx("%s: quiet for %lld ms: settled", report_peer(s), v);
		break;
	case NOTE_DISCONNECTED:
		warnx("disconnect complete after %lld ms", v);
		break;
	}
}

/* -vv: how each direction of the relay moves its bytes. */
void
report_movers(const struct options *o, const char *up, const char *down)
{
	if (o->verbose >= 2)
		warnx("relay: stdin to socket by %s, socket to stdout by %s",
		    up, down);
}

/* A local failure in s's run, errno saying why. */
void
report_local(struct session *s, enum local what)
{
	static const char *const op[] = {
		[LOCAL_STDIN] = "read from stdin",
		[LOCAL_STDOUT] = "write to stdout",
		[LOCAL_POLL] = "poll",
		[LOCAL_MEMORY] = "connect phase",
	};

	fail(s, true, errno, "%s", op[what]);
}

/* SO_LINGER failed: no RST was sent, and the line says so. */
void
report_no_rst(struct session *s)
{
	fail(s, true, errno, "set SO_LINGER on %s (no RST sent)",
	    report_peer(s));
}

/*
 * "-- COMMAND" could not be run, errno saying why: kept in s (the first
 * target), said on stderr unless say is false (--quiet).
 */
void
report_run_failed(struct session *s, const char *cmd, bool say)
{
	fail(s, say, errno, "run %s", cmd);
}
