/*
 * tcpdial: dial one TCP connection, relay stdin and stdout through it,
 * end it as asked, and say how it went in the exit status.
 */
#include <stdlib.h>

#include "tcpdial.h"

int
main(int argc, char *argv[])
{
	/*
	 * Static: what o points to (the targets) lives until exit, and a
	 * leak checker, run after main returns, sees it still reachable.
	 */
	static struct options o;
	struct session s = {
		.fd = -1,
		.connected_ms = -1,
		.fin_sent_ms = -1,
		.peer_fin_ms = -1,
		.disconnect_deadline = NO_DEADLINE,
	};
	int code;

	setprogname("tcpdial");
	if ((code = options_parse(argc, argv, &o)) != GO_ON)
		return code;
	stdio_init(!o.probe);
	sig_init();
	s.max_deadline = clock_deadline(o.max_time_ms);

	code = dial(&o, &s);
	if (code != TD_OK)
		return code;
	if (o.probe) {
		/* -z: nothing to send; close at once, as --close says. */
		s.how = END_CUT;
		code = hangup_end(&o, &s, TD_OK);
	} else {
		code = relay_run(&o, &s);
		code = hangup_end(&o, &s, code);
	}
	report_summary(&o, &s, code);
	return code;
}
