#!/usr/bin/env bats
# The --json report (SPEC 9, issue 12), continued from json.bats: how
# the file is written (whole or not at all, whatever FILE is), and usage
# errors found after --json was read.  Read-only mounts and full file
# systems need a private namespace (root only, as CI runs).

load helpers
load json-helpers

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
