// The policy layer at run time: pushes each profile's limits into the kernel (watched accounts, network buckets,
// disk throttles, blocked programs), reacts to execs (cgroup adoption, held-exec checks), and every sample interval
// evaluates the limits against what was measured, passing breaches through the alert gate into stored, pushed
// alerts. Evaluation itself is pure (evaluate.ts); this file is the I/O around it.
import type { MonitorEvent } from '../../shared/events.js';
import type { Alert, LiveMetrics, Profile } from '../../shared/model.js';
import type { MonitorSet } from '../bpf/monitor-set.js';
import type { Logger } from '../log.js';
import type { ExcessiveIoNotice, Pipeline } from '../pipeline/index.js';
import type { Store } from '../store/index.js';
import { TimeKeeper } from '../time/time-keeper.js';
import { AlertGate } from './alert-gate.js';
import { BlockedApps, type ExecDecision } from './blocked-apps.js';
import { DiskThrottle } from './disk-throttle.js';
import { evaluatePolicy, type Breach } from './evaluate.js';
import { diskRatesFromLimits, networkRatesFromLimits, watchedAccountFromLimits } from './limits-to-kernel.js';
import { NetworkLimiter } from './network-limiter.js';

export interface EnforcerOptions {
  monitors: MonitorSet;
  store: Store;
  pipeline: Pipeline;
  log: Logger;
  publishAlert: (alert: Alert) => void;
  objectDir?: string;
  now?: () => number;
}

/** Metrics kept per profile for rate averaging: the last few sample intervals. */
const METRICS_HISTORY = 5;
/** Events buffered between evaluations; beyond it the oldest are dropped (they were already stored). */
const MAX_PENDING_EVENTS = 50_000;

export class Enforcer {
  readonly networkLimiter: NetworkLimiter;
  readonly diskThrottle: DiskThrottle;
  /** Allowed hours and daily budgets: exec denial, ending programs, warnings (src/helper/time). */
  readonly time: TimeKeeper;
  private blockedApps: BlockedApps | null = null;
  private readonly gate: AlertGate;
  private pendingEvents: MonitorEvent[] = [];
  private pendingDecisions: ExecDecision[] = [];
  private metrics = new Map<number, LiveMetrics[]>();
  private throttledBytes = new Map<string, number>();
  /** uid → profile id of every account currently pushed into the kernel. */
  private applied = new Map<number, number>();

  constructor(private readonly options: EnforcerOptions) {
    const log = options.log;
    this.networkLimiter = new NetworkLimiter({ log: log.child('network-limiter'), objectDir: options.objectDir });
    this.diskThrottle = new DiskThrottle({ log: log.child('disk-throttle') });
    this.gate = new AlertGate({ now: options.now ?? Date.now });
    this.time = new TimeKeeper({
      store: options.store,
      pipeline: options.pipeline,
      log: log.child('time'),
      publishAlert: options.publishAlert,
      setExecDenied: (profile, denied) => {
        for (const { uid } of profile.accounts) {
          options.monitors.watch(uid, watchedAccountFromLimits(profile.id, profile.limits, { execDenied: denied }));
        }
      },
    });
  }

  /** Starts the enforcement mechanisms this machine offers and applies every stored profile. */
  async start(): Promise<void> {
    const network = this.networkLimiter.start();
    if (!network.available) this.options.log.warn(network.reason ?? 'network limits are not enforced');
    const disk = this.diskThrottle.start();
    if (!disk.available) this.options.log.warn(`disk bandwidth limits are alerted only: ${disk.reason}`);
    await this.reapplyAll();
  }

  /** Re-reads the process monitor's maps (after it was enabled again) and applies every profile. */
  async reapplyAll(): Promise<void> {
    const processMonitor = this.options.monitors.monitor('process-monitor');
    this.blockedApps = processMonitor.loaded
      ? BlockedApps.forMonitor(processMonitor, { log: this.options.log.child('blocked-apps') })
      : null;
    for (const profile of this.options.store.profiles.list()) await this.applyProfile(profile);
  }

  /** Pushes one profile's accounts and limits into the kernel; accounts that left it are released. */
  async applyProfile(profile: Profile): Promise<void> {
    const { monitors, log } = this.options;
    const limits = profile.limits;
    const uids = new Set(profile.accounts.map((a) => a.uid));
    for (const [uid, profileId] of this.applied) {
      if (profileId === profile.id && !uids.has(uid)) this.releaseAccount(uid);
    }
    const network = networkRatesFromLimits(limits);
    const disk = diskRatesFromLimits(limits);
    this.diskThrottle.setLimit(profile.id, disk);
    for (const uid of uids) {
      const execDenied = this.time.execDenied(profile.id); // outside allowed hours or out of screen time
      monitors.watch(uid, watchedAccountFromLimits(profile.id, limits, { execDenied }));
      this.networkLimiter.setLimit(uid, profile.id, network.uploadBytesPerSecond, network.downloadBytesPerSecond);
      if (disk.readBytesPerSecond !== null || disk.writeBytesPerSecond !== null) {
        this.diskThrottle.adoptExisting(uid, profile.id);
      }
      this.applied.set(uid, profile.id);
    }
    if (this.blockedApps) {
      try {
        await this.blockedApps.setProfileBlocks(profile.id, limits.blockedApps);
      } catch (error) {
        log.warn(`blocked apps of profile ${profile.name}: ${(error as Error).message}`);
      }
    }
    // New rules take effect now: a window that just closed stops the child's programs without waiting a tick.
    this.time.evaluate(profile, (this.options.now ?? Date.now)());
  }

