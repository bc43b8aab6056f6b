// `dots-family-helper --check`: load every monitor, attach every probe, report, detach. For sysadmins and CI.
import { formatProbes, type MonitorStatus } from '../shared/events.js';
import { silentLogger, type Logger } from './log.js';
import { MonitorSet } from './bpf/monitor-set.js';

export interface CheckResult {
  ok: boolean;
  monitors: MonitorStatus[];
}

export function runMonitorCheck(log: Logger = silentLogger, objectDir?: string): CheckResult {
  const set = new MonitorSet({ log, objectDir, onEvent: () => {}, onSample: () => {} });
  try {
    set.loadAll();
    // The on-demand probes too: a limit set later must find them working.
    for (const monitor of set.monitors) monitor.setOnDemandWanted(true);
    const monitors = set.statuses();
    return { ok: monitors.every((m) => m.state === 'ok'), monitors };
  } finally {
    set.close();
  }
}

export function formatCheck(result: CheckResult): string {
  const width = Math.max(...result.monitors.map((m) => m.name.length));
  const lines = result.monitors.map((m) => {
    const probes = `${formatProbes(m, '/')} probes`;
    const line = `${m.name.padEnd(width)}  ${m.state.padEnd(8)}  ${probes}`;
    return m.reasons.length ? `${line}\n${m.reasons.map((r) => `${' '.repeat(width + 2)}- ${r}`).join('\n')}` : line;
  });
  const verdict = result.ok
    ? 'all monitors attached'
    : 'not every monitor attached: see the reasons above and docs/DEPLOYMENT.md';
  return `${lines.join('\n')}\n${verdict}`;
}
