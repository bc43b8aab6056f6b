// A UsageSink that records what the pipeline hands the store, for tests that need no database.
import type { MemorySample } from '../../../src/shared/events.js';
import type { StoredKernelEvent } from '../../../src/helper/store/events.js';
import type { UsageDelta } from '../../../src/helper/store/rollup-buckets.js';
import type { UsageSink } from '../../../src/helper/pipeline/index.js';

export class RecordingSink implements UsageSink {
  readonly events: StoredKernelEvent[] = [];
  readonly memorySamples: MemorySample[] = [];
  readonly usage: Array<{ profileId: number; comm: string; timeMs: number; delta: UsageDelta }> = [];
  readonly active: Array<{ profileId: number; comm: string; fromMs: number; toMs: number }> = [];
  readonly flushChecks: number[] = [];

  append(event: StoredKernelEvent): void {
    this.events.push(event);
  }
  appendMemorySample(sample: MemorySample): void {
    this.memorySamples.push(sample);
  }
  addUsage(profileId: number, comm: string, timeMs: number, delta: UsageDelta): void {
    this.usage.push({ profileId, comm, timeMs, delta });
  }
  addActiveTime(profileId: number, comm: string, fromMs: number, toMs: number): void {
    this.active.push({ profileId, comm, fromMs, toMs });
  }
  flushIfDue(nowMs: number): null {
    this.flushChecks.push(nowMs);
    return null;
  }

  activeSeconds(profileId: number, comm: string): number {
    return this.active
      .filter((span) => span.profileId === profileId && span.comm === comm)
      .reduce((sum, span) => sum + (span.toMs - span.fromMs) / 1000, 0);
  }

  usageTotal(profileId: number, comm: string, field: keyof UsageDelta): number {
    return this.usage
      .filter((entry) => entry.profileId === profileId && entry.comm === comm)
      .reduce((sum, entry) => sum + (entry.delta[field] ?? 0), 0);
  }
}
