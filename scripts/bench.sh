#!/usr/bin/env bash
# npm run bench [-- options]: installs the benchmark tools from Debian when missing, builds the BPF objects when
# absent, compiles the helper and runs test/bench/main.ts (see --help). Needs root, except for --micro and --help.
set -euo pipefail
cd "$(dirname "$0")/.."

needs_root=1
for arg in "$@"; do
  case "$arg" in --micro | --help) needs_root=0 ;; esac
done

if [ "$needs_root" = 1 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench: run as root (it loads eBPF programs and runs workloads as test accounts): sudo npm run bench" >&2
    exit 1
  fi
  missing=()
  for p in sysbench fio iperf3 stress-ng bpftool; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bench: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  [ -f build/bpf/disk-io-monitor.bpf.o ] || bash bpf/build.sh
  # The helper is measured compiled, as installed; built every time so it matches the source.
  npm run --silent build:ts
fi

exec node --import tsx test/bench/main.ts "$@"
