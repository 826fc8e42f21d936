#!/usr/bin/env bats
# Session transitions that a mutation check of src/relay.c and
# src/hangup.c found unguarded: each test here went red on a one-spot bug
# (named in its "Catches:" comment) that the rest of the suite let through.

load helpers

# lastack_session ARGS...: in a namespace, a peer that closes first and
# whose ACK of our FIN is dropped (its only pure ACK), so that our FIN
# leaves us in LAST_ACK; tcpdial -v ARGS with stdin a held fifo, in the
# background (TD_PID), until the peer's FIN is in.
lastack_session() {
	need_root
	make_netns
	PEER_NS=$NS start_peer -t 20 accept fin sink
	in_ns iptables -A INPUT -p tcp --sport "$PORT" --tcp-flags ALL ACK -j DROP
	hold_stdin
	# ip netns exec, not in_ns: $! must be tcpdial itself (ip execs it).
	ip netns exec "$NS" "$TCPDIAL" -v "$@" 127.0.0.1 "$PORT" \
	    <"$BATS_TEST_TMPDIR/in" 2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- &
	TD_PID=$!
	wait_for "the peer's FIN" grep -q 'closed its side' "$BATS_TEST_TMPDIR/err"
}

# Catches: wait_disconnect() returning true at once.
@test "-q 1, the peer never acknowledges our FIN: exit 10, disconnect not complete" {
	lastack_session -q 1
	t0=$(now_ms)
	# stdin's end: our FIN goes out, and -q starts.
	release_stdin
	wait_status "$TD_PID"
	elapsed_ok "$t0" 1000 1300
	[ "$status" -eq 10 ]
	grep -qx "tcpdial: 127.0.0.1 port $PORT: disconnect not complete after 1000 ms" \
	    "$BATS_TEST_TMPDIR/err"
	[[ "$(tail -n 1 "$BATS_TEST_TMPDIR/err")" == *"; disconnect not complete" ]]
}

# Catches: wait_disconnect() not cutting its wait to a signal's grace.
@test "SIGTERM, our FIN never acknowledged: exit 143 after the 1 s grace" {
	lastack_session
	# stdin's end: our FIN goes out; hangup waits for its ACK.
	release_stdin
	wait_for "our FIN sent" in_state last-ack "$PORT"
	t0=$(now_ms)
	kill -TERM "$TD_PID"
	wait_status "$TD_PID"
	elapsed_ok "$t0" 1000 1500
	[ "$status" -eq 143 ]
	grep -qx "tcpdial: 127.0.0.1 port $PORT: disconnect not complete after 1000 ms, the grace after SIGTERM" \
	    "$BATS_TEST_TMPDIR/err"
}

# Catches: finish_graceful() not sending the FIN --no-half-close held back.
@test "--no-half-close, the peer answers and closes: our FIN follows, exit 0 at once" {
	start_peer -t 10 accept read 4 send 1000 fin sink
	t0=$(now_ms)
	run -0 --separate-stderr bash -c 'set -o pipefail; printf "GET\n" |
	    "$TCPDIAL" --no-half-close -q 2 127.0.0.1 "$1" | sha' _ "$PORT"
	elapsed_ok "$t0" 0 1000
	[ -z "$stderr" ]
	finish_peer
	[ "$output" = "$(report sent_sha256)" ]
	[ "$(report client_end)" = FIN ]
}

# Catches: peer_reset() not recording END_PEER_RESET.
@test "-v after the peer's RST: the summary says the peer reset it" {
	start_peer -t 10 accept send 1000 sleep 100 rst
	run -8 --separate-stderr bash -c '"$TCPDIAL" -v 127.0.0.1 "$1" \
	    < <(exec sleep 5 2>&-) >/dev/null' _ "$PORT"
	[[ "${stderr_lines[-1]}" =~ ^tcpdial:\ sent\ 0\ bytes,\ received\ 1000\ bytes\ in\ [0-9.]+\ s\;\ the\ peer\ reset\ it\ \(RST\)$ ]]
}

