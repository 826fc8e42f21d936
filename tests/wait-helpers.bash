# Helpers shared by wait.bats and checks.bats: tcpdial in the
# background, its tries, and its own times against the deadlines.

# bg_tcpdial ARG...: tcpdial in the background, its stderr in $ERR; sets
# BG_PID and T0 (just before it started).
bg_tcpdial() {
	ERR=$BATS_TEST_TMPDIR/err
	T0=$(now_ms)
	"$TCPDIAL" "$@" </dev/null 2>"$ERR" 3>&- &
	BG_PID=$!
}

# tries_failed N: tcpdial's -v has said that try N failed.
tries_failed() {
	grep -q "attempt $1 failed" "$ERR"
}

# gone PID: the process has ended (a zombie counts: it ran its course).
gone() {
	! kill -0 "$1" 2>/dev/null ||
	    [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# ms_since T: the milliseconds since T.
ms_since() {
	echo $(($(now_ms) - $1))
}

# gave_up_ms LINE: tcpdial's own time of giving up, in LINE's "gave up
# after S.mmm s", in ms.
gave_up_ms() {
	[[ $1 =~ gave\ up\ after\ ([0-9]+)\.([0-9]{3})\ s ]] &&
	    echo $((BASH_REMATCH[1] * 1000 + 10#${BASH_REMATCH[2]}))
}

# deadline_ok MS D: tcpdial's own figure MS (not process start-up, nor
# the namespace's set-up) is D or at most 50 ms past it (SPEC 8), plus
# the scheduling slack of a loaded machine.
deadline_ok() {
	echo "tcpdial says $1 ms (deadline $2 ms, + 50 ms + $SCHED_SLACK_MS ms)" >&3
	[ "$1" -ge "$2" ] && [ "$1" -le $(($2 + 50 + SCHED_SLACK_MS)) ]
}

# bound_ok MS MAX: MS is at most MAX plus the slack elapsed_ok allows.
bound_ok() {
	instrument_cost
	echo "took $1 ms (bound $2 ms + start-up $START_SLACK_MS ms" \
	    "+ scheduling $SCHED_SLACK_MS ms)" >&3
	[ "$1" -le $(($2 + START_SLACK_MS + SCHED_SLACK_MS)) ]
}
