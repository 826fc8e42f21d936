#!/usr/bin/env bats
# Options and outcomes no other file ran: -N, -n with an address, a lookup
# that -n forbids, and exit 1 (a runtime failure: no socket to be had).

load helpers

@test "-N is the default: FIN at stdin EOF, the reply after it arrives, exit 0" {
	# The peer answers only after our FIN: a full close (or none) would
	# lose the reply or never get one.
	start_peer -t 10 accept sink send 100000 close
	run -0 --separate-stderr bash -c 'set -o pipefail; printf "GET\n" |
	    "$TCPDIAL" -N 127.0.0.1 "$1" | sha' _ "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$(report received)" = 4 ]
	[ "$(report client_end)" = FIN ]
	[ "$output" = "$(report sent_sha256)" ]
	[ -z "$(report error)" ]
}

@test "-n with numeric addresses: connects and relays, exit 0" {
	start_peer -t 10 accept read 4 send 100000 close
	run -0 --separate-stderr bash -c 'set -o pipefail; printf "GET\n" |
	    "$TCPDIAL" -n 127.0.0.1 "$1" | sha' _ "$PORT"
	[ -z "$stderr" ]
	finish_peer
	[ "$output" = "$(report sent_sha256)" ]
	[ "$(report received)" = 4 ]
	start_peer -6 -t 10 accept read 4 send 1000 close
	run -0 --separate-stderr bash -c 'set -o pipefail; printf "GET\n" |
	    "$TCPDIAL" -n "[::1]:$1" | sha' _ "$PORT"
	finish_peer
	[ "$output" = "$(report sent_sha256)" ]
	[ "$(report client_addr)" = ::1 ]
}

# What a lookup of a name leaves in the trace: nsswitch, /etc/hosts,
# resolv.conf, nscd's socket, any socket at all.
LOOKUP='nsswitch\.conf|/etc/hosts|resolv\.conf|host\.conf|nscd|socket\('

@test "-n with a name: usage error before any lookup (no resolver file, no socket)" {
	port=$(free_port)
	run -2 --separate-stderr strace_bin "$TCPDIAL_BIN" -n localhost "$port" </dev/null
	[ "$stderr" = "tcpdial: -n: host is not a numeric address: 'localhost'" ]
	run -1 grep -E "$LOOKUP" "$BATS_TEST_TMPDIR/strace.log"
	# The same trace without -n shows the lookup: the check can see one.
	run -4 strace_bin "$TCPDIAL_BIN" localhost "$port" </dev/null
	run -0 grep -E "$LOOKUP" "$BATS_TEST_TMPDIR/strace.log"
}

@test "a probe of a numeric address stays lean: no lookup, no thread, no heap" {
	start_peer -t 10 accept sink
	run -0 strace_bin "$TCPDIAL_BIN" -z 127.0.0.1 "$PORT" </dev/null
	finish_peer
	[ "$(report accepts)" = 1 ]
	# Its own socket only: no resolver file, no nscd, no thread.
	[ "$(grep -c 'socket(' "$BATS_TEST_TMPDIR/strace.log")" = 1 ]
	run -1 grep -E "${LOOKUP%|socket*}|clone" "$BATS_TEST_TMPDIR/strace.log"
	# malloc's first call grows the break and seeds its heap from
	# getrandom(2); a sanitizer's runtime keeps a heap of its own.
	if ! asan_build; then
		run -1 grep -E 'getrandom|brk\(0x' "$BATS_TEST_TMPDIR/strace.log"
	fi
}

@test "no socket to be had (EMFILE): exit 1 and the socket line, no connection" {
	start_peer -t 10 accept read 1
	run -1 --separate-stderr strace_bin -e trace=socket \
	    -e inject=socket:error=EMFILE "$TCPDIAL_BIN" 127.0.0.1 "$PORT" \
	    </dev/null
	[ "$stderr" = "tcpdial: socket for 127.0.0.1 port $PORT: Too many open files" ]
	[ -z "$output" ]
	grep -q '= -1 EMFILE .*(INJECTED)' "$BATS_TEST_TMPDIR/strace.log"
	# We connect once ourselves: the first and only connection the peer
	# accepted is ours, so tcpdial made none.
	printf M >"/dev/tcp/127.0.0.1/$PORT"
	finish_peer
	[ "$(report accepts)" = 1 ]
	[ "$(report received)" = 1 ]
}
