#!/usr/bin/env bats
# The --json report (SPEC 9, issue 12): one JSON object at the end of
# every run (success, each failure class, a signal, a usage error found
# after --json was read), every field for every target, strings escaped
# whatever they hold, the figures the same as the peer counted and -v
# said, and a file written whole or not at all.  jq reads every report,
# as a user's script would.
#
# This file: success, and the figures the peer saw.  json-fail.bats has
# each failure class and hostile strings; json-file.bats how the report
# is written, and usage errors; json-helpers.bash the shape and the jq
# helpers all three use.

load helpers
load json-helpers

# ---------------------------------------------------------------------
# Success, and the figures the peer saw

@test "a session with data both ways: every field, the peer's counts, FIN" {
	local t0
	start_peer -t 20 accept send 300000 sink
	"$PEER" gen 100000 >"$BATS_TEST_TMPDIR/in"
	t0=$(now_ms)
	run -0 --separate-stderr bash -c 'set -o pipefail
	    "$TCPDIAL" --json "$2" 127.0.0.1 "$1" <"$3" | sha' _ "$PORT" \
	    "$JSON" "$BATS_TEST_TMPDIR/in"
	local took=$(($(now_ms) - t0))
	[ -z "$stderr" ]
	finish_peer
	shape_ok
	[ "$output" = "$(report sent_sha256)" ]
	[ "$(report received_sha256)" = "$(sha <"$BATS_TEST_TMPDIR/in")" ]
	jqe '.version == $v' --arg v "$(version)"
	jqe '.exit_status == 0 and .exit_name == "ok" and .signal == null
	    and .error == null'
	# Its own clock: not more than the test's wall clock around it.
	jqe '.elapsed_ms <= $took' --argjson took "$took"
	jqe '.targets | length == 1'
	jqe '.targets[0] | .target == "127.0.0.1" and .host == "127.0.0.1"
	    and .port == $port and .status == 0 and .status_name == "ok"
	    and .error == null and .attempts == 1 and .resolve_ms == null
	    and .expect == null' --argjson port "$PORT"
	jqe '.targets[0].addresses == [.targets[0].addresses[0]] and
	    (.targets[0].addresses[0] | .address == "127.0.0.1"
	    and .family == "ipv4" and .outcome == "connected"
	    and .started_ms <= .ended_ms)'
	# Where it connected from is where the peer saw it come from.
	jqe '.targets[0].local == {address: $a, port: $p}' \
	    --arg a "$(report client_addr)" --argjson p "$(report client_port)"
	jqe '.targets[0].remote == {address: "127.0.0.1", port: $port}' \
	    --argjson port "$PORT"
	jqe '.targets[0] | .connect_ms <= .first_byte_ms
	    and .addresses[0].ended_ms <= .connect_ms'
	jqe '.targets[0].first_byte_ms <= .elapsed_ms'
	# The bytes the peer counted, each way.
	jqe '.targets[0].bytes_sent == $n' --argjson n "$(report received)"
	jqe '.targets[0].bytes_received == $n' --argjson n "$(report sent)"
	jqe '.targets[0] | .bytes_sent == 100000 and .bytes_received == 300000'
	# We sent our FIN first; the peer saw it (not a reset).
	[ "$(report client_end)" = FIN ]
	jqe '.targets[0].close == {how: "graceful", first: "us",
	    disconnect_completed: true}'
	# Loopback: a measured round trip, a window, a path MTU.
	jqe '.targets[0].tcp_info | .rtt_us > 0 and .snd_cwnd > 0 and .pmtu > 0'
	# The kernel's own counts: every byte, plus SYN and FIN (one each).
	jqe '.targets[0] | .tcp_info.bytes_acked == .bytes_sent + 2
	    and .tcp_info.bytes_received == .bytes_received + 1'
}

@test "the peer's FIN first, then ours: close.first is peer, the peer saw FIN" {
	start_peer -t 20 accept send 1000 fin sink
	hold_stdin
	"$TCPDIAL" --json "$JSON" 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in" \
	    >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- &
	local pid=$!
	wait_for "the peer's FIN" in_state close-wait "$PORT"
	printf 'tail\n' >&5
	release_stdin
	wait_status "$pid"
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" = 0 ]
	finish_peer
	shape_ok
	[ "$(report client_end)" = FIN ]
	[ "$(sha <"$BATS_TEST_TMPDIR/out")" = "$(report sent_sha256)" ]
	jqe '.exit_status == 0 and .exit_name == "ok"'
	jqe '.targets[0].bytes_sent == $n and $n == 5' \
	    --argjson n "$(report received)"
	jqe '.targets[0].bytes_received == $n and $n == 1000' \
	    --argjson n "$(report sent)"
	jqe '.targets[0].close == {how: "graceful", first: "peer",
	    disconnect_completed: true}'
}

