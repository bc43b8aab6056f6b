import { describe, expect, it } from 'vitest';
import type { MemoryLimitKillEvent, MemorySample, ProcessExecEvent } from '../../../src/shared/events.js';
import { NO_LIMITS, type Limits, type LiveMetrics } from '../../../src/shared/model.js';
import type { ExecDecision } from '../../../src/helper/policy/blocked-apps-decision.js';
import { evaluatePolicy, netAllocationBytes, type PolicyInput } from '../../../src/helper/policy/evaluate.js';

const PROFILE = 4;
const origin = { timeMs: 1000, pid: 321, tid: 321, uid: 1500, gid: 1500, profileId: PROFILE, comm: 'game' };

function metrics(patch: { disk?: Partial<LiveMetrics['disk']>; network?: Partial<LiveMetrics['network']> } = {}): LiveMetrics {
  return {
    profileId: PROFILE,
    timeMs: 1000,
    processes: 3,
    memory: { rssBytes: 0, peakRssBytes: 0, kmallocBytesPerSecond: 0 },
    network: { uploadBytesPerSecond: 0, downloadBytesPerSecond: 0, uploadBytes: 0, downloadBytes: 0, ...patch.network },
    disk: {
      readBytesPerSecond: 0,
      writeBytesPerSecond: 0,
      requests: 0,
      latencyMeanMs: 0,
      latencyP50Ms: 0,
      latencyP95Ms: 0,
      latencyP99Ms: 0,
      ...patch.disk,
    },
    files: { readBytesPerSecond: 0, writeBytesPerSecond: 0, opensPerSecond: 0 },
  };
}

function input(limits: Partial<Limits>, patch: Partial<PolicyInput> = {}): PolicyInput {
  return { profileId: PROFILE, limits: { ...NO_LIMITS, ...limits }, nowMs: 5000, metrics: [], events: [], ...patch };
}

const memorySample = (patch: Partial<MemorySample>): MemorySample => ({
  type: 'memory',
  ...origin,
  final: false,
  kmallocBytes: 0,
  kmallocCount: 0,
  kfreeBytes: 0,
  kfreeCount: 0,
  pageAllocBytes: 0,
  pageFreeBytes: 0,
  rssBytes: 0,
  vmsBytes: 0,
  sharedBytes: 0,
  swapBytes: 0,
  peakRssBytes: 0,
  ...patch,
});

