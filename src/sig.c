/*
 * Signals.  Before the socket exists, SIGINT, SIGTERM and SIGHUP end
 * tcpdial at once with 128+n: nothing is open that needs closing, and a
 * blocking getaddrinfo(3) must not hold them hostage.  From sig_hold()
 * on they only count; they stay blocked except inside ppoll(2), so a
 * signal can never slip in between checking the count and going to
 * sleep.  SIGPIPE and SIGXFSZ are ignored: a closed stdout or socket
 * shows up as EPIPE, a file-size limit as EFBIG, each with its own exit
 * status.
 */
#include <signal.h>
#include <stddef.h>
#include <unistd.h>

#include "tcpdial.h"

/*
 * The same signal again within this long is one signal: coreutils
 * timeout(1) signals both its child and its process group.
 */
#define SIG_TWIN_MS 100

static const int ending[] = { SIGINT, SIGTERM, SIGHUP };

static volatile sig_atomic_t holding;
static volatile sig_atomic_t first_signo, last_signo;
static volatile sig_atomic_t signal_count;
static volatile long long last_ms;
static sigset_t poll_mask;
static sigset_t held;			/* the ending signals */
static sigset_t start_mask;		/* as we were started */
/* Each signal's disposition as we were started, for an exec. */
static struct sigaction start_pipe, start_xfsz, start_ending[3];

static void
on_signal(int signo)
{
	long long now;

	if (!holding)
		_exit(TD_SIGNAL_BASE + signo);
	/* clock_gettime is async-signal-safe (signal-safety(7)). */
	now = clock_now_ms();
	if (signo == last_signo && now - last_ms < SIG_TWIN_MS)
		return;
	last_signo = signo;
	last_ms = now;
	if (first_signo == 0)
		first_signo = signo;
	signal_count++;
}

/*
 * Install the handlers: until sig_hold(), a signal ends tcpdial at once.
 * An ending signal ignored by whoever started us stays ignored.
 */
void
sig_init(void)
{
	struct sigaction sa = { 0 };
	size_t i;

	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &start_pipe);
	sigaction(SIGXFSZ, &sa, &start_xfsz);
	sa.sa_handler = on_signal;
	/* One handler at a time: they share the count and the first. */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
		sigaddset(&sa.sa_mask, ending[i]);
	/*
	 * Keep what was there, and stay out of the way of an ignored one:
	 * nohup(1)'s SIGHUP, a shell's SIGINT for a job it runs in the
	 * background, a script's trap ''.
	 */
	for (i = 0; i < sizeof(ending) / sizeof(ending[0]); i++) {
		if (sigaction(ending[i], NULL, &start_ending[i]) == -1 ||
		    start_ending[i].sa_handler == SIG_IGN)
			continue;
		sigaction(ending[i], &sa, NULL);
	}
}

/*
 * From now on (a socket is about to exist) the ending signals only
 * count, and are let through only inside ppoll(2) under sig_pollmask().
 */
void
sig_hold(void)
{
	sigset_t block;
	size_t i;

	if (holding)
		return;	/* a second time would save a blocked mask */
	sigemptyset(&block);
	for (i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
		sigaddset(&block, ending[i]);
	sigprocmask(SIG_BLOCK, &block, &poll_mask);
	held = block;
	start_mask = poll_mask;
	for (i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
		sigdelset(&poll_mask, ending[i]);
	holding = 1;
}

/*
 * After a ppoll(2) that found work ready: Linux then puts the mask back
 * without running the handler of a signal that came meanwhile, so a
 * loop always busy (--interval 0: a refused connect ready every turn)
 * would keep it pending for ever.  Let it in now, so that it counts.
 * The connector's loop only: the relay sleeps between its moves.
 */
void
sig_take_pending(void)
{
	static const struct timespec zero = { 0, 0 };
	int signo;

	/* Taken from the queue, it is counted as the handler would. */
	while (holding && (signo = sigtimedwait(&held, NULL, &zero)) > 0)
		on_signal(signo);
}

/* The signal mask to wait under: the ending signals let through. */
const sigset_t *
sig_pollmask(void)
{
	return &poll_mask;
}

/* The first ending signal received (its number sets the status), or 0. */
int
sig_first(void)
{
	return first_signo;
}

/* How many ending signals have arrived so far, twins counted once. */
int
sig_count(void)
{
	return signal_count;
}

/*
 * Before exec: the signal mask and every disposition we changed, as we
 * were started, so the command gets them as its caller meant.
 */
void
sig_restore(void)
{
	size_t i;

	sigaction(SIGPIPE, &start_pipe, NULL);
	sigaction(SIGXFSZ, &start_xfsz, NULL);
	/* A signal pending now acts as it would on the command. */
	for (i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
		sigaction(ending[i], &start_ending[i], NULL);
	sigprocmask(SIG_SETMASK, &start_mask, NULL);
}
