/*
 * The TCP state diagram (tcpstate.c): names, and the states implied
 * between two seen ones.  Pure; for --trace (SPEC 10).
 */
#ifndef TCPSTATE_H
#define TCPSTATE_H

#include <stdbool.h>
#include <stddef.h>

/* What moves a connection along the diagram's arrows (tcpstate_cause). */
enum tcp_event {
	TEV_NONE,		/* no arrow */
	TEV_CONNECT,		/* our SYN */
	TEV_SYN_ACK,
	TEV_PEER_SYN,		/* a simultaneous open */
	TEV_SYN_ACKED,
	TEV_OUR_FIN,
	TEV_PEER_FIN,
	TEV_FIN_ACKED,		/* the ACK of our FIN */
	TEV_PEER_FIN_CROSSED,	/* a simultaneous close */
	TEV_PEER_FIN_ACK,	/* the peer's FIN acking ours */
	TEV_2MSL,		/* TIME_WAIT's timer */
	TEV_ABORT,		/* a reset or a timeout, to CLOSED */
};

const char	*tcpstate_name(int);
enum tcp_event	 tcpstate_cause(int, int);
int		 tcpstate_implied(int, int, bool, int *, size_t);

#endif
