#!/usr/bin/env bats
# Waiting for services (SPEC 8): --wait with its hard deadline, the
# pause between tries, the command run after success, --quiet.  Failures
# that need a black hole or a dead resolver run in a private network
# namespace (root only, as CI runs).  checks.bats has --send, --expect
# and --invert.

load helpers
load resolver-helpers
load wait-helpers

@test "a listener that comes up late: exit 0 within an interval of it" {
	local port t1
	port=$(free_port)
	bg_tcpdial -v -z --wait 10 "127.0.0.1:$port"
	# Let six tries fail (about 1.5 s at 250 ms), then listen.
	wait_for "six tries" tries_failed 6
	start_peer -p "$port" -t 10 accept sink
	t1=$(now_ms)
	wait_status "$BG_PID"
	[ "$status" = 0 ]
	# The next try after the listener came up: at most one interval.
	bound_ok "$(ms_since "$t1")" 250
	[ "$(ms_since "$T0")" -ge 1250 ]
	grep -q "^tcpdial: connected to 127.0.0.1 port $port" "$ERR"
	finish_peer
	[ "$(report accepts)" = 1 ]
}

@test "--wait 0 waits as long as it takes" {
	local port
	port=$(free_port)
	bg_tcpdial -v -z --wait 0 "127.0.0.1:$port"
	wait_for "two tries" tries_failed 2
	start_peer -p "$port" -t 10 accept sink
	wait_status "$BG_PID"
	[ "$status" = 0 ]
}

@test "--wait 1 on a refused port: exit 4 at 1 s, one line giving up" {
	local port
	port=$(free_port)
	t0=$(now_ms)
	run -4 --separate-stderr "$TCPDIAL" -z --wait 1 "127.0.0.1:$port"
	elapsed_ok "$t0" 1000 1500
	deadline_ok "$(gave_up_ms "$stderr")" 1000
	# Tries at 0, 250, 500 and 750 ms: four (three on a slow machine,
	# where each wake-up comes late).
	[[ $stderr =~ ^tcpdial:\ 127\.0\.0\.1\ port\ $port:\ gave\ up\ after\ 1\.[0-9]{3}\ s\ \([34]\ attempts\):\ Connection\ refused$ ]]
}

@test "-m 1 under --wait 10: gives up at 1 s, the last try's status" {
	# The man page's decision: an earlier -m ends the waiting as the
	# deadline of --wait would (not with 5, as -m alone would).
	local port
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" -z --wait 10 -m 1 "127.0.0.1:$port"
	deadline_ok "$(gave_up_ms "$stderr")" 1000
	[[ $stderr =~ ^tcpdial:\ 127\.0\.0\.1\ port\ $port:\ gave\ up\ after\ 1\.[0-9]{3}\ s\ \([0-9]+\ attempts\):\ Connection\ refused$ ]]
}

@test "--wait without -z: the session starts once the port answers" {
	local port
	port=$(free_port)
	ERR=$BATS_TEST_TMPDIR/err
	"$TCPDIAL" -v --wait 10 127.0.0.1 "$port" </dev/null \
	    >"$BATS_TEST_TMPDIR/out" 2>"$ERR" 3>&- &
	BG_PID=$!
	wait_for "two tries" tries_failed 2
	start_peer -p "$port" -t 10 accept say $'pong\n' sink
	wait_status "$BG_PID"
	[ "$status" = 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = pong ]
	finish_peer
	[ "$(report accepts)" = 1 ]
}

@test "--interval 1s: tries one second apart" {
	local port
	port=$(free_port)
	t0=$(now_ms)
	run -4 --separate-stderr "$TCPDIAL" -v -z --wait 2500ms --interval 1s \
	    "127.0.0.1:$port"
	elapsed_ok "$t0" 2500 3000
	deadline_ok "$(gave_up_ms "$stderr")" 2500
	[[ $stderr == *"attempt 2 failed (Connection refused); next in 1000 ms"* ]]
	# The third try's pause runs into the deadline: no fourth try.
	[[ $stderr == *"attempt 3 failed (Connection refused); no time for another, giving up in "*" ms"* ]]
	[[ $stderr != *"attempt 3 failed (Connection refused); next in"* ]]
	[[ $stderr == *" s (3 attempts): Connection refused" ]]
}

@test "-v: an interval longer than --wait announces no next try" {
	local port
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" -v -z --wait 1 --interval 6 \
	    "127.0.0.1:$port"
	# In: the deadline less the refusal's own time (whole ms).
	[[ $stderr =~ "attempt 1 failed (Connection refused); no time for another, giving up in "([0-9]+)" ms" ]]
	[ "${BASH_REMATCH[1]}" -le 1000 ]
	[[ $stderr != *"next in"* ]]
	[[ $stderr == *" s (1 attempt): Connection refused" ]]
}

