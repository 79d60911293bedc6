#!/usr/bin/env bash
# Load harness run: builds perf/LoadHarness (Release) and the plain-UDP limit probe (perf/limit/limit.c, with gcc),
# then runs the harness once with the limit probe in the same run. Writes the Markdown report, result.json and
# the PNG charts into the output directory.
#   perf/run.sh --quick            smoke run: 200 viewers, 3 bridges, 8 s steady state (< 2 minutes)
#   perf/run.sh                    full run: 10,000 viewers, 3 bridges, 60 s steady state (< 15 minutes on 2 cores)
#   perf/run.sh [--out DIR] [--quick] [harness options...]   extra options override the defaults (docs/load-harness.md)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mode=full
out=""
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) mode=quick; shift ;;
        --out) out="$2"; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done
out="${out:-${TMPDIR:-/tmp}/loadharness-$mode}"
mkdir -p "$out"

if [[ "$mode" == quick ]]; then
    defaults=(--quick)
    limit_time=120
else
    # The per-viewer rate this 2-core machine sustains for 10,000 viewers with the viewers on the same machine
    # (perf/RESULTS.md): video 64 kbit/s at 8 fps, no audio. Override with --bitrate / --fps / --audio-pps.
    defaults=(--viewers 10000 --bridges 3 --fan-out 2 --duration 60 --ramp 100 --bitrate 64 --fps 8 --audio-pps 0 --handshakes 16)
    limit_time=900
fi

command -v gcc >/dev/null || { echo "run.sh: gcc is needed for perf/limit (apt-get install gcc)" >&2; exit 1; }
mkdir -p perf/limit/bin
gcc -O2 -Wall -Wextra -pthread -o perf/limit/bin/limit perf/limit/limit.c
dotnet build perf/LoadHarness -c Release --nologo -v quiet

start=$(date +%s)
timeout --signal=INT --kill-after=30s "$limit_time" \
    dotnet run -c Release --no-build --project perf/LoadHarness -- \
    "${defaults[@]}" --limit-binary perf/limit/bin/limit --json "$out/result.json" --charts "$out" "${args[@]}" \
    | tee "$out/report.md"
echo "run.sh: $mode run took $(( $(date +%s) - start )) s; report, result.json and charts in $out"
