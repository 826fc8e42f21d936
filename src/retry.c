/*
 * The pause between tries under --wait (SPEC 8): --interval, or with
 * --backoff the interval doubled after each failed try up to 5 s, then
 * spread by +-10% so that many clients restarted together do not retry
 * in step.  Pure: the caller draws the random number.
 */
#include "tcpdial.h"

/* Where --backoff stops doubling. */
#define BACKOFF_MAX_MS 5000LL

/*
 * The pause after the try numbered tries (1: the first) failed, given
 * --interval's interval_ms and, for --backoff, a random draw in
 * [0, RETRY_JITTER_SPAN]: its middle is no change, its ends -+10%.
 */
long long
retry_pause(long long interval_ms, unsigned tries, bool backoff,
    unsigned draw)
{
	const long long span = RETRY_JITTER_SPAN;
	long long ms = interval_ms, cap;

	if (!backoff)
		return ms;
	/* An interval above the cap is kept, not cut down to it. */
	cap = ms > BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
	while (tries-- > 1 && ms < cap)
		ms *= 2;
	if (ms > cap)
		ms = cap;
	if (draw > RETRY_JITTER_SPAN)
		draw = RETRY_JITTER_SPAN;
	/* span / 2 either side of the middle is 10%: divide by span * 5. */
	return ms + ms * ((long long)draw - span / 2) / (span * 5);
}
