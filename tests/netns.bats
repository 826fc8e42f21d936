#!/usr/bin/env bats
# Failures that need a private network namespace (SPEC 7): packets
# dropped or rejected by iptables, a private hosts file, privileged ports,
# and the namespace's own TCP buffer sizes.
# Root only; CI runs as root, so nothing here is skipped there.

load helpers

setup() {
	need_root
	make_netns
}

@test "SYNs dropped: -w 2 gives exit 5 at the deadline (2.0-2.3 s)" {
	in_ns iptables -A INPUT -p tcp --dport 9 -j DROP
	t0=$(now_ms)
	run -5 --separate-stderr in_ns "$TCPDIAL" -w 2 127.0.0.1 9 </dev/null
	elapsed_ok "$t0" 2000 2300
	[ "$stderr" = "tcpdial: connect to 127.0.0.1 port 9: Connection timed out" ]
}

@test "SYNs dropped: -w 500ms gives exit 5 within 800 ms" {
	in_ns iptables -A INPUT -p tcp --dport 9 -j DROP
	t0=$(now_ms)
	run -5 in_ns "$TCPDIAL" -w 500ms 127.0.0.1 9 </dev/null
	elapsed_ok "$t0" 500 800
}

@test "ICMP host unreachable: exit 6 and the connect line" {
	reject_connect iptables icmp-host-unreachable 127.0.0.1 6 "No route to host"
}

@test "ICMP net unreachable: exit 6" {
	reject_connect iptables icmp-net-unreachable 127.0.0.1 6 "Network is unreachable"
}

@test "ICMPv6 administratively prohibited: exit 6, not 1" {
	reject_connect ip6tables icmp6-adm-prohibited ::1 6 "Permission denied"
}

@test "-q counts from stdin EOF even while bytes wait unsent: exit 10, no hang" {
	# Small buffers and a peer that never reads: 100000 bytes from a
	# socket (the copy path, which reads them all into its buffer and
	# sees EOF) can never all leave, so the FIN is never due.  (The
	# zero-copy paths read stdin only as the socket takes it: EOF, and
	# so -q, would not come until the peer read.)
	in_ns sysctl -qw net.ipv4.tcp_wmem="4096 16384 16384"
	PEER_NS=$NS start_peer -t 10 -R 4096 accept sleep 5000
	t0=$(now_ms)
	run -10 --separate-stderr in_ns "$PEER" feed 100000 \
	    "$TCPDIAL" -q 1 127.0.0.1 "$PORT"
	elapsed_ok "$t0" 1000 1300
	[ "$stderr" = "tcpdial: 127.0.0.1 port $PORT: disconnect not complete after 1000 ms" ]
}

@test "a service name as PORT: http is port 80" {
	PEER_NS=$NS start_peer -p 80 -t 10 accept sink
	run -0 --separate-stderr in_ns "$TCPDIAL" -v 127.0.0.1 http </dev/null
	[[ "${stderr_lines[0]}" =~ ^tcpdial:\ connected\ to\ 127\.0\.0\.1\ port\ 80\  ]]
	finish_peer
	[ "$(report accepts)" = 1 ]
}

# rst_count PORT: RST segments our side has sent to PORT so far (the
# counter of a rule that matches them and does nothing else).
rst_count() {
	in_ns iptables -L OUTPUT -v -x -n | awk -v p="dpt:$1" \
	    '$0 ~ p && /flags:0x04\/0x04/ { print $1 }'
}

@test "a graceful close with unread data sends FIN and no RST at all" {
	# stdout is a full pipe nobody reads, so what the peer sends stays
	# unread in the kernel; -i then ends the session gracefully.  Closing
	# over unread data makes Linux send RST (tcp(7)) unless the queue is
	# read dry first.  The ss check proves the data really is unread.
	mkfifo "$BATS_TEST_TMPDIR/full"
	exec 5<>"$BATS_TEST_TMPDIR/full"
	"$PEER" fillpipe >&5
	PEER_NS=$NS start_peer -t 10 accept send 20000 sink
	in_ns iptables -A OUTPUT -p tcp --dport "$PORT" --tcp-flags RST RST
	in_ns "$TCPDIAL" -i 1 127.0.0.1 "$PORT" < <(exec sleep 5 2>&-) >&5 \
	    2>/dev/null 3>&- &
	pid=$!
	wait_for "20000 bytes unread" recv_q_is "$PORT" 20000
	wait_status "$pid"
	exec 5>&-
	[ "$status" -eq 9 ]
	finish_peer
	[ "$(report client_end)" = FIN ]
	[ "$(rst_count "$PORT")" = 0 ]
}

