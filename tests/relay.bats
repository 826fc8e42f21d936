#!/usr/bin/env bats
# The relay: every byte arrives, both directions at once, bounded memory,
# backpressure, partial writes, stops and continues.

load helpers

# The kind of the stdio end picks the byte mover: splice(2) for a pipe,
# sendfile(2) for a regular file as stdin, copy (read/write) for a
# regular file as stdout and for a socket as stdin (`peer feed`).  The
# cases below run each mover, and mixed.

# echo_through N STDIN_KIND STDOUT_KIND: N bytes of the peer's stream
# through an echo peer and back.  STDIN_KIND: pipe, file or socket;
# STDOUT_KIND: pipe or file.
# The peer does not hash (-x): what comes back equal to what went out
# proves both directions.
echo_through() {
	local n=$1 in=$2 out=$3 want
	start_peer -x -t 120 accept echo close
	if [ "$n" = $((1 << 30)) ]; then
		want=$GEN_1G_SHA
	else
		want=$("$PEER" gen "$n" | sha)
	fi
	run -0 bash -c '
		n=$1 in=$2 out=$3 port=$4 dir=$5
		feed=()
		if [ "$in" = file ]; then
			"$PEER" gen "$n" >"$dir/in"
			exec 0<"$dir/in"
		elif [ "$in" = socket ]; then
			feed=("$PEER" feed "$n")
		else
			exec 0< <("$PEER" gen "$n")
		fi
		if [ "$out" = file ]; then
			"${feed[@]}" "$TCPDIAL" 127.0.0.1 "$port" >"$dir/out" ||
			    exit
			sha <"$dir/out"
			rm -f "$dir/in" "$dir/out"
		else
			set -o pipefail
			"${feed[@]}" "$TCPDIAL" 127.0.0.1 "$port" | sha
		fi' _ "$n" "$in" "$out" "$PORT" "$BATS_TEST_TMPDIR"
	[ "$output" = "$want" ]
	finish_peer
	[ "$(report received)" = "$n" ]
	[ "$(report sent)" = "$n" ]
}

@test "64 MiB through the echo peer: same sha256 (pipes: splice both ways)" {
	echo_through $((64 << 20)) pipe pipe
}

@test "64 MiB through the echo peer: regular files (sendfile up, copy down)" {
	echo_through $((64 << 20)) file file
}

@test "64 MiB through the echo peer: file in, pipe out (sendfile, splice)" {
	echo_through $((64 << 20)) file pipe
}

@test "64 MiB through the echo peer: pipe in, file out (splice, copy)" {
	echo_through $((64 << 20)) pipe file
}

@test "64 MiB through the echo peer: socket in, file out (copy both ways)" {
	echo_through $((64 << 20)) socket file
}

@test "64 MiB through the echo peer: socket in, pipe out (copy, splice)" {
	echo_through $((64 << 20)) socket pipe
}

@test "-vv names the byte mover of each direction" {
	local out=$BATS_TEST_TMPDIR/out
	start_peer -t 10 accept sink accept sink accept sink
	run -0 --separate-stderr bash -c 'set -o pipefail; : | "$TCPDIAL" -vv 127.0.0.1 "$1" | cat' _ "$PORT"
	[[ "$stderr" == *"relay: stdin to socket by splice, socket to stdout by splice"* ]]
	: >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr bash -c '"$TCPDIAL" -vv 127.0.0.1 "$1" <"$2" >"$3"' \
	    _ "$PORT" "$BATS_TEST_TMPDIR/in" "$out"
	[[ "$stderr" == *"relay: stdin to socket by sendfile, socket to stdout by copy"* ]]
	run -0 --separate-stderr bash -c '"$PEER" feed 0 "$TCPDIAL" -vv 127.0.0.1 "$1" >"$2"' \
	    _ "$PORT" "$out"
	[[ "$stderr" == *"relay: stdin to socket by copy, socket to stdout by copy"* ]]
}

@test "1 GiB each way through the echo peer: same sha256" {
	echo_through $((1 << 30)) pipe pipe
}

@test "one byte to a sink: the peer got exactly 1 byte, then FIN" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr bash -c 'printf x | "$TCPDIAL" 127.0.0.1 "$1"' _ "$PORT"
	[ -z "$output" ]
	[ -z "$stderr" ]
	finish_peer
	[ "$(report received)" = 1 ]
	[ "$(report received_sha256)" = "$(printf x | sha)" ]
	[ "$(report client_end)" = FIN ]
}

@test "backpressure: a slow reader, every mover: intact, peak RSS under 16 MiB" {
	# 256 MiB through the pipe (splice), 64 MiB each from a regular file
	# (sendfile) and a socket (copy): far more than every buffer holds.
	local kind n
	for kind in pipe file socket; do
		n=$((64 << 20))
		[ "$kind" = pipe ] && n=$((256 << 20))
		start_peer -t 120 accept slowsink
		run -0 feeder "$kind" "$n" "$BATS_TEST_TMPDIR/in" \
		    /usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rss" \
		    "$TCPDIAL" 127.0.0.1 "$PORT"
		finish_peer
		[ "$(report received)" = "$n" ]
		[ "$(report received_sha256)" = "$("$PEER" gen "$n" | sha)" ]
		rss_ok "$(tail -n 1 "$BATS_TEST_TMPDIR/rss")" 16384
	done
}

