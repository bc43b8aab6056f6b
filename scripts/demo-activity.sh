#!/usr/bin/env bash
# Demo for scripts/run.sh: a profile for a demo child account, limits, and a little activity every few seconds as
# that child, until the helper (pid $2) exits. Every command gets its arguments as words, never a built string.
set -euo pipefail
cd "$(dirname "$0")/.."
socket=$1
helper_pid=$2
child=dots-demo-child
ctl() { node dist/cli/main.js --socket "$socket" "$@"; }

for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.2; done
id "$child" >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin "$child"
ctl profile show demo >/dev/null 2>&1 || ctl profile create demo --user "$child" >/dev/null
ctl profile set-memory-limit demo 150MB >/dev/null
ctl profile set-bandwidth-limit demo 20Mbps >/dev/null

scratch=$(mktemp -d /var/tmp/dots-demo-XXXXXX)
chown "$child" "$scratch"
trap 'rm -rf "$scratch"' EXIT
as_child() { setpriv --reuid="$child" --regid="$child" --clear-groups "$@"; }

round=0
while kill -0 "$helper_pid" 2>/dev/null; do
  round=$((round + 1))
  as_child dd if=/dev/zero of="$scratch/demo.bin" bs=1M count=16 oflag=direct status=none || true
  as_child ls -l "$scratch" >/dev/null || true
  # every fourth round, a program over the 150 MB memory limit: the kernel kills it and an alert is raised
  if [ $((round % 4)) = 0 ]; then
    as_child node -e 'const b = Buffer.alloc(200e6, 1); setTimeout(() => b, 1000)' 2>/dev/null || true
  else
    as_child node -e 'const b = Buffer.alloc(60e6, 1); setTimeout(() => b, 1000)' 2>/dev/null || true
  fi
  sleep 3
done
