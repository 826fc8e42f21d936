/*
 * The --json report (SPEC 9): the run's record, the one -v renders as
 * text, rendered as one JSON object and written whole or not at all.
 * Times are integer milliseconds since the run's start.
 */
#include <netinet/tcp.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpdial.h"
#include "json.h"

/* when, counted from the run's start; null when it never happened. */
static void
put_ms(struct json *j, const char *key, const struct session *s,
    long long when)
{
	json_int(j, key, when == -1 ? -1 : when - s->start_ms, true);
}

/* The numeric address of sa, and its port when with_port. */
static void
put_address(struct json *j, const struct sockaddr_storage *sa,
    bool with_port)
{
	char text[INET6_ADDRSTRLEN];
	int port = addr_numeric(text, sa);

	json_str(j, "address", text);
	if (!with_port)
		json_str(j, "family", sa->ss_family == AF_INET6 ? "ipv6" :
		    "ipv4");
	else
		json_int(j, "port", port, false);
}

/* An attempt's end, as a word. */
static const char *
outcome(const struct attempt *a)
{
	if (a->started_ms == -1)
		return "not_started";
	if (a->ended_ms == -1 || a->cut)
		return "unfinished";
	if (a->abandoned)
		return "abandoned";
	return a->code == TD_OK ? "connected" : exitcode_name(a->code);
}

/* The last try's attempts, one object per address. */
static void
put_addresses(struct json *j, const struct session *s)
{
	const struct attempt *a;
	size_t i;

	json_open(j, "addresses", '[');
	for (i = 0; i < s->nattempts; i++) {
		a = &s->attempts[i];
		json_open(j, NULL, '{');
		put_address(j, &a->addr, false);
		put_ms(j, "started_ms", s, a->started_ms);
		put_ms(j, "ended_ms", s, a->cut ? -1 : a->ended_ms);
		json_str(j, "outcome", outcome(a));
		json_close(j, '}');
	}
	json_close(j, ']');
}

/*
 * Who closed first: whoever sent the first FIN; without one, the peer
 * when it reset, else we did (our RST, or a close without waiting).
 * The peer's FIN counts once the kernel had it (CLOSE_WAIT at our
 * close), read by us or not.
 */
static const char *
first_closer(const struct session *s)
{
	if (s->how == END_LOST)
		return NULL;
	if (s->fin_sent_ms != -1)
		return s->peer_closed_first ? "peer" : "us";
	if (s->peer_fin_ms != -1 || s->how == END_PEER_RESET)
		return "peer";
	return s->tcpi.taken && s->tcpi.state == TCP_CLOSE_WAIT ? "peer" :
	    "us";
}

/* How the connection ended: the five words of SPEC 9, and who began. */
static void
put_close(struct json *j, const struct session *s)
{
	static const char *const how[] = {
		[END_NONE] = "cut", [END_GRACEFUL] = "graceful",
		[END_ABORT] = "abort", [END_PEER_RESET] = "peer_reset",
		[END_CUT] = "cut", [END_LOST] = "lost", [END_SETTLED] = "cut",
	};

	json_open(j, "close", '{');
	json_str(j, "how", how[s->how]);
	json_str(j, "first", first_closer(s));
	json_bool(j, "disconnect_completed", s->disconnect_done);
	json_close(j, '}');
}

/* TCP_INFO as read just before close. */
static void
put_tcp_info(struct json *j, const struct tcp_facts *t)
{
	json_open(j, "tcp_info", '{');
	json_int(j, "rtt_us", t->rtt_us, false);
	json_int(j, "rttvar_us", t->rttvar_us, false);
	json_int(j, "retransmits", t->retransmits, false);
	json_int(j, "total_retrans", t->total_retrans, false);
	json_int(j, "snd_cwnd", t->snd_cwnd, false);
	json_int(j, "pmtu", t->pmtu, false);
	json_int(j, "bytes_acked", (long long)t->bytes_acked, false);
	json_int(j, "bytes_received", (long long)t->bytes_received, false);
	json_close(j, '}');
}

