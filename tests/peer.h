/*
 * peer - scripted loopback test server for the tcpdial test suite
 * (tests/PEER.txt).  peer.c parses the script and runs it, peer_act.c
 * holds its actions, peer_conn.c the sockets they share (and freeport),
 * peer_gen.c the byte stream and the other subcommands that are not a
 * server (gen, vgen, feed, stall, fillpipe, pipesize).
 */
#ifndef PEER_H
#define PEER_H

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <sha2.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define IOBUFSZ		(64 * 1024)
#define GENBUFSZ	(1024 * 1024)
#define VGENBUFSZ	(256 * 1024)
#define SLOWCHUNK	(64 * 1024)
#define MAXACTIONS	256
#define MAXFILLERS	64
#define FILLER_MS	200	/* an answered loopback SYN takes far less */

enum act {
	A_ACCEPT, A_ECHO, A_SINK, A_SLOWSINK, A_SEND, A_READ, A_SLEEP,
	A_FIN, A_RST, A_CLOSE, A_FULLBACKLOG, A_NOFIN, A_AWAIT,
	A_ACCEPTLOOP, A_MARK, A_SENDTOFIN, A_SAY, NACTS
};

/*
 * In enum act order (peer_act.c).  send, read, sleep, nofin, acceptloop
 * and sendtofin take a number, say a text.
 */
extern const char *const actnames[];

struct action {
	enum act	 kind;
	long long	 arg;
	const char	*text;		/* say's */
};

struct opts {
	struct sockaddr_storage ss;
	socklen_t	 sslen;
	const char	*report;
	unsigned int	 secs;
	int		 rcvbuf;
	int		 nohash;	/* -x: skip hashing (fast bulk tests) */
	struct action	 acts[MAXACTIONS];
	int		 nacts;
};

struct stream {
	uint64_t	 s;
	unsigned char	 blk[8];
	size_t		 off;		/* next unused byte of blk; 8 = empty */
};

struct peer {
	int		 lfd;
	int		 cfd;
	long long	 accepts;
	long long	 received;
	long long	 sent;
	SHA2_CTX	 rxhash;
	SHA2_CTX	 txhash;
	char		 addr[INET6_ADDRSTRLEN];
	int		 port;
	const char	*end;
	char		 error[256];
	struct stream	 stream;
	int		 nohash;
};

/* Set by SIGALRM (-t): every blocking step gives up when it is. */
extern volatile sig_atomic_t timedout;

/* peer.c */
void	usage(void) __dead2;
long long number(const char *, const char *, long long, long long);

/* peer_act.c */
int	run_action(struct peer *, const struct action *);

/* peer_conn.c */
int	parse_addr(const char *, int, struct sockaddr_storage *, socklen_t *);
int	sockaddr_port(const struct sockaddr_storage *);
int	freeport(int);
int	fail(struct peer *, const char *, const char *);
int	nap(long long);
ssize_t	conn_read(struct peer *, void *, size_t);
int	conn_write(struct peer *, const unsigned char *, size_t);
int	fullbacklog(struct peer *);

/* peer_gen.c */
void	stream_init(struct stream *);
void	stream_fill(struct stream *, unsigned char *, size_t);
int	gen_main(int, char *[]);
int	vgen_main(int, char *[]);
int	feed_main(int, char *[]);
int	stall_main(int, char *[]);
int	fillpipe(void);
int	pipesize(const char *);

#endif
