/*
 * What the exit codes mean, and which code a connect error gets.
 */
#include <errno.h>
#include <stddef.h>

#include "tcpdial.h"

/* Indexed by the code itself: the codes are small and dense. */
static const struct {
	const char *meaning;
	const char *name;
} table[] = {
#define X(sym, num, text, name) [num] = { text, name },
	TD_EXIT_CODES
#undef X
};

/* Whether code has an entry in the table. */
static bool
listed(int code)
{
	return code >= 0 && (size_t)code < sizeof(table) / sizeof(table[0]) &&
	    table[code].name != NULL;
}

/* The one-line meaning of code, as the man page's EXIT STATUS says it. */
const char *
exitcode_meaning(int code)
{
	if (code > TD_SIGNAL_BASE)
		return "ended by a signal";
	return listed(code) ? table[code].meaning : "unknown";
}

/*
 * The short stable name of code, for the --json report: "refused", or
 * "signal" for 128+n, "command" for a command that could not be run.
 */
const char *
exitcode_name(int code)
{
	if (code > TD_SIGNAL_BASE)
		return "signal";
	if (code == TD_CMD_CANNOT_RUN || code == TD_CMD_NOT_FOUND)
		return "command";
	return listed(code) ? table[code].name : "unknown";
}

/* The exit code for errno err from connect(2) or the connect wait. */
int
exitcode_connect(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return TD_REFUSED;
	case ETIMEDOUT:
		return TD_TIMEOUT;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
	/* A firewall's "administratively prohibited" ICMP error. */
	case EACCES:
	case EPERM:
		return TD_UNREACH;
	case ECONNRESET:
		/* Connected, then reset before we could look. */
		return TD_RESET;
	case EADDRINUSE:
	case EADDRNOTAVAIL:
		/* The kernel's choice of local port or address failed. */
		return TD_BIND;
	default:
		return TD_FAILURE;
	}
}

/*
 * The exit code for errno err met on the connected socket: the peer's
 * reset (EPIPE and ENOTCONN are what is left of one whose ECONNRESET an
 * earlier call consumed), a lost connection (the retransmissions timed
 * out, the path became unreachable), or -1 when err is no failure of
 * the connection.
 */
int
exitcode_session(int err)
{
	switch (err) {
	case ECONNRESET:
	case EPIPE:
	case ENOTCONN:
		return TD_RESET;
	case ETIMEDOUT:
	case EHOSTUNREACH:
	case ENETUNREACH:
		return TD_LOST;
	default:
		return -1;
	}
}

/*
 * --invert: the code of a try whose target must not accept.  Refused,
 * timed out and unreachable are what was wanted; a connection was not
 * (the connector ends it with TD_CHECK); anything else (a lookup, a
 * bind) proves nothing and stays a failure.
 */
int
exitcode_invert(int code)
{
	switch (code) {
	case TD_REFUSED:
	case TD_TIMEOUT:
	case TD_UNREACH:
		return TD_OK;
	default:
		return code;
	}
}
