#!/usr/bin/env bats
# Faults on the path, injected in a private network namespace: packet
# loss, a slow link, a path that goes dead, a reset forged by a firewall,
# SYNs dropped and ICMP errors over IPv6.  Each has its exact exit status,
# a check of the bytes, and its timing on fd 3.  Root only; CI runs as
# root, so nothing here is skipped there.

load helpers

setup() {
	need_root
	make_netns
}

size_over() {	# size_over FILE N
	[ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt "$2" ]
}

# kill_path PORT: drop every packet of the connection, both ways.
kill_path() {
	in_ns iptables -I INPUT -p tcp --dport "$1" -j DROP
	in_ns iptables -I INPUT -p tcp --sport "$1" -j DROP
}

# prefix_ok FILE: FILE holds the start of the peer's stream, and more
# than 1 MiB of it.
prefix_ok() {
	local n
	n=$(stat -c %s "$1")
	echo "received $n bytes" >&3
	[ "$n" -gt $((1 << 20)) ]
	[ "$(sha <"$1")" = "$("$PEER" gen "$n" | sha)" ]
}

# bg_tcpdial ARGS...: tcpdial in the namespace, in the background, stdout
# to $BATS_TEST_TMPDIR/out, stderr to .../err, stdin from the fifo
# $BATS_TEST_TMPDIR/in, held open on fd 5 (read-write: no EOF until the
# test closes it).  A hang ends in SIGKILL after 20 s, never a stuck
# suite.  Sets TD_PID.
bg_tcpdial() {
	hold_stdin
	in_ns timeout -s KILL 20 "$TCPDIAL" "$@" <"$BATS_TEST_TMPDIR/in" \
	    >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- &
	TD_PID=$!
}

# td_status: wait for the background tcpdial; its exit status in status.
td_status() {
	wait_status "$TD_PID"
	echo "exit $status: $(cat "$BATS_TEST_TMPDIR/err")" >&3
}

# dropped CHAIN: packets the chain's first rule has dropped.
dropped() {
	in_ns iptables -L "$1" -v -x -n | awk 'NR == 3 { print $1 }'
}

@test "5% packet loss: a 64 MiB round trip through echo arrives whole, exit 0" {
	in_ns iptables -A INPUT -m statistic --mode random --probability 0.05 \
	    -j DROP
	PEER_NS=$NS start_peer -x -t 60 accept echo close
	want=$("$PEER" gen $((64 << 20)) | sha)
	t0=$(now_ms)
	run -0 --separate-stderr in_ns bash -c '"$PEER" gen $((64 << 20)) |
	    "$TCPDIAL" 127.0.0.1 "$1" | sha; exit "${PIPESTATUS[1]}"' _ "$PORT"
	elapsed_ok "$t0" 0 30000
	[ -z "$stderr" ]
	[ "$output" = "$want" ]
	finish_peer
	[ "$(report received)" = $((64 << 20)) ]
	[ "$(report sent)" = $((64 << 20)) ]
	[ "$(report client_end)" = FIN ]
	# The loss was real: the rule dropped packets.
	echo "dropped $(dropped INPUT) packets" >&3
	[ "$(dropped INPUT)" -gt 0 ]
}

# slow_link: 40 Mbit/s on lo, with a 1500-byte MTU: the token bucket
# drops every packet larger than its burst, and lo's own MTU is 64 KiB.
slow_link() {
	in_ns ip link set lo mtu 1500
	in_ns tc qdisc add dev lo root tbf rate 40mbit burst 32kbit \
	    latency 400ms
}

@test "slow link, download: 16 MiB intact, -i 1 never fires while bytes move" {
	slow_link
	PEER_NS=$NS start_peer -t 60 accept send $((16 << 20)) close
	t0=$(now_ms)
	run -0 --separate-stderr in_ns bash -c '"$TCPDIAL" -i 1 127.0.0.1 "$1" \
	    </dev/null | sha; exit "${PIPESTATUS[0]}"' _ "$PORT"
	# 16 MiB at 40 Mbit/s is 3.4 s: -i had time to fire if it were wrong.
	elapsed_ok "$t0" 2000 20000
	[ -z "$stderr" ]
	finish_peer
	[ "$output" = "$(report sent_sha256)" ]
}

@test "slow link, upload: 16 MiB intact, -i 1 never fires while we send" {
	slow_link
	PEER_NS=$NS start_peer -t 60 accept sink close
	want=$("$PEER" gen $((16 << 20)) | sha)
	t0=$(now_ms)
	run -0 --separate-stderr in_ns bash -c '"$PEER" gen $((16 << 20)) |
	    "$TCPDIAL" -i 1 127.0.0.1 "$1"' _ "$PORT"
	elapsed_ok "$t0" 2000 20000
	[ -z "$stderr" ]
	[ -z "$output" ]
	finish_peer
	[ "$(report received_sha256)" = "$want" ]
	[ "$(report client_end)" = FIN ]
}

@test "path goes dead mid-download: -i 1 gives exit 9 within 1.3 s of the last byte" {
	PEER_NS=$NS start_peer -x -t 20 accept send 100000000000
	bg_tcpdial -i 1 127.0.0.1 "$PORT"
	wait_for "1 MiB to arrive" size_over "$BATS_TEST_TMPDIR/out" $((1 << 20))
	# Bytes arrive until the rules are in, so the last one came after t0
	# and before t1: at least 1 s after t0, at most 1.3 s after t1.
	t0=$(now_ms)
	kill_path "$PORT"
	t1=$(now_ms)
	td_status
	elapsed_ok "$t0" 1000 $((t1 - t0 + 1300))
	[ "$status" -eq 9 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = \
	    "tcpdial: 127.0.0.1 port $PORT: no traffic for 1000 ms (idle timeout): the peer sent nothing" ]
	prefix_ok "$BATS_TEST_TMPDIR/out"
}

