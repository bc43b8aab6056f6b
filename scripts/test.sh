#!/usr/bin/env bash
# Installs everything (Debian packages, npm dependencies, BPF objects) and runs the whole test suite:
# type check, lint, unit, integration (real kernel, as root) and end-to-end (renderer in chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
# The suite includes a smoke run of the bench harness, so it needs the bench's tools too.
DOTS_SETUP_BENCH=1 bash scripts/setup.sh
npm run --silent typecheck
npm run --silent lint
npx vitest run
