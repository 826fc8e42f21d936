/*
 * sock_diag(7) for one TCP connection (sockdiag.c), for --trace.
 */
#ifndef SOCKDIAG_H
#define SOCKDIAG_H

#include <sys/socket.h>

struct sockdiag {
	int state;		/* netinet/tcp.h: TCP_TIME_WAIT, ... */
	unsigned expires_ms;	/* left on its timer, 0 if none runs */
};

int	 sockdiag_state(const struct sockaddr_storage *,
	    const struct sockaddr_storage *, struct sockdiag *);

#endif
