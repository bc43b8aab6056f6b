import { describe, expect, it } from 'vitest';
import {
  formatAlertLine,
  formatAlerts,
  formatEvents,
  formatMetricsLine,
  formatUsage,
} from '../../../src/cli/output-activity.js';
import {
  formatLimits,
  formatLocalTime,
  formatProfileList,
  formatQuantity,
  summarizeLimits,
  table,
} from '../../../src/cli/output.js';
import type { ProcessEventRow } from '../../../src/shared/event-rows.js';
import { NO_LIMITS, type Alert, type Limits, type LiveMetrics, type Profile } from '../../../src/shared/model.js';

const T = new Date(2025, 5, 15, 9, 5, 3).getTime(); // local 2025-06-15 09:05:03

const LIMITS: Limits = {
  memory: { max_process_memory_mb: 500, max_allocation_mb: null },
  diskIo: { max_latency_ms: 100, max_bandwidth_mbps: null },
  network: { max_upload_mbps: 10, max_download_mbps: 10 },
  blockedApps: [{ name: 'steam', path: '/usr/games/steam', sha256: 'ab'.repeat(32), sizeBytes: 12_300_000 }],
};

const profile = (id: number, name: string, limits: Limits = NO_LIMITS): Profile => ({
  id,
  name,
  accounts: [{ uid: 1001, username: 'alice' }, { uid: 1002, username: null }],
  limits,
  createdAtMs: T,
  updatedAtMs: T,
});

const alert: Alert = {
  id: 12,
  profileId: 1,
  kind: 'memory_limit',
  severity: 'warning',
  message: 'stress-ng-vm (pid 77) was stopped',
  measured: 512.3,
  limit: 500,
  unit: 'MB',
  pid: 77,
  comm: 'stress-ng-vm',
  timeMs: T,
  occurrences: 3,
  acknowledged: false,
};

describe('table', () => {
  it('aligns columns to the widest cell, right-aligns marked columns, leaves the last unpadded', () => {
    expect(table(['ID', 'NAME', 'NOTE'], [['1', 'child', 'x'], ['12', 'a', 'longer note']], [0])).toBe(
      ['ID  NAME   NOTE', ' 1  child  x', '12  a      longer note'].join('\n'),
    );
  });
});

describe('quantities and times', () => {
  it('prints local time as YYYY-MM-DD HH:MM:SS', () => {
    expect(formatLocalTime(T)).toBe('2025-06-15 09:05:03');
  });

  it('prints values in the unit an alert carries', () => {
    expect(formatQuantity(500, 'MB')).toBe('500 MB');
    expect(formatQuantity(1610.612736, 'MB')).toBe('1.61 GB');
    expect(formatQuantity(100, 'ms')).toBe('100 ms');
    expect(formatQuantity(2500, 'ms')).toBe('2.5 s');
    expect(formatQuantity(10, 'Mbps')).toBe('10 Mbps');
    expect(formatQuantity(0.8, 'Mbps')).toBe('800 kbps');
    expect(formatQuantity(1, 'launches')).toBe('1 launches');
  });
});

describe('profiles and limits', () => {
  it('summarizes the limits that are set on one line', () => {
    expect(summarizeLimits(NO_LIMITS)).toBe('no limits');
    expect(summarizeLimits(LIMITS)).toBe('memory 500 MB, disk latency 100 ms, network 10 Mbps, 1 blocked app');
    const uploadOnly: Limits = { ...LIMITS, network: { max_upload_mbps: 2, max_download_mbps: null }, blockedApps: [] };
    expect(summarizeLimits(uploadOnly)).toBe('memory 500 MB, disk latency 100 ms, upload 2 Mbps');
  });

  it('lists every limit with units, — for none', () => {
    const text = formatLimits(LIMITS);
    expect(text).toContain('Memory per process:  500 MB');
    expect(text).toContain('Kernel allocations:  —');
    expect(text).toContain('Disk latency alert:  100 ms (p95)');
    expect(text).toContain('Download:            10 Mbps');
    expect(text).toContain('Blocked apps:        steam');
  });

  it('lists profiles as a table with accounts', () => {
    const text = formatProfileList([profile(1, 'child', LIMITS), profile(2, 'teen')]);
    expect(text.split('\n')).toEqual([
      'ID  NAME   ACCOUNTS                LIMITS',
      ' 1  child  alice (1001), uid 1002  memory 500 MB, disk latency 100 ms, network 10 Mbps, 1 blocked app',
      ' 2  teen   alice (1001), uid 1002  no limits',
    ]);
    expect(formatProfileList([])).toMatch(/No profiles yet/);
  });
});

