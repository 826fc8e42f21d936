#!/usr/bin/env bats
# Exit 0 must mean delivered (SPEC 4, 5): the peer's FIN while stdin is
# open, a lost connection, -m and --settle.  flush.bats has the endings
# that flush, signals.bats the endings by signal.

load helpers

# The sha256 of the first 10 MiB of the peer's stream.
sha_gen() {
	"$PEER" gen "$1" | sha
}

upload_after_peer_fin() {	# upload_after_peer_fin KIND
	local n=$((10 << 20))
	start_peer -t 60 accept fin sink
	run -0 --separate-stderr feeder "$1" "$n" "$BATS_TEST_TMPDIR/in" \
	    "$TCPDIAL" 127.0.0.1 "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report received)" = "$n" ]
	[ "$(report received_sha256)" = "$(sha_gen "$n")" ]
	[ "$(report client_end)" = FIN ]
}

@test "peer FIN first, 10 MiB from a pipe: every byte arrives, exit 0" {
	upload_after_peer_fin pipe
}

@test "peer FIN first, 10 MiB from a file: every byte arrives, exit 0" {
	upload_after_peer_fin file
}

@test "peer FIN first, 10 MiB from a socket: every byte arrives, exit 0" {
	upload_after_peer_fin socket
}

@test "a peer that closed completely before reading: exit 8, never 0" {
	start_peer -t 60 accept close
	run -8 --separate-stderr bash -c '"$PEER" gen $((10 << 20)) |
	    "$TCPDIAL" 127.0.0.1 "$1"' _ "$PORT"
	# Whichever call meets the reset names it: a write, our FIN, the
	# read that polls beside them, or the wait for the disconnect.
	[[ "$stderr" =~ ^tcpdial:\ (write\ to|read\ from|send\ FIN\ to|disconnect\ from)\ 127\.0\.0\.1\ port\ $PORT:\ Connection\ reset\ by\ peer$ ]]
}

@test "peer FIN, stdin still open: stdout ends at once, stdin goes on" {
	start_peer -t 60 accept send 100000 fin sink
	hold_stdin
	# tcpdial's own status goes to a file ($! is the pipeline's end);
	# the shell that waits for it lets go of the pipe first.
	bash -c '"$TCPDIAL" 127.0.0.1 "$2" <"$1/in" & echo $! >"$1/pid"
	    exec >/dev/null; wait $!; echo $? >"$1/status"' \
	    _ "$BATS_TEST_TMPDIR" "$PORT" 3>&- 5>&- |
	    sha >"$BATS_TEST_TMPDIR/sha" 3>&- 5>&- &
	local pipeline=$!
	# The reader downstream sees the end while tcpdial still runs.
	wait_for "stdout's end" test -s "$BATS_TEST_TMPDIR/sha"
	local td
	td=$(cat "$BATS_TEST_TMPDIR/pid")
	while_alive "$td" polling "$td"
	kill -0 "$td"
	echo tail >&5
	release_stdin
	wait_status "$pipeline"
	[ "$(cat "$BATS_TEST_TMPDIR/status")" -eq 0 ]
	finish_peer
	[ "$(cat "$BATS_TEST_TMPDIR/sha")" = "$(report sent_sha256)" ]
	[ "$(report received)" = 5 ]
	[ "$(report client_end)" = FIN ]
}

@test "peer FIN, stdin a terminal: the session ends there, exit 0" {
	start_peer -t 60 accept send 1000 fin sink
	hold_stdin
	# script(1) gives tcpdial a terminal as stdin; the fifo keeps it
	# open and silent.
	# timeout: a broken terminal rule fails here instead of hanging.
	run -0 bash -c 'exec 3>&- 5>&-; exec timeout -k 5 60 script -qec \
	    "$TCPDIAL 127.0.0.1 $1 >$2" /dev/null <"$3" >/dev/null' _ "$PORT" \
	    "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/in"
	release_stdin
	finish_peer
	[ "$(report client_end)" = FIN ]
	[ "$(sha <"$BATS_TEST_TMPDIR/out")" = "$(report sent_sha256)" ]
}

# lost_session REJECT...: in a namespace with tcp_retries2=3, upload to
# a sink; once bytes flow, the peer's packets go nowhere (iptables
# arguments REJECT...).  Sets status and stderr.
lost_session() {
	need_root
	make_netns
	in_ns sysctl -qw net.ipv4.tcp_retries2=3
	PEER_NS=$NS start_peer -t 120 -x accept sink
	"$PEER" gen 100000000000 | in_ns "$TCPDIAL" 127.0.0.1 "$PORT" \
	    >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local pid=$!
	wait_for "bytes acknowledged" acked_over "$PORT" 1000000
	in_ns iptables "${@//\{port\}/$PORT}"
	WAIT_MS=120000 wait_for "the end" bash -c "! kill -0 $pid 2>/dev/null"
	wait_status "$pid"
	stderr=$(cat "$BATS_TEST_TMPDIR/err")
}

