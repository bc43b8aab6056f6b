// Where the helper's own CPU time goes: V8's --cpu-prof output (.cpuprofile), summarised as self time per area of
// the helper (ring buffer + decoding, pipeline, SQLite, socket, GC) and the top functions. Native time inside a
// koffi call (libbpf, the map syscalls) is counted in the JS function that made the call.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * The longest stretch in which the helper's event loop never went idle (start-up and shutdown excluded): while it
 * lasts no ring buffer is read, so it is what a ring buffer must hold. Includes time the thread was runnable but not
 * given a CPU.
 */
export interface EventLoopStall {
  ms: number;
  /** Seconds after the helper started. */
  atSeconds: number;
  byArea: Array<{ area: string; percent: number }>;
}

export interface CpuProfileSummary {
  profiles: number;
  /** Sampled time, idle excluded. */
  busyMs: number;
  byArea: Array<{ area: string; ms: number; percent: number }>;
  topFunctions: Array<{ name: string; where: string; ms: number; percent: number }>;
  longestStall: EventLoopStall | null;
}

const AREAS: Array<[RegExp, string]> = [
  [/src\/helper\/bpf\/(ring-buffer|decoders|struct-layout|ip-address)/, 'ring buffer + decoding'],
  [/src\/helper\/bpf\//, 'BPF maps (sampling, sweep, status)'],
  [/src\/helper\/pipeline\//, 'pipeline'],
  [/src\/helper\/store\/|better-sqlite3/, 'SQLite store'],
  [/src\/helper\/policy\//, 'policy'],
  [/src\/helper\/(server|service)\/|src\/shared\//, 'socket + protocol'],
  [/node_modules\/(tsx|esbuild|get-tsconfig)|^node:internal\/modules/, 'module loading (tsx)'],
];

function areaOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return 'native / unattributed';
  for (const [pattern, area] of AREAS) if (pattern.test(url)) return area;
  return url.startsWith('node:') || url === '' ? 'node runtime' : 'other';
}

/** Areas along a sample's stack, innermost first; the first helper area names the sample. */
function stackArea(node: ProfileNode, parents: Map<number, ProfileNode>): string {
  let fallback: string | null = null;
  for (let n: ProfileNode | undefined = node; n; n = parents.get(n.id)) {
    const area = areaOf(n);
    if (!['node runtime', 'other', 'native / unattributed'].includes(area)) return area;
    fallback ??= area;
  }
  return fallback ?? 'other';
}

const STARTUP_SECONDS = 3;
/** Stopping (detaching, the last flush) reads no ring buffer either, and need not. */
const SHUTDOWN_SECONDS = 3;

interface Stretch {
  startUs: number;
  endUs: number;
  areas: Map<string, number>;
}

function longestStall(profile: CpuProfile): EventLoopStall | null {
  if (!profile.samples || !profile.timeDeltas) return null;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, ProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n);
  let best: Stretch | null = null;
  let current: Stretch | null = null;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    const node = byId.get(profile.samples[i]!)!;
    const steady = t - profile.startTime >= STARTUP_SECONDS * 1e6 && profile.endTime - t >= SHUTDOWN_SECONDS * 1e6;
    if (node.callFrame.functionName === '(idle)' || !steady) {
      if (current && (!best || current.endUs - current.startUs > best.endUs - best.startUs)) best = current;
      current = null;
      continue;
    }
    current ??= { startUs: t, endUs: t, areas: new Map() };
    current.endUs = t;
    const area = stackArea(node, parents);
    current.areas.set(area, (current.areas.get(area) ?? 0) + 1);
  }
  if (!best) return null;
  const total = [...best.areas.values()].reduce((a, b) => a + b, 0);
  return {
    ms: (best.endUs - best.startUs) / 1000,
    atSeconds: (best.startUs - profile.startTime) / 1e6,
    byArea: [...best.areas]
      .map(([area, n]) => ({ area, percent: (n * 100) / total }))
      .sort((a, b) => b.percent - a.percent),
  };
}

export function summariseCpuProfiles(dir: string, top = 12): CpuProfileSummary | null {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return null;
  }
  if (files.length === 0) return null;
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; ms: number }>();
  let busyMs = 0;
  let stall: EventLoopStall | null = null;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const longest = longestStall(profile);
    if (longest && (!stall || longest.ms > stall.ms)) stall = longest;
    const totalHits = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
    const msPerHit = totalHits ? (profile.endTime - profile.startTime) / 1000 / totalHits : 0;
    for (const node of profile.nodes) {
      if (!node.hitCount || node.callFrame.functionName === '(idle)') continue;
      const ms = node.hitCount * msPerHit;
      busyMs += ms;
      const area = areaOf(node);
      byArea.set(area, (byArea.get(area) ?? 0) + ms);
      const where = `${node.callFrame.url.replace(/^.*\/(src|node_modules)\//, '$1/')}:${node.callFrame.lineNumber + 1}`;
      const name = node.callFrame.functionName || '(anonymous)';
      const key = `${name}@${where}`;
      const entry = byFunction.get(key) ?? { name, where, ms: 0 };
      entry.ms += ms;
      byFunction.set(key, entry);
    }
  }
  const percent = (ms: number) => (busyMs ? (ms * 100) / busyMs : 0);
  return {
    profiles: files.length,
    busyMs,
    byArea: [...byArea]
      .map(([area, ms]) => ({ area, ms, percent: percent(ms) }))
      .sort((a, b) => b.ms - a.ms),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((f) => ({ ...f, percent: percent(f.ms) })),
    longestStall: stall,
  };
}
