/*
 * Shared by fuzz_target.c and fuzz_argv.c: run options_parse(), which
 * returns the status to exit with (or GO_ON), and check what it filled
 * in and what it printed.
 */
#ifndef FUZZ_OPTIONS_H
#define FUZZ_OPTIONS_H

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcpdial.h"

#include "fuzz_check.h"

/* The most arguments a harness builds, argv[0] included. */
#define FUZZ_ARGV_MAX 24

int LLVMFuzzerInitialize(int *, char ***);

/*
 * usage_error() and --help print on every run; send them to /dev/null.
 * Only the stdio streams move, not fds 1 and 2: libFuzzer copied the
 * stderr pointer before this runs and the sanitizers write to fd 2, so
 * their reports still show.  glibc lets a program assign to stdout and
 * stderr ("Standard Streams" in the glibc manual).  -close_fd_mask=3
 * works too: libFuzzer then prints through its own dup of fd 2.
 * FUZZ_VERBOSE=1 keeps the messages, to see what an input does.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null;

	(void)argc;
	(void)argv;
	if (getenv("FUZZ_VERBOSE") != NULL)
		return 0;
	null = fopen("/dev/null", "w");
	if (null == NULL)
		abort();
	stdout = null;
	stderr = null;
	return 0;
}

/*
 * The argument vector handed to options_parse(), which may reorder argv
 * (GNU getopt permutes) and write NULs into the strings.  copy[] and
 * len[] keep each string's block and original length.
 */
struct fuzz_args {
	int argc;
	char *argv[FUZZ_ARGV_MAX + 1];
	char *copy[FUZZ_ARGV_MAX];
	size_t len[FUZZ_ARGV_MAX];
	size_t total;
};

static void
args_init(struct fuzz_args *a)
{
	memset(a, 0, sizeof(*a));
}

/* Append one argument as its own exact-size heap block, for ASan. */
static void
args_add(struct fuzz_args *a, const void *p, size_t n)
{
	char *s;

	if (a->argc >= FUZZ_ARGV_MAX)
		abort();
	s = malloc(n + 1);
	if (s == NULL)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	a->copy[a->argc] = a->argv[a->argc] = s;
	a->len[a->argc] = strlen(s);
	a->total += a->len[a->argc];
	a->argc++;
	a->argv[a->argc] = NULL;
}

static void
args_add_str(struct fuzz_args *a, const char *s)
{
	args_add(a, s, strlen(s));
}

static void
args_free(struct fuzz_args *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		free(a->copy[i]);
	a->argc = 0;
}

/*
 * Run options_parse(argc, argv, o): GO_ON, or the status to exit with.
 * It resets getopt itself (optind = 0), so nothing of the previous argv,
 * which is freed by now, may reach this one.
 */
static int
run_options(struct fuzz_args *a, struct options *o)
{
	return options_parse(a->argc, a->argv, o);
}

/* p points into one of the argument strings. */
static bool
points_into_args(const char *p, const struct fuzz_args *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if ((uintptr_t)p >= (uintptr_t)a->copy[i] &&
		    (uintptr_t)p <= (uintptr_t)(a->copy[i] + a->len[i]))
			return true;
	return false;
}

/* Bytes from 0x80 up are an IDN name's, for the resolver (AI_IDN). */
static bool
host_chars(const char *s)
{
	for (; *s != '\0'; s++)
		if (!(*s >= '0' && *s <= '9') && !(*s >= 'a' && *s <= 'z') &&
		    !(*s >= 'A' && *s <= 'Z') && (unsigned char)*s < 0x80 &&
		    strchr(".-_:%", *s) == NULL)
			return false;
	return true;
}

/* s has a '.' before its last label (a final '.' aside), a label of
 * digits, so it is no name, and inet_aton(3) does not take it as an
 * address either. */
static bool
ref_bad_number(const char *s)
{
	struct in_addr a;
	size_t n = strlen(s), i;

	if (n > 0 && s[n - 1] == '.')
		n--;
	for (i = n; i > 0 && s[i - 1] != '.'; i--)
		;
	if (i == 0 || i == n || strspn(s + i, "0123456789") < n - i)
		return false;
	return inet_aton(s, &a) == 0;
}

/* AF_INET or AF_INET6 if s is a numeric address (IPv6 maybe with a
 * %scope: one word, neither empty nor holding '%' or ':'), else
 * AF_UNSPEC. */
static int
ref_family(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];
	char v6[64];
	size_t n;

	if (inet_pton(AF_INET, s, buf) == 1)
		return AF_INET;
	n = strcspn(s, "%");
	if (n >= sizeof(v6))
		return AF_UNSPEC;
	if (s[n] == '%' && (s[n + 1] == '\0' || strchr(s + n + 1, '%') ||
	    strchr(s + n + 1, ':')))
		return AF_UNSPEC;
	memcpy(v6, s, n);
	v6[n] = '\0';
	return inet_pton(AF_INET6, v6, buf) == 1 ? AF_INET6 : AF_UNSPEC;
}

