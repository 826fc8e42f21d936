# Shared by every .bats file: the binary under test ($TCPDIAL), the test
# peer ($PEER), and bounded waits.  Files go in $BATS_TEST_TMPDIR only.

bats_require_minimum_version 1.5.0

: "${TCPDIAL:?TCPDIAL must name the tcpdial binary}"
: "${PEER:?PEER must name the test peer}"

# How long any wait may take before the test fails instead of hanging.
WAIT_MS=${WAIT_MS:-10000}

now_ms() {
	local ns
	ns=$(date +%s%N)
	echo $((ns / 1000000))
}

# wait_for DESC CMD...: run CMD every 20 ms until it succeeds; fail after
# WAIT_MS.
wait_for() {
	local desc=$1 deadline
	shift
	deadline=$(($(now_ms) + WAIT_MS))
	until "$@"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			echo "timed out waiting for $desc" >&2
			return 1
		fi
		sleep 0.02
	done
}

# while_alive PID CMD...: run CMD every 20 ms until it succeeds; fail
# once PID has exited.  (A hang is bounded by tests/bats-bounded.)
while_alive() {
	local pid=$1
	shift
	until "$@"; do
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.02
	done
}

# pipe_is PID SIZE HELD: the pipe on PID's stdin has SIZE bytes of room
# and holds HELD bytes.
pipe_is() {
	[ "$("$PEER" pipesize "/proc/$1/fd/0")" = "$2 $3" ]
}

# pipe_size_is PID SIZE: the pipe on PID's stdin has SIZE bytes of room,
# whatever it holds.
pipe_size_is() {
	[[ $("$PEER" pipesize "/proc/$1/fd/0") == "$2 "* ]]
}

# cpu_list: the CPUs this shell may run on, one a line.
cpu_list() {
	local r
	for r in $(taskset -pc $$ | sed 's/.*: //; s/,/ /g'); do
		seq "${r%-*}" "${r#*-}"
	done
}

# drained PID: the pipe on PID's stdin holds nothing.
drained() {
	[[ $("$PEER" pipesize "/proc/$1/fd/0") == *" 0" ]]
}

port_ready() {
	grep -qx '[0-9][0-9]*' "$1" 2>/dev/null
}

# start_peer [peer options] ACTION...: start $PEER in the background and
# read back its port.  Sets PORT, PEER_PID and REPORT.  Extra environment:
# PEER_NS runs it inside that network namespace.
start_peer() {
	peer_n=$((${peer_n:-0} + 1))
	REPORT=$BATS_TEST_TMPDIR/report.$peer_n
	local portfile=$BATS_TEST_TMPDIR/port.$peer_n
	local -a ns=()
	[ -n "${PEER_NS:-}" ] && ns=(ip netns exec "$PEER_NS")
	# fd 3 is bats' own: a peer holding it would stall the suite.
	"${ns[@]}" "$PEER" -r "$REPORT" "$@" >"$portfile" \
	    2>"$BATS_TEST_TMPDIR/peer.err.$peer_n" 3>&- &
	PEER_PID=$!
	PEER_PIDS="${PEER_PIDS:-} $PEER_PID"
	wait_for "the peer's port" port_ready "$portfile"
	PORT=$(cat "$portfile")
}

# finish_peer: wait (bounded) for the peer to end its script and write
# its report.
finish_peer() {
	wait_for "the peer's report" test -f "$REPORT"
	wait "$PEER_PID" 2>/dev/null || true
}

# report KEY: a value from the peer's report.
report() {
	sed -n "s/^$1=//p" "$REPORT"
}

# feeder KIND N FILE CMD...: CMD with the first N bytes of the peer's
# stream on stdin, from a regular file FILE (made here if missing:
# tcpdial sends it with sendfile), a socket (copy) or a pipe (splice).
feeder() {
	local kind=$1 n=$2 file=$3
	shift 3
	case $kind in
	file)
		[ -f "$file" ] || "$PEER" gen "$n" >"$file"
		"$@" <"$file" ;;
	socket) "$PEER" feed "$n" "$@" ;;
	pipe) "$PEER" gen "$n" | "$@" ;;
	esac
}

# The sha256 of the first 1 GiB of the peer's stream (PEER.txt), so that
# big tests need not hash it twice: `tests/peer gen 1073741824 | sha`.
GEN_1G_SHA=8bc211d3f3d77a7615bd60165f930154429cb31adc1a1483d3612eeab4b5495b

# reject_connect IPTABLES REJECT_WITH HOST STATUS REASON: in the test's
# namespace, have IPTABLES (iptables or ip6tables) answer SYNs to port 9
# with REJECT_WITH; tcpdial -w 5 HOST 9 must exit STATUS and print the
# connect line with REASON.
reject_connect() {
	in_ns "$1" -A OUTPUT -p tcp --dport 9 -j REJECT --reject-with "$2"
	run -"$4" --separate-stderr in_ns "$TCPDIAL" -w 5 "$3" 9 </dev/null
	[ "$stderr" = "tcpdial: connect to $3 port 9: $5" ]
}

