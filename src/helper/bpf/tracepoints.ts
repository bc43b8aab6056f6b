// Does this kernel have the tracepoint a BPF program's section names? Checked before load so a missing one
// degrades that program (with a reason a sysadmin can act on) instead of failing the whole monitor.
import { existsSync } from 'node:fs';
import { BTF_KIND_TYPEDEF, bpf } from './libbpf.js';

const TRACEFS_ROOTS = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];

export type Attachment =
  | { kind: 'tracepoint'; category: string; name: string }
  | { kind: 'btf-tracepoint'; name: string }
  | { kind: 'other'; section: string };

/** Reads what a libbpf section name attaches to. */
export function parseSection(section: string): Attachment {
  const [prefix, ...rest] = section.split('/');
  if ((prefix === 'tp' || prefix === 'tracepoint') && rest.length === 2) {
    return { kind: 'tracepoint', category: rest[0]!, name: rest[1]! };
  }
  if ((prefix === 'tp_btf' || prefix === 'raw_tp' || prefix === 'raw_tracepoint') && rest.length === 1) {
    return { kind: 'btf-tracepoint', name: rest[0]! };
  }
  return { kind: 'other', section };
}

export function describeAttachment(a: Attachment): string {
  if (a.kind === 'tracepoint') return `${a.category}:${a.name}`;
  if (a.kind === 'btf-tracepoint') return a.name;
  return a.section;
}

let vmlinuxBtf: unknown = undefined;

function kernelBtf(): unknown {
  if (vmlinuxBtf === undefined) vmlinuxBtf = bpf.btfLoadVmlinux() ?? null;
  return vmlinuxBtf;
}

/** null when available, else the reason it is not. */
export function unavailableReason(a: Attachment): string | null {
  if (a.kind === 'tracepoint') {
    const root = TRACEFS_ROOTS.find((r) => existsSync(`${r}/events`));
    if (!root) return 'tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)';
    return existsSync(`${root}/events/${a.category}/${a.name}`)
      ? null
      : `kernel lacks tracepoint ${a.category}:${a.name}`;
  }
  if (a.kind === 'btf-tracepoint') {
    const btf = kernelBtf();
    if (!btf) return 'kernel has no BTF (/sys/kernel/btf/vmlinux); CONFIG_DEBUG_INFO_BTF is needed';
    const id = bpf.btfFindByNameKind(btf, `btf_trace_${a.name}`, BTF_KIND_TYPEDEF) as number;
    return id > 0 ? null : `kernel lacks BTF tracepoint ${a.name}`;
  }
  return null;
}
