import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from '../../../src/renderer/App.vue';
import type { MonitorStatus } from '../../../src/shared/events.js';
import type { Limits } from '../../../src/shared/model.js';
import { FakeDots, alert, flush, installFakeDots, profile, uninstallFakeDots } from './fake-dots.js';

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
function button(w: VueWrapper, text: string) {
  const found = w.findAll('button').find((b) => b.text().trim().startsWith(text));
  if (!found) throw new Error(`no button "${text}"`);
  return found;
}

beforeEach(() => {
  dots = installFakeDots();
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  uninstallFakeDots();
});

describe('profiles', () => {
  it('creates a profile with its accounts and opens its editor', async () => {
    dots.on('profiles.create', (p) => profile({ id: 4, name: String(p.name), accounts: [{ uid: 1002, username: 'max' }] }));
    const w = await mountApp('#/profiles/new');
    await get(w, 'create-profile').trigger('submit');
    expect(w.text()).toContain('Give the profile a name');
    expect(dots.callsOf('profiles.create')).toEqual([]);
    await get(w, 'new-profile-name').setValue('Max');
    await get(w, 'new-profile-accounts').setValue('max, 1003');
    await w.get('form').trigger('submit');
    await flush();
    expect(dots.callsOf('profiles.create')).toEqual([{ name: 'Max', uids: [1003], usernames: ['max'] }]);
    expect(location.hash).toBe('#/profiles/4');
    expect((get(w, 'profile-name').element as HTMLInputElement).value).toBe('Max');
  });

  it('shows the helper refusing a duplicate name', async () => {
    dots.fail('profiles.create', { code: 'conflict', message: "a profile named 'Max' already exists" });
    const w = await mountApp('#/profiles/new');
    await get(w, 'new-profile-name').setValue('Max');
    await w.get('form').trigger('submit');
    await flush();
    expect(w.get('[role="alert"]').text()).toBe("Not created: a profile named 'Max' already exists");
  });

  it('validates each limit with units, says what it means, and saves only what changed', async () => {
    dots.on('profiles.list', () => [profile()]);
    dots.on('limits.set', (p) => {
      const patch = p.limits as { memory: { max_process_memory_mb: number } };
      return { ...profile().limits, memory: { max_allocation_mb: null, max_process_memory_mb: patch.memory.max_process_memory_mb } };
    });
    const w = await mountApp('#/profiles/1');
    const input = get(w, 'limit-memory-max_process_memory_mb');
    const save = get(w, 'save-profile');
    expect(save.attributes('disabled')).toBeDefined();
    expect(w.text()).toContain('Resident set size (anon + file + shmem pages) of one process.');

    await input.setValue('200');
    expect(w.text()).toContain("Add a unit, e.g. '500MB'.");
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(save.attributes('disabled')).toBeDefined();

    await input.setValue('200MB');
    expect(w.text()).toContain('200 MB = 200,000,000 bytes (191 MiB).');
    expect(save.attributes('disabled')).toBeUndefined();
    await w.get('form').trigger('submit');
    await flush();
    expect(dots.callsOf('limits.set')).toEqual([{ profile: 1, limits: { memory: { max_process_memory_mb: 200 } } }]);
    expect(get(w, 'save-result').text()).toMatch(/^Saved at /);
    expect((input.element as HTMLInputElement).value).toBe('200MB');
    expect(save.attributes('disabled')).toBeDefined();
  });

  it('says clearly when saving fails, and keeps the edits', async () => {
    dots.on('profiles.list', () => [profile()]);
    dots.fail('limits.set', { code: 'permission_denied', message: 'limits.set is for parents only' });
    const w = await mountApp('#/profiles/1');
    await get(w, 'limit-network-max_upload_mbps').setValue('5Mbps');
    await w.get('form').trigger('submit');
    await flush();
    expect(get(w, 'save-result').text()).toContain('Not saved: Permission denied: limits.set is for parents only');
    expect((get(w, 'limit-network-max_upload_mbps').element as HTMLInputElement).value).toBe('5Mbps');
  });

  it('asks before leaving with unsaved changes, and stays on Cancel', async () => {
    dots.on('profiles.list', () => [profile(), profile({ id: 2, name: 'Sam' })]);
    const w = await mountApp('#/profiles/1');
    await get(w, 'limit-diskIo-max_latency_ms').setValue('100ms');
    await get(w, 'nav-alerts').trigger('click');
    await flush();
    const dialog = get(w, 'confirm-dialog');
    expect(dialog.text()).toContain('Discard unsaved changes?');
    expect(document.activeElement?.textContent?.trim()).toBe('Cancel');
    await button(w, 'Cancel').trigger('click');
    await flush();
    expect(location.hash).toBe('#/profiles/1');
    expect(w.find('[data-testid="confirm-dialog"]').exists()).toBe(false);

    await get(w, 'profile-item-Sam').trigger('click');
    await flush();
    await button(w, 'Discard changes').trigger('click');
    await flush();
    expect(location.hash).toBe('#/profiles/2');
    expect((get(w, 'profile-name').element as HTMLInputElement).value).toBe('Sam');
  });

  it('leaves without asking when nothing changed', async () => {
    dots.on('profiles.list', () => [profile()]);
    const w = await mountApp('#/profiles/1');
    await get(w, 'nav-alerts').trigger('click');
    await flush();
    expect(location.hash).toBe('#/alerts');
  });

  it('adds and removes accounts, and blocks and unblocks applications', async () => {
    const limitsWithSteam: Limits = {
      ...profile().limits,
      blockedApps: [{ name: 'steam', path: '/usr/games/steam', sha256: 'c0ffee'.padEnd(64, '0'), sizeBytes: 4_000_000 }],
    };
    let current = profile();
    dots.on('profiles.list', () => [current]);
    dots.on('profiles.addAccount', () => (current = { ...current, accounts: [...current.accounts, { uid: 1005, username: 'lily2' }] }));
    dots.on('profiles.removeAccount', () => (current = { ...current, accounts: [] }));
    dots.on('apps.block', () => {
      current = { ...current, limits: limitsWithSteam };
      return limitsWithSteam.blockedApps[0];
    });
    dots.on('apps.unblock', () => {
      current = { ...current, limits: profile().limits };
      return null;
    });
    dots.on('profiles.get', () => current);
    const w = await mountApp('#/profiles/1');

    await get(w, 'account-input').setValue('lily2');
    get(w, 'account-input').element.closest('form')?.dispatchEvent(new Event('submit'));
    await flush();
    expect(dots.callsOf('profiles.addAccount')).toEqual([{ profile: 1, username: 'lily2' }]);
    expect(w.text()).toContain('Added lily2.');
    expect(w.text()).toContain('lily2');
    await w.get('[aria-label="Remove account lily"]').trigger('click');
    await flush();
    expect(dots.callsOf('profiles.removeAccount')).toEqual([{ profile: 1, uid: 1001 }]);

    await get(w, 'app-input').setValue('steam');
    get(w, 'app-input').element.closest('form')?.dispatchEvent(new Event('submit'));
    await flush();
    expect(dots.callsOf('apps.block')).toEqual([{ profile: 1, app: 'steam' }]);
    expect(w.text()).toContain('Blocked /usr/games/steam.');
    expect(w.text()).toContain('/usr/games/steam');
    expect(w.text()).toContain('4 MB');
    await button(w, 'Unblock').trigger('click');
    await flush();
    expect(dots.callsOf('apps.unblock')).toEqual([{ profile: 1, app: 'steam' }]);
    expect(w.text()).toContain('No blocked applications.');
  });

  it('deletes a profile only after confirming', async () => {
    dots.on('profiles.list', () => [profile()]);
    dots.on('profiles.delete', () => null);
    const w = await mountApp('#/profiles/1');
    await button(w, "Delete Lily's profile").trigger('click');
    await flush();
    await button(w, 'Cancel').trigger('click');
    await flush();
    expect(dots.callsOf('profiles.delete')).toEqual([]);
    await button(w, "Delete Lily's profile").trigger('click');
    await flush();
    await button(w, 'Delete profile').trigger('click');
    await flush();
    expect(dots.callsOf('profiles.delete')).toEqual([{ profile: 1 }]);
    expect(location.hash).toBe('#/profiles');
  });
});

