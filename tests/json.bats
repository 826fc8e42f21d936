#!/usr/bin/env bats
# The --json report (SPEC 9, issue 12): one JSON object at the end of
# every run (success, each failure class, a signal, a usage error found
# after --json was read), every field for every target, strings escaped
# whatever they hold, the figures the same as the peer counted and -v
# said, and a file written whole or not at all.  jq reads every report,
# as a user's script would.  Black holes, dead resolvers and read-only
# mounts need a private namespace (root only, as CI runs).

load helpers

setup() {
	JSON=$BATS_TEST_TMPDIR/report.json
}

# The report's keys, in the order the man page gives: top level, per
# target, per address, close, expect and tcp_info.
TOP_KEYS='["version","exit_status","exit_name","signal","error","elapsed_ms","targets"]'
TARGET_KEYS='["target","host","port","status","status_name","error","attempts",
 "resolve_ms","addresses","local","remote","connect_ms","first_byte_ms",
 "bytes_sent","bytes_received","close","expect","tcp_info"]'

# The shape every report has, whatever the run: the keys, and each
# value's type (times are integer ms, or null where not applicable).
SHAPE='
def int: type == "number" and . == floor and . >= 0;
def int_or_null: . == null or int;
def str: type == "string";
def str_or_null: . == null or str;
def names: ["ok","failure","usage","resolve","refused","timeout",
    "unreachable","bind","reset","idle","disconnect","io","check","lost",
    "signal","command"];
def endpoint: . == null or (keys_unsorted == ["address","port"] and
    (.address | str) and (.port | int));
keys_unsorted == $top
and (.version | str) and (.version | length > 0)
and (.exit_status | int)
and (.exit_name as $n | any(names[]; . == $n))
and (.signal | int_or_null)
and (.error | str_or_null)
and (.elapsed_ms | int)
and (.targets | type == "array")
and all(.targets[];
    keys_unsorted == $tk
    and (.target | str) and (.host | str) and (.port | int)
    and (.status | int_or_null) and (.status_name | str)
    and (.error | str_or_null) and (.attempts | int)
    and (.resolve_ms | int_or_null)
    and (.addresses | type == "array")
    and all(.addresses[];
        keys_unsorted == ["address","family","started_ms","ended_ms","outcome"]
        and (.address | str) and (.family == "ipv4" or .family == "ipv6")
        and (.started_ms | int_or_null) and (.ended_ms | int_or_null)
        and (.outcome | str))
    and (.local | endpoint) and (.remote | endpoint)
    and (.connect_ms | int_or_null) and (.first_byte_ms | int_or_null)
    and (.bytes_sent | int) and (.bytes_received | int)
    and (.close | . == null or (keys_unsorted == ["how","first","disconnect_completed"]
        and (.how as $h | any("graceful","abort","peer_reset","cut","lost";
            . == $h))
        and (.first == "us" or .first == "peer" or .first == null)
        and (.disconnect_completed | type == "boolean")))
    and (.expect | . == null or (keys_unsorted == ["matched","ms"] and
        (.matched | type == "boolean") and (.ms | int_or_null)))
    and (.tcp_info | . == null or (keys_unsorted == ["rtt_us","rttvar_us",
        "retransmits","total_retrans","snd_cwnd","pmtu","bytes_acked",
        "bytes_received"] and
        all(.[]; int))))
'

# show_report: the report as it is, for a failing test's output.
show_report() {
	echo "--- $JSON:"
	jq . "$JSON" 2>/dev/null || cat -v "$JSON" 2>/dev/null ||
	    echo "(no report)"
}

# jqe FILTER [jq options]: jq -e FILTER on the report must be true;
# otherwise say which filter failed and show the report.
jqe() {
	local filter=$1
	shift
	if ! jq -e "$@" "$filter" "$JSON" >/dev/null; then
		echo "jq -e failed: $filter $*"
		show_report
		return 1
	fi
}

# jqr FILTER: the raw value of FILTER in the report (jq -r).
jqr() {
	jq -r "$1" "$JSON"
}

