/*
 * argv to struct options.  The only file that looks at argv.  It exits
 * nowhere: a usage error is printed here and returned as TD_USAGE, for
 * main() to exit with before any name is resolved or any packet is sent.
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
#include "options.h"

/* Sorted by long name. */
static const struct option longopts[] = {
	{ "any",		no_argument,		NULL,	OPT_ANY },
	{ "attempt-delay",	required_argument,	NULL,	OPT_DELAY },
	{ "backoff",		no_argument,		NULL,	OPT_BACKOFF },
	{ "close",		required_argument,	NULL,	OPT_CLOSE },
	{ "connect-timeout",	required_argument,	NULL,	'w' },
	{ "crlf",		no_argument,		NULL,	'C' },
	{ "disconnect-wait",	required_argument,	NULL,	'q' },
	{ "expect",		required_argument,	NULL,	OPT_EXPECT },
	{ "expect-timeout",	required_argument,	NULL,
	    OPT_EXPECT_TIMEOUT },
	{ "help",		no_argument,		NULL,	'h' },
	{ "hexdump",		required_argument,	NULL,	OPT_HEXDUMP },
	{ "idle-timeout",	required_argument,	NULL,	'i' },
	{ "interval",		required_argument,	NULL,	OPT_INTERVAL },
	{ "invert",		no_argument,		NULL,	OPT_INVERT },
	{ "json",		required_argument,	NULL,	OPT_JSON },
	{ "max-time",		required_argument,	NULL,	'm' },
	{ "no-half-close",	no_argument,		NULL,	OPT_NO_HALF },
	{ "numeric",		no_argument,		NULL,	'n' },
	{ "probe",		no_argument,		NULL,	'z' },
	{ "quiet",		no_argument,		NULL,	OPT_QUIET },
	{ "send",		required_argument,	NULL,	OPT_SEND },
	{ "settle",		required_argument,	NULL,	OPT_SETTLE },
	{ "source",		required_argument,	NULL,	's' },
	{ "source-port",	required_argument,	NULL,	'p' },
	{ "trace",		no_argument,		NULL,	OPT_TRACE },
	{ "verbose",		no_argument,		NULL,	'v' },
	{ "version",		no_argument,		NULL,	'V' },
	{ "wait",		required_argument,	NULL,	OPT_WAIT },
	{ NULL,			0,			NULL,	0 },
};
static const char shortopts[] = ":46Chi:m:Nnp:q:s:Vvw:z";


/*
 * getopt_long said '?': name the argument as the user typed it.  A long
 * option (or an abbreviation) given "=value" it takes none of comes back
 * with optopt set to that option's val, not a letter the user typed.
 */
static int
reject_option(struct options *o, char **argv)
{
	const char *arg = argv[optind - 1];
	size_t n, i;

	if (optopt == 0)
		return usage_error(o, "unknown option: %s", arg);
	if (strncmp(arg, "--", 2) == 0 && arg[2 + (n = strcspn(arg + 2,
	    "="))] == '=')
		for (i = 0; longopts[i].name != NULL; i++)
			if (longopts[i].val == optopt &&
			    strncmp(longopts[i].name, arg + 2, n) == 0)
				return usage_error(o, "option takes no "
				    "argument: %s", arg);
	if (isprint(optopt))
		return usage_error(o, "unknown option: -%c", optopt);
	return usage_error(o, "unknown option: -\\x%02x", optopt & 0xff);
}

/*
 * The option as the user spelled it, for messages: "-w" or "--close".
 * With no longindex, the short form, or the long one if it has none.
 */
const char *
opt_name(int ch, int longindex)
{
	static char name[32];
	int i;

	for (i = 0; longindex < 0 && ch >= OPT_LONG && longopts[i].name; i++)
		if (longopts[i].val == ch)
			longindex = i;
	/*
	 * Not snprintf: every option given is named here, and printf's code
	 * is four more fault-around windows of libc in a probe's peak RSS.
	 */
	if (longindex >= 0) {
		name[0] = name[1] = '-';
		strlcpy(name + 2, longopts[longindex].name, sizeof(name) - 2);
	} else {
		name[0] = '-';
		name[1] = (char)ch;
		name[2] = '\0';
	}
	return name;
}

/*
 * Say a usage error, whole, and keep it in o->usage for the --json
 * report (cut at USAGE_MAX - 1 bytes).  Returns -1.
 */