@test "the RST counter does count: --close abort sends one" {
	PEER_NS=$NS start_peer -t 10 accept sink
	in_ns iptables -A OUTPUT -p tcp --dport "$PORT" --tcp-flags RST RST
	run -0 in_ns "$TCPDIAL" --close abort 127.0.0.1 "$PORT" </dev/null
	finish_peer
	[ "$(rst_count "$PORT")" = 1 ]
}

@test "a grown stdin pipe its writer keeps full is given back: every byte arrives" {
	# A peer slower than the writer, and send buffers of 128 KiB: no
	# splice to the socket takes a grown pipe's megabyte at once, and a
	# full pipe cannot shrink.  (With 64 KiB, one loopback segment, Linux
	# 6.18's splice to TCP stalls.)  The writer shares tcpdial's CPU, as
	# in a benchmark's pinned pipeline, and fills the pipe whenever
	# tcpdial waits for the socket.  It runs SCHED_BATCH, never taking
	# tcpdial's CPU at a wake-up: one that did would keep the pipe from
	# growing at all (pipes.bats).
	local a=$((81 << 20)) b=$((144 << 20)) t=$BATS_TEST_TMPDIR cpu small
	[ "$(cat /proc/sys/fs/pipe-max-size)" -ge 1048576 ] ||
	    skip "pipe-max-size is under 1 MiB"
	small=$(: | "$PEER" pipesize /dev/stdin)
	in_ns sysctl -qw net.ipv4.tcp_wmem="4096 131072 131072"
	mkfifo "$t/go" "$t/end"
	cpu=$(cpu_list | head -n 1)
	PEER_NS=$NS start_peer -t 120 accept slowsink
	in_ns taskset -c "$cpu" bash -c 'w=$5
	    { echo "$BASHPID" >"$w.writer"; chrt -b 0 "$PEER" gen "$1"
	      : >"$w.paused"; read -r _ <"$3"
	      chrt -b 0 "$PEER" gen "$2"; : >"$w.written"; read -r _ <"$4"; } |
	    { echo "$BASHPID" >"$w.pid"
	      exec "$TCPDIAL_BIN" 127.0.0.1 "$6" >/dev/null; }' \
	    _ "$a" "$b" "$t/go" "$t/end" "$t/w" "$PORT" 3>&- &
	job=$!
	wait_for "tcpdial's pid" test -s "$t/w.pid" -a -s "$t/w.writer"
	pid=$(cat "$t/w.pid")
	STOPPED_PIDS="$pid $(cat "$t/w.writer")"
	# Past the warm-up and the first window (pipetrial.c), after 80 MiB,
	# the pipe is grown; the writer, paused after 81 MiB, leaves it empty.
	# (A writer that took tcpdial's CPU at each wake-up would leave it as
	# it came: see pipes.bats.)
	while_alive "$pid" test -e "$t/w.paused"
	while_alive "$pid" drained "$pid"
	pipe_is "$pid" 1048576 0
	# A stall, not a wait: the grown window's clock runs while nothing
	# moves, and its rate falls far below the first window's (64 MiB at
	# slowsink's 60 MB/s or so: about a second).
	sleep 4
	echo >"$t/go"
	while_alive "$pid" test -e "$t/w.written"
	while_alive "$pid" drained "$pid"
	pipe_is "$pid" "${small% *}" 0
	echo >"$t/end"
	wait_status "$job"
	STOPPED_PIDS=
	[ "$status" = 0 ]
	finish_peer
	[ "$(report received)" = $((a + b)) ]
	[ "$(report received_sha256)" = "$({ "$PEER" gen "$a"
	    "$PEER" gen "$b"; } | sha)" ]
}