@test "--close abort: close.how abort, ours first, and the peer saw RST" {
	start_peer -t 20 accept sink
	run -0 --separate-stderr bash -c 'printf abcdef |
	    "$TCPDIAL" --close abort --json "$2" 127.0.0.1 "$1"' _ "$PORT" "$JSON"
	[ -z "$stderr" ]
	finish_peer
	shape_ok
	[ "$(report client_end)" = RST ]
	jqe '.exit_status == 0 and .exit_name == "ok" and .error == null'
	jqe '.targets[0].close.how == "abort" and .targets[0].close.first == "us"'
	jqe '.targets[0].bytes_sent == $n and $n == 6' \
	    --argjson n "$(report received)"
	jqe '.targets[0].bytes_received == 0'
	jqe '.targets[0].tcp_info != null'
}

@test "a peer that resets: exit 8, close.how peer_reset, first peer" {
	start_peer -t 10 accept await rst
	# stdin stays open: no FIN of ours, the peer's reset comes first.
	hold_stdin
	printf 'GET /\n' >&5
	run -8 --separate-stderr "$TCPDIAL" --json "$JSON" 127.0.0.1 "$PORT" \
	    <"$BATS_TEST_TMPDIR/in" 5>&-
	release_stdin
	finish_peer
	shape_ok
	error_is_stderr
	jqe '.exit_status == 8 and .exit_name == "reset" and .signal == null'
	jqe '.targets[0] | .status == 8 and .status_name == "reset"'
	jqe '.targets[0].close.how == "peer_reset" and
	    .targets[0].close.first == "peer"'
}

# gone PORT: no connection to PORT is established any more.
gone() {
	! in_state established "$1"
}

@test "SIGTERM's FIN finds the connection reset: exit 143, close.first peer" {
	# The peer closes with our byte unread (a reset) while tcpdial is
	# stopped; the signal's FIN then finds no connection to close.
	start_peer -t 20 accept await mark sleep 20000
	hold_stdin
	printf x >&5
	"$TCPDIAL" --json "$JSON" 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in" \
	    >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- &
	local pid=$!
	STOPPED_PIDS=$pid
	wait_for "the peer's await" grep -qx mark "$BATS_TEST_TMPDIR/port.$peer_n"
	wait_for "tcpdial's ppoll" polling "$pid"
	kill -STOP "$pid"
	in_state established "$PORT"
	kill -KILL "$PEER_PID"
	wait_for "the reset" gone "$PORT"
	kill -TERM "$pid"
	kill -CONT "$pid"
	wait_status "$pid"
	STOPPED_PIDS=
	release_stdin
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" = 143 ]
	shape_ok
	jqe '.targets[0].close | .how == "peer_reset" and .first == "peer"'
}

@test "-v's summary and the report give the same byte counts" {
	local sent got
	start_peer -t 20 accept send 5000 sink
	run -0 --separate-stderr bash -c '"$PEER" gen 7000 |
	    "$TCPDIAL" -v --json "$2" 127.0.0.1 "$1" >/dev/null' _ "$PORT" \
	    "$JSON"
	echo "stderr: $stderr"
	[[ $stderr =~ tcpdial:\ sent\ ([0-9]+)\ bytes,\ received\ ([0-9]+)\ bytes\ in\  ]]
	sent=${BASH_REMATCH[1]} got=${BASH_REMATCH[2]}
	finish_peer
	shape_ok
	jqe '.targets[0].bytes_sent == $s and .targets[0].bytes_received == $g' \
	    --argjson s "$sent" --argjson g "$got"
	# And both are what the peer counted.
	[ "$sent" = "$(report received)" ]
	[ "$got" = "$(report sent)" ]
	[ "$sent" = 7000 ] && [ "$got" = 5000 ]
	# -v narrates, the report's error stays null on success.
	jqe '.error == null and .targets[0].error == null'
}

@test "a probe: close cut, the peer saw FIN; with --close abort, RST" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" -z --json "$JSON" "127.0.0.1:$PORT"
	[ -z "$stderr" ]
	finish_peer
	shape_ok
	[ "$(report client_end)" = FIN ]
	jqe '.targets[0] | .target == $t and .host == "127.0.0.1"
	    and .port == $port and .status == 0 and .bytes_sent == 0
	    and .bytes_received == 0 and .close.how == "cut"
	    and .close.first == "us" and .tcp_info != null
	    and .local != null and .connect_ms != null' \
	    --arg t "127.0.0.1:$PORT" --argjson port "$PORT"

	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" -z --close abort --json "$JSON" \
	    "127.0.0.1:$PORT"
	[ -z "$stderr" ]
	finish_peer
	shape_ok
	[ "$(report client_end)" = RST ]
	jqe '.targets[0].close.how == "abort"'
}
