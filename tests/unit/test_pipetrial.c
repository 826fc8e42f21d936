/*
 * Unit tests of src/pipetrial.c: the trial of stdin's pipe size.  Its
 * steps fall due at the warm-up and at the end of each window; the grown
 * pipe stays only if it ran at least as fast as in the first window,
 * a shrink is asked for until done (for a window's bytes at
 * most), and a pipe given back is tried again later.
 */
#include "pipetrial.h"

#include "tap.h"

#define MIB (1ULL << 20)

/*
 * Run t from its start through a first window of 64 MiB in small_us:
 * what it asks at the end of it.
 */
static enum trial_act
first_window(struct pipetrial *t, long long small_us)
{
	pipetrial_init(t);
	pipetrial_step(t, 16 * MIB, 1000);
	return pipetrial_step(t, 80 * MIB, 1000 + small_us);
}

/*
 * ... and through a second of 64 MiB in big_us: what it asks at the end
 * of the second.
 */
static enum trial_act
trial_of(struct pipetrial *t, long long small_us, long long big_us)
{
	first_window(t, small_us);
	return pipetrial_step(t, 144 * MIB, 1000 + small_us + big_us);
}

/* The verdict of a fresh trial with these two windows. */
static enum trial_act
verdict(long long small_us, long long big_us)
{
	struct pipetrial t;

	return trial_of(&t, small_us, big_us);
}

static void
test_steps(void)
{
	struct pipetrial t;

	pipetrial_init(&t);
	is_int(pipetrial_due(&t, 16 * MIB - 1), false,
	    "not due during the warm-up");
	is_int(pipetrial_due(&t, 16 * MIB), true, "due after 16 MiB");
	is_int(pipetrial_step(&t, 16 * MIB + 5, 100), TRIAL_KEEP,
	    "the first window starts with the pipe as it came");
	is_int(pipetrial_due(&t, 80 * MIB + 4), false,
	    "the window is 64 MiB from where it started");
	is_int(pipetrial_due(&t, 80 * MIB + 5), true, "... then due");
	is_int(pipetrial_step(&t, 81 * MIB, 20100), TRIAL_GROW,
	    "after the first window: grow");
	is_int(pipetrial_due(&t, 145 * MIB - 1), false,
	    "the second window is 64 MiB too");
	is_int(pipetrial_step(&t, 145 * MIB, 30100), TRIAL_KEEP,
	    "grown and faster: kept");
	is_int(t.phase, TRIAL_DONE, "... and the trial is over");
	is_int(pipetrial_due(&t, ~0ULL - 1), false, "never due again");
}

static void
test_verdicts(void)
{
	is_int(verdict(20000, 19000), TRIAL_KEEP, "faster: kept");
	is_int(verdict(20000, 20000), TRIAL_KEEP, "as fast: kept");
	is_int(verdict(20000, 20100), TRIAL_SHRINK,
	    "slower by a two-hundredth: back to the old size");
	is_int(verdict(20000, 25000), TRIAL_SHRINK,
	    "four fifths of the rate: back");
	is_int(verdict(20000, 40000), TRIAL_SHRINK, "half as fast: back");
	is_int(verdict(0, 0), TRIAL_KEEP, "no time measured: kept");
}

static void
test_shrinking(void)
{
	struct pipetrial t;

	is_int(trial_of(&t, 10000, 20000), TRIAL_SHRINK,
	    "slower grown: shrink");
	is_int(pipetrial_due(&t, 144 * MIB + 1), true,
	    "a shrink that could not be done is due at the next step");
	is_int(pipetrial_step(&t, 145 * MIB, 31001), TRIAL_SHRINK,
	    "... and asked for again");
	is_int(pipetrial_step(&t, 208 * MIB, 40000), TRIAL_SHRINK,
	    "... for up to a window's bytes");
	pipetrial_again(&t, 208 * MIB);
	is_int(pipetrial_due(&t, 464 * MIB - 1), false,
	    "given back: no step for 256 MiB");
	is_int(pipetrial_step(&t, 464 * MIB, 50000), TRIAL_KEEP,
	    "then a new trial's first window");
	is_int(pipetrial_step(&t, 528 * MIB, 60000), TRIAL_GROW,
	    "... and its grown one");
	is_int(pipetrial_step(&t, 592 * MIB, 80000), TRIAL_SHRINK,
	    "slower again: back again");
	pipetrial_again(&t, 592 * MIB);
	is_int(pipetrial_due(&t, 1104 * MIB - 1), false,
	    "the next trial waits twice as long: 512 MiB");
	is_int(pipetrial_due(&t, 1104 * MIB), true, "... then it is due");
	pipetrial_end(&t);
	is_int(pipetrial_due(&t, 2000 * MIB), false,
	    "once ended, no more steps");
	is_int(pipetrial_step(&t, 2000 * MIB, 90000), TRIAL_KEEP,
	    "a step after the end keeps the pipe");

	/* A pipe that never empties below its old size stays grown. */
	trial_of(&t, 10000, 20000);
	is_int(pipetrial_step(&t, 208 * MIB + 1, 40000), TRIAL_KEEP,
	    "a shrink not done after a window's bytes: given up");
	is_int(t.phase, TRIAL_DONE, "... and the trial is over");

	/* The next trial's point saturates rather than wraps. */
	pipetrial_again(&t, ~0ULL - MIB);
	is_int(t.due == ~0ULL, true, "a next trial past the counter: never");
}

/* A pipe left as it came at the grow (its writer would refill it). */
static void
test_not_grown(void)
{
	struct pipetrial t;

	is_int(first_window(&t, 20000), TRIAL_GROW,
	    "after the first window: grow");
	pipetrial_again(&t, 80 * MIB);
	is_int(t.phase, TRIAL_WARM, "not grown: waiting for a new trial");
	is_int(pipetrial_due(&t, 336 * MIB - 1), false,
	    "no step for 256 MiB");
	is_int(pipetrial_step(&t, 336 * MIB, 50000), TRIAL_KEEP,
	    "then a new trial's first window");
	is_int(pipetrial_due(&t, 400 * MIB - 1), false,
	    "... of 64 MiB");
	is_int(pipetrial_step(&t, 400 * MIB, 70000), TRIAL_GROW,
	    "... then the grow again");
	is_int(t.again == 512 * MIB, true, "the one after waits 512 MiB");
}

int
main(void)
{
	test_steps();
	test_verdicts();
	test_shrinking();
	test_not_grown();
	return done();
}
