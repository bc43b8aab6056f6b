import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from '../../../src/renderer/App.vue';
import { presetPreview } from '../../../src/renderer/lib/age-presets.js';
import { exportFileName, localDate } from '../../../src/renderer/lib/reports.js';
import {
  checkTimeRulesForm,
  parseBudget,
  sameTimeRules,
  timeRulesFormOf,
} from '../../../src/renderer/lib/time-rules-form.js';
import type { UsageReport } from '../../../src/shared/reports.js';
import { NO_TIME_RULES, presetLimits, type TimeRules } from '../../../src/shared/time-rules.js';
import { FakeDots, alert, flush, installFakeDots, profile, uninstallFakeDots } from './fake-dots.js';

const RULES: TimeRules = {
  allowedHours: {
    days: {
      mon: ['15:00-19:30'],
      tue: ['15:00-19:30'],
      wed: ['15:00-19:30'],
      thu: ['15:00-19:30'],
      fri: ['15:00-19:30', '22:00-01:00'],
      sat: ['08:00-20:00'],
      sun: [],
    },
    holidays: { dates: ['2025-12-24'], windows: ['09:00-18:00'] },
  },
  screenTimeSecondsPerDay: 7200,
  appBudgets: [{ app: 'supertux2', secondsPerDay: 2700 }],
  warnMinutesBefore: [10, 2],
};

describe('time rules form', () => {
  it('round-trips time rules and every age preset through the form', () => {
    for (const rules of [RULES, NO_TIME_RULES, presetLimits('5-7').time!, presetLimits('13-17').time!]) {
      const check = checkTimeRulesForm(timeRulesFormOf(rules));
      expect(check.ok).toBe(true);
      if (check.ok) expect(sameTimeRules(check.rules, rules)).toBe(true);
    }
    const form = timeRulesFormOf(RULES);
    expect(form.screenTime).toBe('2h');
    expect(form.appBudgets).toEqual([{ app: 'supertux2', duration: '45m' }]);
    expect(form.warnMinutes).toBe('10, 2');
  });

  it('explains each bad window next to it with windowProblem, and a day may have none', () => {
    const form = timeRulesFormOf(RULES);
    form.windows.mon = ['15:00-19:30', '24:00-02:00', '16:00-16:00', '4pm-6pm'];
    form.windows.sun = [];
    const check = checkTimeRulesForm(form);
    expect(check.ok).toBe(false);
    expect(check.errors.windows.mon).toEqual([
      null,
      '"24:00-02:00": a window cannot start at 24:00 (use 00:00)',
      '"16:00-16:00" is empty: start and end are the same',
      '"4pm-6pm" is not a window like 16:00-19:30 (HH:MM-HH:MM, 00:00 to 24:00)',
    ]);
    expect(check.errors.windows.sun).toEqual([]);
  });

  it('turns "any time" into no allowed hours, and checks budgets, apps, dates and warnings', () => {
    const form = timeRulesFormOf(RULES);
    form.anyTime = true;
    const anyTime = checkTimeRulesForm(form);
    expect(anyTime.ok && anyTime.rules.allowedHours).toBeNull();

    expect(parseBudget('90')).toEqual({ ok: false, error: "Add a unit, e.g. '90m' or '90h'." });
    expect(parseBudget('1h 30m')).toEqual({ ok: true, seconds: 5400 });
    expect(parseBudget('25h')).toEqual({ ok: false, error: 'At most 24h a day.' });

    form.screenTime = '2';
    form.appBudgets = [
      { app: 'supertux2', duration: '1h' },
      { app: '/usr/games/supertux2', duration: '' },
    ];
    form.holidayDates = ['2025-02-30'];
    form.warnMinutes = '10, 10';
    const bad = checkTimeRulesForm(form);
    expect(bad.ok).toBe(false);
    expect(bad.errors.screenTime).toBe("Add a unit, e.g. '2m' or '2h'.");
    expect(bad.errors.appBudgets[1]).toEqual({
      app: 'Same program as line 1 (names match on their first 15 characters).',
      duration: 'How long a day, e.g. 1h.',
    });
    expect(bad.errors.holidayDates).toEqual(['Pick a date (YYYY-MM-DD).']);
    expect(bad.errors.warnMinutes).toBe('10 is listed twice.');
  });
});

