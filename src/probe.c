/*
 * -z: probe every target at once (SPEC 8).  Each one that connects is
 * closed at once, as --close says, without a byte sent.  The status is
 * the first failing target's, in operand order; with --any, success as
 * soon as one connects.  After success, "-- COMMAND" takes our place.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "tcpdial.h"

/*
 * A target's connection is done with (connected, checked, or a check
 * failed): close it at once, as --close says, so that its descriptor is
 * free for the targets still waiting for one.
 */
static void
probe_won(const struct options *o, struct session *s)
{
	s->how = END_CUT;
	s->code = hangup_end(o, s, s->code);
	s->fd = -1;
	report_summary(o, s, s->code);
}

/*
 * Say what failed, in operand order.  Returns the status of the first
 * target that failed, or TD_OK.
 */
static int
probe_end(const struct options *o, struct session *ss, size_t n)
{
	bool one_ok = false;
	int first = TD_OK;
	size_t i;

	for (i = 0; i < n; i++)
		one_ok = one_ok || ss[i].code == TD_OK;
	/* --any: one answered; the others' failures do not matter. */
	if (o->any && one_ok)
		return TD_OK;
	for (i = 0; i < n; i++) {
		if (ss[i].code == TD_OK || ss[i].code == GO_ON)
			continue;
		report_target_failed(o, &ss[i]);
		if (first == TD_OK)
			first = ss[i].code;
	}
	return first;
}

/*
 * Replace tcpdial with the command: no shell, so its status, its
 * signals and its PID are the caller's to see, and its stderr the
 * caller's (stderr_fd: what --quiet kept of it, or -1).  The report is
 * written first, and again if the command cannot run.  Returns only on
 * failure.
 */
static int
probe_exec(const struct options *o, struct session *ss, size_t n,
    int stderr_fd)
{
	int code;

	if ((code = finish_run(o, ss, n, TD_OK)) != TD_OK)
		return code;
	sig_restore();
	stdio_speak(stderr_fd);
	execvp(o->command[0], o->command);
	code = errno == ENOENT ? TD_CMD_NOT_FOUND : TD_CMD_CANNOT_RUN;
	report_run_failed(&ss[0], o->command[0], !o->quiet);
	return finish_run(o, ss, n, code);
}

/*
 * Probe o's targets (--wait: until they answer, or time is up).  Returns
 * TD_OK when all succeeded (--any: one), the first failing target's
 * status, or 128+n for a signal; each failure reported.  With a command
 * after "--", success runs it, stderr_fd its stderr (stdio_quiet()).
 */
int
probe_run(const struct options *o, int stderr_fd)
{
	struct session one, *ss = &one;
	long long start = clock_now_ms();
	size_t i, n = o->ntargets;
	int code;

	if (n > 1 && (ss = calloc(n, sizeof(*ss))) == NULL) {
		report_local(NULL, LOCAL_MEMORY);
		return finish_run(o, NULL, 0, TD_FAILURE);
	}
	for (i = 0; i < n; i++)
		connector_session(&ss[i], o, &o->targets[i], start);
	code = connector_run(o, ss, n, probe_won);
	if (code == GO_ON)
		code = probe_end(o, ss, n);
	/* A signal that came after the last wait still ends it. */
	if (code == TD_OK && sig_count() > 0)
		code = TD_SIGNAL_BASE + sig_first();
	if (code == TD_OK && o->command != NULL)
		code = probe_exec(o, ss, n, stderr_fd);
	else
		code = finish_run(o, ss, n, code);
	if (ss != &one)
		free(ss);
	return code;
}
