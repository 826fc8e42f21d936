/*
 * libFuzzer harness for options_parse() (src/options.c): the whole argv.
 *
 * The input is split at NUL bytes into at most FUZZ_ARGS arguments after
 * "tcpdial".  options_parse() must either go on with a struct options
 * that keeps every promise in tcpdial.h, or return 0 (help, version) or
 * 2 (usage, with one message that echoes what the user typed).  The same
 * argv parsed twice must give the same answer: nothing may leak from
 * one call into the next through getopt's or options.c's statics.
 */
#include "fuzz_options.h"

#define FUZZ_ARGS 16

static void
args_from_input(struct fuzz_args *a, const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *nul;

	args_init(a);
	args_add_str(a, "tcpdial");
	while (p < end && a->argc < FUZZ_ARGS + 1) {
		nul = memchr(p, '\0', (size_t)(end - p));
		if (nul == NULL)
			nul = end;
		args_add(a, p, (size_t)(nul - p));
		p = nul + 1;
	}
}

/* Where s lies in a's arguments, for comparing two runs. */
static long
arg_offset(const char *s, const struct fuzz_args *a)
{
	int i;

	if (s == NULL)
		return -1;
	for (i = 0; i < a->argc; i++)
		if (s >= a->copy[i] && s <= a->copy[i] + a->len[i])
			return (long)i * 100000 + (s - a->copy[i]);
	__builtin_trap();
}

/* Where the command starts in a's argv, or -1 without one. */
static long
command_index(char **command, const struct fuzz_args *a)
{
	return command == NULL ? -1 : (long)(command - a->argv);
}

static void
check_same(const struct options *x, const struct fuzz_args *ax,
    const struct options *y, const struct fuzz_args *ay)
{
	size_t i;

	CHECK(x->ntargets == y->ntargets);
	for (i = 0; i < x->ntargets; i++) {
		CHECK(strcmp(x->targets[i].host, y->targets[i].host) == 0);
		CHECK(strcmp(x->targets[i].port, y->targets[i].port) == 0);
		CHECK(arg_offset(x->targets[i].operand, ax) ==
		    arg_offset(y->targets[i].operand, ay));
	}
	CHECK(command_index(x->command, ax) == command_index(y->command, ay));
	CHECK(arg_offset(x->source, ax) == arg_offset(y->source, ay));
	CHECK(strcmp(x->source_port, y->source_port) == 0);
	CHECK(x->family == y->family);
	CHECK(x->connect_timeout_ms == y->connect_timeout_ms);
	CHECK(x->idle_ms == y->idle_ms);
	CHECK(x->disconnect_wait_ms == y->disconnect_wait_ms);
	CHECK(x->max_time_ms == y->max_time_ms);
	CHECK(x->settle_ms == y->settle_ms);
	CHECK(x->attempt_delay_ms == y->attempt_delay_ms);
	CHECK(x->any == y->any);
	CHECK(x->close_mode == y->close_mode);
	CHECK(x->numeric == y->numeric);
	CHECK(x->half_close == y->half_close);
	CHECK(x->probe == y->probe);
	CHECK(x->crlf == y->crlf);
	CHECK(x->verbose == y->verbose);
	CHECK(x->wait == y->wait && x->wait_ms == y->wait_ms);
	CHECK(x->interval_ms == y->interval_ms && x->backoff == y->backoff);
	CHECK(x->send_len == y->send_len && (x->send == NULL) ==
	    (y->send == NULL));
	CHECK(x->send == NULL || memcmp(x->send, y->send, x->send_len) == 0);
	CHECK(x->expect_len == y->expect_len && (x->expect == NULL) ==
	    (y->expect == NULL));
	CHECK(x->expect == NULL ||
	    memcmp(x->expect, y->expect, x->expect_len) == 0);
	CHECK(x->expect_timeout_ms == y->expect_timeout_ms);
	CHECK(x->invert == y->invert && x->quiet == y->quiet);
	CHECK(arg_offset(x->json, ax) == arg_offset(y->json, ay));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_err err1, err2;
	struct fuzz_args a1, a2;
	struct options o1, o2;
	int st1, st2;

	args_from_input(&a1, data, size);
	args_from_input(&a2, data, size);

	err_capture(&err1);
	st1 = run_options(&a1, &o1);
	check_status(st1, err_release(&err1), &a1);
	/* The usage error kept for --json is the one said, or its start. */
	if (st1 == TD_USAGE)
		CHECK(o1.usage[0] != '\0' && strncmp(err1.buf + strlen(
		    program_invocation_short_name) + 2, o1.usage,
		    strlen(o1.usage)) == 0);
	if (st1 == GO_ON)
		check_options(&o1, &a1);

	err_capture(&err2);
	st2 = run_options(&a2, &o2);
	err_release(&err2);
	CHECK(st1 == st2);
	CHECK(strcmp(err1.buf, err2.buf) == 0);
	if (st1 == GO_ON)
		check_same(&o1, &a1, &o2, &a2);

	options_free(&o1);
	options_free(&o2);
	args_free(&a1);
	args_free(&a2);
	return 0;
}