# hold_stdin: $BATS_TEST_TMPDIR/in, a fifo this shell holds open on fd 5,
# so that a tcpdial reading it sees neither data nor an end until
# release_stdin.  Start readers with 5>&- (and 3>&-), or they hold it too.
hold_stdin() {
	mkfifo "$BATS_TEST_TMPDIR/in"
	exec 5<>"$BATS_TEST_TMPDIR/in"
}

release_stdin() {
	exec 5>&-
}

# hold_peer: stop the peer before it accepts; the kernel still completes
# the connection and queues what it can, and nothing answers until
# release_peer.  (teardown kills a peer a failed test left stopped.)
hold_peer() {
	kill -STOP "$PEER_PID"
	STOPPED_PIDS=$PEER_PID
}

release_peer() {
	kill -CONT "$PEER_PID"
	STOPPED_PIDS=
}

# wait_status PID: wait for the background PID; its exit status in status.
wait_status() {
	status=0
	wait "$1" || status=$?
}

# acked PORT: bytes of ours the peer on PORT has acknowledged (ss -ti),
# seen inside the test's namespace when it made one.
acked() {
	local ns=()
	[ -n "${NS:-}" ] && ns=(ip netns exec "$NS")
	"${ns[@]}" ss -Htni state established "dport = :$1" |
	    sed -n 's/.*bytes_acked:\([0-9]*\).*/\1/p' | head -n 1
}

acked_over() {	# acked_over PORT N
	[ "$(acked "$1")" -gt "$2" ] 2>/dev/null
}

# free_port: a TCP port nothing listens on (on 127.0.0.1).
free_port() {
	"$PEER" freeport
}

# sha: the sha256 of stdin, in hex.  openssl uses the CPU's SHA
# instructions, several times faster than sha256sum on big tests.
# Instrumented runs (INSTRUMENTED=1: valgrind around tcpdial, or a
# sanitizer build) start slower and carry memory of their own.  There,
# timing bounds add the measured start-up time of the instrumented binary,
# and memory bounds apply to growth over its own idle footprint.  The plain
# run (the README's command) checks the absolute bounds.
instrument_cost() {	# instrument_cost: sets START_SLACK_MS and IDLE_RSS_KIB
	START_SLACK_MS=0 IDLE_RSS_KIB=0
	[ -n "${INSTRUMENTED:-}" ] || return 0
	local cache=${BATS_RUN_TMPDIR:-/tmp}/instrument-cost t0 t1
	if [ ! -s "$cache" ]; then
		t0=$(now_ms)
		"$TCPDIAL" --version >/dev/null 2>&1
		t1=$(now_ms)
		/usr/bin/time -f %M -o "$cache.rss" "$TCPDIAL" --help \
		    >/dev/null 2>&1
		# Twice the measured start-up: it varies from run to run.
		echo "$((2 * (t1 - t0))) $(tail -n 1 "$cache.rss")" >"$cache"
	fi
	read -r START_SLACK_MS IDLE_RSS_KIB <"$cache"
}

# Scheduling on a loaded machine: bash, the pipeline and tcpdial are
# forked and exec'd inside the measured time, and a 2-core machine with
# a CPU hog beside the suite took 30 ms more than a 300 ms margin there.
# Instrumented runs are 3x slower, and their jitter grows with them (an
# ASan run beside a second CI run overran -m 1's bound of 1.3 s + 0.2 s):
# they get 1 s, since they check memory, not timing precision.
if [ -n "${INSTRUMENTED:-}" ]; then
	SCHED_SLACK_MS=${SCHED_SLACK_MS:-1000}
else
	SCHED_SLACK_MS=${SCHED_SLACK_MS:-200}
fi

# elapsed_ok T0 MIN_MS MAX_MS: the time since T0 is within the bounds
# (MAX_MS plus the scheduling slack and an instrumented start-up).
elapsed_ok() {
	local took=$(($(now_ms) - $1))
	instrument_cost
	echo "took $took ms (bound $2..$3 ms + start-up $START_SLACK_MS ms" \
	    "+ scheduling $SCHED_SLACK_MS ms)" >&3
	[ "$took" -ge "$2" ] &&
	    [ "$took" -le $(($3 + START_SLACK_MS + SCHED_SLACK_MS)) ]
}

# after_start MS: MS milliseconds plus an instrumented build's start-up
# (a signal before tcpdial's main() would find nothing to close), in
# seconds for timeout(1).
after_start() {
	instrument_cost
	local ms=$(($1 + START_SLACK_MS))
	printf '%d.%03d\n' $((ms / 1000)) $((ms % 1000))
}

# rss_ok KIB LIMIT_KIB: a peak RSS is within the limit.
rss_ok() {
	instrument_cost
	echo "peak RSS $1 KiB (limit $2 KiB + idle $IDLE_RSS_KIB KiB)" >&3
	[ "$1" -lt $(($2 + IDLE_RSS_KIB)) ]
}

sha() {
	openssl dgst -sha256 -r | cut -c1-64
}
export -f sha

