#!/usr/bin/env bash
# Removes what scripts/install-system.sh installed. First the helper is stopped and everything it keeps in the kernel
# across restarts is lifted (pinned programs, links and maps under the pin dir; disk throttle groups), so no limit
# outlives the uninstall. The database and the parents' group stay unless --purge.
#
#   sudo bash scripts/uninstall-system.sh [--prefix DIR] [--bindir DIR] [--etc DIR] [--datadir DIR] [--group NAME]
#                                         [--state-dir DIR] [--socket PATH] [--pin-dir DIR] [--purge]
set -euo pipefail

prefix=/usr/lib/dots-family
bindir=/usr/bin
etc=/etc
datadir=/usr/share
group=dots-family
state_dir=/var/lib/dots-family
socket=/run/dots-family/helper.sock
pin_dir=/sys/fs/bpf/dots-family
purge=0

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --bindir) bindir=$2; shift 2 ;;
    --etc) etc=$2; shift 2 ;;
    --datadir) datadir=$2; shift 2 ;;
    --group) group=$2; shift 2 ;;
    --state-dir) state_dir=$2; shift 2 ;;
    --socket) socket=$2; shift 2 ;;
    --pin-dir) pin_dir=$2; shift 2 ;;
    --purge) purge=1; shift ;;
    -h | --help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "uninstall-system: unknown option $1" >&2; exit 2 ;;
  esac
done

say() { echo "uninstall-system: $*"; }
[ "$(id -u)" = 0 ] || { echo "uninstall-system: run as root (sudo)" >&2; exit 1; }
for dir in "$prefix" "$state_dir"; do
  case "$dir" in /?*) ;; *) echo "uninstall-system: refusing to remove '$dir'" >&2; exit 1 ;; esac
done

unit="$etc/systemd/system/dots-family-helper.service"
entry="$prefix/dist/helper/cli.js"

# 1. Stop the service. Under systemd the helper keeps its programs attached on SIGTERM (for restarts); step 3
#    detaches them.
if [ -d /run/systemd/system ] && [ -f "$unit" ] && [ "$etc" = /etc ]; then
  systemctl disable --now dots-family-helper.service || true
fi

# 2. Any helper still running from this install (started by hand, or by the app's password prompt): SIGTERM, by the
#    exact path of its entry point.
pids=$(pgrep -f -- "$entry" || true)
if [ -n "$pids" ]; then
  say "stopping the helper (pid $(echo $pids))"
  kill -TERM $pids 2>/dev/null || true
  for _ in $(seq 1 300); do
    alive=0
    for pid in $pids; do
      if [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then alive=1; fi
    done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
fi

# 3. Lift what is pinned and the disk throttle groups (also stops a helper found through its pid file).
node=$(sed -n "s/^exec '\([^']*\)'.*/\1/p" "$bindir/dots-family-helper" 2>/dev/null || true)
[ -n "$node" ] || node=$(command -v node || true)
if [ -f "$entry" ] && [ -n "$node" ]; then
  "$node" "$entry" --stop-and-detach --socket "$socket" --pin-dir "$pin_dir" | sed 's/^/uninstall-system: /'
elif [ -d "$pin_dir" ]; then
  rm -r "$pin_dir"
  say "unpinned $pin_dir"
fi

# 4. Files.
rm -f "$bindir/dots-family-helper" "$bindir/dots-family-ctl" "$bindir/dots-family"
rm -f "$unit"
[ -d /run/systemd/system ] && [ "$etc" = /etc ] && systemctl daemon-reload || true
rm -f "$datadir/polkit-1/actions/org.dots-family.helper.policy"
rm -f "$datadir/applications/dots-family.desktop" "$datadir/icons/hicolor/scalable/apps/dots-family.svg"
rm -rf "$datadir/doc/dots-family" "$prefix" "$prefix.new" "$prefix.old"
say "removed $prefix, the wrappers in $bindir, the unit, the polkit action and the desktop entry"

# 5. Data.
if [ "$purge" = 1 ]; then
  rm -rf "$state_dir"
  groupdel "$group" 2>/dev/null || true
  say "purged $state_dir and the group $group"
else
  say "kept the database in $state_dir and the group $group (remove them with --purge)"
fi
