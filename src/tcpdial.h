/*
 * tcpdial: the shared constants and types (the session, its options,
 * its facts); the functions are in rooms.h, included at the end.
 */
#ifndef TCPDIAL_H
#define TCPDIAL_H

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netdb.h>

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "exitcode.h"

#define NO_DEADLINE (-1LL)

/* "Not ended yet": no outcome decided.  TD_* codes are outcomes only. */
#define GO_ON (-1)

/* Under --wait, -w unless given, and --expect-timeout unless -w. */
#define WAIT_TRY_MS 2000LL

/* Without -q, a signal's grace for the disconnect (SPEC 4). */
#define SIGNAL_GRACE_MS 1000LL

/*
 * Pipes are grown to this (the unprivileged pipe-max-size), and one
 * splice(2) asks for as much.
 */
#define PIPE_GROW ((size_t)1024 * 1024)

/*
 * What stdin's and stdout's pipes are grown to; 0 leaves a pipe as it
 * is.  Build-time switches for the pipe-size study of bench/README.md
 * (make bench-study), not options.  The shipped build lets a long
 * transfer find each pipe's size by trial (pipetrial.c): which size
 * wins depends on the machine's state, in both directions.
 * PIPE_IN_TRIAL 0 keeps stdin's at PIPE_IN_GROW, PIPE_OUT_TRIAL 0
 * stdout's at PIPE_OUT_GROW.
 */
#ifndef PIPE_IN_GROW
#define PIPE_IN_GROW 0
#endif
#ifndef PIPE_OUT_GROW
#define PIPE_OUT_GROW 0
#endif
#ifndef PIPE_IN_TRIAL
#define PIPE_IN_TRIAL 1
#endif
#ifndef PIPE_OUT_TRIAL
#define PIPE_OUT_TRIAL 1
#endif

/* A port in decimal: "65535" and its NUL. */
#define PORT_STRLEN 6

/* A host name (253) with its numeric address and port. */
#define PEER_NAME_MAX 340

/* A failure line, as said on stderr without "tcpdial: ". */
#define ERROR_MAX 1024

/* A usage error's message, as the report keeps it. */
#define USAGE_MAX 1024

enum close_mode {
	CLOSE_GRACEFUL,		/* FIN handshake */
	CLOSE_ABORT,		/* RST via SO_LINGER {1, 0} */
};

/* One operand's target, validated (target.c). */
struct target_spec {
	const char *host;		/* literal or name, brackets removed */
	char port[PORT_STRLEN];		/* decimal, 1..65535 */
	const char *operand;		/* as the user wrote it, for messages:
					   "db:5432", or HOST of "HOST PORT" */
};

/* A lone target's host up to this long is kept in struct options. */
#define HOST_INLINE 256

/*
 * Everything argv says, validated; filled in by options.c only.  targets
 * lives until exit: only a caller that parses again (a fuzz harness)
 * frees it, with options_free().  A lone target, the common case, takes
 * no malloc: a probe's whole run goes without the heap.
 */
struct options {
	struct target_spec *targets;	/* in operand order: &one, or
					   allocated (reallocarray) */
	size_t ntargets;		/* at least 1; more only with -z */
	struct target_spec one;		/* the lone target */
	char one_host[HOST_INLINE];	/* its host, if it fits */
	char **command;			/* after "--", NULL-terminated, in
					   argv; or NULL */
	long long attempt_delay_ms;	/* --attempt-delay; 0: all at once */
	bool any;			/* --any: one success will do */
	bool wait;			/* --wait: retry until success */
	long long wait_ms;		/* --wait's limit, or -1: none */
	long long interval_ms;		/* --interval between tries */
	bool backoff;			/* --backoff: double it up to 5 s */
	char *send;			/* --send, decoded, or NULL */
	size_t send_len;
	char *expect;			/* --expect, decoded, or NULL */
	size_t expect_len;		/* 1..EXPECT_MAX */
	long long expect_timeout_ms;	/* --expect-timeout, or -1: none */
	bool invert;			/* --invert: success is not accepting */
	bool quiet;			/* --quiet: stderr for usage only */
	const char *source;		/* -s, or NULL */
	char source_port[PORT_STRLEN];	/* -p, or "" */
	int family;			/* AF_UNSPEC, AF_INET or AF_INET6 */
	long long connect_timeout_ms;	/* -w, or -1 */
	long long idle_ms;		/* -i, or -1 */
	long long disconnect_wait_ms;	/* -q, or -1: wait for the peer */
	long long max_time_ms;		/* -m, or -1 */
	long long settle_ms;		/* --settle, or -1 */
	enum close_mode close_mode;
	bool numeric;			/* -n */
	bool half_close;		/* FIN at stdin EOF (--no-half-close) */
	bool probe;			/* -z */
	bool crlf;			/* -C */
	int verbose;			/* -v count */
	const char *json;		/* --json FILE, or NULL */
	const char *hexdump;		/* --hexdump FILE, or NULL */
	bool trace;			/* --trace */
	char usage[USAGE_MAX];		/* the usage error said, or "" */
};

