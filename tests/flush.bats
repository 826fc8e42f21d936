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
