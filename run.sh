#!/usr/bin/env bash
# Runs the main job on this machine: for now one bridge on 127.0.0.1 with its demo page.
# Open the printed URL in two tabs: one publishes, the other watches.
set -euo pipefail
cd "$(dirname "$0")"
api="${BRIDGE_API_URL:-http://127.0.0.1:8080}"
echo "demo page: $api/?conference=demo   (control API, /health and /metrics on the same address)"
exec dotnet run -c Release --project Bridge -- \
  --Bridge:ApiUrl="$api" --Bridge:MediaPort="${BRIDGE_MEDIA_PORT:-10000}" --Bridge:LoopbackOnly=true "$@"
