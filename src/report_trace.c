/*
 * --trace's lines (SPEC 10), rendered from the record: the attempts of
 * the connect phase, each state trace.c recorded, the peer's TIME_WAIT
 * after a passive close, and TCP_INFO's last figures.  Every line starts
 * "trace: N ms", counted from the run's start.
 */
#include <netinet/tcp.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tcpdial.h"
#include "tcpstate.h"

/* What brought the connection to e's state: the diagram's arrow. */
static const char *
cause(const struct session *s, const struct trace_event *e)
{
	static const char *const text[] = {
		[TEV_NONE] = "no arrow of the diagram leads here",
		[TEV_CONNECT] = "our SYN",
		[TEV_SYN_ACK] = "the SYN-ACK",
		[TEV_PEER_SYN] = "the peer's SYN",
		[TEV_SYN_ACKED] = "the ACK of our SYN",
		[TEV_OUR_FIN] = "our FIN",
		[TEV_PEER_FIN] = "the peer's FIN",
		[TEV_FIN_ACKED] = "the ACK of our FIN",
		[TEV_PEER_FIN_CROSSED] = "the peer's FIN crossed ours",
		[TEV_PEER_FIN_ACK] = "the peer's FIN with the ACK of ours",
		[TEV_2MSL] = "2 MSL passed",
		[TEV_ABORT] = "a reset or a timeout",
	};

	if (e->event != TEV_ABORT)
		return text[e->event];
	switch (s->how) {
	case END_ABORT:
		return "our RST";
	case END_PEER_RESET:
		return "the peer's RST";
	case END_LOST:
		return "retransmissions timed out";
	default:
		return text[e->event];
	}
}

/* One state the connection reached: seen, inferred, or after close(). */
void
report_trace(const struct session *s, const struct trace_event *e)
{
	const char *name = tcpstate_name(e->state);
	char more[64] = "";

	if (e->state == TCP_TIME_WAIT && e->expires_ms > 0)
		snprintf(more, sizeof(more), ", holding the address pair "
		    "%u.%03u s more", e->expires_ms / 1000,
		    e->expires_ms % 1000);
	if (name == NULL)
		name = "?";
	if (e->event == TEV_NONE && e->after_close)
		warnx("trace: %lld ms %s still, after close%s", e->ms, name,
		    more);
	else
		warnx("trace: %lld ms %s (%s)%s%s", e->ms, name, cause(s, e),
		    e->inferred ? ", inferred: passed too fast to be read" :
		    e->after_close ? ", after close" : "", more);
}

/* Why a failed attempt's socket closed. */
static void
attempt_end_text(const struct session *s, const struct attempt *a,
    char *why, size_t len)
{
	const char *plural = a->syns == 1 ? "" : "s";

	if (a->cut)
		snprintf(why, len, "the run ended, still connecting after "
		    "%u SYN%s", a->syns, plural);
	/* Linux resets an abandoned attempt only once it has connected. */
	else if (a->abandoned && a->state == TCP_ESTABLISHED)
		snprintf(why, len, "our RST: %s", s->connected_ms != -1 ?
		    "another address connected first" : "given up");
	else if (a->abandoned)
		snprintf(why, len, "given up after %u SYN%s, unanswered%s",
		    a->syns, plural, s->connected_ms != -1 ?
		    ": another address connected" : "");
	else if (a->err == ECONNREFUSED)
		snprintf(why, len, "the peer's RST: refused");
	else if (a->err == ETIMEDOUT)
		snprintf(why, len, "no answer to %u SYN%s: timed out",
		    a->syns, plural);
	else
		snprintf(why, len, "%s", strerror(a->err));
}

/*
 * An attempt of the connect phase sent its SYN (started), or ended.  One
 * that failed before its SYN (socket, bind, a route) has no state to
 * tell: -v says why.
 */
void
report_trace_attempt(const struct options *o, const struct session *s,
    const struct attempt *a, bool started)
{
	char what[PEER_NAME_MAX], why[128];

	if (!o->trace || !a->syn_sent)
		return;
	addr_format(what, sizeof(what), s->peer_host, &a->addr);
	if (started)
		warnx("trace: %lld ms SYN_SENT (our SYN to %s)",
		    a->started_ms - s->start_ms, what);
	else if (a->code == TD_OK)
		warnx("trace: %lld ms ESTABLISHED (the SYN-ACK from %s)",
		    a->ended_ms - s->start_ms, what);
	else {
		attempt_end_text(s, a, why, sizeof(why));
		warnx("trace: %lld ms CLOSED (%s), %s", a->ended_ms -
		    s->start_ms, why, what);
	}
}

/*
 * After a passive close, the peer holds TIME_WAIT: as sock_diag read it
 * (state, its timer's ms), or by the diagram (state -1: the peer's end
 * is not on this host).
 */
void
report_trace_peer(const struct session *s, int state, unsigned expires)
{
	long long ms = s->end_ms - s->start_ms;
	const char *name = tcpstate_name(state);

	if (state == TCP_TIME_WAIT)
		warnx("trace: %lld ms the peer holds TIME_WAIT, %u.%03u s "
		    "more (it closed first)", ms, expires / 1000,
		    expires % 1000);
	else if (state != -1 && name != NULL)
		warnx("trace: %lld ms the peer is in %s", ms, name);
	else
		warnx("trace: %lld ms the peer holds TIME_WAIT (it closed "
		    "first; by the diagram, not seen from here)", ms);
}

/* TCP_INFO's figures, read just before close. */
void
report_trace_facts(const struct session *s)
{
	const struct tcp_facts *t = &s->tcpi;

	warnx("trace: rtt %u.%03u ms, rttvar %u.%03u ms, %u retransmissions, "
	    "cwnd %u, pmtu %u, bytes acked %llu, received %llu",
	    t->rtt_us / 1000, t->rtt_us % 1000, t->rttvar_us / 1000,
	    t->rttvar_us % 1000, t->total_retrans, t->snd_cwnd, t->pmtu,
	    t->bytes_acked, t->bytes_received);
}