describe('age presets', () => {
  it("previews a preset's allowed hours, screen time and limits", () => {
    expect(presetPreview('8-12')).toEqual([
      { label: 'Allowed hours', value: 'Mon–Fri 15:00-19:30; Sat–Sun 08:00-20:00' },
      { label: 'Screen time', value: '2 h a day' },
      { label: 'Memory per program', value: '4 GB' },
      { label: 'Network', value: '↓ 25 Mbps · ↑ 5 Mbps' },
      { label: 'Disk bandwidth', value: '50 MB/s' },
    ]);
    expect(presetPreview('13-17')[0]!.value).toBe('Mon–Thu 06:00-22:00; Fri 06:00-23:00; Sat 07:00-23:00; Sun 07:00-22:00');
  });
});

describe('reports helpers', () => {
  it('names exports after the child and the period, safely', () => {
    const one = { profile: { id: 1, name: 'Lily Rose/2' }, from: '2025-03-03', to: '2025-03-03' };
    expect(exportFileName(one, 'csv')).toBe('dots-Lily_Rose_2-2025-03-03.csv');
    expect(exportFileName({ ...one, to: '2025-03-09' }, 'json')).toBe('dots-Lily_Rose_2-2025-03-03_2025-03-09.json');
    expect(localDate(new Date(2025, 0, 5, 23, 59).getTime())).toBe('2025-01-05');
  });
});

// --- components, through the app ---------------------------------------------------------------------------------

let dots: FakeDots;
let wrapper: VueWrapper | null = null;

async function mountApp(hash: string): Promise<VueWrapper> {
  location.hash = hash;
  wrapper = mount(App, { global: { plugins: [createPinia()] }, attachTo: document.body });
  await flush();
  await flush();
  return wrapper;
}
const get = (w: VueWrapper, id: string) => w.get(`[data-testid="${id}"]`);

beforeEach(() => {
  dots = installFakeDots();
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  uninstallFakeDots();
  vi.useRealTimers();
});

function withRules(rules: TimeRules = RULES) {
  const p = profile();
  return { ...p, limits: { ...p.limits, time: structuredClone(rules) } };
}

describe('profile editor: Time section', () => {
  it('shows the week grid, blocks saving on a bad window, and saves the whole rules with timeRules.set', async () => {
    dots.on('profiles.list', () => [withRules()]);
    dots.on('timeRules.set', (p) => p.rules);
    const w = await mountApp('#/profiles/1');
    expect((get(w, 'window-fri-1').element as HTMLInputElement).value).toBe('22:00-01:00');
    expect(get(w, 'day-sun').text()).toContain('Not allowed');
    expect((get(w, 'time-screen-time').element as HTMLInputElement).value).toBe('2h');
    expect(get(w, 'save-profile').attributes('disabled')).toBeDefined();

    await get(w, 'window-mon-0').setValue('15:00-25:00');
    expect(get(w, 'day-mon').text()).toContain('"15:00-25:00" is not a window like 16:00-19:30');
    expect(get(w, 'window-mon-0').attributes('aria-invalid')).toBe('true');
    expect(get(w, 'save-profile').attributes('disabled')).toBeDefined();
    expect(w.text()).toContain('Unsaved changes');

    await get(w, 'window-mon-0').setValue('16:00-18:00');
    await get(w, 'add-window-sun').trigger('click');
    await get(w, 'time-screen-time').setValue('1h 30m');
    expect(w.text()).toContain('1 h 30 min a day.');
    await get(w, 'save-profile').trigger('submit');
    await flush();
    expect(dots.callsOf('limits.set')).toEqual([]);
    const [call] = dots.callsOf('timeRules.set');
    const rules = call!.rules as TimeRules;
    expect(rules.allowedHours!.days.mon).toEqual(['16:00-18:00']);
    expect(rules.allowedHours!.days.sun).toEqual(['08:00-20:00']);
    expect(rules.screenTimeSecondsPerDay).toBe(5400);
    expect(rules.appBudgets).toEqual(RULES.appBudgets);
    expect(get(w, 'save-result').text()).toMatch(/^Saved at /);
    expect(get(w, 'save-profile').attributes('disabled')).toBeDefined();
  });

  it('guards unsaved time edits when leaving', async () => {
    dots.on('profiles.list', () => [withRules(NO_TIME_RULES)]);
    const w = await mountApp('#/profiles/1');
    expect(w.find('[data-testid="week-grid"]').exists()).toBe(false);
    await get(w, 'time-any-time').setValue(false);
    expect(get(w, 'week-grid').text()).toContain('Holiday');
    await get(w, 'nav-alerts').trigger('click');
    await flush();
    expect(get(w, 'confirm-dialog').text()).toContain('Discard unsaved changes?');
  });
});