# shape_ok: the report exists, is one JSON object, and has every field
# with its type.
shape_ok() {
	[ -s "$JSON" ] || { echo "no report at $JSON"; return 1; }
	[ "$(jq -s length "$JSON")" = 1 ] || { show_report; return 1; }
	jqe "$SHAPE" --argjson top "$TOP_KEYS" --argjson tk "$TARGET_KEYS"
}

# error_is_stderr: the report's error is the one stderr line, without
# "tcpdial: ", and so is the failing target's (index $1, default 0).
error_is_stderr() {
	local i=${1:-0}
	echo "stderr: $stderr"
	[ "${#stderr_lines[@]}" = 1 ]
	[ "$(jqr .error)" = "${stderr#tcpdial: }" ]
	[ "$(jqr ".targets[$i].error")" = "${stderr#tcpdial: }" ]
}

# version: what tcpdial --version names.
version() {
	"$TCPDIAL" --version | sed -n '1s/^tcpdial //p'
}

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

# ---------------------------------------------------------------------
# Each failure class: the status, its name, the stderr line

@test "refused: exit 4, exit_name refused, error is the stderr line" {
	local port
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" --json "$JSON" 127.0.0.1 "$port" \
	    </dev/null
	[ "$stderr" = "tcpdial: connect to 127.0.0.1 port $port: Connection refused" ]
	shape_ok
	error_is_stderr
	jqe '.exit_status == 4 and .exit_name == "refused" and .signal == null'
	jqe '.targets[0] | .status == 4 and .status_name == "refused"
	    and .attempts == 1 and .local == null and .remote == null
	    and .connect_ms == null and .first_byte_ms == null
	    and .close == null and .tcp_info == null and .expect == null
	    and .bytes_sent == 0 and .bytes_received == 0'
	jqe '.targets[0].addresses | length == 1 and .[0].outcome == "refused"
	    and .[0].address == "127.0.0.1" and .[0].ended_ms != null'
}

