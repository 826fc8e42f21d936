#!/bin/sh
# Build the libFuzzer harnesses and run each for $FUZZ_SECONDS.
#
#   fuzz/run.sh [builddir [harness...]]
#
# builddir defaults to /tmp/fuzzbuild; the harnesses default to all five.
# Each runs on a copy of fuzz/corpus/<harness>/ kept in builddir, so the
# source tree is never written (make distcheck has it read-only).
# FUZZ_SECONDS=0 builds and replays the corpus once, without fuzzing.
# Prints one line per harness and exits 1 if any crashed, leaked, broke
# an invariant or tripped UBSan.  Crashing inputs land in
# builddir/artifacts/<harness>/, libFuzzer's log in builddir/<harness>.log.
#
# Environment: FUZZ_SECONDS (default 60), FUZZ_CC (default clang; not CC,
# which make may pass down as gcc), FUZZ_FLAGS (extra libFuzzer flags,
# e.g. -max_len=256 or -seed=1).

set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-/tmp/fuzzbuild}
[ $# -gt 0 ] && shift
harnesses=${*:-fuzz_duration fuzz_port fuzz_target fuzz_argv fuzz_json}
seconds=${FUZZ_SECONDS:-60}
cc=${FUZZ_CC:-clang}

if ! command -v "$cc" >/dev/null; then
	echo "run.sh: $cc not found (Debian: apt-get install clang" \
	    "libclang-rt-14-dev)" >&2
	exit 2
fi
mkdir -p "$build"
build=$(cd "$build" && pwd)

version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' \
    "$srcdir/configure.ac")
bsd_cflags=$(pkg-config --cflags libbsd-overlay)
bsd_libs=$(pkg-config --libs libbsd-overlay)

# Compile with the sanitizers; $san and the libbsd flags split on purpose.
# shellcheck disable=SC2086
fuzz_cc() {
	san="-fsanitize=address,undefined -fno-sanitize-recover=all"
	$cc -g -O1 -Wall -Wextra $san -D_GNU_SOURCE \
	    -DPACKAGE_NAME='"tcpdial"' -DPACKAGE_VERSION="\"${version:-0.1.0}\"" \
	    -I"$srcdir/src" $bsd_cflags "$@"
}

# The code under test: instrumented for coverage, not linked with main.
# options_parse() returns its status; it never exits.
fuzz_cc -fsanitize=fuzzer-no-link -c "$srcdir/src/parse.c" \
    -o "$build/parse.o"
fuzz_cc -fsanitize=fuzzer-no-link -c "$srcdir/src/addr.c" \
    -o "$build/addr.o"
fuzz_cc -fsanitize=fuzzer-no-link -c "$srcdir/src/options.c" \
    -o "$build/options.o"
fuzz_cc -fsanitize=fuzzer-no-link -c "$srcdir/src/target.c" \
    -o "$build/target.o"
fuzz_cc -fsanitize=fuzzer-no-link -c "$srcdir/src/usage.c" \
    -o "$build/usage.o"
fuzz_cc -fsanitize=fuzzer-no-link -c "$srcdir/src/optrules.c" \
    -o "$build/optrules.o"
fuzz_cc -fsanitize=fuzzer-no-link -c "$srcdir/src/json.c" \
    -o "$build/json.o"

status=0
for h in $harnesses; do
	case $h in
	fuzz_duration|fuzz_port) options= ;;
	fuzz_json) options="$build/json.o" ;;
	fuzz_target|fuzz_argv) options="$build/options.o $build/target.o
	    $build/usage.o $build/optrules.o" ;;
	*) echo "run.sh: unknown harness: $h" >&2; exit 2 ;;
	esac
	# shellcheck disable=SC2086
	fuzz_cc -fsanitize=fuzzer "$srcdir/fuzz/$h.c" "$build/parse.o" \
	    "$build/addr.o" $options $bsd_libs -o "$build/$h"

	# Seeds join whatever earlier runs found; cp keeps the source's
	# read-only mode, and libFuzzer must write here.
	mkdir -p "$build/corpus/$h" "$build/artifacts/$h"
	if [ -d "$srcdir/fuzz/corpus/$h" ]; then
		cp -R "$srcdir/fuzz/corpus/$h/." "$build/corpus/$h/"
	fi
	chmod -R u+w "$build/corpus/$h"
	rm -f "$build/artifacts/$h"/*

	if [ "$seconds" -eq 0 ]; then
		limit=-runs=0
	else
		limit=-max_total_time=$seconds
	fi
	rc=0
	# shellcheck disable=SC2086
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1" \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
	"$build/$h" $limit -detect_leaks=1 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$build/artifacts/$h/" ${FUZZ_FLAGS:-} \
	    "$build/corpus/$h" >"$build/$h.log" 2>&1 || rc=$?

	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/$h.log" |
	    tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$build/$h.log" |
	    tail -n 1)
	crashes=$(find "$build/artifacts/$h" -type f | wc -l)
	if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
		crashes=1
	fi
	corpus=$(find "$build/corpus/$h" -type f | wc -l)
	echo "$h: ${runs:-?} runs, ${rate:-?} runs/s, $crashes crashes," \
	    "corpus $corpus"
	if [ "$crashes" -ne 0 ]; then
		status=1
		find "$build/artifacts/$h" -type f -exec echo "  input: {}" \;
		echo "  log: $build/$h.log"
	fi
done
exit $status