@test "the peer's packets dropped mid-session: exit 13, connection lost" {
	lost_session -A INPUT -p tcp --sport '{port}' -j DROP
	echo "$stderr" >&3
	[ "$status" -eq 13 ]
	[[ "$stderr" =~ ^tcpdial:\ (write\ to|read\ from)\ 127\.0\.0\.1\ port\ $PORT:\ connection\ lost:\ Connection\ timed\ out$ ]]
}

@test "the path to the peer unreachable mid-session: exit 13" {
	lost_session -A OUTPUT -p tcp --dport '{port}' -j REJECT \
	    --reject-with icmp-host-unreachable
	echo "$stderr" >&3
	[ "$status" -eq 13 ]
	[[ "$stderr" =~ ^tcpdial:\ (write\ to|read\ from)\ 127\.0\.0\.1\ port\ $PORT:\ connection\ lost:\ No\ route\ to\ host$ ]]
}

@test "-m 1 against a peer that never reads 100 MiB: exit 9 within 1.3 s" {
	start_peer -t 60 -R 4096 accept sleep 60000
	t0=$(now_ms)
	run -9 --separate-stderr bash -c '"$PEER" gen $((100 << 20)) |
	    "$TCPDIAL" -m 1 127.0.0.1 "$1"' _ "$PORT"
	elapsed_ok "$t0" 1000 1300
	[ "$stderr" = "tcpdial: 127.0.0.1 port $PORT: max time of 1000 ms reached" ]
}

@test "-m while connecting: exit 5 at the deadline" {
	need_root
	make_netns
	in_ns iptables -A INPUT -p tcp --dport 9 -j DROP
	t0=$(now_ms)
	run -5 --separate-stderr in_ns "$TCPDIAL" -m 500ms 127.0.0.1 9 \
	    </dev/null
	elapsed_ok "$t0" 500 2500
	[ "$stderr" = "tcpdial: connect to 127.0.0.1 port 9: Connection timed out" ]
}

@test "-m bounds the wait for the peer's FIN before -q: exit 9, not 10" {
	start_peer -t 60 accept sink sleep 60000
	run -9 --separate-stderr "$TCPDIAL" -m 500ms -q 5 127.0.0.1 "$PORT" \
	    </dev/null
	[ "$stderr" = "tcpdial: 127.0.0.1 port $PORT: max time of 500 ms reached" ]
}

@test "a server that stops at our FIN cuts its reply short, unseen: exit 0" {
	# Why the test below exists (SPEC 4): such a server (nginx, Redis)
	# takes our FIN for "gone", and nothing in TCP tells us; what did
	# arrive is still all on stdout.  stdin a file: the FIN goes at once.
	printf 'GET\n' >"$BATS_TEST_TMPDIR/req"
	start_peer -t 60 accept read 4 sendtofin 20000000
	run -0 --separate-stderr bash -c 'set -o pipefail
	    "$TCPDIAL" 127.0.0.1 "$1" <"$2" | sha' _ "$PORT" \
	    "$BATS_TEST_TMPDIR/req"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report sent)" -lt 20000000 ]
	[ "$output" = "$(report sent_sha256)" ]
}

@test "a server that stops at our FIN: --no-half-close --settle gets it all" {
	# --settle 1: a quiet that long comes only at the end, not from a
	# peer descheduled on a loaded machine.
	start_peer -t 60 accept read 4 sendtofin 20000000 await
	run -0 --separate-stderr bash -c 'set -o pipefail; printf "GET\n" |
	    "$TCPDIAL" --no-half-close --settle 1 127.0.0.1 "$1" | sha' \
	    _ "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report sent)" = 20000000 ]
	[ "$output" = "$(report sent_sha256)" ]
}

# The README's and the man page's HTTP/1.0 form.  Catches: a FIN sent
# at stdin's end despite --no-half-close (the peer would stop short).
@test "a server that closes after its reply: --no-half-close alone gets it all" {
	start_peer -t 60 accept read 4 sendtofin 20000000 close
	run -0 --separate-stderr bash -c 'set -o pipefail; printf "GET\n" |
	    "$TCPDIAL" --no-half-close 127.0.0.1 "$1" | sha' _ "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report sent)" = 20000000 ]
	[ "$output" = "$(report sent_sha256)" ]
}

