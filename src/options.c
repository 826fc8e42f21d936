/*
 * argv to struct options.  The only file that looks at argv.  It exits
 * nowhere: a usage error is printed here and returned as TD_USAGE, for
 * main() to exit with before any name is resolved or any packet is sent.
 */
#include <sys/socket.h>

#include <ctype.h>
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpdial.h"

/* Long-only options: values past every letter. */
enum {
	OPT_LONG = 256,
	OPT_ANY = OPT_LONG,
	OPT_DELAY,
	OPT_CLOSE,
	OPT_NO_HALF,
	OPT_SETTLE,
	OPT_END,
};

/* Sorted by long name. */
static const struct option longopts[] = {
	{ "any",		no_argument,		NULL,	OPT_ANY },
	{ "attempt-delay",	required_argument,	NULL,	OPT_DELAY },
	{ "close",		required_argument,	NULL,	OPT_CLOSE },
	{ "connect-timeout",	required_argument,	NULL,	'w' },
	{ "crlf",		no_argument,		NULL,	'C' },
	{ "disconnect-wait",	required_argument,	NULL,	'q' },
	{ "help",		no_argument,		NULL,	'h' },
	{ "idle-timeout",	required_argument,	NULL,	'i' },
	{ "max-time",		required_argument,	NULL,	'm' },
	{ "no-half-close",	no_argument,		NULL,	OPT_NO_HALF },
	{ "numeric",		no_argument,		NULL,	'n' },
	{ "probe",		no_argument,		NULL,	'z' },
	{ "settle",		required_argument,	NULL,	OPT_SETTLE },
	{ "source",		required_argument,	NULL,	's' },
	{ "source-port",	required_argument,	NULL,	'p' },
	{ "verbose",		no_argument,		NULL,	'v' },
	{ "version",		no_argument,		NULL,	'V' },
	{ NULL,			0,			NULL,	0 },
};
static const char shortopts[] = ":46Chi:m:Nnp:q:s:Vvw:z";

/* --help: the usage line (the man page's SYNOPSIS), then the options. */
static const char help_text[] =
"usage: tcpdial [-46ChNnVvz] [--any] [--no-half-close]\n"
"\t[--attempt-delay duration] [--close mode] [-i duration] [-m duration]\n"
"\t[-p source_port] [-q duration] [-s source] [--settle duration]\n"
"\t[-w duration] host port | host:port\n"
"       tcpdial -z [options] target ... [-- command [arg ...]]\n"
"\n"
"Connect:\n"
"  -4                      use IPv4 addresses only\n"
"  -6                      use IPv6 addresses only\n"
"      --any               with -z: success when one target connects\n"
"      --attempt-delay DURATION\n"
"                          start the next address after DURATION (250ms)\n"
"  -n, --numeric           host is a numeric address; never resolve names\n"
"  -p, --source-port PORT  bind the local end to PORT (SO_REUSEADDR)\n"
"  -s, --source ADDR       bind the local end to ADDR\n"
"  -w, --connect-timeout DURATION\n"
"                          deadline for the whole connect phase\n"
"  -z, --probe             connect, then close at once without sending data\n"
"Session:\n"
"  -C, --crlf              send each LF read from stdin as CRLF\n"
"  -i, --idle-timeout DURATION\n"
"                          end the session after DURATION with no traffic\n"
"  -m, --max-time DURATION\n"
"                          bound the whole run, from start to exit\n"
"  -N                      half-close on stdin EOF (the default; for nc)\n"
"      --no-half-close     at stdin EOF send nothing; wait for the peer\n"
"Close:\n"
"      --close MODE        graceful (FIN, the default) or abort (RST)\n"
"  -q, --disconnect-wait DURATION\n"
"                          once stdin is done, wait at most DURATION for the\n"
"                          disconnect to complete\n"
"      --settle DURATION   after stdin's end, a peer silent this long is done\n"
"Information:\n"
"  -v, --verbose           narrate on stderr (twice: more detail)\n"
"  -h, --help              print this help and exit\n"
"  -V, --version           print the version and exit\n"
"\n"
"A target is host:port, or [address]:port for IPv6.  With -z, several\n"
"targets are probed at once, and -- COMMAND [ARG...] after them runs\n"
"COMMAND once every one (with --any, one) succeeded.\n"
"DURATION: 500ms, 1.5 (seconds), 2s, 1m.  Exit status: see tcpdial(1).\n";

