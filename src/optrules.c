/*
 * The rules between options (tcpdial(1), SPEC 2 and 8): which go
 * together, which need another, what a probe is, and the defaults that
 * depend on what was given.  Part of the options room: options.c calls
 * these once getopt is done.
 */
#include <sys/socket.h>

#include <string.h>

#include "tcpdial.h"
#include "options.h"

/*
 * Rules between options, as data, over what was given at all, whatever
 * the values ("-z -i 0" too): a pair that cannot go together, or an
 * option that requires another.
 */
static const struct {
	int a, b;
	bool requires;		/* a requires b; else a excludes b */
} rules[] = {
	{ '4', '6', false },
	{ OPT_QUIET, 'v', false },
	{ OPT_QUIET, OPT_TRACE, false },
	{ OPT_INVERT, OPT_SEND, false },
	{ OPT_INVERT, OPT_EXPECT, false },
	{ OPT_INTERVAL, OPT_WAIT, true },
	{ OPT_BACKOFF, OPT_WAIT, true },
};

/*
 * A probe moves no data, so whatever makes one (-z, and the options that
 * imply it) conflicts with every option of a session.
 */
static const int probe_opts[] = { 'z', OPT_SEND, OPT_EXPECT, OPT_INVERT };
static const int session_opts[] = { 'C', 'i', 'q', OPT_HEXDUMP, OPT_NO_HALF,
    OPT_SETTLE };

/* "a and b cannot be used together", or "a requires b".  Returns -1. */
static int
broken_rule(struct options *o, int a, int b, bool requires)
{
	char name[32];

	strlcpy(name, opt_name(a, -1), sizeof(name));
	return usage_error(o, requires ? "%s requires %s" :
	    "%s and %s cannot be used together", name, opt_name(b, -1));
}

/*
 * The rules over what was given.  Returns 0, or -1 after the usage
 * error.
 */
int
optrules_check(struct options *o, const bool given[OPT_END])
{
	size_t i, j;

	for (i = 0; i < NELEM(probe_opts); i++)
		for (j = 0; j < NELEM(session_opts); j++)
			if (given[probe_opts[i]] && given[session_opts[j]])
				return broken_rule(o, probe_opts[i],
				    session_opts[j], false);
	for (i = 0; i < NELEM(rules); i++)
		/* Broken when a was given and b's presence is not as wanted. */
		if (given[rules[i].a] &&
		    given[rules[i].b] != rules[i].requires)
			return broken_rule(o, rules[i].a, rules[i].b,
			    rules[i].requires);
	return 0;
}

/*
 * Plain flags, given or not (-4 and -6 were not both), and the defaults
 * that depend on what was given.
 */
void
optrules_flags(struct options *o, const bool given[OPT_END])
{
	o->family = given['4'] ? AF_INET : given['6'] ? AF_INET6 : AF_UNSPEC;
	o->crlf = given['C'];
	o->numeric = given['n'];
	o->probe = given['z'] || given[OPT_SEND] || given[OPT_EXPECT] ||
	    given[OPT_INVERT];
	o->any = given[OPT_ANY];
	o->backoff = given[OPT_BACKOFF];
	o->invert = given[OPT_INVERT];
	o->quiet = given[OPT_QUIET];
	o->trace = given[OPT_TRACE];
	/* Under --wait each try has -w, 2 s unless given. */
	if (o->wait && !given['w'])
		o->connect_timeout_ms = WAIT_TRY_MS;
	if (!given[OPT_EXPECT_TIMEOUT])
		o->expect_timeout_ms = o->connect_timeout_ms != -1 ?
		    o->connect_timeout_ms : WAIT_TRY_MS;
}

/*
 * --wait with several targets, or a command to run, probes them (SPEC
 * 8): no session option then.  --any and "--json -" need a probe,
 * and "--json -" one without a command.
 * Returns 0, or -1 after the usage error.
 */
int
optrules_imply(struct options *o, const bool given[OPT_END])
{
	size_t i;

	if (o->wait && !o->probe && (o->ntargets > 1 || o->command != NULL)) {
		for (i = 0; i < NELEM(session_opts); i++)
			if (given[session_opts[i]])
				return usage_error(o, "%s cannot be used with "
				    "--wait and %s", opt_name(session_opts[i],
				    -1), o->command != NULL ? "a command" :
				    "several targets");
		o->probe = true;
	}
	if (o->any && !o->probe)
		return usage_error(o, "--any requires -z");
	/* Not reported: the report would go where the data does. */
	if (o->json != NULL && strcmp(o->json, "-") == 0 &&
	    (!o->probe || o->command != NULL)) {
		o->json = NULL;
		return usage_error(o, o->probe ? "--json -: not with a command "
		    "(stdout is the command's)" : "--json -: only with -z "
		    "(stdout carries the session's data)");
	}
	/* Not stdout, as "--json -" is: there the data goes. */
	if (o->hexdump != NULL && strcmp(o->hexdump, "-") == 0)
		return usage_error(o, "--hexdump -: standard output carries "
		    "the session's data; name a file (/dev/stderr for the "
		    "terminal)");
	/* It bounds the whole check: a send alone may stall too. */
	if (given[OPT_EXPECT_TIMEOUT] && o->send == NULL && o->expect == NULL)
		return usage_error(o, "--expect-timeout requires --send or "
		    "--expect");
	return 0;
}

