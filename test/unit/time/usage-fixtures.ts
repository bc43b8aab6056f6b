import type { UsageRollup } from '../../../src/shared/model.js';

/** A stored per-application rollup row: `seconds` active in the 60 s bucket starting at `startMs`. */
export function appRow(comm: string, startMs: number, seconds: number, extra: Partial<UsageRollup> = {}): UsageRollup {
  return {
    profileId: 1,
    startMs,
    intervalMs: 60_000,
    comm,
    activeSeconds: seconds,
    processesStarted: 0,
    netTxBytes: 0,
    netRxBytes: 0,
    diskReadBytes: 0,
    diskWriteBytes: 0,
    fileReadBytes: 0,
    fileWriteBytes: 0,
    peakRssBytes: 0,
    ...extra,
  };
}
