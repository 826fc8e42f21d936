# Helpers shared by the --json tests (json.bats, json-fail.bats,
# json-file.bats): the report's keys and shape, and jq wrappers.
# Each file loads helpers first, then this.

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

