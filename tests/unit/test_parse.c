/*
 * Unit tests of src/parse.c: durations, ports and hosts, the strings a
 * user types, against the values and error phrases tcpdial(1) promises.
 */
#include <sys/socket.h>

#include <limits.h>
#include <stdio.h>

#include "tcpdial.h"

#include "tap.h"

/* A DURATION and what parse_duration() makes of it. */
static const struct {
	const char *in;
	long long ms;		/* -1: an error */
	const char *errstr;	/* the error's phrase */
} durations[] = {
	{ "500ms", 500, NULL },
	{ "1.5", 1500, NULL },
	{ "2s", 2000, NULL },
	{ "1m", 60000, NULL },
	{ "0", 0, NULL },
	{ "0ms", 0, NULL },
	{ ".5", 500, NULL },
	{ "2.", 2000, NULL },
	{ "00000000002", 2000, NULL },
	/* A non-zero duration never rounds down to 0, or to less. */
	{ "0.0001", 1, NULL },
	{ "0.0001s", 1, NULL },
	{ "0.5ms", 1, NULL },
	{ "1.0001", 1001, NULL },
	{ "0.00000000000000000000001m", 1, NULL },
	{ "2147483.647", INT_MAX, NULL },
	{ "2147483647ms", INT_MAX, NULL },
	{ "2147483.6471", -1, "duration too large" },
	{ "2147483648ms", -1, "duration too large" },
	{ "99999999999", -1, "duration too large" },
	{ "3000000m", -1, "duration too large" },
	{ "99999999999999999999999999999", -1, "duration too large" },
	{ "5x", -1, "invalid duration" },
	{ "1e9999", -1, "invalid duration" },
	{ "-1", -1, "invalid duration" },
	{ "+1", -1, "invalid duration" },
	{ " 1", -1, "invalid duration" },
	{ "1 ", -1, "invalid duration" },
	{ ".", -1, "invalid duration" },
	{ "ms", -1, "invalid duration" },
	{ "1.5.5", -1, "invalid duration" },
	{ "10h", -1, "invalid duration" },
	{ "1S", -1, "invalid duration" },
	{ "", -1, "empty duration" },
};

/* A PORT and what parse_port() makes of it. */
static const struct {
	const char *in;
	int port;		/* -1: an error */
	const char *errstr;
} ports[] = {
	{ "1", 1, NULL },
	{ "65535", 65535, NULL },
	{ "080", 80, NULL },
	{ "00000000000000000080", 80, NULL },
	{ "http", 80, NULL },
	{ "ssh", 22, NULL },
	{ "0", -1, "port out of range" },
	{ "65536", -1, "port out of range" },
	{ "99999999999999999999", -1, "port out of range" },
	{ "+80", -1, "invalid port" },
	{ " 80", -1, "invalid port" },
	{ "80 ", -1, "invalid port" },
	{ "1:2", -1, "invalid port" },
	{ "-1", -1, "invalid port or unknown service" },
	{ "1-100", -1, "invalid port or unknown service" },
	{ "80x", -1, "invalid port or unknown service" },
	{ "nosuchservice", -1, "invalid port or unknown service" },
	{ "", -1, "empty port" },
};

/* A HOST and what parse_host() makes of it. */
static const struct {
	const char *in;
	int family;		/* -1: an error */
	const char *errstr;
} hosts[] = {
	{ "127.0.0.1", AF_INET, NULL },
	{ "::1", AF_INET6, NULL },
	{ "fe80::1%eth0", AF_INET6, NULL },
	{ "::ffff:127.0.0.1", AF_INET6, NULL },
	{ "localhost", AF_UNSPEC, NULL },
	{ "db-1.example_x", AF_UNSPEC, NULL },
	{ "DB-1.Example.ORG", AF_UNSPEC, NULL },
	/* The neighbours of the letters and digits in ASCII. */
	{ "a@b", -1, "invalid" },
	{ "a[b", -1, "invalid" },
	{ "a`b", -1, "invalid" },
	{ "a{b", -1, "invalid" },
	{ "a/b9", -1, "invalid" },
	{ "a;b", -1, "invalid" },
	{ "b\xc3\xbc" "cher.example", AF_UNSPEC, NULL },
	/*
	 * A number for the last label: an address, in inet_aton's short
	 * forms the resolver's to read, else invalid (no name ends so).
	 */
	{ "1.2.3", AF_UNSPEC, NULL },
	{ "127.1", AF_UNSPEC, NULL },
	{ "2130706433", AF_UNSPEC, NULL },
	{ "0x7f.1", AF_UNSPEC, NULL },
	{ "999.1.1.1", -1, "invalid" },
	{ "1.2.3.4.5", -1, "invalid" },
	{ "1.2.3.4.", -1, "invalid" },
	/* One label alone may be a local name (a container's id). */
	{ "4294967296", AF_UNSPEC, NULL },
	{ "123456789012", AF_UNSPEC, NULL },
	{ "4294967296.", AF_UNSPEC, NULL },
	{ "1.4294967296", -1, "invalid" },
	{ "db.1", -1, "invalid" },
	{ "db1", AF_UNSPEC, NULL },
	{ "1.db", AF_UNSPEC, NULL },
	{ "1x.2", -1, "invalid" },
	{ ".", AF_UNSPEC, NULL },
	{ "", -1, "empty" },
	{ "bad host", -1, "invalid" },
	{ "a/b", -1, "invalid" },
	{ "localhost:80", -1, "invalid" },
	{ "localhost%lo", -1, "invalid" },
	{ "127.0.0.1%lo", -1, "invalid" },
	{ "[::1]", -1, "invalid" },
	/* ':' and '%' alone, first, last, and beside a byte from 0x80 up. */
	{ ":", -1, "invalid" },
	{ "%", -1, "invalid" },
	{ "%lo", -1, "invalid" },
	{ "host:", -1, "invalid" },
	{ "b\xc3\xbc:80", -1, "invalid" },
	/* A scope is one word: not empty, no second '%'. */
	{ "fe80::1%", -1, "invalid" },
	{ "fe80::1%%lo", -1, "invalid" },
	{ "fe80::1%lo:80", -1, "invalid" },
};

