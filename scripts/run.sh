#!/usr/bin/env bash
# Installs everything and runs the main job: checks that all five eBPF monitors attach on this kernel, then
# starts the helper in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node dist/helper/cli.js --check