describe('alerts', () => {
  beforeEach(() => {
    dots.on('profiles.list', () => [profile(), profile({ id: 2, name: 'Sam' })]);
    dots.on('alerts.list', () => [
      alert({ id: 1, profileId: 1, kind: 'memory_limit', timeMs: Date.now() - 5000 }),
      alert({ id: 2, profileId: 2, kind: 'network_limit', measured: 14, limit: 10, unit: 'Mbps', comm: 'curl', timeMs: Date.now() - 3_600_000 }),
      alert({ id: 3, profileId: 1, kind: 'blocked_app', comm: 'steam', acknowledged: true, message: 'steam is blocked' }),
    ]);
    dots.on('alerts.ack', (p) => ({ acknowledged: Array.isArray(p.ids) ? p.ids.length : 2 }));
  });

  it('lists unacknowledged alerts by default with child, kind, numbers and age', async () => {
    const w = await mountApp('#/alerts');
    const items = w.findAll('.alert-list li');
    expect(items).toHaveLength(2);
    expect(items[0]?.text()).toContain('Lily');
    expect(items[0]?.text()).toContain('Memory limit');
    expect(items[0]?.text()).toContain('just now');
    expect(items[1]?.text()).toContain('curl — 14 Mbps (limit 10 Mbps)');
    expect(items[1]?.text()).toContain('1 h ago');
  });

  it('filters by child, kind and acknowledged', async () => {
    const w = await mountApp('#/alerts');
    await get(w, 'filter-child').setValue('2');
    expect(w.findAll('.alert-list li')).toHaveLength(1);
    await get(w, 'filter-child').setValue('');
    await get(w, 'filter-kind').setValue('blocked_app');
    expect(w.text()).toContain('No alerts match these filters.');
    await get(w, 'filter-acknowledged').setValue('acknowledged');
    expect(w.findAll('.alert-list li')).toHaveLength(1);
    expect(w.text()).toContain('acknowledged');
  });

  it('shows details for the selected alert and acknowledges it', async () => {
    const w = await mountApp('#/alerts');
    await get(w, 'alert-2').trigger('click');
    await flush();
    expect(location.hash).toBe('#/alerts/2');
    const details = get(w, 'alert-details');
    expect(details.text()).toContain('Network limit');
    expect(details.text()).toContain('14 Mbps');
    expect(details.text()).toContain('10 Mbps');
    expect(details.text()).toContain('pid 4242');
    await details.get('button').trigger('click');
    await flush();
    expect(dots.callsOf('alerts.ack')).toEqual([{ ids: [2] }]);
    expect(get(w, 'alert-details').text()).toContain('Acknowledged');
  });

  it('opens directly on an alert (a notification click) and acknowledges all of one child', async () => {
    const w = await mountApp('#/alerts/1');
    expect(get(w, 'alert-details').text()).toContain('Memory limit');
    await get(w, 'filter-child').setValue('1');
    expect(get(w, 'ack-all').text()).toContain('Acknowledge all for Lily (1)');
    await get(w, 'ack-all').trigger('click');
    await flush();
    expect(dots.callsOf('alerts.ack')).toEqual([{ all: true, profile: 1 }]);
    expect(get(w, 'ack-all').attributes('disabled')).toBeDefined();
  });

  it('has an empty state when there are no alerts at all', async () => {
    dots.on('alerts.list', () => []);
    const w = await mountApp('#/alerts');
    expect(w.text()).toContain('No alerts yet.');
  });
});

