/*
 * What -h and -V print.  The --help text lists every option, as the man
 * page does; the docs test holds the two and the completions together.
 */
#include <err.h>
#include <stdio.h>

#include "tcpdial.h"

/* --help: the usage line (the man page's SYNOPSIS), then the options. */
static const char help_text[] =
"usage: tcpdial [-46ChNnVvz] [--any] [--backoff] [--invert] [--no-half-close]\n"
"\t[--quiet] [--trace] [--attempt-delay duration] [--close mode]\n"
"\t[--expect string] [--expect-timeout duration] [--hexdump file]\n"
"\t[-i duration] [--interval duration] [--json file] [-m duration]\n"
"\t[-p source_port] [-q duration] [-s source] [--send string]\n"
"\t[--settle duration] [-w duration] [--wait duration]\n"
"\thost port | host:port\n"
"       tcpdial -z [options] target ... [-- command [arg ...]]\n"
"\n"
"Connect:\n"
"  -4                      use IPv4 addresses only\n"
"  -6                      use IPv6 addresses only\n"
"      --any               with -z: success when one target connects\n"
"      --attempt-delay DURATION\n"
"                          start the next address after DURATION (250ms)\n"
"  -n, --numeric           host is a numeric address; never resolve names\n"
"  -p, --source-port PORT  bind the local end to PORT (SO_REUSEADDR)\n"
"  -s, --source ADDR       bind the local end to ADDR\n"
"  -w, --connect-timeout DURATION\n"
"                          deadline for the whole connect phase\n"
"  -z, --probe             connect, then close at once without sending data\n"
"Waiting:\n"
"      --wait DURATION     retry until success or DURATION passes (0: ever)\n"
"      --interval DURATION time between tries under --wait (250ms)\n"
"      --backoff           double the interval after each try, up to 5 s\n"
"      --send STRING       with -z: send STRING (C escapes) once connected\n"
"      --expect STRING     with -z: success needs STRING in the reply\n"
"      --expect-timeout DURATION\n"
"                          how long the reply may take (-w, or 2s)\n"
"      --invert            with -z: success when the target does not accept\n"
"Session:\n"
"  -C, --crlf              send each LF read from stdin as CRLF\n"
"  -i, --idle-timeout DURATION\n"
"                          end the session after DURATION with no traffic\n"
"  -m, --max-time DURATION\n"
"                          bound the whole run, from start to exit\n"
"  -N                      half-close on stdin EOF (the default; for nc)\n"
"      --no-half-close     at stdin EOF send nothing; wait for the peer\n"
"Close:\n"
"      --close MODE        graceful (FIN, the default) or abort (RST)\n"
"  -q, --disconnect-wait DURATION\n"
"                          once stdin is done, wait at most DURATION for the\n"
"                          disconnect to complete\n"
"      --settle DURATION   after stdin's end, a peer silent this long is done\n"
"Information:\n"
"      --hexdump FILE      write the bytes sent and received to FILE, in hex\n"
"      --json FILE         write a JSON report at the end; - is stdout (-z)\n"
"      --trace             say each TCP state of the connection on stderr\n"
"  -v, --verbose           narrate on stderr (twice: more detail)\n"
"      --quiet             print nothing on stderr but usage errors\n"
"  -h, --help              print this help and exit\n"
"  -V, --version           print the version and exit\n"
"\n"
"A target is host:port, or [address]:port for IPv6.  With -z, several\n"
"targets are probed at once, and -- COMMAND [ARG...] after them runs\n"
"COMMAND once every one (with --any, one) succeeded.  --send, --expect\n"
"and --invert imply -z, as --wait does with several targets or a command.\n"
"DURATION: 500ms, 1.5 (seconds), 2s, 1m.  Exit status: see tcpdial(1).\n";

/*
 * Print --help (help) or --version on stdout.  Returns TD_OK, or TD_IO
 * when stdout did not take it.
 */
int
usage_print(bool help)
{
	fputs(help ? help_text : PACKAGE_NAME " " PACKAGE_VERSION "\n", stdout);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("write to stdout");
		return TD_IO;
	}
	return TD_OK;
}
