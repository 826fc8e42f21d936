/*
 * peer - scripted loopback test server for the tcpdial test suite.
 * The behaviour is specified in tests/PEER.txt; this file parses the
 * script, listens, runs the actions in order and writes the report.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/socket.h>

#include <err.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer.h"

volatile sig_atomic_t timedout;

void __dead2
usage(void)
{
	fprintf(stderr,
	    "usage: peer [-6] [-b addr] [-p port] [-r report] [-t seconds] "
	    "[-R rcvbuf] [-x] action ...\n"
	    "       peer gen N\n"
	    "       peer vgen N\n"
	    "       peer feed N cmd [arg ...]\n"
	    "       peer stall cmd [arg ...]\n"
	    "       peer freeport [-6]\n"
	    "       peer fillpipe\n"
	    "       peer pipesize FILE\n");
	exit(2);
}

long long
number(const char *what, const char *s, long long min, long long max)
{
	const char *errstr;
	long long n;

	n = strtonum(s, min, max, &errstr);
	if (errstr != NULL) {
		warnx("%s %s: %s", what, s, errstr);
		usage();
	}
	return n;
}

static void
parse_actions(struct opts *o, int argc, char *argv[])
{
	size_t k;
	int i;

	for (i = 0; i < argc; i++) {
		for (k = 0; k < NACTS; k++)
			if (strcmp(argv[i], actnames[k]) == 0)
				break;
		if (k == NACTS) {
			warnx("unknown action: %s", argv[i]);
			usage();
		}
		if (o->nacts == MAXACTIONS)
			errx(2, "too many actions");
		if (k == A_FULLBACKLOG && o->nacts != 0)
			errx(2, "fullbacklog must be the first action");
		o->acts[o->nacts].kind = (enum act)k;
		o->acts[o->nacts].arg = 0;
		if (k == A_SAY) {
			if (++i == argc)
				usage();
			o->acts[o->nacts].text = argv[i];
		}
		if (k == A_SEND || k == A_READ || k == A_SLEEP ||
		    k == A_NOFIN || k == A_ACCEPTLOOP || k == A_SENDTOFIN) {
			if (++i == argc)
				usage();
			o->acts[o->nacts].arg = number(actnames[k], argv[i], 0,
			    LLONG_MAX);
		}
		o->nacts++;
	}
	if (o->nacts == 0)
		usage();
}

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
	const char *addr = NULL;
	int ch, v6 = 0, port = 0;

	memset(o, 0, sizeof(*o));
	o->secs = 30;
	/* "+": stop at the first action, do not permute. */
	while ((ch = getopt(argc, argv, "+6b:p:r:t:R:x")) != -1) {
		switch (ch) {
		case '6':
			v6 = 1;
			break;
		case 'b':
			addr = optarg;
			break;
		case 'p':
			port = number("-p", optarg, 0, 65535);
			break;
		case 'r':
			o->report = optarg;
			break;
		case 't':
			o->secs = number("-t", optarg, 0, INT_MAX);
			break;
		case 'R':
			o->rcvbuf = number("-R", optarg, 1, INT_MAX);
			break;
		case 'x':
			o->nohash = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind == 1 && strcmp(argv[optind], "freeport") == 0)
		exit(freeport(v6));
	if (addr == NULL)
		addr = v6 ? "::1" : "127.0.0.1";
	if (parse_addr(addr, port, &o->ss, &o->sslen) == -1)
		errx(2, "bad address: %s", addr);
	parse_actions(o, argc - optind, argv + optind);
}

static void
onalarm(int sig)
{
	(void)sig;
	timedout = 1;
	/*
	 * The flag may have been tested just before a blocking call was
	 * entered; keep interrupting until the main flow notices.
	 */
	alarm(1);
}

static void
alarm_setup(unsigned int secs)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onalarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: blocking calls get EINTR */
	if (sigaction(SIGALRM, &sa, NULL) == -1)
		err(1, "sigaction");
	alarm(secs);
}

