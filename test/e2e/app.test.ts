// The app end to end: the built renderer in Debian's chromium, the real preload and main's AppCore in this
// process, the real helper (root, real BPF) over its real socket. A parent creates a child profile and a 200 MB
// memory limit through the UI; a real child account then runs a 300 MB process, the kernel kills it, and the
// alert has to reach the Alerts list and the notification logic. Screenshots of every view go to
// test-results/screenshots/.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHelper, type RunningHelper } from '../../src/helper/daemon.js';
import { createLogger } from '../../src/helper/log.js';
import { AppCore } from '../../src/main/app-core.js';
import { decideHelperStart } from '../../src/main/helper-launcher.js';
import { HelperConnection } from '../../src/main/helper-connection.js';
import type { Notice } from '../../src/main/notifications.js';
import { ReconnectPolicy } from '../../src/main/reconnect-policy.js';
import { HelperClient } from '../../src/shared/client/helper-client.js';
import { createTestAccount, removeTestAccount, runAs, waitFor, type TestAccount } from '../support/accounts.js';
import { BPF_OBJECT_DIR, kernelTestsEnabled } from '../support/kernel.js';
import { bridgePage } from './harness/page-bridge.js';
import { buildRenderer, serveRenderer, type RendererServer } from './harness/renderer-server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCREENSHOTS = path.join(ROOT, 'test-results/screenshots');
const RENDERER_OUT = path.join(ROOT, 'test-results/e2e-renderer');
const CHILD = 'dots-e2e-kid';
const CHILD_NAME = 'Robin';

/**
 * What the child does while the dashboard is watched (node -e, argv[1] = a writable directory on a real disk):
 * holds 120 MB, sends 256 kB every 100 ms over loopback TCP, and writes and fsyncs 1 MB every 300 ms, for 20 s.
 */
