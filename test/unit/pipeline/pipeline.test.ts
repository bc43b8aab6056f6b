import { beforeEach, describe, expect, it } from 'vitest';
import type { MonitorEvent } from '../../../src/shared/events.js';
import type { LiveMetrics } from '../../../src/shared/model.js';
import {
  createPipeline,
  type ExcessiveIoNotice,
  type MemoryLimitKillNotice,
  type Pipeline,
} from '../../../src/helper/pipeline/index.js';
import { T0, connect, diskIo, exec, exit, fsIo, fsOpen, memory, memoryKill, netIo } from '../store/fixtures.js';
import { RecordingSink } from './recording-sink.js';

let sink: RecordingSink;
let pipeline: Pipeline;
const feed = (...events: MonitorEvent[]) => events.forEach((event) => pipeline.handleEvent(event));
beforeEach(() => {
  sink = new RecordingSink();
  pipeline = createPipeline({ writer: sink, now: () => T0 });
});

describe('network', () => {
  it("gives each profile's upload and download rate and total from its processes' samples", () => {
    for (let second = 1; second <= 3; second++) {
      const timeMs = T0 + second * 1000 - 500;
      feed(
        netIo({ profileId: 1, pid: 10, timeMs, txBytes: 1000, rxBytes: 5000 }),
        netIo({ profileId: 1, pid: 11, timeMs, txBytes: 3000, rxBytes: 0, comm: 'discord' }),
        netIo({ profileId: 2, pid: 20, timeMs, txBytes: 7, rxBytes: 9 }),
      );
      pipeline.tick(T0 + second * 1000);
      expect(pipeline.liveMetrics(1)?.network).toMatchObject({ uploadBytesPerSecond: 4000, downloadBytesPerSecond: 5000 });
    }
    expect(pipeline.liveMetrics(1)?.network).toEqual({
      uploadBytesPerSecond: 4000,
      downloadBytesPerSecond: 5000,
      uploadBytes: 12_000,
      downloadBytes: 15_000,
    });
    expect(pipeline.liveMetrics(2)?.network).toMatchObject({ uploadBytesPerSecond: 7, downloadBytes: 27 });
    expect(pipeline.processes(1).map((p) => [p.pid, p.comm, p.uploadBytesPerSecond, p.downloadBytes])).toEqual([
      [10, 'firefox', 1000, 15_000],
      [11, 'discord', 3000, 0],
    ]);

    // a longer interval spreads the same bytes: rate is bytes over the interval
    feed(netIo({ profileId: 1, pid: 10, timeMs: T0 + 4000, txBytes: 4000 }));
    pipeline.tick(T0 + 5000);
    expect(pipeline.liveMetrics(1)?.network.uploadBytesPerSecond).toBe(2000);
    expect(pipeline.liveMetrics(1)?.network.downloadBytesPerSecond).toBe(0);

    // and the bytes reach the rollups, per application and for the profile
    expect(sink.usageTotal(1, 'discord', 'netTxBytes')).toBe(9000);
    expect(sink.usageTotal(1, '', 'netTxBytes')).toBe(16_000);
    expect(sink.usageTotal(1, '', 'netRxBytes')).toBe(15_000);
  });
});

