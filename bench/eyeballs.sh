#!/usr/bin/env bash
# make bench-eyeballs (root): the dual-stack connect side by side.  In a
# private network namespace, the name "dual" resolves to ::1 first and
# 127.0.0.1 second (its own /etc/hosts); SYNs to ::1 are dropped
# (ip6tables), so ::1 is a black hole; 127.0.0.1 accepts.
#
#   tcpdial -z -w 5 dual PORT      Happy Eyeballs: 127.0.0.1 after 250 ms
#   nc.openbsd -z -w 5 dual PORT   one address at a time: ::1 until -w
#
# Each is timed REPS (3) times, interleaved, wall ms from start to exit;
# every run must exit 0.  A benchmark, not a test: nothing passes or
# fails on timing.  Only the namespace's loopback is used.
set -u
: "${TCPDIAL:?}" "${PUMP:?}"
REPS=${REPS:-3}
[ "$(id -u)" = 0 ] || { echo "bench-eyeballs: needs root" >&2; exit 1; }
command -v nc.openbsd >/dev/null || { echo "no nc.openbsd" >&2; exit 1; }

ns=tdbench-$$
tmp=$(mktemp -d)
cleanup() {
	[ -n "${srv:-}" ] && kill "$srv" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns" && ip netns exec "$ns" ip link set lo up || exit 1
printf '::1 dual\n127.0.0.1 dual\n' >"$tmp/hosts"
ip netns exec "$ns" "$PUMP" serve accept >"$tmp/port" &
srv=$!
until grep -q . "$tmp/port"; do sleep 0.01; done
port=$(head -n 1 "$tmp/port")
ip netns exec "$ns" ip6tables -A INPUT -p tcp --dport "$port" -j DROP ||
    exit 1

# in_ns CMD...: CMD in the namespace, with its own /etc/hosts.
in_ns() {
	ip netns exec "$ns" unshare -m sh -c \
	    'mount --bind "$0" /etc/hosts && exec "$@"' "$tmp/hosts" "$@"
}

declare -A cmd=([tcpdial]="$TCPDIAL -z -w 5 dual $port"
    [nc.openbsd]="nc.openbsd -z -w 5 dual $port")
: >"$tmp/runs"
for rep in $(seq "$REPS"); do
	for name in tcpdial nc.openbsd; do
		t0=$(date +%s%N)
		if ! in_ns ${cmd[$name]} </dev/null >/dev/null 2>&1; then
			echo "error: $name rep $rep did not connect" >&2
			continue
		fi
		t1=$(date +%s%N)
		echo "$name $(((t1 - t0) / 1000000))" >>"$tmp/runs"
	done
done
echo "Dual-stack connect: \"dual\" is ::1 (black-holed) then 127.0.0.1;"
echo "-z -w 5, wall ms from start to exit, $REPS runs each:"
echo
echo "| client | ms, median | runs |"
echo "|---|---:|---|"
for name in tcpdial nc.openbsd; do
	v=$(awk -v n="$name" '$1 == n { print $2 }' "$tmp/runs" | sort -n)
	k=$(printf '%s\n' $v | grep -c .)
	m=$(printf '%s\n' $v | sed -n "$(((k + 1) / 2))p")
	echo "| $name | ${m:--} | $(echo $v) |"
done
echo
echo "$(nproc) CPUs, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
