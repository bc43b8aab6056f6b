// The TimeKeeper's decisions and actions with its I/O faked: a fake /proc, recorded signals, recorded notices,
// an in-memory alert store. The real kernel, accounts and signals are in test/integration/time-rules.test.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/helper/log.js';
import type { NewAlert } from '../../../src/helper/store/index.js';
import { DesktopNotifier, type DesktopNotice } from '../../../src/helper/time/notify.js';
import { TimeKeeper } from '../../../src/helper/time/time-keeper.js';
import { fixedZone } from '../../../src/helper/time/zone.js';
import type { ProcessExecEvent } from '../../../src/shared/events.js';
import { NO_LIMITS, type Alert, type Profile, type UsageRollup } from '../../../src/shared/model.js';
import { NO_TIME_RULES, type TimeRules } from '../../../src/shared/time-rules.js';
import { appRow } from './usage-fixtures.js';

const UID = 1001;
const MON_17 = Date.UTC(2025, 5, 2, 17);
const MIDNIGHT = Date.UTC(2025, 5, 2);

class RecordingNotifier extends DesktopNotifier {
  notices: Array<{ uid: number; notice: DesktopNotice }> = [];
  override notify(uid: number, notice: DesktopNotice): boolean {
    this.notices.push({ uid, notice });
    return true;
  }
  override async prepare(): Promise<void> {}
}

function fakeProc(root: string, pid: number, comm: string, uid = UID): void {
  mkdirSync(path.join(root, String(pid)), { recursive: true });
  const fields = ['S', '1', String(pid), String(pid), '0', '-1', '0', ...Array(12).fill('0'), String(pid * 10), '0'];
  writeFileSync(path.join(root, String(pid), 'stat'), `${pid} (${comm}) ${fields.join(' ')}\n`);
  writeFileSync(path.join(root, String(pid), 'status'), `Uid:\t${uid}\t${uid}\t${uid}\t${uid}\n`);
}

function profileWith(rules: TimeRules): Profile {
  return {
    id: 1,
    name: 'Robin',
    accounts: [{ uid: UID, username: 'robin' }],
    limits: { ...NO_LIMITS, time: rules },
    createdAtMs: 0,
    updatedAtMs: 0,
  };
}

const everyDay = (windows: string[]) => ({
  days: { mon: windows, tue: windows, wed: windows, thu: windows, fri: windows, sat: windows, sun: windows },
  holidays: { dates: [], windows: [] },
});

