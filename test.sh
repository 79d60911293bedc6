#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine with the .NET SDK:
# installs what the tests need (Chromium for browser tests, redis-server for the federation bus), builds warnings-as-errors,
# runs every test and prints the closing line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null || need+=(redis-server)
for tool in prometheus:prometheus promtool:prometheus shellcheck:shellcheck systemd-analyze:systemd; do command -v "${tool%%:*}" >/dev/null || need+=("${tool#*:}"); done
command -v gcc >/dev/null || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

results="$(pwd)/TestResults"
rm -rf "$results"
if ! dotnet build Bridge.sln -c Release -warnaserror -nologo -v quiet; then
  echo "build failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
set +e
dotnet test Bridge.sln -c Release --no-build --nologo \
  --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@"
status=$?
set -e

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx "$results"/*/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$status" -ne 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
