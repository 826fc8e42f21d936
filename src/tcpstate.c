/*
 * The TCP state diagram (RFC 793, 3.2; SPEC 10), as data: the states'
 * names and which states a connection must have passed between two it
 * was seen in.  Pure: --trace samples tcpi_state, and a state passed too
 * fast to be sampled is printed as inferred from this, never as seen.
 * States are Linux's numbers (netinet/tcp.h: TCP_ESTABLISHED = 1 ...).
 */
#include <netinet/tcp.h>

#include <stdbool.h>
#include <stddef.h>

#include "tcpstate.h"

/* One past the highest state number (TCP_CLOSING). */
#define NSTATES (TCP_CLOSING + 1)

static const char *const names[NSTATES] = {
	[TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV",
	[TCP_FIN_WAIT1] = "FIN_WAIT_1",
	[TCP_FIN_WAIT2] = "FIN_WAIT_2",
	[TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE] = "CLOSED",
	[TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK",
	[TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
};

/*
 * The diagram's arrows an active opener's connection can follow without
 * a reset or a timeout: the open (or a simultaneous one), the active
 * close (FIN_WAIT_1, then FIN_WAIT_2 or CLOSING, or TIME_WAIT at once
 * when the peer's FIN acknowledges ours), and the passive close.
 * Each arrow carries the event that causes it (report.c words it).
 */
static const struct {
	int from, to;
	enum tcp_event cause;
} arrows[] = {
	{ TCP_CLOSE, TCP_SYN_SENT, TEV_CONNECT },
	{ TCP_SYN_SENT, TCP_ESTABLISHED, TEV_SYN_ACK },
	{ TCP_SYN_SENT, TCP_SYN_RECV, TEV_PEER_SYN },
	{ TCP_SYN_RECV, TCP_ESTABLISHED, TEV_SYN_ACKED },
	{ TCP_ESTABLISHED, TCP_FIN_WAIT1, TEV_OUR_FIN },
	{ TCP_ESTABLISHED, TCP_CLOSE_WAIT, TEV_PEER_FIN },
	{ TCP_FIN_WAIT1, TCP_FIN_WAIT2, TEV_FIN_ACKED },
	{ TCP_FIN_WAIT1, TCP_CLOSING, TEV_PEER_FIN_CROSSED },
	{ TCP_FIN_WAIT1, TCP_TIME_WAIT, TEV_PEER_FIN_ACK },
	{ TCP_FIN_WAIT2, TCP_TIME_WAIT, TEV_PEER_FIN },
	{ TCP_CLOSING, TCP_TIME_WAIT, TEV_FIN_ACKED },
	{ TCP_CLOSE_WAIT, TCP_LAST_ACK, TEV_OUR_FIN },
	{ TCP_LAST_ACK, TCP_CLOSE, TEV_FIN_ACKED },
	{ TCP_TIME_WAIT, TCP_CLOSE, TEV_2MSL },
};

#define NARROWS (sizeof(arrows) / sizeof(arrows[0]))

/* The diagram's name of state s, or NULL for a number it does not have. */
const char *
tcpstate_name(int s)
{
	return s > 0 && s < NSTATES ? names[s] : NULL;
}

/*
 * The event that takes a connection from one state to the next, as the
 * diagram has it; any other way to CLOSED is a reset or a timeout
 * (TEV_ABORT).  TEV_NONE when no arrow leads from one to the other.
 */
enum tcp_event
tcpstate_cause(int from, int to)
{
	size_t i;

	for (i = 0; i < NARROWS; i++)
		if (arrows[i].from == from && arrows[i].to == to)
			return arrows[i].cause;
	if (to == TCP_CLOSE && tcpstate_name(from) != NULL)
		return TEV_ABORT;
	return TEV_NONE;
}

/*
 * Breadth-first from from: dist[s] is the fewest arrows to s, -1 where
 * none leads; a reset or a timeout (abort) also leads from any state to
 * CLOSED.  The state avoid (0: none) is not passed through.
 */
static void
distances(int from, int avoid, bool abort, int dist[NSTATES])
{
	int queue[NSTATES], head = 0, tail = 0, s, t;
	size_t i;

	for (s = 0; s < NSTATES; s++)
		dist[s] = -1;
	dist[from] = 0;
	queue[tail++] = from;
	while (head < tail) {
		s = queue[head++];
		/* CLOSED leads on only before a connect; after, it ends. */
		if (s == TCP_CLOSE && s != from)
			continue;
		for (t = 1; t < NSTATES; t++) {
			if (t == avoid || dist[t] != -1)
				continue;
			for (i = 0; i < NARROWS; i++)
				if (arrows[i].from == s && arrows[i].to == t)
					break;
			if (i < NARROWS || (abort && t == TCP_CLOSE)) {
				dist[t] = dist[s] + 1;
				queue[tail++] = t;
			}
		}
	}
}

/*
 * The states a connection seen in from and then in to must have passed
 * between the two, in order, into out[0, max): those on every path of
 * the diagram from one to the other.  abort: the end may have come by a
 * reset or a timeout, which leads from any state to CLOSED.  Returns
 * how many, or -1 when to cannot follow from (or a state is unknown).
 */
int
tcpstate_implied(int from, int to, bool abort, int *out, size_t max)
{
	int dist[NSTATES], without[NSTATES], s, n = 0, k;

	if (tcpstate_name(from) == NULL || tcpstate_name(to) == NULL)
		return -1;
	if (from == to)
		return 0;
	distances(from, 0, abort, dist);
	if (dist[to] == -1)
		return -1;
	/* By distance from `from`: the order they were passed in. */
	for (k = 1; k < dist[to]; k++)
		for (s = 1; s < NSTATES; s++) {
			if (dist[s] != k || s == to)
				continue;
			distances(from, s, abort, without);
			if (without[to] == -1 && (size_t)n < max)
				out[n++] = s;
		}
	return n;
}
