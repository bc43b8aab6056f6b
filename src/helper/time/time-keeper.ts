// Time rules at run time. Every sample interval, per profile: evaluates its rules against the clock and today's
// usage (evaluate-time.ts), and acts on what changed —
// - the account's time is over (outside allowed hours, or the day's screen time used up): the child's desktop is told,
//   new programs are denied at exec in the kernel (ACCOUNT_EXEC_DENIED), the running ones are ended (SIGTERM, then
//   SIGKILL), and the parent gets a warning alert; when time opens again, exec is allowed again;
// - an app's budget is used up: its processes are ended, and ended again at each new launch until midnight;
// - time is running out: the child's desktop and the parent (info alert) are warned, once per threshold.
// Alerts also reach the child's own DOTS clients: the server pushes a profile's alerts to its child subscribers.
import type { ProcessExecEvent } from '../../shared/events.js';
import type { Alert, AlertKind, AlertSeverity, Profile } from '../../shared/model.js';
import {
  appComm,
  hasTimeRules,
  timeRulesOf,
  type AppTimeBudget,
  type TimeStatus,
} from '../../shared/time-rules.js';
import type { Logger } from '../log.js';
import type { Pipeline } from '../pipeline/index.js';
import type { Store } from '../store/index.js';
import { dueWarnings, evaluateTime, type StopReason, type TimeDecision } from './evaluate-time.js';
import { DesktopNotifier, type DesktopNotice } from './notify.js';
import { ProcessTerminator, processesOfAccounts, readProcess, type ProcessInfo } from './terminate.js';
import { TodayUsage } from './today-usage.js';
import { accountStopMessage, accountStopNotice, appStopWording, relaunchWording, warningWording } from './wording.js';
import { systemZone, type TimeZone } from './zone.js';

export interface TimeKeeperOptions {
  store: Pick<Store, 'rollups' | 'alerts'>;
  pipeline: Pick<Pipeline, 'processes'>;
  log: Logger;
  publishAlert: (alert: Alert) => void;
  /** Pushes the profile's accounts into the kernel with ACCOUNT_EXEC_DENIED set or cleared. */
  setExecDenied: (profile: Profile, denied: boolean) => void;
  zone?: TimeZone;
  /** SIGTERM → SIGKILL. Default 3000 ms. */
  graceMs?: number;
  notifier?: DesktopNotifier;
  /** For tests: a fake /proc and signal sender. */
  procRoot?: string;
  kill?: (pid: number, signal: NodeJS.Signals) => void;
}

/** While something is stopped, /proc is searched this often for processes the monitors did not report. */
const RESCAN_MS = 5000;

interface Relaunches {
  count: number;
  latest: string;
  pid: number;
}

interface ProfileTimeState {
  dayStartMs: number;
  /** Why the account is denied now; null while it may run. */
  stop: StopReason | null;
  /** Comms of apps whose budget is used up today. */
  exhausted: Map<string, AppTimeBudget>;
  /** Warnings given (evaluate-time warningKey). */
  given: Set<string>;
  lastScanMs: number;
  /** Launches the kernel or the helper stopped since the last evaluation, by alert key. */
  relaunches: Map<string, Relaunches>;
  uids: Set<number>;
}

export class TimeKeeper {
  readonly notifier: DesktopNotifier;
  private readonly terminator: ProcessTerminator;
  private readonly usage: TodayUsage;
  private readonly zone: TimeZone;
  private readonly states = new Map<number, ProfileTimeState>();

  constructor(private readonly options: TimeKeeperOptions) {
    this.zone = options.zone ?? systemZone;
    this.notifier = options.notifier ?? new DesktopNotifier({ log: options.log.child('notify') });
    const { log, graceMs, procRoot, kill } = options;
    this.terminator = new ProcessTerminator({ log, graceMs, procRoot, kill });
    this.usage = new TodayUsage({ rollups: options.store.rollups, zone: this.zone });
  }

