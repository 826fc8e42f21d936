#!/usr/bin/env bats
# Bad input: exit 2, one message naming the argument, and no connection.

load helpers
load resolver-helpers

@test "duration: junk" {
	bad "-w: invalid duration: '5x'" -w 5x 127.0.0.1 PORT
}

@test "duration: negative" {
	bad "-w: invalid duration: '-1'" -w -1 127.0.0.1 PORT
}

@test "duration: empty" {
	bad "-w: empty duration: ''" -w '' 127.0.0.1 PORT
}

@test "duration: exponent is junk" {
	bad "-w: invalid duration: '1e9999'" -w 1e9999 127.0.0.1 PORT
}

@test "duration: overflow" {
	bad "-w: duration too large: '99999999999'" -w 99999999999 127.0.0.1 PORT
}

@test "duration: overflow in minutes" {
	bad "-i: duration too large: '3000000m'" -i 3000000m 127.0.0.1 PORT
}

@test "duration: two dots, long form named as typed" {
	bad "--connect-timeout: invalid duration: '1.5.5'" \
	    --connect-timeout=1.5.5 127.0.0.1 PORT
}

@test "duration: unknown unit" {
	bad "-q: invalid duration: '10h'" -q 10h 127.0.0.1 PORT
}

@test "port 0" {
	bad "port out of range: '0'" 127.0.0.1 0
}

@test "port 65536" {
	bad "port out of range: '65536'" 127.0.0.1 65536
}

@test "port -1" {
	bad "invalid port or unknown service: '-1'" -- 127.0.0.1 -1
}

@test "port 80x" {
	bad "invalid port or unknown service: '80x'" 127.0.0.1:80x
}

@test "port range" {
	bad "invalid port or unknown service: '1-100'" 127.0.0.1 1-100
}

@test "port: unknown service name" {
	bad "invalid port or unknown service: 'nosuchservice'" \
	    127.0.0.1 nosuchservice
}

@test "port: empty" {
	bad "empty port: ''" 127.0.0.1 ''
}

@test "source port 0" {
	bad "-p: port out of range: '0'" -p 0 127.0.0.1 PORT
}

@test "host: empty" {
	bad "empty host" :PORT
}

@test "host: blank inside" {
	bad "invalid host: 'bad host'" 'bad host' PORT
}

@test "operands: none" {
	bad "missing host and port"
}

@test "operands: port missing" {
	bad "missing port: '127.0.0.1' (want host port or host:port)" 127.0.0.1
}

@test "operands: too many" {
	bad "too many operands: 'extra'" 127.0.0.1 PORT extra
}

@test "operands: two operands are host and port, so the port is named" {
	bad "invalid port: 'PORT:1'" 127.0.0.1 PORT:1
}

@test "operands: a host:port target followed by a port" {
	bad "invalid host: 'localhost:PORT' (a host:port target takes no separate port)" \
	    localhost:PORT PORT
}

@test "operands: a bracketed target followed by a port" {
	bad "invalid host: '[::1]:PORT' (a host:port target takes no separate port)" \
	    [::1]:PORT PORT
}

@test "host: a scope on a name" {
	bad "invalid host: 'localhost%lo'" localhost%lo PORT
}

@test "host: an IPv6 scope that is empty, or holds a second % or a port" {
	bad "invalid host: 'fe80::1%'" fe80::1% PORT
	bad "invalid host: 'fe80::1%%lo'" fe80::1%%lo PORT
	# glibc would read the scope "lo:80" as lo and dial PORT instead.
	bad "invalid host: 'fe80::1%lo:80' (a host:port target takes no separate port)" \
	    fe80::1%lo:80 PORT
	bad "invalid host: '[fe80::1%lo]:80' (a host:port target takes no separate port)" \
	    [fe80::1%lo]:80 PORT
}

@test "host: a number for the last label that is no IPv4 address" {
	# No host name ends in a label of digits (RFC 1123 2.1): these
	# would have gone to DNS.  127.1 is inet_aton's, and connects.
	bad "invalid host: '999.1.1.1'" 999.1.1.1 PORT
	bad "invalid host: '1.2.3.4.5'" 1.2.3.4.5 PORT
	bad "invalid source address: '10.0.0.256'" -s 10.0.0.256 127.0.0.1 PORT
	start_peer -t 10 accept
	run -0 "$TCPDIAL" -z 127.1 "$PORT"
	finish_peer
}

@test "host: one label of digits is a name (a container's id), looked up" {
	need_root
	make_netns
	echo "127.0.0.1 123456789012" >"$BATS_TEST_TMPDIR/hosts"
	PEER_NS=$NS start_peer -t 10 accept
	run -0 --separate-stderr with_hosts "$BATS_TEST_TMPDIR/hosts" \
	    "$TCPDIAL" -z 123456789012 "$PORT"
	finish_peer
	[ "$(report accepts)" = 1 ]
}

@test "host: a name that is not ASCII is for the resolver, not a usage error" {
	run --separate-stderr "$TCPDIAL" -w 1 -z bücher.invalid 80 </dev/null
	[ "$status" -ne 2 ]
	[[ $stderr != *invalid\ host* ]]
}