describe('monitors', () => {
  const monitor = (name: MonitorStatus['name'], state: MonitorStatus['state'], reasons: string[] = []): MonitorStatus => ({
    name,
    state,
    reasons,
    probesAttached: 4,
    probesTotal: 5,
    probesIdle: 0,
    idleNote: null,
    recordsSubmitted: 1000,
    recordsDropped: 0,
    aggregateMapFull: 0,
    eventsPerSecond: 42,
  });

  it('shows each monitor with its state and why it is degraded, and turns monitors off and on', async () => {
    dots.on('monitors.list', () => [
      monitor('process-monitor', 'ok'),
      monitor('network-monitor', 'degraded', ['kernel lacks tracepoint sock:sock_send_length (needs ≥ 6.x)']),
      monitor('disk-io-monitor', 'disabled'),
    ]);
    dots.on('monitors.disable', (p) => monitor(p.name as MonitorStatus['name'], 'disabled'));
    dots.on('monitors.enable', (p) => monitor(p.name as MonitorStatus['name'], 'ok'));
    const w = await mountApp('#/monitors');
    const network = get(w, 'monitor-network-monitor');
    expect(network.text()).toContain('Degraded');
    expect(network.text()).toContain('kernel lacks tracepoint sock:sock_send_length');
    expect(network.text()).toContain('4 / 5');
    expect(network.text()).toContain('42/s');
    await network.get('button').trigger('click');
    await flush();
    expect(dots.callsOf('monitors.disable')).toEqual([{ name: 'network-monitor' }]);
    expect(get(w, 'monitor-network-monitor').text()).toContain('Disabled');
    await get(w, 'monitor-disk-io-monitor').get('button').trigger('click');
    await flush();
    expect(dots.callsOf('monitors.enable')).toEqual([{ name: 'disk-io-monitor' }]);
  });

  it('says which probes are idle by design, apart from faults', async () => {
    const idleNote = 'kernel-allocation counters attach while a profile has a kernel-allocation limit';
    dots.on('monitors.list', () => [{ ...monitor('memory-monitor', 'ok'), probesAttached: 5, probesTotal: 9, probesIdle: 4, idleNote }]);
    const w = await mountApp('#/monitors');
    const memory = get(w, 'monitor-memory-monitor');
    expect(memory.text()).toContain('5 / 9');
    expect(memory.text()).toContain(`4 probes idle: ${idleNote}`);
    expect(memory.find('.reasons').exists()).toBe(false);
  });

  it('applies monitor pushes', async () => {
    dots.on('monitors.list', () => [monitor('memory-monitor', 'ok')]);
    const w = await mountApp('#/monitors');
    dots.push({ push: 'monitors', data: [monitor('memory-monitor', 'failed', ['map creation failed'])] });
    await flush();
    expect(get(w, 'monitor-memory-monitor').text()).toContain('map creation failed');
  });
});