@test "with -v the error is the line a run without -v prints" {
	local port line
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" 127.0.0.1 "$port" </dev/null
	line=${stderr#tcpdial: }
	run -4 --separate-stderr "$TCPDIAL" -v --json "$JSON" 127.0.0.1 "$port" \
	    </dev/null
	shape_ok
	jqe '.error == $l and .targets[0].error == $l' --arg l "$line"
}

@test "black-holed: -w 1 gives exit 5, the attempt ended by the deadline" {
	need_root
	make_netns
	in_ns iptables -A INPUT -p tcp --dport 9 -j DROP
	run -5 --separate-stderr in_ns "$TCPDIAL" --json "$JSON" -w 1 \
	    127.0.0.1 9 </dev/null
	[ "$stderr" = "tcpdial: connect to 127.0.0.1 port 9: Connection timed out" ]
	shape_ok
	error_is_stderr
	jqe '.exit_status == 5 and .exit_name == "timeout"'
	jqe '.elapsed_ms >= 1000'
	jqe '.targets[0] | .status == 5 and .status_name == "timeout"
	    and .connect_ms == null and .local == null and .close == null
	    and .tcp_info == null'
	# -w counts from the start (SPEC 2), not from the attempt's own.
	jqe '.targets[0].addresses[0] | .outcome == "timeout"
	    and .started_ms <= .ended_ms and .ended_ms >= 1000'
}

@test "a dead resolver: -w 1 gives exit 3, exit_name resolve, no address" {
	dead_resolver
	run -3 --separate-stderr in_ns "$TCPDIAL" --json "$JSON" -w 1 \
	    nosuchhost.example 80 </dev/null
	[ "$stderr" = "tcpdial: resolve nosuchhost.example: timed out" ]
	shape_ok
	error_is_stderr
	jqe '.exit_status == 3 and .exit_name == "resolve"'
	jqe '.targets[0] | .target == "nosuchhost.example"
	    and .host == "nosuchhost.example" and .port == 80
	    and .status == 3 and .status_name == "resolve"
	    and .addresses == [] and .close == null and .connect_ms == null'
	jqe '.elapsed_ms >= 1000'
}

@test "expect failed: exit 12, expect.matched false, error escaped as stderr" {
	start_peer -t 10 accept read 6 say $'-ERR bad "x"\r\n' close
	run -12 --separate-stderr "$TCPDIAL" --json "$JSON" --send 'PING\r\n' \
	    --expect '+PONG' "127.0.0.1:$PORT"
	# The peer's quotes and CR LF, escaped by tcpdial, then by JSON.
	[ "$stderr" = "tcpdial: expect from 127.0.0.1 port $PORT: connection closed before \"+PONG\" (received 14 bytes: \"-ERR bad \\\"x\\\"\\r\\n\")" ]
	shape_ok
	error_is_stderr
	jqe '.exit_status == 12 and .exit_name == "check"'
	jqe '.targets[0] | .status == 12 and .status_name == "check"
	    and .expect.matched == false and .expect.ms >= .connect_ms'
}

@test "expect matched: exit 0, expect.matched true" {
	start_peer -t 10 accept read 6 say $'+PONG\r\n' await
	run -0 --separate-stderr "$TCPDIAL" --json "$JSON" --send 'PING\r\n' \
	    --expect '+PONG' "127.0.0.1:$PORT"
	[ -z "$stderr" ]
	shape_ok
	jqe '.exit_status == 0 and .targets[0].expect.matched == true
	    and .targets[0].expect.ms >= .targets[0].connect_ms'
}

@test "--wait giving up on a refused port: attempts as stderr counts them, > 1" {
	local port n
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" --json "$JSON" -z --wait 1 \
	    "127.0.0.1:$port"
	[[ $stderr =~ \(([0-9]+)\ attempts\):\ Connection\ refused$ ]]
	n=${BASH_REMATCH[1]}
	shape_ok
	error_is_stderr
	jqe '.exit_status == 4 and .exit_name == "refused"'
	jqe '.targets[0].attempts == $n and $n > 1' --argjson n "$n"
	jqe '.targets[0].addresses[-1].outcome == "refused"'
	jqe '.elapsed_ms >= 1000'
}

@test "--wait: a listener that comes up late, attempts > 1, exit 0" {
	local port
	port=$(free_port)
	"$TCPDIAL" -v -z --wait 10 --json "$JSON" "127.0.0.1:$port" \
	    </dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local pid=$!
	wait_for "two tries" grep -q "attempt 2 failed" "$BATS_TEST_TMPDIR/err"
	start_peer -p "$port" -t 10 accept sink
	wait_status "$pid"
	[ "$status" = 0 ]
	shape_ok
	jqe '.exit_status == 0 and .targets[0].attempts > 2
	    and .targets[0].status == 0'
}

@test "--any with three targets: one ok, the dropped one unfinished" {
	local open dropped refused
	start_peer -t 20 fullbacklog sleep 15000
	dropped=$PORT
	start_peer -t 20 accept sink
	open=$PORT
	refused=$(free_port)
	run -0 --separate-stderr "$TCPDIAL" -z --any -w 5 --json "$JSON" \
	    "127.0.0.1:$dropped" "127.0.0.1:$refused" "127.0.0.1:$open"
	[ -z "$stderr" ]
	shape_ok
	jqe '.exit_status == 0 and .exit_name == "ok" and .error == null'
	# One object per target, in operand order.
	jqe '[.targets[].target] == $t' --argjson t \
	    "[\"127.0.0.1:$dropped\",\"127.0.0.1:$refused\",\"127.0.0.1:$open\"]"
	jqe '.targets[0] | .status == null and .status_name == "unfinished"
	    and .error == null and .close == null and .local == null
	    and .addresses[0].outcome == "abandoned"'
	# Refused on loopback may come before the open one connects, or not.
	jqe '.targets[1] | (.status == 4 and .status_name == "refused")
	    or (.status == null and .status_name == "unfinished")'
	jqe '.targets[2] | .status == 0 and .status_name == "ok"
	    and .close.how == "cut" and .port == $p' --argjson p "$open"
}

@test "-z with two targets, one refused: each target its own status and error" {
	local port
	port=$(free_port)
	start_peer -t 10 accept sink
	run -4 --separate-stderr "$TCPDIAL" -z --json "$JSON" \
	    "127.0.0.1:$PORT" "127.0.0.1:$port"
	shape_ok
	error_is_stderr 1
	jqe '.targets[0] | .status == 0 and .error == null'
	jqe '.targets[1] | .status == 4 and .status_name == "refused"'
}

@test "SIGTERM mid-session: 143, exit_name signal, signal 15, the peer's counts" {
	start_peer -t 20 accept sink
	hold_stdin
	"$TCPDIAL" --json "$JSON" 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in" \
	    >/dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- &
	local pid=$!
	printf 'hello\n' >&5
	wait_for "6 bytes at the peer" acked_over "$PORT" 5
	kill -TERM "$pid"
	wait_status "$pid"
	release_stdin
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" = 143 ]
	finish_peer
	shape_ok
	jqe '.exit_status == 143 and .exit_name == "signal" and .signal == 15
	    and .error == null'
	jqe '.targets[0].bytes_sent == $n and $n == 6' \
	    --argjson n "$(report received)"
	jqe '.targets[0].bytes_received == 0'
	[ "$(report client_end)" = FIN ]
	jqe '.targets[0].close.how == "graceful" and .targets[0].close.first == "us"'
	jqe '.targets[0].tcp_info != null'
}

@test "SIGTERM during the lookup: 143, the target unfinished, no address" {
	dead_resolver
	# Not in_ns: a function in the background is a subshell, and the
	# signal must reach tcpdial itself (ip netns exec execs it).
	ip netns exec "$NS" "$TCPDIAL" --json "$JSON" -z nosuchhost.example:80 \
	    </dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local pid=$!
	wait_for "a query at the dead resolver" queried
	kill -TERM "$pid"
	wait_status "$pid"
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" = 143 ]
	shape_ok
	jqe '.exit_status == 143 and .exit_name == "signal" and .signal == 15
	    and .error == null'
	jqe '.targets[0] | .status == null and .status_name == "unfinished"
	    and .error == null and .resolve_ms == null and .addresses == []
	    and .close == null'
}

# ---------------------------------------------------------------------
# Strings: valid JSON and valid UTF-8 whatever they hold

# utf8_clean FILE: FILE is valid UTF-8 and has no raw control byte (the
# report is one line: a newline may end it, nothing else).
utf8_clean() {
	iconv -f UTF-8 -t UTF-8 "$1" >/dev/null ||
	    { echo "not valid UTF-8:"; od -c "$1"; return 1; }
	[ "$(head -c -1 "$1" | LC_ALL=C tr -d '\040-\176\200-\377' | wc -c)" = 0 ] ||
	    { echo "a raw control byte:"; od -c "$1"; return 1; }
}

@test "a hostile host name in a usage error: quote, backslash, newline, bytes >= 0x80" {
	# \xff and a lone \x80 are not UTF-8; \xc3\xa9 is (e acute).
	local name=$'a"b\\c\nd\xff\xc3\xa9\x80e'
	run -2 --separate-stderr "$TCPDIAL" --json "$JSON" -z "$name:80"
	shape_ok
	utf8_clean "$JSON"
	jqe '.exit_status == 2 and .exit_name == "usage" and .targets == []'
	# Valid UTF-8 round-trips as it is; each invalid byte is \u00XX, which
	# jq -r gives back as that code point (U+00FF, U+0080) in UTF-8.
	[ "$(jqr .error)" = $'invalid host: \'a"b\\c\nd\xc3\xbf\xc3\xa9\xc2\x80e\'' ]
	grep -qiF 'a\"b\\c\nd\u00ff' "$JSON"
	grep -qiF $'\xc3\xa9\\u0080e' "$JSON"
}

@test "a hostile host name to a resolver that fails: host round-trips, exit 3" {
	need_root
	make_netns
	# The resolver refuses at once: the name fails fast, on loopback.
	mkdir -p "/etc/netns/$NS"
	echo 'nameserver 127.0.0.1' >"/etc/netns/$NS/resolv.conf"
	local bad=$'bad\xff\xc3\xa9\x80.test' good=$'caf\xc3\xa9.test'
	run -3 --separate-stderr in_ns "$TCPDIAL" --json "$JSON" -z \
	    "$bad:80" "$good:81"
	echo "stderr: $stderr"
	[ "${#stderr_lines[@]}" = 2 ]
	shape_ok
	utf8_clean "$JSON"
	jqe '.exit_status == 3 and .exit_name == "resolve"'
	[ "$(jqr '.targets[0].host')" = $'bad\xc3\xbf\xc3\xa9\xc2\x80.test' ]
	[ "$(jqr '.targets[0].target')" = $'bad\xc3\xbf\xc3\xa9\xc2\x80.test:80' ]
	grep -qiF $'bad\\u00ff\xc3\xa9\\u0080.test' "$JSON"
	# A valid UTF-8 name comes back byte for byte.
	[ "$(jqr '.targets[1].host')" = "$good" ]
	[ "$(jqr '.targets[1].target')" = "$good:81" ]
	jqe '.targets[0].status == 3 and .targets[1].status == 3'
	# Each target's error is its stderr line, the invalid bytes mapped.
	[ "$(jqr '.targets[0].error')" = "$(sed -n '1s/^tcpdial: //p' \
	    <<<"$stderr" | LC_ALL=C sed $'s/\xff/\xc3\xbf/; s/\xc3\xa9\x80/\xc3\xa9\xc2\x80/')" ]
	[ "$(jqr '.targets[1].error')" = "${stderr_lines[1]#tcpdial: }" ]
	[ "$(jqr '.error')" = "$(jqr '.targets[0].error')" ]
}

# ---------------------------------------------------------------------
# Writing the report

@test "--json /dev/full after a successful run: exit 11, one line" {
	start_peer -t 10 accept sink
	run -11 --separate-stderr "$TCPDIAL" -z --json /dev/full "127.0.0.1:$PORT"
	[ "$stderr" = "tcpdial: write report /dev/full: No space left on device" ]
	[ -z "$output" ]
	# A session too.
	start_peer -t 10 accept sink
	run -11 --separate-stderr "$TCPDIAL" --json /dev/full 127.0.0.1 "$PORT" \
	    </dev/null
	[ "$stderr" = "tcpdial: write report /dev/full: No space left on device" ]
}

@test "--json /dev/full after a failed run: its status stays (refused, 4)" {
	local port
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" -z --json /dev/full "127.0.0.1:$port"
	[ "${stderr_lines[0]}" = "tcpdial: connect to 127.0.0.1 port $port: Connection refused" ]
	[ "${stderr_lines[1]}" = "tcpdial: write report /dev/full: No space left on device" ]
	[ "${#stderr_lines[@]}" = 2 ]
}

@test "--json /dev/full with --quiet: no line, exit 11" {
	start_peer -t 10 accept sink
	run -11 --separate-stderr "$TCPDIAL" --quiet -z --json /dev/full \
	    "127.0.0.1:$PORT"
	[ -z "$stderr" ]
}

@test "written whole: after success the file parses, nothing else beside it" {
	local dir=$BATS_TEST_TMPDIR/d
	mkdir "$dir"
	JSON=$dir/r.json
	echo 'an older report' >"$JSON"
	ln "$JSON" "$dir/old"
	start_peer -t 10 accept sink
	run -0 --separate-stderr bash -c 'umask 027
	    exec "$TCPDIAL" -z --json "$2" "127.0.0.1:$1"' _ "$PORT" "$JSON"
	[ -z "$stderr" ]
	shape_ok
	jqe '.exit_status == 0'
	# A new file renamed over the old one: the old one's other name still
	# holds the old text, and no temporary file is left.
	[ "$(cat "$dir/old")" = 'an older report' ]
	rm "$dir/old"
	[ "$(ls -A "$dir")" = r.json ]
	# Created with 0666 less the umask.
	[ "$(stat -c %a "$JSON")" = 640 ]
}

# Root ignores permissions: as root the unwritable directory is a
# read-only bind mount in a private mount namespace.
@test "an unwritable directory: exit 11, the line, no file left" {
	local dir=$BATS_TEST_TMPDIR/ro
	mkdir "$dir"
	JSON=$dir/r.json
	start_peer -t 10 accept sink
	if [ "$(id -u)" = 0 ]; then
		run -11 --separate-stderr unshare -m sh -c 'mount --bind "$1" "$1" &&
		    mount -o remount,bind,ro "$1" && shift && exec "$@"' _ "$dir" \
		    "$TCPDIAL" -z --json "$JSON" "127.0.0.1:$PORT"
		[ "$stderr" = "tcpdial: write report $JSON: Read-only file system" ]
	else
		chmod 555 "$dir"
		run -11 --separate-stderr "$TCPDIAL" -z --json "$JSON" \
		    "127.0.0.1:$PORT"
		chmod 755 "$dir"
		[ "$stderr" = "tcpdial: write report $JSON: Permission denied" ]
	fi
	[ -z "$(ls -A "$dir")" ]
	# A directory that does not exist.
	start_peer -t 10 accept sink
	run -11 --separate-stderr "$TCPDIAL" -z --json "$dir/no/r.json" \
	    "127.0.0.1:$PORT"
	[ "$stderr" = "tcpdial: write report $dir/no/r.json: No such file or directory" ]
}

@test "a full file system: exit 11, the old report intact, no temporary left" {
	need_root
	local dir=$BATS_TEST_TMPDIR/small
	mkdir "$dir"
	start_peer -t 10 accept sink
	# A 16 KiB tmpfs holding an old report, the rest filled: the new one
	# cannot be written, and must not replace the old one in part.
	run -0 --separate-stderr unshare -m sh -c '
	    dir=$1; shift
	    mount -t tmpfs -o size=16k tmpfs "$dir" || exit 99
	    echo "an older report" >"$dir/r.json"
	    dd if=/dev/zero of="$dir/fill" bs=1k 2>/dev/null
	    "$@" --json "$dir/r.json"
	    echo "status $?"
	    cat "$dir/r.json"
	    ls -A "$dir"' _ "$dir" "$TCPDIAL" -z "127.0.0.1:$PORT"
	echo "output: $output"
	echo "stderr: $stderr"
	[ "${lines[0]}" = "status 11" ]
	[ "${lines[1]}" = "an older report" ]
	[ "${lines[2]}" = fill ]
	[ "${lines[3]}" = r.json ]
	[ "${#lines[@]}" = 4 ]
	[ "$stderr" = "tcpdial: write report $dir/r.json: No space left on device" ]
}

@test "a pipe as FILE (process substitution): written there directly" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr bash -c '"$TCPDIAL" -z --json >(cat >"$2") \
	    "127.0.0.1:$1"' _ "$PORT" "$BATS_TEST_TMPDIR/copy"
	[ -z "$stderr" ]
	JSON=$BATS_TEST_TMPDIR/copy
	wait_for "the report through the pipe" jq -e . "$JSON"
	shape_ok
	jqe '.exit_status == 0'
}

