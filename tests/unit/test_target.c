/*
 * Unit tests of src/target.c: every shape of operands tcpdial(1) takes
 * or refuses, with -z, -n, -4 and -6, the "--" COMMAND tail, and the
 * exact usage messages and hints.
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpdial.h"

#include "tap.h"

#define WORDS_MAX 8

/*
 * The operands as options.c hands them over: words up to the first "--"
 * are operands, the rest the tail.  want is what came of them: each
 * target as "host port [operand]", then " -- command..."; or "usage: "
 * and the message.
 */
static const struct {
	const char *flags;	/* z, n, 4, 6, w: -z, -n, -4, -6, --wait */
	const char *words[WORDS_MAX];
	const char *want;
} cases[] = {
	/* HOST PORT, and one target. */
	{ "", { "127.0.0.1", "80" }, "127.0.0.1 80 [127.0.0.1]" },
	{ "", { "localhost", "http" }, "localhost 80 [localhost]" },
	{ "", { "::1", "80" }, "::1 80 [::1]" },
	{ "", { "[::1]", "80" }, "::1 80 [[::1]]" },
	{ "", { "db:5432" }, "db 5432 [db:5432]" },
	{ "", { "db:ssh" }, "db 22 [db:ssh]" },
	{ "", { "[::1]:8080" }, "::1 8080 [[::1]:8080]" },
	{ "", { "[fe80::1%eth0]:22" }, "fe80::1%eth0 22 [[fe80::1%eth0]:22]" },
	{ "", { "b\xc3\xbc" "cher.example:80" },
	    "b\xc3\xbc" "cher.example 80 [b\xc3\xbc" "cher.example:80]" },
	{ "z", { "db:5432" }, "db 5432 [db:5432]" },
	{ "z", { "db", "5432" }, "db 5432 [db]" },
	{ "n", { "127.0.0.1", "80" }, "127.0.0.1 80 [127.0.0.1]" },
	{ "4", { "127.0.0.1:80" }, "127.0.0.1 80 [127.0.0.1:80]" },
	{ "6", { "[::1]:80" }, "::1 80 [[::1]:80]" },

	/* Several targets, with -z only. */
	{ "z", { "a:1", "b:2" }, "a 1 [a:1], b 2 [b:2]" },
	{ "z", { "a:1", "[::1]:2", "c:http" },
	    "a 1 [a:1], ::1 2 [[::1]:2], c 80 [c:http]" },
	{ "", { "a:1", "b:2" },
	    "usage: several targets require -z or --wait: 'b:2'" },
	{ "", { "a:1", "b:2", "c:3" },
	    "usage: several targets require -z or --wait: 'b:2'" },
	{ "", { "127.0.0.1", "80", "extra" },
	    "usage: too many operands: 'extra'" },
	{ "z", { "127.0.0.1", "80", "extra" },
	    "usage: missing port: '127.0.0.1' (want host:port)" },
	{ "z", { "a:1", "db" }, "usage: invalid host: 'a:1' "
	    "(a host:port target takes no separate port)" },
	{ "z", { "a:1", "b:2", "db" },
	    "usage: missing port: 'db' (want host:port)" },
	{ "z", { "a:1", "db:0" },
	    "usage: port out of range: '0' in target 'db:0'" },
	{ "z", { "a:1", ":80" }, "usage: empty host in target ':80'" },
	{ "z", { "a:1", "bad host:1" },
	    "usage: invalid host: 'bad host' in target 'bad host:1'" },
	{ "zn", { "1.2.3.4:5", "a:1" },
	    "usage: -n: host is not a numeric address: 'a' in target 'a:1'" },
	{ "z6", { "[::1]:1", "127.0.0.1:2" }, "usage: -6: host is an IPv4 "
	    "address: '127.0.0.1' in target '127.0.0.1:2'" },

	/* "--": the command after targets, else the end of the options. */
	{ "z", { "a:1", "b:2", "--", "touch", "x" },
	    "a 1 [a:1], b 2 [b:2] -- touch x" },
	{ "z", { "db", "5432", "--", "true" }, "db 5432 [db] -- true" },
	{ "", { "--", "127.0.0.1", "80" }, "127.0.0.1 80 [127.0.0.1]" },
	{ "", { "--", "127.0.0.1", "-1" },
	    "usage: invalid port or unknown service: '-1'" },
	{ "z", { "--", "a:1", "b:2" }, "a 1 [a:1], b 2 [b:2]" },
	{ "z", { "--", "a:1", "--", "x" },
	    "usage: missing port: '--' (want host:port)" },
	{ "z", { "a:1", "--", "--", "x" }, "a 1 [a:1] -- -- x" },
	{ "z", { "a:1", "--" }, "usage: missing command after --" },
	{ "z", { "a:1", "--", "" }, "usage: empty command after --" },
	{ "", { "a:1", "--", "true" },
	    "usage: command requires -z or --wait: 'true'" },
	/* --wait takes several targets and a command too (it probes). */
	{ "w", { "a:1", "b:2" }, "a 1 [a:1], b 2 [b:2]" },
	{ "w", { "a:1", "--", "true" }, "a 1 [a:1] -- true" },
	{ "", { "a:1", "b:2", "--", "true" },
	    "usage: several targets require -z or --wait: 'b:2'" },
	{ "", { "--" }, "usage: missing host and port" },

	/* Operands that fit no form, and bad hosts and ports. */
	{ "", { NULL }, "usage: missing host and port" },
	{ "z", { NULL }, "usage: missing host and port" },
	{ "", { "127.0.0.1" },
	    "usage: missing port: '127.0.0.1' (want host port or host:port)" },
	{ "", { "localhost:80", "80" }, "usage: invalid host: "
	    "'localhost:80' (a host:port target takes no separate port)" },
	{ "z", { "localhost:80", "80" }, "usage: invalid host: "
	    "'localhost:80' (a host:port target takes no separate port)" },
	{ "", { "[::1]:80", "80" }, "usage: invalid host: '[::1]:80' "
	    "(a host:port target takes no separate port)" },
	{ "", { "127.0.0.1", "80:1" }, "usage: invalid port: '80:1'" },
	{ "", { "::1:80" }, "usage: ambiguous target: '::1:80' "
	    "(write an IPv6 address as [address]:port)" },
	{ "", { "[::1:80" },
	    "usage: invalid target: '[::1:80' (want [address]:port)" },
	{ "", { "[::1]80" },
	    "usage: invalid target: '[::1]80' (want [address]:port)" },
	{ "", { ":80" }, "usage: empty host" },
	{ "", { "[]:80" }, "usage: empty host" },
	{ "", { "", "80" }, "usage: empty host" },
	{ "", { "db:" }, "usage: empty port: ''" },
	{ "", { "db:0" }, "usage: port out of range: '0'" },
	{ "", { "db", "65536" }, "usage: port out of range: '65536'" },
	{ "", { "db", "nosuchservice" },
	    "usage: invalid port or unknown service: 'nosuchservice'" },
	{ "", { "bad host", "80" }, "usage: invalid host: 'bad host'" },
	{ "", { "localhost%lo", "80" }, "usage: invalid host: 'localhost%lo'" },
	{ "", { "[localhost:1]:80" }, "usage: invalid host: 'localhost:1'" },
	{ "n", { "localhost", "80" },
	    "usage: -n: host is not a numeric address: 'localhost'" },
	{ "4", { "::1", "80" }, "usage: -4: host is an IPv6 address: '::1'" },
	{ "6", { "127.0.0.1:80" },
	    "usage: -6: host is an IPv4 address: '127.0.0.1'" },
};

