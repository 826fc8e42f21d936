#!/usr/bin/env bats
# --hexdump FILE (SPEC 10, issue 13): both directions of a session in one
# file, each line a direction, an offset, 16 bytes in hex and as ASCII, a
# header with ms since the start whenever the direction changes.  The
# dump is parsed back, as a user's script would, and must hold exactly
# the bytes the peer counted each way.

load helpers

setup() {
	DUMP=$BATS_TEST_TMPDIR/dump.txt
}

# unhex DIR <DUMP: the bytes of direction DIR ('>' or '<') as binary.
# The hex run of a line ends at the ASCII column, which starts with '|'.
unhex() {
	awk -v dir="$1" '$1 == dir {
		for (i = 3; i <= NF && $i ~ /^[0-9a-f][0-9a-f]$/; i++)
			printf "%s", $i
	}' | xxd -r -p
}

# no_connection_made: the peer (accept read 1) takes one connection of
# ours, one byte; if that is its first and only one, tcpdial made none.
no_connection_made() {
	printf x | "$TCPDIAL" -q 0 127.0.0.1 "$PORT"
	finish_peer
	[ "$(report accepts)" = 1 ] && [ "$(report received)" = 1 ]
}

@test "hexdump: a 1 MiB exchange each way parses back to the bytes the peer counted" {
	local n=1048576 in=$BATS_TEST_TMPDIR/in out=$BATS_TEST_TMPDIR/out
	head -c "$n" /dev/urandom >"$in"
	start_peer accept send "$n" sink
	# Pipes both ways: splice would carry them, but the dump needs copies.
	run -0 --separate-stderr bash -c 'set -o pipefail; cat "$1" |
	    "$2" -vv --hexdump "$3" 127.0.0.1 "$4" | cat >"$5"' _ "$in" "$TCPDIAL" "$DUMP" "$PORT" "$out"
	finish_peer
	[[ $stderr == *"relay: stdin to socket by copy, socket to stdout by copy"* ]]
	[ "$(report received)" = "$n" ]
	[ "$(unhex '>' <"$DUMP" | sha)" = "$(report received_sha256)" ]
	[ "$(sha <"$in")" = "$(report received_sha256)" ]
	[ "$(unhex '<' <"$DUMP" | sha)" = "$(report sent_sha256)" ]
	[ "$(sha <"$out")" = "$(report sent_sha256)" ]
	# Each direction's offsets run from 0, 16 bytes a whole line, no gap.
	awk '$1 == ">" || $1 == "<" {
		if (sprintf("%08x", off[$1]) != $2) { print "gap: " $0; exit 1 }
		for (i = 3; i <= NF && $i ~ /^[0-9a-f][0-9a-f]$/; i++)
			off[$1]++
	} END { if (off[">"] != 1048576 || off["<"] != 1048576) exit 1 }' \
	    "$DUMP"
}

# exchange OUT: PING, then QUIT once the reply to it is on stdout (OUT).
exchange() {
	{
		printf 'PING\r\n'
		wait_for "the reply" grep -q PONG "$1"
		printf QUIT
	} | "$TCPDIAL" --hexdump "$DUMP" 127.0.0.1 "$PORT" >"$1"
}

@test "hexdump: a request and its reply, line by line, a header at each turn" {
	local out=$BATS_TEST_TMPDIR/out
	start_peer accept read 6 say $'+PONG\r\n' read 4 say 'bye' fin sink
	run -0 --separate-stderr exchange "$out"
	finish_peer
	[ "$(cat "$out")" = $'+PONG\r\nbye' ]
	run -0 sed 's/^# [0-9]* ms:/# N ms:/' "$DUMP"
	[ "$output" = "# N ms: sent
> 00000000  50 49 4e 47 0d 0a                                 |PING..|
# N ms: received
< 00000000  2b 50 4f 4e 47 0d 0a                              |+PONG..|
# N ms: sent
> 00000006  51 55 49 54                                       |QUIT|
# N ms: received
< 00000007  62 79 65                                          |bye|" ]
}

@test "hexdump: block headers count ms from the start, in order" {
	# The peer's pause is the behaviour under test (a slow reply), not a
	# wait: the assertion below is one-sided, and nothing waits on it.
	start_peer accept read 6 sleep 300 say $'+PONG\r\n' fin sink
	run -0 --separate-stderr bash -c 'printf "PING\r\n" |
	    "$1" --hexdump "$2" 127.0.0.1 "$3"' _ "$TCPDIAL" "$DUMP" "$PORT"
	finish_peer
	run -0 awk '/^# / { print $2 }' "$DUMP"
	[ "${#lines[@]}" -eq 2 ]
	# The reply came after the peer's 300 ms: one-sided bound.
	[ "${lines[0]}" -ge 0 ] && [ "${lines[1]}" -ge $((lines[0] + 300)) ]
	# Since the start, not the epoch: generous, one-sided.
	[ "${lines[1]}" -lt 60000 ]
}

# Catches: a block stamped when its write returned, not before it began:
# a process descheduled after the write (under valgrind, or here every
# write(2) held 100 ms on its way back) stamped the request after the
# peer had read it, less than the peer's 300 ms before the reply.
@test "hexdump: a sent block is stamped before its write, however late that returns" {
	local in=$BATS_TEST_TMPDIR/in
	printf 'PING\r\n' >"$in"
	# As above, the peer's pause is the slow reply under test, not a
	# wait: the bound below is one-sided, and nothing waits on it.
	start_peer accept read 6 sleep 300 say $'+PONG\r\n' fin sink
	run -0 --separate-stderr strace_bin -e inject=write:delay_exit=100000 \
	    "$TCPDIAL_BIN" --hexdump "$DUMP" 127.0.0.1 "$PORT" <"$in"
	finish_peer
	run -0 awk '/^# / { print $2 }' "$DUMP"
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[1]}" -ge $((lines[0] + 300)) ]
}

