// dots-family-ctl's time rules and reports as a real subprocess against the real helper: age-group presets, hours,
// budgets and warnings read back, daily reports, and CSV / JSON exports written to a file.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../src/shared/model.js';
import type { SelfStatus } from '../../src/shared/protocol.js';
import { EXPORT_COLUMNS, type UsageExport, type UsageReport } from '../../src/shared/reports.js';
import { presetLimits, type TimeRules, type TimeStatus } from '../../src/shared/time-rules.js';
import { createTestAccount, removeTestAccount, runAs, waitFor, type TestAccount } from '../support/accounts.js';
import { ctlJson, runCtl, startTestHelper, type TestHelper } from '../support/helper-process.js';
import { kernelTestsEnabled } from '../support/kernel.js';

const KID = 'dots-test-ctl-time';

describe.skipIf(!kernelTestsEnabled())('dots-family-ctl time and report against the helper', () => {
  let helper: TestHelper;
  let kid: TestAccount;
  let outDir: string;
  const ctl = (...args: string[]) => runCtl(helper.socketPath, args);
  const json = ctlJson;

  beforeAll(async () => {
    kid = createTestAccount(KID);
    helper = await startTestHelper({ sampleIntervalMs: 250 });
    outDir = mkdtempSync('/tmp/dots-ctl-export-');
  });

  afterAll(async () => {
    await helper?.close();
    removeTestAccount(KID);
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('creates a profile with an age group’s preset limits', async () => {
    const created = json<Profile>(
      await ctl('profile', 'create', 'kid', '--user', KID, '--age-group', '8-12', '--json'),
    );
    expect(created.limits).toEqual(presetLimits('8-12'));
    const show = await ctl('profile', 'show', 'kid');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Time rules');
    expect(show.stdout).toMatch(/Screen time per day:\s+2h/);
    expect(show.stdout).toMatch(/Mon:\s+15:00-19:30/);
  });

  it('sets hours, budget, an app budget and warnings, and reads them back', async () => {
    const hours = await ctl('time', 'hours', 'kid', '--weekdays', '15:00-18:00,20:00-21:00', '--sat', 'none');
    expect(hours.code).toBe(0);
    expect(hours.stdout).toMatch(/Sat:\s+none \(no time allowed\)/);
    const holidays = await ctl('time', 'hours', 'kid', '--holidays', '2025-12-24,2025-12-25', '--holiday-windows', '10:00-12:00');
    expect(holidays.code).toBe(0);
    expect((await ctl('time', 'budget', 'kid', '90m')).code).toBe(0);
    expect((await ctl('time', 'app', 'kid', 'supertux2', '1h')).code).toBe(0);
    expect((await ctl('time', 'warn', 'kid', '15,5')).code).toBe(0);

    const shown = await ctl('time', 'show', 'kid', '--json');
    const { rules, status } = json<{ rules: TimeRules; status: TimeStatus }>(shown);
    const preset = presetLimits('8-12').time!;
    expect(rules).toEqual({
      allowedHours: {
        days: {
          mon: ['15:00-18:00', '20:00-21:00'],
          tue: ['15:00-18:00', '20:00-21:00'],
          wed: ['15:00-18:00', '20:00-21:00'],
          thu: ['15:00-18:00', '20:00-21:00'],
          fri: ['15:00-18:00', '20:00-21:00'],
          sat: [],
          sun: preset.allowedHours!.days.sun,
        },
        holidays: { dates: ['2025-12-24', '2025-12-25'], windows: ['10:00-12:00'] },
      },
      screenTimeSecondsPerDay: 5400,
      appBudgets: [{ app: 'supertux2', secondsPerDay: 3600 }],
      warnMinutesBefore: [15, 5],
    });
    expect(status).toMatchObject({ screenTimeLeftSeconds: expect.any(Number) as number });
    expect(status.apps.map((a) => a.app)).toEqual(['supertux2']);

    const human = await ctl('time', 'show', 'kid');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Allowed now:\s+(yes|no)/);
    expect(human.stdout).toMatch(/Screen time left:/);

    expect((await ctl('time', 'app', 'kid', 'supertux2', 'none')).code).toBe(0);
    expect((await ctl('time', 'budget', 'kid', 'none')).code).toBe(0);
    // Any hour from here on, so the kid's programs below are not stopped whatever the time of day.
    const any = json<TimeRules>(await ctl('time', 'hours', 'kid', '--any', '--json'));
    expect(any).toMatchObject({ allowedHours: null, screenTimeSecondsPerDay: null, appBudgets: [] });
  });

  it('exits 2 on an invalid window and changes nothing', async () => {
    const result = await ctl('time', 'hours', 'kid', '--mon', '18:00-18:00');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^dots-family-ctl: --mon: "18:00-18:00" is empty/);
    expect(helper.helper.store.profiles.getByName('kid')?.limits.time?.allowedHours).toBeNull();
  });

  it('shows a child its time today (whoami)', async () => {
    const self = json<SelfStatus>(await runCtl(helper.socketPath, ['whoami', '--json'], { account: kid }));
    expect(self).toMatchObject({ role: 'child', time: { allowedNow: true } });
    const human = await runCtl(helper.socketPath, ['whoami'], { account: kid });
    expect(human.stdout).toMatch(/Time today\n\s+Allowed now:\s+yes/);
  });

  it('reports the day with its sections, and exports CSV matching the JSON export', async () => {
    await runAs(kid, 'sleep', ['1.2']);
    await waitFor(
      async () => {
        const report = json<UsageReport>(await ctl('report', 'daily', 'kid', '--json'));
        return report.apps.some((a) => a.app === 'sleep' && a.activeSeconds >= 1);
      },
      { what: "the kid's sleep in the daily report", timeoutMs: 20_000 },
    );
    const report = json<UsageReport>(await ctl('report', 'daily', 'kid', '--json'));
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['screenTimeSeconds', 'apps', 'topNetwork', 'topDisk', 'memoryPeaks', 'alerts', 'days']),
    );
    expect(report).toMatchObject({ period: 'day', profile: { name: 'kid' } });
    const human = await ctl('report', 'daily', 'kid');
    expect(human.code).toBe(0);
    const titles = ['Screen time', 'Top apps by time', 'Top network users', 'Top disk users', 'Memory peaks', 'Alerts:'];
    for (const title of titles) expect(human.stdout).toContain(title);
    expect(human.stdout).toMatch(/\n\s+sleep\s+1/);
    const weekly = json<UsageReport>(await ctl('report', 'weekly', 'kid', '--json'));
    expect(weekly.days).toHaveLength(7);

    const csvFile = path.join(outDir, 'usage.csv');
    const range = ['--since', 'today', '--until', '0s', '--bucket', 'hour'];
    const wrote = await ctl('report', 'export', 'kid', ...range, '--format', 'csv', '-o', csvFile);
    expect(wrote.code).toBe(0);
    expect(wrote.stdout).toMatch(/^Wrote \d+ rows? \(csv, per hour\) to /);
    expect(statSync(csvFile).mode & 0o777).toBe(0o644);
    const lines = readFileSync(csvFile, 'utf8').split(/\r?\n/).filter((line) => line !== '');
    expect(lines[0]).toBe(EXPORT_COLUMNS.map(([header]) => header).join(','));

    const exported = json<UsageExport>(await ctl('report', 'export', 'kid', ...range, '--format', 'json'));
    expect(exported.rows.length).toBeGreaterThan(0);
    expect(lines.length - 1).toBe(exported.rows.length);
  });
});