/* "1".."65535" exactly as snprintf("%d") writes it. */
static bool
is_port_string(const char *s)
{
	long n = 0;
	size_t i, len = strnlen(s, 6);

	if (len == 0 || len > 5 || s[0] == '0')
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		n = n * 10 + (s[i] - '0');
	}
	return n >= 1 && n <= 65535;
}

/* s is where one of the argument strings starts. */
static bool
is_arg_start(const char *s, const struct fuzz_args *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (s == a->copy[i])
			return true;
	return false;
}

/* A host or -s address that keeps the rules of -4, -6 and -n. */
static void
check_address(const char *s, const struct options *o)
{
	int fam;

	CHECK(s != NULL && *s != '\0');
	CHECK(host_chars(s));
	fam = ref_family(s);
	/* Only an IPv6 address may hold ':' or '%'. */
	if (strpbrk(s, ":%") != NULL)
		CHECK(fam == AF_INET6);
	if (fam == AF_UNSPEC)
		CHECK(!ref_bad_number(s));
	if (o->numeric)
		CHECK(fam != AF_UNSPEC);
	if (o->family == AF_INET)
		CHECK(fam != AF_INET6);
	if (o->family == AF_INET6)
		CHECK(fam != AF_INET);
}

/*
 * The targets: at least one, several only with -z, each host a copy of
 * its own that keeps the rules, each operand an argument as given.  The
 * command, if any, is a tail of argv (after "--") and needs -z.
 */
static void
check_targets(const struct options *o, const struct fuzz_args *a)
{
	size_t i, j;
	char **w;

	CHECK(o->targets != NULL && o->ntargets >= 1);
	CHECK(o->ntargets == 1 || o->probe);
	CHECK(o->ntargets <= (size_t)a->argc);
	for (i = 0; i < o->ntargets; i++) {
		check_address(o->targets[i].host, o);
		CHECK(!points_into_args(o->targets[i].host, a));
		for (j = 0; j < i; j++)
			CHECK(o->targets[j].host != o->targets[i].host);
		CHECK(is_port_string(o->targets[i].port));
		CHECK(is_arg_start(o->targets[i].operand, a));
		/* The host is in the operand, brackets or not. */
		CHECK(strstr(o->targets[i].operand, o->targets[i].host) !=
		    NULL);
	}
	if (o->command == NULL)
		return;
	CHECK(o->probe);
	CHECK(o->command > a->argv && o->command <= a->argv + a->argc);
	CHECK(strcmp(o->command[-1], "--") == 0);
	CHECK(o->command[0] != NULL && o->command[0][0] != '\0');
	for (w = o->command; *w != NULL; w++)
		CHECK(is_arg_start(*w, a));
}

/* Everything struct options promises after a successful parse. */
static void
check_options(const struct options *o, const struct fuzz_args *a)
{
	check_targets(o, a);
	if (o->source != NULL) {
		check_address(o->source, o);
		CHECK(points_into_args(o->source, a));
	}
	CHECK(o->source_port[0] == '\0' || is_port_string(o->source_port));
	CHECK(o->family == AF_UNSPEC || o->family == AF_INET ||
	    o->family == AF_INET6);
	/* 0 means "no limit" for -w, -i, -m and --settle: stored as -1. */
	CHECK(o->connect_timeout_ms == -1 ||
	    (o->connect_timeout_ms >= 1 && o->connect_timeout_ms <= INT_MAX));
	CHECK(o->idle_ms == -1 || (o->idle_ms >= 1 && o->idle_ms <= INT_MAX));
	CHECK(o->disconnect_wait_ms == -1 ||
	    (o->disconnect_wait_ms >= 0 && o->disconnect_wait_ms <= INT_MAX));
	CHECK(o->max_time_ms == -1 ||
	    (o->max_time_ms >= 1 && o->max_time_ms <= INT_MAX));
	CHECK(o->settle_ms == -1 ||
	    (o->settle_ms >= 1 && o->settle_ms <= INT_MAX));
	/* Not a limit: 0 is 0 (every address at once). */
	CHECK(o->attempt_delay_ms >= 0 && o->attempt_delay_ms <= INT_MAX);
	CHECK(o->close_mode == CLOSE_GRACEFUL || o->close_mode == CLOSE_ABORT);
	CHECK(o->verbose >= 0 && (size_t)o->verbose <= a->total);
	/* --any requires -z. */
	CHECK(!o->any || o->probe);
	/* --wait: a limit, or -1 for none; without it, none at all. */
	CHECK(o->wait ? o->wait_ms == -1 || (o->wait_ms >= 1 &&
	    o->wait_ms <= INT_MAX) : o->wait_ms == 0);
	CHECK(o->interval_ms >= 0 && o->interval_ms <= INT_MAX);
	CHECK(!o->backoff || o->wait);
	CHECK(o->expect_timeout_ms == -1 || (o->expect_timeout_ms >= 1 &&
	    o->expect_timeout_ms <= INT_MAX));
	/* The checks imply -z; their strings are decoded, never empty. */
	CHECK(o->send == NULL || (o->probe && o->send_len >= 1));
	CHECK(o->expect == NULL || (o->probe && o->expect_len >= 1 &&
	    o->expect_len <= EXPECT_MAX));
	CHECK(!o->invert || (o->probe && o->send == NULL &&
	    o->expect == NULL));
	CHECK(!o->quiet || o->verbose == 0);
	/* --json: a name in argv, never empty; stdout only for a probe. */
	CHECK(o->json == NULL || (points_into_args(o->json, a) &&
	    o->json[0] != '\0'));
	CHECK(o->json == NULL || strcmp(o->json, "-") != 0 || o->probe);
	/* No usage error said, none kept for the report. */
	CHECK(o->usage[0] == '\0');
	/* Several targets, or a command, only with a probe. */
	CHECK((o->ntargets == 1 && o->command == NULL) || o->probe);
	if (o->probe) {
		CHECK(!o->crlf);
		CHECK(o->idle_ms == -1);
		CHECK(o->disconnect_wait_ms == -1);
		CHECK(o->half_close);
		CHECK(o->settle_ms == -1);
	}
}

