#!/usr/bin/env bash
# Runs the main job on this machine: a local fleet on 127.0.0.1 in one process — main signaling (:7070), two visitor
# signaling nodes (:7071, :7072) and three bridges (core, vb1, vb2; control API :8080-8082, media :10000-10002/udp).
# Open the printed URL in three tabs: the first two join as participants, the third is redirected to a visitor node.
# Extra flags go to the fleet (e.g. --max-participants 5 --bridges 4); see `dotnet run --project Fleet -- --help`.
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet run -c Release --project Fleet -- "$@"