describe('create form: age group', () => {
  it("previews the preset and passes the age group to profiles.create", async () => {
    dots.on('profiles.create', (p) => profile({ id: 4, name: String(p.name) }));
    const w = await mountApp('#/profiles/new');
    expect(w.find('[data-testid="age-preset-preview"]').exists()).toBe(false);
    await get(w, 'new-profile-age').setValue('5-7');
    const preview = get(w, 'age-preset-preview').text();
    expect(preview).toContain('Mon–Fri 15:00-18:00');
    expect(preview).toContain('1 h a day');
    await get(w, 'new-profile-name').setValue('Max');
    await w.get('form').trigger('submit');
    await flush();
    expect(dots.callsOf('profiles.create')).toEqual([{ name: 'Max', ageGroup: '5-7' }]);
  });
});

describe('dashboard: time today', () => {
  it('shows allowed now, screen time used and left as a bar, and each app; refreshes on alerts', async () => {
    const nextChangeMs = new Date(new Date().setHours(19, 30, 0, 0)).getTime();
    dots.on('profiles.list', () => [withRules()]);
    dots.on('timeRules.status', () => ({
      allowedNow: true,
      nextChangeMs,
      screenTimeUsedSeconds: 5400,
      screenTimeLeftSeconds: 1800,
      apps: [{ app: 'supertux2', usedSeconds: 2700, leftSeconds: 0 }],
    }));
    const w = await mountApp('#/');
    const card = get(w, 'time-status-1');
    expect(get(w, 'time-allowed').text()).toBe('Allowed until 19:30');
    expect(get(w, 'time-screen').text()).toContain('1 h 30 min used · 30 min left');
    expect(get(w, 'time-screen').get('[role="meter"]').attributes('aria-valuenow')).toBe('75');
    expect(get(w, 'time-app-supertux2').text()).toContain('45 min used · 0 min left');
    expect(card.find('.meter-fill.over').exists()).toBe(true);

    const before = dots.callsOf('timeRules.status').length;
    dots.push({ push: 'alert', data: alert({ kind: 'screen_time', unit: 'min left', measured: 10, limit: 10 }) });
    await flush();
    expect(dots.callsOf('timeRules.status').length).toBe(before + 1);
    dots.push({ push: 'alert', data: alert({ profileId: 2 }) });
    await flush();
    expect(dots.callsOf('timeRules.status').length).toBe(before + 1);
  });

  it('says when the child is outside allowed hours and there is no budget', async () => {
    dots.on('profiles.list', () => [withRules({ ...RULES, screenTimeSecondsPerDay: null })]);
    dots.on('timeRules.status', () => ({
      allowedNow: false,
      nextChangeMs: null,
      screenTimeUsedSeconds: 600,
      screenTimeLeftSeconds: null,
      apps: [],
    }));
    const w = await mountApp('#/');
    expect(get(w, 'time-allowed').text()).toBe('Not allowed this week');
    expect(get(w, 'time-screen').text()).toContain('10 min used · no budget');
  });
});

