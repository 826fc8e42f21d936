#!/usr/bin/env bats
# -z: connect, close at once, say in the exit status whether it worked.

load helpers

@test "-z against a listener: exit 0, nothing sent, the peer saw FIN" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" -z 127.0.0.1 "$PORT"
	[ -z "$output" ]
	[ -z "$stderr" ]
	finish_peer
	[ "$(report received)" = 0 ]
	[ "$(report client_end)" = FIN ]
}

@test "-z against a closed port: exit 4" {
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" -z 127.0.0.1 "$port"
	[ "$stderr" = "tcpdial: connect to 127.0.0.1 port $port: Connection refused" ]
}

@test "-z --close abort: the peer sees RST" {
	start_peer -t 10 accept sink
	run -0 "$TCPDIAL" -z --close abort 127.0.0.1 "$PORT"
	finish_peer
	[ "$(report client_end)" = RST ]
}

@test "-z does not read stdin" {
	start_peer -t 10 accept sink
	run -0 bash -c 'printf data | "$0" -z 127.0.0.1 "$1"' "$TCPDIAL" "$PORT"
	finish_peer
	[ "$(report received)" = 0 ]
}
