#!/usr/bin/env bats
# How sessions end (SPEC 4): who closes first, FIN or RST, -q, -i, and
# local I/O errors, each with its exit status and stderr.  signals.bats
# has the endings by signal.

load helpers

@test "stdin EOF: FIN first, the answer after it still arrives, exit 0" {
	start_peer -t 10 accept sink send 100000 close
	run -0 --separate-stderr bash -c 'set -o pipefail; printf req | "$TCPDIAL" 127.0.0.1 "$1" | sha' _ "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report client_end)" = FIN ]
	[ "$(report received)" = 3 ]
	[ "$output" = "$(report sent_sha256)" ]
}

@test "peer FIN first, stdin open and silent: tcpdial waits for stdin, as nc" {
	# The peer only stopped sending (SPEC 4): stdin, a pipe, may still
	# have bytes for it.  endings.bats has the rest of this rule.
	start_peer -t 10 accept send 100000 fin sink
	hold_stdin
	bash -c 'set -o pipefail
	    { echo "$BASHPID" >"$2/pid"
	      exec "$TCPDIAL" 127.0.0.1 "$1" <"$2/in" 2>"$2/err"; } |
	    sha >"$2/sha"' _ "$PORT" "$BATS_TEST_TMPDIR" 3>&- 5>&- &
	local pid=$! td
	# The peer's FIN is in (our socket in CLOSE_WAIT) and tcpdial has
	# read it (stdout ended); it waits on, back in poll.
	wait_for "the peer's FIN" in_state close-wait "$PORT"
	wait_for "stdout's end" test -s "$BATS_TEST_TMPDIR/sha"
	td=$(cat "$BATS_TEST_TMPDIR/pid")
	while_alive "$td" polling "$td"
	kill -0 "$td"
	release_stdin
	wait_status "$pid"
	[ "$status" -eq 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	finish_peer
	[ "$(cat "$BATS_TEST_TMPDIR/sha")" = "$(report sent_sha256)" ]
	[ "$(report client_end)" = FIN ]
}

@test "peer RST mid-session: exit 8, what came before it is on stdout" {
	start_peer -t 10 accept send 50000 sleep 100 rst
	run -8 --separate-stderr bash -c '"$TCPDIAL" 127.0.0.1 "$1" < <(exec sleep 5 2>&-) >"$2"' \
	    _ "$PORT" "$BATS_TEST_TMPDIR/out"
	[ "$stderr" = "tcpdial: read from 127.0.0.1 port $PORT: Connection reset by peer" ]
	finish_peer
	[ "$(sha <"$BATS_TEST_TMPDIR/out")" = "$(report sent_sha256)" ]
}

# read_reset_ending PID: waits for tcpdial (PID, stderr in $BATS_TEST_TMPDIR/err),
# lets its held stdin go, and asserts exit 8 with the one "read from" line.
read_reset_ending() {
	wait_status "$1"
	release_stdin
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" = 8 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = \
	    "tcpdial: read from 127.0.0.1 port $PORT: Connection reset by peer" ]
}

# Catches: a reset that splice met right behind the last bytes (the second
# splice of a turn) taken for the peer's FIN: exit 0 instead of 8.
@test "peer RST right behind its data, stdout a pipe: exit 8, every byte out" {
	# stdout is a pipe filled full before tcpdial starts; once the peer
	# has sent its 50000 bytes and reset, one read empties the pipe, and
	# tcpdial finds both the bytes and the reset queued.  The peer sends
	# once our byte shows that the connect is done.
	local out=$BATS_TEST_TMPDIR/out
	start_peer -t 10 accept read 1 send 50000 rst mark
	mkfifo "$out"
	exec 7<>"$out"
	"$PEER" fillpipe >"$out"
	hold_stdin
	printf x >&5
	"$TCPDIAL" 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in" \
	    >"$out" 2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- 7<&- &
	local pid=$!
	wait_for "the peer's reset" grep -qx mark \
	    "$BATS_TEST_TMPDIR/port.$peer_n"
	dd bs=1M count=1 <&7 >/dev/null 2>&1
	read_reset_ending "$pid"
	finish_peer
	# fd 7 is open for writing too: a lost byte must fail, not hang.
	[ "$(timeout 10 head -c 50000 <&7 | sha)" = "$(report sent_sha256)" ]
	exec 7<&-
}

@test "peer RST while stdout is slow: all it sent before still reaches stdout" {
	# 200000 bytes: more than the stdout pipe holds, so part of it is
	# still in tcpdial's buffer when the reset is read.
	# The reader starts once the peer has sent its reset (its report is
	# written then), however slowly this machine runs.
	start_peer -t 10 accept send 200000 sleep 100 rst
	hold_stdin
	run -8 --separate-stderr bash -c 'exec 5>&-; set -o pipefail
	    "$TCPDIAL" 127.0.0.1 "$1" <"$3" |
	    { until [ -s "$2" ]; do sleep 0.02; done; sha; }' _ "$PORT" \
	    "$REPORT" "$BATS_TEST_TMPDIR/in"
	finish_peer
	[ "$output" = "$(report sent_sha256)" ]
}

@test "peer RST after its FIN, stdin open and silent: exit 8 at once" {
	start_peer -t 20 accept send 1000 fin read 1 rst
	hold_stdin
	# -m only bounds a tcpdial that would miss the reset: 9, not 8.
	"$TCPDIAL" -m 30 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in" \
	    >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- &
	local pid=$!
	wait_for "the peer's FIN" in_state close-wait "$PORT"
	# Its reset comes once it has our byte, long after the connect.
	printf x >&5
	read_reset_ending "$pid"
	finish_peer
	[ "$(report received)" = 1 ]
	[ "$(sha <"$BATS_TEST_TMPDIR/out")" = "$(report sent_sha256)" ]
}

@test "peer resets while we send: exit 8, the reset named" {
	start_peer -t 10 accept read 1000 rst
	run -8 --separate-stderr bash -c '"$PEER" gen 100000000000 |
	    "$TCPDIAL" 127.0.0.1 "$1"' _ "$PORT"
	[[ "$stderr" = "tcpdial: write to 127.0.0.1 port $PORT: Connection reset by peer" ||
	   "$stderr" = "tcpdial: read from 127.0.0.1 port $PORT: Connection reset by peer" ]]
}

@test "reset right after the connect completes: exit 8, never 1" {
	for i in 1 2 3 4 5; do
		start_peer -t 10 accept rst
		run -8 --separate-stderr "$TCPDIAL" 127.0.0.1 "$PORT" < <(exec sleep 2 2>&-)
		[[ "$stderr" =~ ^tcpdial:\ (connect\ to|read\ from|send\ FIN\ to)\ 127\.0\.0\.1\ port\ $PORT:\ Connection\ reset\ by\ peer$ ]]
	done
}

# closer_lane DIR N: N times, a peer that accepts and closes at once
# while tcpdial sends 64 MiB; one line per run in DIR/verdicts: "ok", or
# the exit status and the last stderr line when it was wrong.
closer_lane() {
	local dir=$1 i port st last
	mkdir -p "$dir"
	for ((i = 0; i < $2; i++)); do
		"$PEER" -t 10 accept close >"$dir/port" 2>/dev/null 3>&- &
		wait_for "the peer's port" port_ready "$dir/port"
		port=$(cat "$dir/port")
		st=0
		"$PEER" gen $((64 << 20)) | "$TCPDIAL" -v 127.0.0.1 "$port" \
		    >/dev/null 2>"$dir/err" || st=$?
		wait $! 2>/dev/null || true
		last=$(tail -n 1 "$dir/err")
		if [ "$st" -eq 8 ] || { [ "$st" -eq 0 ] &&
		    [[ "$last" == "tcpdial: sent 0 bytes,"* ]]; }; then
			echo ok
		else
			echo "status $st: $last"
		fi >>"$dir/verdicts"
		rm -f "$dir/port"
	done
}

@test "FIN and reset right after the connect: exit 8, never 1" {
	# A reset after the peer's FIN reads as EPIPE (Broken pipe).  stdin
	# stays open and silent, so the peer's ending is the one seen.
	hold_stdin
	for i in 1 2 3 4 5 6 7 8; do
		start_peer -t 10 accept send 10 fin rst
		run -8 --separate-stderr "$TCPDIAL" 127.0.0.1 "$PORT" \
		    <"$BATS_TEST_TMPDIR/in" 3>&- 5>&-
		[[ "$stderr" =~ ^tcpdial:\ (connect\ to|read\ from|send\ FIN\ to)\ 127\.0\.0\.1\ port\ $PORT:\ Connection\ reset\ by\ peer$ ]]
	done
	release_stdin
}

@test "a peer that closes without reading: never exit 0 once bytes were sent" {
	# Our bytes hit a closed socket, which answers RST.  The kernel may
	# hide that reset from a write (partial splice), or deliver the
	# peer's FIN first and the reset only to our own FIN; tcpdial must
	# still not call it a disconnect.  Exit 0 is right only if nothing
	# was sent.  Three lanes at once: the race needs a busy machine.
	local lane pids=()
	for lane in 1 2 3; do
		closer_lane "$BATS_TEST_TMPDIR/lane$lane" 10 &
		pids+=($!)
	done
	# Not a bare wait: it would also wait for bats' timeout watchdog.
	wait "${pids[@]}"
	cat "$BATS_TEST_TMPDIR"/lane*/verdicts >"$BATS_TEST_TMPDIR/all"
	[ "$(grep -c . "$BATS_TEST_TMPDIR/all")" -eq 30 ]
	! grep -v '^ok$' "$BATS_TEST_TMPDIR/all"
}

@test "stdout closed by its reader: exit 11 at once, not death by SIGPIPE" {
	start_peer -t 30 -x accept send $((100 << 20)) close
	t0=$(now_ms)
	run --separate-stderr bash -c 'set -o pipefail; "$TCPDIAL" 127.0.0.1 "$1" </dev/null | head -c 10 >/dev/null' _ "$PORT"
	elapsed_ok "$t0" 0 3000
	[ "$status" -eq 11 ]
	[ "$stderr" = "tcpdial: write to stdout: Broken pipe" ]
}

@test "stdout closed before the start: exit 11" {
	start_peer -t 10 accept send 1000 close
	run -11 --separate-stderr bash -c '"$TCPDIAL" 127.0.0.1 "$1" </dev/null >&-' _ "$PORT"
	[ "$stderr" = "tcpdial: write to stdout: Bad file descriptor" ]
}

@test "stdin read error: exit 11, and the peer still sees FIN" {
	start_peer -t 10 accept sink
	run -11 --separate-stderr "$TCPDIAL" 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR"
	[ "$stderr" = "tcpdial: read from stdin: Is a directory" ]
	finish_peer
	[ "$(report client_end)" = FIN ]
}

@test "1 MiB nobody asked for, stdin at EOF: the peer sees FIN, not RST" {
	start_peer -t 10 accept send $((1 << 20)) sink
	run -0 "$TCPDIAL" 127.0.0.1 "$PORT" </dev/null
	[ "${#output}" -gt 0 ]
	finish_peer
	[ "$(report client_end)" = FIN ]
	[ -z "$(report error)" ]
}

@test "--close abort after a request: request delivered, then RST, exit 0" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr bash -c 'printf "GET /\n" | "$TCPDIAL" --close abort 127.0.0.1 "$1"' _ "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report received)" = 6 ]
	[ "$(report client_end)" = RST ]
}

