/*
 * Happy Eyeballs v2 (RFC 8305 section 4): the order in which a target's
 * addresses are tried.  (When each starts is dialing.c's.)  Pure.
 */
#include <sys/socket.h>

#include <string.h>

#include "tcpdial.h"

/*
 * Reorder the n attempts' addresses, given in the resolver's order (its
 * RFC 6724 preference), so that the families alternate, starting with
 * the family of the first: v6 v6 v6 v4 v4 becomes v6 v4 v6 v4 v6.
 * Within a family the resolver's order is kept.
 */
void
eyeballs_order(struct sockaddr_storage *addrs, size_t n)
{
	struct sockaddr_storage tmp;
	size_t i, j;
	int want;

	for (i = 1; i < n; i++) {
		/* Slot i wants the family slot i-1 does not have. */
		want = addrs[i - 1].ss_family == AF_INET6 ? AF_INET : AF_INET6;
		for (j = i; j < n && addrs[j].ss_family != want; j++)
			;
		if (j == n)
			break;	/* one family left: keep its order */
		tmp = addrs[j];
		memmove(&addrs[i + 1], &addrs[i], (j - i) * sizeof(addrs[0]));
		addrs[i] = tmp;
	}
}

