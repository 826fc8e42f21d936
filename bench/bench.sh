#!/usr/bin/env bash
# make bench: tcpdial side by side with nc.openbsd and socat (where they are
# installed) and a splice(2) reference client, in one run, interleaved:
#
#   upload    pump gen N | CLIENT  ->  pump serve sink     (stdin pipe -> socket)
#   download  pump serve source N  ->  CLIENT | pump count (socket -> stdout pipe)
#   probe     CLIENT connects to `pump serve accept` and closes (hyperfine)
#   upfile    CLIENT < file -> pump serve sink          (sendfile for tcpdial)
#   downfile  pump serve source N -> CLIENT > file      (no pipe: copy path)
#   upcrlf    pump gen N | CLIENT -C -> pump serve sink (LF to CRLF: copy path)
#   many      tcpdial -z with MANY (100) loopback targets at once, against
#             a for loop of nc.openbsd -z and xargs -P 8 of it (hyperfine)
#
# The files live in /dev/shm (tmpfs), so no disk is measured.
# Every transfer is verified (bytes at the far end = N, client exit 0); a
# failed one is reported and left out.  Ratios are paired: tool / other in
# the same repetition (or probe round), then the median.  Only 127.0.0.1 is
# used; every transfer is bounded by TMO seconds.  This is a benchmark, not
# a test: nothing here passes or fails on timing.
#
# Environment: TCPDIAL, PUMP (set by make bench), SIZE (bytes, default 1 GiB),
# REPS (5), ROUNDS (probe rounds, 5), RUNS (probes per round, 100),
# TMO (60), CLIENTS (names to run: tcpdial splice_ref nc.openbsd socat;
# also tcpdial_base: TCPDIAL_BASE, another tcpdial build, before a change;
# tcpdial_json: tcpdial writing a --json report each run),
# FILES (1: also upfile and downfile), BENCH_TESTS (not TESTS, which
# make overrides with the suite's list; a subset of
# "up down upfile downfile upcrlf many"), MANY (targets, 100), MANY_RUNS
# (runs per round of "many", 10).
set -u
: "${TCPDIAL:?}" "${PUMP:?}"
SIZE=${SIZE:-1073741824}
REPS=${REPS:-5}
ROUNDS=${ROUNDS:-5}
RUNS=${RUNS:-100}
TMO=${TMO:-60}
FILES=${FILES:-1}
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
tmp=$(mktemp -d -p "$shm")
trap 'pkill -P $$ 2>/dev/null; rm -rf "$tmp"' EXIT

# The server on one CPU, the client and its pipe partner on the other: on
# a 2-CPU VM the scheduler's own choice makes single runs bimodal.
srv=() cli=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	srv=(taskset -c 0) cli=(taskset -c 1)
fi

declare -A up down probe crlf
add() {	# add NAME UP DOWN PROBE [CRLF] ({port} is replaced)
	up[$1]=$2 down[$1]=$3 probe[$1]=$4 crlf[$1]=${5:-}
	names+=("$1")
}
names=()
want=${CLIENTS:-tcpdial splice_ref nc.openbsd socat}
for c in $want; do
	case $c in
	tcpdial) add tcpdial "$TCPDIAL 127.0.0.1 {port}" \
	    "$TCPDIAL 127.0.0.1 {port}" "$TCPDIAL -z 127.0.0.1 {port}" \
	    "$TCPDIAL -C 127.0.0.1 {port}" ;;
	tcpdial_json) add tcpdial_json \
	    "$TCPDIAL --json $tmp/r.json 127.0.0.1 {port}" \
	    "$TCPDIAL --json $tmp/r.json 127.0.0.1 {port}" \
	    "$TCPDIAL --json $tmp/r.json -z 127.0.0.1 {port}" \
	    "$TCPDIAL --json $tmp/r.json -C 127.0.0.1 {port}" ;;
	tcpdial_base) [ -x "${TCPDIAL_BASE:-}" ] && add tcpdial_base \
	    "$TCPDIAL_BASE 127.0.0.1 {port}" "$TCPDIAL_BASE 127.0.0.1 {port}" \
	    "$TCPDIAL_BASE -z 127.0.0.1 {port}" \
	    "$TCPDIAL_BASE -C 127.0.0.1 {port}" ;;
	splice_ref) add splice_ref "$PUMP client 127.0.0.1 {port}" \
	    "$PUMP client 127.0.0.1 {port}" "$PUMP client -z 127.0.0.1 {port}" ;;
	# The pipe-size study (make bench-study): builds and pumps whose
	# stdin and stdout pipes are left alone, or grown to 256 KiB or 1 MiB.
	tcpdial_pipe_none | tcpdial_pipe_256k | tcpdial_pipe_1m) add "$c" \
	    "$STUDY/$c 127.0.0.1 {port}" "$STUDY/$c 127.0.0.1 {port}" \
	    "$STUDY/$c -z 127.0.0.1 {port}" ;;
	splice_256k) add splice_256k "env PUMP_PIPE=262144 $PUMP client 127.0.0.1 {port}" \
	    "env PUMP_PIPE=262144 $PUMP client 127.0.0.1 {port}" "" ;;
	splice_1m) add splice_1m "env PUMP_PIPE=1048576 $PUMP client 127.0.0.1 {port}" \
	    "env PUMP_PIPE=1048576 $PUMP client 127.0.0.1 {port}" "" ;;
	nc.openbsd) command -v nc.openbsd >/dev/null &&
	    add nc.openbsd "nc.openbsd -N 127.0.0.1 {port}" \
	    "nc.openbsd -N 127.0.0.1 {port}" "nc.openbsd -z 127.0.0.1 {port}" \
	    "nc.openbsd -C -N 127.0.0.1 {port}" ;;
	socat) command -v socat >/dev/null &&
	    add socat "socat -u - TCP:127.0.0.1:{port}" \
	    "socat -U - TCP:127.0.0.1:{port}" \
	    "socat -u /dev/null TCP:127.0.0.1:{port}" ;;
	esac