@test "--backoff: the pause doubles, within 10%" {
	local port pauses p want=(250 500 1000 2000)
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" -v -z --wait 3900ms --backoff \
	    "127.0.0.1:$port"
	pauses=$(sed -n 's/.*; next in \([0-9]*\) ms$/\1/p' <<<"$stderr")
	echo "pauses: $pauses" >&3
	set -- $pauses
	for p in 0 1 2; do
		[ "$1" -ge $((want[p] * 9 / 10)) ]
		[ "$1" -le $((want[p] * 11 / 10)) ]
		shift
	done
}

@test "two targets, one up, one refused, --wait 2: exit 4 at 2 s, the refused one named" {
	local port
	port=$(free_port)
	start_peer -t 10 accept sink
	t0=$(now_ms)
	run -4 --separate-stderr "$TCPDIAL" --wait 2 "127.0.0.1:$PORT" \
	    "127.0.0.1:$port"
	elapsed_ok "$t0" 2000 2500
	[ "${#stderr_lines[@]}" = 1 ]
	[[ ${stderr_lines[0]} == "tcpdial: 127.0.0.1 port $port: gave up after "*" s ("*" attempts): Connection refused" ]]
	deadline_ok "$(gave_up_ms "$stderr")" 2000
	finish_peer
	# The one that answered was not tried again.
	[ "$(report accepts)" = 1 ]
}

@test "two targets, one up, one refused, --wait 2 --any: exit 0 at once" {
	local port
	port=$(free_port)
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" -v --any --wait 2 \
	    "127.0.0.1:$port" "127.0.0.1:$PORT"
	# tcpdial's own count: the first try of each, not a pause later.
	[[ $stderr =~ connected\ to\ 127\.0\.0\.1\ port\ $PORT\ from\ [^\ ]+\ port\ [0-9]+\ in\ ([0-9]+)\ ms ]]
	[ "${BASH_REMATCH[1]}" -le 200 ]
	[[ $stderr != *"gave up"* ]]
}

@test "-- COMMAND after waiting: its status, and its PID is tcpdial's" {
	local port
	port=$(free_port)
	bg_tcpdial --wait 10 "127.0.0.1:$port" -- sh -c \
	    'echo $$ >"$0"; exit 7' "$BATS_TEST_TMPDIR/pid"
	start_peer -p "$port" -t 10 accept sink
	wait_status "$BG_PID"
	[ "$status" = 7 ]
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$BG_PID" ]
}

