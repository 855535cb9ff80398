#!/bin/sh
# Fuzzes one libFuzzer target until it has used CPU_SECONDS of processor
# time (user + system), in rounds of at most ROUND wall seconds, so that a
# campaign on a shared machine is measured in the CPU time it really got
# rather than in wall time. The working corpus (BUILD/corpus/NAME) carries
# over from round to round; crashers land in BUILD/artifacts. Appends one
# line of totals to BUILD/results/campaign.txt.
#   scripts/fuzz_campaign.sh BUILD NAME CPU_SECONDS [ROUND]
set -u
build=$1
name=$2
budget=$3
round=${4:-300}
bin="$build/fuzz/fuzz_$name"
seeds="tests/fuzz/corpus/$name"
work="$build/corpus/$name"
log="$build/logs/campaign-$name.log"
cpu_file="$build/logs/campaign-$name.cpu"
mkdir -p "$work" "$seeds" "$build/artifacts" "$build/logs" "$build/results"
[ -x "$bin" ] || { echo "fuzz_$name: not built" >&2; exit 1; }
: > "$log"
cpu=0
execs=0
rounds=0
rc=0
while [ "$cpu" -lt "$budget" ]; do
    /usr/bin/time -f "%U %S" -o "$cpu_file" "$bin" -max_total_time="$round" \
        -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$build/artifacts/$name-" "$work" "$seeds" >> "$log" 2>&1
    rc=$?
    used=$(awk '{ printf "%d", $1 + $2 }' "$cpu_file")
    cpu=$((cpu + used))
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    execs=$((execs + ${n:-0}))
    rounds=$((rounds + 1))
    [ "$rc" -eq 0 ] || break
done
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
corp=$(ls "$work" | wc -l)
if [ "$rc" -eq 0 ]; then verdict=clean; else verdict="FAILED (exit $rc, see $log)"; fi
echo "fuzz_$name: ${cpu} CPU s in $rounds rounds, $execs execs, cov ${cov:-0}," \
    "ft ${ft:-0}, corpus $corp: $verdict" | tee -a "$build/results/campaign.txt"
[ "$rc" -eq 0 ]
