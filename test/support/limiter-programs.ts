// The network limiter's programs as the kernel sees them. By program id, held through this test process's own fds:
// another helper on the machine may have its own limiter loaded and attached at the same cgroup.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export const CGROUP2_ROOT = '/sys/fs/cgroup/unified';
const LIMITER_PROGRAMS = new Set(['limit_upload', 'limit_download']);

export interface AttachedProgram {
  id: number;
  name: string;
  attach_type: string;
}

/** What is attached at the cgroup2 root (bpftool prints nothing at all, not "[]", when nothing is). */
export function attachedAtCgroupRoot(): AttachedProgram[] {
  const out = execFileSync('bpftool', ['-j', 'cgroup', 'show', CGROUP2_ROOT], { encoding: 'utf8' });
  return out.trim() ? (JSON.parse(out) as AttachedProgram[]) : [];
}

/** Ids of the limiter programs this process holds an fd of: loaded by its limiters, or behind a link they opened. */
export function heldLimiterProgramIds(): Set<number> {
  const held = new Set<number>();
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // the fd readdir itself used, closed by now
    }
    if (target !== 'anon_inode:bpf-prog' && target !== 'anon_inode:bpf_link') continue;
    const id = /^prog_id:\s*(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
    if (id) held.add(Number(id));
  }
  const programs = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'list'], { encoding: 'utf8' })) as Array<{
    id: number;
    name?: string;
  }>;
  const limiter = new Set(programs.filter((p) => LIMITER_PROGRAMS.has(p.name ?? '')).map((p) => p.id));
  return new Set([...held].filter((id) => limiter.has(id)));
}

/** The programs of this process's limiters attached at the cgroup2 root now, as "attach_type name", sorted. */
export function heldLimiterAttachments(): string[] {
  const held = heldLimiterProgramIds();
  return attachedAtCgroupRoot()
    .filter((p) => held.has(p.id))
    .map((p) => `${p.attach_type} ${p.name}`)
    .sort();
}
