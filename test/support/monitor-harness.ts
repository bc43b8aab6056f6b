// Loads the real monitors, watches one real test account, and collects what they report.
import type { AggregateSample, KernelEvent, MonitorStatus } from '../../src/shared/events.js';
import { MonitorSet } from '../../src/helper/bpf/monitor-set.js';
import { createLogger } from '../../src/helper/log.js';
import { BPF_OBJECT_DIR } from './kernel.js';
import type { TestAccount } from './accounts.js';

export interface MonitorHarness {
  set: MonitorSet;
  statuses: MonitorStatus[];
  events: KernelEvent[];
  samples: AggregateSample[];
  /** Consumes ring buffers and samples the aggregate maps now. */
  collect(): void;
  clear(): void;
  close(): void;
}

export const TEST_PROFILE_ID = 7;

export function startMonitors(
  account: TestAccount,
  options: { maxProcessMemoryBytes?: number; countAllocations?: boolean } = {},
): MonitorHarness {
  const events: KernelEvent[] = [];
  const samples: AggregateSample[] = [];
  const set = new MonitorSet({
    objectDir: BPF_OBJECT_DIR,
    log: createLogger({ level: 'warn', scope: 'test' }),
    onEvent: (e) => events.push(e),
    onSample: (s) => samples.push(s),
  });
  const statuses = set.loadAll();
  set.watch(account.uid, {
    profileId: TEST_PROFILE_ID,
    maxProcessMemoryBytes: options.maxProcessMemoryBytes ?? 0,
    execDenied: false,
    countAllocations: options.countAllocations ?? false,
  });
  return {
    set,
    statuses,
    events,
    samples,
    collect() {
      set.drain();
      set.sampleAggregates();
    },
    clear() {
      events.length = 0;
      samples.length = 0;
    },
    close() {
      set.close();
    },
  };
}
