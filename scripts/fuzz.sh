#!/bin/sh
# Runs each libFuzzer target for SECONDS on its committed seed corpus
# (tests/fuzz/corpus/NAME, replayed first, so old crashers are regression
# tests) plus a working corpus in BUILD/corpus/NAME, and records
# "passed failed skipped" in RESULTS (one target = one test) with a line of
# figures per target in RESULTS without .txt plus -summary.txt.
#   scripts/fuzz.sh BUILD SECONDS RESULTS NAME...
set -u
build=$1
seconds=$2
results=$3
shift 3
mkdir -p "$(dirname "$results")" "$build/artifacts" "$build/logs"
summary="${results%.txt}-summary.txt"
: > "$summary"
passed=0
failed=0
for name in "$@"; do
    bin="$build/fuzz/fuzz_$name"
    seeds="tests/fuzz/corpus/$name"
    work="$build/corpus/$name"
    log="$build/logs/$name.log"
    mkdir -p "$work" "$seeds"
    if [ ! -x "$bin" ]; then
        echo "fuzz_$name: not built: FAILED" | tee -a "$summary"
        failed=$((failed + 1))
        continue
    fi
    "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -artifact_prefix="$build/artifacts/$name-" "$work" "$seeds" > "$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    if [ "$rc" -eq 0 ]; then
        verdict=ok
        passed=$((passed + 1))
    else
        verdict="FAILED (exit $rc, see $log and $build/artifacts/$name-*)"
        failed=$((failed + 1))
        grep -m 20 -E 'ERROR|SUMMARY|property failed|^    #[0-9]' "$log"
    fi
    echo "fuzz_$name: ${seconds} s, ${execs:-0} execs, cov ${cov:-0}, ft ${ft:-0}," \
        "corpus ${corp:-0}: $verdict" | tee -a "$summary"
done
echo "$passed $failed 0" > "$results"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
