/*
 * The trial of a stdio pipe's size (pipetrial.c): its state, and the
 * steps that say when to grow the pipe and when to give it back.  Pure;
 * the relay's byte movers (buf.c) run it.
 */
#ifndef PIPETRIAL_H
#define PIPETRIAL_H

#include <stdbool.h>

/* Where the trial stands. */
enum trial_phase {
	TRIAL_WARM,		/* before the first window, or between trials */
	TRIAL_SMALL,		/* timing the pipe as it came */
	TRIAL_BIG,		/* timing it grown */
	TRIAL_SHRINKING,	/* grown lost: back as soon as it fits */
	TRIAL_DONE,
};

/* What the trial asks of the pipe. */
enum trial_act {
	TRIAL_KEEP,
	TRIAL_GROW,
	TRIAL_SHRINK,
};

struct pipetrial {
	enum trial_phase phase;
	unsigned long long due;		/* bytes moved at the next step */
	unsigned long long start_bytes;	/* ... when this window began */
	unsigned long long small_bytes;	/* the first window's bytes */
	long long start_us;		/* when this window began */
	long long small_us;		/* the first window's time */
	unsigned long long again;	/* bytes before the next trial */
};

void		 pipetrial_init(struct pipetrial *);
bool		 pipetrial_due(const struct pipetrial *, unsigned long long);
enum trial_act	 pipetrial_step(struct pipetrial *, unsigned long long,
		    long long);
void		 pipetrial_again(struct pipetrial *, unsigned long long);
void		 pipetrial_end(struct pipetrial *);

#endif