describe('TimeKeeper', () => {
  let root: string;
  let rows: UsageRollup[];
  let running: Array<{ pid: number; comm: string }>;
  let signals: string[];
  let denied: boolean[];
  let stored: Array<NewAlert & { key: string }>;
  let pushed: Alert[];
  let notifier: RecordingNotifier;
  let keeper: TimeKeeper;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'dots-keeper-'));
    rows = [];
    running = [];
    signals = [];
    denied = [];
    stored = [];
    pushed = [];
    notifier = new RecordingNotifier({ log: silentLogger });
    keeper = new TimeKeeper({
      store: {
        rollups: {
          listByApp: ({ fromMs, toMs }: { fromMs: number; toMs: number }) =>
            rows.filter((r) => r.startMs >= fromMs && r.startMs < toMs),
        },
        alerts: {
          upsert: (key: string, alert: NewAlert) => {
            stored.push({ ...alert, key });
            const full = { ...alert, id: stored.length, occurrences: 1, acknowledged: false, pid: null, comm: null };
            return { alert: { ...full, ...alert, dedupKey: key, lastTimeMs: alert.timeMs } as never, created: true };
          },
        },
      } as never,
      pipeline: { processes: () => running as never },
      log: silentLogger,
      publishAlert: (alert) => void pushed.push(alert),
      setExecDenied: (_profile, value) => void denied.push(value),
      zone: fixedZone(0),
      notifier,
      procRoot: root,
      kill: (pid, signal) => void signals.push(`${pid}:${signal}`),
    });
  });
  afterEach(() => {
    keeper.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('leaves a profile without rules alone', () => {
    fakeProc(root, 100, 'firefox');
    expect(keeper.evaluate(profileWith(NO_TIME_RULES), MON_17)).toEqual([]);
    expect(signals).toEqual([]);
    expect(keeper.execDenied(1)).toBe(false);
  });

  it('outside allowed hours: tells the child, denies exec, ends every program, alerts the parent once', () => {
    fakeProc(root, 100, 'firefox');
    fakeProc(root, 101, 'bash');
    fakeProc(root, 200, 'sshd', 0);
    const profile = profileWith({ ...NO_TIME_RULES, allowedHours: everyDay(['08:00-12:00']) });
    const alerts = keeper.evaluate(profile, MON_17);
    expect(denied).toEqual([true]);
    expect(keeper.execDenied(1)).toBe(true);
    expect(signals.sort()).toEqual(['100:SIGTERM', '101:SIGTERM']);
    expect(notifier.notices).toEqual([
      { uid: UID, notice: expect.objectContaining({ urgency: 'critical', body: expect.stringContaining('Computer time is over') }) },
    ]);
    expect(alerts).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      kind: 'allowed_hours',
      severity: 'warning',
      message: 'Outside allowed hours (allowed again Tue 08:00): 2 programs were stopped',
      measured: 2,
    });
    expect(pushed).toHaveLength(1);
    // still outside: nothing new
    expect(keeper.evaluate(profile, MON_17 + 1000)).toEqual([]);
    expect(denied).toEqual([true]);
  });

  it('allows exec again when the window opens', () => {
    const profile = profileWith({ ...NO_TIME_RULES, allowedHours: everyDay(['08:00-12:00']) });
    keeper.evaluate(profile, Date.UTC(2025, 5, 2, 7, 59));
    keeper.evaluate(profile, Date.UTC(2025, 5, 2, 8, 0));
    expect(denied).toEqual([true, false]);
    expect(keeper.execDenied(1)).toBe(false);
  });

  it('ends a program whose budget is used up, and again when it is started later', () => {
    rows = [appRow('supertux2', MIDNIGHT + 3_600_000, 60)];
    fakeProc(root, 300, 'supertux2');
    fakeProc(root, 301, 'firefox');
    const profile = profileWith({ ...NO_TIME_RULES, appBudgets: [{ app: 'supertux2', secondsPerDay: 60 }] });
    const [alert] = keeper.evaluate(profile, MON_17);
    expect(signals).toEqual(['300:SIGTERM']);
    expect(denied).toEqual([]);
    expect(alert).toMatchObject({ kind: 'screen_time', severity: 'warning', comm: 'supertux2' });
    expect(stored[0]!.message).toBe('supertux2 used its 1 min for today and was stopped');

    fakeProc(root, 302, 'supertux2');
    const exec = { type: 'process_exec', pid: 302, comm: 'supertux2', profileId: 1, enforcement: 'none' } as ProcessExecEvent;
    keeper.onExec(exec);
    expect(signals).toEqual(['300:SIGTERM', '302:SIGTERM']);
    const [relaunch] = keeper.evaluate(profile, MON_17 + 1000);
    expect(relaunch).toMatchObject({ kind: 'screen_time', unit: 'launches' });
    expect(stored.at(-1)!.key).toBe(stored[0]!.key); // folds into the app's alert

    // a launch the evaluation finds before its exec event is handled counts the same, once
    fakeProc(root, 303, 'supertux2');
    running = [{ pid: 303, comm: 'supertux2' }];
    const [found] = keeper.evaluate(profile, MON_17 + 2000);
    expect(found).toMatchObject({ unit: 'launches', measured: 1, pid: 303 });
    keeper.onExec({ ...exec, pid: 303 });
    expect(keeper.evaluate(profile, MON_17 + 3000)).toEqual([]);
    expect(signals).toEqual(['300:SIGTERM', '302:SIGTERM', '303:SIGTERM']);
  });

  it('warns the child and the parent once per threshold while time runs out', () => {
    rows = [appRow('firefox', MIDNIGHT + 16 * 3_600_000, 60)];
    running = [{ pid: 301, comm: 'firefox' }];
    const profile = profileWith({ ...NO_TIME_RULES, screenTimeSecondsPerDay: 60 + 9 * 60 });
    const [warning] = keeper.evaluate(profile, MON_17);
    expect(warning).toMatchObject({ kind: 'screen_time', severity: 'info', measured: 9, limit: 10 });
    expect(notifier.notices.map((n) => n.notice.body)).toEqual(['9 min of screen time left today. Save your work.']);
    expect(keeper.evaluate(profile, MON_17 + 1000)).toEqual([]);
  });

  it('folds launches the kernel denied into the stop alert', () => {
    const profile = profileWith({ ...NO_TIME_RULES, allowedHours: everyDay(['08:00-12:00']) });
    keeper.evaluate(profile, MON_17);
    const denial = { type: 'process_exec', pid: 400, comm: 'steam', profileId: 1, enforcement: 'killed_denied' };
    keeper.onExec(denial as ProcessExecEvent);
    keeper.onExec({ ...denial, pid: 401 } as ProcessExecEvent);
    const [folded] = keeper.evaluate(profile, MON_17 + 1000);
    expect(folded).toMatchObject({ kind: 'allowed_hours', measured: 2, unit: 'launches' });
    expect(stored.at(-1)!.message).toBe('steam was started outside allowed hours and stopped at launch (2 attempts)');
    expect(stored.at(-1)!.key).toBe(stored[0]!.key);
  });

  it('reports the status a child reads', () => {
    rows = [appRow('sleep', MIDNIGHT, 30)];
    const profile = profileWith({ ...NO_TIME_RULES, appBudgets: [{ app: 'sleep', secondsPerDay: 50 }] });
    expect(keeper.status(profile, MON_17)).toEqual({
      allowedNow: true,
      nextChangeMs: null,
      screenTimeUsedSeconds: 30,
      screenTimeLeftSeconds: null,
      apps: [{ app: 'sleep', usedSeconds: 30, leftSeconds: 20 }],
    });
  });
});
