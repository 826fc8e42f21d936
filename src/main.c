/*
 * tcpdial: dial one TCP connection, relay stdin and stdout through it,
 * end it as asked, and say how it went in the exit status.  With -z,
 * probe every target at once instead.
 */
#include <stdlib.h>
#include <unistd.h>

#include "tcpdial.h"
#include "hexdump.h"

int
main(int argc, char *argv[])
{
	/*
	 * Static: what o points to (the targets) lives until exit, and a
	 * leak checker, run after main returns, sees it still reachable.
	 */
	static struct options o;
	static struct hexdump dump;	/* 64 KiB of lines: not on the stack */
	static struct session s;	/* 8 KiB: off the stack of a probe */
	int code, stderr_fd = -1;

	setprogname("tcpdial");
	/* First: the report of a usage error meets a closed stdout's EPIPE. */
	sig_init();
	code = options_parse(argc, argv, &o);
	/* Help and the version write no report; everything else does. */
	if (code == TD_USAGE || code == TD_FAILURE)
		return finish_run(&o, NULL, 0, code);
	if (code != GO_ON)
		return code;
	stdio_init(!o.probe);
	if (o.quiet)
		stderr_fd = stdio_quiet();
	if (o.probe) {
		code = probe_run(&o, stderr_fd);
		/* Kept for a command to run; there was none, or it failed. */
		if (stderr_fd != -1)
			close(stderr_fd);
		return code;
	}
	/* A session runs no command: no stderr to give back. */
	if (stderr_fd != -1)
		close(stderr_fd);

	code = dial(&o, &s, &dump);
	if (code != TD_OK)
		return finish_run(&o, &s, 1, hexdump_end(&dump, &s, code));
	code = relay_run(&o, &s, &dump);
	code = hangup_end(&o, &s, code);
	/* The target's outcome is the session's. */
	s.code = code = hexdump_end(&dump, &s, code);
	code = finish_run(&o, &s, 1, code);
	report_summary(&o, &s, code);
	return code;
}
