// The event pipeline: decoded monitor events in; stored rows and rollups (through the batch writer), live
// metrics per profile, and notices for the policy layer out. No I/O of its own and no timers: the helper calls
// `handleEvent` for each record and sample and `tick` once per sample interval, and tests do the same.
import type {
  DiskIoEvent,
  DiskOperation,
  FsIoSample,
  MemoryLimitKillEvent,
  MemorySample,
  MonitorEvent,
  NetIoSample,
  ProcessExecEvent,
} from '../../shared/events.js';
import type { LiveMetrics } from '../../shared/model.js';
import { PROFILE_TOTAL_COMM, type UsageDelta } from '../store/rollup-buckets.js';
import { isWatchedProfileId } from '../store/validate.js';
import { TypedEmitter } from './emitter.js';
import { EMPTY_LATENCY_STATS, type LatencyStats } from './latency-window.js';
import { ProfileState, type ProfileStateConfig } from './profile-state.js';
import { ProcessTracker, type ProcessTrackerOptions, type TrackedProcess } from './process-tracker.js';
import type { PipelineEvents, PipelineNotice, PipelineStats, ProcessMetrics, UsageSink } from './types.js';

export interface PipelineOptions {
  writer: UsageSink;
  /** Start of the first tick interval. Default Date.now. */
  now?: () => number;
  latency?: {
    /** Window of LiveMetrics.disk. Default 10 000. */
    shortWindowMs?: number;
    /** Default 60 000. */
    longWindowMs?: number;
    /** Latencies held per profile for percentiles. Default 8192. */
    maxSamples?: number;
  };
  excessiveIo?: {
    /** Default for every profile (read + write, bytes per second); null disables. Default 50 MB/s. */
    thresholdBytesPerSecond?: number | null;
    /** Default 10 000. */
    sustainedMs?: number;
  };
  processes?: ProcessTrackerOptions;
}

export interface Pipeline {
  handleEvent(event: MonitorEvent): void;
  /** Ends a sample interval at `nowMs`: rates, windows, active time, metrics, notices, and a flush when due. */
  tick(nowMs: number): void;
  /** As of the last tick; null for a profile not seen yet. */
  liveMetrics(profileId: number): LiveMetrics | null;
  profileIds(): number[];
  processes(profileId: number): ProcessMetrics[];
  diskLatency(profileId: number, window: 'short' | 'long', nowMs: number): LatencyStats;
  /** The policy layer's per-profile threshold; null disables, undefined returns to the default. */
  setExcessiveIoThreshold(profileId: number, bytesPerSecond: number | null | undefined): void;
  on<K extends keyof PipelineEvents>(type: K, listener: (payload: PipelineEvents[K]) => void): () => void;
  readonly stats: PipelineStats;
}

export const DEFAULT_EXCESSIVE_IO_BYTES_PER_SECOND = 50_000_000;

const DISK_DIMENSION: Readonly<Record<DiskOperation, 'diskReadBytes' | 'diskWriteBytes' | null>> = {
  read: 'diskReadBytes',
  write: 'diskWriteBytes',
  flush: null,
  discard: null,
  other: null,
};