describe('disk', () => {
  it('computes latency mean and p50/p95/p99 over the short and long windows', () => {
    const latenciesMs = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1); // 1..100 ms, shuffled
    latenciesMs.forEach((ms, i) => feed(diskIo({ profileId: 1, timeMs: T0 + i * 5, latencyNs: ms * 1e6, bytes: 4096 })));
    pipeline.tick(T0 + 1000);
    expect(pipeline.liveMetrics(1)?.disk).toEqual({
      readBytesPerSecond: 409_600,
      writeBytesPerSecond: 0,
      requests: 100,
      latencyMeanMs: 50.5,
      latencyP50Ms: 50,
      latencyP95Ms: 95,
      latencyP99Ms: 99,
    });

    // 30 s later the 10 s window is empty, the 60 s window still holds them
    feed(diskIo({ profileId: 1, timeMs: T0 + 30_500, latencyNs: 2e6, operation: 'write', bytes: 8192 }));
    pipeline.tick(T0 + 31_000);
    expect(pipeline.liveMetrics(1)?.disk).toMatchObject({ requests: 1, latencyP99Ms: 2, writeBytesPerSecond: 8192 / 30 });
    expect(pipeline.diskLatency(1, 'long', T0 + 31_000)).toMatchObject({ requests: 101, p50Ms: 50, p99Ms: 99 });
    expect(sink.usageTotal(1, 'firefox', 'diskReadBytes')).toBe(409_600);
    expect(sink.usageTotal(1, '', 'diskWriteBytes')).toBe(8192);
    expect(sink.events.filter((e) => e.type === 'disk_io')).toHaveLength(101);
  });

  it('reports excessive I/O once for a sustained burst and not for a blip', () => {
    const notices: ExcessiveIoNotice[] = [];
    pipeline = createPipeline({
      writer: sink,
      now: () => T0,
      excessiveIo: { thresholdBytesPerSecond: 10_000_000, sustainedMs: 5000 },
    });
    pipeline.on('excessive_io', (notice) => notices.push(notice));
    let second = 0;
    const run = (seconds: number, bytesPerSecond: number) => {
      for (let i = 0; i < seconds; i++) {
        second++;
        const timeMs = T0 + second * 1000 - 10;
        feed(diskIo({ profileId: 1, pid: 77, comm: 'steam', timeMs, operation: 'write', bytes: bytesPerSecond }));
        pipeline.tick(T0 + second * 1000);
      }
    };

    run(3, 20_000_000); // blip
    run(2, 1_000_000);
    expect(notices).toEqual([]);

    run(12, 20_000_000); // burst: fires when it has lasted 5 s, then stays quiet
    expect(notices).toHaveLength(1);
    expect(notices[0]).toEqual({
      type: 'excessive_io',
      profileId: 1,
      timeMs: T0 + 10_000,
      bytesPerSecond: 20_000_000,
      thresholdBytesPerSecond: 10_000_000,
      sinceMs: T0 + 5000,
      sustainedMs: 5000,
      topProcess: { pid: 77, comm: 'steam', bytesPerSecond: 20_000_000 },
    });

    run(1, 0);
    run(6, 20_000_000); // a new episode fires again
    expect(notices).toHaveLength(2);

    pipeline.setExcessiveIoThreshold(1, null); // the policy layer can turn it off per profile
    run(1, 0);
    run(10, 20_000_000);
    expect(notices).toHaveLength(2);
  });
});

describe('memory', () => {
  it("sums the rss of a profile's live processes, keeps the peak, and hands samples to the writer", () => {
    feed(
      memory({ profileId: 1, pid: 1, rssBytes: 300, kmallocBytes: 1000 }),
      memory({ profileId: 1, pid: 2, rssBytes: 200, kmallocBytes: 1000 }),
    );
    pipeline.tick(T0 + 1000);
    expect(pipeline.liveMetrics(1)?.memory).toEqual({ rssBytes: 500, peakRssBytes: 500, kmallocBytesPerSecond: 2000 });

    feed(exit({ profileId: 1, pid: 1, timeMs: T0 + 1500 }));
    feed(memory({ profileId: 1, pid: 2, rssBytes: 250, timeMs: T0 + 1600 }));
    pipeline.tick(T0 + 2000);
    expect(pipeline.liveMetrics(1)?.memory).toMatchObject({ rssBytes: 250, peakRssBytes: 500 });
    expect(pipeline.liveMetrics(1)?.processes).toBe(1);
    expect(sink.memorySamples).toHaveLength(3);
    // peaks go to the rollups per application and for the profile
    const profilePeaks = sink.usage.filter((u) => u.comm === '' && u.delta.peakRssBytes).map((u) => u.delta.peakRssBytes);
    expect(profilePeaks).toEqual([500, 250]);
  });

  it('passes a kernel memory-limit kill on to the policy layer', () => {
    const kills: MemoryLimitKillNotice[] = [];
    pipeline.on('memory_limit_kill', (notice) => kills.push(notice));
    feed(memoryKill({ profileId: 1, pid: 9, comm: 'chrome', rssBytes: 3e9, limitBytes: 2e9 }));
    expect(kills).toEqual([
      { type: 'memory_limit_kill', profileId: 1, timeMs: T0, pid: 9, comm: 'chrome', rssBytes: 3e9, limitBytes: 2e9 },
    ]);
  });
});

