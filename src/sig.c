/*
 * Signals.  SIGINT and SIGTERM only set a flag; they stay blocked except
 * inside ppoll(2), so a signal can never slip in between checking the
 * flag and going to sleep.  SIGPIPE is ignored: a closed stdout or socket
 * shows up as EPIPE and gets its own exit status.
 */
#include <signal.h>
#include <stddef.h>

#include "tcpdial.h"

static volatile sig_atomic_t last_signo;
static volatile sig_atomic_t signal_count;
static sigset_t poll_mask;

static void
on_signal(int signo)
{
	last_signo = signo;
	signal_count++;
}

/* Install the handlers and block SIGINT/SIGTERM outside sig_pollmask(). */
void
sig_init(void)
{
	struct sigaction sa = { 0 };
	sigset_t block;

	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &poll_mask);
	sigdelset(&poll_mask, SIGINT);
	sigdelset(&poll_mask, SIGTERM);
}

/* The signal mask to wait under: SIGINT and SIGTERM let through. */
const sigset_t *
sig_pollmask(void)
{
	return &poll_mask;
}

/* The latest SIGINT/SIGTERM received, or 0. */
int
sig_last(void)
{
	return last_signo;
}

/* How many SIGINT/SIGTERM have arrived so far. */
int
sig_count(void)
{
	return signal_count;
}