/* How the session ended, for the exit status and the -v summary. */
enum end_how {
	END_NONE,
	END_GRACEFUL,		/* both FINs exchanged */
	END_ABORT,		/* we sent RST (--close abort, 2nd signal) */
	END_PEER_RESET,		/* the peer reset the connection */
	END_CUT,		/* we closed, not waiting (-q 0, -i, errors) */
	END_LOST,		/* retransmissions timed out, or unreachable */
	END_SETTLED,		/* --settle: the reply went quiet; we closed */
};

/* The -v notes on a session's way (report_note). */
enum note {
	NOTE_STDIN_EOF,
	NOTE_PEER_FIN,
	NOTE_FIN_SENT,
	NOTE_RST_SENT,
	NOTE_SIGNAL,		/* with the signal's number */
	NOTE_SETTLED,		/* with --settle's ms */
	NOTE_DISCONNECTED,	/* with the ms since our FIN */
};

/* Local failures, each said with errno (report_local). */
enum local {
	LOCAL_STDIN,		/* read from stdin */
	LOCAL_STDOUT,		/* write to stdout */
	LOCAL_POLL,
	LOCAL_MEMORY,		/* the connect phase's tables */
};

/* Which side stopped an idle session (-i). */
enum stall {
	STALL_PEER_SILENT,	/* the peer sent nothing */
	STALL_PEER_FULL,	/* the peer took nothing */
	STALL_STDOUT_FULL,	/* stdout took nothing */
	STALL_STDIN_SILENT,	/* after the peer's FIN, stdin sent nothing */
};

/* --expect's longest string, and how much of a reply is read for it. */
#define EXPECT_MAX 1024
#define EXPECT_READ_MAX ((size_t)64 * 1024)

/* The first bytes of a reply that messages quote (escaped). */
#define CHECK_HEAD 48

/* Why a check (--send/--expect) failed. */
enum check_fail {
	CHECK_NONE,
	CHECK_CLOSED,		/* the peer closed before the match */
	CHECK_TIMEOUT,		/* --expect-timeout passed */
	CHECK_LIMIT,		/* EXPECT_READ_MAX read, no match */
	CHECK_SEND,		/* sending failed: err */
	CHECK_READ,		/* reading failed: err */
};

/* One probe conversation (expect.c): what was sent, what came back. */
struct check {
	size_t sent;		/* of o->send_len */
	size_t got;		/* bytes read */
	size_t keep;		/* bytes of tail kept to match across reads */
	char tail[EXPECT_MAX];
	size_t headlen;
	char head[CHECK_HEAD];	/* the reply's first bytes, for messages */
	enum check_fail fail;
	int err;
	bool matched;
	long long ended_ms;	/* when it passed or failed */
};

/* Addresses one target tries at most; the resolver's others are counted. */
#define ATTEMPTS_MAX 16

/* What an attempt was doing when it failed: each has its own message. */
enum step {
	STEP_SOCKET,		/* socket(2) */
	STEP_BIND,		/* -s/-p: bind(2), or no source of its family */
	STEP_CONNECT,		/* connect(2) and the wait for it */
};

/* session.resolve_rc beyond getaddrinfo's own codes (all negative). */
#define RESOLVE_TIMED_OUT 1	/* still running at the deadline */
#define RESOLVE_NO_SOURCE 2	/* the -s lookup failed: said once */

/* One connection attempt to one address: a fact, rendered later. */
struct attempt {
	struct sockaddr_storage addr;
	long long started_ms;	/* -1: never started */
	long long ended_ms;	/* -1: running, or never started */
	int fd;			/* while running, else -1 */
	int code;		/* GO_ON until it ends, then TD_* */
	int err;		/* errno of a failure, else 0 */
	enum step step;		/* where it failed */
	struct sockaddr_storage from;	/* the -s/-p address it bound to */
	bool abandoned;		/* closed because another one connected */
	bool cut;		/* closed as the run ended (signal, failure) */
	bool syn_sent;		/* connect(2) sent a SYN */
	unsigned syns;		/* --trace: SYNs sent, read as it closed */
	int state;		/* --trace: its TCP state then (0: unknown) */
};

