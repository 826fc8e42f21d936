#!/usr/bin/env bats
# The connect phase on loopback: operand forms, IPv4/IPv6, and the exit
# status and stderr line of each failure that needs no privileges.

load helpers

@test "HOST PORT: connects, exit 0, one byte and a FIN reach the peer" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr bash -c 'printf x | "$0" 127.0.0.1 "$1"' \
	    "$TCPDIAL" "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report received)" = 1 ]
	[ "$(report client_end)" = FIN ]
}

@test "HOST:PORT form" {
	start_peer -t 10 accept sink
	run -0 "$TCPDIAL" "127.0.0.1:$PORT" </dev/null
	finish_peer
	[ "$(report accepts)" = 1 ]
	[ "$(report client_end)" = FIN ]
}

@test "IPv6: ::1 PORT and [::1]:PORT" {
	start_peer -6 -t 10 accept sink accept sink
	run -0 "$TCPDIAL" ::1 "$PORT" </dev/null
	run -0 "$TCPDIAL" "[::1]:$PORT" </dev/null
	finish_peer
	[ "$(report accepts)" = 2 ]
	[ "$(report client_addr)" = ::1 ]
}

@test "refused: exit 4 and the connect line" {
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" 127.0.0.1 "$port" </dev/null
	[ "$stderr" = "tcpdial: connect to 127.0.0.1 port $port: Connection refused" ]
	[ -z "$output" ]
}

@test "refused on ::1: exit 4" {
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" "[::1]:$port" </dev/null
	[ "$stderr" = "tcpdial: connect to ::1 port $port: Connection refused" ]
}

@test "unknown name under .invalid: exit 3 and the resolve line" {
	run -3 --separate-stderr "$TCPDIAL" nothing.invalid 80 </dev/null
	[[ "$stderr" = "tcpdial: resolve nothing.invalid: Name or service not known" ||
	   "$stderr" = "tcpdial: resolve nothing.invalid: Temporary failure in name resolution" ]]
}

# SPEC 7: a listener with backlog 0 that never accepts, its queue full.
timeout_case() {
	local w=$1 min_ms=$2 max_ms=$3 t0
	start_peer -t 20 fullbacklog sleep 15000
	t0=$(now_ms)
	run -5 --separate-stderr "$TCPDIAL" -w "$w" 127.0.0.1 "$PORT" </dev/null
	elapsed_ok "$t0" "$min_ms" "$max_ms"
	[ "$stderr" = "tcpdial: connect to 127.0.0.1 port $PORT: Connection timed out" ]
}

@test "timeout, full backlog: -w 500ms fails with 5 within 500+300 ms" {
	timeout_case 500ms 500 800
}

@test "timeout, full backlog: -w 2 fails with 5 within 2.3 s" {
	timeout_case 2 2000 2300
}

# -w 0 means no deadline.  On plain loopback a connect takes microseconds,
# so a -w 0 read as "0 ms" could pass there; here the first SYN is dropped
# (iptables' recent match remembers it) and only its retransmit, about 1 s
# later (the initial RTO), is let through.  -i 0 likewise: no idle limit
# across the peer's 300 ms pause.
@test "-w 0 is no deadline: it outlasts a dropped first SYN (-i 0 likewise)" {
	need_root
	make_netns
	PEER_NS=$NS start_peer -t 20 accept send 10 sleep 300 send 10 close
	in_ns iptables -A INPUT -p tcp --syn --dport "$PORT" \
	    -m recent --name synseen --rcheck -j ACCEPT
	in_ns iptables -A INPUT -p tcp --syn --dport "$PORT" \
	    -m recent --name synseen --set -j DROP
	t0=$(now_ms)
	run -0 bash -c 'set -o pipefail; ip netns exec "$2" "$TCPDIAL" -w 0 -i 0 \
	    127.0.0.1 "$1" </dev/null | wc -c' _ "$PORT" "$NS"
	[ "$output" -eq 20 ]
	# The first SYN was dropped: the connect waited for the retransmit.
	elapsed_ok "$t0" 900 60000
	[ "$(in_ns iptables -L INPUT -v -x -n | awk '/DROP/ { print $1 }')" = 1 ]
	finish_peer
	[ "$(report sent)" = 20 ]
	[ "$(report accepts)" = 1 ]
}

@test "-v names the attempt and both ends" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" -v 127.0.0.1 "$PORT" </dev/null
	finish_peer
	cport=$(report client_port)
	[[ "${stderr_lines[0]}" =~ ^tcpdial:\ connected\ to\ 127\.0\.0\.1\ port\ $PORT\ from\ 127\.0\.0\.1\ port\ $cport\ in\ [0-9]+\ ms$ ]]
	[[ "${stderr_lines[-1]}" =~ ^tcpdial:\ sent\ 0\ bytes,\ received\ 0\ bytes\ in\ [0-9.]+\ s\;\ closed\ with\ FIN ]]
}

@test "-v on failure: the connect line once, with its time" {
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" -v 127.0.0.1 "$port" </dev/null
	[[ "$stderr" =~ ^tcpdial:\ connect\ to\ 127\.0\.0\.1\ port\ $port:\ Connection\ refused\ after\ [0-9]+\ ms$ ]]
}