describe('evaluatePolicy', () => {
  it('finds nothing without limits, whatever happened', () => {
    const kill: MemoryLimitKillEvent = { type: 'memory_limit_kill', ...origin, rssBytes: 3e8, limitBytes: 2e8 };
    expect(evaluatePolicy(input({}, { events: [kill], metrics: [metrics({ disk: { requests: 100, latencyP95Ms: 900 } })] }))).toEqual([]);
  });

  it('shows a kill just over the limit with enough decimals to read as over it', () => {
    const kill: MemoryLimitKillEvent = { type: 'memory_limit_kill', ...origin, rssBytes: 200_004_096, limitBytes: 200e6 };
    const [breach] = evaluatePolicy(
      input({ memory: { max_allocation_mb: null, max_process_memory_mb: 200 } }, { events: [kill] }),
    );
    expect(breach?.measured).toBe(200.004);
    expect(breach?.message).toContain('used 200.004 MB of memory, over the 200 MB limit');
  });

  it('reports a memory-limit kill with the process, its rss and the limit in MB', () => {
    const kill: MemoryLimitKillEvent = { type: 'memory_limit_kill', ...origin, rssBytes: 200_123_456, limitBytes: 200e6 };
    const other = { ...kill, profileId: PROFILE + 1 };
    const breaches = evaluatePolicy(
      input({ memory: { max_allocation_mb: null, max_process_memory_mb: 200 } }, { events: [kill, other] }),
    );
    expect(breaches).toEqual([
      {
        kind: 'memory_limit',
        profileId: PROFILE,
        severity: 'warning',
        subject: 'game',
        message: 'game (pid 321) was stopped: it used 200.1 MB of memory, over the 200 MB limit',
        measured: 200.1,
        limit: 200,
        unit: 'MB',
        pid: 321,
        comm: 'game',
        timeMs: 1000,
        enforced: true,
      },
    ]);
  });

  it('counts kernel allocations net of frees per process per interval against max_allocation_mb', () => {
    const memory = { max_allocation_mb: 50, max_process_memory_mb: null };
    const over = memorySample({ kmallocBytes: 30e6, pageAllocBytes: 40e6, kfreeBytes: 5e6, pageFreeBytes: 10e6 });
    const freedEnough = memorySample({ pid: 2, kmallocBytes: 30e6, pageAllocBytes: 40e6, kfreeBytes: 10e6, pageFreeBytes: 10e6 });
    expect(netAllocationBytes(over)).toBe(55e6);
    const breaches = evaluatePolicy(input({ memory }, { events: [over, freedEnough] }));
    expect(breaches).toHaveLength(1);
    expect(breaches[0]).toMatchObject({ kind: 'allocation_limit', pid: 321, measured: 55, limit: 50, unit: 'MB', enforced: false });
  });

  describe('disk latency', () => {
    const diskIo = { max_bandwidth_mbps: null, max_latency_ms: 20 };

    it('alerts when the p95 is over the limit across enough requests', () => {
      const breaches = evaluatePolicy(input({ diskIo }, { metrics: [metrics({ disk: { requests: 40, latencyP95Ms: 35.456 } })] }));
      expect(breaches).toEqual([
        expect.objectContaining({ kind: 'disk_latency', measured: 35.46, limit: 20, unit: 'ms', subject: 'disk', pid: null }),
      ]);
    });

    it('does not alert on one slow request, or a p95 within the limit', () => {
      expect(evaluatePolicy(input({ diskIo }, { metrics: [metrics({ disk: { requests: 1, latencyP95Ms: 500 } })] }))).toEqual([]);
      expect(evaluatePolicy(input({ diskIo }, { metrics: [metrics({ disk: { requests: 19, latencyP95Ms: 500 } })] }))).toEqual([]);
      expect(evaluatePolicy(input({ diskIo }, { metrics: [metrics({ disk: { requests: 500, latencyP95Ms: 20 } })] }))).toEqual([]);
      const relaxed = { minLatencyRequests: 1, rateTolerance: 0.1 };
      expect(evaluatePolicy(input({ diskIo }, { metrics: [metrics({ disk: { requests: 1, latencyP95Ms: 500 } })] }), relaxed)).toHaveLength(1);
    });

    it('uses the latest window', () => {
      const old = metrics({ disk: { requests: 40, latencyP95Ms: 90 } });
      const latest = metrics({ disk: { requests: 40, latencyP95Ms: 5 } });
      expect(evaluatePolicy(input({ diskIo }, { metrics: [old, latest] }))).toEqual([]);
    });
  });

  describe('disk bandwidth', () => {
    const diskIo = { max_bandwidth_mbps: 64, max_latency_ms: null }; // 8 MB/s

    it('alerts on read + write averaged over the window above the limit', () => {
      const window = [
        metrics({ disk: { readBytesPerSecond: 4e6, writeBytesPerSecond: 8e6 } }),
        metrics({ disk: { readBytesPerSecond: 0, writeBytesPerSecond: 8e6 } }),
      ]; // mean 10 MB/s = 80 Mbps
      const breaches = evaluatePolicy(input({ diskIo }, { metrics: window, enforcement: { network: true, diskBandwidth: true } }));
      expect(breaches).toEqual([
        expect.objectContaining({ kind: 'disk_bandwidth', measured: 80, limit: 64, unit: 'Mbps', enforced: false }),
      ]);
      expect(breaches[0]?.message).toMatch(/buffered writes are not throttled/);
    });

    it('tolerates a short burst that the average absorbs, and small overshoot', () => {
      const window = [
        metrics({ disk: { writeBytesPerSecond: 16e6 } }),
        metrics({ disk: { writeBytesPerSecond: 0 } }),
        metrics({ disk: { writeBytesPerSecond: 0 } }),
      ];
      expect(evaluatePolicy(input({ diskIo }, { metrics: window }))).toEqual([]);
      expect(evaluatePolicy(input({ diskIo }, { metrics: [metrics({ disk: { writeBytesPerSecond: 8.5e6 } })] }))).toEqual([]);
    });
  });

  describe('network', () => {
    const network = { max_upload_mbps: null, max_download_mbps: 10 };

    it('reports a download the limiter is holding at its limit (throttled bytes)', () => {
      const breaches = evaluatePolicy(
        input({ network }, { metrics: [metrics({ network: { downloadBytesPerSecond: 1.24e6 } })], networkThrottledBytes: { upload: 0, download: 3.5e6 } }),
      );
      expect(breaches).toEqual([
        expect.objectContaining({
          kind: 'network_limit',
          subject: 'download',
          severity: 'info',
          measured: 9.92,
          limit: 10,
          enforced: true,
          message: 'download held at the 10 Mbps limit (3.5 MB throttled)',
        }),
      ]);
    });

    it('warns when the measured rate is over the limit (limiter not in force)', () => {
      const breaches = evaluatePolicy(
        input({ network }, { metrics: [metrics({ network: { downloadBytesPerSecond: 5e6 } })], enforcement: { network: false, diskBandwidth: false } }),
      );
      expect(breaches).toEqual([
        expect.objectContaining({ kind: 'network_limit', subject: 'download', severity: 'warning', measured: 40, enforced: false }),
      ]);
    });

    it('is quiet under the limit, and for an unlimited direction', () => {
      const busyUpload = metrics({ network: { uploadBytesPerSecond: 50e6, downloadBytesPerSecond: 1e6 } });
      expect(evaluatePolicy(input({ network }, { metrics: [busyUpload], networkThrottledBytes: { upload: 1e6, download: 0 } }))).toEqual([]);
    });
  });

  describe('blocked apps', () => {
    const app = { name: 'steam', path: '/usr/games/steam', sha256: 'ab'.repeat(32), sizeBytes: 1000 };
    const blockedApps = [app];
    const killed = (patch: Partial<ExecDecision>): ExecDecision =>
      ({
        action: 'killed',
        pid: 500,
        uid: 1500,
        profileId: PROFILE,
        comm: 'steam',
        filename: '/usr/games/steam',
        timeMs: 2000,
        app,
        identity: { dev: 1, ino: 2 },
        by: 'kernel',
        ...patch,
      }) as ExecDecision;

    it('reports each kill with the name the parent typed, kernel or helper', () => {
      const breaches = evaluatePolicy(
        input({ blockedApps }, { blockDecisions: [killed({}), killed({ pid: 501, by: 'helper', filename: '/tmp/x' } as Partial<ExecDecision>)] }),
      );
      expect(breaches.map((b) => [b.kind, b.subject, b.pid, b.message])).toEqual([
        ['blocked_app', 'steam', 500, 'steam is blocked: stopped at launch (pid 500)'],
        ['blocked_app', 'steam', 501, 'steam is blocked: a copy (/tmp/x) was stopped at launch (pid 501)'],
      ]);
    });

    it('reports a kernel kill without a decision once, by file name', () => {
      const exec: ProcessExecEvent = {
        type: 'process_exec',
        ...origin,
        pid: 600,
        ppid: 1,
        filename: '/opt/x/game-bin',
        args: [],
        argsTruncated: false,
        exe: { dev: 1, ino: 2, sizeBytes: 3 },
        enforcement: 'killed_blocked',
      };
      const decided = { ...exec, pid: 500 };
      const breaches = evaluatePolicy(input({ blockedApps }, { events: [exec, decided], blockDecisions: [killed({})] }));
      expect(breaches.map((b) => [b.subject, b.pid])).toEqual([
        ['steam', 500],
        ['game-bin', 600],
      ]);
    });

    it('ignores resumed programs and other profiles', () => {
      const resumed = { ...killed({}), action: 'resumed', cached: false } as ExecDecision;
      const elsewhere = killed({ profileId: PROFILE + 1 });
      expect(evaluatePolicy(input({ blockedApps }, { blockDecisions: [resumed, elsewhere] }))).toEqual([]);
    });
  });
});