@test "--json /dev/stdout and /dev/fd/N: written to that descriptor, appending" {
	start_peer -t 10 accept accept sink
	echo earlier >"$BATS_TEST_TMPDIR/log"
	run -0 --separate-stderr bash -c '"$TCPDIAL" -z --json /dev/stdout \
	    "127.0.0.1:$1" >>"$2"; "$TCPDIAL" -z --json /dev/fd/7 \
	    "127.0.0.1:$1" 7>>"$2"' _ "$PORT" "$BATS_TEST_TMPDIR/log"
	[ -z "$stderr" ]
	cat "$BATS_TEST_TMPDIR/log"
	# Not replaced by a renamed file, nor written from its start.
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/log")" = earlier ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/log")" = 3 ]
	sed -n 2p "$BATS_TEST_TMPDIR/log" >"$JSON"
	shape_ok
	sed -n 3p "$BATS_TEST_TMPDIR/log" >"$JSON"
	shape_ok
	jqe '.exit_status == 0'
}

@test "a symbolic link as FILE: followed, the link stays, nothing left beside" {
	local port
	port=$(free_port)
	echo old >"$JSON"
	ln -s report.json "$BATS_TEST_TMPDIR/link"
	run -4 --separate-stderr "$TCPDIAL" -z --json "$BATS_TEST_TMPDIR/link" \
	    "127.0.0.1:$port"
	[ -L "$BATS_TEST_TMPDIR/link" ]
	shape_ok
	jqe '.exit_status == 4'
	# No temporary name left beside the link or the file.
	ls -a "$BATS_TEST_TMPDIR"
	[ -z "$(ls -a "$BATS_TEST_TMPDIR" | grep -E '^(link|report\.json)\.')" ]
}