@test "--close abort when the peer closes first: RST instead of FIN" {
	start_peer -t 10 accept send 1000 fin sink
	run -0 bash -c 'set -o pipefail; "$TCPDIAL" --close abort 127.0.0.1 "$1" < <(exec sleep 5 2>&-) | sha' _ "$PORT"
	finish_peer
	[ "$output" = "$(report sent_sha256)" ]
	[ "$(report client_end)" = RST ]
}

# reset_seen PORT: our socket to PORT is gone: a reset removed it.
reset_seen() {
	! in_state all "$1"
}

@test "--close abort after the peer's reset: exit 8, no RST of ours claimed" {
	start_peer -t 10 accept close
	hold_stdin
	"$TCPDIAL" -v --close abort 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in" \
	    >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- &
	local pid=$!
	finish_peer
	wait_for "the peer's FIN" in_state close-wait "$PORT"
	# Bytes to a socket closed for good: it answers with a reset.
	printf 'hello' >&5
	wait_for "the peer's reset" reset_seen "$PORT"
	release_stdin
	wait_status "$pid"
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" = 8 ]
	grep -q ': Connection reset by peer$' "$BATS_TEST_TMPDIR/err"
	! grep -q 'we reset it' "$BATS_TEST_TMPDIR/err"
}

@test "-q 1, peer never closes: exit 10 after 1 s" {
	start_peer -t 10 accept sink sleep 1500
	t0=$(now_ms)
	run -10 --separate-stderr "$TCPDIAL" -q 1 127.0.0.1 "$PORT" </dev/null
	elapsed_ok "$t0" 1000 1300
	[ "$stderr" = "tcpdial: 127.0.0.1 port $PORT: disconnect not complete after 1000 ms" ]
	finish_peer
	[ "$(report client_end)" = FIN ]
}