/* What came of the connection, once there was one (else nulls). */
static void
put_connection(struct json *j, const struct options *o,
    const struct session *s)
{
	bool up = s->connected_ms != -1;

	if (up && s->local_addr.ss_family != AF_UNSPEC) {
		json_open(j, "local", '{');
		put_address(j, &s->local_addr, true);
		json_close(j, '}');
	} else
		json_null(j, "local");
	if (up) {
		json_open(j, "remote", '{');
		put_address(j, &s->peer_addr, true);
		json_close(j, '}');
	} else
		json_null(j, "remote");
	put_ms(j, "connect_ms", s, s->connected_ms);
	put_ms(j, "first_byte_ms", s, s->first_byte_ms);
	json_int(j, "bytes_sent", (long long)s->bytes_out, false);
	json_int(j, "bytes_received", (long long)s->bytes_in, false);
	if (up)
		put_close(j, s);
	else
		json_null(j, "close");
	if (up && (o->send != NULL || o->expect != NULL)) {
		json_open(j, "expect", '{');
		json_bool(j, "matched", s->check.fail == CHECK_NONE &&
		    s->check.ended_ms != -1);
		put_ms(j, "ms", s, s->check.ended_ms);
		json_close(j, '}');
	} else
		json_null(j, "expect");
	if (s->tcpi.taken)
		put_tcp_info(j, &s->tcpi);
	else
		json_null(j, "tcp_info");
}

/*
 * s's failure line: the one said and kept, or, when it was not said (-v,
 * --any), rendered into buf as it would be; NULL when s did not fail.
 */
static const char *
target_error(const struct options *o, const struct session *s, char *buf,
    size_t size)
{
	if (s->code == TD_OK || s->code == GO_ON)
		return NULL;
	if (s->error[0] != '\0')
		return s->error;
	return report_failure_line(o, s, buf, size) ? buf : NULL;
}

/* One target's object. */
static void
put_target(struct json *j, const struct options *o, const struct session *s)
{
	char buf[ERROR_MAX];

	json_open(j, NULL, '{');
	json_str(j, "target", s->target->operand);
	json_str(j, "host", s->target->host);
	json_int(j, "port", addr_port(s->target->port), true);
	json_int(j, "status", s->code, true);
	json_str(j, "status_name", s->code == GO_ON ? "unfinished" :
	    exitcode_name(s->code));
	json_str(j, "error", target_error(o, s, buf, sizeof(buf)));
	json_int(j, "attempts", s->tries, false);
	put_ms(j, "resolve_ms", s, s->resolved_ms);
	put_addresses(j, s);
	put_connection(j, o, s);
	json_close(j, '}');
}

/*
 * The run's error line: the usage error, or the first failing target's
 * in operand order, or a failure after the targets' success (a command
 * that cannot run); none on success or for a signal.
 */
static const char *
run_error(const struct options *o, const struct session *ss, size_t n,
    int code, char *buf, size_t size)
{
	const char *e;
	size_t i;

	if (code == TD_OK || code > TD_SIGNAL_BASE)
		return NULL;
	if (n == 0)
		return o->usage[0] != '\0' ? o->usage : NULL;
	for (i = 0; i < n; i++)
		if ((e = target_error(o, &ss[i], buf, size)) != NULL)
			return e;
	for (i = 0; i < n; i++)
		if (ss[i].error[0] != '\0')
			return ss[i].error;
	return NULL;
}

/*
 * The --json report of the sessions ss[0, n), ending with code, as one
 * line of text; NULL without memory.  The caller frees it.
 */
char *
report_json_text(const struct options *o, const struct session *ss,
    size_t n, int code, size_t *len)
{
	struct json j = { NULL, 0, 0, false, false };
	char buf[ERROR_MAX];
	size_t i;

	json_open(&j, NULL, '{');
	json_str(&j, "version", PACKAGE_VERSION);
	json_int(&j, "exit_status", code, false);
	json_str(&j, "exit_name", exitcode_name(code));
	json_int(&j, "signal", code > TD_SIGNAL_BASE ? code - TD_SIGNAL_BASE :
	    -1, true);
	json_str(&j, "error", run_error(o, ss, n, code, buf, sizeof(buf)));
	json_int(&j, "elapsed_ms", n > 0 ? clock_now_ms() - ss[0].start_ms : 0,
	    false);
	json_open(&j, "targets", '[');
	for (i = 0; i < n; i++)
		put_target(&j, o, &ss[i]);
	json_close(&j, ']');
	json_close(&j, '}');
	return json_text(&j, len);
}

/* The report could not be written (err says why); not with --quiet. */
void
report_json_unwritten(const struct options *o, int err)
{
	if (!o->quiet)
		warnc(err, "write report %s", o->json);
}