@test "a FIFO nobody reads: SIGTERM still ends the run, 143, one line" {
	start_peer -t 10 accept sink
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	"$TCPDIAL" -v -z --json "$BATS_TEST_TMPDIR/fifo" "127.0.0.1:$PORT" \
	    </dev/null 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local pid=$!
	wait_for "the connection" grep -q "^tcpdial: connected to" \
	    "$BATS_TEST_TMPDIR/err"
	kill -TERM "$pid"
	wait_status "$pid"
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" = 143 ]
	grep -q "^tcpdial: write report $BATS_TEST_TMPDIR/fifo: " \
	    "$BATS_TEST_TMPDIR/err"
}

@test "a usage error with --json - to a closed pipe: exit 2 and EPIPE, no SIGPIPE" {
	local rc
	mkfifo "$BATS_TEST_TMPDIR/pipe"
	# A writer whose every reader is gone: a write gets EPIPE (SIGPIPE).
	exec 6<>"$BATS_TEST_TMPDIR/pipe"
	exec 7>"$BATS_TEST_TMPDIR/pipe"
	exec 6<&-
	rc=0
	"$TCPDIAL" -z --json - 127.0.0.1 0 >&7 2>"$BATS_TEST_TMPDIR/err" || rc=$?
	exec 7>&-
	cat "$BATS_TEST_TMPDIR/err"
	[ "$rc" = 2 ]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/err")" = \
	    "tcpdial: write report -: Broken pipe" ]
}

