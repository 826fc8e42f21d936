/*
 * The exit statuses of tcpdial (SPEC section 5).  This list is the one
 * definition: the enum, exitcode_meaning() and the docs test all read it,
 * and the man page's EXIT STATUS section lists exactly these numbers.
 * A process ended by signal n exits 128+n; that is not a table entry.
 */
#ifndef TCPDIAL_EXITCODE_H
#define TCPDIAL_EXITCODE_H

#define TD_EXIT_CODES \
	X(TD_OK, 0, "success") \
	X(TD_FAILURE, 1, "other runtime failure") \
	X(TD_USAGE, 2, "usage error") \
	X(TD_RESOLVE, 3, "name resolution failed") \
	X(TD_REFUSED, 4, "connection refused") \
	X(TD_TIMEOUT, 5, "connect timed out") \
	X(TD_UNREACH, 6, "network or host unreachable") \
	X(TD_BIND, 7, "no local address or port") \
	X(TD_RESET, 8, "connection reset by peer") \
	X(TD_IDLE, 9, "session time limit") \
	X(TD_DISCONNECT, 10, "disconnect-wait expired") \
	X(TD_IO, 11, "local I/O error") \
	X(TD_CHECK, 12, "check failed") \
	X(TD_LOST, 13, "connection lost")

enum td_exit {
#define X(sym, num, text) sym = num,
	TD_EXIT_CODES
#undef X
};

#define TD_SIGNAL_BASE 128

#endif