  /** Whether the profile's accounts are denied at exec now (what applyProfile pushes into the kernel). */
  execDenied(profileId: number): boolean {
    return (this.states.get(profileId)?.stop ?? null) !== null;
  }

  /** Today's time for the child and the parent. */
  status(profile: Profile, nowMs: number): TimeStatus {
    return this.decide(profile, nowMs).status;
  }

  /** Evaluates one profile's time rules at `nowMs` and enforces what changed. Returns the alerts it raised. */
  evaluate(profile: Profile, nowMs: number): Alert[] {
    try {
      return this.evaluateProfile(profile, nowMs);
    } catch (error) {
      // One profile's failure (a store error, say) must not stop the others' evaluation or a limits change.
      this.options.log.error(`time rules of ${profile.name}: ${(error as Error).stack ?? error}`);
      return [];
    }
  }

  private evaluateProfile(profile: Profile, nowMs: number): Alert[] {
    const rules = timeRulesOf(profile.limits);
    const state = this.stateOf(profile);
    if (!hasTimeRules(rules)) {
      if (state.stop !== null) this.reopen(profile, state);
      state.exhausted.clear();
      return [];
    }
    for (const uid of state.uids) void this.notifier.prepare(uid);
    const decision = this.decide(profile, nowMs);
    if (decision.dayStartMs !== state.dayStartMs) {
      state.dayStartMs = decision.dayStartMs;
      state.given.clear();
      state.exhausted.clear();
    }
    const alerts: Alert[] = [];
    const rescan = nowMs - state.lastScanMs >= RESCAN_MS;

    if (decision.accountStop !== state.stop) {
      if (decision.accountStop === null) this.reopen(profile, state);
      else alerts.push(this.stopAccount(profile, state, decision, nowMs));
    } else if (state.stop !== null && rescan) {
      this.endAccount(state, `time is over (${state.stop})`);
      state.lastScanMs = nowMs;
    }

    if (state.stop === null) alerts.push(...this.enforceAppBudgets(profile, state, decision, nowMs, rescan));
    alerts.push(...this.foldRelaunches(profile, state, nowMs));
    alerts.push(...this.warn(profile, state, decision, nowMs, rules.warnMinutesBefore));
    return alerts;
  }

  /** A new program of a watched account: the kernel may have denied it; an app out of time is ended at once. */
  onExec(event: ProcessExecEvent): void {
    const state = this.states.get(event.profileId);
    if (!state) return;
    if (event.enforcement === 'killed_denied') {
      this.countRelaunch(state, `time:${state.stop ?? 'allowed_hours'}:stop`, event);
      return;
    }
    if (event.enforcement === 'killed_blocked' || state.stop !== null) return;
    const budget = state.exhausted.get(event.comm);
    if (!budget) return;
    const target = readProcess(event.pid, this.options.procRoot);
    if (!target || target.comm !== event.comm || !isChildProcess(state, target)) return;
    for (const ended of this.terminator.end([target], `${budget.app} is out of time for today`)) {
      this.countRelaunch(state, appAlertKey(event.comm), ended);
    }
  }

  forget(profileId: number): void {
    this.states.delete(profileId);
    this.usage.forget(profileId);
  }

  close(): void {
    this.terminator.close();
  }

  private decide(profile: Profile, nowMs: number): TimeDecision {
    const rules = timeRulesOf(profile.limits);
    return evaluateTime({
      rules,
      nowMs,
      zone: this.zone,
      usage: this.usage.read(profile.id, nowMs),
      runningComms: new Set(this.options.pipeline.processes(profile.id).map((p) => p.comm)),
    });
  }

  private stateOf(profile: Profile): ProfileTimeState {
    let state = this.states.get(profile.id);
    if (!state) {
      state = {
        dayStartMs: 0,
        stop: null,
        exhausted: new Map(),
        given: new Set(),
        lastScanMs: 0,
        relaunches: new Map(),
        uids: new Set(),
      };
      this.states.set(profile.id, state);
    }
    state.uids = new Set(profile.accounts.map((a) => a.uid));
    return state;
  }