int
options_usage(struct options *o, const char *fmt, ...)
{
	va_list ap, copy;

	va_start(ap, fmt);
	va_copy(copy, ap);
	(void)vsnprintf(o->usage, sizeof(o->usage), fmt, copy);
	va_end(copy);
	vwarnx(fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * A DURATION into *ms; for a limit, 0 means none and is stored as -1.
 * Returns 0, or -1 after the usage error.
 */
static int
get_duration(struct options *o, const char *name, const char *arg,
    bool limit, long long *ms)
{
	const char *errstr = NULL;

	if (parse_duration(arg, ms, &errstr) == -1)
		return usage_error(o, "%s: %s: '%s'", name, errstr, arg);
	if (limit && *ms == 0)
		*ms = -1;
	return 0;
}

static int
get_port(struct options *o, const char *name, const char *arg, char *out)
{
	const char *errstr = NULL;
	int port;

	if ((port = parse_port(arg, &errstr)) == -1)
		return usage_error(o, "%s: %s: '%s'", name, errstr, arg);
	port_string(port, out);
	return 0;
}

static int
get_close_mode(struct options *o, const char *name, const char *arg,
    enum close_mode *mode)
{
	if (strcmp(arg, "graceful") != 0 && strcmp(arg, "abort") != 0)
		return usage_error(o, "%s: invalid mode: '%s' (graceful or "
		    "abort)", name, arg);
	*mode = arg[0] == 'a' ? CLOSE_ABORT : CLOSE_GRACEFUL;
	return 0;
}

/*
 * --send or --expect's STRING, its C escapes decoded into a copy of its
 * own (options_free() frees it).  Returns 0, or -1 after the usage error.
 */
static int
get_string(struct options *o, const char *name, const char *arg, size_t max,
    char **out, size_t *len)
{
	const char *errstr = NULL;

	free(*out);
	/* Decoded in place: an escape only shrinks. */
	if ((*out = strdup(arg)) == NULL)
		return usage_error(o, "%s: out of memory", name);
	if (parse_escapes(*out, *out, len, &errstr) == -1)
		return usage_error(o, "%s: %s: '%s'", name, errstr, arg);
	if (*len > max)
		return usage_error(o, "%s: longer than %zu bytes: '%.20s...'",
		    name, max, arg);
	return 0;
}

/* The options of waiting (SPEC 8), as set_option() does the others. */
static int
set_wait_option(struct options *o, int ch, const char *name)
{
	switch (ch) {
	case OPT_WAIT:
		/* A limit: 0 waits for ever. */
		o->wait = true;
		return get_duration(o, name, optarg, true, &o->wait_ms);
	case OPT_INTERVAL:
		return get_duration(o, name, optarg, false, &o->interval_ms);
	case OPT_SEND:
		return get_string(o, name, optarg, SIZE_MAX, &o->send,
		    &o->send_len);
	case OPT_EXPECT:
		return get_string(o, name, optarg, EXPECT_MAX, &o->expect,
		    &o->expect_len);
	case OPT_EXPECT_TIMEOUT:
		return get_duration(o, name, optarg, true,
		    &o->expect_timeout_ms);
	}
	return 0;
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
		return get_duration(o, name, optarg, false,
		    &o->attempt_delay_ms);
	case ':':
		return usage_error(o, "option requires an argument: %s",
		    argv[optind - 1]);
	case '?':
		return reject_option(o, argv);
	case 'i':
		/* 0 is no limit: an idle timer of 0 would let no byte by. */
		return get_duration(o, name, optarg, true, &o->idle_ms);
	case 'm':
		return get_duration(o, name, optarg, true, &o->max_time_ms);
	case 'N':
	case OPT_NO_HALF:
		/* The last one given wins. */
		o->half_close = ch == 'N';
		return 0;
	case 'p':
		return get_port(o, name, optarg, o->source_port);
	case 'q':
		return get_duration(o, name, optarg, false,
		    &o->disconnect_wait_ms);
	case 's':
		o->source = optarg;
		return 0;
	case 'v':
		o->verbose++;
		return 0;
	case 'w':
		/* 0 is no deadline, as for libcurl's CURLOPT_CONNECTTIMEOUT. */
		return get_duration(o, name, optarg, true,
		    &o->connect_timeout_ms);
	case OPT_CLOSE:
		return get_close_mode(o, name, optarg, &o->close_mode);
	case OPT_SETTLE:
		return get_duration(o, name, optarg, true, &o->settle_ms);
	case OPT_JSON:
	case OPT_HEXDUMP:
		if (optarg[0] == '\0')
			return usage_error(o, "%s: empty file name", name);
		*(ch == OPT_JSON ? &o->json : &o->hexdump) = optarg;
		return 0;
	}
	return set_wait_option(o, ch, name);
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
	o->interval_ms = 250;

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
			return usage_print(ch == 'h');
		if (set_option(o, ch, opt_name(ch, longindex), argv) == -1)
			return TD_USAGE;
		given[ch] = true;
	}
	if (optrules_check(o, given) == -1)
		return TD_USAGE;
	optrules_flags(o, given);
	code = target_parse(nopt - optind, argv + optind, tail, o, msg,
	    sizeof(msg));
	if (code != TD_OK) {
		(void)usage_error(o, "%s", msg);
		return code;
	}
	return optrules_imply(o, given) == -1 ? TD_USAGE : GO_ON;
}

/* Free what options_parse() allocated, for a caller that parses again. */
void
options_free(struct options *o)
{
	target_free(o);
	free(o->send);
	free(o->expect);
	o->send = o->expect = NULL;
}