# Catches: a blocking stdout.  stdio_nonblock() skipped alone is not one:
# the pipe path splices with SPLICE_F_NONBLOCK, so it takes that flag
# dropped as well (a stdout that is a pipe, as here, never uses write()).
@test "a stalled stdout reader does not stall the upload" {
	# stdout is a pipe filled full before tcpdial starts (peer fillpipe)
	# that we hold open and never read.  The 300000 bytes the peer sends
	# are more than tcpdial's 128 KiB buffer takes; the TCP buffers hold
	# the rest.  Once the peer has sent them all (its "mark"), a blocking
	# write to stdout would keep tcpdial from reading the "hello" that
	# stdin brings only then.
	local in=$BATS_TEST_TMPDIR/in out=$BATS_TEST_TMPDIR/out
	start_peer -t 10 accept send 300000 mark read 5 close
	mkfifo "$in" "$out"
	exec 7<>"$out"
	"$PEER" fillpipe >"$out"
	"$TCPDIAL" 127.0.0.1 "$PORT" <"$in" >"$out" 3>&- 6>&- 7<&- &
	pid=$!
	exec 6>"$in"
	wait_for "the peer to send it all" grep -qx mark \
	    "$BATS_TEST_TMPDIR/port.$peer_n"
	t0=$(now_ms)
	printf hello >&6
	wait_for "the peer to read hello" test -f "$REPORT"
	elapsed_ok "$t0" 0 1500
	[ "$(report received)" = 5 ]
	[ -z "$(report error)" ]
	kill "$pid" 2>/dev/null || true
	exec 6>&- 7<&-
}

# split_crlf: "a\r", then, once the peer has acknowledged it (so tcpdial
# read it alone), "\nb\n", through tcpdial -C.
split_crlf() {
	set -o pipefail
	{
		printf 'a\r'
		wait_for "a\\r sent" acked_over "$PORT" 1 || exit 1
		printf '\nb\n'
	} | "$TCPDIAL" -C 127.0.0.1 "$PORT"
}

@test "-C: a CR at the end of one read and its LF in the next stay CRLF" {
	start_peer -t 10 accept sink
	run -0 split_crlf
	finish_peer
	[ "$(report received_sha256)" = "$(printf 'a\r\nb\r\n' | sha)" ]
}

# Catches: -q started only once the unsent stdin bytes (r.up) are gone
# (with on_signal() keeping them after the first signal), so that it waits
# for a peer that reads.
@test "SIGTERM, the peer reads nothing: -q counts from the signal" {
	start_peer -t 10 accept sleep 3000 sink
	"$TCPDIAL" -v -q 500ms 127.0.0.1 "$PORT" < <(exec 3>&-; exec "$PEER" gen 100000000000) \
	    >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	wait_for "tcpdial to connect" grep -q connected "$BATS_TEST_TMPDIR/err"
	# The peer's window is shut and our send buffer full: from here on
	# tcpdial's own buffer fills from stdin and stays full.
	wait_for "our send buffer to fill" send_full "$PORT"
	t0=$(now_ms)
	kill -TERM "$pid"
	wait_status "$pid"
	elapsed_ok "$t0" 400 1000
	# A signal's close that -q cuts short still exits 128+n.
	[ "$status" -eq 143 ]
}

# Catches: do_stdout() taking EPIPE for "try again".  Same as close.bats'
# "stdout closed by its reader", bounded by -q so that a tcpdial spinning
# on a dead stdout fails the test (exit 10) instead of hanging the suite.
@test "stdout closed by its reader, -q 2: exit 11 at once, not 10 at -q" {
	start_peer -t 30 -x accept send $((100 << 20)) close
	t0=$(now_ms)
	run --separate-stderr bash -c 'set -o pipefail; "$TCPDIAL" -q 2 127.0.0.1 "$1" </dev/null | head -c 10 >/dev/null' _ "$PORT"
	elapsed_ok "$t0" 0 1500
	[ "$status" -eq 11 ]
	[ "$stderr" = "tcpdial: write to stdout: Broken pipe" ]
}

# Catches: wait_disconnect() not bounded by -m.
@test "-m, our FIN never acknowledged: exit 9 at the limit, not 10 at -q" {
	lastack_session -m 2 -q 30
	t0=$(now_ms)
	release_stdin
	wait_for "our FIN sent" in_state last-ack "$PORT"
	wait_status "$TD_PID"
	# -m's 2 s from the start, far from -q's 30 s.
	elapsed_ok "$t0" 0 5000
	[ "$status" -eq 9 ]
	grep -qx "tcpdial: 127.0.0.1 port $PORT: max time of 2000 ms reached" \
	    "$BATS_TEST_TMPDIR/err"
}
