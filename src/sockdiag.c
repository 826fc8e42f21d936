/*
 * sock_diag(7): the kernel's view of one TCP connection, found by its
 * 4-tuple, as ss(8) reads it.  After close() our descriptor is gone but
 * the connection may live on (TIME_WAIT, FIN_WAIT_2, LAST_ACK); --trace
 * (SPEC 10) asks here what became of it.  Linux gives our socket
 * TCP_CLOSE the moment it enters TIME_WAIT (a timewait sock replaces
 * it), so TIME_WAIT can only be seen this way.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
/* Linux's own: sock_diag(7) has no libc interface. */
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "sockdiag.h"

/*
 * The address and port of a into the sock_diag id's fields; a link-local
 * IPv6 address's interface into *ifindex.
 */
static void
put_end(const struct sockaddr_storage *a, __be16 *port, __be32 addr[4],
    __u32 *ifindex)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)a;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)a;

	if (a->ss_family == AF_INET) {
		*port = sin->sin_port;
		memcpy(addr, &sin->sin_addr, sizeof(sin->sin_addr));
	} else {
		*port = sin6->sin6_port;
		memcpy(addr, &sin6->sin6_addr, sizeof(sin6->sin6_addr));
		if (sin6->sin6_scope_id != 0)
			*ifindex = sin6->sin6_scope_id;
	}
}

/*
 * The kernel's lookup falls back to a listening socket on the local
 * port: only the connection itself, its 4-tuple whole, is an answer.
 */
static bool
same_pair(const struct inet_diag_sockid *asked,
    const struct inet_diag_msg *m)
{
	return m->idiag_state != TCP_LISTEN &&
	    m->id.idiag_sport == asked->idiag_sport &&
	    m->id.idiag_dport == asked->idiag_dport &&
	    memcmp(m->id.idiag_src, asked->idiag_src,
	    sizeof(asked->idiag_src)) == 0 &&
	    memcmp(m->id.idiag_dst, asked->idiag_dst,
	    sizeof(asked->idiag_dst)) == 0;
}

/* One request, one answer: the connection's state, or errno. */
static int
ask(int fd, const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, struct sockdiag *out)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 r;
	} req;
	union {
		struct nlmsghdr nh;
		char buf[1024];
	} ans;
	const struct inet_diag_msg *m;
	const struct nlmsgerr *e;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.r.sdiag_family = (__u8)local->ss_family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = ~0U;
	put_end(local, &req.r.id.idiag_sport, req.r.id.idiag_src,
	    &req.r.id.idiag_if);
	put_end(remote, &req.r.id.idiag_dport, req.r.id.idiag_dst,
	    &req.r.id.idiag_if);
	req.r.id.idiag_cookie[0] = req.r.id.idiag_cookie[1] =
	    INET_DIAG_NOCOOKIE;
	if (send(fd, &req, sizeof(req), 0) == -1)
		return -1;
	if ((n = recv(fd, ans.buf, sizeof(ans.buf), 0)) == -1)
		return -1;
	if (!NLMSG_OK(&ans.nh, (unsigned)n))
		return errno = EPROTO, -1;
	if (ans.nh.nlmsg_type == NLMSG_ERROR) {
		if (ans.nh.nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return errno = EPROTO, -1;
		e = NLMSG_DATA(&ans.nh);
		errno = e->error != 0 ? -e->error : ENOENT;
		return -1;
	}
	if (ans.nh.nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    ans.nh.nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return errno = EPROTO, -1;
	m = NLMSG_DATA(&ans.nh);
	if (!same_pair(&req.r.id, m))
		return errno = ENOENT, -1;
	out->state = m->idiag_state;
	out->expires_ms = m->idiag_expires;
	return 0;
}

/*
 * What the kernel holds of the TCP connection from local to remote:
 * its state (netinet/tcp.h's numbers) and, for TIME_WAIT and the other
 * timed states, the ms left on its timer.  Returns 0, or -1 with errno
 * (ENOENT: the kernel holds nothing of it any more).
 */
int
sockdiag_state(const struct sockaddr_storage *local,
    const struct sockaddr_storage *remote, struct sockdiag *out)
{
	int fd, rc, err;

	if (local->ss_family != remote->ss_family ||
	    (local->ss_family != AF_INET && local->ss_family != AF_INET6))
		return errno = EAFNOSUPPORT, -1;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd == -1)
		return -1;
	rc = ask(fd, local, remote, out);
	err = errno;
	close(fd);
	errno = err;
	return rc;
}
