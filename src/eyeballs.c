/*
 * Happy Eyeballs v2 (RFC 8305 section 4): the order in which a target's
 * addresses are tried, each once.  (When each starts is dialing.c's.)
 * Pure.
 */
#include <sys/socket.h>

#include <string.h>

#include "tcpdial.h"

/*
 * Drop the addresses seen already (glibc answers an IPv4-only lookup of
 * a name on both "::1" and "127.0.0.1" in /etc/hosts with 127.0.0.1
 * twice), keeping the first of each.  Returns how many are left.
 */
size_t
eyeballs_unique(struct sockaddr_storage *addrs, size_t n)
{
	size_t i, j, kept = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < kept; j++)
			if (addrs[j].ss_family == addrs[i].ss_family &&
			    memcmp(&addrs[j], &addrs[i], addr_len(&addrs[i])) ==
			    0)
				break;
		if (j == kept)
			addrs[kept++] = addrs[i];
	}
	return kept;
}

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

