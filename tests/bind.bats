#!/usr/bin/env bats
# -s and -p: the local end of the connection.

load helpers

@test "-s and -p: the peer sees the chosen source address and port" {
	sport=$(free_port)
	start_peer -t 10 accept sink
	run -0 "$TCPDIAL" -s 127.0.0.2 -p "$sport" 127.0.0.1 "$PORT" </dev/null
	finish_peer
	[ "$(report client_addr)" = 127.0.0.2 ]
	[ "$(report client_port)" = "$sport" ]
}

@test "--source-port alone binds the wildcard address" {
	sport=$(free_port)
	start_peer -t 10 accept sink
	run -0 "$TCPDIAL" --source-port "$sport" 127.0.0.1 "$PORT" </dev/null
	finish_peer
	[ "$(report client_port)" = "$sport" ]
}

@test "-p again right after a close: TIME_WAIT does not block the bind" {
	sport=$(free_port)
	start_peer -t 10 accept sink close accept sink close
	run -0 "$TCPDIAL" -p "$sport" 127.0.0.1 "$PORT" </dev/null
	# We sent the first FIN, so our side of that pair is in TIME_WAIT.
	run ss -Htan state time-wait "sport = :$sport"
	[ -n "$output" ]
	run -0 --separate-stderr "$TCPDIAL" -p "$sport" 127.0.0.1 "$PORT" </dev/null
	finish_peer
	[ "$(report accepts)" = 2 ]
	[ "$(report client_port)" = "$sport" ]
}

@test "bind to a port a listener holds: exit 7 and the bind line" {
	start_peer -t 10 accept sink
	held=$PORT
	start_peer -t 10 accept sink
	run -7 --separate-stderr "$TCPDIAL" -p "$held" 127.0.0.1 "$PORT" </dev/null
	[ "$stderr" = "tcpdial: bind to 0.0.0.0 port $held: Address already in use" ]
}

@test "bind to an address that is not ours: exit 7" {
	start_peer -t 10 accept sink
	run -7 --separate-stderr "$TCPDIAL" -s 192.0.2.1 127.0.0.1 "$PORT" </dev/null
	[[ "$stderr" = "tcpdial: bind to 192.0.2.1: Cannot assign requested address" ]]
}
