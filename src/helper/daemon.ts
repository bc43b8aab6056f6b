// The helper daemon: store, monitors, pipeline, policy and the socket server, wired together and driven by one
// sample timer. `startHelper` is used by the CLI (foreground daemon) and in-process by the end-to-end tests.
import { readFileSync } from 'node:fs';
import type { MonitorStatus } from '../shared/events.js';
import type { LiveMetrics } from '../shared/model.js';
import type { HandlerTable } from './server/index.js';
import { MonitorSet } from './bpf/monitor-set.js';
import type { Logger } from './log.js';
import { createPipeline, type Pipeline } from './pipeline/index.js';
import { Enforcer } from './policy/enforcer.js';
import { startServer, type HelperServer } from './server/index.js';
import { alertHandlers } from './service/alert-handlers.js';
import type { HelperContext } from './service/context.js';
import { eventHandlers } from './service/event-handlers.js';
import { limitHandlers } from './service/limit-handlers.js';
import { monitorHandlers } from './service/monitor-handlers.js';
import { profileHandlers } from './service/profile-handlers.js';
import { usageHandlers } from './service/usage-handlers.js';
import { openStore, type Store } from './store/index.js';

export const DEFAULT_SOCKET_PATH = '/run/dots-family/helper.sock';

export interface HelperOptions {
  dbPath: string;
  socketPath: string;
  log: Logger;
  objectDir?: string;
  parentsGroup?: string;
  /** How often aggregate maps are sampled, metrics pushed and limits evaluated. Default 1000 ms. */
  sampleIntervalMs?: number;
  /** Called with every profile's live metrics after each sample (the foreground console uses it). */
  onMetrics?: (metrics: LiveMetrics[]) => void;
}

export interface RunningHelper {
  readonly store: Store;
  readonly monitors: MonitorSet;
  readonly pipeline: Pipeline;
  readonly enforcer: Enforcer;
  readonly server: HelperServer;
  /** Detaches every program, flushes pending writes, closes the socket. Idempotent. */
  close(): Promise<void>;
}

const PENDING_SWEEP_EVERY_MS = 5_000;
const STATUS_PUSH_EVERY_MS = 5_000;
const PRUNE_EVERY_MS = 3_600_000;

export function helperVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function startHelper(options: HelperOptions): Promise<RunningHelper> {
  const log = options.log;
  const store = openStore(options.dbPath);
  if (store.opened.backupPath) {
    log.info(`database upgraded v${store.opened.fromVersion} → v${store.schemaVersion}; backup at ${store.opened.backupPath}`);
  }
  const pipeline = createPipeline({ writer: store.writer });
  let server: HelperServer | null = null;
  let enforcer: Enforcer | null = null;

  const monitors = new MonitorSet({
    objectDir: options.objectDir,
    log,
    onEvent: (event) => {
      pipeline.handleEvent(event);
      enforcer?.onEvent(event);
    },
    onSample: (sample) => {
      pipeline.handleEvent(sample);
      enforcer?.onEvent(sample);
    },
  });

  try {
    for (const status of monitors.loadAll()) {
      if (status.state !== 'ok') log.warn(`${status.name} is ${status.state}: ${status.reasons.join('; ')}`);
    }
    enforcer = new Enforcer({
      monitors,
      store,
      pipeline,
      log: log.child('policy'),
      objectDir: options.objectDir,
      publishAlert: (alert) => server?.publish('alert', alert),
    });
    await enforcer.start();

    const ctx: HelperContext = {
      store,
      monitors,
      pipeline,
      enforcer,
      log,
      version: helperVersion(),
      startedAtMs: Date.now(),
      socketPath: options.socketPath,
    };
    const handlers: HandlerTable = {
      ...profileHandlers(ctx),
      ...limitHandlers(ctx),
      ...monitorHandlers(ctx),
      ...usageHandlers(ctx),
      ...eventHandlers(ctx),
      ...alertHandlers(ctx),
    };
    server = await startServer({
      socketPath: options.socketPath,
      handlers,
      log: log.child('server'),
      authorize: {
        parentsGroup: options.parentsGroup,
        resolveChild: (uid) => {
          const profile = store.profiles.getByUid(uid);
          return profile ? { profileId: profile.id, profileName: profile.name } : null;
        },
      },
    });
  } catch (error) {
    enforcer?.close();
    monitors.close();
    store.close();
    throw error;
  }

  const liveServer = server;
  const liveEnforcer = enforcer;
  const tickMetrics: LiveMetrics[] = [];
  pipeline.on('metrics', (m) => {
    tickMetrics.push(m);
    liveEnforcer.onMetrics(m);
  });
  pipeline.on('excessive_io', (notice) => liveEnforcer.onExcessiveIo(notice));

  let lastStatusJson = '';
  const pushMonitorStatus = (statuses: MonitorStatus[]) => {
    const json = JSON.stringify(statuses.map((s) => [s.name, s.state, s.reasons, s.probesAttached]));
    if (json !== lastStatusJson) liveServer.publish('monitors', statuses);
    lastStatusJson = json;
  };

  const every = (ms: number, what: string, work: () => void) =>
    setInterval(() => {
      try {
        work();
      } catch (error) {
        log.error(`${what} failed: ${(error as Error).stack ?? error}`);
      }
    }, ms);

  const timers = [
    every(options.sampleIntervalMs ?? 1000, 'sampling', () => {
      const now = Date.now();
      monitors.sampleAggregates(now);
      tickMetrics.length = 0;
      pipeline.tick(now);
      if (tickMetrics.length) {
        liveServer.publish('metrics', [...tickMetrics]);
        options.onMetrics?.([...tickMetrics]);
      }
      liveEnforcer.evaluate(now);
    }),
    every(PENDING_SWEEP_EVERY_MS, 'PENDING_IO sweep', () => monitors.sweepPendingIo()),
    every(STATUS_PUSH_EVERY_MS, 'monitor status push', () => pushMonitorStatus(monitors.statuses())),
    every(PRUNE_EVERY_MS, 'retention', () => {
      const pruned = store.prune(Date.now());
      log.info(`retention: ${JSON.stringify(pruned)}`);
    }),
  ];

  log.info(`listening on ${options.socketPath}; database ${options.dbPath} (schema v${store.schemaVersion})`);

  let closing: Promise<void> | null = null;
  return {
    store,
    monitors,
    pipeline,
    enforcer: liveEnforcer,
    server: liveServer,
    close() {
      closing ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        await liveServer.close();
        // Last records and samples, so nothing measured before the stop is lost.
        monitors.drain();
        monitors.sampleAggregates(Date.now());
        liveEnforcer.close();
        monitors.close();
        store.close();
        log.info('stopped: programs detached, pending writes flushed');
      })();
      return closing;
    },
  };
}
