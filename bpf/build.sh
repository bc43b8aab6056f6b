#!/usr/bin/env bash
# Builds the eBPF objects: bpf/<name>.bpf.c -> build/bpf/<name>.bpf.o, against a vmlinux.h generated from the
# running kernel's BTF. Incremental: only objects older than their sources (or the headers) are rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."

out=build/bpf
btf=/sys/kernel/btf/vmlinux

for tool in clang bpftool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-bpf: $tool not found; run scripts/setup.sh (as root) to install the BPF toolchain" >&2
    exit 1
  fi
done
if [ ! -r "$btf" ]; then
  echo "build-bpf: $btf is missing; the kernel needs CONFIG_DEBUG_INFO_BTF=y" >&2
  exit 1
fi

case "$(uname -m)" in
  x86_64) arch=x86 ;;
  aarch64 | arm64) arch=arm64 ;;
  armv7* | armv6*) arch=arm ;;
  riscv64) arch=riscv ;;
  ppc64le | ppc64) arch=powerpc ;;
  s390x) arch=s390 ;;
  loongarch64) arch=loongarch ;;
  *) echo "build-bpf: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

mkdir -p "$out"

# vmlinux.h is regenerated when missing or when the kernel's BTF changed (a new kernel was booted).
btf_sum=$(sha256sum "$btf" | cut -d' ' -f1)
if [ ! -s "$out/vmlinux.h" ] || [ "$(cat "$out/vmlinux.btf.sha256" 2>/dev/null)" != "$btf_sum" ]; then
  echo "build-bpf: generating $out/vmlinux.h"
  bpftool btf dump file "$btf" format c >"$out/vmlinux.h.tmp"
  mv "$out/vmlinux.h.tmp" "$out/vmlinux.h"
  echo "$btf_sum" >"$out/vmlinux.btf.sha256"
fi

headers=(bpf/events.h bpf/common.h "$out/vmlinux.h")

# Every bpf/<name>.bpf.c is an object: the five monitors and anything added beside them.
for src in bpf/*.bpf.c; do
  name=$(basename "$src" .bpf.c)
  obj=$out/$name.bpf.o
  stale=0
  [ -f "$obj" ] || stale=1
  for dep in "$src" "${headers[@]}" bpf/build.sh; do
    if [ "$dep" -nt "$obj" ]; then stale=1; fi
  done
  if [ "$stale" = 0 ]; then continue; fi
  echo "build-bpf: $src -> $obj"
  clang -g -O2 -Wall -target bpf "-D__TARGET_ARCH_$arch" -I "$out" -I bpf -c "$src" -o "$obj.tmp"
  mv "$obj.tmp" "$obj"
done
