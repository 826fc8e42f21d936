/*
 * addr.c: numeric hosts to socket addresses without a resolver, and
 * addresses to the text messages name them by.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <string.h>

#include "tcpdial.h"

#include "tap.h"

static void
family(const char *host, int want)
{
	char name[64];

	snprintf(name, sizeof(name), "addr_family(\"%s\")", host);
	is_int(addr_family(host), want, name);
}

/* addr_literal, then addr_format of what it made ("" when it declined). */
static void
literal(const char *host, const char *port, int fam, const char *name,
    const char *want)
{
	struct sockaddr_storage ss;
	char got[PEER_NAME_MAX], what[96];

	got[0] = '\0';
	if (addr_literal(host, port, fam, &ss))
		addr_format(got, sizeof(got), name, &ss);
	snprintf(what, sizeof(what), "%s port %s, family %d, named %s", host,
	    port, fam, name != NULL ? name : "(none)");
	is_str(got, want, what);
}

static void
port(const char *s, int want)
{
	char name[64];

	snprintf(name, sizeof(name), "addr_port(\"%s\")", s);
	is_int(addr_port(s), want, name);
}

int
main(void)
{
	struct sockaddr_storage ss;

	port("0", 0);
	port("80", 80);
	port("65535", 65535);
	port("00000000000000000080", 80);
	port("65536", -1);
	port("99999999999999999999", -1);
	port("", -1);
	port("+80", -1);
	port(" 80", -1);
	port("80 ", -1);
	port("-1", -1);
	port("http", -1);

	family("127.0.0.1", AF_INET);
	family("::1", AF_INET6);
	family("fe80::1%eth0", AF_INET6);
	family("fe80::1%", AF_UNSPEC);
	family("fe80::1%%eth0", AF_UNSPEC);
	family("fe80::1%eth0%", AF_UNSPEC);
	family("fe80::1%lo:80", AF_UNSPEC);
	family("fe80::1%2", AF_INET6);
	family("::ffff:127.0.0.1", AF_INET6);
	family("localhost", AF_UNSPEC);
	family("127.1", AF_UNSPEC);
	family("1.2.3.4.5", AF_UNSPEC);
	family("", AF_UNSPEC);

	literal("127.0.0.1", "80", AF_UNSPEC, NULL, "127.0.0.1 port 80");
	literal("::1", "9", AF_UNSPEC, NULL, "::1 port 9");
	literal("127.0.0.1", "80", AF_INET6, NULL, "");
	literal("::1", "80", AF_INET, NULL, "");
	literal("127.0.0.1", "0", AF_UNSPEC, NULL, "127.0.0.1");
	literal("127.0.0.1", "65535", AF_INET, NULL, "127.0.0.1 port 65535");
	literal("127.0.0.1", "65536", AF_UNSPEC, NULL, "");
	literal("127.0.0.1", "http", AF_UNSPEC, NULL, "");
	/* Names and a scope are the resolver's. */
	literal("localhost", "80", AF_UNSPEC, NULL, "");
	literal("fe80::1%lo", "80", AF_UNSPEC, NULL, "");
	literal("127.1", "80", AF_UNSPEC, NULL, "");
	/* A name given is shown beside its address, unless it is it. */
	literal("::1", "80", AF_UNSPEC, "localhost", "localhost (::1) port 80");
	literal("127.0.0.1", "80", AF_UNSPEC, "127.0.0.1",
	    "127.0.0.1 port 80");
	literal("127.0.0.1", "0", AF_UNSPEC, "lo4", "lo4 (127.0.0.1)");

	ok(addr_literal("127.0.0.1", "1", AF_UNSPEC, &ss) &&
	    addr_len(&ss) == sizeof(struct sockaddr_in), "addr_len, IPv4");
	ok(addr_literal("::1", "1", AF_UNSPEC, &ss) &&
	    addr_len(&ss) == sizeof(struct sockaddr_in6), "addr_len, IPv6");
	return done();
}
