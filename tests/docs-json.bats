#!/usr/bin/env bats
#
# The man page's JSON REPORT and the --json report agree (the team's style
# guide: docs move with code): every member a report has, in the page's
# order, the page's example, and an exit_name for every code of
# src/exitcode.h.  docs.bats checks the options.
#
# Needs: $TCPDIAL, $SRCDIR, $PEER (the test peer), mandoc and jq.

bats_require_minimum_version 1.5.0

load doc-helpers
# start_peer and finish_peer, for a report with every member.
load helpers

setup() {
	: "${TCPDIAL:?TCPDIAL must name the tcpdial binary}"
	: "${SRCDIR:?SRCDIR must name the top source directory}"
	export LC_ALL=C
	MAN=$SRCDIR/man/tcpdial.1
	T=$BATS_TEST_TMPDIR
}

# man_json_members: the members that JSON REPORT's .It Li entries name, as
# "PATH<tab>NAME" lines in the page's order.  PATH is the jq path of the
# object they belong to: "." for the section's first list (the report),
# ".targets[0]" for its second (a target), and, for a list nested in the
# entry of member M, its parent's path and ".M".  Lists of values (.It Cm)
# and tables name no members.
man_json_members() {
	man_section "JSON REPORT" | awk '
		/^\.Bl / {
			d++
			if (d == 1)
				base[d] = ++lists == 1 ? "" : ".targets[0]"
			else
				base[d] = base[d - 1] "." item[d - 1]
			next
		}
		/^\.El/ { d--; next }
		/^\.It Li [A-Za-z0-9_]+$/ {
			item[d] = $3
			print (base[d] == "" ? "." : base[d]) "\t" $3
		}'
}

# members_in_order FILE [null-ok]: for each object whose members JSON
# REPORT lists, check that the JSON text in FILE has that object (an
# array's first element) with those members in that order; with null-ok,
# the object may be null or missing instead.  Needs $T/members
# (man_json_members).
members_in_order() {
	local path bad=false
	while read -r path; do
		awk -F '\t' -v p="$path" '$1 == p { print $2 }' "$T/members" \
		    >"$T/want"
		if ! jq -r "$path"' | if type == "array" then .[0] else . end |
		    if . == null then empty else keys_unsorted[] end' "$1" \
		    >"$T/got" 2>"$T/jq.err"; then
			echo "$path in $1 is not an object: $(cat "$T/jq.err")"
			bad=true
		elif [[ ! -s $T/got && ${2:-} == null-ok ]]; then
			continue
		elif [[ ! -s $T/got ]]; then
			echo "$path in $1 is null or missing; JSON REPORT lists its members"
			bad=true
		elif ! cmp -s "$T/want" "$T/got"; then
			echo "members of $path: JSON REPORT lists $(echo $(cat "$T/want"))"
			echo "  $1 has $(echo $(cat "$T/got"))"
			bad=true
		fi
	done < <(cut -f1 "$T/members" | awk '!seen[$0]++')
	[[ $bad == false ]]
}

# json_report FILE: run tcpdial with --json FILE on a run whose report has
# every object that can be null filled in: a connection (local, remote,
# close, tcp_info) with a check (expect), to a test peer that answers.
json_report() {
	start_peer -t 10 accept read 6 say $'+PONG\r\n' sink
	run --separate-stderr "$TCPDIAL" -w 5 --send 'PING\r\n' --expect +PONG \
	    --json "$1" 127.0.0.1 "$PORT"
	finish_peer
	[[ $status -eq 0 ]] ||
	    { echo "tcpdial --json $1 ... exited $status (is --json implemented?): $stderr"; return 1; }
	[[ -s $1 ]] || { echo "tcpdial --json $1 wrote no report"; return 1; }
	jq -e 'type == "object"' "$1" >/dev/null ||
	    { echo "the report is not a JSON object: $(head -c 300 "$1")"; return 1; }
}

@test "man page: JSON REPORT names every member of a --json report, in order, and no other" {
	command -v jq >/dev/null || { echo "jq is not installed (tests/packages.txt)"; false; }
	json_report "$T/report.json"
	# Every member name anywhere in the report, nested objects' included.
	jq -r '[paths | map(strings) | last] | unique[]' "$T/report.json" \
	    >"$T/names"
	not_empty "members in the report" "$T/names"
	man_json_members >"$T/members"
	not_empty ".It Li entries in JSON REPORT" "$T/members"
	cut -f2 "$T/members" >"$T/documented"
	same_set "the --json report" "$T/names" "JSON REPORT" "$T/documented"
	# Each object the page lists the members of has them in that order.
	members_in_order "$T/report.json"
}

@test "man page: the example of JSON REPORT is JSON with the members it lists" {
	command -v jq >/dev/null || { echo "jq is not installed (tests/packages.txt)"; false; }
	man_section "JSON REPORT" | awk '
		/^\.Bd -literal/ { n++; next }
		/^\.Ed/ { if (n == 1) exit }
		n == 1' >"$T/example.json"
	not_empty "example (.Bd -literal) in JSON REPORT" "$T/example.json"
	jq -e 'type == "object"' "$T/example.json" >/dev/null 2>"$T/jq.err" ||
	    { echo "the example in JSON REPORT is no JSON object: $(cat "$T/jq.err")"; false; }
	man_json_members >"$T/members"
	not_empty ".It Li entries in JSON REPORT" "$T/members"
	members_in_order "$T/example.json" null-ok
}

@test "man page: JSON REPORT names the exit_name of every code of src/exitcode.h" {
	sed -nE 's/.*X\(TD_[A-Z0-9_]+, *([0-9]+), *"[^"]*", *"([a-z_]+)"\).*/\1 \2/p' \
	    "$SRCDIR/src/exitcode.h" >"$T/codes"
	not_empty 'X(TD_..., N, "meaning", "name") lines in src/exitcode.h' "$T/codes"
	# The table's rows: .It N Ta Cm name Ta N Ta Cm name
	man_section "JSON REPORT" | awk -F ' Ta ' '
		/^\.It .* Ta / {
			sub(/^\.It /, "")
			for (i = 1; i < NF; i += 2) {
				name = $(i + 1)
				sub(/^Cm /, "", name)
				print $i " " name
			}
		}' >"$T/rows"
	not_empty "exit_name table rows in JSON REPORT" "$T/rows"
	grep -E '^[0-9]+ ' "$T/rows" >"$T/numbered" || true
	same_set "src/exitcode.h" "$T/codes" "JSON REPORT" "$T/numbered"
	grep -qx '126, 127 command' "$T/rows" ||
	    { echo "JSON REPORT has no row for 126, 127: command"; false; }
	grep -qE '^128\+.* signal$' "$T/rows" ||
	    { echo "JSON REPORT has no row for 128+n: signal"; false; }
}