@test "path goes dead mid-upload, then stdin EOF: -q 1 gives exit 10, no hang" {
	PEER_NS=$NS start_peer -t 20 accept sink
	bg_tcpdial -q 1 127.0.0.1 "$PORT"
	# Bounded: should tcpdial be gone, nobody would drain the fifo.
	timeout 10 "$PEER" gen $((1 << 20)) >&5
	wait_for "1 MiB acknowledged" acked_over "$PORT" $((1 << 20))
	kill_path "$PORT"
	# 64 KiB more that can never be acknowledged, then EOF: our FIN
	# goes out behind them and is lost too.
	timeout 10 "$PEER" gen $((1 << 16)) >&5
	t0=$(now_ms)
	release_stdin
	td_status
	elapsed_ok "$t0" 1000 1300
	[ "$status" -eq 10 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = \
	    "tcpdial: 127.0.0.1 port $PORT: disconnect not complete after 1000 ms" ]
	# The path comes back: the kernel, still holding our closed socket,
	# resends what was queued.  The peer gets all of it and a FIN: the
	# close was graceful, nothing was thrown away.
	in_ns iptables -F INPUT
	finish_peer
	[ "$(report received)" = $(((1 << 20) + (1 << 16))) ]
	[ "$(report received_sha256)" = \
	    "$({ "$PEER" gen $((1 << 20)); "$PEER" gen $((1 << 16)); } | sha)" ]
	[ "$(report client_end)" = FIN ]
}

@test "a reset forged on the path while we send: exit 8, the reset named" {
	# slowsink takes at most 64 MiB/s, and 8 GiB to send last until the
	# peer's -t 20: the transfer still runs when the rule goes in,
	# however late.  (The file is sparse: zeros, which nothing here
	# checks.)  Every byte mover, in turn.
	local kind n=$((8 << 30))
	truncate -s "$n" "$BATS_TEST_TMPDIR/req"
	for kind in file socket pipe; do
		PEER_NS=$NS start_peer -x -t 20 accept slowsink
		feeder "$kind" "$n" "$BATS_TEST_TMPDIR/req" \
		    ip netns exec "$NS" timeout -s KILL 20 "$TCPDIAL" 127.0.0.1 "$PORT" \
		    >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- &
		TD_PID=$!
		wait_for "1 MiB acknowledged" acked_over "$PORT" $((1 << 20))
		in_ns iptables -I OUTPUT -p tcp --dport "$PORT" -j REJECT \
		    --reject-with tcp-reset
		t0=$(now_ms)
		td_status
		elapsed_ok "$t0" 0 1000
		[ "$status" -eq 8 ]
		[[ "$(cat "$BATS_TEST_TMPDIR/err")" = "tcpdial: write to 127.0.0.1 port $PORT: Connection reset by peer" ||
		   "$(cat "$BATS_TEST_TMPDIR/err")" = "tcpdial: read from 127.0.0.1 port $PORT: Connection reset by peer" ]]
		# The firewall answered for the peer: its end is still open.
		[ "$(in_ns ss -Htn state established "sport = :$PORT" | wc -l)" = 1 ]
		in_ns iptables -D OUTPUT 1
		kill "$PEER_PID" 2>/dev/null || true
	done
}

@test "IPv6 SYNs dropped: -w 500ms gives exit 5 at the deadline" {
	in_ns ip6tables -A INPUT -p tcp --dport 9 -j DROP
	t0=$(now_ms)
	run -5 --separate-stderr in_ns "$TCPDIAL" -w 500ms ::1 9 </dev/null
	elapsed_ok "$t0" 500 800
	[ "$stderr" = "tcpdial: connect to ::1 port 9: Connection timed out" ]
}

@test "IPv6 SYNs dropped, [::1]:PORT form: exit 5 at the deadline" {
	in_ns ip6tables -A INPUT -p tcp --dport 9 -j DROP
	t0=$(now_ms)
	run -5 --separate-stderr in_ns "$TCPDIAL" -w 500ms '[::1]:9' </dev/null
	elapsed_ok "$t0" 500 800
	[ "$stderr" = "tcpdial: connect to ::1 port 9: Connection timed out" ]
}

@test "ICMPv6 address unreachable: exit 6 and the connect line" {
	in_ns ip6tables -A OUTPUT -p tcp --dport 9 -j REJECT \
	    --reject-with icmp6-addr-unreachable
	t0=$(now_ms)
	run -6 --separate-stderr in_ns "$TCPDIAL" -w 5 ::1 9 </dev/null
	# Not at once: Linux lets the first SYN's ICMPv6 error pass (the
	# rule rejects two SYNs per attempt); the one for the SYN it resends
	# after 1 s ends the connect.  IPv4 takes a few ms.
	elapsed_ok "$t0" 0 1300
	[ "$stderr" = "tcpdial: connect to ::1 port 9: No route to host" ]
}

@test "ICMPv6 no route: exit 6 and the connect line" {
	reject_connect ip6tables icmp6-no-route ::1 6 "Network is unreachable"
}

@test "ICMPv6 port unreachable: exit 4, refused" {
	reject_connect ip6tables icmp6-port-unreachable ::1 4 "Connection refused"
}