@test "--settle counts the quiet only while we read: a slow stdout loses nothing" {
	# --hexdump: stdout goes through tcpdial's buffer.  While a slow
	# reader empties it the socket is not read, which is no quiet of the
	# peer's: settling as the buffer empties would drop what is queued.
	start_peer -t 60 accept read 4 send 4000000 await
	{
		printf 'GET\n' | "$TCPDIAL_BIN" --no-half-close --settle 1 \
		    --hexdump "$BATS_TEST_TMPDIR/hex" 127.0.0.1 "$PORT" \
		    2>"$BATS_TEST_TMPDIR/err"
		echo $? >"$BATS_TEST_TMPDIR/rc"
	} 3>&- | { wait_for "the go" test -e "$BATS_TEST_TMPDIR/go"; sha; } \
	    >"$BATS_TEST_TMPDIR/sha" 3>&- &
	wait_for "tcpdial" pgrep -f -- "--hexdump $BATS_TEST_TMPDIR/hex"
	wait_for "stdout stalled" stdout_stalled \
	    "$(pgrep -f -- "--hexdump $BATS_TEST_TMPDIR/hex")"
	# The window is time itself: stdout stays stalled for three
	# --settle periods before its reader starts.  (--settle 1: the
	# peer, while tcpdial reads, is never quiet that long.)
	sleep 3
	touch "$BATS_TEST_TMPDIR/go"
	wait $!
	wait_for "tcpdial's status" test -s "$BATS_TEST_TMPDIR/rc"
	[ "$(cat "$BATS_TEST_TMPDIR/rc")" = 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	finish_peer
	[ "$(report sent)" = 4000000 ]
	[ "$(cat "$BATS_TEST_TMPDIR/sha")" = "$(report sent_sha256)" ]
}

@test "--settle waits until the peer has acknowledged all we sent" {
	# Abort discards what is unacknowledged: settling before the slow
	# reader took it all would lose bytes.
	start_peer -t 60 -R 4096 accept sleep 1000 sink
	run -0 --separate-stderr bash -c '"$PEER" gen 4000000 |
	    "$TCPDIAL" --close abort --no-half-close --settle 100ms \
	    127.0.0.1 "$1"' _ "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report received)" = 4000000 ]
	[ "$(report client_end)" = RST ]
}

@test "a reset met while sending: no FIN is narrated after it" {
	# strace slows every poll, so the reset is there when stdin is
	# spliced: the write meets it, and the read in the same turn would
	# see only the 0 it leaves behind.
	start_peer -t 60 accept read 10 rst
	run -8 --separate-stderr bash -c '"$PEER" gen 100000000 |
	    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -o /dev/null -e trace=ppoll \
	    -e inject=ppoll:delay_enter=100000:when=1+ \
	    "$TCPDIAL_BIN" -v 127.0.0.1 "$1" >/dev/null' _ "$PORT"
	[ "${stderr_lines[1]}" = "tcpdial: write to 127.0.0.1 port $PORT: Connection reset by peer" ]
	[[ "$stderr" != *"closed its side"* ]]
}

@test "ulimit -f with stdout a file: exit 11, not killed by SIGXFSZ" {
	start_peer -t 60 accept send 1000000 close
	run -11 --separate-stderr bash -c 'ulimit -f 100; exec "$TCPDIAL" \
	    127.0.0.1 "$1" </dev/null >"$2"' _ "$PORT" "$BATS_TEST_TMPDIR/out"
	[ "$stderr" = "tcpdial: write to stdout: File too large" ]
}

@test "a closed stdin reads as empty: the greeting still arrives, exit 0" {
	start_peer -t 60 accept send 1000 sink close
	run -0 --separate-stderr bash -c 'exec "$TCPDIAL" 127.0.0.1 "$1" \
	    <&- >"$2"' _ "$PORT" "$BATS_TEST_TMPDIR/out"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report client_end)" = FIN ]
	[ "$(sha <"$BATS_TEST_TMPDIR/out")" = "$(report sent_sha256)" ]
}

@test "a closed stdout, data arriving: exit 11" {
	start_peer -t 60 accept send 1000 sink close
	run -11 --separate-stderr bash -c 'exec "$TCPDIAL" 127.0.0.1 "$1" \
	    </dev/null >&-' _ "$PORT"
	[ "$stderr" = "tcpdial: write to stdout: Bad file descriptor" ]
}

@test "-i: stdout that takes nothing is named, not the peer" {
	start_peer -t 60 accept send 100000000000
	mkfifo "$BATS_TEST_TMPDIR/out"
	# This shell holds the pipe open and never reads it.
	exec 6<>"$BATS_TEST_TMPDIR/out"
	run -9 --separate-stderr bash -c 'exec "$TCPDIAL" -i 500ms \
	    127.0.0.1 "$1" </dev/null >"$2"' _ "$PORT" "$BATS_TEST_TMPDIR/out"
	exec 6>&-
	[ "${stderr_lines[0]}" = "tcpdial: 127.0.0.1 port $PORT: no traffic for 500 ms (idle timeout): stdout took nothing" ]
	# What the kernel had received for it is named too.
	[[ "${stderr_lines[1]}" =~ ^tcpdial:\ write\ to\ stdout:\ [1-9][0-9]*\ bytes\ received\ were\ not\ written$ ]]
	[ "${#stderr_lines[@]}" = 2 ]
}

