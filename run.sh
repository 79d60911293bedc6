#!/usr/bin/env bash
# Runs the main job on this machine: a local fleet of bridges in a relay tree on 127.0.0.1, with
# their demo pages. Open the printed "Publish" URL in one tab and the "Watch" URL in another.
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet run -c Release --project Bridge -- --local-fleet "${BRIDGES:-4}" "${API_PORT:-8080}" "${MEDIA_PORT:-10000}"