@test "--json - with -- COMMAND: a usage error, stdout is the command's" {
	bad "--json -: not with a command (stdout is the command's)" \
	    -z --json - 127.0.0.1:PORT -- true
}

@test "close.first: the peer's FIN came first, then our RST (--close abort)" {
	start_peer -t 20 accept send 10 fin sink
	hold_stdin
	"$TCPDIAL" --close abort --json "$JSON" 127.0.0.1 "$PORT" \
	    <"$BATS_TEST_TMPDIR/in" >/dev/null 2>"$BATS_TEST_TMPDIR/err" \
	    3>&- 5>&- &
	local pid=$!
	wait_for "the peer's FIN" in_state close-wait "$PORT"
	release_stdin
	wait_status "$pid"
	cat "$BATS_TEST_TMPDIR/err"
	[ "$status" = 0 ]
	finish_peer
	[ "$(report client_end)" = RST ]
	shape_ok
	jqe '.targets[0].close | .how == "abort" and .first == "peer"'
}

@test "a check's reply: first_byte_ms set; the peer closing first: first peer" {
	start_peer -t 10 accept read 6 say $'+PONG\r\n' fin sink
	run -0 --separate-stderr "$TCPDIAL" --send 'PING\r\n' --expect +PONG \
	    --json "$JSON" "127.0.0.1:$PORT"
	shape_ok
	jqe '.targets[0] | .first_byte_ms != null
	    and .connect_ms <= .first_byte_ms and .bytes_received == 7
	    and .expect.matched == true and .first_byte_ms <= .expect.ms'
	# The reply closed a check that still wanted more: the peer's FIN.
	start_peer -t 10 accept read 6 say 'nope' fin sink
	run -12 --separate-stderr "$TCPDIAL" --send 'PING\r\n' --expect +PONG \
	    --json "$JSON" "127.0.0.1:$PORT"
	shape_ok
	jqe '.targets[0] | .close.first == "peer" and .expect.matched == false'
}

