import type { Alert } from '../../../src/shared/model.js';

export function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 1,
    profileId: 7,
    kind: 'memory_limit',
    severity: 'critical',
    message: 'node used 312 MB, over the 200 MB limit; killed',
    measured: 312,
    limit: 200,
    unit: 'MB',
    pid: 4242,
    comm: 'node',
    timeMs: 1_700_000_000_000,
    occurrences: 1,
    acknowledged: false,
    ...overrides,
  };
}
