/*
 * libFuzzer harness for parse_port() (src/parse.c).
 *
 * The input, NUL-terminated, is one PORT argument.  A digits-only string
 * must agree with strtol() (1..65535, else "port out of range"); a
 * string with a byte outside [A-Za-z0-9_-] is "invalid port"; anything
 * else is a service name and must agree with getservbyname(3) for tcp.
 * Every port found is written back by port_string(), which must give
 * the canonical decimal that parse_port() reads as the same port.
 */
#include <arpa/inet.h>
#include <netdb.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpdial.h"

#include "fuzz_check.h"

static bool
all_digits(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool
service_chars(const char *s)
{
	for (; *s != '\0'; s++)
		if (!(*s >= '0' && *s <= '9') && !(*s >= 'a' && *s <= 'z') &&
		    !(*s >= 'A' && *s <= 'Z') && *s != '-' && *s != '_')
			return false;
	return true;
}

/* The port strtol() reads from an all-digits s, or -1 if out of range. */
static long
ref_number(const char *s)
{
	long n;

	errno = 0;
	n = strtol(s, NULL, 10);
	if (errno == ERANGE || n < 1 || n > 65535)
		return -1;
	return n;
}

static int
ref_service(const char *s)
{
	struct servent *se;
	int port;

	se = getservbyname(s, "tcp");
	port = se == NULL ? -1 : ntohs((unsigned short)se->s_port);
	endservent();
	return port;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sentinel[] = "untouched";
	const char *errstr = sentinel;
	char *s;
	int rc;

	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	rc = parse_port(s, &errstr);
	CHECK(rc == -1 || (rc >= 1 && rc <= 65535));
	if (rc == -1) {
		CHECK(errstr != sentinel && errstr != NULL);
		CHECK(strlen(errstr) > 0);
	} else {
		char back[PORT_STRLEN], ref[16];

		port_string(rc, back);
		snprintf(ref, sizeof(ref), "%d", rc);
		CHECK(strcmp(back, ref) == 0);
		CHECK(parse_port(back, &errstr) == rc);
	}

	if (*s == '\0') {
		CHECK(rc == -1 && strcmp(errstr, "empty port") == 0);
	} else if (all_digits(s)) {
		CHECK(rc == ref_number(s));
		if (rc == -1)
			CHECK(strcmp(errstr, "port out of range") == 0);
	} else if (!service_chars(s)) {
		CHECK(rc == -1 && strcmp(errstr, "invalid port") == 0);
	} else {
		CHECK(rc == ref_service(s));
		if (rc == -1)
			CHECK(strcmp(errstr,
				  "invalid port or unknown service") == 0);
	}
	free(s);
	return 0;
}
