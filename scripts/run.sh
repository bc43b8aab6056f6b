#!/usr/bin/env bash
# The main job: installs everything, checks that all five eBPF monitors attach, then runs the helper in the
# foreground with a throwaway database and socket under /tmp/dots-family-demo (an installed helper's
# /var/lib/dots-family and /run/dots-family are not touched). Unless DOTS_DEMO=0, a demo child account
# (dots-demo-child, no login shell, no home) gets a profile, limits and some activity, so the console shows live
# per-child numbers and an alert. Ctrl-C stops the helper; it detaches every program and flushes its writes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node dist/helper/cli.js --check

demo_dir=${DOTS_DEMO_DIR:-/tmp/dots-family-demo}
mkdir -p "$demo_dir"
chmod 755 "$demo_dir"
socket=$demo_dir/helper.sock

if [ "${DOTS_DEMO:-1}" != 0 ]; then
  bash scripts/demo-activity.sh "$socket" "$$" &
fi
echo "run: helper on $socket; in another terminal: DOTS_SOCKET=$socket node dist/cli/main.js status"
exec node dist/helper/cli.js --db "$demo_dir/dots.db" --socket "$socket" --console
