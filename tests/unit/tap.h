/*
 * A tiny TAP producer for the C unit tests (tests/unit), as curl's
 * tests/unit does it: one "ok N - name" or "not ok N - name" per check,
 * so that automake's tap-driver.sh counts each check as a test.
 *
 *	plan(3);
 *	ok(n > 0, "n is positive");
 *	is_int(f(1), 2, "f(1)");
 *	is_str(g(), "x", "g()");
 *	return done();
 *
 * plan() may be left out: done() then prints the plan after the checks
 * (TAP allows it at either end), so a list of cases can grow without a
 * count to keep in step.  A test that dies half-way leaves its plan
 * unmet, which tap-driver.sh reports as an error.
 *
 * The exit status is not the verdict, as for the bats files (Makefile.am,
 * --ignore-exit): each "not ok" line is already one failure.  done()
 * returns 0 once the checks have run, whatever they found, so that a
 * non-zero status means the test program itself went wrong: a sanitizer
 * or memcheck report (exit 99), or a crash, each one error more.
 * Everything is static: each test is one .c file.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_planned = -1, tap_run, tap_failed;

static inline void
plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

static inline bool __attribute__((__format__(__printf__, 2, 0)))
tap_vok(bool pass, const char *fmt, va_list ap)
{
	tap_run++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	putchar('\n');
	/* Each line out at once: a crash later still shows how far it got. */
	fflush(stdout);
	return pass;
}

/* One check: cond must hold.  Returns cond. */
static inline bool __attribute__((__format__(__printf__, 2, 3)))
ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	bool pass;

	va_start(ap, fmt);
	pass = tap_vok(cond, fmt, ap);
	va_end(ap);
	return pass;
}

/* got must equal want; a failure says both on a TAP comment line. */
static inline bool
is_int(long long got, long long want, const char *name)
{
	if (ok(got == want, "%s", name))
		return true;
	printf("#   got: %lld\n#  want: %lld\n", got, want);
	return false;
}

/* got must be the string want (NULL only matches NULL). */
static inline bool
is_str(const char *got, const char *want, const char *name)
{
	bool same;

	same = got == want ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);
	if (ok(same, "%s", name))
		return true;
	printf("#   got: %s%s%s\n", got ? "'" : "", got ? got : "NULL",
	    got ? "'" : "");
	printf("#  want: %s%s%s\n", want ? "'" : "", want ? want : "NULL",
	    want ? "'" : "");
	return false;
}

/*
 * The end of the checks: the plan if none came first, a summary line
 * for a person reading the log, and the exit status, 0 (see above).
 */
static inline int
done(void)
{
	if (tap_planned == -1)
		printf("1..%d\n", tap_planned = tap_run);
	if (tap_run != tap_planned)
		printf("# planned %d checks, ran %d\n", tap_planned, tap_run);
	if (tap_failed > 0)
		printf("# %d of %d checks failed\n", tap_failed, tap_run);
	return fflush(stdout) == 0 ? 0 : 1;
}

#endif
