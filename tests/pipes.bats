#!/usr/bin/env bats
# The pipe-size trial (pipetrial.c, buf_zero.c): stdin's and stdout's
# pipes grown to 1 MiB on trial in a long transfer, given back when the
# grown pipe ran slower, left as they came when the writer takes
# tcpdial's CPU; every byte arrives whatever the trial decides.  (The
# give-back against a writer that keeps the pipe full is netns.bats's.)

load helpers

# traced_upload N: N bytes of the peer's stream through cat, as in a
# user's pipeline, to tcpdial under strace_bin -e trace=fcntl, stdout to
# /dev/null, against the peer at $PORT.  Skips where no pipe may grow to
# 1 MiB.
traced_upload() {
	[ "$(cat /proc/sys/fs/pipe-max-size)" -ge 1048576 ] ||
	    skip "pipe-max-size is under 1 MiB"
	export -f strace_bin
	run -0 --separate-stderr bash -c 'set -o pipefail
	    "$PEER" gen "$1" | cat | strace_bin -e trace=fcntl \
	    "$TCPDIAL_BIN" 127.0.0.1 "$2" >/dev/null' _ "$1" "$PORT"
	[ -z "$stderr" ]
}

# traced_download N [STRACE_ARG...]: N bytes that the peer at $PORT
# sends, through tcpdial under strace_bin -e trace=fcntl and the extra
# arguments, into a pipe to sha: their sum in $output.  Skips where no
# pipe may grow to 1 MiB.
traced_download() {
	[ "$(cat /proc/sys/fs/pipe-max-size)" -ge 1048576 ] ||
	    skip "pipe-max-size is under 1 MiB"
	export -f strace_bin
	run -0 --separate-stderr bash -c 'port=$1; shift
	    set -o pipefail; strace_bin -e trace=fcntl "$@" "$TCPDIAL_BIN" \
	    127.0.0.1 "$port" </dev/null | sha' _ "$PORT" "${@:2}"
	[ -z "$stderr" ]
}

# grow_call FD: from strace.log of a first run, K = the number of the
# fcntl(2) call that grew fd FD's pipe to 1 MiB, SIZE = its size before.
# Skips where this user's pipe pages are spent and no pipe grows.
grow_call() {
	local log=$BATS_TEST_TMPDIR/strace.log
	if grep -Eq "fcntl\\($1, F_SETPIPE_SZ, 1048576\\) += -1 EPERM" "$log"; then
		skip "this user's pipe pages are spent: no pipe grows"
	fi
	K=$(grep -n "fcntl($1, F_SETPIPE_SZ, 1048576" "$log" | cut -d: -f1)
	SIZE=$(sed -n "s/.*fcntl($1, F_GETPIPE_SZ) *= \\([0-9]*\\).*/\\1/p" \
	    "$log" | head -n 1)
	[ -n "$K" ] && [ -n "$SIZE" ]
}

# given_back FD: strace.log shows fd FD's grow held (DELAYED) and the
# pipe given its SIZE back.
given_back() {
	local log=$BATS_TEST_TMPDIR/strace.log
	grep -q "fcntl($1, F_SETPIPE_SZ, 1048576) .*(DELAYED)" "$log" &&
	    grep -Eq "fcntl\\($1, F_SETPIPE_SZ, $SIZE\\) += $SIZE" "$log"
}


@test "a long upload from a pipe tries stdin's pipe grown: every byte arrives" {
	# Past the trial's warm-up and its first window (pipetrial.c), stdin's
	# pipe is grown to 1 MiB; which size it keeps depends on the
	# machine's speed.  A user past pipe-user-pages-soft gets EPERM: the
	# trial was still made.
	local n=$((160 << 20))
	start_peer -t 120 accept sink
	traced_upload "$n"
	finish_peer
	[ "$(report received)" = "$n" ]
	[ "$(report received_sha256)" = "$("$PEER" gen "$n" | sha)" ]
	grep -Eq 'fcntl\(0, F_SETPIPE_SZ, 1048576\) += (1048576|-1 EPERM)' \
	    "$BATS_TEST_TMPDIR/strace.log"
}

