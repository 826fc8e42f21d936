/*
 * String to value: durations, ports and host names (target.c splits the
 * operands into them).  Pure functions: no I/O, no exit.  Each returns 0,
 * or -1 with *errstr set to a short phrase that the caller (options.c,
 * target.c) puts in front of the offending argument.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "tcpdial.h"

/*
 * ASCII classes, without ctype(3): its locale table is one more
 * fault-around window of libc in a probe's peak RSS (see port_string()).
 */
static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(int c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* Each duration unit in milliseconds. */
static const struct {
	const char *name;
	long long ms;
} units[] = {
	{ "ms", 1 },
	{ "s", 1000 },
	{ "m", 60000 },
	{ "", 1000 },
};

static long long
unit_ms(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(s, units[i].name) == 0)
			return units[i].ms;
	return -1;
}

/*
 * The fraction 0.DIGITS (n digits) times scale, rounded up: long
 * multiplication from the last digit, exact however many digits there are.
 */
static long long
frac_ms(const char *digits, size_t n, long long scale)
{
	long long carry = 0, v;
	bool rest = false;

	while (n-- > 0) {
		v = (digits[n] - '0') * scale + carry;
		rest = rest || v % 10 != 0;
		carry = v / 10;
	}
	return carry + rest;
}

/*
 * Parse DURATION: a non-negative decimal with an optional unit (ms, s,
 * m; seconds when none).  Stores milliseconds in *ms, rounded up so that
 * a non-zero duration never becomes 0.  Returns -1 and sets *errstr for
 * an empty, malformed or out-of-range value (more than INT_MAX ms).
 */
int
parse_duration(const char *s, long long *ms, const char **errstr)
{
	long long whole = 0, scale, total;
	const char *p = s, *frac = p;
	size_t nwhole = 0, nfrac = 0;
	bool huge = false;

	if (*s == '\0')
		return *errstr = "empty duration", -1;
	/* Past 10^10 the value is out of range whatever the unit. */
	for (; is_digit(*p); p++, nwhole++) {
		whole = whole * 10 + (*p - '0');
		huge = huge || whole > 10000000000LL;
		if (huge)
			whole = 0;
	}
	if (*p == '.') {
		for (frac = ++p; is_digit(*p); p++)
			nfrac++;
	}
	if (nwhole + nfrac == 0 || (scale = unit_ms(p)) == -1)
		return *errstr = "invalid duration", -1;
	if (huge)
		return *errstr = "duration too large", -1;
	total = whole * scale + frac_ms(frac, nfrac, scale);
	if (total > INT_MAX)
		return *errstr = "duration too large", -1;
	*ms = total;
	return 0;
}

/*
 * Parse PORT: a decimal number from 1 to 65535, or a TCP service name
 * from the services database (a file lookup, no network traffic).
 * Returns the port number, or -1 with *errstr set.
 */
int
parse_port(const char *s, const char **errstr)
{
	const char *p;
	struct servent *se;
	int n;

	if (*s == '\0')
		return *errstr = "empty port", -1;
	for (p = s; is_digit(*p); p++)
		;
	if (*p == '\0') {
		if ((n = addr_port(s)) < 1)
			return *errstr = "port out of range", -1;
		return n;
	}
	for (p = s; *p != '\0'; p++)
		if (!is_digit(*p) && !is_alpha(*p) && *p != '-' && *p != '_')
			return *errstr = "invalid port", -1;
	se = getservbyname(s, "tcp");
	endservent();
	if (se == NULL)
		return *errstr = "invalid port or unknown service", -1;
	return ntohs((unsigned short)se->s_port);
}

/*
 * Write port (0..65535) in decimal to out, NUL-terminated.  Not
 * snprintf: a probe's success path formats nothing else, and printf's
 * code is four more fault-around windows of libc in its peak RSS.
 */
void
port_string(int port, char out[PORT_STRLEN])
{
	char tmp[PORT_STRLEN], *p = tmp + sizeof(tmp);

	*--p = '\0';
	do
		*--p = (char)('0' + port % 10);
	while ((port /= 10) > 0 && p > tmp);
	memcpy(out, p, (size_t)(tmp + sizeof(tmp) - p));
}

/*
 * Whether s has two labels or more and its last, a trailing dot aside,
 * is all digits.  No domain name's top label is (RFC 1123 2.1, RFC 3696
 * 2): s can only be an address.  One label alone may be a local name
 * (a container's hostname, its id in hex, can be all digits).
 */
static bool
numeric_tld(const char *s)
{
	const char *end = s + strlen(s), *p;

	if (end > s && end[-1] == '.')
		end--;
	p = end;
	while (p > s && is_digit((unsigned char)p[-1]))
		p--;
	return p < end && p > s && p[-1] == '.';
}

/*
 * Check HOST: a name (letters, digits, '-', '_', '.', and bytes from 0x80
 * up, which the resolver turns into an IDN name), an IPv4 address, or an
 * IPv6 address with an optional %scope.  Only an IPv6 address may hold
 * ':' or '%': "localhost:80" is a target, not a host.  A dotted host
 * whose last label is a number is an IPv4 address in one of the forms
 * the resolver reads as one (inet_aton(3): "127.1" too), or invalid:
 * "999.1.1.1" is no name to look up.  Returns AF_INET or AF_INET6 for
 * an address, AF_UNSPEC for a name (or inet_aton's short forms, the
 * resolver's to read), or -1 with *errstr set.
 */
int
parse_host(const char *s, const char **errstr)
{
	const unsigned char *p;
	bool v6_only = false;	/* a ':' or '%' seen */
	struct in_addr in;
	int fam;

	if (*s == '\0')
		return *errstr = "empty", -1;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p == ':' || *p == '%')
			v6_only = true;
		else if (!is_digit(*p) && !is_alpha(*p) && *p < 0x80 &&
		    strchr(".-_", *p) == NULL)
			return *errstr = "invalid", -1;
	fam = addr_family(s);
	if (fam != AF_INET6 && v6_only)
		return *errstr = "invalid", -1;
	if (fam == AF_UNSPEC && numeric_tld(s) && inet_aton(s, &in) == 0)
		return *errstr = "invalid", -1;
	return fam;
}

/* The value of hex digit c, or -1. */
static int
hex_value(int c)
{
	if (is_digit(c))
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/*
 * Decode STRING's C escapes (\r \n \t \0 \\ \xHH, one or two hex digits)
 * into out, which has room for strlen(s) bytes: an escape only shrinks,
 * so out may be s itself.
 * Binary-safe: *len is the decoded length, and out holds NULs as bytes.
 * Returns 0, or -1 with *errstr set for an empty string, an unknown
 * escape, or a lone backslash at the end.
 */
int
parse_escapes(const char *s, char *out, size_t *len, const char **errstr)
{
	static const char from[] = "rnt0\\", to[] = "\r\n\t\0\\";
	const char *e;
	size_t n = 0;
	int hi, lo;

	if (*s == '\0')
		return *errstr = "empty string", -1;
	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			out[n++] = *s;
			continue;
		}
		hi = *++s == 'x' ? hex_value((unsigned char)s[1]) : -1;
		if (hi != -1) {
			lo = hex_value((unsigned char)s[2]);
			out[n++] = (char)(lo == -1 ? hi : hi * 16 + lo);
			s += lo == -1 ? 1 : 2;
		} else if (*s != '\0' && (e = strchr(from, *s)) != NULL)
			out[n++] = to[e - from];
		else
			return *errstr = "invalid escape", -1;
	}
	*len = n;
	return 0;
}
