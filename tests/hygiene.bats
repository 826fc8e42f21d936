#!/usr/bin/env bats
# Resource hygiene: hundreds of probes in a row, graceful and abortive,
# with no failure, no descriptor or memory left behind, and no TIME_WAIT
# on our side after an abortive close.

load helpers

# The loops run the binary itself ($TCPDIAL_BIN), even in the valgrind
# run: hundreds of starts of valgrind would take too long.  Each probe is a
# fresh process, so a long loop finds no leak that one probe does not:
# leaks and descriptors are checked on a sample, under valgrind (or ASan),
# in the last test.  The peer's acceptloop ends after its count, with no
# alarm (-t 0): a slow machine makes these tests slower, never red.

# tw_count PORT: client-side TIME_WAIT entries towards PORT.
tw_count() {
	ss -Htan state time-wait "dport = :$1" | wc -l
}

@test "300 probes in a row (150 graceful, 150 abort): all exit 0" {
	start_peer -t 0 acceptloop 300
	run -0 bash -c 'for i in $(seq 150); do
		"$TCPDIAL_BIN" -z 127.0.0.1 "$1" || exit 1
		"$TCPDIAL_BIN" -z --close abort 127.0.0.1 "$1" || exit 2
	done' _ "$PORT"
	finish_peer
	[ "$(report accepts)" = 300 ]
	[ -z "$(report error)" ]
}

@test "--close abort probes leave no TIME_WAIT here; graceful ones do" {
	start_peer -t 0 acceptloop 220
	for i in $(seq 200); do
		"$TCPDIAL_BIN" -z --close abort 127.0.0.1 "$PORT"
	done
	[ "$(tw_count "$PORT")" -eq 0 ]
	# The same check sees the TIME_WAIT a graceful close leaves (we send
	# the first FIN), so it would see an abort that was not one.
	for i in $(seq 20); do
		"$TCPDIAL_BIN" -z 127.0.0.1 "$PORT"
	done
	[ "$(tw_count "$PORT")" -ge 1 ]
	finish_peer
	[ "$(report accepts)" = 220 ]
}

@test "a sample of probes under valgrind: no error, no leak, no descriptor left open" {
	start_peer -t 0 acceptloop 6
	# An ASan build (the sanitizer run) cannot run under valgrind: there
	# ASan checks the same probes for memory errors and leaks (exit 99).
	if readelf -d "$TCPDIAL_BIN" | grep -q libasan; then
		for close in graceful abort graceful abort graceful abort; do
			ASAN_OPTIONS=detect_leaks=1:exitcode=99 run -0 \
			    "$TCPDIAL_BIN" -z --close "$close" 127.0.0.1 "$PORT"
		done
		finish_peer
		[ "$(report accepts)" = 6 ]
		return
	fi
	mkdir "$BATS_TEST_TMPDIR/vg"
	for close in graceful abort graceful abort graceful abort; do
		VALGRIND_LOGS=$BATS_TEST_TMPDIR/vg TCPDIAL_BIN=$TCPDIAL_BIN \
		    "$SRCDIR/tests/valgrind-wrap" -z --close "$close" \
		    127.0.0.1 "$PORT" 3>&-
	done
	[ "$(ls "$BATS_TEST_TMPDIR/vg" | wc -l)" -eq 6 ]
	finish_peer
	[ "$(report accepts)" = 6 ]	# each probe really connected
	# At exit, no descriptor but those inherited from the parent: valgrind
	# lists each as "Open file descriptor N" or "Open AF_INET socket N"...
	run grep -h 'FILE DESCRIPTORS' "$BATS_TEST_TMPDIR"/vg/*
	[ "${#lines[@]}" -eq 6 ]
	for l in "${lines[@]}"; do
		[[ "$l" =~ FILE\ DESCRIPTORS:\ ([0-9]+)\ open\ \(3\ std\) ]]
	done
	run grep -hE '== Open ' -A1 "$BATS_TEST_TMPDIR"/vg/*
	# Not "! grep": bats' set -e ignores a negated command that is not last.
	[ -z "$(grep -v -E '== Open file descriptor|inherited from parent|^--$' \
	    <<<"$output")" ]
	! grep -qE 'Invalid|uninitialised|lost in' "$BATS_TEST_TMPDIR"/vg/*
}
