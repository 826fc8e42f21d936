/*
 * String to number: durations and ports.  Pure functions: no I/O, no
 * exit.  Each returns 0, or -1 with *errstr set to a short phrase that
 * the caller (options.c) puts in front of the offending argument.
 */
#include <arpa/inet.h>
#include <netdb.h>

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tcpdial.h"

/* Scale of each duration unit, in microseconds. */
static const struct {
	const char *name;
	long long us;
} units[] = {
	{ "ms", 1000LL },
	{ "s", 1000000LL },
	{ "m", 60000000LL },
	{ "", 1000000LL },
};

static long long
unit_us(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(s, units[i].name) == 0)
			return units[i].us;
	return -1;
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
	long long whole = 0, frac = 0, frac_scale = 1, scale, us;
	const char *p = s;
	int digits = 0;

	if (*s == '\0')
		return *errstr = "empty duration", -1;
	/* More than 10 integer digits is out of range whatever the unit. */
	for (; isdigit((unsigned char)*p) && digits <= 10; p++, digits++)
		whole = whole * 10 + (*p - '0');
	if (digits > 10)
		return *errstr = "duration too large", -1;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, digits++) {
			/* Digits past microseconds cannot change the result. */
			if (frac_scale < 1000000) {
				frac = frac * 10 + (*p - '0');
				frac_scale *= 10;
			}
		}
	}
	if (digits == 0 || (scale = unit_us(p)) == -1)
		return *errstr = "invalid duration", -1;
	us = whole * scale + (frac * scale + frac_scale - 1) / frac_scale;
	if (us / 1000 + (us % 1000 != 0) > INT_MAX)
		return *errstr = "duration too large", -1;
	*ms = us / 1000 + (us % 1000 != 0);
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
	long long n;

	if (*s == '\0')
		return *errstr = "empty port", -1;
	for (p = s; isdigit((unsigned char)*p); p++)
		;
	if (*p == '\0') {
		/* All digits: strtonum alone would also take " 80" or "+80". */
		n = strtonum(s, 1, 65535, errstr);
		if (*errstr != NULL)
			return *errstr = "port out of range", -1;
		return (int)n;
	}
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return *errstr = "invalid port", -1;
	se = getservbyname(s, "tcp");
	endservent();
	if (se == NULL)
		return *errstr = "invalid port or unknown service", -1;
	return ntohs((unsigned short)se->s_port);
}
