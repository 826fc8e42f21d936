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

# free_port: a TCP port nothing listens on (on 127.0.0.1).
free_port() {
	"$PEER" freeport
}

# sha: the sha256 of stdin, in hex.  openssl uses the CPU's SHA
# instructions, several times faster than sha256sum on big tests.
sha() {
	openssl dgst -sha256 -r | cut -c1-64
}
export -f sha

# A private network namespace for this test (root only); removed by
# teardown.
make_netns() {
	NS=tdtest-$$-$BATS_TEST_NUMBER
	ip netns add "$NS"
	ip netns exec "$NS" ip link set lo up
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
	[ -n "${NS:-}" ] && ip netns del "$NS" 2>/dev/null
	return 0
}