@test "-z --json - writes the object on stdout" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" -z --json - "127.0.0.1:$PORT"
	[ -z "$stderr" ]
	echo "$output" >"$JSON"
	shape_ok
	jqe '.exit_status == 0 and .targets[0].port == $p' --argjson p "$PORT"
}

@test "-z COMMAND: the report is written before it runs, exit_status 0" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" -z --json "$JSON" "127.0.0.1:$PORT" \
	    -- cat "$JSON"
	[ -z "$stderr" ]
	# What the command read is the report, as complete as it stays.
	[ "$output" = "$(cat "$JSON")" ]
	shape_ok
	jqe '.exit_status == 0 and .exit_name == "ok" and .error == null'
}

@test "-z COMMAND that cannot be run: the report says 127, exit_name command" {
	start_peer -t 10 accept sink
	run -127 --separate-stderr "$TCPDIAL" -z --json "$JSON" \
	    "127.0.0.1:$PORT" -- /nonexistent/cmd
	[ "$stderr" = "tcpdial: run /nonexistent/cmd: No such file or directory" ]
	shape_ok
	jqe '.exit_status == 127 and .exit_name == "command"'
	[ "$(jqr .error)" = "${stderr#tcpdial: }" ]
}

# ---------------------------------------------------------------------
# Usage errors

