/*
 * tcpdial: every cross-file function, one block per file that defines
 * it.  Included by tcpdial.h only, after the types the functions take.
 */
#ifndef ROOMS_H
#define ROOMS_H

/* addr.c */
int		 addr_family(const char *);
int		 addr_port(const char *);
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
long long	 clock_now_us(void);
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
		    struct session *, int);
void		 report_broken(struct session *, const char *);
void		 report_idle(const struct options *, struct session *,
		    enum stall);
void		 report_max_time(const struct options *, struct session *);
void		 report_unwritten(struct session *, size_t);
void		 report_hexdump(struct session *, bool, const char *, int);
void		 report_hexdump_gave_up(struct session *, const char *);

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
void		 trace_connected(const struct options *, struct session *);
void		 trace_sample(const struct options *, struct session *);
int		 trace_poll_ms(const struct options *, const struct session *);
void		 trace_closed(const struct options *, struct session *);

/* tcpinfo.c */
void		 tcpinfo_close(const struct options *, int, struct tcp_facts *);
int		 tcpinfo_error(int);
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
		    const struct session *, long long, bool);
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
