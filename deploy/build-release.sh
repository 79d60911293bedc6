#!/usr/bin/env bash
# Publishes the units' binaries: self-contained linux-x64 (no .NET install needed on the VMs), Release, into
#   OUT/opt/xxlmeet/bridge/bridge         for bridge.service
#   OUT/opt/xxlmeet/signaling/signaling   for signaling-main.service and signaling-visitor@.service
# plus OUT/deploy/ (units, config templates, pre-configure.sh, Prometheus and Grafana files), ready to tar and copy.
# usage: deploy/build-release.sh [OUT]   (default: deploy/out)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/deploy/out}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

publish() {
    local project="$1" name="$2"
    rm -rf "${out:?}/opt/xxlmeet/$name"
    dotnet publish "$root/$project/$project.csproj" -c Release -r linux-x64 --self-contained true \
        -p:UseAppHost=true -p:DebugType=none -nologo -v quiet -o "$out/opt/xxlmeet/$name"
    [[ -x "$out/opt/xxlmeet/$name/$name" ]] || { echo "build-release.sh: $out/opt/xxlmeet/$name/$name was not produced" >&2; exit 1; }
}

publish Bridge bridge
publish Signaling signaling
rm -rf "${out:?}/deploy"
mkdir -p "$out/deploy"
cp -r "$root/deploy/systemd" "$root/deploy/config" "$root/deploy/prometheus" "$root/deploy/grafana" "$root/deploy/pre-configure.sh" "$out/deploy/"
echo "build-release.sh: binaries in $out/opt/xxlmeet, deployment files in $out/deploy"
echo "  install: sudo cp -r $out/opt/xxlmeet /opt/ && see docs/deployment.md"
