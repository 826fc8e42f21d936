#!/bin/sh
# Print "N passed, N failed" for the tests of the last `make check`, the
# bats files and the C unit tests (each check one test), counted from the
# automake TAP driver's .trs files in directory $1 and $1/unit.
dir=${1:-tests}
results=$(cat "$dir"/*.trs "$dir"/unit/*.trs 2>/dev/null |
    grep '^:test-result:')
count() {
	printf '%s\n' "$results" | grep -cE "^:test-result: ($1)\$"
}
passed=$(count 'PASS|XFAIL')
failed=$(count 'FAIL|XPASS|ERROR')
skipped=$(count 'SKIP')
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