@test "hexdump: -C records the CRLF as it went out" {
	start_peer accept sink
	run -0 --separate-stderr bash -c 'printf "a\nb\n" |
	    "$1" -C --hexdump "$2" 127.0.0.1 "$3"' _ "$TCPDIAL" "$DUMP" "$PORT"
	finish_peer
	[ "$(report received)" = 6 ]
	run -0 unhex '>' <"$DUMP"
	[ "$output" = $'a\r\nb\r' ]
}

@test "hexdump: a file that cannot be opened is exit 11 before any connection" {
	start_peer -t 10 accept read 1
	run -11 --separate-stderr "$TCPDIAL" --hexdump "$BATS_TEST_TMPDIR/no/such" \
	    127.0.0.1 "$PORT" </dev/null
	[ "$stderr" = "tcpdial: open hexdump $BATS_TEST_TMPDIR/no/such: No such file or directory" ]
	no_connection_made
}

@test "hexdump: a dump that cannot be written is exit 11, the session whole" {
	local n=200000
	start_peer accept send "$n" sink
	run -11 --separate-stderr bash -c 'set -o pipefail; "$1" gen 100000 |
	    "$2" --hexdump /dev/full 127.0.0.1 "$3" | sha' _ "$PEER" \
	    "$TCPDIAL" "$PORT"
	finish_peer
	[ "$stderr" = "tcpdial: write hexdump /dev/full: No space left on device" ]
	[ "$output" = "$(report sent_sha256)" ]
	[ "$(report received)" = 100000 ]
	[ "$(report client_end)" = FIN ]
}

@test "hexdump: the dump holds what came before a reset" {
	start_peer accept say hello await rst
	run -8 --separate-stderr bash -c 'printf "x" |
	    "$1" --hexdump "$2" 127.0.0.1 "$3"' _ "$TCPDIAL" "$DUMP" "$PORT"
	finish_peer
	run -0 unhex '<' <"$DUMP"
	[ "$output" = hello ]
	run -0 unhex '>' <"$DUMP"
	[ "$output" = x ]
}

@test "hexdump: an unwritable dump after a reset: the reset's status, both lines" {
	start_peer accept say hello await rst
	run -8 --separate-stderr bash -c 'printf "x" |
	    "$1" --hexdump /dev/full 127.0.0.1 "$2"' _ "$TCPDIAL" "$PORT"
	finish_peer
	[ "${#stderr_lines[@]}" -eq 2 ]
	# The reset is met by a read, or by our FIN: either way, one line.
	[[ "${stderr_lines[0]}" =~ ^"tcpdial: "("read from"|"send FIN to")" 127.0.0.1 port $PORT: Connection reset by peer"$ ]]
	[ "${stderr_lines[1]}" = "tcpdial: write hexdump /dev/full: No space left on device" ]
}

@test "hexdump: a probe moves no data, so -z and --hexdump are a usage error" {
	bad "-z and --hexdump cannot be used together" -z --hexdump "$DUMP" \
	    127.0.0.1 PORT
	bad "--hexdump: empty file name" --hexdump '' 127.0.0.1 PORT
	bad "--hexdump -: standard output carries the session's data; name a file (/dev/stderr for the terminal)" \
	    --hexdump - 127.0.0.1 PORT
}

