#!/bin/sh
# Print "N passed, N failed" for the bats tests of the last `make check`,
# counted from the automake TAP driver's .trs files in directory $1.
dir=${1:-tests}
results=$(cat "$dir"/*.trs 2>/dev/null | grep '^:test-result:')
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
