#!/usr/bin/env bash
# Builds the benchmarks in Release, runs them all, exports GitHub markdown + full JSON, and fails
# unless the forward path allocates 0 bytes per forwarded packet. Two checks:
#  1. exact: each forward case's setup measures its own thread's allocation over 300,000 forwarded
#     packets and prints "forward-thread-allocation: ... bytes=N"; every N must be 0.
#  2. BenchmarkDotNet's "Allocated" (exported JSON) must be 0 B per forwarded packet (per op / 100,
#     rounded down). It is process-wide, so the bridge's background threads (consent monitor, Kestrel
#     heartbeat: a few hundred bytes a second) show up as a few bytes per op; real per-packet
#     allocation would show as >= 100 B per op.
# Usage: perf/run-benchmarks.sh [extra BenchmarkDotNet arguments, e.g. --filter '*Forward*']
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
artifacts="$root/perf/BenchmarkDotNet.Artifacts"
results="$artifacts/results"
# The whole suite takes a few minutes on 2 cores; a hang (e.g. a stuck DTLS handshake) must not run forever.
limit="${BENCH_TIMEOUT:-20m}"

cd "$root"
rm -rf "$results"
dotnet build perf/Bridge.Benchmarks -c Release --nologo -v quiet
mkdir -p "$artifacts"
log="$artifacts/run.log"
timeout --signal=INT --kill-after=30s "$limit" \
    dotnet run -c Release --no-build --project perf/Bridge.Benchmarks -- \
    --filter "${BENCH_FILTER:-*}" --artifacts "$artifacts" "$@" 2>&1 | tee "$log"

report="$results/Bridge.Benchmarks.ForwardBenchmarks-report-full.json"
if [[ ! -f "$report" ]]; then
    echo "run-benchmarks: no forward report at $report (filtered out or failed)" >&2
    exit 1
fi

status=0
mapfile -t probes < <(grep -o 'forward-thread-allocation: .*' "$log" || true)
cases="$(jq '.Benchmarks | length' "$report")"
if [[ ${#probes[@]} -ne "$cases" || "$cases" -eq 0 ]]; then
    echo "run-benchmarks: FAIL expected $cases forward-thread-allocation lines, found ${#probes[@]}" >&2
    status=1
fi
for line in "${probes[@]}"; do
    if [[ "$line" != *" bytes=0" ]]; then
        echo "run-benchmarks: FAIL forward path allocates on its thread: $line" >&2
        status=1
    else
        echo "run-benchmarks: ok $line"
    fi
done

# "<parameters> <bytes per op>" per forward case; a missing Memory block counts as failure.
mapfile -t allocations < <(jq -r '.Benchmarks[] | "\(.Parameters) \(.Memory.BytesAllocatedPerOperation // "missing")"' "$report")
for line in "${allocations[@]}"; do
    bytes="${line##* }"
    if [[ ! "$bytes" =~ ^[0-9]+$ ]] || (( bytes / 100 != 0 )); then
        echo "run-benchmarks: FAIL BenchmarkDotNet Allocated: ${line% *}: $bytes B per op of 100 packets (budget 0 B per packet)" >&2
        status=1
    else
        echo "run-benchmarks: ok BenchmarkDotNet Allocated: ${line% *}: $bytes B per op of 100 packets = 0 B per packet (process-wide)"
    fi
done
echo "run-benchmarks: reports in $results, log in $log"
exit "$status"