@test "a grown stdin pipe that ran slower is given back: every byte arrives" {
	local n=$((160 << 20)) t=$BATS_TEST_TMPDIR K SIZE
	# A first run finds which of tcpdial's fcntl(2) calls grows the pipe.
	start_peer -t 120 accept sink
	traced_upload "$n"
	finish_peer
	grow_call 0
	# The second run holds that call 4 s: the grown window's rate falls
	# far below the first's, and the pipe goes back.  strace stops
	# tcpdial at each call, and a writer left running refills the pipe
	# between its last move and its resize; this one, paused once all is
	# written, lets every try after it succeed (netns.bats has a writer
	# that keeps the pipe full).
	start_peer -t 120 accept sink
	mkfifo "$t/end"
	export -f strace_bin
	bash -c '{ echo "$BASHPID" >"$2.writer"; "$PEER" gen "$1"
	      read -r _ <"$2"; } |
	    { echo "$BASHPID" >"$2.pid"; strace_bin -e trace=fcntl \
	      -e inject=fcntl:delay_exit=4000000:when="$3" "$TCPDIAL_BIN" \
	      127.0.0.1 "$4" >/dev/null; }' \
	    _ "$n" "$t/end" "$K" "$PORT" 2>"$t/stderr" 3>&- &
	job=$!
	wait_for "the pipeline's pids" test -s "$t/end.pid" -a -s "$t/end.writer"
	STOPPED_PIDS="$(cat "$t/end.pid") $(cat "$t/end.writer")"
	# All acknowledged: tcpdial has moved the last byte, and tried the
	# resize after it.
	while_alive "$(cat "$t/end.pid")" acked_over "$PORT" "$n"
	echo >"$t/end"
	wait_status "$job"
	STOPPED_PIDS=
	[ "$status" = 0 ]
	[ ! -s "$t/stderr" ]
	finish_peer
	[ "$(report received)" = "$n" ]
	[ "$(report received_sha256)" = "$("$PEER" gen "$n" | sha)" ]
	given_back 0
}

# pinned_upload WRITER: bash code WRITER, its stdout a pipe to tcpdial,
# both on this shell's first CPU, as in a benchmark's pinned pipeline;
# the peer at $PORT reads on the second.  In WRITER, $T is the test's
# directory, where "end" is a fifo.  Sets job, pid (tcpdial's) and
# STOPPED_PIDS; small, stdin's pipe as it comes.  Skips where no pipe
# may grow to 1 MiB or no SCHED_FIFO is to be had.  With TD_FIFO=PRIO,
# tcpdial runs SCHED_FIFO at PRIO.
pinned_upload() {
	local t=$BATS_TEST_TMPDIR cpu other
	[ "$(cat /proc/sys/fs/pipe-max-size)" -ge 1048576 ] ||
	    skip "pipe-max-size is under 1 MiB"
	chrt -f 1 true 2>/dev/null || skip "no SCHED_FIFO to be had"
	small=$(: | "$PEER" pipesize /dev/stdin)
	small=${small% *}
	cpu=$(cpu_list | head -n 1)
	other=$(cpu_list | sed -n 2p)
	[ -z "$other" ] || taskset -pc "$other" "$PEER_PID" >/dev/null
	mkfifo "$t/end"
	T=$t taskset -c "$cpu" bash -c '{ echo "$BASHPID" >"$T/writer"
	      eval "$1"; } |
	    { echo "$BASHPID" >"$T/tcpdial"
	      exec ${TD_FIFO:+chrt -f "$TD_FIFO"} "$TCPDIAL_BIN" \
	          127.0.0.1 "$2" >/dev/null; }' \
	    _ "$1" "$PORT" 2>"$t/stderr" 3>&- &
	job=$!
	wait_for "the pipeline's pids" test -s "$t/tcpdial" -a -s "$t/writer"
	pid=$(cat "$t/tcpdial")
	STOPPED_PIDS="$pid $(cat "$t/writer")"
}

# pinned_end N: lets pinned_upload's writer end, and checks tcpdial's
# exit and the peer's N bytes of vgen.
pinned_end() {
	echo >"$BATS_TEST_TMPDIR/end"
	wait_status "$job"
	STOPPED_PIDS=
	[ "$status" = 0 ]
	[ ! -s "$BATS_TEST_TMPDIR/stderr" ]
	finish_peer
	[ "$(report received)" = "$1" ]
	[ "$(report received_sha256)" = "$("$PEER" vgen "$1" | sha)" ]
}

