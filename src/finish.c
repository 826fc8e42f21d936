/*
 * The end of every run, for main() and the drivers: the --json report
 * (SPEC 9) rendered from the record and written, and the status it
 * leaves.
 */
#include <errno.h>
#include <stdlib.h>

#include "tcpdial.h"

/*
 * Write the --json report, if asked for, of the sessions ss[0, n)
 * ending with code.  Returns the status to exit with: code; 128+n for a
 * signal that came before the report was written; or TD_IO when the
 * report could not be written and nothing had failed before.
 */
int
finish_run(const struct options *o, const struct session *ss, size_t n,
    int code)
{
	size_t len;
	char *text;
	int err = 0;

	if (o->json == NULL)
		return code;
	/* A signal that came meanwhile ends the run: the report says so. */
	sig_take_pending();
	if (code == TD_OK && sig_count() > 0)
		code = TD_SIGNAL_BASE + sig_first();
	if ((text = report_json_text(o, ss, n, code, &len)) == NULL)
		err = ENOMEM;
	/* After a signal, no waiting for a reader: the run is to end. */
	else if (stdio_write_file(o->json, text, len, sig_count() > 0 ? NULL :
	    sig_pollmask()) == -1)
		err = errno;
	free(text);
	if (err == 0)
		return code;
	report_json_unwritten(o, err);
	/* A signal that came while it was written (EINTR) outranks 11. */
	if (code == TD_OK && sig_count() > 0)
		return TD_SIGNAL_BASE + sig_first();
	return code == TD_OK ? TD_IO : code;
}
