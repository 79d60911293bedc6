#!/usr/bin/env bash
# Prepares a signaling VM for N visitor nodes (the counterpart of Jitsi's pre-configure.sh for visitors):
#   /etc/xxlmeet/visitors/vK/signaling.env      each node's role, id, port (base + K) and main URL, K = 1..N
#   /etc/xxlmeet/main/visitor-nodes.env          the main node's list of visitor nodes (Signaling:VisitorNodes)
#   /etc/prometheus/file_sd/xxlmeet-visitors.json and xxlmeet-main.json   Prometheus file-SD targets
#   /etc/systemd/system/signaling-main.service, signaling-visitor@.service   the units (instanced per node)
#   /etc/xxlmeet/signaling.env, /etc/xxlmeet/main/signaling.env   shared and main settings, only when missing
# Idempotent: a file is rewritten only when its content changes, so a rerun with the same N changes nothing and a
# larger N adds the new nodes and updates the two lists. Files of nodes beyond a smaller N are left alone (reported).
# It writes files and prints the systemctl commands to run; it starts nothing.
#
# usage: pre-configure.sh N [--root DIR] [--dry-run] [--host HOST] [--port-base PORT]
#   N             visitor nodes, 1..64
#   --root DIR    write under DIR instead of / (tests, image builds); DIR must exist
#   --dry-run     print the plan (create / update / keep per file), write nothing
#   --host HOST   address in the nodes' public URLs and the Prometheus targets (default 127.0.0.1)
#   --port-base P the main node's port; visitor node K listens on P + K (default 7070)
set -euo pipefail

readonly max_nodes=64
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
    echo "usage: pre-configure.sh N [--root DIR] [--dry-run] [--host HOST] [--port-base PORT]   (N visitor nodes, 1..$max_nodes)" >&2
}

die() {
    echo "pre-configure.sh: $*" >&2
    usage
    exit 2
}

count=""
root=""
dry_run=0
host="127.0.0.1"
port_base="7070"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --root)
            [[ $# -ge 2 ]] || die "--root needs a directory"
            root="$2"
            shift 2
            ;;
        --host)
            [[ $# -ge 2 ]] || die "--host needs an address"
            host="$2"
            shift 2
            ;;
        --port-base)
            [[ $# -ge 2 ]] || die "--port-base needs a port"
            port_base="$2"
            shift 2
            ;;
        --dry-run)
            dry_run=1
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        -[0-9]*)
            die "N must be a positive integer, got '$1'"
            ;;
        -*)
            die "unknown option '$1'"
            ;;
        *)
            [[ -z "$count" ]] || die "N given twice ('$count' and '$1')"
            count="$1"
            shift
            ;;
    esac
done