# asan_build: whether $TCPDIAL_BIN is the sanitizer build.  No pipe into
# grep -q: under pipefail, its early exit would fail ldd with SIGPIPE and
# the answer with it.
asan_build() {
	case $(ldd "$TCPDIAL_BIN") in
	*libasan*) return 0 ;;
	esac
	return 1
}
export -f asan_build

# strace_bin ARG...: the binary itself ($TCPDIAL_BIN, not a valgrind
# wrapper) under strace, its trace in $BATS_TEST_TMPDIR/strace.log.
strace_bin() {
	strace_env
	strace -f -qq -o "$BATS_TEST_TMPDIR/strace.log" "$@"
}

# strace_env: LeakSanitizer cannot run under ptrace; an ASan build under
# strace checks all but leaks.
strace_env() {
	if asan_build; then
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	fi
}
# strace_bin runs in the bash -c of some tests too.
export -f strace_env

# stdout_stalled PID: tcpdial PID waits for stdout to take bytes and
# no longer reads the connection (its buffer for stdout is full), as
# strace sees the relay's ppoll(2): the socket's slot off, stdout's on.
stdout_stalled() {
	timeout 0.5 strace -qq -p "$1" -e trace=ppoll 2>&1 |
	    grep -q '{fd=-1}, {fd=1, events=POLLOUT}'
}

# A private network namespace for this test (root only); removed by
# teardown.
make_netns() {
	NS=tdtest-$$-$BATS_TEST_NUMBER
	ip netns add "$NS"
	ip netns exec "$NS" ip link set lo up
}

# in_ns CMD...: run CMD inside this test's namespace (make_netns).
in_ns() {
	ip netns exec "$NS" "$@"
}

need_root() {
	if [ "$(id -u)" != 0 ]; then
		[ -n "${CI:-}" ] && { echo "CI must run as root" >&2; return 1; }
		skip "needs root (network namespaces and iptables)"
	fi
}

teardown() {
	local p
	for p in ${PEER_PIDS:-}; do
		kill "$p" 2>/dev/null || true
	done
	# A process a failed test left stopped takes SIGKILL only.
	for p in ${STOPPED_PIDS:-}; do
		kill -KILL "$p" 2>/dev/null || true
	done
	[ -n "${NS:-}" ] && rm -rf "/etc/netns/$NS" &&
	    ip netns del "$NS" 2>/dev/null
	return 0
}

# polling PID: PID sleeps in poll(2) or ppoll(2), its turn done (a
# kernel that hides wchan shows 0: then any sleep counts).
polling() {
	local w
	w=$(cat "/proc/$1/wchan" 2>/dev/null) || return 1
	[[ $w == *poll* ]] ||
	    { [ "$w" = 0 ] && [ "$(awk '{ print $3 }' "/proc/$1/stat")" = S ]; }
}

# in_state STATE PORT: our side of a connection to PORT is in TCP state
# STATE (ss(8) names: last-ack, fin-wait-2, ...), in the test's namespace
# when it made one.
in_state() {
	local ns=()
	[ -n "${NS:-}" ] && ns=(ip netns exec "$NS")
	[ -n "$("${ns[@]}" ss -Htn state "$1" "dport = :$2")" ]
}

# recv_q PORT: bytes waiting unread in the receive queue of our
# connection to PORT (ss's Recv-Q), or nothing; recv_q_is PORT N.
recv_q() {
	local ns=()
	[ -n "${NS:-}" ] && ns=(ip netns exec "$NS")
	"${ns[@]}" ss -Htn state established "dport = :$1" | awk '{ print $1 }'
}

recv_q_is() {
	[ "$(recv_q "$1")" = "$2" ]
}

# send_full PORT: our socket to PORT takes no more data.  poll(2) calls a
# TCP socket writable only while its free send space (tb - w in ss -m) is
# at least half of what it holds queued (w); with the peer's window shut,
# no ACK frees any, so the state lasts.
send_full() {
	local ns=() m
	[ -n "${NS:-}" ] && ns=(ip netns exec "$NS")
	m=$("${ns[@]}" ss -Htnm state established "dport = :$1" |
	    sed -n 's/.*,tb\([0-9]*\),.*,w\([0-9]*\),.*/\1 \2/p' | head -n 1)
	[ -n "$m" ] && set -- $m && [ $((2 * ($1 - $2))) -lt "$2" ]
}

# bad MESSAGE ARG...: a listening peer; tcpdial with ARGs (the word PORT
# becomes its port) must exit 2 and print exactly "tcpdial: MESSAGE".
# Afterwards we connect once ourselves and send one byte: if that is the
# first and only connection the peer accepted, tcpdial made none.
bad() {
	local msg=$1 arg
	local -a args=()
	shift
	start_peer -t 10 accept read 1
	for arg in "$@"; do
		args+=("${arg//PORT/$PORT}")
	done
	run -2 --separate-stderr "$TCPDIAL" "${args[@]}" </dev/null
	[ "$stderr" = "tcpdial: ${msg//PORT/$PORT}" ]
	[ -z "$output" ]
	printf M >"/dev/tcp/127.0.0.1/$PORT"
	finish_peer
	[ "$(report accepts)" = 1 ]
	[ "$(report received)" = 1 ]
}
