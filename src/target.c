/*
 * The operands: the targets they name and the -- COMMAND tail
 * (tcpdial(1), SPEC 1).  HOST PORT, or HOST:PORT and [IPV6]:PORT
 * targets, several of them only with -z.  Pure: no I/O, no exit.  Each
 * check returns TD_OK, or TD_USAGE with a one-line message in msg that
 * names the bad argument, for options.c to print.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpdial.h"

/* A target in the place of HOST, in "localhost:80 80". */
#define HINT_PAIR " (a host:port target takes no separate port)"

/* Write a usage message into msg[len].  Returns TD_USAGE. */
static int __attribute__((__format__(__printf__, 3, 4)))
say(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return TD_USAGE;
}

/*
 * Check a host (what is "host", or "source address" for -s) before any
 * resolver sees it: its characters, and -4, -6 and -n.  hint follows the
 * message of an invalid host with a colon past any '%'; it may be NULL.
 * Returns TD_OK, or TD_USAGE with the message in msg.
 */
static int
check_host(const char *what, const char *host, const char *hint,
    const struct options *o, char *msg, size_t len)
{
	const char *errstr = NULL, *scope = strchr(host, '%');
	int fam;

	fam = parse_host(host, &errstr);
	if (fam == -1 && *host == '\0')
		return say(msg, len, "%s %s", errstr, what);
	/* A colon past any scope: a host:port, not a bad IPv6 address. */
	if (fam == -1)
		return say(msg, len, "%s %s: '%s'%s", errstr, what, host,
		    hint != NULL && strchr(scope != NULL ? scope : host, ':') !=
		    NULL ? hint : "");
	if (o->numeric && fam == AF_UNSPEC)
		return say(msg, len, "-n: %s is not a numeric address: '%s'",
		    what, host);
	if (o->family == AF_INET && fam == AF_INET6)
		return say(msg, len, "-4: %s is an IPv6 address: '%s'", what,
		    host);
	if (o->family == AF_INET6 && fam == AF_INET)
		return say(msg, len, "-6: %s is an IPv4 address: '%s'", what,
		    host);
	return TD_OK;
}

/*
 * Two operands are HOST PORT when the second has no colon, or when the
 * first has none and so cannot be a target: in "127.0.0.1 80:1" the
 * port is the bad argument.  Every other list is of targets.
 */
static bool
host_and_port(int argc, char **argv)
{
	return argc == 2 && (strchr(argv[1], ':') == NULL ||
	    strchr(argv[0], ':') == NULL);
}

/*
 * Where the host of target arg lies, arg[*at, *at + *n), and its port:
 * HOST:PORT or [HOST]:PORT.  A bare IPv6 address has colons of its own,
 * so as a target it needs the brackets.  alone: the only operand, which
 * could have been HOST of HOST PORT.  Returns TD_OK, or TD_USAGE with
 * msg naming the operand and what was wanted.
 */
static int
split_target(const char *arg, bool alone, size_t *at, size_t *n,
    const char **port, char *msg, size_t len)
{
	const char *colon, *close;

	if (arg[0] == '[') {
		close = strchr(arg, ']');
		if (close == NULL || close[1] != ':')
			return say(msg, len, "invalid target: '%s' "
			    "(want [address]:port)", arg);
		*at = 1;
		*n = (size_t)(close - arg) - 1;
		*port = close + 2;
		return TD_OK;
	}
	colon = strchr(arg, ':');
	if (colon == NULL)
		return say(msg, len, "missing port: '%s' (want %s)", arg,
		    alone ? "host port or host:port" : "host:port");
	if (strchr(colon + 1, ':') != NULL)
		return say(msg, len, "ambiguous target: '%s' "
		    "(write an IPv6 address as [address]:port)", arg);
	*at = 0;
	*n = (size_t)(colon - arg);
	*port = colon + 1;
	return TD_OK;
}

/*
 * One operand into t: arg is a target, or with port the HOST of HOST
 * PORT ("[::1] 80" loses its brackets).  The host is a copy, so that
 * argv keeps what the user wrote, for t->operand.  Among several targets
 * a bad host or port also names its operand.  Returns TD_OK, TD_USAGE,
 * or TD_FAILURE (no memory), with msg.
 */