@test "a writer that takes tcpdial's CPU as its pipe has room: stdin's pipe stays as it came" {
	# Each move aside would wake such a writer, and it would fill a grown
	# pipe again before the resize: a grown pipe could never go back, so
	# it is not grown.  The writer runs SCHED_FIFO: a plain writer takes
	# the CPU at some wake-ups and not at others (the scheduler's choice),
	# and when it had not refilled at the look, the trial timed the grown
	# pipe no slower here and kept it (1 run in 4 here, every run in CI).
	local n=$((240 << 20)) small pid
	start_peer -t 120 accept sink
	pinned_upload 'chrt -f 1 "$PEER" vgen '"$n"'; read -r _ <"$T/end"'
	# Inside the window a grown pipe would be timed in (80 MiB to 144):
	# never grown.  At the end, past the 64 MiB of tries to give a grown
	# pipe back (144 MiB to 208), and before the next look (400 MiB):
	# still as it came.
	while_alive "$pid" acked_over "$PORT" $((96 << 20))
	pipe_size_is "$pid" "$small"
	while_alive "$pid" acked_over "$PORT" "$n"
	pipe_is "$pid" "$small" 0
	pinned_end "$n"
}

@test "a writer that took tcpdial's CPU is looked at again: now that it does not, the pipe grows" {
	# The look after 80 MiB finds the writer SCHED_FIFO.  The trial
	# starts again 256 MiB on, as after a give-back: a window of the pipe
	# as it came (336 MiB to 400), then the next look.  By then the
	# writer runs SCHED_BATCH, which never preempts on wake-up (and, unlike
	# SCHED_IDLE, keeps its share beside a CPU hog): the pipe grows.  The
	# writer pauses at 416 MiB, inside the grown window.
	# The writer also pauses at 128 MiB, between the two looks, so that
	# the pipe as it came is seen there however slowly this shell runs.
	# tcpdial runs SCHED_FIFO, under the writer's first priority, so
	# that only the writer can switch it out: on a loaded machine, other
	# processes waking on its CPU could make the second look see a
	# writer that refills (b728cf6).
	local n=$((424 << 20)) small pid
	start_peer -t 120 accept sink
	mkfifo "$BATS_TEST_TMPDIR/go"
	TD_FIFO=1 pinned_upload 'chrt -f 2 "$PEER" vgen $((128 << 20))
	    : >"$T/between"; read -r _ <"$T/go"
	    chrt -f 2 "$PEER" vgen $((176 << 20))
	    chrt -b 0 "$PEER" vgen $((112 << 20)); : >"$T/paused"
	    read -r _ <"$T/end"; "$PEER" vgen $((8 << 20))'
	while_alive "$pid" test -e "$BATS_TEST_TMPDIR/between"
	while_alive "$pid" drained "$pid"
	pipe_is "$pid" "$small" 0
	echo >"$BATS_TEST_TMPDIR/go"
	while_alive "$pid" test -e "$BATS_TEST_TMPDIR/paused"
	while_alive "$pid" drained "$pid"
	pipe_is "$pid" 1048576 0
	pinned_end "$n"
}

@test "a short download leaves stdout's pipe as it came" {
	# Under the trial's 16 MiB warm-up: no window, no resize.
	local n=$((4 << 20))
	start_peer -t 60 accept send "$n" close
	traced_download "$n"
	finish_peer
	[ "$output" = "$(report sent_sha256)" ]
	! grep -q 'fcntl(1, F_SETPIPE_SZ' "$BATS_TEST_TMPDIR/strace.log"
}

@test "a long download into a pipe tries stdout's pipe grown: every byte arrives" {
	local n=$((160 << 20))
	start_peer -t 120 accept send "$n" close
	traced_download "$n"
	finish_peer
	[ "$(report sent)" = "$n" ]
	[ "$output" = "$(report sent_sha256)" ]
	grep -Eq 'fcntl\(1, F_SETPIPE_SZ, 1048576\) += (1048576|-1 EPERM)' \
	    "$BATS_TEST_TMPDIR/strace.log"
}

@test "a grown stdout pipe that ran slower is given back: every byte arrives" {
	local n=$((240 << 20)) K SIZE
	# A first run finds which of tcpdial's fcntl(2) calls grows the pipe.
	start_peer -t 120 accept send "$n" close
	traced_download "$n"
	finish_peer
	grow_call 1
	# The second run holds that call 4 s: the grown window's rate falls
	# far below the first's, and the pipe goes back.
	start_peer -t 120 accept send "$n" close
	traced_download "$n" -e inject=fcntl:delay_exit=4000000:when="$K"
	finish_peer
	[ "$(report sent)" = "$n" ]
	[ "$output" = "$(report sent_sha256)" ]
	given_back 1
}