  /** Stops watching and limiting an account (it left its profile, or the profile was deleted). */
  releaseAccount(uid: number): void {
    this.options.monitors.unwatch(uid);
    this.networkLimiter.clear(uid);
    this.applied.delete(uid);
  }

  async removeProfile(profile: Profile): Promise<void> {
    for (const account of profile.accounts) this.releaseAccount(account.uid);
    this.diskThrottle.clear(profile.id);
    if (this.blockedApps) await this.blockedApps.setProfileBlocks(profile.id, []);
    this.metrics.delete(profile.id);
    this.time.forget(profile.id);
  }

  /** Resolves what a parent typed into a blockable program (path, size, hash). */
  async resolveApp(typed: string) {
    if (!this.blockedApps) throw new Error('the process monitor is disabled, so programs cannot be blocked');
    return this.blockedApps.resolve(typed);
  }

  /** Every monitor event passes here (after the pipeline). */
  onEvent(event: MonitorEvent): void {
    if (this.pendingEvents.length < MAX_PENDING_EVENTS) this.pendingEvents.push(event);
    if (event.type !== 'process_exec') return;
    this.time.onExec(event);
    this.diskThrottle.adopt(event.pid, event.profileId);
    this.blockedApps
      ?.handleExec(event)
      .then((decision) => {
        if (decision && decision.action === 'killed') this.pendingDecisions.push(decision);
      })
      .catch((error) => this.options.log.warn(`blocked-app check of pid ${event.pid}: ${(error as Error).message}`));
  }

  onMetrics(live: LiveMetrics): void {
    const history = this.metrics.get(live.profileId) ?? [];
    history.push(live);
    if (history.length > METRICS_HISTORY) history.shift();
    this.metrics.set(live.profileId, history);
  }

  /** Evaluates every profile's limits against what happened since the last call. */
  evaluate(nowMs: number): Alert[] {
    const events = this.pendingEvents;
    const decisions = this.pendingDecisions;
    this.pendingEvents = [];
    this.pendingDecisions = [];
    const throttled = this.throttledSinceLastCall();
    const enforcement = { network: this.networkLimiter.status().available, diskBandwidth: this.diskThrottle.available };
    const raised: Alert[] = [];
    for (const profile of this.options.store.profiles.list()) {
      const breaches = evaluatePolicy({
        profileId: profile.id,
        limits: profile.limits,
        nowMs,
        metrics: this.metrics.get(profile.id) ?? [],
        events,
        blockDecisions: decisions,
        networkThrottledBytes: throttled.get(profile.id),
        enforcement,
      });
      for (const { breach, decision } of this.gate.offerAll(breaches)) {
        if (decision.action === 'suppress') continue;
        raised.push(this.storeAlert(breach, decision.key));
      }
      raised.push(...this.time.evaluate(profile, nowMs));
    }
    return raised;
  }

  /** A sustained-I/O notice from the pipeline: stored (folded by the store while unacknowledged) and pushed. */
  onExcessiveIo(notice: ExcessiveIoNotice): void {
    const mbps = (notice.bytesPerSecond * 8) / 1e6;
    const top = notice.topProcess ? ` (mostly ${notice.topProcess.comm}, pid ${notice.topProcess.pid})` : '';
    const { alert } = this.options.store.alerts.upsert(`excessive_io:${notice.profileId}`, {
      profileId: notice.profileId,
      kind: 'excessive_io',
      severity: 'warning',
      message: `Disk activity stayed at ${mbps.toFixed(1)} Mbps for ${Math.round(notice.sustainedMs / 1000)} s${top}`,
      measured: Math.round(mbps * 100) / 100,
      limit: Math.round(((notice.thresholdBytesPerSecond * 8) / 1e6) * 100) / 100,
      unit: 'Mbps',
      pid: notice.topProcess?.pid ?? null,
      comm: notice.topProcess?.comm ?? null,
      timeMs: notice.timeMs,
    });
    this.options.publishAlert(alert);
  }

  private storeAlert(breach: Breach, dedupKey: string): Alert {
    const { alert } = this.options.store.alerts.upsert(dedupKey, {
      profileId: breach.profileId,
      kind: breach.kind,
      severity: breach.severity,
      message: breach.message,
      measured: breach.measured,
      limit: breach.limit,
      unit: breach.unit,
      pid: breach.pid,
      comm: breach.comm,
      timeMs: breach.timeMs,
    });
    this.options.publishAlert(alert);
    return alert;
  }

  /** Bytes the network limiter dropped per profile since the previous call (its counters are cumulative). */
  private throttledSinceLastCall(): Map<number, { upload: number; download: number }> {
    const out = new Map<number, { upload: number; download: number }>();
    for (const s of this.networkLimiter.stats()) {
      const key = `${s.profileId}:${s.direction}`;
      const delta = Math.max(0, s.droppedBytes - (this.throttledBytes.get(key) ?? 0));
      this.throttledBytes.set(key, s.droppedBytes);
      const entry = out.get(s.profileId) ?? { upload: 0, download: 0 };
      entry[s.direction] += delta;
      out.set(s.profileId, entry);
    }
    return out;
  }

  /**
   * Stops enforcing from this process. keepAttached: what is pinned in the kernel (network limits, blocked-program
   * entries, disk throttle groups, exec denial) stays in force for the next helper, so a restart leaves no gap;
   * only this process's timers stop (pending SIGKILLs after a grace: the next helper evaluates the rules again).
   */
  close({ keepAttached = false }: { keepAttached?: boolean } = {}): void {
    this.time.close();
    if (keepAttached) {
      this.networkLimiter.close({ keepPinned: true });
      return;
    }
    this.networkLimiter.close();
    this.diskThrottle.close();
    this.blockedApps?.clear();
  }
}
