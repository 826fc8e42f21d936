/*
 * Inside the connector (connector.c, dialing.c, dialing_time.c,
 * tries.c): the state of the connect phase under way.  Its record, the
 * session, is tcpdial.h's; drivers see only connector_run().
 */
#ifndef CONNECTOR_H
#define CONNECTOR_H

#include "tcpdial.h"

/* Lookups running at once, however many targets there are. */
#define LOOKUPS_MAX 8

/* Poll slots a single target needs: a lookup, the source's, attempts. */
#define SLOTS_LOCAL (ATTEMPTS_MAX + 2)

enum phase {
	PH_QUEUED,		/* its lookup waits for a free thread */
	PH_RESOLVING,
	PH_CONNECTING,
	PH_CHECKING,		/* connected: --send/--expect under way */
	PH_PAUSED,		/* --wait: failed, the next try is due later */
	PH_DONE,
};

/* One target's connect phase under way. */
struct dialing {
	struct session *s;	/* the record */
	struct lookup *lk;	/* while resolving */
	enum phase phase;
	size_t next;		/* the next attempt to start */
	long long next_ms;	/* when it is due */
	int running;		/* attempts in flight */
	int last_code;		/* of the attempt that ended last */
	long long deadline;	/* the phase's: -w, --expect-timeout, --wait */
	long long retry_ms;	/* PH_PAUSED: when the next try starts */
};

/*
 * What one poll slot stands for: attempt a, or with a NULL d's lookup
 * (PH_RESOLVING) or its check (PH_CHECKING).
 */
struct slot {
	struct dialing *d;	/* NULL: the source's lookup */
	struct attempt *a;
};

struct connector {
	const struct options *o;
	won_fn *won_fn;		/* NULL: the caller takes s->fd */
	struct dialing *d;
	size_t n;
	struct source src;	/* -s/-p */
	long long deadline;	/* -w from the start, -m */
	int lookups;		/* running */
	int sockets;		/* attempts in flight */
	int sockets_max;
	size_t left;		/* targets not done */
	int won;		/* targets connected */
	bool stop;		/* --any: one succeeded, the rest go */
	bool cut;		/* the phase ended (signal, failure) */
	size_t cap;		/* poll slots */
	struct pollfd *pfd;
	struct slot *slot;
	struct pollfd local_pfd[SLOTS_LOCAL];
	struct slot local_slot[SLOTS_LOCAL];
	struct dialing local_d[1];	/* one target needs no heap */
};

/* dialing.c */
bool		 dialing_literal(const struct connector *, struct dialing *,
		    long long);
void		 dialing_start(struct connector *, struct dialing *, long long);
void		 dialing_resolved(struct connector *, struct dialing *,
		    long long);
void		 dialing_abandon(struct connector *, struct dialing *,
		    long long);
void		 dialing_won(struct connector *, struct dialing *,
		    struct attempt *, long long);
void		 dialing_failed(struct connector *, struct dialing *,
		    struct attempt *, int, int, long long);
void		 dialing_due(struct connector *, long long);

/* dialing_time.c */
void		 dialing_check(struct connector *, struct dialing *, short,
		    long long);
void		 dialing_time_out(struct connector *, struct dialing *,
		    long long);

/* tries.c */
long long	 dialing_try_deadline(const struct connector *, long long);
void		 dialing_end(struct connector *, struct dialing *, int,
		    long long);
void		 dialing_try_over(struct connector *, struct dialing *, int,
		    long long);

#endif
