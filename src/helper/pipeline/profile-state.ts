// One watched profile's running state between ticks, and what the end of a sample interval makes of it: rates,
// summed rss and its peak, disk latency over the short window, the excessive-I/O check, and LiveMetrics.
import type { LiveMetrics } from '../../shared/model.js';
import { PROFILE_TOTAL_COMM } from '../store/rollup-buckets.js';
import { SustainedRateDetector } from './excessive-io.js';
import { IoMeter } from './io-meter.js';
import { LatencyWindow } from './latency-window.js';
import type { TrackedProcess } from './process-tracker.js';
import type { ExcessiveIoNotice, UsageSink } from './types.js';

export interface ProfileStateConfig {
  shortWindowMs: number;
  longWindowMs: number;
  maxLatencySamples: number;
  defaultThresholdBytesPerSecond: number | null;
  sustainedMs: number;
}

export class ProfileState {
  readonly io = new IoMeter();
  readonly latency: LatencyWindow;
  /** The policy layer's threshold; undefined means the pipeline's default, null disables. */
  thresholdBytesPerSecond: number | null | undefined = undefined;
  live: LiveMetrics | null = null;
  private readonly excessiveIo = new SustainedRateDetector();
  private peakRssBytes = 0;

  constructor(
    readonly profileId: number,
    private readonly config: ProfileStateConfig,
  ) {
    this.latency = new LatencyWindow({ horizonMs: config.longWindowMs, maxSamples: config.maxLatencySamples });
  }

  /**
   * Closes the interval of `elapsedMs` ending at `nowMs` for the profile's live `processes` (whose own meters
   * were already rolled). Updates `live`, writes rss peaks to the rollups, and returns a notice when excessive
   * I/O has just been sustained long enough.
   */
  endInterval(
    processes: readonly TrackedProcess[],
    nowMs: number,
    elapsedMs: number,
    writer: UsageSink,
  ): ExcessiveIoNotice | null {
    const deltas = this.io.roll(elapsedMs);
    const rates = this.io.ratesPerSecond;

    let rssBytes = 0;
    const rssByComm = new Map<string, number>();
    for (const process of processes) {
      rssBytes += process.rssBytes;
      rssByComm.set(process.comm, (rssByComm.get(process.comm) ?? 0) + process.rssBytes);
    }
    this.peakRssBytes = Math.max(this.peakRssBytes, rssBytes);
    // Rollup peaks are of the summed rss of an application's (and the profile's) processes at a tick.
    for (const [comm, commRss] of rssByComm) {
      if (commRss > 0) writer.addUsage(this.profileId, comm, nowMs, { peakRssBytes: commRss });
    }
    if (rssBytes > 0) writer.addUsage(this.profileId, PROFILE_TOTAL_COMM, nowMs, { peakRssBytes: rssBytes });

    this.latency.prune(nowMs);
    const latency = this.latency.stats(nowMs, this.config.shortWindowMs);
    this.live = {
      profileId: this.profileId,
      timeMs: nowMs,
      processes: processes.length,
      memory: { rssBytes, peakRssBytes: this.peakRssBytes, kmallocBytesPerSecond: rates.kmallocBytes },
      network: {
        uploadBytesPerSecond: rates.netTxBytes,
        downloadBytesPerSecond: rates.netRxBytes,
        uploadBytes: this.io.totals.netTxBytes,
        downloadBytes: this.io.totals.netRxBytes,
      },
      disk: {
        readBytesPerSecond: rates.diskReadBytes,
        writeBytesPerSecond: rates.diskWriteBytes,
        requests: latency.requests,
        latencyMeanMs: latency.meanMs,
        latencyP50Ms: latency.p50Ms,
        latencyP95Ms: latency.p95Ms,
        latencyP99Ms: latency.p99Ms,
      },
      files: {
        readBytesPerSecond: rates.fileReadBytes,
        writeBytesPerSecond: rates.fileWriteBytes,
        opensPerSecond: rates.fileOpens,
      },
    };

    const threshold =
      this.thresholdBytesPerSecond === undefined
        ? this.config.defaultThresholdBytesPerSecond
        : this.thresholdBytesPerSecond;
    const diskBytes = deltas.diskReadBytes + deltas.diskWriteBytes;
    const episode = this.excessiveIo.update(nowMs, elapsedMs, diskBytes, threshold, this.config.sustainedMs);
    if (!episode?.fired || threshold === null) return null;
    return {
      type: 'excessive_io',
      profileId: this.profileId,
      timeMs: nowMs,
      bytesPerSecond: episode.bytesPerSecond,
      thresholdBytesPerSecond: threshold,
      sinceMs: episode.sinceMs,
      sustainedMs: episode.sustainedMs,
      topProcess: topDiskProcess(processes),
    };
  }
}

function topDiskProcess(processes: readonly TrackedProcess[]): ExcessiveIoNotice['topProcess'] {
  let top: ExcessiveIoNotice['topProcess'] = null;
  for (const process of processes) {
    const bytesPerSecond = process.io.ratesPerSecond.diskReadBytes + process.io.ratesPerSecond.diskWriteBytes;
    if (bytesPerSecond > 0 && (!top || bytesPerSecond > top.bytesPerSecond)) {
      top = { pid: process.pid, comm: process.comm, bytesPerSecond };
    }
  }
  return top;
}
