/*
 * tcpdial: shared types and every cross-file function, grouped by the
 * file that defines it.
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
 * (make bench-study), not options.  The shipped build leaves stdin's
 * pipe alone (growing it cost uploads CPU in every run of the study,
 * and throughput in most) and grows stdout's (downloads took half the
 * CPU).
 */
#ifndef PIPE_IN_GROW
#define PIPE_IN_GROW 0
#endif
#ifndef PIPE_OUT_GROW
#define PIPE_OUT_GROW PIPE_GROW
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

/*
 * Everything argv says, validated; filled in by options.c only.  targets
 * is allocated (reallocarray) and lives until exit: only a caller that
 * parses again (a fuzz harness) frees it, with options_free().
 */
struct options {
	struct target_spec *targets;	/* in operand order */
	size_t ntargets;		/* at least 1; more only with -z */
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
	bool syn_sent;		/* connect(2) sent a SYN */
	unsigned syns;		/* --trace: SYNs sent, read as it closed */
	int state;		/* --trace: its TCP state then (0: unknown) */
};

/* TCP_INFO's figures, taken just before close (tcpinfo.c). */
struct tcp_facts {
	bool taken;
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

/* addr.c */
int		 addr_family(const char *);
bool		 addr_literal(const char *, const char *, int,
		    struct sockaddr_storage *);
socklen_t	 addr_len(const struct sockaddr_storage *);
int		 addr_numeric(char [INET6_ADDRSTRLEN],
		    const struct sockaddr_storage *);
void		 addr_format(char *, size_t, const char *,
		    const struct sockaddr_storage *);

/* attempt.c */
void		 source_start(struct source *, const struct options *);
void		 source_resolved(struct source *);
bool		 source_ready(const struct source *);
int		 source_fd(const struct source *);
void		 source_end(struct source *, bool);
int		 attempt_start(struct attempt *, const struct source *);
int		 attempt_check(struct attempt *);
void		 attempt_close(struct attempt *, bool);
void		 attempt_local(struct session *);

/* clock.c */
long long	 clock_now_ms(void);
long long	 clock_deadline(long long);
int		 clock_poll_ms(long long, long long);
struct timespec	*clock_timespec(int, struct timespec *);
bool		 clock_expired(long long);
long long	 clock_earliest(long long, long long);

/* connector.c */
void		 connector_session(struct session *, const struct options *,
		    const struct target_spec *, long long);
int		 connector_run(const struct options *, struct session *,
		    size_t, won_fn *);

/* dial.c */
int		 dial(const struct options *, struct session *,
		    struct hexdump *);

/* finish.c */
int		 finish_run(const struct options *, const struct session *,
		    size_t, int);

/* eyeballs.c */
size_t		 eyeballs_unique(struct sockaddr_storage *, size_t);
void		 eyeballs_order(struct sockaddr_storage *, size_t);

/* exitcode.c */
const char	*exitcode_meaning(int);
const char	*exitcode_name(int);
int		 exitcode_invert(int);
int		 exitcode_connect(int);
int		 exitcode_session(int);

/* expect.c */
void		 expect_start(struct check *);
short		 expect_events(const struct check *, const struct options *);
int		 expect_step(struct check *, const struct options *,
		    struct session *, short, long long);
int		 expect_timed_out(struct check *);

/* hangup.c */
int		 hangup_fin(const struct options *, struct session *);
int		 hangup_end(const struct options *, struct session *, int);
void		 hangup_grace(const struct options *, struct session *);
bool		 hangup_sent_all(int);

/* options.c */
int		 options_parse(int, char **, struct options *);
void		 options_free(struct options *);

/* parse.c */
int		 parse_duration(const char *, long long *, const char **);
int		 parse_port(const char *, const char **);
int		 parse_host(const char *, const char **);
int		 parse_escapes(const char *, char *, size_t *, const char **);
void		 port_string(int, char [PORT_STRLEN]);

/* probe.c */
int		 probe_run(const struct options *, int);

/* retry.c */
#define RETRY_JITTER_SPAN 2000U
long long	 retry_pause(long long, unsigned, bool, unsigned);

/* relay.c */
int		 relay_run(const struct options *, struct session *,
		    struct hexdump *);

/* report.c */
const char	*report_peer(struct session *);
void		 report_note(const struct options *, struct session *,
		    enum note, long long);
void		 report_movers(const struct options *, const char *,
		    const char *);
void		 report_keep(struct session *, const char *);
void		 report_local(struct session *, enum local);
void		 report_no_rst(struct session *);
void		 report_run_failed(struct session *, const char *, bool);
void		 report_disconnect_late(const struct options *,
		    struct session *);
void		 report_broken(struct session *, const char *);
void		 report_idle(const struct options *, struct session *,
		    enum stall);
void		 report_max_time(const struct options *, struct session *);
void		 report_unwritten(struct session *, size_t);
void		 report_hexdump(struct session *, bool, const char *, int);

/* report_trace.c */
void		 report_trace(const struct session *,
		    const struct trace_event *);
void		 report_trace_attempt(const struct options *,
		    const struct session *, const struct attempt *, bool);
void		 report_trace_peer(const struct session *, int, unsigned);
void		 report_trace_facts(const struct session *);
void		 report_summary(const struct options *, const struct session *,
		    int);

/* trace.c */
void		 trace_connected(struct session *);
void		 trace_sample(const struct options *, struct session *);
int		 trace_poll_ms(const struct options *, const struct session *);
void		 trace_closed(const struct options *, struct session *);

/* tcpinfo.c */
void		 tcpinfo_close(const struct options *, int, struct tcp_facts *);
int		 tcpinfo_state(int);
unsigned	 tcpinfo_syns(int, int *);

/* target.c */
int		 target_parse(int, char **, char **, struct options *, char *,
		    size_t);
void		 target_free(struct options *);

/* usage.c */
int		 usage_print(bool);

/* stdio.c */
void		 stdio_init(bool);
void		 stdio_close_out(void);
int		 stdio_quiet(void);
void		 stdio_speak(int);
int		 stdio_write_file(const char *, char *, size_t,
		    const sigset_t *);

/* report_connect.c */
void		 report_resolved(const struct options *,
		    const struct session *);
void		 report_attempt_start(const struct options *,
		    const struct session *, const struct attempt *);
void		 report_attempt_end(const struct options *, struct session *,
		    const struct attempt *);
bool		 report_failure_line(const struct options *,
		    const struct session *, char *, size_t);
void		 report_target_failed(const struct options *,
		    struct session *);
void		 report_try_failed(const struct options *,
		    const struct session *, long long);
void		 report_check(const struct options *, const struct session *);
void		 report_source_failed(const struct options *,
		    const struct source *, struct session *, size_t);
void		 report_first_byte(const struct options *,
		    const struct session *);

/* report_json.c */
char		*report_json_text(const struct options *,
		    const struct session *, size_t, int, size_t *);
void		 report_json_unwritten(const struct options *, int);

/* resolve.c */
struct lookup	*resolve_start(const char *, const char *,
		    const struct options *, bool);
int		 resolve_fd(const struct lookup *);
int		 resolve_finish(struct lookup *, struct addrinfo **);
void		 resolve_abandon(struct lookup *);
void		 resolve_locale(const struct options *);

/* sig.c */
void		 sig_init(void);
const sigset_t	*sig_pollmask(void);
void		 sig_hold(void);
void		 sig_take_pending(void);
int		 sig_first(void);
int		 sig_count(void);
void		 sig_restore(void);

#endif