static void
test_durations(void)
{
	char name[64];
	const char *errstr;
	long long ms;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(durations) / sizeof(durations[0]); i++) {
		errstr = NULL;
		ms = -42;
		rc = parse_duration(durations[i].in, &ms, &errstr);
		if (durations[i].ms >= 0) {
			ok(rc == 0 && ms == durations[i].ms &&
			    errstr == NULL, "duration '%s' is %lld ms",
			    durations[i].in, durations[i].ms);
			if (rc != 0 || ms != durations[i].ms)
				printf("#   got: %d, %lld ms, %s\n", rc, ms,
				    errstr != NULL ? errstr : "no error");
			continue;
		}
		ok(rc == -1 && ms == -42, "duration '%s' is an error, *ms "
		    "untouched", durations[i].in);
		snprintf(name, sizeof(name), "duration '%s': error phrase",
		    durations[i].in);
		is_str(errstr, durations[i].errstr, name);
	}
}

static void
test_ports(void)
{
	char name[64];
	const char *errstr;
	size_t i;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		errstr = NULL;
		snprintf(name, sizeof(name), "port '%s'", ports[i].in);
		is_int(parse_port(ports[i].in, &errstr), ports[i].port, name);
		snprintf(name, sizeof(name), "port '%s': error phrase",
		    ports[i].in);
		is_str(errstr, ports[i].errstr, name);
	}
}

static void
test_port_string(void)
{
	static const int in[] = { 1, 9, 10, 80, 65535 };
	static const char *const want[] = { "1", "9", "10", "80", "65535" };
	char out[PORT_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		memset(out, 'x', sizeof(out));
		port_string(in[i], out);
		is_str(out, want[i], "port_string");
	}
}

static void
test_hosts(void)
{
	char name[64];
	const char *errstr;
	size_t i;

	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		errstr = NULL;
		snprintf(name, sizeof(name), "host '%s'", hosts[i].in);
		is_int(parse_host(hosts[i].in, &errstr), hosts[i].family,
		    name);
		snprintf(name, sizeof(name), "host '%s': error phrase",
		    hosts[i].in);
		is_str(errstr, hosts[i].errstr, name);
	}
}

/* A --send/--expect STRING and its bytes (len -1: an error). */
static const struct {
	const char *in;
	const char *out;
	int len;
	const char *errstr;
} escapes[] = {
	{ "PING\\r\\n", "PING\r\n", 6, NULL },
	{ "+PONG", "+PONG", 5, NULL },
	{ "a\\tb", "a\tb", 3, NULL },
	{ "\\\\", "\\", 1, NULL },
	/* Binary-safe: a NUL is a byte like any other. */
	{ "a\\0b", "a\0b", 3, NULL },
	{ "\\x00\\xff", "\0\xff", 2, NULL },
	{ "\\x41B", "AB", 2, NULL },
	/* One hex digit is enough; a third is a plain character. */
	{ "\\x7", "\x07", 1, NULL },
	{ "\\x414", "A4", 2, NULL },
	{ "\\xAbc", "\xab" "c", 2, NULL },
	{ "", NULL, -1, "empty string" },
	{ "\\", NULL, -1, "invalid escape" },
	{ "ab\\", NULL, -1, "invalid escape" },
	{ "\\q", NULL, -1, "invalid escape" },
	{ "\\x", NULL, -1, "invalid escape" },
	{ "\\xg1", NULL, -1, "invalid escape" },
	{ "\\R", NULL, -1, "invalid escape" },
};

static void
test_escapes(void)
{
	char out[64], name[80];
	const char *errstr;
	size_t i, len;
	int rc;

	for (i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		errstr = NULL;
		len = 0;
		memset(out, 'x', sizeof(out));
		rc = parse_escapes(escapes[i].in, out, &len, &errstr);
		snprintf(name, sizeof(name), "escapes '%s'", escapes[i].in);
		if (escapes[i].len == -1) {
			is_int(rc, -1, name);
			is_str(errstr, escapes[i].errstr, name);
			continue;
		}
		is_int(rc, 0, name);
		is_int((long long)len, escapes[i].len, name);
		ok(memcmp(out, escapes[i].out, len) == 0, "%s: bytes", name);
	}
}

int
main(void)
{
	test_durations();
	test_ports();
	test_port_string();
	test_hosts();
	test_escapes();
	return done();
}