export function createPipeline(options: PipelineOptions): Pipeline {
  const writer = options.writer;
  const config: ProfileStateConfig = {
    shortWindowMs: options.latency?.shortWindowMs ?? 10_000,
    longWindowMs: options.latency?.longWindowMs ?? 60_000,
    maxLatencySamples: options.latency?.maxSamples ?? 8192,
    defaultThresholdBytesPerSecond:
      options.excessiveIo?.thresholdBytesPerSecond === undefined
        ? DEFAULT_EXCESSIVE_IO_BYTES_PER_SECOND
        : options.excessiveIo.thresholdBytesPerSecond,
    sustainedMs: options.excessiveIo?.sustainedMs ?? 10_000,
  };

  const emitter = new TypedEmitter<PipelineEvents>();
  const tracker = new ProcessTracker(
    (profileId, comm, fromMs, toMs) => writer.addActiveTime(profileId, comm, fromMs, toMs),
    options.processes,
  );
  const profiles = new Map<number, ProfileState>();
  const stats = { eventsHandled: 0, ignoredUnwatched: 0, ticks: 0 };
  let lastTickMs = (options.now ?? Date.now)();

  const profile = (profileId: number): ProfileState => {
    let state = profiles.get(profileId);
    if (!state) {
      state = new ProfileState(profileId, config);
      profiles.set(profileId, state);
    }
    return state;
  };

  /** Counters go to the application's rollup and to the profile's. */
  const addAppUsage = (profileId: number, comm: string, timeMs: number, delta: UsageDelta): void => {
    writer.addUsage(profileId, comm, timeMs, delta);
    writer.addUsage(profileId, PROFILE_TOTAL_COMM, timeMs, delta);
  };

  const onExec = (event: ProcessExecEvent): void => {
    tracker.exec(event);
    writer.append(event);
    // A program killed at exec never ran; the blocked attempt reaches the parent as an alert instead.
    if (event.enforcement === 'none' || event.enforcement === 'held') {
      addAppUsage(event.profileId, event.comm, event.timeMs, { processesStarted: 1 });
    }
  };

  const onDiskIo = (event: DiskIoEvent): void => {
    const process = tracker.observe(event);
    writer.append(event);
    const state = profile(event.profileId);
    state.latency.add(event.timeMs, event.latencyNs);
    const dimension = DISK_DIMENSION[event.operation];
    if (!dimension) return; // flush and discard move no data
    state.io.add(dimension, event.bytes);
    process?.io.add(dimension, event.bytes);
    addAppUsage(event.profileId, event.comm, event.timeMs, { [dimension]: event.bytes });
  };

  const onFsIo = (sample: FsIoSample): void => {
    const process = tracker.observe(sample);
    const state = profile(sample.profileId);
    for (const meter of process ? [state.io, process.io] : [state.io]) {
      meter.add('fileReadBytes', sample.readBytes);
      meter.add('fileWriteBytes', sample.writeBytes);
      meter.add('fileOpens', sample.opens);
    }
    addAppUsage(sample.profileId, sample.comm, sample.timeMs, {
      fileReadBytes: sample.readBytes,
      fileWriteBytes: sample.writeBytes,
    });
  };

  const onNetIo = (sample: NetIoSample): void => {
    const process = tracker.observe(sample);
    const state = profile(sample.profileId);
    for (const meter of process ? [state.io, process.io] : [state.io]) {
      meter.add('netTxBytes', sample.txBytes);
      meter.add('netRxBytes', sample.rxBytes);
    }
    addAppUsage(sample.profileId, sample.comm, sample.timeMs, {
      netTxBytes: sample.txBytes,
      netRxBytes: sample.rxBytes,
    });
  };

  const onMemory = (sample: MemorySample): void => {
    const process = tracker.observe(sample);
    profile(sample.profileId).io.add('kmallocBytes', sample.kmallocBytes);
    if (process) {
      process.rssBytes = sample.rssBytes;
      process.peakRssBytes = Math.max(process.peakRssBytes, sample.peakRssBytes, sample.rssBytes);
      process.io.add('kmallocBytes', sample.kmallocBytes);
    }
    writer.appendMemorySample(sample);
  };

  const onMemoryKill = (event: MemoryLimitKillEvent): void => {
    tracker.observe(event);
    emitter.emit('memory_limit_kill', {
      type: 'memory_limit_kill',
      profileId: event.profileId,
      timeMs: event.timeMs,
      pid: event.pid,
      comm: event.comm,
      rssBytes: event.rssBytes,
      limitBytes: event.limitBytes,
    });
  };

  const handleEvent = (event: MonitorEvent): void => {
    if (!isWatchedProfileId(event.profileId)) {
      stats.ignoredUnwatched++; // the kernel filters too; this keeps an unwatched account out even if it did not
      return;
    }
    stats.eventsHandled++;
    profile(event.profileId); // every watched profile seen gets live metrics, even with only process events
    switch (event.type) {
      case 'process_exec':
        return onExec(event);
      case 'process_exit':
        tracker.exit(event.pid, event.timeMs);
        return writer.append(event);
      case 'fs_open':
      case 'fs_close':
      case 'fs_unlink':
      case 'net_connect':
        tracker.observe(event);
        return writer.append(event);
      case 'disk_io':
        return onDiskIo(event);
      case 'memory_limit_kill':
        return onMemoryKill(event);
      case 'fs_io':
        onFsIo(event);
        break;
      case 'net_io':
        onNetIo(event);
        break;
      case 'memory':
        onMemory(event);
        break;
    }
    // A final sample is the process's last word: the same as its exit, whichever arrives first.
    if (event.final) tracker.exit(event.pid, event.timeMs);
  };

  const tick = (nowMs: number): void => {
    const elapsedMs = nowMs - lastTickMs;
    lastTickMs = nowMs;
    stats.ticks++;
    const notices: PipelineNotice[] = [];
    // A repeated tick or a wall clock set back has no interval to turn into rates: only the flush check runs.
    if (elapsedMs > 0) {
      tracker.tick(nowMs);
      const byProfile = groupProcesses(tracker.all());
      for (const process of tracker.all()) process.io.roll(elapsedMs);
      for (const state of profiles.values()) {
        const notice = state.endInterval(byProfile.get(state.profileId) ?? [], nowMs, elapsedMs, writer);
        if (notice) notices.push(notice);
      }
    }

    let flushError: unknown = null;
    try {
      writer.flushIfDue(nowMs);
    } catch (error) {
      flushError = error; // reported after the notices, which must not be lost to a full disk
    }
    for (const notice of notices) emitter.emit(notice.type, notice);
    if (elapsedMs > 0) for (const state of profiles.values()) if (state.live) emitter.emit('metrics', state.live);
    if (flushError !== null) throw flushError;
  };

  return {
    handleEvent,
    tick,
    liveMetrics: (profileId) => profiles.get(profileId)?.live ?? null,
    profileIds: () => [...profiles.keys()],
    processes: (profileId) => tracker.processesOf(profileId).map(toProcessMetrics),
    diskLatency(profileId, window, nowMs) {
      const state = profiles.get(profileId);
      if (!state) return { ...EMPTY_LATENCY_STATS };
      return state.latency.stats(nowMs, window === 'short' ? config.shortWindowMs : config.longWindowMs);
    },
    setExcessiveIoThreshold(profileId, bytesPerSecond) {
      profile(profileId).thresholdBytesPerSecond = bytesPerSecond;
    },
    on: (type, listener) => emitter.on(type, listener),
    get stats() {
      return { ...stats, trackedProcesses: tracker.size };
    },
  };
}

function groupProcesses(processes: Iterable<TrackedProcess>): Map<number, TrackedProcess[]> {
  const byProfile = new Map<number, TrackedProcess[]>();
  for (const process of processes) {
    const list = byProfile.get(process.profileId);
    if (list) list.push(process);
    else byProfile.set(process.profileId, [process]);
  }
  return byProfile;
}

function toProcessMetrics(process: TrackedProcess): ProcessMetrics {
  const { totals, ratesPerSecond: rates } = process.io;
  return {
    pid: process.pid,
    comm: process.comm,
    uid: process.uid,
    firstSeenMs: process.firstSeenMs,
    rssBytes: process.rssBytes,
    peakRssBytes: process.peakRssBytes,
    uploadBytes: totals.netTxBytes,
    downloadBytes: totals.netRxBytes,
    uploadBytesPerSecond: rates.netTxBytes,
    downloadBytesPerSecond: rates.netRxBytes,
    diskReadBytes: totals.diskReadBytes,
    diskWriteBytes: totals.diskWriteBytes,
    diskReadBytesPerSecond: rates.diskReadBytes,
    diskWriteBytesPerSecond: rates.diskWriteBytes,
  };
}
