// The helper daemon: store, monitors, pipeline, policy and the socket server, wired together and driven by one
// sample timer. `startHelper` is used by the CLI (foreground daemon) and in-process by the end-to-end tests.
import { readFileSync } from 'node:fs';
import type { MonitorStatus } from '../shared/events.js';
import type { Alert, LiveMetrics } from '../shared/model.js';
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
import { reportHandlers } from './service/report-handlers.js';
import { timeHandlers, withAgePresets } from './service/time-handlers.js';
import { usageHandlers } from './service/usage-handlers.js';
import { openStore, type Store } from './store/index.js';
import { removeIfEmpty, removeStalePins } from './system/bpffs.js';


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
  /** Called with every alert as it is raised (the foreground console prints them). */
  onAlert?: (alert: Alert) => void;
  /**
   * bpffs directory (the CLI: /sys/fs/bpf/dots-family) where programs, links and maps are pinned so enforcement
   * outlives this process, and where a previous helper's pins are taken over. None: nothing pinned.
   */
  pinDir?: string;
  /** close() leaves everything pinned and in force for the next helper (restart, upgrade). Default false. */
  keepAttachedOnExit?: boolean;
}

export interface RunningHelper {
  readonly store: Store;
  readonly monitors: MonitorSet;
  readonly pipeline: Pipeline;
  readonly enforcer: Enforcer;
  readonly server: HelperServer;
  /**
   * Detaches every program (unless keepAttached, default options.keepAttachedOnExit: then enforcement stays in the
   * kernel for the next helper), flushes pending writes, closes the socket. Idempotent.
   */
  close(options?: { keepAttached?: boolean }): Promise<void>;
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

  const keepAttachedDefault = options.keepAttachedOnExit ?? false;
  const monitors = new MonitorSet({
    objectDir: options.objectDir,
    pinDir: options.pinDir,
    // Records left by a previous helper's programs are handled once the policy is loaded (see below).
    deferReading: true,
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
      publishAlert: (alert) => {
        server?.publish('alert', alert);
        options.onAlert?.(alert);
      },
    });
    enforcer.networkLimiter.setPinDir(monitors.pinDir);
    await enforcer.start();
    if (monitors.pinDir) {
      // Every stored profile is applied (monitors attached, limits filled, the limiter attached if any profile has a
      // network limit): what a previous helper set and the database no longer asks for goes,
      // then an older build's programs (still enforcing until now) are detached.
      const cleanup = monitors.finishAdoption();
      const unlimited = enforcer.networkLimiter.finishAdoption();
      if (cleanup.unwatchedUids.length || cleanup.staleEntriesRemoved || unlimited.length) {
        log.info(`previous helper's leftovers removed: ${JSON.stringify({ ...cleanup, unlimitedUids: unlimited })}`);
      }
      const keep = [...monitors.pinEntries(), enforcer.networkLimiter.pinEntry].filter((e) => e !== null);
      const stale = removeStalePins(monitors.pinDir, keep);
      if (stale.length) log.info(`detached what a previous helper left pinned: ${stale.join(', ')}`);
    }
    monitors.startReading();

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
    const profiles = profileHandlers(ctx);
    const handlers: HandlerTable = {
      ...profiles,
      'profiles.create': withAgePresets(ctx, profiles['profiles.create']),
      ...limitHandlers(ctx),
      ...monitorHandlers(ctx),
      ...usageHandlers(ctx),
      ...eventHandlers(ctx),
      ...alertHandlers(ctx),
      ...timeHandlers(ctx),
      ...reportHandlers(ctx),
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
    releaseKernelSide(enforcer, monitors, keepAttachedDefault);
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
    close({ keepAttached = keepAttachedDefault } = {}) {
      closing ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        await liveServer.close();
        // Last records and samples, so nothing measured before the stop is lost.
        monitors.drain();
        monitors.sampleAggregates(Date.now());
        const pinDir = monitors.pinDir;
        releaseKernelSide(liveEnforcer, monitors, keepAttached);
        store.close();
        if (keepAttached && pinDir) {
          log.info(`stopped: programs left attached under ${pinDir} for the next helper; pending writes flushed`);
        } else {
          if (pinDir) removeIfEmpty(pinDir);
          log.info('stopped: programs detached, pending writes flushed');
        }
      })();
      return closing;
    },
  };
}

/** Lets go of the kernel side; with keepAttached (and pins) everything stays in force for the next helper. */
function releaseKernelSide(enforcer: Enforcer | null, monitors: MonitorSet, keepAttached: boolean): void {
  enforcer?.close({ keepAttached: keepAttached && monitors.pinDir !== null });
  monitors.close({ keepAttached });
}
