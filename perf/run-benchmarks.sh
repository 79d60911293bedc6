#!/usr/bin/env bash
# Builds the benchmarks in Release, runs them all, exports GitHub markdown + full JSON, and fails
# unless the forward path allocates 0 bytes per operation (per 100 forwarded packets).
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
timeout --signal=INT --kill-after=30s "$limit" \
    dotnet run -c Release --no-build --project perf/Bridge.Benchmarks -- \
    --filter "${BENCH_FILTER:-*}" --artifacts "$artifacts" "$@"

report="$results/Bridge.Benchmarks.ForwardBenchmarks-report-full.json"
if [[ ! -f "$report" ]]; then
    echo "run-benchmarks: no forward report at $report (filtered out or failed)" >&2
    exit 1
fi

# One line per forward case: "<profile> <bytes allocated per op>"; a missing Memory block counts as failure.
mapfile -t allocations < <(jq -r '.Benchmarks[] | "\(.Parameters) \(.Memory.BytesAllocatedPerOperation // "missing")"' "$report")
if [[ ${#allocations[@]} -eq 0 ]]; then
    echo "run-benchmarks: forward report lists no benchmarks" >&2
    exit 1
fi
status=0
for line in "${allocations[@]}"; do
    bytes="${line##* }"
    if [[ "$bytes" != "0" ]]; then
        echo "run-benchmarks: FAIL forward path allocates: ${line% *}: $bytes B per op (budget 0 B)" >&2
        status=1
    else
        echo "run-benchmarks: ok forward path allocates 0 B per op: ${line% *}"
    fi
done
echo "run-benchmarks: reports in $results"
exit "$status"
