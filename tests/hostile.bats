#!/usr/bin/env bats
# Hostile and broken peers (SPEC 6): one that floods, one that never
# reads, one that resets, one that closes without reading, one that
# answers after our FIN, one that never answers.  Whatever the peer does,
# tcpdial ends with its exact status, within its deadlines, in bounded
# memory, and never by a crash.

load helpers

@test "a 1 GiB flood into a slow stdout: all of it arrives, RSS under 16 MiB, exit 0" {
	start_peer -x -t 60 accept send $((1 << 30)) close
	# The reader sleeps first: the pipe fills, tcpdial must stop reading
	# the socket instead of buffering the flood.
	t0=$(now_ms)
	run -0 --separate-stderr bash -c '
	    /usr/bin/time -f %M -o "$2" "$TCPDIAL" 127.0.0.1 "$1" </dev/null |
	    { sleep 1; sha; }; exit "${PIPESTATUS[0]}"' _ "$PORT" \
	    "$BATS_TEST_TMPDIR/rss"
	elapsed_ok "$t0" 1000 30000
	[ -z "$stderr" ]
	[ "$output" = "$GEN_1G_SHA" ]
	rss_ok "$(tail -n 1 "$BATS_TEST_TMPDIR/rss")" 16384
	finish_peer
	[ "$(report sent)" = $((1 << 30)) ]
	[ -z "$(report error)" ]
}

@test "a peer that never reads, 256 MiB to send: we block in bounded memory, -i 1 gives exit 9" {
	# The peer is stopped before it accepts: the kernel completes the
	# connection and queues what it can, and nothing reads until tcpdial
	# has given up.  Then the peer reads what was left queued for it.
	start_peer -t 20 accept sink
	hold_peer
	t0=$(now_ms)
	run -9 --separate-stderr bash -c '"$PEER" gen $((256 << 20)) |
	    /usr/bin/time -f %M -o "$2" "$TCPDIAL" -i 1 127.0.0.1 "$1"
	    exit "${PIPESTATUS[1]}"' _ "$PORT" "$BATS_TEST_TMPDIR/rss"
	release_peer
	# The socket buffers fill in a few ms; then nothing moves for 1 s.
	elapsed_ok "$t0" 1000 1500
	[ "$stderr" = "tcpdial: 127.0.0.1 port $PORT: no traffic for 1000 ms (idle timeout): the peer took nothing" ]
	rss_ok "$(tail -n 1 "$BATS_TEST_TMPDIR/rss")" 16384
	# What tcpdial had sent before it gave up was not thrown away: the
	# peer gets the start of the stream, intact, then a FIN.
	finish_peer
	n=$(report received)
	echo "the peer got $n bytes" >&3
	[ "$n" -gt 0 ]
	[ "$n" -lt $((256 << 20)) ]
	[ "$(report received_sha256)" = "$("$PEER" gen "$n" | sha)" ]
	[ "$(report client_end)" = FIN ]
}

@test "a peer that resets as soon as we speak: exit 8, the reset named" {
	# await: the reset comes after our connect() has returned, so it is
	# met in the relay.  (A peer that resets at once races connect()'s
	# completion; close.bats checks that case ends with 8 as well.)
	# The reset meets us in a read, or, when it comes between our write
	# and stdin's EOF, in sending our FIN.
	start_peer -t 10 accept await rst
	run -8 --separate-stderr bash -c 'printf "GET /\n" | "$TCPDIAL" 127.0.0.1 "$1"' _ "$PORT"
	[ -z "$output" ]
	[[ "$stderr" = "tcpdial: read from 127.0.0.1 port $PORT: Connection reset by peer" ||
	   "$stderr" = "tcpdial: send FIN to 127.0.0.1 port $PORT: Connection reset by peer" ]]
	finish_peer
	[ "$(report received)" = 0 ]
	[ -z "$(report error)" ]
}

@test "a peer that answers after our FIN: 8 MiB after the half-close all arrive, exit 0" {
	# sink returns at our FIN: every byte of the answer leaves after it.
	start_peer -t 20 accept sink send $((8 << 20)) close
	run -0 --separate-stderr bash -c 'printf "GET /\n" | "$TCPDIAL" 127.0.0.1 "$1" | sha
	    exit "${PIPESTATUS[1]}"' _ "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report received)" = 6 ]
	[ "$(report client_end)" = FIN ]
	[ "$(report sent)" = $((8 << 20)) ]
	[ "$output" = "$(report sent_sha256)" ]
}

@test "a peer that closes without reading our 64 MiB request: exit 8, not success" {
	# await: the request has started to arrive, so the peer's close()
	# finds unread data and its kernel answers with RST (tcp(7)).
	# Whether tcpdial meets that reset in a write or in a read depends
	# on where it is in its loop; either way it is named.  The request
	# comes from a regular file (sendfile), a socket (copy) and a pipe
	# (splice).
	local kind
	for kind in file socket pipe; do
		start_peer -t 10 accept await close
		run -8 --separate-stderr feeder "$kind" $((64 << 20)) \
		    "$BATS_TEST_TMPDIR/req" "$TCPDIAL" 127.0.0.1 "$PORT"
		[ -z "$output" ]
		[[ "$stderr" = "tcpdial: write to 127.0.0.1 port $PORT: Connection reset by peer" ||
		   "$stderr" = "tcpdial: read from 127.0.0.1 port $PORT: Connection reset by peer" ]]
		finish_peer
		[ "$(report received)" = 0 ]
		[ -z "$(report error)" ]
	done
}

@test "a peer that closes without reading a small request: exit 8, though all of it was sent" {
	# The request and our FIN fit in the buffers at once; the reset
	# comes while we wait for the peer's FIN, and is still a reset.
	start_peer -t 10 accept await close
	run -8 --separate-stderr bash -c 'printf "GET /\n" | "$TCPDIAL" 127.0.0.1 "$1"' _ "$PORT"
	[ -z "$output" ]
	# A slow tcpdial (valgrind) may meet the reset at its FIN, or in
	# the wait for the disconnect, instead of at the read: still 8.
	# (Shown when the test fails: once, under valgrind beside two CPU
	# hogs, it matched none of these, and the log was gone.)
	echo "stderr: $stderr"
	[[ "$stderr" =~ ^tcpdial:\ (read\ from|send\ FIN\ to|disconnect\ from)\ 127\.0\.0\.1\ port\ $PORT:\ Connection\ reset\ by\ peer$ ]]
	finish_peer
	[ "$(report received)" = 0 ]
}

@test "a peer that never answers nor closes: -q 500ms gives exit 10 within 800 ms" {
	# The peer is stopped before it accepts, so nothing answers while -q
	# runs; after tcpdial's end it reads what we left: the request and a
	# FIN, never a reset.  (-m 10: a -q that never fires fails as 9.)
	start_peer -t 10 accept sink
	hold_peer
	t0=$(now_ms)
	run -10 --separate-stderr bash -c 'printf "GET /\n" | "$TCPDIAL" -q 500ms -m 10 127.0.0.1 "$1"' _ "$PORT"
	release_peer
	elapsed_ok "$t0" 500 800
	[ -z "$output" ]
	[ "$stderr" = "tcpdial: 127.0.0.1 port $PORT: disconnect not complete after 500 ms" ]
	finish_peer
	[ "$(report received_sha256)" = "$(printf "GET /\n" | sha)" ]
	[ "$(report client_end)" = FIN ]
	[ "$(report sent)" = 0 ]
}
