/*
 * --hexdump FILE (SPEC 10): the bytes of a session, both ways, as text.
 * hexline.c formats a line (pure); hexdump.c keeps the file and its
 * state, and the relay's copy path (buf.c) hands it every byte it sends
 * or receives.
 */
#ifndef HEXDUMP_H
#define HEXDUMP_H

#include <stddef.h>

#include "tcpdial.h"

#define HEXLINE_BYTES 16	/* bytes on a data line */
#define HEXLINE_MAX 128		/* the longest line, newline and NUL in */
#define HEXDUMP_BUF 65536	/* lines gathered before a write(2) */

/* struct hexdump's err when a slow reader was given up on (-m, signal) */
#define HEXDUMP_GAVE_UP (-1)

#define HEX_SENT '>'
#define HEX_RECEIVED '<'

/* One --hexdump file and where each direction is in it. */
struct hexdump {
	int fd;				/* -1: not dumping */
	const char *path;
	long long start_ms;		/* headers count from it */
	long long deadline;		/* -m: a slow reader waited for until */
	unsigned long long sent, received;	/* offsets so far */
	char last;			/* the last block's direction, or 0 */
	int err;			/* the first write error, or 0 */
	size_t len;			/* lines in out, not yet written */
	char out[HEXDUMP_BUF];
};

/* hexline.c */
size_t	 hexline_data(char *, char, unsigned long long,
	    const unsigned char *, size_t);
size_t	 hexline_header(char *, char, long long);

/* hexdump.c */
int	 hexdump_open(struct hexdump *, const struct options *,
	    struct session *);
void	 hexdump_bytes(struct hexdump *, char, const void *, size_t,
	    long long);
int	 hexdump_end(struct hexdump *, struct session *, int);

#endif
