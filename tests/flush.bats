#!/usr/bin/env bats
# Every ending writes what was received to stdout before it exits
# (SPEC 4): bytes tcpdial holds, and bytes still in the kernel's receive
# queue when a cut ending (-q 0, --close abort, -i, -m) is decided.

load helpers

# flushed_at_end OPTION...: the peer's 1000 bytes are read in the same
# turn as stdin's end (strace holds the relay's first poll back), so the
# ending is decided with them still held: they must reach stdout.
flushed_at_end() {
	# sink: the peer holds the connection until our FIN or RST.
	start_peer -t 60 accept send 1000 sink
	run -0 --separate-stderr bash -c 'out=$1; shift
	    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    exec strace \
	    -o /dev/null -e trace=ppoll \
	    -e inject=ppoll:delay_enter=300000:when=2 \
	    "$TCPDIAL_BIN" "$@" </dev/null >"$out"' _ "$BATS_TEST_TMPDIR/out" \
	    "$@" 127.0.0.1 "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(sha <"$BATS_TEST_TMPDIR/out")" = "$(report sent_sha256)" ]
}

@test "-q 0: what was received is on stdout (a file) before exit" {
	flushed_at_end -q 0
}

@test "--close abort: what was received is on stdout (a file) before exit" {
	flushed_at_end --close abort
}

# queued_at_end OPTION...: stdout is a pipe filled full before tcpdial
# starts, so the peer's 50000 bytes wait unread in our receive queue;
# then stdin ends, and with it the session (OPTION...).  Only once -vv
# says stdin ended, and the ending is decided without another wait, is
# the pipe emptied.  Sets status; the pipe stays open on fd 7.
queued_at_end() {
	local out=$BATS_TEST_TMPDIR/out
	start_peer -t 30 accept send 50000 sink
	mkfifo "$out"
	exec 7<>"$out"
	"$PEER" fillpipe >"$out"
	hold_stdin
	"$TCPDIAL" -vv "$@" 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in" \
	    >"$out" 2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- 7<&- &
	local pid=$!
	wait_for "50000 bytes unread" recv_q_is "$PORT" 50000
	release_stdin
	wait_for "stdin's end" grep -qx "tcpdial: stdin: end of file" \
	    "$BATS_TEST_TMPDIR/err"
	dd bs=1M count=1 <&7 >/dev/null 2>&1
	wait_status "$pid"
	cat "$BATS_TEST_TMPDIR/err"
	! grep -q "not written" "$BATS_TEST_TMPDIR/err"
	# fd 7 is open for writing too: a lost byte must fail, not hang.
	[ "$(timeout 10 head -c 50000 <&7 | sha)" = "$(report sent_sha256)" ]
}

# Catches: -q 0 closing over the queue (read dry and dropped), exit 0.
@test "-q 0: bytes still in the kernel's queue at stdin's end reach stdout" {
	queued_at_end -q 0
	[ "$status" = 0 ]
	finish_peer
	[ "$(report client_end)" = FIN ]
}

# Catches: the RST thrown over the queue, exit 0.
@test "--close abort: bytes still in the kernel's queue reach stdout first" {
	queued_at_end --close abort
	[ "$status" = 0 ]
	finish_peer
	[ "$(report client_end)" = RST ]
}

# stdout_full_session OPTION...: as queued_at_end, but stdin stays open:
# a deadline (OPTION...) ends the session.  The pipe stays open on fd 7.
stdout_full_session() {
	local out=$BATS_TEST_TMPDIR/out
	start_peer -t 30 accept send 50000 sink
	mkfifo "$out"
	exec 7<>"$out"
	"$PEER" fillpipe >"$out"
	hold_stdin
	"$TCPDIAL" "$@" 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in" \
	    >"$out" 2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- 7<&- &
	pid=$!
}

# Catches: the kernel's bytes left out of the count (none said at all),
# or left out of the bytes received that --json counts.
@test "-m: the bytes the kernel's queue holds are counted as not written" {
	local pid
	stdout_full_session -m 5 --json "$BATS_TEST_TMPDIR/j.json"
	wait_status "$pid"
	release_stdin
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" = 9 ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/err")" = \
	    "tcpdial: write to stdout: 50000 bytes received were not written" ]
	[ "$(jq '.targets[0].bytes_received' "$BATS_TEST_TMPDIR/j.json")" = 50000 ]
}

# Catches: the queue dropped when -i ends the session.
@test "-i: stdout gets one more idle period for the kernel's queue too" {
	local pid
	stdout_full_session -i 3
	wait_for "the idle timeout" grep -q "idle timeout" \
	    "$BATS_TEST_TMPDIR/err"
	dd bs=1M count=1 <&7 >/dev/null 2>&1
	wait_status "$pid"
	release_stdin
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" = 9 ]
	[ "$(timeout 10 head -c 50000 <&7 | sha)" = "$(report sent_sha256)" ]
	! grep -q "not written" "$BATS_TEST_TMPDIR/err"
}

# Catches: an ending that would exit 0 (-q 0) keeping 0, or saying
# nothing, when stdout took none of what was received before -m ran out.
@test "-q 0: what stdout cannot take before -m is named, exit 11" {
	local pid
	stdout_full_session -q 0 -m 8
	wait_for "50000 bytes unread" recv_q_is "$PORT" 50000
	release_stdin
	wait_status "$pid"
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" = 11 ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/err")" = \
	    "tcpdial: write to stdout: 50000 bytes received were not written" ]
}
