/*
 * Unit tests of src/retry.c: the pause between tries under --wait, with
 * and without --backoff, and its jitter at both ends and the middle.
 */
#include "tcpdial.h"

#include "tap.h"

/* The draw that leaves a pause as it is, and those at its ends. */
#define MID (RETRY_JITTER_SPAN / 2)
#define LOW 0U
#define HIGH RETRY_JITTER_SPAN

static const struct {
	long long interval;
	unsigned tries;
	bool backoff;
	unsigned draw;
	long long want;
	const char *name;
} pauses[] = {
	{ 250, 1, false, MID, 250, "--interval alone: the interval" },
	{ 250, 9, false, LOW, 250, "without --backoff: no growth, no jitter" },
	{ 0, 3, false, HIGH, 0, "--interval 0: again at once" },
	{ 250, 1, true, MID, 250, "--backoff, first pause: the interval" },
	{ 250, 2, true, MID, 500, "--backoff, second: doubled" },
	{ 250, 3, true, MID, 1000, "--backoff, third: doubled again" },
	{ 250, 5, true, MID, 4000, "--backoff, fifth: 4 s" },
	{ 250, 6, true, MID, 5000, "--backoff: capped at 5 s" },
	{ 250, 4000000000U, true, MID, 5000, "--backoff: capped, ever after" },
	{ 250, 1, true, LOW, 225, "jitter: -10% at the low end" },
	{ 250, 1, true, HIGH, 275, "jitter: +10% at the high end" },
	{ 250, 6, true, HIGH, 5500, "jitter applies to the cap too" },
	{ 250, 1, true, HIGH + 7, 275, "a draw past the span: its end" },
	{ 8000, 3, true, MID, 8000, "an interval above the cap is kept" },
	{ 0, 4, true, MID, 0, "--backoff of 0 stays 0" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(pauses) / sizeof(pauses[0]); i++)
		is_int(retry_pause(pauses[i].interval, pauses[i].tries,
		    pauses[i].backoff, pauses[i].draw), pauses[i].want,
		    pauses[i].name);
	return done();
}