@test "-- COMMAND after giving up: it never runs" {
	local port
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" --wait 300ms "127.0.0.1:$port" -- \
	    touch "$BATS_TEST_TMPDIR/ran"
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "SIGTERM during the pause between tries: 143 at once" {
	local port
	port=$(free_port)
	bg_tcpdial -v -z --wait 30 --interval 10s "127.0.0.1:$port"
	wait_for "the first try" tries_failed 1
	t0=$(now_ms)
	kill -TERM "$BG_PID"
	wait_status "$BG_PID"
	[ "$status" = 143 ]
	bound_ok "$(ms_since "$t0")" 100
}

@test "SIGTERM while tries follow each other at once (--interval 0)" {
	local port
	port=$(free_port)
	bg_tcpdial -v -z --wait 0 --interval 0 "127.0.0.1:$port"
	# Past sig_hold(): the signal only counts from the first try on.
	wait_for "two tries" tries_failed 2
	t0=$(now_ms)
	kill -TERM "$BG_PID"
	# Always something ready to poll: a signal left pending never ends it.
	wait_for "tcpdial to end" gone "$BG_PID" ||
	    { kill -KILL "$BG_PID"; false; }
	wait_status "$BG_PID"
	[ "$status" = 143 ]
	bound_ok "$(ms_since "$t0")" 100
}

@test "-- COMMAND that cannot be run after waiting: 126" {
	start_peer -t 10 accept sink
	run -126 --separate-stderr "$TCPDIAL" --wait 5 "127.0.0.1:$PORT" -- \
	    "$BATS_TEST_TMPDIR"
	[[ $stderr == "tcpdial: run $BATS_TEST_TMPDIR: Permission denied" ]]
}

@test "--quiet: no line on any failure, the status unchanged" {
	local port
	port=$(free_port)
	run -4 --separate-stderr "$TCPDIAL" --quiet -z "127.0.0.1:$port"
	[ -z "$stderr" ]
	run -4 --separate-stderr "$TCPDIAL" --quiet --wait 300ms "127.0.0.1:$port"
	[ -z "$stderr" ]
	run -0 --separate-stderr "$TCPDIAL" --quiet --invert "127.0.0.1:$port"
	[ -z "$stderr" ]
	start_peer -t 10 accept close
	run -12 --separate-stderr "$TCPDIAL" --quiet --expect x "127.0.0.1:$PORT"
	[ -z "$stderr" ]
	start_peer -t 10 accept sink
	run -127 --separate-stderr "$TCPDIAL" --quiet -z "127.0.0.1:$PORT" -- \
	    /nonexistent/cmd
	[ -z "$stderr" ]
	# A usage error still speaks.
	run -2 --separate-stderr "$TCPDIAL" --quiet -w 5x 127.0.0.1 1
	[ "$stderr" = "tcpdial: -w: invalid duration: '5x'" ]
}

@test "--quiet: the command run after success keeps its stderr" {
	start_peer -t 10 accept sink
	run -0 --separate-stderr "$TCPDIAL" --quiet -z "127.0.0.1:$PORT" -- \
	    sh -c 'echo said >&2'
	[ "$stderr" = said ]
}

@test "usage errors of the waiting options, before any packet" {
	bad "--interval requires --wait" --interval 1 -z 127.0.0.1:PORT
	bad "--backoff requires --wait" --backoff -z 127.0.0.1:PORT
	bad "--expect-timeout requires --send or --expect" --expect-timeout 1 \
	    -z 127.0.0.1:PORT
	bad "--invert and --send cannot be used together" --invert --send x 127.0.0.1:PORT
	bad "--quiet and -v cannot be used together" --quiet -v 127.0.0.1:PORT
	bad "--send and -i cannot be used together" --send x -i 1 127.0.0.1:PORT
	bad "--expect and --settle cannot be used together" --expect x --settle 1 127.0.0.1:PORT
	bad "--send: invalid escape: 'a\\q'" --send 'a\q' 127.0.0.1:PORT
	bad "--expect: empty string: ''" --expect '' 127.0.0.1:PORT
	bad "--wait: invalid duration: '-1'" --wait -1 127.0.0.1:PORT
	bad "-i cannot be used with --wait and several targets" --wait 1 -i 1 \
	    127.0.0.1:PORT 127.0.0.1:PORT
	bad "--expect: longer than 1024 bytes: 'xxxxxxxxxxxxxxxxxxxx...'" \
	    --expect "$(printf 'x%.0s' $(seq 1025))" 127.0.0.1:PORT
}

# In a private network namespace: black holes and a dead resolver.

@test "a black-holed target, --wait 3: exit 5 at 3 s, each try cut at -w" {
	need_root
	make_netns
	in_ns iptables -A INPUT -p tcp --dport 10 -j DROP
	t0=$(now_ms)
	run -5 --separate-stderr in_ns "$TCPDIAL" -z -w 1 --wait 3 127.0.0.1:10
	elapsed_ok "$t0" 3000 3500
	deadline_ok "$(gave_up_ms "$stderr")" 3000
	# Tries at 0, 1.25 and 2.5 s, the last one cut by the deadline.
	[[ $stderr == "tcpdial: 127.0.0.1 port 10: gave up after "*" s (3 attempts): Connection timed out" ]]
}

@test "a black-holed target, --wait 3 --backoff: exit 5 at 3 s" {
	need_root
	make_netns
	in_ns iptables -A INPUT -p tcp --dport 10 -j DROP
	t0=$(now_ms)
	run -5 --separate-stderr in_ns "$TCPDIAL" -z --backoff --wait 3 \
	    127.0.0.1:10
	elapsed_ok "$t0" 3000 3500
	deadline_ok "$(gave_up_ms "$stderr")" 3000
	[[ $stderr == *" s (2 attempts): Connection timed out" ]]
}

@test "a dead resolver, --wait 3: exit 3 at 3 s, each lookup tried afresh" {
	dead_resolver
	t0=$(now_ms)
	run -3 --separate-stderr in_ns "$TCPDIAL" -z -w 1 --wait 3 \
	    nosuchhost.example:80
	elapsed_ok "$t0" 3000 3500
	deadline_ok "$(gave_up_ms "$stderr")" 3000
	[[ $stderr == "tcpdial: nosuchhost.example port 80: gave up after "*" s (3 attempts): timed out" ]]
}

@test "a name that appears in /etc/hosts: success within an interval" {
	local t1
	need_root
	make_netns
	# The resolver's server refuses at once: a missing name fails fast.
	mkdir -p "/etc/netns/$NS"
	echo 'nameserver 127.0.0.1' >"/etc/netns/$NS/resolv.conf"
	PEER_NS=$NS start_peer -t 10 accept sink
	: >"$BATS_TEST_TMPDIR/hosts"
	ERR=$BATS_TEST_TMPDIR/err
	T0=$(now_ms)
	with_hosts "$BATS_TEST_TMPDIR/hosts" "$TCPDIAL" -v -z --wait 10 \
	    "late.test:$PORT" </dev/null 2>"$ERR" 3>&- &
	BG_PID=$!
	wait_for "four tries" tries_failed 4
	echo "127.0.0.1 late.test" >>"$BATS_TEST_TMPDIR/hosts"
	t1=$(now_ms)
	wait_status "$BG_PID"
	[ "$status" = 0 ]
	bound_ok "$(ms_since "$t1")" 250
	grep -q '^tcpdial: resolved late.test in' "$ERR"
}
