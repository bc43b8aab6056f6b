#!/usr/bin/env bash
# Installs DOTS Family on this machine from a checkout, without electron-builder: the root helper and dots-family-ctl
# with the node_modules they load at run time and the BPF objects, wrappers in /usr/bin, the systemd unit, the polkit
# action, the docs and the parents' group; and the desktop app with its menu entry when Electron is downloaded.
# Idempotent: run it again to upgrade. The helper migrates its database itself (after a backup, see
# docs/MIGRATION.md); under systemd it is restarted and takes over the running programs, so limits have no gap.
#
#   sudo bash scripts/install-system.sh [--prefix DIR] [--bindir DIR] [--etc DIR] [--datadir DIR]
#                                       [--group NAME] [--no-build] [--no-start]
set -euo pipefail

prefix=/usr/lib/dots-family
bindir=/usr/bin
etc=/etc
datadir=/usr/share
group=dots-family
build=1
start=1

usage() {
  cat <<EOF
Usage: sudo bash scripts/install-system.sh [options]
  --prefix DIR    program files (default $prefix)
  --bindir DIR    dots-family-helper and dots-family-ctl wrappers (default $bindir)
  --etc DIR       systemd unit goes to DIR/systemd/system (default $etc)
  --datadir DIR   polkit action, desktop entry, icon, docs (default $datadir)
  --group NAME    the parents' group, created if missing (default $group)
  --no-build      install what dist/ and build/bpf already hold
  --no-start      do not enable or restart the systemd service
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --bindir) bindir=$2; shift 2 ;;
    --etc) etc=$2; shift 2 ;;
    --datadir) datadir=$2; shift 2 ;;
    --group) group=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-start) start=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-system: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

