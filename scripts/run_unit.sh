#!/bin/sh
# Runs each cmocka test binary and records "passed failed skipped" in
# BUILD/results/unit.txt. Exits non-zero when any test failed or crashed.
# UNIT_SUITE=name records in BUILD/results/name.txt (logs in name/) instead,
# for a second run of the same binaries, such as make pg-unit.
set -u
build=$1
shift
suite=${UNIT_SUITE:-unit}
logs="$build/results"
[ "$suite" = unit ] || logs="$build/results/$suite"
mkdir -p "$logs"
out="$build/results/$suite.txt"
: > "$out"
status=0
for t in "$@"; do
    log="$logs/$(basename "$t").log"
    CMOCKA_MESSAGE_OUTPUT=stdout "$t" > "$log" 2>&1
    rc=$?
    passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    passed=${passed:-0}
    failed=${failed:-0}
    skipped=${skipped:-0}
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
        failed=1 # crashed or a sanitizer stopped it
    fi
    [ "$failed" -ne 0 ] && { status=1; cat "$log"; }
    echo "$(basename "$t"): $passed passed, $failed failed, $skipped skipped"
    echo "$passed $failed $skipped" >> "$out"
done
exit $status