done

serve() {	# serve MODE...: start pump serve, set PORT and SRV_PID
	: >"$tmp/srv"
	"${srv[@]}" "$PUMP" serve "$@" >"$tmp/srv" &
	SRV_PID=$!
	until grep -q . "$tmp/srv"; do sleep 0.01; done
	PORT=$(head -n 1 "$tmp/srv")
}

now_ns() { date +%s%N; }

# run_one REP NAME TEST: one verified transfer; appends to $tmp/runs.
run_one() {
	local rep=$1 name=$2 test=$3 cmd t0 t1 rc got want=$SIZE
	if [ "$test" = upcrlf ] && [ -z "${crlf[$name]}" ]; then
		return	# no -C in this client
	fi
	if [ "$test" = up ] || [ "$test" = upfile ] || [ "$test" = upcrlf ]; then
		serve sink
		cmd=${up[$name]//\{port\}/$PORT}
		want=$SIZE
		if [ "$test" = upcrlf ]; then
			cmd=${crlf[$name]//\{port\}/$PORT}
			want=$CRLF_SIZE
		fi
		t0=$(now_ns)
		if [ "$test" != upfile ]; then
			"$PUMP" gen "$SIZE" | "${cli[@]}" /usr/bin/time -f '%U %S' \
			    -o "$tmp/cpu" timeout "$TMO" $cmd >/dev/null
		else
			"${cli[@]}" /usr/bin/time -f '%U %S' -o "$tmp/cpu" \
			    timeout "$TMO" $cmd <"$tmp/src" >/dev/null
		fi
		rc=$?
		wait "$SRV_PID"
		t1=$(now_ns)
		got=$(sed -n 's/^bytes=//p' "$tmp/srv")
	elif [ "$test" = downfile ]; then
		serve source "$SIZE"
		cmd=${down[$name]//\{port\}/$PORT}
		t0=$(now_ns)
		"${cli[@]}" /usr/bin/time -f '%U %S' -o "$tmp/cpu" \
		    timeout "$TMO" $cmd </dev/null >"$tmp/dst"
		rc=$?
		t1=$(now_ns)
		wait "$SRV_PID"
		got=$(stat -c %s "$tmp/dst")
		rm -f "$tmp/dst"
	else
		serve source "$SIZE"
		cmd=${down[$name]//\{port\}/$PORT}
		t0=$(now_ns)
		"${cli[@]}" /usr/bin/time -f '%U %S' -o "$tmp/cpu" \
		    timeout "$TMO" $cmd </dev/null | "${cli[@]}" "$PUMP" count \
		    >"$tmp/count"
		rc=${PIPESTATUS[0]}
		t1=$(now_ns)
		wait "$SRV_PID"
		got=$(cat "$tmp/count")
	fi
	if [ "$rc" -ne 0 ] || [ "$got" != "$want" ]; then
		echo "error: $name $test rep $rep: exit $rc, $got of $want bytes" >&2
		return
	fi
	echo "$rep $name $test $(((t1 - t0) / 1000)) $(awk '{ print $1 + $2 }' "$tmp/cpu")" \
	    >>"$tmp/runs"
}

echo "tcpdial bench: ${names[*]}; $SIZE bytes x $REPS reps; probes $ROUNDS x $RUNS" >&2
tests=${BENCH_TESTS:-up down upfile downfile upcrlf many}
[ "$FILES" = 1 ] || tests=$(printf '%s\n' $tests | grep -v file | tr '\n' ' ')
case " $tests " in *" upfile "*) "$PUMP" gen "$SIZE" >"$tmp/src" ;; esac
CRLF_SIZE=$("$PUMP" crlfsize "$SIZE")
for test in $(printf '%s\n' $tests | grep -vx many); do
	for rep in $(seq "$REPS"); do
		for name in "${names[@]}"; do
			run_one "$rep" "$name" "$test"
		done
	done
done

if command -v hyperfine >/dev/null; then
	serve accept
	for round in $(seq "$ROUNDS"); do
		for name in "${names[@]}"; do
			[ -n "${probe[$name]}" ] || continue
			cmd=${probe[$name]//\{port\}/$PORT}
			"${cli[@]}" hyperfine -N --warmup 10 --runs "$RUNS" \
			    --export-csv "$tmp/p.csv" "$cmd" >/dev/null 2>&1 || continue
			awk -F, -v r="$round" -v n="$name" 'NR == 2 {
			    print r, n, "probe", $4 * 1e6, 0 }' "$tmp/p.csv" \
			    >>"$tmp/runs"
		done
	done
	for name in "${names[@]}"; do
		[ -n "${probe[$name]}" ] || continue
		cmd=${probe[$name]//\{port\}/$PORT}
		"${cli[@]}" /usr/bin/time -f '%M' -o "$tmp/rss" $cmd </dev/null \
		    >/dev/null 2>&1
		echo "1 $name rss $(tail -n 1 "$tmp/rss") 0" >>"$tmp/runs"
	done
	kill "$SRV_PID"
else
	echo "hyperfine not installed: no probe figures" >&2
fi

# many: one tcpdial -z over MANY targets (all at once, in one ppoll)
# against a for loop of nc.openbsd -z (one at a time) and xargs -P 8 of
# it (8 at a time).  Every target is the same listener, whose queue holds
# them all.  Printed after the main table.
many_run() {
	local n=${MANY:-100} i targets=() name round
	local -A cmd
	serve accept
	for ((i = 0; i < n; i++)); do
		targets+=("127.0.0.1:$PORT")
	done
	printf 'for i in $(seq %d); do nc.openbsd -z 127.0.0.1 %s || exit 1; done\n' \
	    "$n" "$PORT" >"$tmp/loop.sh"
	printf 'seq %d | xargs -P 8 -I{} nc.openbsd -z 127.0.0.1 %s\n' \
	    "$n" "$PORT" >"$tmp/xargs.sh"
	cmd=([tcpdial]="$TCPDIAL -z ${targets[*]}" [nc_loop]="bash $tmp/loop.sh"
	    [nc_xargs]="bash $tmp/xargs.sh")
	: >"$tmp/many"
	for round in $(seq "$ROUNDS"); do
		for name in tcpdial nc_loop nc_xargs; do
			if ! "${cli[@]}" hyperfine -N --warmup 2 \
			    --runs "${MANY_RUNS:-10}" --export-csv "$tmp/m.csv" \
			    "${cmd[$name]}" >/dev/null 2>&1; then
				echo "error: many $name round $round failed" >&2
				continue
			fi
			awk -F, -v r="$round" -v n="$name" 'NR == 2 {
			    print r, n, $4 * 1e3 }' "$tmp/m.csv" >>"$tmp/many"
		done
	done
	"${cli[@]}" /usr/bin/time -f '%M' -o "$tmp/rss" ${cmd[tcpdial]} \
	    >/dev/null 2>&1
	kill "$SRV_PID"
	awk -v n="$n" -v rss="$(tail -n 1 "$tmp/rss")" '
	function median(a, k,    i, j, t) {
		for (i = 2; i <= k; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	{ ms[$2, $1] = $3; if ($1 > rounds) rounds = $1 }
	END {
		printf "\nMany targets: %d loopback targets probed (-z), ms per run (tcpdial peak RSS %s KiB):\n\n", n, rss
		print "| client | ms | ÷ tcpdial |"
		print "|---|---:|---:|"
		split("tcpdial nc_loop nc_xargs", c, " ")
		for (i = 1; i <= 3; i++) {
			k = q = 0
			for (r = 1; r <= rounds; r++) {
				if ((c[i], r) in ms)
					v[++k] = ms[c[i], r]
				if ((c[i], r) in ms && ("tcpdial", r) in ms)
					w[++q] = ms[c[i], r] / ms["tcpdial", r]
			}
			printf "| %s | %s | %s |\n", c[i], k ? sprintf("%.1f", median(v, k)) : "-",
			    q ? sprintf("%.2f", median(w, q)) : "-"
			delete v; delete w
		}
	}' "$tmp/many"
}
case " $tests " in
*" many "*)
	if command -v hyperfine >/dev/null && command -v nc.openbsd >/dev/null
	then
		many_run >"$tmp/many.md"
	else
		echo "hyperfine or nc.openbsd missing: no many-targets row" >&2
	fi ;;
esac

# The table: medians, and paired ratios against splice_ref and nc.openbsd.
awk -v size="$SIZE" -v order="${names[*]}" '
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# The median of arr[name, test, rep] over the repetitions that have one.
function med(arr, name, test,    r, n, v) {
	n = 0
	for (r = 1; r <= maxrep; r++)
		if ((name, test, r) in arr)
			v[++n] = arr[name, test, r]
	return n ? median(v, n) : ""
}
# Paired ratio: for throughput, other time / name time (>1: name faster);
# for the probe, name time / other time (>1: name slower).
function ratio(name, other, test,    r, n, v) {
	n = 0
	for (r = 1; r <= maxrep; r++)
		if ((name, test, r) in us && (other, test, r) in us)
			v[++n] = test == "probe" ? us[name, test, r] / us[other, test, r] : \
			    us[other, test, r] / us[name, test, r]
	return n ? sprintf("%.2f", median(v, n)) : "-"
}
function mbs(name, test,    t) {
	t = med(us, name, test)
	return t == "" ? "-" : sprintf("%.0f", size / t)
}
function cpug(name, test,    c) {
	c = med(cs, name, test)
	return c == "" ? "-" : sprintf("%.2f", c * 1073741824 / size)
}
# A table of tests (space-separated) for each client that ran the first:
# MB/s, paired ratio to nc.openbsd and CPU per GiB of each test.
function table(title, list,    t, k, i, j, c, row, hdr, sep) {
	k = split(list, t, " ")
	if (!(("tcpdial", t[1], 1) in us))
		return
	hdr = "| client |"
	sep = "|---|"
	for (j = 1; j <= k; j++) {
		hdr = hdr " " t[j] " MB/s | ÷ nc.openbsd | CPU s/GiB |"
		sep = sep "---:|---:|---:|"
	}
	print "\n" title "\n\n" hdr "\n" sep
	for (i = 1; i <= n; i++) {
		c = names[i]
		if (!((c, t[1], 1) in us))
			continue
		row = "| " c " |"
		for (j = 1; j <= k; j++)
			row = row " " mbs(c, t[j]) " | " ratio(c, "nc.openbsd", t[j]) \
			    " | " cpug(c, t[j]) " |"
		print row
	}
}
{ us[$2, $3, $1] = $4; cs[$2, $3, $1] = $5; if ($1 > maxrep) maxrep = $1 }
END {
	print "Pipes (the splice path for tcpdial):\n"
	print "| client | upload MB/s | ÷ splice_ref | ÷ nc.openbsd | upload CPU s/GiB | download MB/s | ÷ splice_ref | ÷ nc.openbsd | download CPU s/GiB | probe ms | ÷ splice_ref | ÷ nc.openbsd | probe RSS KiB |"
	print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	n = split(order, names, " ")
	for (i = 1; i <= n; i++) {
		c = names[i]
		p = med(us, c, "probe")
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c,
		    mbs(c, "up"), ratio(c, "splice_ref", "up"), ratio(c, "nc.openbsd", "up"), cpug(c, "up"),
		    mbs(c, "down"), ratio(c, "splice_ref", "down"), ratio(c, "nc.openbsd", "down"), cpug(c, "down"),
		    p == "" ? "-" : sprintf("%.2f", p / 1000), ratio(c, "splice_ref", "probe"),
		    ratio(c, "nc.openbsd", "probe"), med(us, c, "rss") == "" ? "-" : med(us, c, "rss")
	}
	table("Regular files (tcpdial: sendfile up, copy down):", "upfile downfile")
	table("-C, each bare LF sent as CRLF (pipe in; tcpdial copies; MB/s of input):", "upcrlf")
	printf "\nMedians over %d repetitions; MB/s = 10^6 bytes/s; ÷ X: paired ratio (throughput: >1 is faster than X; probe: >1 is slower than X).\n", maxrep
}' "$tmp/runs"
[ -s "$tmp/many.md" ] && cat "$tmp/many.md"
echo
echo "$(nproc) CPUs, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ); server on CPU 0, client on CPU 1 when taskset is there."
