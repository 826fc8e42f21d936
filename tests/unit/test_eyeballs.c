/*
 * eyeballs.c: the order in which a target's addresses are tried (RFC
 * 8305 section 4): families interleaved, starting with the first one's,
 * each family in the resolver's order.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <string.h>

#include "tcpdial.h"

#include "tap.h"

/*
 * Fill addrs from a pattern such as "66644": a family per letter, each
 * address's port its position in the resolver's answer.
 */
static size_t
make(const char *pattern, struct sockaddr_storage *addrs)
{
	size_t i, n = strlen(pattern);

	memset(addrs, 0, n * sizeof(*addrs));
	for (i = 0; i < n; i++) {
		addrs[i].ss_family = pattern[i] == '6' ? AF_INET6 : AF_INET;
		if (pattern[i] == '6')
			((struct sockaddr_in6 *)&addrs[i])->sin6_port =
			    htons((uint16_t)i);
		else
			((struct sockaddr_in *)&addrs[i])->sin_port =
			    htons((uint16_t)i);
	}
	return n;
}

/* The order as "6:0 4:3 ...": family and position in the answer. */
static const char *
show(const struct sockaddr_storage *addrs, size_t n)
{
	static char buf[256];
	size_t i, len = 0;
	int port;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		port = ntohs(addrs[i].ss_family == AF_INET6 ?
		    ((const struct sockaddr_in6 *)&addrs[i])->sin6_port :
		    ((const struct sockaddr_in *)&addrs[i])->sin_port);
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%c:%d",
		    i > 0 ? " " : "", addrs[i].ss_family == AF_INET6 ? '6' :
		    '4', port);
	}
	return buf;
}

static void
check(const char *pattern, const char *want)
{
	struct sockaddr_storage addrs[ATTEMPTS_MAX];
	size_t n;

	n = make(pattern, addrs);
	eyeballs_order(addrs, n);
	is_str(show(addrs, n), want, pattern[0] != '\0' ? pattern : "none");
}

/* Twins are dropped, the first of each kept, the order otherwise kept. */
static void
check_unique(void)
{
	struct sockaddr_storage addrs[ATTEMPTS_MAX];
	size_t n;

	n = make("46464", addrs);
	/* 0 = 2 (both 4:0), 1 = 3 (both 6:1); 4 stays. */
	((struct sockaddr_in *)&addrs[2])->sin_port = htons(0);
	((struct sockaddr_in6 *)&addrs[3])->sin6_port = htons(1);
	n = eyeballs_unique(addrs, n);
	is_str(show(addrs, n), "4:0 6:1 4:4", "unique: twins dropped");
	n = make("4646", addrs);
	is_int((long long)eyeballs_unique(addrs, n), 4, "unique: none alike");
	is_int((long long)eyeballs_unique(addrs, 0), 0, "unique: none");
}

int
main(void)
{
	check_unique();
	check("", "");
	check("6", "6:0");
	check("4", "4:0");
	check("64", "6:0 4:1");
	check("46", "4:0 6:1");
	/* The first family leads, whichever it is. */
	check("466", "4:0 6:1 6:2");
	check("446", "4:0 6:2 4:1");
	check("66644", "6:0 4:3 6:1 4:4 6:2");
	check("44666", "4:0 6:2 4:1 6:3 6:4");
	/* One family only: the resolver's order, untouched. */
	check("4444", "4:0 4:1 4:2 4:3");
	check("666", "6:0 6:1 6:2");
	/* Already alternating: unchanged. */
	check("6464", "6:0 4:1 6:2 4:3");
	check("6644664", "6:0 4:2 6:1 4:3 6:4 4:6 6:5");
	return done();
}
