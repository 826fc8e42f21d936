/*
 * The exit statuses of tcpdial (SPEC section 5).  This list is the one
 * definition: the enum, exitcode_meaning() and the docs test all read it,
 * and the man page's EXIT STATUS section lists exactly these numbers.
 * A process ended by signal n exits 128+n; that is not a table entry.
 */
#ifndef TCPDIAL_EXITCODE_H
#define TCPDIAL_EXITCODE_H

#define TD_EXIT_CODES \
	X(TD_OK, 0, "success", "ok") \
	X(TD_FAILURE, 1, "other runtime failure", "failure") \
	X(TD_USAGE, 2, "usage error", "usage") \
	X(TD_RESOLVE, 3, "name resolution failed", "resolve") \
	X(TD_REFUSED, 4, "connection refused", "refused") \
	X(TD_TIMEOUT, 5, "connect timed out", "timeout") \
	X(TD_UNREACH, 6, "network or host unreachable", "unreachable") \
	X(TD_BIND, 7, "no local address or port", "bind") \
	X(TD_RESET, 8, "connection reset by peer", "reset") \
	X(TD_IDLE, 9, "session time limit", "idle") \
	X(TD_DISCONNECT, 10, "disconnect-wait expired", "disconnect") \
	X(TD_IO, 11, "local I/O error", "io") \
	X(TD_CHECK, 12, "check failed", "check") \
	X(TD_LOST, 13, "connection lost", "lost")

enum td_exit {
#define X(sym, num, text, name) sym = num,
	TD_EXIT_CODES
#undef X
};

#define TD_SIGNAL_BASE 128

/* The shell's statuses for a command (-z -- COMMAND) that could not run. */
#define TD_CMD_CANNOT_RUN 126
#define TD_CMD_NOT_FOUND 127

#endif