describe('processes and application usage', () => {
  it('credits active time per application as the union of its processes, and counts processes started', () => {
    feed(exec({ profileId: 1, pid: 1, comm: 'firefox', timeMs: T0 }));
    feed(exec({ profileId: 1, pid: 2, comm: 'bash', timeMs: T0 + 10_000 }));
    feed(exec({ profileId: 1, pid: 3, comm: 'bash', timeMs: T0 + 20_000 }));
    pipeline.tick(T0 + 30_000);
    expect(pipeline.liveMetrics(1)?.processes).toBe(3);
    feed(exit({ profileId: 1, pid: 2, comm: 'bash', timeMs: T0 + 40_000 }));
    feed(exit({ profileId: 1, pid: 3, comm: 'bash', timeMs: T0 + 70_000 }));
    feed(exit({ profileId: 1, pid: 1, comm: 'firefox', timeMs: T0 + 90_000 }));
    pipeline.tick(T0 + 120_000);

    expect(sink.activeSeconds(1, 'firefox')).toBe(90);
    expect(sink.activeSeconds(1, 'bash')).toBe(60); // 10 s..70 s, not 30 + 50
    expect(sink.activeSeconds(1, '')).toBe(90);
    expect(sink.usageTotal(1, 'bash', 'processesStarted')).toBe(2);
    expect(sink.usageTotal(1, '', 'processesStarted')).toBe(3);
    expect(pipeline.liveMetrics(1)?.processes).toBe(0);
    expect(pipeline.stats.trackedProcesses).toBe(0);
  });

  it('moves the active time of an exec to the new program and does not count programs killed at exec', () => {
    feed(exec({ profileId: 1, pid: 5, comm: 'bash', timeMs: T0 }));
    feed(exec({ profileId: 1, pid: 5, comm: 'minecraft', timeMs: T0 + 5000 }));
    feed(exec({ profileId: 1, pid: 6, comm: 'steam', timeMs: T0 + 6000, enforcement: 'killed_blocked' }));
    feed(exit({ profileId: 1, pid: 6, comm: 'steam', timeMs: T0 + 6000 }));
    pipeline.tick(T0 + 65_000);
    expect(sink.activeSeconds(1, 'bash')).toBe(5);
    expect(sink.activeSeconds(1, 'minecraft')).toBe(60);
    expect(sink.usageTotal(1, 'steam', 'processesStarted')).toBe(0);
    expect(sink.events.filter((e) => e.type === 'process_exec')).toHaveLength(3);
  });

  it('does not bring an exited process back from its late samples, and drops processes gone silent', () => {
    pipeline = createPipeline({ writer: sink, now: () => T0, processes: { staleProcessMs: 60_000 } });
    feed(exec({ profileId: 1, pid: 1, timeMs: T0 }), exit({ profileId: 1, pid: 1, timeMs: T0 + 1000 }));
    feed(fsIo({ profileId: 1, pid: 1, timeMs: T0 + 1100, readBytes: 10 }));
    feed(fsIo({ profileId: 1, pid: 1, timeMs: T0 + 1200, final: true }));
    feed(memory({ profileId: 1, pid: 2, timeMs: T0 + 1000 }));
    pipeline.tick(T0 + 2000);
    expect(pipeline.processes(1).map((p) => p.pid)).toEqual([2]);
    expect(pipeline.liveMetrics(1)?.files.readBytesPerSecond).toBe(5); // late bytes still count for the profile

    pipeline.tick(T0 + 62_000); // pid 2 sent nothing for a minute: its exit was lost
    expect(pipeline.processes(1)).toEqual([]);
  });

  it('ignores events of unwatched accounts (profile 0)', () => {
    feed(
      exec({ profileId: 0 }),
      connect({ profileId: 0 }),
      diskIo({ profileId: 0 }),
      netIo({ profileId: 0, txBytes: 100 }),
      memory({ profileId: 0 }),
    );
    pipeline.tick(T0 + 1000);
    expect(pipeline.stats).toMatchObject({ ignoredUnwatched: 5, eventsHandled: 0, trackedProcesses: 0 });
    expect(pipeline.profileIds()).toEqual([]);
    expect(pipeline.liveMetrics(0)).toBeNull();
    expect([sink.events, sink.memorySamples, sink.usage, sink.active]).toEqual([[], [], [], []]);
  });
});

describe('tick', () => {
  it('publishes every profile\'s metrics and asks the writer to flush when due', () => {
    const published: LiveMetrics[] = [];
    const unsubscribe = pipeline.on('metrics', (metrics) => published.push(metrics));
    feed(fsIo({ profileId: 1, opens: 3, writeBytes: 50 }), fsOpen({ profileId: 2 }));
    pipeline.tick(T0 + 1000);
    expect(published.map((m) => [m.profileId, m.timeMs])).toEqual([
      [1, T0 + 1000],
      [2, T0 + 1000],
    ]);
    expect(published[0]?.files).toEqual({ readBytesPerSecond: 0, writeBytesPerSecond: 50, opensPerSecond: 3 });
    expect(sink.flushChecks).toEqual([T0 + 1000]);

    unsubscribe();
    pipeline.tick(T0 + 1000); // a repeated tick has no interval: no new metrics, but the flush check runs
    pipeline.tick(T0 + 2000);
    expect(published).toHaveLength(2);
    expect(sink.flushChecks).toEqual([T0 + 1000, T0 + 1000, T0 + 2000]);
  });
});