@test "hexdump: a FIFO without a reader fails at once, exit 11, no connection" {
	mkfifo "$DUMP"
	start_peer -t 10 accept read 1
	# timeout(1): an open that waits for a reader would hang here.
	run -11 --separate-stderr timeout -k 10 60 "$TCPDIAL" --hexdump "$DUMP" \
	    127.0.0.1 "$PORT" </dev/null
	[ "$stderr" = "tcpdial: open hexdump $DUMP: No such device or address" ]
	no_connection_made
}

@test "hexdump: a pipe whose reader takes nothing holds the session only until -m" {
	mkfifo "$DUMP"
	# This shell holds the FIFO's read end open and never reads it.
	exec 6<>"$DUMP"
	start_peer accept send 1048576 sink
	local t0
	t0=$(now_ms)
	run -9 --separate-stderr bash -c 'timeout -k 10 60 "$1" -m 1 \
	    --hexdump "$2" 127.0.0.1 "$3" </dev/null >/dev/null' _ "$TCPDIAL" \
	    "$DUMP" "$PORT"
	elapsed_ok "$t0" 1000 60000
	exec 6<&-
	[ "${stderr_lines[0]}" = "tcpdial: 127.0.0.1 port $PORT: max time of 1000 ms reached" ]
	[ "${stderr_lines[1]}" = "tcpdial: write hexdump $DUMP: given up waiting for its reader" ]
}

@test "hexdump: a stalled dump does not delay the first byte's time" {
	local j=$BATS_TEST_TMPDIR/j.json first header
	mkfifo "$DUMP"
	# This shell holds the FIFO's read end open, and reads it only after.
	exec 6<>"$DUMP"
	start_peer accept send 300000 sink
	run -9 --separate-stderr bash -c 'timeout -k 10 60 "$1" -v -m 1 \
	    --json "$2" --hexdump "$3" 127.0.0.1 "$4" </dev/null >/dev/null' \
	    _ "$TCPDIAL" "$j" "$DUMP" "$PORT"
	dd if="$DUMP" iflag=nonblock bs=65536 of="$BATS_TEST_TMPDIR/dump" \
	    2>/dev/null || true
	exec 6<&-
	first=$(jq -r '.targets[0].first_byte_ms' "$j")
	header=$(awk '/ ms: received/ { print $2; exit }' "$BATS_TEST_TMPDIR/dump")
	[ -n "$header" ]
	# The first byte was read before the dump's first header was made.
	[ "$first" -le "$header" ]
	[[ $stderr == *"tcpdial: first byte after $first ms"* ]]
}

@test "hexdump: bytes an ending could not write are in the dump and counted as received" {
	local j=$BATS_TEST_TMPDIR/j.json out=$BATS_TEST_TMPDIR/out lost
	local fifo=$BATS_TEST_TMPDIR/stdout
	start_peer accept send 2000000 sink
	# stdout is a pipe this shell holds open and reads only after
	# tcpdial has ended: -m's flush gives up on what it could not take.
	mkfifo "$fifo"
	exec 7<>"$fifo"
	run -9 --separate-stderr bash -c 'timeout -k 10 60 "$1" -m 1 \
	    --json "$2" --hexdump "$3" 127.0.0.1 "$4" </dev/null >"$5"' \
	    _ "$TCPDIAL" "$j" "$DUMP" "$PORT" "$fifo" 7<&-
	dd if="$fifo" iflag=nonblock bs=65536 of="$out" 2>/dev/null || true
	exec 7<&-
	lost=$(printf '%s\n' "$stderr" | sed -n \
	    's/^tcpdial: write to stdout: \([0-9]*\) bytes received were not written$/\1/p')
	[ "$lost" -gt 0 ]
	[ "$(jq '.targets[0].bytes_received' "$j")" = $(($(wc -c <"$out") + lost)) ]
	[ "$(unhex '<' <"$DUMP" | wc -c)" = "$(jq '.targets[0].bytes_received' "$j")" ]
	# What was written is the stream's start, as the dump's is.
	[ "$(sha <"$out")" = "$(unhex '<' <"$DUMP" | head -c "$(wc -c <"$out")" | sha)" ]
}

@test "hexdump: off, the relay splices as before" {
	start_peer accept send 100000 sink
	run -0 --separate-stderr bash -c 'printf x | "$1" -vv 127.0.0.1 "$2" |
	    cat >/dev/null' _ "$TCPDIAL" "$PORT"
	finish_peer
	[[ $stderr == *"relay: stdin to socket by splice, socket to stdout by splice"* ]]
}