static int
listener(struct peer *p, const struct opts *o)
{
	int one = 1;

	if ((p->lfd = socket(o->ss.ss_family, SOCK_STREAM, 0)) == -1)
		return fail(p, "socket", NULL);
	/* Tests may rebind a port whose old connections are in TIME_WAIT. */
	if (setsockopt(p->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1)
		return fail(p, "setsockopt", NULL);
	if (o->rcvbuf != 0 && setsockopt(p->lfd, SOL_SOCKET, SO_RCVBUF,
	    &o->rcvbuf, sizeof(o->rcvbuf)) == -1)
		return fail(p, "setsockopt SO_RCVBUF", NULL);
	if (bind(p->lfd, (const struct sockaddr *)&o->ss, o->sslen) == -1)
		return fail(p, "bind", NULL);
	if (o->acts[0].kind == A_FULLBACKLOG)
		return fullbacklog(p);
	if (listen(p->lfd, 16) == -1)
		return fail(p, "listen", NULL);
	return 0;
}

static int
run(struct peer *p, const struct opts *o)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int i;

	if (listener(p, o) == -1)
		return 1;
	if (getsockname(p->lfd, (struct sockaddr *)&ss, &len) == -1) {
		fail(p, "getsockname", NULL);
		return 1;
	}
	/* Tests poll stdout for the port; it must not sit in a buffer. */
	if (printf("%d\n", sockaddr_port(&ss)) < 0 || fflush(stdout) == EOF) {
		fail(p, "stdout", NULL);
		return 1;
	}
	for (i = 0; i < o->nacts; i++) {
		if (run_action(p, &o->acts[i]) == -1 || timedout)
			return 1;
	}
	return 0;
}

static void
report_write(struct peer *p, const char *path)
{
	char tmp[PATH_MAX], rx[65], tx[65];
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		warnx("report path too long");
		return;
	}
	SHA256End(&p->rxhash, rx);
	SHA256End(&p->txhash, tx);
	if (p->nohash) {
		strlcpy(rx, "-", sizeof(rx));
		strlcpy(tx, "-", sizeof(tx));
	}
	if ((f = fopen(tmp, "w")) == NULL) {
		warn("%s", tmp);
		return;
	}
	fprintf(f, "accepts=%lld\nclient_addr=%s\nclient_port=%d\n"
	    "received=%lld\nreceived_sha256=%s\nsent=%lld\nsent_sha256=%s\n"
	    "client_end=%s\ntimeout=%d\n", p->accepts, p->addr, p->port,
	    p->received, rx, p->sent, tx, p->end, timedout ? 1 : 0);
	if (p->error[0] != '\0')
		fprintf(f, "error=%s\n", p->error);
	if (ferror(f) | (fclose(f) == EOF))
		warn("%s", tmp);
	else if (rename(tmp, path) == -1)
		warn("rename %s", path);
}

int
main(int argc, char *argv[])
{
	static struct opts o;
	static struct peer p;
	int rc;

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		err(1, "signal");
	if (argc >= 2 && strcmp(argv[1], "gen") == 0)
		return gen_main(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "vgen") == 0)
		return vgen_main(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "feed") == 0)
		return feed_main(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "stall") == 0)
		return stall_main(argc, argv);
	if (argc == 2 && strcmp(argv[1], "fillpipe") == 0)
		return fillpipe();
	if (argc == 3 && strcmp(argv[1], "pipesize") == 0)
		return pipesize(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "freeport") == 0) {
		if (argc == 2 || (argc == 3 && strcmp(argv[2], "-6") == 0))
			return freeport(argc == 3);
		usage();
	}
	parse_opts(&o, argc, argv);
	p.lfd = p.cfd = -1;
	p.end = "none";
	p.nohash = o.nohash;
	strlcpy(p.addr, "none", sizeof(p.addr));
	SHA256Init(&p.rxhash);
	SHA256Init(&p.txhash);
	stream_init(&p.stream);
	alarm_setup(o.secs);
	rc = run(&p, &o);
	alarm(0);		/* the report below must not be interrupted */
	if (timedout)
		rc = 124;
	if (o.report != NULL)
		report_write(&p, o.report);
	return rc;
}
