#!/usr/bin/env bats
# The checks of a try (SPEC 8): --send and --expect (the answer, its
# timeout, a match split across reads), and --invert, alone and under
# --wait.  wait.bats has the waiting itself.

load helpers
load wait-helpers

@test "--send and --expect: the answer matches, exit 0; the peer got the bytes" {
	start_peer -t 10 accept read 6 say $'+PONG\r\n' await
	run -0 --separate-stderr "$TCPDIAL" --send 'PING\r\n' --expect '+PONG' \
	    "127.0.0.1:$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report received_sha256)" = "$(printf 'PING\r\n' | sha)" ]
}

@test "--expect: a wrong answer is exit 12, the reply quoted, escaped" {
	start_peer -t 10 accept read 6 say $'-ERR bad "x"\r\n' close
	run -12 --separate-stderr "$TCPDIAL" --send 'PING\r\n' --expect '+PONG' \
	    "127.0.0.1:$PORT"
	[ "$stderr" = "tcpdial: expect from 127.0.0.1 port $PORT: connection closed before \"+PONG\" (received 14 bytes: \"-ERR bad \\\"x\\\"\\r\\n\")" ]
}

@test "--expect: a peer that closes without answering is exit 12" {
	start_peer -t 10 accept read 6 close
	run -12 --separate-stderr "$TCPDIAL" --send 'PING\r\n' --expect '+PONG' \
	    "127.0.0.1:$PORT"
	[ "$stderr" = "tcpdial: expect from 127.0.0.1 port $PORT: connection closed before \"+PONG\" (nothing received)" ]
}

@test "--expect: a silent peer is exit 12 at --expect-timeout" {
	start_peer -t 10 accept sink
	t0=$(now_ms)
	run -12 --separate-stderr "$TCPDIAL" --send x --expect y \
	    --expect-timeout 500ms "127.0.0.1:$PORT"
	elapsed_ok "$t0" 500 1000
	[[ $stderr =~ ^tcpdial:\ expect\ from\ 127\.0\.0\.1\ port\ $PORT:\ no\ \"y\"\ after\ ([0-9]+)\ ms\ \(nothing\ received\)$ ]]
	deadline_ok "${BASH_REMATCH[1]}" 500
}

@test "--expect under --wait: wrong first, right on a later try: exit 0" {
	start_peer -t 10 accept read 6 say $'-LOADING\r\n' close \
	    accept read 6 say $'+PONG\r\n' await
	run -0 --separate-stderr "$TCPDIAL" --wait 5 --send 'PING\r\n' \
	    --expect '+PONG' "127.0.0.1:$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report accepts)" = 2 ]
}

@test "--expect under --wait: the deadline cuts a silent reply, exit 12" {
	start_peer -t 10 accept sink
	t0=$(now_ms)
	run -12 --separate-stderr "$TCPDIAL" --wait 1 --expect y \
	    --expect-timeout 0 "127.0.0.1:$PORT"
	elapsed_ok "$t0" 1000 1500
	[[ $stderr == "tcpdial: 127.0.0.1 port $PORT: gave up after "*" s (1 attempt): no \"y\" after "*" ms (nothing received)" ]]
	deadline_ok "$(gave_up_ms "$stderr")" 1000
}

@test "--expect-timeout, not -w, bounds the reply (-w is the connect phase's)" {
	start_peer -t 10 accept sleep 1500 say PONG await
	run -0 --separate-stderr "$TCPDIAL" -w 1 --expect-timeout 5 --expect PONG \
	    "127.0.0.1:$PORT"
	[ -z "$stderr" ]
}

@test "--send alone: every byte sent, exit 0" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" --send 'hello\x00\n' "127.0.0.1:$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report received_sha256)" = "$(printf 'hello\0\n' | sha)" ]
}

@test "--expect: a reset before the answer is exit 12, the reason said" {
	start_peer -t 10 accept read 1 rst
	run -12 --separate-stderr "$TCPDIAL" --send x --expect y "127.0.0.1:$PORT"
	[ "$stderr" = "tcpdial: expect from 127.0.0.1 port $PORT: Connection reset by peer" ]
}

@test "--expect: a match split across two reads, and one past 64 KiB" {
	start_peer -t 10 accept send 70000 await
	# The stream's bytes 69990..69999, past the 64 KiB read: never seen.
	run -12 --separate-stderr "$TCPDIAL" --expect \
	    "$("$PEER" gen 70000 | tail -c 10 | od -An -tx1 | tr -d ' \n' |
	    sed 's/\(..\)/\\x\1/g')" "127.0.0.1:$PORT"
	[[ $stderr == *": no \""*"\" in the first 65536 bytes" ]]
	# Bytes 4090..4105 straddle the first 4 KiB read.
	start_peer -t 10 accept send 70000 await
	run -0 --separate-stderr "$TCPDIAL" --expect \
	    "$("$PEER" gen 4106 | tail -c 16 | od -An -tx1 | tr -d ' \n' |
	    sed 's/\(..\)/\\x\1/g')" "127.0.0.1:$PORT"
	[ -z "$stderr" ]
}

@test "--invert: a refused port is success; an open one is exit 12" {
	local port
	port=$(free_port)
	run -0 --separate-stderr "$TCPDIAL" --invert "127.0.0.1:$port"
	[ -z "$stderr" ]
	start_peer -t 10 accept sink
	run -12 --separate-stderr "$TCPDIAL" --invert "127.0.0.1:$PORT"
	[ "$stderr" = "tcpdial: check 127.0.0.1 port $PORT: still accepting connections" ]
}

@test "--invert --wait: exit 0 within an interval of the listener closing" {
	local t1
	start_peer -t 10 acceptloop 1000
	bg_tcpdial -v --invert --wait 10 "127.0.0.1:$PORT"
	wait_for "four tries" tries_failed 4
	kill "$PEER_PID"
	wait "$PEER_PID" 2>/dev/null || true
	t1=$(now_ms)
	wait_status "$BG_PID"
	[ "$status" = 0 ]
	bound_ok "$(ms_since "$t1")" 250
}

@test "--invert --close abort, given up in a pause: one close, one line" {
	start_peer -t 10 acceptloop 1000
	run -12 --separate-stderr "$TCPDIAL" --invert --close abort --wait 1 \
	    --interval 5s "127.0.0.1:$PORT"
	# A second close of the same descriptor said "set SO_LINGER ...".
	[ "${#stderr_lines[@]}" = 1 ]
	[[ $stderr == *"(1 attempt): still accepting connections" ]]
}

@test "--invert --wait 1 on a listener that stays: exit 12 at 1 s" {
	start_peer -t 10 acceptloop 1000
	t0=$(now_ms)
	run -12 --separate-stderr "$TCPDIAL" --invert --wait 1 "127.0.0.1:$PORT"
	elapsed_ok "$t0" 1000 1500
	[[ $stderr == "tcpdial: 127.0.0.1 port $PORT: gave up after "*" s ("*" attempts): still accepting connections" ]]
	deadline_ok "$(gave_up_ms "$stderr")" 1000
}