# usage_report ARG...: tcpdial ARGs (the word PORT becomes a listening
# peer's port) is a usage error: exit 2, nothing on stdout, no
# connection, and the report says so with the usage message.
usage_report() {
	local arg
	local -a args=()
	start_peer -t 10 accept read 1
	for arg in "$@"; do
		args+=("${arg//PORT/$PORT}")
	done
	run -2 --separate-stderr "$TCPDIAL" "${args[@]}" </dev/null
	echo "stderr: $stderr"
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" = 1 ]
	shape_ok
	jqe '.exit_status == 2 and .exit_name == "usage" and .signal == null
	    and .targets == []'
	[ "$(jqr .error)" = "${stderr#tcpdial: }" ]
	printf M >"/dev/tcp/127.0.0.1/$PORT"
	finish_peer
	[ "$(report accepts)" = 1 ]
	[ "$(report received)" = 1 ]
	rm -f "$JSON"
}

@test "a usage error after --json: the report holds exit 2, usage, its message" {
	usage_report --json "$JSON" -z 127.0.0.1:PORT -w 5x
	[ "$stderr" = "tcpdial: -w: invalid duration: '5x'" ]
	usage_report --json "$JSON" -z 127.0.0.1:PORT 127.0.0.1:0
	usage_report --json "$JSON" --quiet -v 127.0.0.1 PORT
	[ "$stderr" = "tcpdial: --quiet and -v cannot be used together" ]
	usage_report --json "$JSON" 127.0.0.1:PORT 127.0.0.1:PORT
	usage_report --json "$JSON" --bogus -z 127.0.0.1:PORT
	[ "$stderr" = "tcpdial: unknown option: --bogus" ]
}

@test "--json - without -z: exit 2, nothing on stdout, no report" {
	bad "--json -: only with -z (stdout carries the session's data)" \
	    --json - 127.0.0.1 PORT
}

@test "--json with an empty FILE: a usage error" {
	run -2 --separate-stderr "$TCPDIAL" --json '' -z 127.0.0.1:1
	[ "$stderr" = "tcpdial: --json: empty file name" ]
	[ -z "$output" ]
}

@test "--help and --version write no report" {
	run -0 "$TCPDIAL" --json "$JSON" --help
	[ ! -e "$JSON" ]
	run -0 "$TCPDIAL" --json "$JSON" --version
	[ ! -e "$JSON" ]
}