@test "-q 1, peer closes after 200 ms: exit 0, -v says the disconnect completed" {
	start_peer -t 10 accept sink sleep 200 close
	t0=$(now_ms)
	run -0 --separate-stderr "$TCPDIAL" -v -q 1 127.0.0.1 "$PORT" </dev/null
	elapsed_ok "$t0" 200 900
	[[ "$stderr" == *"tcpdial: disconnect complete after "*" ms"* ]]
	[[ "${stderr_lines[-1]}" == *"; disconnect complete" ]]
}

@test "-q 0: exit 0 right after our FIN, without waiting for the peer" {
	start_peer -t 10 accept sink sleep 1000
	t0=$(now_ms)
	run -0 --separate-stderr "$TCPDIAL" -q 0 127.0.0.1 "$PORT" </dev/null
	elapsed_ok "$t0" 0 500
	[ -z "$stderr" ]
	finish_peer
	[ "$(report client_end)" = FIN ]
}

@test "-q 0.0000001 is 1 ms, not 0: it waits, then exit 10 (found by fuzzing)" {
	start_peer -t 10 accept sink sleep 1000
	run -10 --separate-stderr "$TCPDIAL" -q 0.0000001 127.0.0.1 "$PORT" </dev/null
	[ "$stderr" = "tcpdial: 127.0.0.1 port $PORT: disconnect not complete after 1 ms" ]
}

