/*
 * argv to struct options.  The only file that looks at argv, and, with
 * main(), the only one that exits: a usage error exits 2 here, before
 * any name is resolved or any packet is sent.
 */
#include <sys/socket.h>

#include <ctype.h>
#include <err.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpdial.h"

enum {
	OPT_CLOSE = 256,
	OPT_NO_HALF,
	OPT_SETTLE,
	OPT_END,
};

/* Sorted by long name. */
static const struct option longopts[] = {
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

static const char usage_text[] =
"usage: tcpdial [-46ChNnVvz] [--no-half-close] [--close mode] [-i duration]\n"
"\t[-m duration] [-p source_port] [-q duration] [-s source]\n"
"\t[--settle duration] [-w duration] host port | host:port\n";

static const char help_text[] =
"\n"
"Connect:\n"
"  -4                      use IPv4 addresses only\n"
"  -6                      use IPv6 addresses only\n"
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
"DURATION: 500ms, 1.5 (seconds), 2s, 1m.  Exit status: see tcpdial(1).\n";

/* Print one line naming what was wrong, and exit 2. */
static void __attribute__((__noreturn__, __format__(__printf__, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	/*
	 * vwarnx and exit, not verrx: the fuzz harnesses build this file
	 * with -Dexit=fuzz_exit to get control back (fuzz/fuzz_options.h).
	 */
	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	exit(TD_USAGE);
}

/*
 * getopt_long said '?': name the argument as the user typed it.  A long
 * option (or an abbreviation) given "=value" it takes none of comes back
 * with optopt set to that option's val, not a letter the user typed.
 */
static void __attribute__((__noreturn__))
reject_option(char **argv)
{
	const char *arg = argv[optind - 1];
	size_t n, i;

	if (optopt == 0)
		usage_error("unknown option: %s", arg);
	if (strncmp(arg, "--", 2) == 0 && arg[2 + (n = strcspn(arg + 2,
	    "="))] == '=')
		for (i = 0; longopts[i].name != NULL; i++)
			if (longopts[i].val == optopt &&
			    strncmp(longopts[i].name, arg + 2, n) == 0)
				usage_error("option takes no argument: %s",
				    arg);
	if (isprint(optopt))
		usage_error("unknown option: -%c", optopt);
	usage_error("unknown option: -\\x%02x", optopt & 0xff);
}

/*
 * The option as the user spelled it, for messages: "-w" or "--close".
 * With no longindex, the short form, or the long one if it has none.
 */
static const char *
opt_name(int ch, int longindex)
{
	static char shortname[3] = "-?", longname[32];
	int i;

	for (i = 0; longindex < 0 && ch >= OPT_CLOSE && longopts[i].name; i++)
		if (longopts[i].val == ch)
			longindex = i;
	if (longindex >= 0) {
		snprintf(longname, sizeof(longname), "--%s",
		    longopts[longindex].name);
		return longname;
	}
	shortname[1] = (char)ch;
	return shortname;
}

/* A DURATION in ms; for a limit, 0 means none and is stored as -1. */
static long long
get_duration(const char *name, const char *arg, bool limit)
{
	const char *errstr = NULL;
	long long ms;

	if (parse_duration(arg, &ms, &errstr) == -1)
		usage_error("%s: %s: '%s'", name, errstr, arg);
	return limit && ms == 0 ? -1 : ms;
}

static void
get_port(const char *name, const char *arg, char *out)
{
	const char *errstr = NULL;
	int port;

	port = parse_port(arg, &errstr);
	if (port == -1 && name == NULL)
		usage_error("%s: '%s'", errstr, arg);
	if (port == -1)
		usage_error("%s: %s: '%s'", name, errstr, arg);
	port_string(port, out);
}

/*
 * Reject what no resolver would take, before it gets the chance.  hint
 * follows the message when the host has a colon: a target in the place
 * of a host.
 */
static void
check_host(const char *what, const char *host, const char *hint,
    const struct options *o)
{
	const char *errstr = NULL;
	int fam;

	fam = parse_host(host, &errstr);
	if (fam == -1 && *host == '\0')
		usage_error("%s %s", errstr, what);
	if (fam == -1)
		usage_error("%s %s: '%s'%s", errstr, what, host,
		    strchr(host, ':') != NULL ? hint : "");
	if (o->numeric && fam == AF_UNSPEC)
		usage_error("-n: %s is not a numeric address: '%s'", what,
		    host);
	if (o->family == AF_INET && fam == AF_INET6)
		usage_error("-4: %s is an IPv6 address: '%s'", what, host);
	if (o->family == AF_INET6 && fam == AF_INET)
		usage_error("-6: %s is an IPv4 address: '%s'", what, host);
}

/*
 * Operands: HOST PORT, or one HOST:PORT / [IPV6]:PORT target.  A HOST
 * with a colon must be an IPv6 address (tcpdial(1), SPEC 1).
 */
static void
parse_operands(int argc, char **argv, struct options *o)
{
	const char *errstr = NULL, *hint = NULL;
	char *host, *port;

	if (argc == 0)
		usage_error("missing host and port");
	if (argc > 2)
		usage_error("too many operands: '%s'", argv[2]);
	if (parse_target(argc, argv, &host, &port, &errstr, &hint) == -1)
		usage_error("%s: '%s' (%s)", errstr, argv[0], hint);
	check_host("host", host,
	    " (a host:port target takes no separate port)", o);
	get_port(NULL, port, o->port);
	o->host = host;
}

static enum close_mode
get_close_mode(const char *name, const char *arg)
{
	if (strcmp(arg, "graceful") == 0)
		return CLOSE_GRACEFUL;
	if (strcmp(arg, "abort") == 0)
		return CLOSE_ABORT;
	usage_error("%s: invalid mode: '%s' (graceful or abort)", name, arg);
}

/*
 * Options that cannot go together, as data: each pair is a usage error
 * when both were given at all, whatever their values ("-z -i 0" too).
 * -z moves no data, so it conflicts with every session option.
 */
static const struct {
	int a, b;
} conflicts[] = {
	{ '4', '6' },
	{ 'z', 'C' },
	{ 'z', 'i' },
	{ 'z', 'q' },
	{ 'z', OPT_NO_HALF },
	{ 'z', OPT_SETTLE },
};

static void
check_conflicts(const bool given[OPT_END])
{
	char a[32];
	size_t i;

	for (i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++) {
		if (!given[conflicts[i].a] || !given[conflicts[i].b])
			continue;
		strlcpy(a, opt_name(conflicts[i].a, -1), sizeof(a));
		usage_error("%s and %s cannot be used together", a,
		    opt_name(conflicts[i].b, -1));
	}
}

/* Print text and more on stdout and exit 0, or 11 if stdout took none. */
static void
print_and_exit(const char *text, const char *more)
{
	fputs(text, stdout);
	fputs(more, stdout);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("write to stdout");
		exit(TD_IO);
	}
	exit(TD_OK);
}

/* One option letter (or long-only value) into o; exits on bad values. */
static void
set_option(struct options *o, int ch, const char *name)
{
	switch (ch) {
	case '4':
		o->family = AF_INET;
		break;
	case '6':
		o->family = AF_INET6;
		break;
	case 'C':
		o->crlf = true;
		break;
	case 'i':
		/* 0 is no limit: an idle timer of 0 would let no byte by. */
		o->idle_ms = get_duration(name, optarg, true);
		break;
	case 'm':
		o->max_time_ms = get_duration(name, optarg, true);
		break;
	case 'N':
		o->half_close = true;
		break;
	case 'n':
		o->numeric = true;
		break;
	case 'p':
		get_port(name, optarg, o->source_port);
		break;
	case 'q':
		o->disconnect_wait_ms = get_duration(name, optarg, false);
		break;
	case 's':
		o->source = optarg;
		break;
	case 'v':
		o->verbose++;
		break;
	case 'w':
		/* 0 is no deadline, as for libcurl's CURLOPT_CONNECTTIMEOUT. */
		o->connect_timeout_ms = get_duration(name, optarg, true);
		break;
	case 'z':
		o->probe = true;
		break;
	case OPT_CLOSE:
		o->close_mode = get_close_mode(name, optarg);
		break;
	case OPT_NO_HALF:
		o->half_close = false;
		break;
	case OPT_SETTLE:
		o->settle_ms = get_duration(name, optarg, true);
		break;
	}
}

/*
 * Fill o from argv.  Returns only when every argument is valid; prints
 * help or version and exits 0 (11 when stdout takes neither), or reports
 * a usage error and exits 2.
 */
void
options_parse(int argc, char **argv, struct options *o)
{
	bool given[OPT_END] = { false };
	int ch, longindex;

	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->connect_timeout_ms = o->idle_ms = o->disconnect_wait_ms = -1;
	o->max_time_ms = o->settle_ms = -1;
	o->close_mode = CLOSE_GRACEFUL;
	o->half_close = true;

	opterr = 0;
	for (;;) {
		longindex = -1;
		ch = getopt_long(argc, argv, shortopts, longopts, &longindex);
		if (ch == -1)
			break;
		if (ch == 'h')
			print_and_exit(usage_text, help_text);
		if (ch == 'V')
			print_and_exit(PACKAGE_NAME " " PACKAGE_VERSION "\n",
			    "");
		if (ch == ':')
			usage_error("option requires an argument: %s",
			    argv[optind - 1]);
		if (ch == '?')
			reject_option(argv);
		set_option(o, ch, opt_name(ch, longindex));
		given[ch] = true;
	}
	check_conflicts(given);
	if (o->source != NULL)
		check_host("source address", o->source, "", o);
	parse_operands(argc - optind, argv + optind, o);
	/* SHIM until the targets branch lands. */
	{
		static struct target_spec one;

		one.host = one.operand = o->host;
		strlcpy(one.port, o->port, sizeof(one.port));
		o->targets = &one;
		o->ntargets = 1;
		o->attempt_delay_ms = 250;
	}
}