/* Append to out what o holds after a successful parse. */
static void
render(const struct options *o, char *out, size_t len)
{
	char **w;
	size_t i;

	for (i = 0; i < o->ntargets; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s %s [%s]",
		    i > 0 ? ", " : "", o->targets[i].host, o->targets[i].port,
		    o->targets[i].operand);
	if (o->command != NULL) {
		strlcat(out, " --", len);
		for (w = o->command; *w != NULL; w++)
			snprintf(out + strlen(out), len - strlen(out), " %s",
			    *w);
	}
}

/*
 * Run target_parse() on case c, named name, and check what came of it.
 * On the side, what holds for every case: argv is left as it was, the
 * command points into it, and a failure leaves nothing allocated.
 */
static void
run(size_t c, const char *name)
{
	char *argv[WORDS_MAX + 1] = { NULL }, **tail = NULL, msg[256];
	char got[512] = "";
	const char *flags = cases[c].flags;
	struct options o;
	int argc, n, code;
	bool sound;

	memset(&o, 0, sizeof(o));
	o.probe = strchr(flags, 'z') != NULL;
	o.wait = strchr(flags, 'w') != NULL;
	o.numeric = strchr(flags, 'n') != NULL;
	o.family = strchr(flags, '4') != NULL ? AF_INET :
	    strchr(flags, '6') != NULL ? AF_INET6 : AF_UNSPEC;
	for (n = 0; n < WORDS_MAX && cases[c].words[n] != NULL; n++)
		if ((argv[n] = strdup(cases[c].words[n])) == NULL)
			abort();
	for (argc = 0; argc < n && strcmp(argv[argc], "--") != 0; argc++)
		;
	if (argc < n)
		tail = argv + argc + 1;

	code = target_parse(argc, argv, tail, &o, msg, sizeof(msg));
	if (code == TD_OK) {
		render(&o, got, sizeof(got));
		sound = o.ntargets >= 1 &&
		    (o.command == NULL || o.command == tail);
		target_free(&o);
	} else {
		snprintf(got, sizeof(got), "usage: %s", msg);
		sound = code == TD_USAGE && o.targets == NULL &&
		    o.ntargets == 0;
	}
	is_str(got, cases[c].want, name);
	for (n = 0; n < WORDS_MAX && cases[c].words[n] != NULL; n++) {
		sound = sound && strcmp(argv[n], cases[c].words[n]) == 0;
		free(argv[n]);
	}
	ok(sound, "%s: argv intact, command in it, nothing left on failure",
	    name);
}