@test "--no-half-close: no FIN at stdin EOF; the late 8 MiB reply arrives whole" {
	start_peer -t 20 accept read 4 nofin 500 send $((8 << 20)) fin sink
	run -0 --separate-stderr bash -c 'set -o pipefail; printf "GET\n" | "$TCPDIAL" --no-half-close 127.0.0.1 "$1" | sha' _ "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ -z "$(report error)" ]
	[ "$output" = "$(report sent_sha256)" ]
	[ "$(report client_end)" = FIN ]
}

@test "--no-half-close with -q: -q counts from stdin EOF" {
	# nofin: our FIN, held back, must not arrive while -q runs.  The
	# peer's window starts when it reads; -q's 1.5 s more leave room
	# for a late peer.
	start_peer -t 10 accept read 4 nofin 500 sink
	t0=$(now_ms)
	run -10 bash -c 'printf "GET\n" | "$TCPDIAL" --no-half-close -q 2 127.0.0.1 "$1"' _ "$PORT"
	elapsed_ok "$t0" 2000 2300
	finish_peer
	[ -z "$(report error)" ]
}

@test "without --no-half-close, the same peer sees our FIN early" {
	start_peer -t 20 accept read 4 nofin 500 send 1000 fin sink
	run -0 bash -c 'printf "GET\n" | "$TCPDIAL" 127.0.0.1 "$1"' _ "$PORT"
	finish_peer
	[ "$(report error)" = "nofin: the client closed its side" ]
}

@test "-i 500ms against a silent peer: exit 9 within 800 ms" {
	start_peer -t 10 accept sleep 5000
	t0=$(now_ms)
	run -9 --separate-stderr "$TCPDIAL" -i 500ms 127.0.0.1 "$PORT" < <(exec sleep 5 2>&-)
	elapsed_ok "$t0" 500 800
	[ "$stderr" = "tcpdial: 127.0.0.1 port $PORT: no traffic for 500 ms (idle timeout): the peer sent nothing" ]
}

@test "-i does not fire while bytes keep moving" {
	# Gaps of 250 ms, 1.25 s in all: longer than one -i period, so an
	# idle timer that bytes do not restart fires.
	start_peer -t 10 accept send 100 sleep 250 send 100 sleep 250 send 100 \
	    sleep 250 send 100 sleep 250 send 100 sleep 250 send 100 close
	run -0 bash -c 'set -o pipefail; "$TCPDIAL" -i 1 127.0.0.1 "$1" </dev/null | wc -c' _ "$PORT"
	[ "$output" -eq 600 ]
}

@test "-i fires in a gap longer than it" {
	start_peer -t 10 accept send 100 sleep 200 send 100 sleep 3000 send 100 close
	hold_stdin
	run -9 --separate-stderr bash -c 'exec 5>&-
	    "$TCPDIAL" -i 1 127.0.0.1 "$1" <"$2" | wc -c; exit ${PIPESTATUS[0]}' \
	    _ "$PORT" "$BATS_TEST_TMPDIR/in"
	[ "$output" -eq 200 ]
}

@test "-v summary: bytes each way, duration, who closed first" {
	# sink: the peer answers only after our FIN, so ours is first.
	start_peer -t 10 accept read 3 sink send 5 close
	run -0 --separate-stderr bash -c 'printf abc | "$TCPDIAL" -v 127.0.0.1 "$1"' _ "$PORT"
	[[ "${stderr_lines[-1]}" =~ ^tcpdial:\ sent\ 3\ bytes,\ received\ 5\ bytes\ in\ [0-9]+\.[0-9]{3}\ s\;\ closed\ with\ FIN,\ we\ closed\ first\;\ disconnect\ complete$ ]]
}

@test "-v summary when the peer closed first" {
	start_peer -t 10 accept send 5 close
	hold_stdin
	"$TCPDIAL" -v 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in" >/dev/null \
	    2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- &
	pid=$!
	# stdin ends once the peer's FIN is in (SPEC 4: it did not end it).
	wait_for "the peer's FIN" grep -q 'closed its side' "$BATS_TEST_TMPDIR/err"
	release_stdin
	wait_status "$pid"
	[ "$status" -eq 0 ]
	[[ "$(tail -n 1 "$BATS_TEST_TMPDIR/err")" == *"closed with FIN, the peer closed first; disconnect complete" ]]
}
