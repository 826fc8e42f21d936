/*
 * Unit tests of src/tcpstate.c: the states a connection must have passed
 * between two seen ones, by the TCP state diagram, with and without a
 * reset, and the states' names.
 */
#include <netinet/tcp.h>

#include <stdio.h>
#include <string.h>

#include "tcpstate.h"

#include "tap.h"

enum {
	EST = TCP_ESTABLISHED, SS = TCP_SYN_SENT, SR = TCP_SYN_RECV,
	FW1 = TCP_FIN_WAIT1, FW2 = TCP_FIN_WAIT2, TW = TCP_TIME_WAIT,
	CL = TCP_CLOSE, CW = TCP_CLOSE_WAIT, LA = TCP_LAST_ACK,
	CLG = TCP_CLOSING,
};

static const struct {
	int from, to;
	bool abort;
	const char *want;	/* the implied states' names, or "-1" */
	const char *name;
} cases[] = {
	{ SS, EST, false, "", "the SYN-ACK: nothing between" },
	{ EST, TW, false, "FIN_WAIT_1",
	    "active close seen late: FIN_WAIT_1 surely, not FIN_WAIT_2" },
	{ EST, FW2, false, "FIN_WAIT_1", "our FIN acked at once" },
	{ FW1, TW, false, "", "FIN_WAIT_2 or CLOSING or neither: none sure" },
	{ EST, LA, false, "CLOSE_WAIT", "passive close: CLOSE_WAIT passed" },
	{ CW, CL, false, "LAST_ACK", "from CLOSE_WAIT to CLOSED, gracefully" },
	{ CW, CL, true, "", "from CLOSE_WAIT to CLOSED by a reset: none" },
	{ SS, FW2, false, "ESTABLISHED FIN_WAIT_1", "two, in order" },
	{ CL, EST, false, "SYN_SENT", "a connect seen done: SYN_SENT" },
	{ FW1, CL, false, "TIME_WAIT", "an active close ends in TIME_WAIT" },
	{ EST, CL, true, "", "a reset ends anything at once" },
	{ EST, CL, false, "", "FIN_WAIT_1 or CLOSE_WAIT: none sure" },
	{ TW, EST, false, "-1", "no arrow back from TIME_WAIT" },
	{ LA, CW, true, "-1", "no arrow back, even with a reset" },
	{ EST, EST, false, "", "the same state: nothing between" },
	{ 0, EST, false, "-1", "an unknown state" },
	{ EST, 99, false, "-1", "a state past the diagram" },
};

/* The implied states of from..to as names joined by spaces, or "-1". */
static const char *
implied(int from, int to, bool abort)
{
	static char buf[256];
	int out[16], n, i;

	n = tcpstate_implied(from, to, abort, out, 16);
	if (n == -1)
		return "-1";
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(buf, " ", sizeof(buf));
		strlcat(buf, tcpstate_name(out[i]), sizeof(buf));
	}
	return buf;
}

int
main(void)
{
	size_t i;
	int out[1];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(implied(cases[i].from, cases[i].to, cases[i].abort),
		    cases[i].want, cases[i].name);
	is_int(tcpstate_implied(SS, FW2, false, out, 1), 1,
	    "out is never written past max");
	is_str(tcpstate_name(CL), "CLOSED",
	    "TCP_CLOSE is the diagram's CLOSED");
	is_str(tcpstate_name(CLG), "CLOSING", "the highest state has a name");
	ok(tcpstate_name(0) == NULL && tcpstate_name(CLG + 1) == NULL,
	    "no name outside the diagram");
	is_int(tcpstate_cause(SS, EST), TEV_SYN_ACK, "SYN_SENT to ESTABLISHED");
	is_int(tcpstate_cause(EST, FW1), TEV_OUR_FIN, "an active close begins");
	is_int(tcpstate_cause(EST, CW), TEV_PEER_FIN, "a passive one");
	is_int(tcpstate_cause(FW1, CLG), TEV_PEER_FIN_CROSSED,
	    "FIN_WAIT_1 to CLOSING: the FINs crossed");
	is_int(tcpstate_cause(FW1, TW), TEV_PEER_FIN_ACK,
	    "FIN_WAIT_1 to TIME_WAIT: the peer's FIN acked ours");
	is_int(tcpstate_cause(SS, CL), TEV_ABORT,
	    "refused or timed out: a reset or a timeout");
	is_int(tcpstate_cause(TW, CL), TEV_2MSL, "TIME_WAIT's end");
	is_int(tcpstate_cause(TW, EST), TEV_NONE, "no arrow, no cause");
	is_int(tcpstate_cause(SR, 99), TEV_NONE, "no state, no cause");
	return done();
}
