/*
 * TCP_INFO: the kernel's figures of one connection (SPEC 9), read once
 * just before it is closed, for the --json report and --trace's last line;
 * and the connection's pending error (SO_ERROR).
 */
#include <errno.h>
#include <sys/socket.h>

#include <netinet/in.h>
/* Linux's own: glibc's struct tcp_info stops before the byte counts. */
#include <linux/tcp.h>

#include <string.h>
#include <unistd.h>

#include "tcpdial.h"

/* Read fd's TCP_INFO into *t; t->taken says whether the kernel gave it. */
static void
tcpinfo_take(int fd, struct tcp_facts *t)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	t->taken = getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0;
	if (!t->taken)
		return;
	t->state = ti.tcpi_state;
	t->rtt_us = ti.tcpi_rtt;
	t->rttvar_us = ti.tcpi_rttvar;
	t->retransmits = ti.tcpi_retransmits;
	t->total_retrans = ti.tcpi_total_retrans;
	t->snd_cwnd = ti.tcpi_snd_cwnd;
	t->pmtu = ti.tcpi_pmtu;
	/* 0 from a kernel older than 4.1, whose struct is shorter. */
	t->bytes_acked = ti.tcpi_bytes_acked;
	t->bytes_received = ti.tcpi_bytes_received;
}

/*
 * fd's pending error, which reading clears: 0 for none, errno when it
 * cannot be read.  A reset after the peer's FIN, which the kernel
 * records as EPIPE (tcp_reset in CLOSE_WAIT), is the reset it is.
 */
int
tcpinfo_error(int fd)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return errno;
	return err == EPIPE ? ECONNRESET : err;
}

/* fd's TCP state (netinet/tcp.h's numbers), or -1. */
int
tcpinfo_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
		return -1;
	return ti.tcpi_state;
}

/*
 * The SYNs a connect attempt on fd sent (the first and the kernel's
 * retransmissions), and its state in *state; 0 when the kernel says
 * nothing.
 */
unsigned
tcpinfo_syns(int fd, int *state)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
		return 0;
	*state = ti.tcpi_state;
	return ti.tcpi_total_retrans + 1;
}

/* Close a connection's fd, reading its TCP_INFO into *t first if o wants it. */
void
tcpinfo_close(const struct options *o, int fd, struct tcp_facts *t)
{
	if (o->json != NULL || o->trace)
		tcpinfo_take(fd, t);
	close(fd);
}
