# Loaded by the .bats files that put a resolver's answers in a test's
# own namespace (make_netns, in helpers.bash): its /etc/hosts, or a
# nameserver that never answers.

# with_hosts FILE CMD...: CMD in the namespace, with FILE as /etc/hosts.
with_hosts() {
	local hosts=$1
	shift
	in_ns unshare -m sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' \
	    "$hosts" "$@"
}

# dead_resolver: this test's namespace, whose resolv.conf names a
# nameserver on loopback whose port 53 drops every query.
dead_resolver() {
	need_root
	[ -n "${NS:-}" ] || make_netns
	mkdir -p "/etc/netns/$NS"
	printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:2\n' \
	    >"/etc/netns/$NS/resolv.conf"
	# INPUT: a query dropped on OUTPUT fails at once with EPERM.
	in_ns iptables -A INPUT -p udp --dport 53 -j DROP
	in_ns iptables -A INPUT -p tcp --dport 53 -j DROP
}

# queried: the dead resolver's DROP rules have dropped a query.
queried() {
	in_ns iptables -L INPUT -v -n -x |
	    awk '/dpt:53/ { n += $1 } END { exit !(n > 0) }'
}
