#!/bin/sh
# Print "N passed, N failed" for the tests of the last `make check`, the
# bats files and the C unit tests (each check one test), counted from the
# automake TAP driver's .trs files in directory $1 and $1/unit.  A test
# file beside them with no .trs (a run killed before it ended, or before
# it began) counts as one failed, and is named on stderr.
dir=${1:-tests}
results=$(cat "$dir"/*.trs "$dir"/unit/*.trs 2>/dev/null |
    grep '^:test-result:')
count() {
	printf '%s\n' "$results" | grep -cE "^:test-result: ($1)\$"
}
passed=$(count 'PASS|XFAIL')
failed=$(count 'FAIL|XPASS|ERROR')
skipped=$(count 'SKIP')
for f in "$dir"/*.bats "$dir"/unit/test_*.c; do
	[ -e "$f" ] && [ ! -e "${f%.*}.trs" ] || continue
	echo "no result: ${f%.*}" >&2
	failed=$((failed + 1))
done
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
