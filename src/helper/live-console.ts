// The foreground console: each child's live numbers as an aligned table.
import type { LiveMetrics } from '../shared/model.js';
import { formatBytes, formatRate } from '../shared/units.js';

export function formatLiveMetrics(metrics: readonly LiveMetrics[], names: ReadonlyMap<number, string>): string {
  const rows = metrics.map((m) => [
    names.get(m.profileId) ?? `profile ${m.profileId}`,
    String(m.processes),
    formatBytes(m.memory.rssBytes),
    formatRate(m.network.uploadBytesPerSecond * 8),
    formatRate(m.network.downloadBytesPerSecond * 8),
    formatBytes(m.disk.readBytesPerSecond + m.disk.writeBytesPerSecond) + '/s',
    `${m.disk.latencyP95Ms.toFixed(1)} ms`,
  ]);
  const header = ['child', 'procs', 'memory', 'upload', 'download', 'disk', 'disk p95'];
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const time = new Date().toLocaleTimeString();
  return [`-- ${time}`, ...table.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  '))].join('\n');
}
