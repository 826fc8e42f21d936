/*
 * How big stdin's or stdout's pipe should be, found by trial (issue
 * 14).  Growing the pipe to 1 MiB cuts the other end's and our wake-ups
 * sixteenfold, and on a quiet machine uploads ran a third to a half
 * faster, downloads a third to a half; on a busy one the grown pipe
 * keeps sixteen times as many pages in flight and the same upload ran at
 * half the speed, and on another VM of the same kind downloads ran up to
 * a quarter slower grown.  Neither size wins everywhere, and nothing
 * cheap tells the machines apart, so a long transfer times itself: after
 * a warm-up, one window with the pipe as it came and one grown, and the
 * grown pipe stays only if it ran at least as fast.  Keeping it is
 * final.  A machine's state changes within a transfer, so a pipe given
 * back is tried again later, after twice as long each time.  Pure: the
 * caller reads the clock and resizes the pipe.
 */
#include <limits.h>

#include "pipetrial.h"

/*
 * Bytes before the first window (slow start, buffer autotuning), and in
 * each window.
 */
#define TRIAL_WARMUP ((unsigned long long)16 << 20)
#define TRIAL_WINDOW ((unsigned long long)64 << 20)

/* Bytes after a pipe given back before it is tried again, at first. */
#define TRIAL_AGAIN ((unsigned long long)256 << 20)

/*
 * The grown pipe goes back if its rate fell below this share of the
 * first window's.  A wrong "keep" is final and a wrong "give back" is
 * tried again, so the margin does not favour the grown pipe: on a quiet
 * machine its window ran 1.3-3x as fast in 27 trials of 30, and on a VM
 * where it was a quarter slower throughout, its first window still
 * measured 0.78-1.24 of the other's, so four fifths kept it nearly
 * always (bench/README.md).
 */
#define TRIAL_SLOWEST 1.0

/* A trial not begun: due once the warm-up has passed. */
void
pipetrial_init(struct pipetrial *t)
{
	t->phase = TRIAL_WARM;
	t->due = TRIAL_WARMUP;
	t->start_us = t->small_us = 0;
	t->start_bytes = t->small_bytes = 0;
	t->again = TRIAL_AGAIN;
}

/* Whether the trial wants the clock after moved bytes in all. */
bool
pipetrial_due(const struct pipetrial *t, unsigned long long moved)
{
	return moved >= t->due;
}

/* Start the window in which the pipe has its size of phase. */
static void
window(struct pipetrial *t, enum trial_phase phase,
    unsigned long long moved, long long now_us)
{
	t->phase = phase;
	t->start_us = now_us;
	t->start_bytes = moved;
	t->due = moved + TRIAL_WINDOW;
}

/*
 * The trial's next step, due after moved bytes in all at now_us
 * microseconds: what to do with the pipe.  TRIAL_SHRINK is repeated
 * until the caller says pipetrial_again(), for a window's bytes at most:
 * a pipe holding more than its old size cannot shrink yet.
 */
enum trial_act
pipetrial_step(struct pipetrial *t, unsigned long long moved,
    long long now_us)
{
	double big, small;

	switch (t->phase) {
	case TRIAL_WARM:
		window(t, TRIAL_SMALL, moved, now_us);
		return TRIAL_KEEP;
	case TRIAL_SMALL:
		t->small_us = now_us - t->start_us;
		t->small_bytes = moved - t->start_bytes;
		window(t, TRIAL_BIG, moved, now_us);
		return TRIAL_GROW;
	case TRIAL_BIG:
		/* Bytes per microsecond, cross-multiplied. */
		big = (double)(moved - t->start_bytes) * (double)t->small_us;
		small = (double)t->small_bytes * (double)(now_us - t->start_us);
		if (big >= small * TRIAL_SLOWEST) {
			pipetrial_end(t);
			return TRIAL_KEEP;
		}
		t->phase = TRIAL_SHRINKING;
		t->start_bytes = moved;
		t->due = 0;
		return TRIAL_SHRINK;
	case TRIAL_SHRINKING:
		/* Never emptier than the old size: the pipe stays grown. */
		if (moved - t->start_bytes > TRIAL_WINDOW) {
			pipetrial_end(t);
			return TRIAL_KEEP;
		}
		return TRIAL_SHRINK;
	default:
		return TRIAL_KEEP;
	}
}

/*
 * The pipe has its old size after moved bytes, given back or never grown
 * (the caller's call): try again later.
 */
void
pipetrial_again(struct pipetrial *t, unsigned long long moved)
{
	t->phase = TRIAL_WARM;
	t->due = t->again < ULLONG_MAX - moved ? moved + t->again : ULLONG_MAX;
	if (t->again < ULLONG_MAX / 2)
		t->again *= 2;
}

/* The trial is over: the pipe keeps its size. */
void
pipetrial_end(struct pipetrial *t)
{
	t->phase = TRIAL_DONE;
	t->due = ULLONG_MAX;
}
