// What the benchmark reads from outside the helper: its CPU time and RSS (/proc), the BPF maps and programs it
// holds (/proc/<pid>/fdinfo), the PENDING_IO map's size (opened by id, walked in-process: no bpftool per sample),
// and per-program kernel run time (bpftool, with kernel.bpf_stats_enabled=1).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import koffi from 'koffi';
import { BpfMap } from '../../src/helper/bpf/bpf-map.js';
import { closeFd } from '../../src/helper/bpf/libbpf.js';

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU time of a process so far, in milliseconds. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Time the process waited on a run queue (runnable, not running) so far, in milliseconds: starvation. */
export function processRunQueueWaitMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/);
  return Number(fields[1]) / 1e6;
}

export function processRssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

export interface BpfHoldings {
  mapIds: Set<number>;
  programIds: Set<number>;
  /** Attachment of each program (tracepoint name, cgroup), from its link's fdinfo. */
  attachments: Map<number, string>;
}

/** The BPF maps, programs and links a process holds open. */
export function bpfHoldings(pid: number): BpfHoldings {
  const held: BpfHoldings = { mapIds: new Set(), programIds: new Set(), attachments: new Map() };
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    let info: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (!target.startsWith('anon_inode:bpf')) continue;
      info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    } catch {
      continue; // closed while we looked
    }
    const field = (name: string) => new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(info)?.[1];
    const mapId = field('map_id');
    if (mapId) held.mapIds.add(Number(mapId));
    const progId = field('prog_id');
    if (progId) {
      held.programIds.add(Number(progId));
      const where = field('tp_name') ?? field('link_type');
      if (where) held.attachments.set(Number(progId), where);
    }
  }
  return held;
}

interface BpftoolMap {
  id: number;
  name?: string;
  bytes_key: number;
  bytes_value: number;
  max_entries: number;
}

interface BpftoolProgram {
  id: number;
  type: string;
  name?: string;
  run_time_ns?: number;
  run_cnt?: number;
}

function bpftoolJson<T>(args: string[]): T {
  return JSON.parse(execFileSync('bpftool', ['-j', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })) as T;
}

const libbpf = koffi.load('libbpf.so.1');
const mapGetFdById = libbpf.func('int bpf_map_get_fd_by_id(uint32_t id)');

/** A map of another process, opened by id; close() it before that process is expected to free it. */
export class ForeignMap {
  private readonly map: BpfMap;

  private constructor(
    readonly id: number,
    readonly maxEntries: number,
    map: BpfMap,
  ) {
    this.map = map;
  }

  /** Finds the map called `name` among `mapIds` (a process's holdings). */
  static open(name: string, mapIds: ReadonlySet<number>): ForeignMap | null {
    const found = bpftoolJson<BpftoolMap[]>(['map', 'show']).find((m) => m.name === name && mapIds.has(m.id));
    if (!found) return null;
    const fd = mapGetFdById(found.id) as number;
    if (fd < 0) return null;
    return new ForeignMap(found.id, found.max_entries, new BpfMap(name, fd, found.bytes_key, found.bytes_value));
  }

  /** Entries right now (a walk of the keys). */
  size(): number {
    return this.map.keys(this.maxEntries + 1).length;
  }

  close(): void {
    closeFd(this.map.fd);
  }
}

export interface ProgramStats {
  id: number;
  name: string;
  attachment: string;
  runTimeNs: number;
  runCount: number;
}

/** run_time_ns/run_cnt of the given programs (zeros unless kernel.bpf_stats_enabled=1). */
export function programStats(holdings: BpfHoldings): ProgramStats[] {
  return bpftoolJson<BpftoolProgram[]>(['prog', 'show'])
    .filter((p) => holdings.programIds.has(p.id))
    .map((p) => ({
      id: p.id,
      name: p.name ?? `prog ${p.id}`,
      attachment: holdings.attachments.get(p.id) ?? p.type,
      runTimeNs: p.run_time_ns ?? 0,
      runCount: p.run_cnt ?? 0,
    }));
}

/** Tracing programs loaded by anyone but `exceptIds`: another helper running during the baseline skews it. */
export function otherTracingPrograms(exceptIds: ReadonlySet<number> = new Set()): number {
  const tracing = new Set(['tracepoint', 'tracing', 'raw_tracepoint', 'kprobe', 'perf_event']);
  return bpftoolJson<BpftoolProgram[]>(['prog', 'show']).filter((p) => tracing.has(p.type) && !exceptIds.has(p.id)).length;
}

const BPF_STATS_SYSCTL = '/proc/sys/kernel/bpf_stats_enabled';

export function readBpfStatsEnabled(): boolean {
  return readFileSync(BPF_STATS_SYSCTL, 'utf8').trim() === '1';
}

export function setBpfStatsEnabled(enabled: boolean): void {
  execFileSync('sysctl', ['-q', `kernel.bpf_stats_enabled=${enabled ? 1 : 0}`]);
}
