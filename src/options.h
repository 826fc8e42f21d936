/*
 * Inside the options room (options.c, optrules.c): the long options'
 * values and the helpers both files use.  Nothing else includes this.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <err.h>
#include <stdbool.h>

/* Long-only options: values past every letter. */
enum {
	OPT_LONG = 256,
	OPT_ANY = OPT_LONG,
	OPT_DELAY,
	OPT_BACKOFF,
	OPT_CLOSE,
	OPT_EXPECT,
	OPT_EXPECT_TIMEOUT,
	OPT_HEXDUMP,
	OPT_INTERVAL,
	OPT_INVERT,
	OPT_JSON,
	OPT_NO_HALF,
	OPT_QUIET,
	OPT_SEND,
	OPT_SETTLE,
	OPT_TRACE,
	OPT_WAIT,
	OPT_END,
};

/*
 * Print one line naming what was wrong, kept in o->usage for the --json
 * report; -1, for the caller to return.
 */
#define usage_error(o, ...) options_usage((o), __VA_ARGS__)

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* options.c */
const char	*opt_name(int, int);
int		 options_usage(struct options *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* optrules.c */
int		 optrules_check(struct options *, const bool [OPT_END]);
void		 optrules_flags(struct options *, const bool [OPT_END]);
int		 optrules_imply(struct options *, const bool [OPT_END]);

#endif
