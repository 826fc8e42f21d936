/*
 * Time.  The only file that reads a clock: everything else works with
 * monotonic milliseconds and deadlines made here, or microseconds where
 * it times something (the pipe trial).
 */
#include <limits.h>
#include <time.h>

#include "tcpdial.h"

/* Milliseconds on the monotonic clock (never jumps with the wall clock). */
long long
clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Microseconds on the same clock, for timing rather than deadlines. */
long long
clock_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The deadline ms milliseconds from now; NO_DEADLINE when ms is -1. */
long long
clock_deadline(long long ms)
{
	if (ms < 0)
		return NO_DEADLINE;
	return clock_now_ms() + ms;
}

/* The nearer of two deadlines; NO_DEADLINE only when both are. */
long long
clock_earliest(long long a, long long b)
{
	if (a == NO_DEADLINE)
		return b;
	if (b == NO_DEADLINE)
		return a;
	return a < b ? a : b;
}

/*
 * A poll(2) timeout for the nearest of two deadlines: -1 (wait forever)
 * when both are NO_DEADLINE, else the milliseconds left, at least 0.
 */
int
clock_poll_ms(long long a, long long b)
{
	long long d = clock_earliest(a, b), left;

	if (d == NO_DEADLINE)
		return -1;
	left = d - clock_now_ms();
	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/*
 * ppoll(2)'s timeout for a poll(2) timeout of ms: NULL for -1 (wait
 * forever), else ts filled in.
 */
struct timespec *
clock_timespec(int ms, struct timespec *ts)
{
	if (ms == -1)
		return NULL;
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (long)(ms % 1000) * 1000000;
	return ts;
}

/* Whether deadline d has passed (never, for NO_DEADLINE). */
bool
clock_expired(long long d)
{
	return d != NO_DEADLINE && clock_now_ms() >= d;
}
