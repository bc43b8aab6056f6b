// Time rules on the real kernel with a real child account and the real helper, driven over its socket: a program
// started outside the allowed window is killed at exec, a running one is ended when the window closes, a program
// out of its daily budget is ended (and its child's own client told), and the child reads its time left.
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHelper } from '../../src/helper/daemon.js';
import { HelperClient } from '../../src/shared/client/helper-client.js';
import type { Alert } from '../../src/shared/model.js';
import { NO_TIME_RULES, WEEKDAYS, type TimeRules } from '../../src/shared/time-rules.js';
import { createTestAccount, removeTestAccount, runAs, waitFor, type RunResult, type TestAccount } from '../support/accounts.js';
import { startTestHelper, type TestHelper } from '../support/helper-process.js';
import { kernelTestsEnabled } from '../support/kernel.js';
import { runClientAs, writeClientScript } from './server-support.js';

const CHILD = 'dots-test-time-kid';
const PROFILE = 'Timmy';
/** A copy of sleep under its own name, so its budget and its comm are this test's alone. */
const NAP = 'dots-naptime';


const clock = (date: Date) => `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;

/** The same windows every day of the week and on holidays. */
function everyDay(windows: string[]): TimeRules['allowedHours'] {
  const days = Object.fromEntries(WEEKDAYS.map((day) => [day, windows])) as Record<(typeof WEEKDAYS)[number], string[]>;
  return { days, holidays: { dates: [], windows } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!kernelTestsEnabled())('time rules on the real kernel', () => {
  let dir: string;
  let workDir: string;
  let socketPath: string;
  let testHelper: TestHelper;
  let helper: RunningHelper;
  let parent: HelperClient;
  let child: TestAccount;
  let nap: string;

  const alertsOf = async (kind: Alert['kind']) =>
    (await parent.call('alerts.list', { profile: PROFILE })).filter((a) => a.kind === kind);

  beforeAll(async () => {
    child = createTestAccount(CHILD);
    workDir = mkdtempSync('/var/tmp/dots-time-work-');
    chmodSync(workDir, 0o755);
    nap = path.join(workDir, NAP);
    copyFileSync('/usr/bin/sleep', nap);
    chmodSync(nap, 0o755);
    testHelper = await startTestHelper({ sampleIntervalMs: 250 });
    helper = testHelper.helper;
    socketPath = testHelper.socketPath;
    dir = path.dirname(socketPath);
    parent = await HelperClient.connect(socketPath);
    await parent.call('profiles.create', { name: PROFILE, usernames: [CHILD] });
  });

  afterAll(async () => {
    parent?.close();
    await testHelper?.close();
    rmSync(workDir, { recursive: true, force: true });
    removeTestAccount(CHILD);
  });

  it('ends a program when its daily budget is used up, tells the child’s own client, and ends it again at relaunch', async () => {
    await parent.call('timeRules.set', {
      profile: PROFILE,
      rules: { ...NO_TIME_RULES, appBudgets: [{ app: nap, secondsPerDay: 3 }] },
    });
    const script = writeClientScript(dir);
    let started: Promise<RunResult> | null = null;
    let startedAt = 0;
    // The child's own client subscribes to alerts; once it is listening, the program starts.
    const subscriber = runClientAs(
      script,
      socketPath,
      { requests: [{ method: 'subscribe', params: { topics: ['alerts'] } }], pushes: 2 },
      {
        uid: child.uid,
        gid: child.gid,
        onReady: () => {
          startedAt = Date.now();
          started = runAs(child, nap, ['60'], { timeoutMs: 90_000 });
        },
      },
    );
    const { pushes } = await subscriber;
    const run = await waitFor(() => started, { what: 'the program to start' });
    const ranMs = Date.now() - startedAt;
    expect(run.signal).toBe('SIGTERM');
    expect(ranMs).toBeGreaterThanOrEqual(2500);
    expect(ranMs).toBeLessThan(20_000);
    // First the warning (3 s is within the last 2 minutes as soon as it runs), then the stop.
    expect(pushes).toMatchObject([
      { push: 'alert', data: { kind: 'screen_time', comm: NAP, severity: 'info', message: `${NAP} has 3 s left today` } },
      { push: 'alert', data: { kind: 'screen_time', comm: NAP, severity: 'warning' } },
    ]);

    const [alert] = (await alertsOf('screen_time')).filter((a) => a.severity === 'warning');
    expect(alert).toMatchObject({ comm: NAP, message: `${NAP} used its 3 s for today and was stopped` });

    // Started again: ended right after launch, and folded into the same alert.
    const relaunchedAt = Date.now();
    const again = await runAs(child, nap, ['60'], { timeoutMs: 90_000 });
    expect(again.signal).toBe('SIGTERM');
    expect(Date.now() - relaunchedAt).toBeLessThan(5000);
    const stopAlert = async () => (await alertsOf('screen_time')).find((a) => a.id === alert!.id);
    await waitFor(async () => ((await stopAlert())?.occurrences ?? 0) >= 2, {
      what: 'the relaunch folded into the alert',
    });
    // Other programs still run.
    expect((await runAs(child, '/bin/true', [])).code).toBe(0);
  });

  it('lets the child read its own time left and rules, and change nothing', async () => {
    const script = writeClientScript(dir);
    const { responses } = await runClientAs(
      script,
      socketPath,
      {
        requests: [
          { method: 'self.status' },
          { method: 'timeRules.get', params: { profile: PROFILE } },
          { method: 'timeRules.status', params: { profile: PROFILE } },
          { method: 'timeRules.set', params: { profile: PROFILE, rules: NO_TIME_RULES } },
        ],
      },
      { uid: child.uid, gid: child.gid },
    );
    const [self, rules, status, set] = responses;
    expect(self).toMatchObject({ ok: true, result: { role: 'child', limits: { time: { appBudgets: [{ app: nap }] } } } });
    const time = (self!.result as { time: { allowedNow: boolean; apps: Array<{ app: string; usedSeconds: number; leftSeconds: number }> } }).time;
    expect(time.allowedNow).toBe(true);
    expect(time.apps).toEqual([{ app: nap, usedSeconds: expect.any(Number), leftSeconds: 0 }]);
    expect(time.apps[0]!.usedSeconds).toBeGreaterThanOrEqual(3);
    expect(rules).toMatchObject({ ok: true, result: { appBudgets: [{ app: nap, secondsPerDay: 3 }] } });
    expect(status).toMatchObject({ ok: true, result: { apps: [{ app: nap, leftSeconds: 0 }] } });
    expect(set).toMatchObject({ ok: false, error: { code: 'permission_denied' } });
  });

  it('kills a program started outside the allowed window at exec, and lets it run once the window is lifted', async () => {
    const later = new Date(Date.now() + 12 * 3_600_000);
    const end = new Date(later.getTime() + 60_000);
    await parent.call('timeRules.set', {
      profile: PROFILE,
      rules: { ...NO_TIME_RULES, allowedHours: everyDay([`${clock(later)}-${clock(end)}`]) },
    });
    expect(helper.monitors.watchedAccount(child.uid)).toMatchObject({ execDenied: true });
    const status = await parent.call('timeRules.status', { profile: PROFILE });
    expect(status.allowedNow).toBe(false);
    expect(status.nextChangeMs).toBeGreaterThan(Date.now());

    const run = await runAs(child, '/bin/true', []);
    expect(run.signal).toBe('SIGKILL');
    const [stopped] = await alertsOf('allowed_hours');
    expect(stopped).toMatchObject({ severity: 'warning', message: expect.stringMatching(/^Outside allowed hours/) });
    await waitFor(async () => ((await alertsOf('allowed_hours'))[0]?.occurrences ?? 0) >= 2, {
      what: 'the denied launch folded into the allowed-hours alert',
    });

    await parent.call('timeRules.set', { profile: PROFILE, rules: NO_TIME_RULES });
    expect(helper.monitors.watchedAccount(child.uid)).toMatchObject({ execDenied: false });
    expect((await runAs(child, '/bin/true', [])).code).toBe(0);
  });

  it('ends a running program when the allowed window closes, and denies new ones after', async () => {
    // Windows are whole minutes: wait until the next minute boundary is 4–10 s away, then close the window there.
    const untilSecond50 = (50_000 - (Date.now() % 60_000) + 60_000) % 60_000;
    if (untilSecond50 > 6_000) await sleep(untilSecond50);
    const now = new Date();
    const closesAt = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
    const opened = new Date(closesAt.getTime() - 5 * 60_000);
    await parent.call('timeRules.set', {
      profile: PROFILE,
      rules: { ...NO_TIME_RULES, allowedHours: everyDay([`${clock(opened)}-${clock(closesAt)}`]) },
    });
    expect(helper.monitors.watchedAccount(child.uid)).toMatchObject({ execDenied: false });

    const running = runAs(child, nap, ['120'], { timeoutMs: 90_000 });
    const run = await running;
    const endedAt = Date.now();
    expect(run.signal).toBe('SIGTERM');
    expect(endedAt).toBeGreaterThanOrEqual(closesAt.getTime());
    expect(endedAt - closesAt.getTime()).toBeLessThan(5_000);
    expect(helper.monitors.watchedAccount(child.uid)).toMatchObject({ execDenied: true });
    expect((await runAs(child, '/bin/true', [])).signal).toBe('SIGKILL');
    expect((await alertsOf('allowed_hours'))[0]!.message).toMatch(/^Outside allowed hours .*1 program was stopped/);

    await parent.call('timeRules.set', { profile: PROFILE, rules: NO_TIME_RULES });
  });
});
