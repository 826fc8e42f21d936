/*
 * One session's connect phase: the connector over its one target.
 */
#include "tcpdial.h"
#include "hexdump.h"

/*
 * Open the --hexdump file, if any, then resolve, bind if -s/-p asked
 * for it, and connect: set up s and run the connector for the first
 * target.  Returns TD_OK with s->fd connected (non-blocking), 128+n for
 * a signal, or the target's failure (TD_IO: the dump), already reported.
 */
int
dial(const struct options *o, struct session *s, struct hexdump *dump)
{
	int code;

	connector_session(s, o, &o->targets[0], clock_now_ms());
	/* Before any packet: a dump that cannot be is known at once. */
	if (hexdump_open(dump, o, s) == -1)
		return s->code = TD_IO;
	if ((code = connector_run(o, s, 1, NULL)) != GO_ON)
		return code;
	if (s->code != TD_OK)
		report_target_failed(o, s);
	return s->code;
}
