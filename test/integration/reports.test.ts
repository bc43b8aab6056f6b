// Reports over the real helper: a child's real activity (programs whose names need CSV escaping among them) comes
// back as daily and weekly reports and as an export whose CSV, read by a strict RFC 4180 parser, matches the JSON.
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHelper } from '../../src/helper/daemon.js';
import { parseCsv } from '../../src/helper/reports/csv.js';
import { HelperClient } from '../../src/shared/client/helper-client.js';
import { EXPORT_COLUMNS, type ExportBucket, type UsageExport } from '../../src/shared/reports.js';
import { createTestAccount, removeTestAccount, runAs, waitFor, type TestAccount } from '../support/accounts.js';
import { startTestHelper, type TestHelper } from '../support/helper-process.js';
import { kernelTestsEnabled } from '../support/kernel.js';
import { runClientAs, writeClientScript } from './server-support.js';

const CHILD = 'dots-test-report-kid';
const PROFILE = 'Rita';
/** Program names a child could choose: a comma and a quote, and a spreadsheet formula. */
const ESCAPED = 'nap,"q';
const FORMULA = '=nap+1';

describe.skipIf(!kernelTestsEnabled())('reports from the real helper', () => {
  let dir: string;
  let workDir: string;
  let testHelper: TestHelper;
  let helper: RunningHelper;
  let parent: HelperClient;
  let child: TestAccount;
  let sinceMs: number;

  beforeAll(async () => {
    child = createTestAccount(CHILD);
    workDir = mkdtempSync('/var/tmp/dots-reports-work-');
    chmodSync(workDir, 0o777);
    for (const name of [ESCAPED, FORMULA]) {
      copyFileSync('/usr/bin/sleep', path.join(workDir, name));
      chmodSync(path.join(workDir, name), 0o755);
    }
    testHelper = await startTestHelper({ sampleIntervalMs: 250 });
    helper = testHelper.helper;
    dir = path.dirname(testHelper.socketPath);
    parent = await HelperClient.connect(path.join(dir, 'helper.sock'));
    await parent.call('profiles.create', { name: PROFILE, usernames: [CHILD], ageGroup: '13-17' });
    // The preset's allowed hours would stop the programs below at night: keep its budget, allow any hour.
    const rules = await parent.call('timeRules.get', { profile: PROFILE });
    await parent.call('timeRules.set', { profile: PROFILE, rules: { ...rules, allowedHours: null } });
    sinceMs = Date.now() - 60_000;

    await runAs(child, path.join(workDir, ESCAPED), ['1.2']);
    await runAs(child, path.join(workDir, FORMULA), ['0.5']);
    await runAs(child, 'dd', ['if=/dev/zero', `of=${path.join(workDir, 'out.bin')}`, 'bs=1M', 'count=4', 'oflag=direct']);
    await waitFor(
      async () => {
        const rows = await parent.call('usage.query', { profile: PROFILE, bucket: 'day', byApp: true });
        const escaped = rows.find((r) => r.comm === ESCAPED);
        const dd = rows.find((r) => r.comm === 'dd');
        return escaped && escaped.activeSeconds >= 1 && dd && dd.diskWriteBytes >= 4 << 20;
      },
      { what: 'rollups of the three programs', timeoutMs: 20_000 },
    );
  });

  afterAll(async () => {
    parent?.close();
    await testHelper?.close();
    rmSync(workDir, { recursive: true, force: true });
    removeTestAccount(CHILD);
  });

  it('gave the profile the age group’s limits', async () => {
    const limits = await parent.call('limits.get', { profile: PROFILE });
    expect(limits.time?.screenTimeSecondsPerDay).toBe(4 * 3600);
    expect(limits.memory.max_process_memory_mb).toBe(8000);
    expect(limits.network.max_download_mbps).toBe(100);
    expect(helper.monitors.watchedAccount(child.uid)).toMatchObject({ maxProcessMemoryBytes: 8e9, execDenied: false });
  });

  it.each<ExportBucket>(['minute', 'hour', 'day'])('exports %s rows whose CSV matches the JSON', async (bucket) => {
    const range = { profile: PROFILE, sinceMs, untilMs: Date.now() + 60_000, bucket };
    const json = await parent.call('reports.export', { ...range, format: 'json' });
    const csv = await parent.call('reports.export', { ...range, format: 'csv' });
    const document = JSON.parse(json.text) as UsageExport;
    expect(document.rows.length).toBe(json.rowCount);
    expect(csv.rowCount).toBe(json.rowCount);

    const [header, ...records] = parseCsv(csv.text);
    expect(header).toEqual(EXPORT_COLUMNS.map(([name]) => name));
    expect(records).toHaveLength(document.rows.length);
    const fromCsv = records.map((record) =>
      Object.fromEntries(
        EXPORT_COLUMNS.map(([, key], i) => {
          const cell = record[i]!;
          if (key === 'app' || key === 'startLocal') return [key, cell];
          return [key, Number(cell)];
        }),
      ),
    );
    // The CSV neutralizes a formula-like name with a leading apostrophe; the JSON keeps the name as it is.
    const expected = document.rows.map((row) => ({ ...row, app: row.app.startsWith('=') ? `'${row.app}` : row.app }));
    expect(fromCsv).toEqual(expected);

    const apps = new Set(document.rows.map((r) => r.app));
    for (const name of [ESCAPED, FORMULA, 'dd']) expect(apps).toContain(name);
    expect(csv.text).toContain(`"nap,""q"`);
    expect(csv.text.endsWith('\r\n')).toBe(true);
  });

  it('reports today with screen time, apps, the top disk user and alerts', async () => {
    const daily = await parent.call('reports.daily', { profile: PROFILE });
    expect(daily.period).toBe('day');
    expect(daily.days).toHaveLength(1);
    expect(daily.screenTimeSeconds).toBeGreaterThanOrEqual(1.5);
    expect(daily.screenTimeBudgetSecondsPerDay).toBe(4 * 3600);
    const escaped = daily.apps.find((a) => a.app === ESCAPED);
    expect(escaped!.activeSeconds).toBeGreaterThanOrEqual(1);
    expect(escaped!.processesStarted).toBe(1);
    expect(daily.topDisk[0]).toMatchObject({ app: 'dd' });
    expect(daily.topDisk[0]!.diskWriteBytes).toBeGreaterThanOrEqual(4 << 20);

    const weekly = await parent.call('reports.weekly', { profile: PROFILE });
    expect(weekly.days).toHaveLength(7);
    expect(weekly.days.find((d) => d.date === daily.from)!.screenTimeSeconds).toBeGreaterThanOrEqual(
      daily.screenTimeSeconds,
    );
    expect(new Date(`${weekly.from}T12:00:00Z`).getUTCDay()).toBe(1); // Monday
  });

  it('serves a child its own reports', async () => {
    const script = writeClientScript(dir);
    const { responses } = await runClientAs(
      script,
      path.join(dir, 'helper.sock'),
      {
        requests: [
          { method: 'reports.daily', params: { profile: PROFILE } },
          { method: 'reports.export', params: { profile: PROFILE, sinceMs, untilMs: Date.now(), format: 'csv' } },
          { method: 'reports.daily', params: { profile: 'Someone else' } },
        ],
      },
      { uid: child.uid, gid: child.gid },
    );
    expect(responses[0]).toMatchObject({ ok: true, result: { profile: { name: PROFILE } } });
    expect(responses[1]).toMatchObject({ ok: true, result: { format: 'csv' } });
    expect(responses[2]).toMatchObject({ ok: false, error: { code: 'permission_denied' } });
  });

  it('refuses an export range that is backwards or over a year', async () => {
    const now = Date.now();
    await expect(
      parent.call('reports.export', { profile: PROFILE, sinceMs: now, untilMs: now - 1, format: 'csv' }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    await expect(
      parent.call('reports.export', { profile: PROFILE, sinceMs: 0, untilMs: now, format: 'json' }),
    ).rejects.toMatchObject({ code: 'bad_request' });
  });
});