describe('alerts, usage, events, live lines', () => {
  const names = new Map([[1, 'child']]);

  it('lists alerts with the profile name, units and repeats', () => {
    const [header, row] = formatAlerts([alert], names).split('\n');
    expect(header).toMatch(/^ID\s+TIME\s+PROFILE\s+KIND\s+SEVERITY\s+MEASURED\s+LIMIT\s+ACK\s+MESSAGE$/);
    expect(row).toMatch(
      /^12\s+2025-06-15 09:05:03\s+child\s+memory_limit\s+warning\s+512 MB\s+500 MB\s+no\s+stress-ng-vm .*\(×3\)$/,
    );
    expect(formatAlerts([{ ...alert, profileId: 9 }], names)).toContain('#9');
    expect(formatAlerts([], names)).toBe('No alerts.');
  });

  it('prints a live alert line', () => {
    expect(formatAlertLine(alert, names)).toBe(
      '09:05:03  ALERT warning child memory_limit: stress-ng-vm (pid 77) was stopped [512 MB > 500 MB]',
    );
  });

  it('prints a live metrics line with rates in bits and bytes', () => {
    const m: LiveMetrics = {
      profileId: 1,
      timeMs: T,
      processes: 4,
      memory: { rssBytes: 250e6, peakRssBytes: 300e6, kmallocBytesPerSecond: 0 },
      network: { uploadBytesPerSecond: 12_500, downloadBytesPerSecond: 1_250_000, uploadBytes: 0, downloadBytes: 0 },
      disk: {
        readBytesPerSecond: 0,
        writeBytesPerSecond: 2e6,
        requests: 30,
        latencyMeanMs: 2,
        latencyP50Ms: 1,
        latencyP95Ms: 4.5,
        latencyP99Ms: 9,
      },
      files: { readBytesPerSecond: 0, writeBytesPerSecond: 0, opensPerSecond: 0 },
    };
    expect(formatMetricsLine(m, names)).toBe(
      '09:05:03  child  procs 4  rss 250 MB  net ↓10 Mbps ↑100 kbps  disk r 0 B/s w 2 MB/s  p95 4.5 ms',
    );
  });

  it('prints usage per bucket, with an APP column when by app', () => {
    const row = {
      profileId: 1,
      startMs: new Date(2025, 5, 15).getTime(),
      intervalMs: 86_400_000,
      comm: null,
      activeSeconds: 5400,
      processesStarted: 12,
      netTxBytes: 1e6,
      netRxBytes: 2.5e9,
      diskReadBytes: 0,
      diskWriteBytes: 64e6,
      fileReadBytes: 0,
      fileWriteBytes: 0,
      peakRssBytes: 600e6,
    };
    const [header, line] = formatUsage([row]).split('\n');
    expect(header).toMatch(/^START\s+ACTIVE\s+PROCS\s+NET DOWN\s+NET UP/);
    expect(line).toMatch(/^2025-06-15\s+1h 30m\s+12\s+2.5 GB\s+1 MB\s+0 B\s+64 MB/);
    const byApp = formatUsage([{ ...row, comm: 'firefox', intervalMs: 3_600_000 }]);
    expect(byApp).toMatch(/APP[\s\S]*2025-06-15 00:00\s+firefox/);
    expect(formatUsage([])).toMatch(/No usage/);
  });

  it('describes process events and says when more match', () => {
    const exec: ProcessEventRow = {
      id: 1,
      profileId: 1,
      timeMs: T,
      pid: 42,
      uid: 1001,
      comm: 'steam',
      kind: 'exec',
      ppid: 1,
      filename: '/usr/games/steam',
      args: ['steam', '-silent'],
      argsTruncated: false,
      enforcement: 'killed_blocked',
      exitCode: null,
      exitSignal: null,
      lifetimeNs: null,
    };
    const exit: ProcessEventRow = { ...exec, kind: 'exit', exitSignal: 9, lifetimeNs: 2e9, enforcement: null };
    const text = formatEvents('process', [exec, exit], true);
    expect(text).toContain('exec /usr/games/steam  steam -silent [killed_blocked]');
    expect(text).toContain('exit signal 9 after 2 s');
    expect(text).toMatch(/more events match/);
  });
});
