// What the request handlers work with: the helper's parts, shared by reference.
import type { MonitorSet } from '../bpf/monitor-set.js';
import type { Logger } from '../log.js';
import type { Pipeline } from '../pipeline/index.js';
import type { Enforcer } from '../policy/enforcer.js';
import type { Store } from '../store/index.js';

export interface HelperContext {
  store: Store;
  monitors: MonitorSet;
  pipeline: Pipeline;
  enforcer: Enforcer;
  log: Logger;
  version: string;
  startedAtMs: number;
  socketPath: string;
}
