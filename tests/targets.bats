#!/usr/bin/env bats
# Operands beyond one target: several targets under -z, the "--" that
# ends the options, and the -- COMMAND tail (tcpdial(1), SPEC 1).  Until
# the connector probes every target, tcpdial dials the first one only:
# these tests hold the parser and its messages, not the probing.

load helpers

@test "several targets without -z: exit 2, naming the second one" {
	bad "several targets require -z or --wait: 'localhost:PORT'" \
	    127.0.0.1:PORT localhost:PORT
}

@test "HOST PORT and one more without -z: too many operands" {
	bad "too many operands: 'localhost:PORT'" 127.0.0.1 PORT localhost:PORT
}

@test "-z with a bad second target: the message names that operand" {
	bad "port out of range: '0' in target 'localhost:0'" \
	    -z 127.0.0.1:PORT localhost:0
}

@test "-z with a second operand that fits no form" {
	bad "ambiguous target: '::1:PORT' (write an IPv6 address as [address]:port)" \
	    -z 127.0.0.1:PORT localhost:PORT ::1:PORT
}

@test "a command without -z is a usage error" {
	bad "command requires -z or --wait: 'true'" 127.0.0.1:PORT -- true
}

@test "-- with no command after the targets is a usage error" {
	bad "missing command after --" -z 127.0.0.1:PORT --
}

@test "-- ends the options: an option after it is the command" {
	bad "command requires -z or --wait: '-x'" 127.0.0.1 PORT -- -x
}

@test "-z TARGET TARGET -- COMMAND: a refused target is exit 4, and the command never runs" {
	local port
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" -z "127.0.0.1:$port" \
	    "127.0.0.1:$port" -- touch "$BATS_TEST_TMPDIR/ran" </dev/null
	[[ $stderr == *"Connection refused"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "-- HOST PORT: with no operand before it, -- only ends the options" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" -z -- 127.0.0.1 "$PORT" </dev/null
	[ -z "$stderr" ]
	finish_peer
	[ "$(report accepts)" = 1 ]
}

@test "options may follow the operands, up to --" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" "127.0.0.1:$PORT" -z </dev/null
	[ -z "$stderr" ]
	finish_peer
	[ "$(report received)" = 0 ]
}

@test "--any without -z is a usage error" {
	bad "--any requires -z" --any 127.0.0.1 PORT
}

@test "--any, long form after the operands, still requires -z" {
	bad "--any requires -z" 127.0.0.1:PORT --any
}

@test "-z --any with one target: as without --any" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" -z --any 127.0.0.1 "$PORT" </dev/null
	[ -z "$stderr" ]
	finish_peer
	[ "$(report accepts)" = 1 ]
}