static int
parse_one(struct target_spec *t, char *arg, const char *port,
    bool several, struct options *o, char *msg, size_t len)
{
	const char *errstr = NULL, *hint = NULL;
	size_t at = 0, n = strlen(arg), used;
	int num;

	t->operand = arg;
	if (port != NULL) {
		hint = HINT_PAIR;
		if (n >= 2 && arg[0] == '[' && arg[n - 1] == ']') {
			at = 1;
			n -= 2;
		}
	} else if (split_target(arg, !several, &at, &n, &port, msg,
	    len) != TD_OK)
		return TD_USAGE;
	if (!several && n < sizeof(o->one_host)) {
		memcpy(o->one_host, arg + at, n);
		o->one_host[n] = '\0';
		t->host = o->one_host;
	} else if ((t->host = strndup(arg + at, n)) == NULL) {
		say(msg, len, "operands: %s", strerror(ENOMEM));
		return TD_FAILURE;
	}
	if (check_host("host", t->host, hint, o, msg, len) == TD_OK) {
		if ((num = parse_port(port, &errstr)) != -1) {
			port_string(num, t->port);
			return TD_OK;
		}
		say(msg, len, "%s: '%s'", errstr, port);
	}
	used = strlen(msg);
	if (several && used < len)
		say(msg + used, len - used, " in target '%s'", arg);
	return TD_USAGE;
}

/* Free what target_parse() allocated; o's list is empty after. */
void
target_free(struct options *o)
{
	const char *host;

	while (o->ntargets > 0)
		if ((host = o->targets[--o->ntargets].host) != o->one_host)
			free((char *)host);
	if (o->targets != &o->one)
		free(o->targets);
	o->targets = NULL;
}

/*
 * How many targets argc operands may name: one, as HOST PORT or as a
 * target; more only with -z or --wait.  Returns TD_OK, or TD_USAGE with msg.
 */
static int
check_count(int argc, char **argv, bool probe, char *msg, size_t len)
{
	if (argc == 0)
		return say(msg, len, "missing host and port");
	if (argc == 1 || host_and_port(argc, argv) || probe)
		return TD_OK;
	/* "127.0.0.1 80 extra": HOST PORT, and one more. */
	if (host_and_port(2, argv))
		return say(msg, len, "too many operands: '%s'", argv[2]);
	return say(msg, len, "several targets require -z or --wait: '%s'",
	    argv[1]);
}

/* The words after "--" as a command: one at least, and only with -z. */
static int
check_command(char **tail, bool probe, char *msg, size_t len)
{
	if (tail[0] == NULL)
		return say(msg, len, "missing command after --");
	if (tail[0][0] == '\0')
		return say(msg, len, "empty command after --");
	if (!probe)
		return say(msg, len, "command requires -z or --wait: '%s'",
		    tail[0]);
	return TD_OK;
}

/*
 * The operands into o->targets (o->ntargets of them, at least one) and
 * o->command, after the -s address (o->source), which gets the same
 * check as a host.  argv[0..argc) are the words before "--"; tail is
 * NULL without "--", else the NULL-terminated words after it: the
 * command, or, when no operand came before "--", the operands themselves
 * ("--" only ended the options, as in POSIX).  Reads o->probe, o->wait,
 * o->family and o->numeric.  Returns TD_OK; or TD_USAGE, or TD_FAILURE
 * (no memory), with the message in msg and nothing left allocated.
 */
int
target_parse(int argc, char **argv, char **tail, struct options *o,
    char *msg, size_t len)
{
	const char *port = NULL;
	size_t i, n;
	int code;

	if (o->source != NULL && (code = check_host("source address",
	    o->source, NULL, o, msg, len)) != TD_OK)
		return code;
	if (argc == 0 && tail != NULL) {
		for (argv = tail; tail[argc] != NULL; argc++)
			;
		tail = NULL;
	}
	if ((code = check_count(argc, argv, o->probe || o->wait, msg,
	    len)) != TD_OK)
		return code;
	n = (size_t)argc;
	if (host_and_port(argc, argv)) {
		port = argv[1];
		n = 1;
	}
	o->ntargets = 0;
	o->targets = n == 1 ? &o->one : reallocarray(NULL, n,
	    sizeof(*o->targets));
	if (o->targets == NULL) {
		say(msg, len, "operands: %s", strerror(ENOMEM));
		return TD_FAILURE;
	}
	for (i = 0; i < n && code == TD_OK; i++) {
		o->targets[i].host = NULL;
		o->ntargets = i + 1;
		code = parse_one(&o->targets[i], argv[i], port, n > 1, o, msg,
		    len);
	}
	if (code == TD_OK && tail != NULL)
		code = check_command(tail, o->probe || o->wait, msg, len);
	if (code != TD_OK) {
		target_free(o);
		return code;
	}
	o->command = tail;
	return TD_OK;
}