/* TCP_INFO's figures, taken just before close (tcpinfo.c). */
struct tcp_facts {
	bool taken;
	int state;			/* netinet/tcp.h's numbers */
	unsigned rtt_us, rttvar_us;
	unsigned retransmits;		/* of the segment now unacked */
	unsigned total_retrans;
	unsigned snd_cwnd;		/* in segments */
	unsigned pmtu;
	unsigned long long bytes_acked;	/* by the peer (RFC 4898) */
	unsigned long long bytes_received;	/* from the peer */
};

/* --trace (trace.c): one state the connection reached, and the last. */
struct trace_event {
	long long ms;			/* since the start */
	unsigned char state;		/* netinet/tcp.h's numbers */
	unsigned char event;		/* enum tcp_event (tcpstate.h) */
	bool inferred;			/* implied by the diagram, not seen */
	bool after_close;		/* read by sock_diag after close() */
	unsigned expires_ms;		/* TIME_WAIT's timer, else 0 */
};
struct trace_log {
	int last;			/* the last state recorded */
	int step;			/* ms to the next sample */
	long long closed_ms;		/* CLOSE first read (said at close) */
	bool gone;			/* sock_diag found it gone (look()) */
	bool diag_ok;			/* sock_diag saw the live connection */
};

/*
 * One connection's life: filled in by the connector, relay and hangup.
 * Times are on the monotonic clock in ms (-1: not yet); start_ms is the
 * run's start, which -v and the report count from.
 */
struct session {
	int fd;
	const struct target_spec *target;
	int code;			/* the target's outcome, or GO_ON */
	unsigned tries;			/* connect phases run (--wait: >1) */
	long long start_ms;
	long long resolved_ms;		/* the lookup's end; -1: a literal */
	int resolve_rc;			/* getaddrinfo's error, RESOLVE_* */
	int resolve_err;		/* errno of EAI_SYSTEM */
	size_t naddrs;			/* as many as the resolver gave */
	size_t nattempts;		/* attempts[] filled */
	struct attempt attempts[ATTEMPTS_MAX];
	long long first_byte_ms;
	struct check check;		/* --send/--expect, once connected */
	struct sockaddr_storage peer_addr;	/* the winner's */
	const char *peer_host;		/* as the user gave it */
	char peer[PEER_NAME_MAX];	/* "" until report names it */
	char local[PEER_NAME_MAX];	/* our end, once connected */
	struct sockaddr_storage local_addr;	/* AF_UNSPEC: not known */
	long long connected_ms;
	long long fin_sent_ms;		/* our FIN, or -1 */
	long long peer_fin_ms;		/* the peer's FIN, or -1 */
	long long end_ms;
	unsigned long long bytes_out;	/* to the socket */
	unsigned long long bytes_in;	/* from the socket */
	long long disconnect_deadline;	/* -q from stdin's end, or grace */
	long long max_deadline;		/* -m, from the start of the run */
	enum end_how how;
	bool peer_closed_first;		/* its FIN came before ours */
	bool disconnect_done;		/* our FIN acked, the peer's FIN in */
	struct tcp_facts tcpi;		/* for --json and --trace */
	struct trace_log trace;		/* --trace */
	char error[ERROR_MAX];		/* the failure line said, or "" */
};

/* The local end -s/-p asked for: the addresses to bind, by family. */
struct source {
	const char *name;	/* -s, or NULL */
	bool wanted;		/* -s or -p given */
	bool failed;		/* its lookup failed, or timed out */
	struct lookup *lk;	/* while it is looked up */
	int rc;			/* the lookup's error, or RESOLVE_TIMED_OUT */
	int err;		/* errno of EAI_SYSTEM */
	size_t n;
	struct sockaddr_storage addrs[ATTEMPTS_MAX];
};

/*
 * What a driver does with a connection the connector is done with
 * (connector_run): s->code says how its target ended.
 */
typedef void won_fn(const struct options *, struct session *);

/* The --hexdump file (hexdump.h): only its users see inside. */
struct hexdump;

/* What each room offers, room by room. */
#include "rooms.h"

#endif
