// Keeps `npm run bench` from rotting: one --quick round of the real harness (real helper process, real child
// account, real workloads) must exit 0 and write a report with every section. Nothing timed is asserted.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../bench/report.js';
import { kernelTestsEnabled } from '../support/kernel.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

function runBench(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/main.ts', ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe.skipIf(!kernelTestsEnabled())('npm run bench (smoke)', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'dots-bench-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs one quick round and writes a report with every section', async () => {
    const run = await runBench(['--quick', '--out', out, '--accounts', 'dots-bench-smoke', '--micro-records', '5000'], 100_000);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Targets:');

    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as BenchReport;
    expect(report.mode).toBe('compare');
    const comparison = report.comparison!;
    for (const id of ['cpu', 'io', 'netWatched', 'netUnwatched', 'stress'] as const) {
      const workload = comparison.workloads[id]!;
      expect(workload.baselineMedian, id).toBeGreaterThan(0);
      expect(workload.monitoredMedian, id).toBeGreaterThan(0);
      expect(workload.ratio, id).toBeGreaterThan(0);
    }
    // The watched child's stress-ng mix reaches userspace through the ring buffers.
    expect(comparison.eventRate.recordsPerSecondMedian).toBeGreaterThan(0);
    expect(Object.keys(comparison.eventRate.byMonitor)).toHaveLength(5);
    expect(comparison.eventRate.pendingIoPeak).toBeGreaterThanOrEqual(0);
    expect(comparison.helper.rssMaxBytes).toBeGreaterThan(0);
    expect(comparison.helper.samples).toBeGreaterThan(0);
    expect(report.micro!.storedRecordsPerSecond).toBeGreaterThan(0);
    expect(report.timeline.length).toBeGreaterThan(0);
    expect(report.targets.map((t) => t.id)).toEqual(['cpu', 'io', 'net-watched', 'net-unwatched', 'drops', 'pending-io', 'rss-flat']);
    expect(report.targets.filter((t) => t.status === 'not measured').map((t) => t.id)).toEqual(['rss-flat']);

    expect(readFileSync(report.files.markdown, 'utf8')).toContain('## Baseline vs monitored');
    expect(readFileSync(report.files.chartSvg!, 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*<(polyline|circle) /);
    expect(existsSync(path.join(out, 'helper.log'))).toBe(true);
  });
});
