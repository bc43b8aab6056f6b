// Public surface of the event pipeline.
export {
  createPipeline,
  DEFAULT_EXCESSIVE_IO_BYTES_PER_SECOND,
  type Pipeline,
  type PipelineOptions,
} from './pipeline.js';
export type {
  UsageSink,
  ExcessiveIoNotice,
  MemoryLimitKillNotice,
  PipelineNotice,
  PipelineEvents,
  ProcessMetrics,
  PipelineStats,
} from './types.js';
export type { LatencyStats } from './latency-window.js';