# Catches: the peer blamed for a silence after its FIN, stdin's.
@test "-i after the peer's FIN: stdin is named as the silent side" {
	start_peer -t 60 accept send 1000 fin sink
	hold_stdin
	run -9 --separate-stderr "$TCPDIAL" -i 500ms 127.0.0.1 "$PORT" \
	    <"$BATS_TEST_TMPDIR/in" >/dev/null 3>&- 5>&-
	release_stdin
	[ "$stderr" = "tcpdial: 127.0.0.1 port $PORT: no traffic for 500 ms (idle timeout): stdin sent nothing after the peer's FIN" ]
}

@test "-i: a peer that takes nothing is named" {
	start_peer -t 60 -R 4096 accept sleep 60000
	run -9 --separate-stderr bash -c '"$PEER" gen 100000000000 |
	    "$TCPDIAL" -i 500ms 127.0.0.1 "$1"' _ "$PORT"
	[ "$stderr" = "tcpdial: 127.0.0.1 port $PORT: no traffic for 500 ms (idle timeout): the peer took nothing" ]
}

@test "SO_LINGER refused: said, no RST claimed, exit 1" {
	start_peer -t 60 accept sink
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    run -1 --separate-stderr strace -o /dev/null -e trace=setsockopt \
	    -e inject=setsockopt:error=ENOMEM "$TCPDIAL_BIN" -v --close abort \
	    127.0.0.1 "$PORT" </dev/null
	[ "${stderr_lines[-2]}" = "tcpdial: set SO_LINGER on 127.0.0.1 port $PORT (no RST sent): Cannot allocate memory" ]
	[[ "${stderr_lines[-1]}" != *"RST"* ]]
	finish_peer
	[ "$(report client_end)" = FIN ]
}

@test "our FIN meets a reset: one line, exit 8 at once, no disconnect wait" {
	start_peer -t 60 accept sink
	# shutdown(2) fails as after a reset (ENOTCONN).  The end must not
	# fall through to the graceful close's wait, which never completes.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    run -8 --separate-stderr timeout 30 strace -o /dev/null \
	    -e trace=shutdown -e inject=shutdown:error=ENOTCONN \
	    "$TCPDIAL_BIN" 127.0.0.1 "$PORT" < <(printf x)
	[ "$stderr" = "tcpdial: send FIN to 127.0.0.1 port $PORT: Connection reset by peer" ]
}

@test "ports exhausted (EADDRNOTAVAIL) without -s or -p: exit 7" {
	need_root
	make_netns
	PEER_NS=$NS start_peer -t 60 accept sink
	# One local port (not the peer's): the second connection finds none.
	local one=$((PORT == 40001 ? 40002 : 40001))
	in_ns sysctl -qw net.ipv4.ip_local_port_range="$one $one"
	hold_stdin
	in_ns "$TCPDIAL" 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in" \
	    >/dev/null 3>&- 5>&- &
	wait_for "the first connection" bash -c \
	    "[ -n \"\$(ip netns exec $NS ss -Htn state established 'dport = :$PORT')\" ]"
	run -7 --separate-stderr in_ns "$TCPDIAL" -z 127.0.0.1 "$PORT"
	release_stdin
	[ "$stderr" = "tcpdial: connect to 127.0.0.1 port $PORT: Cannot assign requested address" ]
}

@test "a failed bind without -p names no port" {
	run -7 --separate-stderr "$TCPDIAL" -z -s 192.0.2.1 127.0.0.1 9
	[ "$stderr" = "tcpdial: bind to 192.0.2.1: Cannot assign requested address" ]
}

@test "a non-ASCII name is looked up as IDN (AI_IDN, UTF-8 locale)" {
	need_root
	start_peer -t 60 accept
	printf '127.0.0.1 xn--bcher-kva.test\n' >"$BATS_TEST_TMPDIR/hosts"
	# A private mount namespace: this test's /etc/hosts only.
	run -0 --separate-stderr unshare -m sh -c 'mount --bind "$1" /etc/hosts &&
	    LC_ALL=C.UTF-8 exec "$2" -z bücher.test "$3"' _ \
	    "$BATS_TEST_TMPDIR/hosts" "$TCPDIAL" "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report accepts)" = 1 ]
}
