/*
 * The relay's own types (relay.c, relay_end.c, buf.c, buf_zero.c,
 * deadline.c): one session's bytes, both ways.  Nothing else includes
 * this.
 */
#ifndef RELAY_H
#define RELAY_H

#include "tcpdial.h"
#include "pipetrial.h"

/* The copy path's buffer, one per direction. */
#define BUF_SIZE ((size_t)128 * 1024)

/* How a relay direction moves its bytes. */
enum mover {
	MOVER_COPY,		/* read(2) into the buffer, write(2) out */
	MOVER_SPLICE,		/* splice(2): the stdio end is a pipe */
	MOVER_SENDFILE,		/* sendfile(2): stdin is a regular file */
};

/*
 * One relay direction, from fd in to fd out (one of them the socket).
 * The copy path holds bytes in data[off, off+len).  The zero-copy paths
 * hold none but what giving stdin's pipe back, or a look at its writer,
 * moved into a private pipe (held), sent before any more of stdin's;
 * pending stands for "has data": the source is readable but the sink
 * would take nothing.
 */
struct buf {
	char data[BUF_SIZE];
	size_t off;		/* first byte not yet written */
	size_t len;		/* bytes waiting from off on */
	int in, out, sock;
	enum mover mover;
	bool pending;		/* zero-copy: bytes wait for the sink */
	int late_err;		/* splice_again()'s error, for the next step */
	bool crlf;		/* -C: each bare LF read becomes CRLF */
	struct hexdump *dump;	/* --hexdump: sees every byte, or NULL */
	bool stdio_sock;	/* the stdio end is a socket: MSG_DONTWAIT */
	bool prev_cr;		/* -C: the last byte read was CR */
	unsigned long long moved;	/* bytes through any step */
	struct pipetrial trial;	/* the stdio pipe: its size on trial */
	int small_size;		/* ... and its size as it came */
	int hold[2];		/* a private pipe: stdin's bytes set aside */
	size_t held;		/* ... to be sent before any more of stdin's */
};

/* The relay's state (relay.c, relay_end.c, deadline.c): one session. */
struct relay {
	struct buf up;		/* stdin -> socket */
	struct buf down;	/* socket -> stdout */
	bool stdin_tty;		/* a person types: the peer's FIN ends it */
	bool stdin_done;	/* stdin read no more: EOF, signal, failure */
	bool stdin_ended;	/* stdin_done seen: -q and --settle started */
	bool at_fin_point;	/* stdin done and up empty: FIN (or RST) due */
	bool peer_done;		/* the socket is read no more: FIN or reset */
	bool stdout_closed;	/* after the peer's FIN, once flushed */
	bool stdout_failed;	/* a write to stdout failed: nothing flushes */
	int end_code;		/* code to end with once stdout is flushed */
	int signals_seen;
	long long last_move_ms;	/* for -i */
	long long quiet_since_ms; /* --settle: stdin's end, last byte down */
	long long flush_deadline; /* how long the last flush may wait */
};

/* buf.c, buf_zero.c */
void		 buf_init(struct buf *, int, int, int, bool,
		    struct hexdump *);
const char	*buf_mover_name(const struct buf *);
bool		 buf_has_data(const struct buf *);
bool		 buf_has_room(const struct buf *, size_t);
void		 buf_discard(struct buf *);
ssize_t		 buf_step(struct buf *, bool);
ssize_t		 buf_zero_copy(struct buf *, bool);
void		 buf_trial_step(struct buf *);
void		 buf_hold_close(struct buf *);
unsigned long long buf_take_rest(struct buf *, unsigned long long);
bool		 buf_read_source(const struct buf *, bool);
bool		 buf_wrote_sink(const struct buf *, bool);
bool		 buf_socket_failed(const struct buf *, bool);

/* relay_end.c */
void		 relay_failed(struct relay *, struct session *, const char *);
void		 relay_failed_after_fin(struct relay *, struct session *);
int		 relay_transition(const struct options *, struct session *,
		    struct relay *);
int		 relay_signal(const struct options *, struct session *,
		    struct relay *);

/* deadline.c */
void		 deadline_init(const struct options *, struct relay *);
long long	 deadline_flush(const struct session *, const struct relay *,
		    int);
void		 deadline_moved(const struct options *, struct relay *, bool);
void		 deadline_stdin_done(const struct options *, struct session *,
		    struct relay *);
int		 deadline_expired(const struct options *, struct session *,
		    struct relay *);
int		 deadline_poll_ms(const struct options *,
		    const struct session *, const struct relay *);

#endif
