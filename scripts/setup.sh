#!/usr/bin/env bash
# Installs everything DOTS Family needs on a Debian machine, idempotently:
# Debian packages (BPF toolchain, test/bench tools, chromium), npm dependencies, BPF objects, TypeScript build.
set -euo pipefail
cd "$(dirname "$0")/.."

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: run as root (it installs Debian packages and loads BPF programs)" >&2
    exit 1
  fi
}

apt_packages=(
  clang llvm libbpf-dev libbpf1 bpftool          # build and load the eBPF monitors
  util-linux passwd procps iproute2 coreutils    # setpriv, useradd, ps, ss used by tests
  stress-ng                                      # activity generators in tests
  chromium fonts-dejavu-core                     # renderer end-to-end tests (playwright-core drives it)
)
[ "${DOTS_SETUP_BENCH:-0}" = 1 ] && apt_packages+=(sysbench fio iperf3)

install_debian_packages() {
  local missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_npm_packages() {
  # Electron's binary cannot be downloaded here; the app is type-checked against its types instead.
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: installing npm dependencies"
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  fi
}

need_root
install_debian_packages
install_npm_packages
npm run --silent build