say() { echo "install-system: $*"; }
die() { echo "install-system: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (sudo): it installs a root service"
for dir in "$prefix" "$bindir" "$etc" "$datadir"; do
  case "$dir" in
    *\'* | /) die "unusable directory '$dir' (absolute, not /, no quotes)" ;;
    /*) ;;
    *) die "directories must be absolute: $dir" ;;
  esac
done
cd "$(dirname "$0")/.."
node=$(command -v node) || die "node is not installed (Node 20.19 or newer)"
"$node" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
  die "$node is Node $("$node" --version); DOTS Family needs 20.19 or newer"
for lib in libbpf.so.1 libc.so.6; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || die "$lib is missing (Debian: apt-get install libbpf1)"
done

[ -d node_modules/typescript ] || die "node_modules is missing: run npm ci (or scripts/setup.sh) first"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# --- build into a staging directory (the checkout's dist/ is left alone) ----------------------------------------
if [ "$build" = 1 ]; then
  say "building the BPF objects and the helper"
  bash bpf/build.sh
  npx --no-install tsc -p tsconfig.json --outDir "$stage/dist" --sourceMap false
else
  [ -f dist/helper/cli.js ] || die "dist/helper/cli.js is missing: build first (npm run build) or drop --no-build"
  mkdir -p "$stage/dist"
  cp -r dist/helper dist/cli dist/shared "$stage/dist/"
fi
ls build/bpf/*.bpf.o >/dev/null 2>&1 || die "no BPF objects in build/bpf (npm run build:bpf)"

# --- assemble the new tree: same layout as a checkout, so the helper finds ../../package.json and build/bpf ------
new="$prefix.new"
rm -rf "$new"
mkdir -p "$new/build/bpf" "$new/node_modules"
cp package.json "$new/"
cp -r "$stage/dist" "$new/"
find "$new/dist" -name '*.map' -delete
cp build/bpf/*.bpf.o "$new/build/bpf/"

# The packages the helper and the CLI import (read from the built code), with everything they depend on.
"$node" --input-type=module - "$new" <<'EOF'
import { cpSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
const target = process.argv[2];
const imported = new Set();
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) walk(file);
    else if (file.endsWith('.js')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'([^.'][^']*)'/g)) {
        if (!m[1].startsWith('node:')) imported.add(m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0]);
      }
    }
  }
};
for (const part of ['helper', 'cli', 'shared']) walk(path.join(target, 'dist', part));
const copied = new Set();
// The package directory that holds `dir`'s node_modules: node_modules/a/node_modules/b -> node_modules/a.
const parent = (dir) => (dir.lastIndexOf('node_modules/') <= 0 ? '.' : dir.slice(0, dir.lastIndexOf('node_modules/') - 1));
const copy = (name, from) => {
  // Node's lookup: the nearest node_modules/<name> from the requiring package up to the root.
  let dir = from;
  while (!existsSync(path.join(dir, 'node_modules', name)) && dir !== '.') dir = parent(dir);
  const source = path.join(dir, 'node_modules', name);
  if (!existsSync(source) || copied.has(source)) return;
  copied.add(source);
  cpSync(source, path.join(target, source), { recursive: true, dereference: true });
  const pkg = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8'));
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) copy(dep, source);
};
for (const name of imported) copy(name, '.');
console.log(`install-system: runtime packages: ${[...copied].map((s) => s.replace(/^node_modules\//, '')).join(' ')}`);
EOF

mkdir -p "$new/resources"
cp -r resources/icons "$new/resources/"

# --- the desktop app, when Electron's binary is here to run it ----------------------------------------------------
app=0
if [ -x node_modules/electron/dist/electron ] && [ "$build" = 1 ]; then
  say "building the desktop app"
  npx --no-install vite build --outDir "$stage/renderer" --emptyOutDir
  npx --no-install tsc -p tsconfig.electron.json --outDir "$new/dist" --sourceMap false
  cp -r "$stage/renderer" "$new/dist/renderer"
  for dep in $("$node" -p 'Object.keys(require("./package.json").dependencies).join(" ")'); do
    [ -d "$new/node_modules/$dep" ] || cp -r "node_modules/$dep" "$new/node_modules/"
  done
  cp -r node_modules/electron "$new/node_modules/"
  app=1
fi

# --- swap it in: a running helper keeps the files it has open (a native module copied over in place would crash it)
mkdir -p "$(dirname "$prefix")"
if [ -d "$prefix" ]; then mv "$prefix" "$prefix.old"; fi
mv "$new" "$prefix"
rm -rf "$prefix.old"
say "installed $prefix"

# --- wrappers: fixed paths, no lookup at run time ----------------------------------------------------------------
mkdir -p "$bindir"
wrapper() {
  cat >"$bindir/$1" <<EOF
#!/bin/sh
# Installed by DOTS Family's scripts/install-system.sh.
exec $2 "\$@"
EOF
  chmod 0755 "$bindir/$1"
}
wrapper dots-family-helper "'$node' '$prefix/dist/helper/cli.js'"
wrapper dots-family-ctl "'$node' '$prefix/dist/cli/main.js'"
if [ "$app" = 1 ]; then
  chown root:root "$prefix/node_modules/electron/dist/chrome-sandbox"
  chmod 4755 "$prefix/node_modules/electron/dist/chrome-sandbox"
  wrapper dots-family "'$prefix/node_modules/electron/dist/electron' '$prefix'"
fi
say "wrappers in $bindir"

# --- service, polkit action, desktop entry, docs -------------------------------------------------------------------
parents_flag=""
[ "$group" = dots-family ] || parents_flag=" --parents-group $group"
mkdir -p "$etc/systemd/system"
sed -e "s|^ExecStart=/usr/bin/dots-family-helper\(.*\)$|ExecStart=$bindir/dots-family-helper\1$parents_flag|" \
  resources/systemd/dots-family-helper.service >"$etc/systemd/system/dots-family-helper.service"
mkdir -p "$datadir/polkit-1/actions"
sed -e "s|>/usr/bin/dots-family-helper<|>$bindir/dots-family-helper<|" \
  resources/polkit/org.dots-family.helper.policy >"$datadir/polkit-1/actions/org.dots-family.helper.policy"
mkdir -p "$datadir/doc/dots-family"
cp docs/*.md "$datadir/doc/dots-family/" 2>/dev/null || true
if [ "$app" = 1 ]; then
  mkdir -p "$datadir/applications" "$datadir/icons/hicolor/scalable/apps"
  sed -e "s|^Exec=dots-family|Exec=$bindir/dots-family|" resources/dots-family.desktop >"$datadir/applications/dots-family.desktop"
  cp resources/icons/app.svg "$datadir/icons/hicolor/scalable/apps/dots-family.svg"
else
  say "desktop app not installed: Electron's binary is not downloaded here (node_modules/electron/dist)"
fi

groupadd -f "$group"
say "parents' group: $group (add a parent: usermod -aG $group <login>)"

# --- start ---------------------------------------------------------------------------------------------------------
if [ "$start" = 1 ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable dots-family-helper.service
  # A restart stops the old helper with its programs kept attached; the new one takes them over.
  systemctl restart dots-family-helper.service
  say "dots-family-helper.service enabled and (re)started; check: $bindir/dots-family-ctl status"
else
  say "systemd is not running here (or --no-start): start the helper by hand, as root:"
  say "  setsid -f $bindir/dots-family-helper --keep-attached-on-exit </dev/null >>/var/log/dots-family-helper.log 2>&1"
  say "  (to upgrade a running one: kill -TERM \$(cat /run/dots-family/helper.pid), then start it again)"
fi
