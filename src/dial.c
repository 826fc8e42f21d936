/*
 * One session's connect phase: the connector over its one target.
 */
#include "tcpdial.h"

/*
 * Resolve, bind if -s/-p asked for it, and connect: set up s and run
 * the connector for the first target.  Returns TD_OK with s->fd
 * connected (non-blocking), 128+n for a signal, or the target's failure,
 * already reported.
 */
int
dial(const struct options *o, struct session *s)
{
	int code;

	connector_session(s, o, &o->targets[0], clock_now_ms());
	if ((code = connector_run(o, s, 1, NULL)) != GO_ON)
		return code;
	if (s->code != TD_OK)
		report_target_failed(o, s);
	return s->code;
}