const CHILD_ACTIVITY = `
const fs = require('node:fs'), net = require('node:net'), path = require('node:path');
const memory = Buffer.alloc(120e6, 1);
const chunk = Buffer.alloc(256e3, 2);
const file = path.join(process.argv[1], 'activity-' + process.pid + '.bin');
const server = net.createServer((socket) => socket.on('data', () => {})).listen(0, '127.0.0.1', () => {
  const client = net.connect(server.address().port, '127.0.0.1');
  const send = setInterval(() => client.write(chunk), 100);
  const fd = fs.openSync(file, 'w');
  const write = setInterval(() => { fs.writeSync(fd, memory, 0, 1e6); fs.fsyncSync(fd); }, 300);
  setTimeout(() => {
    clearInterval(send); clearInterval(write); client.destroy(); server.close(); fs.closeSync(fd); fs.rmSync(file);
  }, 20000);
});
`;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe.skipIf(!kernelTestsEnabled())('DOTS Family app, end to end', () => {
  let child: TestAccount;
  let dir: string;
  let workDir: string;
  let dbPath: string;
  let socketPath: string;
  let helper: RunningHelper | null = null;
  let server: RendererServer;
  let connection: HelperConnection;
  let core: AppCore;
  let browser: Browser;
  let page: Page;
  let profileId: number;
  const notices: Notice[] = [];
  const pageProblems: string[] = [];
  const helperLog: string[] = [];

  const start = () =>
    startHelper({
      dbPath,
      socketPath,
      objectDir: BPF_OBJECT_DIR,
      sampleIntervalMs: 500,
      log: createLogger({ level: 'warn', write: (line) => helperLog.push(line) }),
    });

  /** The window as the parent sees it; `scroll` scrolls the content pane first ('top', 'bottom'). */
  const shot = async (name: string, scroll: 'top' | 'bottom' | null = null) => {
    if (scroll) {
      await page.locator('main').evaluate((main, where) => main.scrollTo(0, where === 'top' ? 0 : main.scrollHeight), scroll);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  };
  const testId = (id: string) => page.getByTestId(id);
  const nav = async (view: string) => {
    await testId(`nav-${view}`).click();
    await testId(`view-${view}`).waitFor();
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    child = createTestAccount(CHILD);
    dir = mkdtempSync('/tmp/dots-app-e2e-');
    chmodSync(dir, 0o755);
    workDir = mkdtempSync('/var/tmp/dots-app-e2e-work-');
    chmodSync(workDir, 0o777);
    dbPath = path.join(dir, 'dots.db');
    socketPath = path.join(dir, 'helper.sock');

    await buildRenderer(RENDERER_OUT);
    server = await serveRenderer(RENDERER_OUT);
    helper = await start();

    // main without Electron: the same connection, validation, alert watch and notification logic.
    connection = new HelperConnection({
      socketPath,
      connect: (p) => HelperClient.connect(p),
      startAdvice: () => ({ kind: 'unavailable', reason: 'the e2e harness starts the helper itself' }),
      policy: new ReconnectPolicy({ initialDelayMs: 200, maxDelayMs: 1000 }),
      log: () => undefined,
    });
    core = new AppCore({
      connection,
      notify: (notice) => notices.push(notice),
      startHelper: async () => ({ ok: false, message: 'not in the e2e harness' }),
    });
    connection.start();

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') pageProblems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
    await bridgePage(page, core);
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await connection?.stop();
    await helper?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    removeTestAccount(CHILD);
  });

  it('connects to the real helper and shows the empty dashboard', async () => {
    await page.getByText('Helper connected').waitFor();
    await page.getByText('No child profiles yet').waitFor();
    await testId('view-dashboard').getByText('Nothing needs your attention.').waitFor();
    await page.locator('.monitor-health tbody tr').nth(4).waitFor();
    await shot('01-dashboard-empty');
  });

  it('creates a child profile through the UI', async () => {
    await nav('profiles');
    await page.getByText('No child profiles yet.').waitFor();
    await testId('new-profile').click();
    await testId('new-profile-name').fill(CHILD_NAME);
    await testId('new-profile-accounts').fill(CHILD);
    await shot('02-profiles-create');
    await testId('create-profile').click();
    await testId('profile-editor').waitFor();
    expect(await testId('profile-name').inputValue()).toBe(CHILD_NAME);
    await page.getByText(`${CHILD} (uid ${child.uid})`).waitFor();

    const listed = await connection.call('profiles.list', {});
    expect(listed.ok).toBe(true);
    const created = listed.ok ? listed.result.find((p) => p.name === CHILD_NAME) : undefined;
    expect(created?.accounts).toEqual([{ uid: child.uid, username: CHILD }]);
    profileId = created?.id ?? 0;
    expect(page.url()).toContain(`#/profiles/${profileId}`);
  });

  it('sets a 200 MB memory limit through the UI, with the exact meaning shown before saving', async () => {
    const field = testId('limit-memory-max_process_memory_mb');
    await field.fill('200');
    await page.getByText("Add a unit, e.g. '500MB'.").waitFor();
    expect(await testId('save-profile').isDisabled()).toBe(true);
    await field.fill('200MB');
    await page.getByText('200 MB = 200,000,000 bytes (191 MiB).').waitFor();
    await testId('save-profile').click();
    await expect.poll(() => testId('save-result').textContent()).toMatch(/^\s*Saved at /);
    await shot('03-profile-editor-limits', 'top');
    await shot('04-profile-editor-saved', 'bottom');

    const limits = await connection.call('limits.get', { profile: profileId });
    expect(limits.ok && limits.result.memory.max_process_memory_mb).toBe(200);
    expect(helper?.monitors.watchedAccount(child.uid)).toMatchObject({ profileId, maxProcessMemoryBytes: 200e6 });
  });

  it('sets allowed hours and a screen-time budget in the Time section; they survive a reload', async () => {
    const section = testId('time-section');
    await testId('time-any-time').uncheck();
    await testId('week-grid').waitFor();
    // An invalid window is explained where it was typed, and blocks saving.
    await testId('window-mon-0').fill('25:00-19:00');
    await section.getByText('"25:00-19:00" is not a window like 16:00-19:30').waitFor();
    expect(await testId('save-profile').isDisabled()).toBe(true);
    // Whole days, so the child's programs in the next tests are not stopped, whatever the time of the run.
    for (const row of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'holiday']) {
      await testId(`window-${row}-0`).fill('00:00-24:00');
    }
    await testId('add-window-sat').click();
    await testId('window-sat-1').fill('22:00-01:00');
    await testId('time-screen-time').fill('6h 30m');
    await section.getByText('6 h 30 min a day.').waitFor();
    await testId('add-app-budget').click();
    await testId('app-budget-0').getByLabel('Application 1', { exact: true }).fill('supertux2');
    await testId('app-budget-0').getByLabel('Time per day for application 1').fill('45m');
    await testId('time-warn').fill('10, 2');
    await section.scrollIntoViewIfNeeded();
    await shot('03b-profile-editor-time');
    await testId('save-profile').click();
    await expect.poll(() => testId('save-result').textContent()).toMatch(/^\s*Saved at /);

    const rules = await connection.call('timeRules.get', { profile: profileId });
    expect(rules.ok && rules.result).toMatchObject({
      allowedHours: { days: { mon: ['00:00-24:00'], sat: ['00:00-24:00', '22:00-01:00'] } },
      screenTimeSecondsPerDay: 6.5 * 3600,
      appBudgets: [{ app: 'supertux2', secondsPerDay: 45 * 60 }],
      warnMinutesBefore: [10, 2],
    });

    await page.reload();
    await testId('profile-editor').waitFor();
    expect(await testId('time-any-time').isChecked()).toBe(false);
    expect(await testId('window-sat-1').inputValue()).toBe('22:00-01:00');
    expect(await testId('time-screen-time').inputValue()).toBe('6h 30m');
    expect(await testId('app-budget-0').getByLabel('Application 1', { exact: true }).inputValue()).toBe('supertux2');
    expect(await testId('save-profile').isDisabled()).toBe(true);
  });

  it("the kernel kills the child's 300 MB process; the alert reaches the Alerts list and a notification", async () => {
    const run = await runAs(child, process.execPath, ['-e', 'Buffer.alloc(300e6, 1); setTimeout(() => {}, 3000)'], {
      timeoutMs: 30_000,
    });
    expect(run.signal).toBe('SIGKILL');

    const notice = await waitFor(() => notices.find((n) => n.title === `Memory limit — ${CHILD_NAME}`), {
      timeoutMs: 15_000,
      what: 'a memory limit notification',
    });
    const listed = await connection.call('alerts.list', { profile: profileId });
    const stored = listed.ok ? listed.result.find((a) => a.id === notice.alertId) : undefined;
    expect(stored).toMatchObject({ kind: 'memory_limit', limit: 200, unit: 'MB', comm: 'node', acknowledged: false });
    expect(notice.urgency).toBe(stored?.severity === 'critical' ? 'critical' : 'normal');
    expect(notice.body).toMatch(/^Robin: node was stopped for using too much memory — \d+(\.\d+)? MB \(limit 200 MB\)\.$/);
    expect(notices.filter((n) => n.title.startsWith('Memory limit'))).toHaveLength(1);
    expect(core.alerts.tally.count).toBe(1);

    await page.getByLabel('1 unacknowledged').waitFor();
    await nav('alerts');
    const item = page.locator('.alert-list li').filter({ hasText: CHILD_NAME }).filter({ hasText: 'Memory limit' });
    await item.waitFor();
    await item.locator('button.alert-main').click();
    const details = testId('alert-details');
    await details.waitFor();
    expect(await details.textContent()).toContain('200 MB');
    expect(await details.textContent()).toContain('node');
    expect(page.url()).toMatch(/#\/alerts\/\d+$/);
    expect(page.url()).toContain(`#/alerts/${notice.alertId}`);
    await shot('05-alerts-details');
  });

  it('shows live memory, disk and network charts on the dashboard while the child is active', async () => {
    const active = runAs(child, process.execPath, ['-e', CHILD_ACTIVITY, workDir], { timeoutMs: 60_000 });
    await nav('dashboard');
    const card = testId(`child-card-${profileId}`);
    await card.waitFor();
    await card.locator('canvas').first().waitFor({ timeout: 15_000 });
    await expect.poll(() => card.locator('dd').nth(1).textContent(), { timeout: 15_000 }).toMatch(/\d{2,3}(\.\d+)? MB/);
    await expect.poll(() => card.locator('dd').nth(3).textContent(), { timeout: 15_000 }).toMatch(/[1-9][\d.]* [kMG]bps/);
    await page.waitForTimeout(8000);
    expect(await card.locator('canvas').count()).toBe(3);
    const time = testId(`time-status-${profileId}`);
    await time.getByText('Allowed now').or(time.getByText(/^Allowed until/)).waitFor();
    await expect.poll(() => time.getByTestId('time-screen').textContent()).toMatch(/used · 6 h (30|[12]\d) min left|used · 6 h left/);
    await time.getByTestId('time-app-supertux2').getByText('0 min used · 45 min left').waitFor();
    await shot('06-dashboard-live');
    await card.screenshot({ path: path.join(SCREENSHOTS, '06b-dashboard-time-card.png') });
    const finished = await active;
    expect(finished.signal, finished.stderr).toBeNull();
    expect(finished.code, finished.stderr).toBe(0);
  });

  it('acknowledges the alert, and main stops counting it', async () => {
    await nav('alerts');
    await testId('ack-all').click();
    await page.getByText('Nothing needs your attention.').or(page.getByText('No alerts match these filters.')).waitFor();
    const open = await connection.call('alerts.list', { unacknowledgedOnly: true });
    expect(open.ok && open.result).toEqual([]);
    await expect.poll(() => core.alerts.tally.count).toBe(0);
    await testId('filter-acknowledged').selectOption('all');
    await page.locator('.alert-list li').filter({ hasText: 'acknowledged' }).first().waitFor();
  });

  it('shows each monitor, and turns one off and on again through the helper', async () => {
    await nav('monitors');
    await expect.poll(() => page.locator('.monitor-card').count()).toBe(5);
    await shot('07-monitors');
    const card = testId('monitor-filesystem-monitor');
    await card.getByRole('button', { name: 'Disable' }).click();
    await card.locator('.state-chip', { hasText: 'disabled' }).waitFor();
    expect(helper?.monitors.statuses().find((s) => s.name === 'filesystem-monitor')?.state).toBe('disabled');
    await card.getByRole('button', { name: 'Enable' }).click();
    await card.locator('.state-chip', { hasText: /OK|Degraded/ }).waitFor();
    expect(helper?.monitors.statuses().find((s) => s.name === 'filesystem-monitor')?.state).not.toBe('disabled');
  });

  it('shows the child history', async () => {
    await nav('history');
    await page.locator('[data-testid="view-history"] .chart-grid, [data-testid="view-history"] .state.empty').first().waitFor();
    const calls = await connection.call('usage.query', { profile: profileId, bucket: 'day' });
    expect(calls.ok).toBe(true);
    await shot('08-history');
  });

  it("opens the child's daily report and exports it as CSV", async () => {
    await nav('history');
    await testId('history-show').selectOption('day');
    const report = testId('usage-report');
    await report.waitFor();
    await report.locator('canvas').waitFor();
    await report.getByText('Budget 6 h 30 min a day').waitFor();
    await testId('report-apps').getByText('node').first().waitFor();
    const daily = await connection.call('reports.daily', { profile: profileId });
    expect(daily.ok && daily.result.screenTimeBudgetSecondsPerDay).toBe(6.5 * 3600);
    await shot('08b-history-daily-report', 'top');

    await testId('export-format').selectOption('csv');
    await testId('export-run').click();
    const link = testId('export-download');
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^dots-${CHILD_NAME}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    const saved = path.join(dir, 'export.csv');
    await download.saveAs(saved);
    const csv = readFileSync(saved, 'utf8');
    expect(csv.split(/\r?\n/)[0]).toBe('start_ms,start_local,interval_seconds,app,active_seconds,processes_started,net_tx_bytes,net_rx_bytes,disk_read_bytes,disk_write_bytes,file_read_bytes,file_write_bytes,peak_rss_bytes');
    expect(csv).toContain(',node,');
    await shot('08c-history-report-export', 'bottom');
    await testId('history-show').selectOption('week');
    await report.locator('canvas').waitFor();
    await expect.poll(() => testId('report-period').textContent()).toMatch(/\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/);
    await shot('08d-history-weekly-report', 'top');
  });

  it('says the helper is not running when it stops, and reconnects and reloads when it is back', async () => {
    await nav('profiles');
    await helper?.close();
    helper = null;
    await page.getByText('The DOTS Family helper is not running').waitFor({ timeout: 10_000 });
    await page.getByText('Helper not running').waitFor();
    await shot('09-helper-not-running');
    helper = await start();
    await page.getByText('Helper connected').waitFor({ timeout: 15_000 });
    await testId(`profile-item-${CHILD_NAME}`).waitFor();
    await page.getByText('The DOTS Family helper is not running').waitFor({ state: 'detached' });
  });

  it('on a first launch without a helper, says so and offers to start it', async () => {
    const missing = new HelperConnection({
      socketPath: path.join(dir, 'missing.sock'),
      connect: (p) => HelperClient.connect(p),
      startAdvice: () =>
        decideHelperStart({
          fileExists: (file) => file === '/opt/DOTS Family/resources/helper/dist/helper/cli.js',
          executablePath: '/opt/DOTS Family/dots-family',
          helperEntryPath: '/opt/DOTS Family/resources/helper/dist/helper/cli.js',
        }),
      log: () => undefined,
    });
    const offline = new AppCore({
      connection: missing,
      notify: () => undefined,
      startHelper: async () => ({ ok: false, message: 'The helper was not started: the password prompt was cancelled.' }),
    });
    missing.start();
    const second = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    second.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
    try {
      await bridgePage(second, offline);
      await second.goto(server.url);
      await second.getByText('The DOTS Family helper is not running').waitFor();
      await second.getByRole('button', { name: 'Start the helper' }).click();
      await second.getByText('the password prompt was cancelled').waitFor();
      await second.screenshot({ path: path.join(SCREENSHOTS, '10-first-launch-no-helper.png') });
    } finally {
      await second.close();
      await missing.stop();
    }
  });

  it('ran with no page errors, console errors or CSP violations', () => {
    // Losing the helper is expected to log nothing in the page; anything here is a bug.
    expect(pageProblems).toEqual([]);
    expect(helperLog.filter((line) => / ERROR /.test(line))).toEqual([]);
  });
});
