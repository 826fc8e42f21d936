/*
 * Socket addresses: a numeric host to a sockaddr without a resolver,
 * and a sockaddr to the text messages name it by.  Pure: no I/O.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "tcpdial.h"

/*
 * AF_INET or AF_INET6 when s is a numeric address, else AF_UNSPEC.  An
 * IPv6 scope ("fe80::1%eth0") is allowed: it is for getaddrinfo, and
 * inet_pton wants none.  A scope is one word, an interface's name or
 * number: "fe80::1%", "fe80::1%%eth0" and "fe80::1%lo:80" are no address
 * (so a usage error, not a lookup that would read "lo:80" as "lo").
 */
int
addr_family(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];
	char v6[INET6_ADDRSTRLEN + 1];
	size_t n;

	if (inet_pton(AF_INET, s, buf) == 1)
		return AF_INET;
	n = strcspn(s, "%");
	if (n >= sizeof(v6) || (s[n] == '%' && (s[n + 1] == '\0' ||
	    s[n + 1 + strcspn(s + n + 1, "%:")] != '\0')))
		return AF_UNSPEC;
	memcpy(v6, s, n);
	v6[n] = '\0';
	if (inet_pton(AF_INET6, v6, buf) == 1)
		return AF_INET6;
	return AF_UNSPEC;
}

/*
 * PORT's number when it is all decimal digits, 0 to 65535; else -1.
 * Counted here, not by strtonum: that would also take " 80" or "+80",
 * and its strtoll reads ctype's locale table, one more fault-around
 * window of libc in a probe's peak RSS.
 */
int
addr_port(const char *port)
{
	const char *p;
	long n = 0;

	for (p = port; *p >= '0' && *p <= '9'; p++)
		if (n <= 65535)
			n = n * 10 + (*p - '0');
	return p != port && *p == '\0' && n <= 65535 ? (int)n : -1;
}

/*
 * A numeric host of the family asked for (AF_UNSPEC: either) with a
 * decimal port (0 for a bind: the kernel picks): fill *ss as getaddrinfo
 * would and return true.  Anything else (a name, "127.1", a scope id)
 * is the resolver's: false.  A probe of an address so pays for no
 * resolver, no thread and no heap.
 */
bool
addr_literal(const char *host, const char *port, int family,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	int n;

	memset(ss, 0, sizeof(*ss));
	if ((n = addr_port(port)) == -1)
		return false;
	if (family != AF_INET6 &&
	    inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)n);
	} else if (family != AF_INET &&
	    inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)n);
	} else
		return false;
	return true;
}

/* The length connect(2) and bind(2) want for an address of sa's family. */
socklen_t
addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
}

/*
 * The numeric address of ss into host ("?" if it has none); returns its
 * port.  inet_ntop, not getnameinfo: a probe pays for every page
 * touched, and only a failure, -v or --json formats at all.
 */
int
addr_numeric(char host[INET6_ADDRSTRLEN], const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	const void *addr;

	addr = ss->ss_family == AF_INET6 ? (const void *)&sin6->sin6_addr :
	    (const void *)&sin->sin_addr;
	if (inet_ntop(ss->ss_family, addr, host, INET6_ADDRSTRLEN) == NULL)
		strlcpy(host, "?", INET6_ADDRSTRLEN);
	return ntohs(ss->ss_family == AF_INET6 ? sin6->sin6_port :
	    sin->sin_port);
}

/*
 * "127.0.0.1 port 80", or "localhost (::1) port 80" when name (which may
 * be NULL) is not the address itself; no port for port 0 (a bind the
 * kernel picks the port of).
 */
void
addr_format(char *buf, size_t len, const char *name,
    const struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN];
	int port;

	port = addr_numeric(host, ss);
	if (name == NULL || strcmp(name, host) == 0)
		snprintf(buf, len, port != 0 ? "%s port %d" : "%s", host, port);
	else
		snprintf(buf, len, port != 0 ? "%s (%s) port %d" : "%s (%s)",
		    name, host, port);
}