[[ -n "$count" ]] || die "N, the number of visitor nodes, is missing"
# Digits only, and at most three of them after leading zeros, before any arithmetic can overflow.
[[ "$count" =~ ^[0-9]+$ ]] || die "N must be a positive integer, got '$count'"
digits="${count#"${count%%[!0]*}"}"
[[ -n "$digits" ]] || die "N must be a positive integer, got '$count'"
[[ ${#digits} -le 3 && "$digits" -le $max_nodes ]] || die "N must be at most $max_nodes, got '$count'"
count="$digits"
if ! [[ "$port_base" =~ ^[1-9][0-9]{0,4}$ ]] || ((port_base < 1024 || port_base + count > 65535)); then
    die "--port-base must be 1024..$((65535 - count)) for $count nodes, got '$port_base'"
fi
[[ "$host" =~ ^[A-Za-z0-9.:-]+$ ]] || die "--host must be a host name or address, got '$host'"
if [[ -n "$root" ]]; then
    [[ -d "$root" ]] || die "--root '$root' is not a directory"
    root="$(cd "$root" && pwd)"
    [[ "$root" != "/" ]] || root=""
fi

changes=0

# put PATH MODE: writes stdin to $root/PATH unless the file already holds exactly that.
put() {
    local path="$root$1" mode="$2" tmp state
    tmp="$(mktemp)"
    cat >"$tmp"
    if [[ ! -e "$path" ]]; then
        state="create"
    elif cmp -s "$tmp" "$path"; then
        state="keep"
    else
        state="update"
    fi
    if [[ "$state" != "keep" ]]; then
        changes=$((changes + 1))
        if [[ $dry_run -eq 0 ]]; then
            mkdir -p "$(dirname "$path")"
            install -m "$mode" "$tmp" "$path"
        fi
    fi
    rm -f "$tmp"
    if [[ $dry_run -eq 1 ]]; then
        echo "would $state $1"
    elif [[ "$state" != "keep" ]]; then
        echo "${state}d $1"
    fi
}

# put_once PATH MODE: like put, but never touches a file that exists (the operator edits it).
put_once() {
    if [[ -e "$root$1" ]]; then
        cat >/dev/null
        [[ $dry_run -eq 0 ]] || echo "would keep $1 (exists; never overwritten)"
    else
        put "$@"
    fi
}

etc="/etc/xxlmeet"
main_url="http://127.0.0.1:$port_base"
[[ $dry_run -eq 0 ]] || echo "plan: $count visitor nodes v1..v$count on ports $((port_base + 1))..$((port_base + count)), main node on $port_base, under ${root:-/}"

put /etc/systemd/system/signaling-main.service 0644 <"$here/systemd/signaling-main.service"
put "/etc/systemd/system/signaling-visitor@.service" 0644 <"$here/systemd/signaling-visitor@.service"
put_once "$etc/signaling.env" 0600 <"$here/config/signaling.env"
put_once "$etc/main/signaling.env" 0600 <"$here/config/signaling-main.env"

nodes_env="# The main node's visitor nodes, written by deploy/pre-configure.sh: rerunning it rewrites this file."
visitor_targets=""
for ((k = 1; k <= count; k++)); do
    port=$((port_base + k))
    put "$etc/visitors/v$k/signaling.env" 0644 <<EOF
# Visitor node v$k, written by deploy/pre-configure.sh: rerunning it rewrites this file.
# Secrets and Redis are in $etc/signaling.env; meaning of each key: docs/configuration.md.
Signaling__Role=visitor
Signaling__NodeId=v$k
Signaling__Url=http://0.0.0.0:$port
Signaling__PublicUrl=http://$host:$port
Signaling__MainUrl=$main_url
EOF
    nodes_env+=$'\n'"Signaling__VisitorNodes__$((k - 1))__Id=v$k"
    nodes_env+=$'\n'"Signaling__VisitorNodes__$((k - 1))__Url=http://$host:$port"
    visitor_targets+="${visitor_targets:+,}"$'\n'"  {\"targets\": [\"$host:$port\"], \"labels\": {\"xxlmeet_node\": \"v$k\"}}"
done
put "$etc/main/visitor-nodes.env" 0644 <<<"$nodes_env"
put /etc/prometheus/file_sd/xxlmeet-visitors.json 0644 <<<"[$visitor_targets"$'\n'"]"
put /etc/prometheus/file_sd/xxlmeet-main.json 0644 <<<"[
  {\"targets\": [\"$host:$port_base\"], \"labels\": {\"xxlmeet_node\": \"main\"}}
]"

for stale in "$root$etc"/visitors/v*; do
    [[ -d "$stale" ]] || continue
    k="${stale##*/v}"
    if [[ "$k" =~ ^[0-9]+$ ]] && ((k > count)); then
        echo "note: $etc/visitors/v$k is no longer listed; stop and disable signaling-visitor@v$k, then remove it"
    fi
done

if [[ $dry_run -eq 1 ]]; then
    echo "dry run: $changes file(s) would change"
    exit 0
fi
echo "$changes file(s) changed"
if [[ $changes -gt 0 && -z "$root" ]]; then
    echo "next: systemctl daemon-reload && systemctl enable --now signaling-main signaling-visitor@v{1..$count}"
    echo "      and reload Prometheus if it runs here (it also rereads file_sd/ on its own)"
fi