@test "slow stdout: partial writes and a full pipe lose nothing" {
	start_peer -t 60 accept send $((32 << 20)) close
	run -0 bash -c 'set -o pipefail; "$TCPDIAL" 127.0.0.1 "$1" </dev/null |
	    { sleep 0.5; sha; }' _ "$PORT"
	finish_peer
	[ "$output" = "$(report sent_sha256)" ]
}

@test "stopped and continued mid-transfer: nothing lost" {
	start_peer -t 60 accept echo close
	want=$("$PEER" gen $((64 << 20)) | sha)
	"$TCPDIAL" 127.0.0.1 "$PORT" < <("$PEER" gen $((64 << 20))) \
	    >"$BATS_TEST_TMPDIR/out" 3>&- &
	pid=$!
	stops=0
	for i in 1 2 3 4 5; do
		kill -STOP "$pid" 2>/dev/null || break
		sleep 0.05
		kill -CONT "$pid" 2>/dev/null || break
		stops=$((stops + 1))
	done
	wait "$pid"
	# The stops really happened while it ran.
	[ "$stops" -eq 5 ]
	[ "$(sha <"$BATS_TEST_TMPDIR/out")" = "$want" ]
}

@test "-C sends each bare LF as CRLF and leaves CRLF alone" {
	start_peer -t 10 accept sink
	run -0 bash -c 'printf "a\nb\r\nc\n\n" | "$TCPDIAL" -C 127.0.0.1 "$1"' _ "$PORT"
	finish_peer
	[ "$(report received_sha256)" = "$(printf 'a\r\nb\r\nc\r\n\r\n' | sha)" ]
}

@test "-C on a large input: every LF becomes CRLF" {
	start_peer -t 30 accept sink
	yes 0123456789 | head -n 500000 >"$BATS_TEST_TMPDIR/lines"
	run -0 "$TCPDIAL" --crlf 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/lines"
	finish_peer
	[ "$(report received)" = $((500000 * 12)) ]
	[ "$(report received_sha256)" = "$(sed 's/$/\r/' "$BATS_TEST_TMPDIR/lines" | sha)" ]
}

@test "binary-safe: all 256 byte values, NULs included, both ways" {
	# The bytes first, in one printf: a loop of 256 subshells took more
	# than the peer's 10 s alarm once, under sanitizers on a busy machine.
	printf "$(printf '\\%03o' $(seq 0 255))" >"$BATS_TEST_TMPDIR/bytes"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/bytes")" = 256 ]
	start_peer -t 10 accept echo close
	run -0 bash -c 'set -o pipefail; "$TCPDIAL" 127.0.0.1 "$1" <"$2" | sha' \
	    _ "$PORT" "$BATS_TEST_TMPDIR/bytes"
	[ "$output" = "$(sha <"$BATS_TEST_TMPDIR/bytes")" ]
	finish_peer
	[ "$(report received)" = 256 ]
}

@test "EINTR and EAGAIN injected into every third I/O call: nothing lost" {
	# strace fails one call in three (from the second on) with the
	# error: read, write, recv and send (a socket as stdin or stdout),
	# splice and sendfile, and for EINTR ppoll too
	# (ppoll never says EAGAIN).  Every mover must retry and deliver the
	# same bytes, exit 0.  The binary itself, not a wrapper.  An ASan
	# build's runtime (and ld.so, for its several libraries) read(2)
	# files before main without retrying EINTR: there only the calls the
	# relay alone makes are failed, so the copy path (socket) drops out;
	# and LeakSanitizer cannot work under ptrace.
	local err kind calls rw=read,write,recvfrom,sendto, kinds="pipe file socket"
	local n=$((8 << 20)) want
	if asan_build; then
		rw=
		kinds="pipe file"
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	fi
	want=$("$PEER" gen "$n" | sha)
	for err in EINTR EAGAIN; do
		calls=${rw}splice,sendfile
		if [ "$err" = EINTR ]; then
			calls=$calls,ppoll
		fi
		for kind in $kinds; do
			start_peer -x -t 60 accept echo close
			run -0 feeder "$kind" "$n" "$BATS_TEST_TMPDIR/in" \
			    bash -c 'set -o pipefail
				strace -f -qq -o "$3/strace.log" -e trace="$2" \
				    -e inject="$2":error="$1":when=2+3 \
				    "$TCPDIAL_BIN" 127.0.0.1 "$4" | sha' \
			    _ "$err" "$calls" "$BATS_TEST_TMPDIR" "$PORT"
			[ "$output" = "$want" ]
			# The injection really happened.
			grep -qE "= -1 $err .*\(INJECTED\)" \
			    "$BATS_TEST_TMPDIR/strace.log"
			finish_peer
		done
	done
}
