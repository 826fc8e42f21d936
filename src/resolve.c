/*
 * Name lookups off the main thread (SPEC 3.1).  getaddrinfo(3) may block
 * for as long as a dead name server makes it; here it runs in a thread
 * of its own, and the caller waits on a pipe in its ppoll(2) beside
 * everything else, so that -w, -m and signals keep their time.  NSS is
 * kept (hosts files, mDNS, whatever nsswitch.conf says): this wraps the
 * system's resolver rather than replacing it.
 *
 * The pipe belongs to the main thread alone.  The lookup thread writes
 * its one byte only if it finishes before the lookup was abandoned (a
 * compare-and-swap decides which came first), so the main thread may
 * close both ends at once when it abandons a lookup still running.  The
 * record itself is freed by whichever of the two lets go last.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcpdial.h"

enum { LK_RUNNING, LK_DONE, LK_ABANDONED };

struct lookup {
	atomic_int state;
	atomic_int refs;
	int pipe[2];		/* [0]: the main thread polls it */
	char *host, *port;	/* copies: the thread may outlive them */
	struct addrinfo hints;
	struct addrinfo *res;
	int rc;			/* getaddrinfo's return */
	int err;		/* errno, for EAI_SYSTEM */
};

static void
lookup_unref(struct lookup *lk)
{
	if (atomic_fetch_sub(&lk->refs, 1) != 1)
		return;
	if (lk->res != NULL)
		freeaddrinfo(lk->res);
	free(lk->host);
	free(lk->port);
	free(lk);
}

static void *
lookup_thread(void *arg)
{
	struct lookup *lk = arg;
	int running = LK_RUNNING;

	lk->rc = getaddrinfo(lk->host, lk->port, &lk->hints, &lk->res);
	lk->err = errno;
	/* A pipe just made has room for its one byte: this cannot fail. */
	if (atomic_compare_exchange_strong(&lk->state, &running, LK_DONE) &&
	    write(lk->pipe[1], "", 1) == -1)
		lk->err = errno;
	lookup_unref(lk);
	return NULL;
}

static bool
has_non_ascii(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

/* The thread, with every signal blocked: they are the main thread's. */
static int
start_thread(struct lookup *lk)
{
	sigset_t all, old;
	pthread_t tid;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&tid, NULL, lookup_thread, lk);
	if (rc == 0)
		pthread_detach(tid);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/*
 * Start looking up host and port (passive: a local address to bind) as
 * o says (-4/-6/-n).  Returns the lookup, whose resolve_fd() becomes
 * readable when it is done, or NULL with errno set.
 */
struct lookup *
resolve_start(const char *host, const char *port, const struct options *o,
    bool passive)
{
	struct lookup *lk;
	int rc;

	if ((lk = calloc(1, sizeof(*lk))) == NULL)
		return NULL;
	lk->pipe[0] = lk->pipe[1] = -1;
	if ((host != NULL && (lk->host = strdup(host)) == NULL) ||
	    (port != NULL && (lk->port = strdup(port)) == NULL) ||
	    pipe2(lk->pipe, O_CLOEXEC | O_NONBLOCK) == -1) {
		free(lk->host);
		free(lk->port);
		free(lk);
		return NULL;
	}
	lk->hints.ai_family = o->family;
	lk->hints.ai_socktype = SOCK_STREAM;
	lk->hints.ai_protocol = IPPROTO_TCP;
	lk->hints.ai_flags = AI_NUMERICSERV | AI_IDN |
	    (o->numeric ? AI_NUMERICHOST : 0) | (passive ? AI_PASSIVE : 0);
	atomic_init(&lk->state, LK_RUNNING);
	atomic_init(&lk->refs, 2);
	if ((rc = start_thread(lk)) != 0) {
		close(lk->pipe[0]);
		close(lk->pipe[1]);
		atomic_init(&lk->refs, 1);
		lookup_unref(lk);
		errno = rc;
		return NULL;
	}
	return lk;
}

/* The descriptor to poll for POLLIN: readable once the lookup is done. */
int
resolve_fd(const struct lookup *lk)
{
	return lk->pipe[0];
}

/*
 * A finished lookup's result (call once resolve_fd() is readable): the
 * addresses in *res (the caller frees them with freeaddrinfo) and 0, or
 * getaddrinfo's error (errno set for EAI_SYSTEM).  The lookup is gone
 * afterwards.
 */
int
resolve_finish(struct lookup *lk, struct addrinfo **res)
{
	char byte;
	int rc;

	/* The byte orders the thread's writes before our reads. */
	while (read(lk->pipe[0], &byte, 1) == -1 && errno == EINTR)
		;
	rc = lk->rc;
	*res = lk->res;
	lk->res = NULL;
	errno = lk->err;
	close(lk->pipe[0]);
	close(lk->pipe[1]);
	lookup_unref(lk);
	return rc;
}

/*
 * Let go of a lookup that may still be running: its thread finishes on
 * its own and frees what is left.  Nothing is left open here.
 */
void
resolve_abandon(struct lookup *lk)
{
	struct pollfd pfd = { .fd = lk->pipe[0], .events = POLLIN };
	int running = LK_RUNNING;

	/* Done already: its byte is written, or about to be; wait for it. */
	if (!atomic_compare_exchange_strong(&lk->state, &running,
	    LK_ABANDONED))
		while (ppoll(&pfd, 1, NULL, NULL) == -1 && errno == EINTR)
			;
	close(lk->pipe[0]);
	close(lk->pipe[1]);
	lookup_unref(lk);
}

/*
 * AI_IDN reads a name in the locale's charset (UTF-8, say): take the
 * locale from the environment when some host to look up is not ASCII.
 * Before any lookup thread exists: setlocale(3) is not thread-safe.
 */
void
resolve_locale(const struct options *o)
{
	size_t i;
	bool idn = has_non_ascii(o->source);

	for (i = 0; i < o->ntargets; i++)
		idn = idn || has_non_ascii(o->targets[i].host);
	if (idn)
		setlocale(LC_CTYPE, "");
}