function report(overrides: Partial<UsageReport> = {}): UsageReport {
  const line = {
    app: 'firefox',
    activeSeconds: 3600,
    processesStarted: 2,
    netTxBytes: 1e6,
    netRxBytes: 2e9,
    diskReadBytes: 5e6,
    diskWriteBytes: 1e6,
    fileReadBytes: 0,
    fileWriteBytes: 0,
    peakRssBytes: 812e6,
  };
  return {
    profile: { id: 1, name: 'Lily' },
    period: 'day',
    from: '2025-03-03',
    to: '2025-03-03',
    fromMs: 1_740_956_400_000,
    toMs: 1_741_042_800_000,
    screenTimeSeconds: 4000,
    screenTimeBudgetSecondsPerDay: 3600,
    days: [
      {
        date: '2025-03-03',
        fromMs: 1_740_956_400_000,
        toMs: 1_741_042_800_000,
        screenTimeSeconds: 4000,
        processesStarted: 2,
        netTxBytes: 1e6,
        netRxBytes: 2e9,
        diskReadBytes: 5e6,
        diskWriteBytes: 1e6,
        peakRssBytes: 812e6,
      },
    ],
    apps: [line],
    topNetwork: [line],
    topDisk: [line],
    memoryPeaks: [{ app: 'firefox', peakRssBytes: 812e6 }],
    alerts: { total: 3, byKind: [{ kind: 'screen_time', count: 2 }, { kind: 'allowed_hours', count: 1 }], latest: [] },
    ...overrides,
  };
}

describe('history: reports', () => {
  it('shows the daily report and exports it as a file to save', async () => {
    dots.on('profiles.list', () => [profile()]);
    dots.on('reports.daily', () => report());
    dots.on('reports.weekly', () => report({ period: 'week', to: '2025-03-09' }));
    dots.on('reports.export', (p) => ({ format: p.format, bucket: p.bucket, rowCount: 1, text: 'start_ms\n1\n' }));
    const createObjectURL = vi.fn(() => 'blob:report');
    const revokeObjectURL = vi.fn();
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL }));

    const w = await mountApp('#/history');
    await get(w, 'history-show').setValue('day');
    await flush();
    expect(dots.callsOf('reports.daily')).toEqual([{ profile: 1, date: localDate(Date.now()) }]);
    const view = get(w, 'usage-report');
    expect(get(w, 'report-screen-time').text()).toBe('1 h 7 min');
    expect(view.text()).toContain('1 of 1');
    expect(get(w, 'report-apps').text()).toContain('firefox');
    expect(get(w, 'report-apps').text()).toContain('812 MB');
    expect(get(w, 'report-alert-kinds').text()).toContain('Screen time2');
    expect(get(w, 'report-alert-kinds').text()).toContain('Outside allowed hours1');

    await get(w, 'export-format').setValue('json');
    await get(w, 'export-run').trigger('submit');
    await flush();
    expect(dots.callsOf('reports.export')).toEqual([
      { profile: 1, sinceMs: 1_740_956_400_000, untilMs: 1_741_042_800_000, format: 'json', bucket: 'hour' },
    ]);
    const link = get(w, 'export-download');
    expect(link.attributes('href')).toBe('blob:report');
    expect(link.attributes('download')).toBe('dots-Lily-2025-03-03.json');

    await get(w, 'history-show').setValue('week');
    await flush();
    expect(dots.callsOf('reports.weekly')).toEqual([{ profile: 1, weekOf: localDate(Date.now()) }]);
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:report');
    expect(get(w, 'report-period').text()).toContain('2025-03-03 to 2025-03-09');
    vi.unstubAllGlobals();
  });

  it('says when the report cannot be made', async () => {
    dots.on('profiles.list', () => [profile()]);
    dots.fail('reports.daily', { code: 'not_found', message: 'no profile 1' });
    const w = await mountApp('#/history');
    await get(w, 'history-show').setValue('day');
    await flush();
    expect(w.text()).toContain('no profile 1');
  });
});