/*
 * stderr for one run: a usage error is one message, "prog: text\n" (the
 * text may hold newlines the user typed); nothing else writes there.
 */
struct fuzz_err {
	char buf[1 << 16];
	FILE *f;
	FILE *saved;
};

static void
err_capture(struct fuzz_err *e)
{
	/* glibc's "w" keeps the old contents until the first write. */
	e->buf[0] = '\0';
	e->saved = stderr;
	e->f = fmemopen(e->buf, sizeof(e->buf), "w");
	if (e->f == NULL)
		abort();
	stderr = e->f;
}

/* Returns the captured text, NUL-terminated (maybe cut short). */
static const char *
err_release(struct fuzz_err *e)
{
	fclose(e->f);
	stderr = e->saved;
	e->buf[sizeof(e->buf) - 1] = '\0';
	if (getenv("FUZZ_VERBOSE") != NULL)
		fputs(e->buf, stderr);
	return e->buf;
}

/* s is the whole text of one of the arguments as given. */
static bool
is_arg(const char *s, const struct fuzz_args *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (strcmp(s, a->copy[i]) == 0)
			return true;
	return false;
}

/* c was typed in an argument that looks like an option. */
static bool
in_option_arg(char c, const struct fuzz_args *a)
{
	int i;

	for (i = 1; i < a->argc; i++)
		if (a->copy[i][0] == '-' && strchr(a->copy[i] + 1, c) != NULL)
			return true;
	return false;
}

/*
 * Check the status options_parse() returned and what it printed.  Past
 * GO_ON it may only be 0 (help, version) or 2 (usage), and a usage error
 * echoes back what the user typed.
 */
static void
check_status(int status, const char *err, const struct fuzz_args *a)
{
	static const char unknown[] = "unknown option: ";
	const char *prog = program_invocation_short_name, *text;
	size_t plen = strlen(prog), elen = strlen(err);

	CHECK(status == GO_ON || status == TD_OK || status == TD_USAGE);
	if (status != TD_USAGE) {
		CHECK(elen == 0);
		return;
	}
	CHECK(
	    strncmp(err, prog, plen) == 0 && strncmp(err + plen, ": ", 2) == 0);
	CHECK(elen > plen + 3 && err[elen - 1] == '\n');
	/* Cut short by the capture buffer: the rest is unknown. */
	if (elen >= sizeof(((struct fuzz_err *)NULL)->buf) - 1)
		return;
	text = err + plen + 2;
	if (strncmp(text, unknown, sizeof(unknown) - 1) == 0) {
		static char opt[sizeof(((struct fuzz_err *)NULL)->buf)];
		size_t n = strlen(text) - (sizeof(unknown) - 1) - 1;

		memcpy(opt, text + sizeof(unknown) - 1, n);
		opt[n] = '\0';
		/* A letter that is not printable comes back as -\xNN. */
		if (n == 5 && strncmp(opt, "-\\x", 3) == 0) {
			opt[1] = (char)strtol(opt + 3, NULL, 16);
			opt[2] = '\0';
			n = 2;
			CHECK(!isprint((unsigned char)opt[1]));
		}
		CHECK(is_arg(opt, a) ||
		    (n == 2 && opt[0] == '-' && in_option_arg(opt[1], a)));
	}
}

#endif
