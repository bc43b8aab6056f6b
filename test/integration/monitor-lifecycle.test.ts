// Loading, degrading, disabling at run time and unloading the monitors on the real kernel.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MonitorSet } from '../../src/helper/bpf/monitor-set.js';
import { Monitor } from '../../src/helper/bpf/monitor.js';
import { runMonitorCheck } from '../../src/helper/check.js';
import { silentLogger } from '../../src/helper/log.js';
import { BPF_OBJECT_DIR, kernelTestsEnabled } from '../support/kernel.js';

const REPO = path.resolve(import.meta.dirname, '../..');

/** Names of the BPF programs loaded in the kernel right now. */
function loadedProgramNames(): string[] {
  const programs = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'list'], { encoding: 'utf8' })) as Array<{
    name?: string;
  }>;
  return programs.map((p) => p.name ?? '');
}

/** Our program names as the kernel shows them (truncated to 15 characters). */
function ourProgramNames(): string[] {
  const names: string[] = [];
  for (const file of ['process', 'filesystem', 'network', 'memory', 'disk-io']) {
    const dump = JSON.parse(
      execFileSync('bpftool', ['-j', 'btf', 'dump', 'file', path.join(BPF_OBJECT_DIR, `${file}-monitor.bpf.o`)], {
        encoding: 'utf8',
      }),
    ) as { types: Array<{ kind: string; name: string; linkage?: string }> };
    for (const t of dump.types) if (t.kind === 'FUNC' && t.linkage === 'global') names.push(t.name.slice(0, 15));
  }
  return names;
}

describe.skipIf(!kernelTestsEnabled())('monitor lifecycle', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'dots-lifecycle-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('--check attaches all five monitors, their on-demand probes too, and leaves nothing loaded', () => {
    const before = loadedProgramNames().length;
    const result = runMonitorCheck(silentLogger, BPF_OBJECT_DIR);
    expect(result.ok).toBe(true);
    expect(result.monitors.map((m) => m.state)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    for (const m of result.monitors) expect([m.name, m.probesAttached, m.probesIdle]).toEqual([m.name, m.probesTotal, 0]);
    expect(loadedProgramNames().length).toBe(before);
  });

  it('the helper --check command prints JSON and exits 0', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'src/helper/cli.ts', '--check', '--json'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, DOTS_BPF_DIR: BPF_OBJECT_DIR },
    });
    const parsed = JSON.parse(out) as { ok: boolean; monitors: Array<{ name: string; probesAttached: number }> };
    expect(parsed.ok).toBe(true);
    expect(parsed.monitors).toHaveLength(5);
    for (const m of parsed.monitors) expect(m.probesAttached).toBeGreaterThan(0);
  });

  it('disables one monitor at run time while the others keep running, and re-enables it', () => {
    const baselineOurs = loadedProgramNames().filter((n) => new Set(ourProgramNames()).has(n)).length;
    const set = new MonitorSet({ objectDir: BPF_OBJECT_DIR, log: silentLogger, onEvent() {}, onSample() {} });
    try {
      set.loadAll();
      const ours = new Set(ourProgramNames());
      const loadedOurs = () => loadedProgramNames().filter((n) => ours.has(n)).length;
      const allLoaded = loadedOurs();
      const diskProbes = set.monitor('disk-io-monitor').status().probesTotal;

      const disabled = set.disable('disk-io-monitor');
      expect(disabled.state).toBe('disabled');
      expect(disabled.reasons).toEqual(['disabled by an administrator']);
      expect(loadedOurs()).toBe(allLoaded - diskProbes);
      expect(set.monitor('process-monitor').status().state).toBe('ok');

      expect(set.enable('disk-io-monitor').state).toBe('ok');
      expect(loadedOurs()).toBe(allLoaded);
      expect(() => set.disable('gpu-monitor')).toThrow(/unknown monitor "gpu-monitor"/);
    } finally {
      set.close();
    }
    // Compared with what was loaded before: a helper running beside the tests keeps its own programs.
    const ours = new Set(ourProgramNames());
    expect(loadedProgramNames().filter((n) => ours.has(n))).toHaveLength(baselineOurs);
  });

  it('degrades a monitor whose tracepoint the kernel lacks, naming it, instead of failing', () => {
    const object = path.join(scratch, 'degraded.bpf.o');
    execFileSync('clang', [
      '-g', '-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86',
      '-I', BPF_OBJECT_DIR, '-I', path.join(REPO, 'bpf'),
      '-c', path.join(REPO, 'test/fixtures/bpf/degraded.bpf.c'), '-o', object,
    ]);
    const set = new MonitorSet({ objectDir: BPF_OBJECT_DIR, log: silentLogger, onEvent() {}, onSample() {} });
    const monitor = new Monitor(
      { name: 'process-monitor', objectFile: 'degraded.bpf.o', ringBuffer: 'FIXTURE_EVENTS', aggregate: null, maps: [] },
      scratch,
      { onEvent() {}, onSample() {}, toEpochMs: (ns) => ns / 1e6, log: silentLogger },
    );
    try {
      const status = monitor.load(set.watchedUidsFd);
      expect(status.state).toBe('degraded');
      expect(status.probesAttached).toBe(1);
      expect(status.probesTotal).toBe(2);
      expect(status.reasons).toEqual([
        'kernel lacks tracepoint dots_fixture:no_such_tracepoint; fixture_missing disabled',
      ]);
      execFileSync('true');
      expect(monitor.status().recordsSubmitted).toBeGreaterThan(0);
    } finally {
      monitor.unload('test done');
      set.close();
    }
  });

  it('reports a missing object as failed with the build hint', () => {
    const result = runMonitorCheck(silentLogger, scratch);
    expect(result.ok).toBe(false);
    expect(result.monitors[0]!.state).toBe('failed');
    expect(result.monitors[0]!.reasons[0]).toMatch(/not found; build it with "npm run build:bpf"/);
  });
});