/* Print one line naming what was wrong; -1, for the caller to return. */
#define usage_error(...) (warnx(__VA_ARGS__), -1)

/*
 * getopt_long said '?': name the argument as the user typed it.  A long
 * option (or an abbreviation) given "=value" it takes none of comes back
 * with optopt set to that option's val, not a letter the user typed.
 */
static int
reject_option(char **argv)
{
	const char *arg = argv[optind - 1];
	size_t n, i;

	if (optopt == 0)
		return usage_error("unknown option: %s", arg);
	if (strncmp(arg, "--", 2) == 0 && arg[2 + (n = strcspn(arg + 2,
	    "="))] == '=')
		for (i = 0; longopts[i].name != NULL; i++)
			if (longopts[i].val == optopt &&
			    strncmp(longopts[i].name, arg + 2, n) == 0)
				return usage_error(
				    "option takes no argument: %s", arg);
	if (isprint(optopt))
		return usage_error("unknown option: -%c", optopt);
	return usage_error("unknown option: -\\x%02x", optopt & 0xff);
}

/*
 * The option as the user spelled it, for messages: "-w" or "--close".
 * With no longindex, the short form, or the long one if it has none.
 */
static const char *
opt_name(int ch, int longindex)
{
	static char name[32];
	int i;

	for (i = 0; longindex < 0 && ch >= OPT_LONG && longopts[i].name; i++)
		if (longopts[i].val == ch)
			longindex = i;
	if (longindex >= 0)
		snprintf(name, sizeof(name), "--%s", longopts[longindex].name);
	else
		snprintf(name, sizeof(name), "-%c", ch);
	return name;
}

/*
 * A DURATION into *ms; for a limit, 0 means none and is stored as -1.
 * Returns 0, or -1 after the usage error.
 */
static int
get_duration(const char *name, const char *arg, bool limit, long long *ms)
{
	const char *errstr = NULL;

	if (parse_duration(arg, ms, &errstr) == -1)
		return usage_error("%s: %s: '%s'", name, errstr, arg);
	if (limit && *ms == 0)
		*ms = -1;
	return 0;
}

static int
get_port(const char *name, const char *arg, char *out)
{
	const char *errstr = NULL;
	int port;

	if ((port = parse_port(arg, &errstr)) == -1)
		return usage_error("%s: %s: '%s'", name, errstr, arg);
	port_string(port, out);
	return 0;
}

static int
get_close_mode(const char *name, const char *arg, enum close_mode *mode)
{
	if (strcmp(arg, "graceful") != 0 && strcmp(arg, "abort") != 0)
		return usage_error("%s: invalid mode: '%s' (graceful or abort)",
		    name, arg);
	*mode = arg[0] == 'a' ? CLOSE_ABORT : CLOSE_GRACEFUL;
	return 0;
}

/*
 * Rules between options, as data, over what was given at all, whatever
 * the values ("-z -i 0" too): a pair that cannot go together, or an
 * option that requires another.  -z moves no data, so it conflicts with
 * every session option.
 */
static const struct {
	int a, b;
	bool requires;		/* a requires b; else a excludes b */
} rules[] = {
	{ '4', '6', false },
	{ 'z', 'C', false },
	{ 'z', 'i', false },
	{ 'z', 'q', false },
	{ 'z', OPT_NO_HALF, false },
	{ 'z', OPT_SETTLE, false },
	{ OPT_ANY, 'z', true },
};

static int
check_rules(const bool given[OPT_END])
{
	char a[32];
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		/* Broken when a was given and b's presence is not as wanted. */
		if (!given[rules[i].a] ||
		    given[rules[i].b] == rules[i].requires)
			continue;
		strlcpy(a, opt_name(rules[i].a, -1), sizeof(a));
		return usage_error(rules[i].requires ? "%s requires %s" :
		    "%s and %s cannot be used together", a,
		    opt_name(rules[i].b, -1));
	}
	return 0;
}

/* Print text on stdout: TD_OK, or TD_IO if stdout did not take it. */
static int
print_text(const char *text)
{
	fputs(text, stdout);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("write to stdout");
		return TD_IO;
	}
	return TD_OK;
}