  private stopAccount(profile: Profile, state: ProfileTimeState, decision: TimeDecision, nowMs: number): Alert {
    const reason = decision.accountStop!;
    const budgetSeconds = timeRulesOf(profile.limits).screenTimeSecondsPerDay;
    const ctx = { reason, nextChangeMs: decision.status.nextChangeMs, budgetSeconds, nowMs, zone: this.zone };
    // Told first: once the account is denied at exec, notify-send (run as the child) could not start.
    this.notifyChild(state, accountStopNotice(ctx));
    state.stop = reason;
    this.options.setExecDenied(profile, true);
    const why = reason === 'allowed_hours' ? 'outside allowed hours' : 'screen time used up';
    const stopped = this.endAccount(state, why);
    state.lastScanMs = nowMs;
    return this.raise(profile, `time:${reason}:stop`, {
      kind: reason,
      severity: 'warning',
      message: accountStopMessage(ctx, stopped),
      ...(reason === 'screen_time'
        ? { measured: minutes(decision.status.screenTimeUsedSeconds), limit: minutes(budgetSeconds ?? 0), unit: 'min' }
        : { measured: stopped, limit: 0, unit: 'processes' }),
      comm: null,
      timeMs: nowMs,
    });
  }

  private reopen(profile: Profile, state: ProfileTimeState): void {
    this.options.log.info(`${profile.name}: time open again (was ${state.stop}); programs may start`);
    state.stop = null;
    this.options.setExecDenied(profile, false);
  }

  /** Ends every process of the profile's accounts except the helper's own notices. Returns how many. */
  private endAccount(state: ProfileTimeState, why: string): number {
    const targets = processesOfAccounts(state.uids, this.options.procRoot).filter(
      (p) => !this.notifier.ownPids.has(p.pid),
    );
    return this.terminator.end(targets, why).length;
  }

  private enforceAppBudgets(
    profile: Profile,
    state: ProfileTimeState,
    decision: TimeDecision,
    nowMs: number,
    rescan: boolean,
  ): Alert[] {
    const alerts: Alert[] = [];
    const exhaustedNow = new Map(decision.exhaustedApps.map((b) => [appComm(b.app), b]));
    // A budget raised (or removed) today lets the app run again.
    for (const comm of state.exhausted.keys()) if (!exhaustedNow.has(comm)) state.exhausted.delete(comm);
    if (exhaustedNow.size === 0) return alerts;

    const newly = [...exhaustedNow.keys()].filter((comm) => !state.exhausted.has(comm));
    // The monitors' live processes each time; all of /proc when an app just ran out, and every few seconds.
    const ofChild = (p: ProcessInfo | null): p is ProcessInfo => p !== null && isChildProcess(state, p);
    const candidates: ProcessInfo[] =
      rescan || newly.length > 0
        ? processesOfAccounts(state.uids, this.options.procRoot)
        : this.options.pipeline
            .processes(profile.id)
            .filter((p) => exhaustedNow.has(p.comm))
            .map((p) => readProcess(p.pid, this.options.procRoot))
            .filter(ofChild);
    if (rescan) state.lastScanMs = nowMs;

    for (const [comm, budget] of exhaustedNow) {
      const isNew = !state.exhausted.has(comm);
      const wording = appStopWording(budget.app, budget.secondsPerDay);
      if (isNew) this.notifyChild(state, wording.notice);
      const targets = candidates.filter((p) => p.comm === comm && !this.notifier.ownPids.has(p.pid));
      const ended = this.terminator.end(targets, `${budget.app} is out of time for today`);
      if (!isNew) {
        // Started again since it ran out (found here before its exec event was handled): a relaunch too.
        for (const target of ended) this.countRelaunch(state, appAlertKey(comm), target);
        continue;
      }
      state.exhausted.set(comm, budget);
      const used = decision.status.apps.find((a) => appComm(a.app) === comm)?.usedSeconds ?? budget.secondsPerDay;
      alerts.push(
        this.raise(profile, appAlertKey(comm), {
          kind: 'screen_time',
          severity: 'warning',
          message: wording.message,
          measured: minutes(used),
          limit: minutes(budget.secondsPerDay),
          unit: 'min',
          comm,
          timeMs: nowMs,
        }),
      );
    }
    return alerts;
  }