static void
test_cases(void)
{
	char name[512];
	size_t c, i;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		snprintf(name, sizeof(name), "tcpdial%s%s",
		    cases[c].flags[0] != '\0' ? " -" : "", cases[c].flags);
		for (i = 0; i < WORDS_MAX && cases[c].words[i] != NULL; i++)
			snprintf(name + strlen(name), sizeof(name) -
			    strlen(name), " '%s'", cases[c].words[i]);
		run(c, name);
	}
}

/* The -s address, checked first, the same way, as "source address". */
static void
test_source(void)
{
	static const struct {
		const char *source, *flags, *want;
	} sources[] = {
		{ "127.0.0.1", "", "" },
		{ "::1", "6", "" },
		{ "", "", "empty source address" },
		{ "a/b", "", "invalid source address: 'a/b'" },
		{ "localhost:1", "", "invalid source address: 'localhost:1'" },
		{ "localhost", "n", "-n: source address is not a numeric "
		    "address: 'localhost'" },
		{ "::1", "4", "-4: source address is an IPv6 address: '::1'" },
	};
	char target[] = "bad host:0", *argv[] = { target, NULL }, msg[256];
	char name[128];
	struct options o;
	size_t i;
	int code;

	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.source = sources[i].source;
		o.numeric = strchr(sources[i].flags, 'n') != NULL;
		o.family = strchr(sources[i].flags, '4') != NULL ? AF_INET :
		    strchr(sources[i].flags, '6') != NULL ? AF_INET6 :
		    AF_UNSPEC;
		msg[0] = '\0';
		code = target_parse(1, argv, NULL, &o, msg, sizeof(msg));
		snprintf(name, sizeof(name), "tcpdial%s%s -s '%s' '%s'",
		    sources[i].flags[0] != '\0' ? " -" : "", sources[i].flags,
		    sources[i].source, target);
		/* A good source leaves the bad target to be named. */
		is_str(msg, sources[i].want[0] != '\0' ? sources[i].want :
		    "invalid host: 'bad host'", name);
		ok(code == TD_USAGE && o.targets == NULL, "%s: a usage error",
		    name);
	}
}

/* A message longer than its buffer is cut, never overrun. */
static void
test_short_buffer(void)
{
	char a[] = "a:1", b[] = "averyveryverylongname:0";
	char *argv[] = { a, b, NULL }, msg[16 + 1];
	struct options o;

	memset(&o, 0, sizeof(o));
	o.probe = true;
	memset(msg, 'x', sizeof(msg));
	is_int(target_parse(2, argv, NULL, &o, msg, sizeof(msg) - 1),
	    TD_USAGE, "a cut message is still a usage error");
	is_str(msg, "port out of ran", "  cut at its buffer's end");
	ok(msg[sizeof(msg) - 1] == 'x', "  and not a byte past it");
}

int
main(void)
{
	test_cases();
	test_source();
	test_short_buffer();
	return done();
}