@test "operands: bare IPv6 with a port is ambiguous" {
	bad "ambiguous target: '::1:PORT' (write an IPv6 address as [address]:port)" \
	    ::1:PORT
}

@test "operands: unclosed bracket" {
	bad "invalid target: '[::1:PORT' (want [address]:port)" '[::1:PORT'
}

@test "option: unknown short" {
	bad "unknown option: -x" -x 127.0.0.1 PORT
}

@test "option: unknown long" {
	bad "unknown option: --frobnicate" --frobnicate 127.0.0.1 PORT
}

@test "option: a long option given an argument it takes none of" {
	bad "option takes no argument: --crlf=x" --crlf=x 127.0.0.1 PORT
}

@test "option: an abbreviated long option given an argument, named as typed" {
	bad "option takes no argument: --no-half=1" --no-half=1 127.0.0.1 PORT
}

@test "option: an unprintable option letter comes back escaped" {
	bad 'unknown option: -\x01' $'-\x01' 127.0.0.1 PORT
}

@test "option: missing argument" {
	bad "option requires an argument: -w" 127.0.0.1 PORT -w
}

@test "-4 with -6" {
	bad "-4 and -6 cannot be used together" -4 -6 127.0.0.1 PORT
}

@test "-n with a name" {
	bad "-n: host is not a numeric address: 'localhost'" -n localhost PORT
}

@test "-n with a source name" {
	bad "-n: source address is not a numeric address: 'localhost'" \
	    -n -s localhost 127.0.0.1 PORT
}

@test "-4 with an IPv6 address" {
	bad "-4: host is an IPv6 address: '::1'" -4 ::1 PORT
}

@test "-6 with an IPv4 address" {
	bad "-6: host is an IPv4 address: '127.0.0.1'" -6 127.0.0.1 PORT
}

@test "--close with an unknown mode" {
	bad "--close: invalid mode: 'maybe' (graceful or abort)" \
	    --close maybe 127.0.0.1 PORT
}

@test "-s with junk" {
	bad "invalid source address: 'a/b'" -s a/b 127.0.0.1 PORT
}

@test "-s with a colon that is not IPv6" {
	bad "invalid source address: 'localhost:1'" -s localhost:1 127.0.0.1 PORT
}

@test "-z with -C" {
	bad "-z and -C cannot be used together" -z -C 127.0.0.1 PORT
}

@test "-z with -q" {
	bad "-z and -q cannot be used together" -z -q 1 127.0.0.1 PORT
}

# -z conflicts with a session option given at all, whatever its value.
@test "-z with -q 0" {
	bad "-z and -q cannot be used together" -z -q 0 127.0.0.1 PORT
}

@test "-z with -i 0, long form" {
	bad "-z and -i cannot be used together" --idle-timeout=0 -z 127.0.0.1 PORT
}

@test "-z with --no-half-close, even with -N after it" {
	bad "-z and --no-half-close cannot be used together" \
	    -z --no-half-close -N 127.0.0.1 PORT
}

@test "-z with --settle" {
	bad "-z and --settle cannot be used together" -z --settle 500ms 127.0.0.1 PORT
}

@test "--attempt-delay: junk, named as typed" {
	bad "--attempt-delay: invalid duration: '5x'" --attempt-delay 5x 127.0.0.1 PORT
}

@test "--attempt-delay 0 is not a usage error: it starts every address at once" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" -z --attempt-delay 0 127.0.0.1 "$PORT" </dev/null
	[ -z "$stderr" ]
}

@test "-m: junk" {
	bad "-m: invalid duration: '5x'" -m 5x 127.0.0.1 PORT
}

@test "--settle: unknown unit, long form named as typed" {
	bad "--settle: invalid duration: '1h'" --settle=1h 127.0.0.1 PORT
}

@test "-z with -m: -m bounds the probe" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" -z -m 5 127.0.0.1 "$PORT" </dev/null
	[ -z "$stderr" ]
}

@test "duration: leading zeros are not magnitude (-w 00000000002 is 2 s)" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" -w 00000000002 127.0.0.1 "$PORT" </dev/null
	[ -z "$stderr" ]
}

@test "--help and --version exit 0 on stdout" {
	run -0 --separate-stderr "$TCPDIAL" --help
	[ "${lines[0]}" = "usage: tcpdial [-46ChNnVvz] [--any] [--backoff] [--invert] [--no-half-close]" ]
	[ -z "$stderr" ]
	run -0 --separate-stderr "$TCPDIAL" -V
	[[ "$output" =~ ^tcpdial\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "--help into a closed stdout is an I/O error" {
	run -11 bash -c '"$0" --help >&-' "$TCPDIAL"
}

@test "--help and -V into a full stdout say so and exit 11" {
	run -11 --separate-stderr bash -c '"$0" --help >/dev/full' "$TCPDIAL"
	[ "$stderr" = "tcpdial: write to stdout: No space left on device" ]
	run -11 --separate-stderr bash -c '"$0" -V >/dev/full' "$TCPDIAL"
	[ "$stderr" = "tcpdial: write to stdout: No space left on device" ]
}