/*
 * One option with a value (or whose order counts) into o, or getopt's
 * complaint about one.  Plain flags are set from what was given, after
 * the loop.  Returns 0, or -1 after the usage error.
 */
static int
set_option(struct options *o, int ch, const char *name, char **argv)
{
	switch (ch) {
	case OPT_DELAY:
		/* Not a limit: 0 starts every address at once. */
		return get_duration(name, optarg, false, &o->attempt_delay_ms);
	case ':':
		return usage_error("option requires an argument: %s",
		    argv[optind - 1]);
	case '?':
		return reject_option(argv);
	case 'i':
		/* 0 is no limit: an idle timer of 0 would let no byte by. */
		return get_duration(name, optarg, true, &o->idle_ms);
	case 'm':
		return get_duration(name, optarg, true, &o->max_time_ms);
	case 'N':
	case OPT_NO_HALF:
		/* The last one given wins. */
		o->half_close = ch == 'N';
		return 0;
	case 'p':
		return get_port(name, optarg, o->source_port);
	case 'q':
		return get_duration(name, optarg, false,
		    &o->disconnect_wait_ms);
	case 's':
		o->source = optarg;
		return 0;
	case 'v':
		o->verbose++;
		return 0;
	case 'w':
		/* 0 is no deadline, as for libcurl's CURLOPT_CONNECTTIMEOUT. */
		return get_duration(name, optarg, true,
		    &o->connect_timeout_ms);
	case OPT_CLOSE:
		return get_close_mode(name, optarg, &o->close_mode);
	case OPT_SETTLE:
		return get_duration(name, optarg, true, &o->settle_ms);
	}
	return 0;
}

/*
 * Fill o from argv.  Returns GO_ON when every argument is valid and the
 * run goes on; else the status to exit with: TD_OK after printing help
 * or the version (TD_IO when stdout took neither), or TD_USAGE after
 * printing the usage error.  Never exits: main() does.
 */
int
options_parse(int argc, char **argv, struct options *o)
{
	bool given[OPT_END] = { false };
	char msg[1024], **tail;
	int nopt, ch, longindex, code;

	memset(o, 0, sizeof(*o));
	o->connect_timeout_ms = o->idle_ms = o->disconnect_wait_ms = -1;
	o->max_time_ms = o->settle_ms = -1;
	o->close_mode = CLOSE_GRACEFUL;
	o->half_close = true;
	o->attempt_delay_ms = 250;

	/*
	 * "--" always ends the options, and what follows it is the command
	 * (target.c).  GNU getopt permutes argv and forgets where "--" was,
	 * so it gets only the words before the first one.  optind = 0 makes
	 * glibc start afresh, whatever an earlier call left.
	 */
	nopt = argc > 0 ? 1 : 0;
	while (nopt < argc && strcmp(argv[nopt], "--") != 0)
		nopt++;
	tail = nopt < argc ? argv + nopt + 1 : NULL;
	opterr = 0;
	optind = 0;
	for (;;) {
		longindex = -1;
		ch = getopt_long(nopt, argv, shortopts, longopts, &longindex);
		if (ch == -1)
			break;
		if (ch == 'h' || ch == 'V')
			return print_text(ch == 'h' ? help_text :
			    PACKAGE_NAME " " PACKAGE_VERSION "\n");
		if (set_option(o, ch, opt_name(ch, longindex), argv) == -1)
			return TD_USAGE;
		given[ch] = true;
	}
	if (check_rules(given) == -1)
		return TD_USAGE;
	/* Plain flags: given or not (-4 and -6 were not both). */
	o->family = given['4'] ? AF_INET : given['6'] ? AF_INET6 : AF_UNSPEC;
	o->crlf = given['C'];
	o->numeric = given['n'];
	o->probe = given['z'];
	o->any = given[OPT_ANY];
	code = target_parse(nopt - optind, argv + optind, tail, o, msg,
	    sizeof(msg));
	if (code != TD_OK)
		warnx("%s", msg);
	return code == TD_OK ? GO_ON : code;
}

/* Free what options_parse() allocated, for a caller that parses again. */
void
options_free(struct options *o)
{
	target_free(o);
}