describe('history', () => {
  it('queries daily totals and per-app usage for the chosen child, and lists top applications', async () => {
    const DAY = 86_400_000;
    const today = Math.floor(Date.now() / DAY) * DAY;
    dots.on('profiles.list', () => [profile(), profile({ id: 2, name: 'Sam' })]);
    dots.on('usage.query', (p) => {
      const base = {
        profileId: 1,
        intervalMs: DAY,
        processesStarted: 1,
        netTxBytes: 0,
        diskWriteBytes: 0,
        fileReadBytes: 0,
        fileWriteBytes: 0,
        peakRssBytes: 1e6,
      };
      return p.byApp
        ? [
            { ...base, startMs: today, comm: 'firefox', activeSeconds: 3600, netRxBytes: 2e9, diskReadBytes: 0 },
            { ...base, startMs: today, comm: 'steam', activeSeconds: 600, netRxBytes: 0, diskReadBytes: 5e9 },
          ]
        : [{ ...base, startMs: today, comm: null, activeSeconds: 4200, netRxBytes: 2e9, diskReadBytes: 5e9 }];
    });
    const w = await mountApp('#/history');
    const calls = dots.callsOf('usage.query');
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ profile: 1, bucket: 'day' });
    expect(calls[1]).toMatchObject({ profile: 1, bucket: 'day', byApp: true });
    expect(Number(calls[0]?.untilMs) - Number(calls[0]?.sinceMs)).toBe(7 * DAY);
    const text = w.text();
    expect(text).toContain('Top applications by time');
    expect(text).toMatch(/firefox\s*1h/);
    expect(text).toMatch(/steam\s*0 B\s*5 GB/);

    await get(w, 'history-range').setValue('two-days');
    await flush();
    expect(dots.callsOf('usage.query').at(-1)).toMatchObject({ bucket: 'hour', byApp: true });
    (get(w, 'history-child').element as HTMLSelectElement).value = '2';
    get(w, 'history-child').element.dispatchEvent(new Event('change'));
    await flush();
    expect(location.hash).toBe('#/history/2');
    expect(dots.callsOf('usage.query').at(-1)).toMatchObject({ profile: 2 });
  });

  it('says when nothing was recorded', async () => {
    dots.on('profiles.list', () => [profile()]);
    const w = await mountApp('#/history');
    expect(w.text()).toContain('No recorded use in this period.');
  });

  it('says when the query fails', async () => {
    dots.on('profiles.list', () => [profile()]);
    dots.fail('usage.query', { code: 'bad_request', message: 'invalid params for usage.query: sinceMs' });
    const w = await mountApp('#/history');
    expect(w.get('[role="alert"]').text()).toContain('invalid params for usage.query');
  });
});