  private warn(
    profile: Profile,
    state: ProfileTimeState,
    decision: TimeDecision,
    nowMs: number,
    warnMinutesBefore: readonly number[],
  ): Alert[] {
    const alerts: Alert[] = [];
    for (const due of dueWarnings(decision.countdowns, warnMinutesBefore, state.given)) {
      for (const key of due.keys) state.given.add(key);
      const wording = warningWording(due.countdown, nowMs, this.zone);
      this.notifyChild(state, wording.notice);
      alerts.push(
        this.raise(profile, `time:${due.countdown.key}#${due.minutes}`, {
          kind: due.countdown.kind,
          severity: 'info',
          message: wording.message,
          measured: minutes(due.countdown.leftSeconds),
          limit: due.minutes,
          unit: 'min left',
          comm: due.countdown.app === null ? null : appComm(due.countdown.app),
          timeMs: nowMs,
        }),
      );
    }
    return alerts;
  }

  private countRelaunch(state: ProfileTimeState, key: string, launch: { comm: string; pid: number }): void {
    const entry = state.relaunches.get(key) ?? { count: 0, latest: launch.comm, pid: launch.pid };
    entry.count++;
    entry.latest = launch.comm;
    entry.pid = launch.pid;
    state.relaunches.set(key, entry);
  }

  /** Launches stopped since the last evaluation fold into the stop alert they belong to (one update per key). */
  private foldRelaunches(profile: Profile, state: ProfileTimeState, nowMs: number): Alert[] {
    const alerts: Alert[] = [];
    for (const [key, entry] of state.relaunches) {
      const app = key.startsWith('time:app:');
      const reason: StopReason | 'app' = app ? 'app' : key.includes('screen_time') ? 'screen_time' : 'allowed_hours';
      alerts.push(
        this.raise(profile, key, {
          kind: reason === 'app' ? 'screen_time' : reason,
          severity: 'warning',
          message: relaunchWording(entry.latest, entry.count, reason),
          measured: entry.count,
          limit: 0,
          unit: 'launches',
          comm: entry.latest,
          pid: entry.pid,
          timeMs: nowMs,
        }),
      );
    }
    state.relaunches.clear();
    return alerts;
  }

  private notifyChild(state: ProfileTimeState, notice: DesktopNotice): void {
    for (const uid of state.uids) this.notifier.notify(uid, notice);
  }

  private raise(
    profile: Profile,
    dedupKey: string,
    alert: {
      kind: AlertKind;
      severity: AlertSeverity;
      message: string;
      measured: number;
      limit: number;
      unit: string;
      comm: string | null;
      pid?: number;
      timeMs: number;
    },
  ): Alert {
    const { alert: stored } = this.options.store.alerts.upsert(dedupKey, {
      profileId: profile.id,
      ...alert,
      pid: alert.pid ?? null,
    });
    this.options.publishAlert(stored);
    return stored;
  }
}

/** The same test processesOfAccounts applies: started by (real uid) or running as (effective uid) the child. */
function isChildProcess(state: ProfileTimeState, process: ProcessInfo): boolean {
  return state.uids.has(process.realUid) || state.uids.has(process.effectiveUid);
}

function appAlertKey(comm: string): string {
  return `time:app:${comm}:stop`;
}

const minutes = (seconds: number) => Math.round((seconds / 60) * 10) / 10;

