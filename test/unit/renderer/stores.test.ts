import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HelperCallError, callHelper, describeError } from '../../../src/renderer/api/helper.js';
import { useAlertsStore } from '../../../src/renderer/stores/alerts.js';
import { LIVE_WINDOW_MS, useMetricsStore } from '../../../src/renderer/stores/metrics.js';
import { useMonitorsStore } from '../../../src/renderer/stores/monitors.js';
import { useProfilesStore } from '../../../src/renderer/stores/profiles.js';
import { formatHash, parseHash, useUiStore } from '../../../src/renderer/stores/ui.js';
import type { MonitorStatus } from '../../../src/shared/events.js';
import { FakeDots, alert, installFakeDots, metrics, profile, uninstallFakeDots } from './fake-dots.js';

let dots: FakeDots;

beforeEach(() => {
  setActivePinia(createPinia());
  dots = installFakeDots();
});
afterEach(() => uninstallFakeDots());

describe('callHelper', () => {
  it('returns the result, and throws the error code the helper gave', async () => {
    dots.on('profiles.list', () => [profile()]);
    expect(await callHelper('profiles.list', {})).toEqual([profile()]);
    dots.fail('profiles.list', { code: 'permission_denied', message: 'profiles.list is for parents only' });
    const error = await callHelper('profiles.list', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HelperCallError);
    expect(error).toMatchObject({ code: 'permission_denied', method: 'profiles.list' });
    expect(describeError(error)).toContain('parents group');
  });

  it('says plainly when the preload is missing', async () => {
    uninstallFakeDots();
    await expect(callHelper('profiles.list', {})).rejects.toThrow('window.dots is missing');
  });
});

describe('profiles store', () => {
  it('loads, reports loading then ready, and sorts by name', async () => {
    dots.on('profiles.list', () => [profile({ id: 2, name: 'Sam' }), profile({ id: 1, name: 'Lily' })]);
    const store = useProfilesStore();
    const loading = store.load();
    expect(store.status).toBe('loading');
    await loading;
    expect(store.status).toBe('ready');
    expect(store.sorted.map((p) => p.name)).toEqual(['Lily', 'Sam']);
    expect(store.nameOf(2)).toBe('Sam');
    expect(store.nameOf(99)).toBe('Profile 99');
  });

  it('keeps the error for the view when loading fails', async () => {
    dots.fail('profiles.list', { code: 'helper_unreachable', message: 'not connected' });
    const store = useProfilesStore();
    await store.load();
    expect(store.status).toBe('error');
    expect(store.error).toContain('not reachable');
  });

  it('creates with only the account kinds given', async () => {
    dots.on('profiles.create', (p) => profile({ id: 5, name: String(p.name) }));
    const store = useProfilesStore();
    await store.create({ name: 'Max', uids: [], usernames: ['max'] });
    expect(dots.callsOf('profiles.create')).toEqual([{ name: 'Max', usernames: ['max'] }]);
    expect(store.byId.get(5)?.name).toBe('Max');
  });

  it('saves a limits patch and keeps the merged limits the helper returns', async () => {
    dots.on('profiles.list', () => [profile()]);
    dots.on('limits.set', () => ({ ...profile().limits, memory: { max_allocation_mb: null, max_process_memory_mb: 200 } }));
    const store = useProfilesStore();
    await store.load();
    await store.setLimits(1, { memory: { max_process_memory_mb: 200 } });
    expect(dots.callsOf('limits.set')).toEqual([{ profile: 1, limits: { memory: { max_process_memory_mb: 200 } } }]);
    expect(store.byId.get(1)?.limits.memory.max_process_memory_mb).toBe(200);
  });

  it('re-reads the profile after blocking and unblocking an app', async () => {
    const blocked = { name: 'steam', path: '/usr/games/steam', sha256: 'ab'.repeat(32), sizeBytes: 1000 };
    dots.on('profiles.list', () => [profile()]);
    dots.on('apps.block', () => blocked);
    dots.on('profiles.get', () => profile({ limits: { ...profile().limits, blockedApps: [blocked] } }));
    const store = useProfilesStore();
    await store.load();
    expect(await store.blockApp(1, 'steam')).toEqual(blocked);
    expect(store.byId.get(1)?.limits.blockedApps).toEqual([blocked]);
    dots.on('apps.unblock', () => null);
    dots.on('profiles.get', () => profile());
    await store.unblockApp(1, 'steam');
    expect(dots.callsOf('apps.unblock')).toEqual([{ profile: 1, app: 'steam' }]);
    expect(store.byId.get(1)?.limits.blockedApps).toEqual([]);
  });
});

describe('alerts store', () => {
  it('lists newest first and folds a re-raised alert into its row', async () => {
    dots.on('alerts.list', () => [alert({ id: 1, timeMs: 1000 }), alert({ id: 2, timeMs: 3000 })]);
    const store = useAlertsStore();
    await store.load();
    expect(store.alerts.map((a) => a.id)).toEqual([2, 1]);
    store.receive(alert({ id: 1, timeMs: 1000, occurrences: 4 }));
    expect(store.alerts.map((a) => [a.id, a.occurrences])).toEqual([
      [2, 1],
      [1, 4],
    ]);
    store.receive(alert({ id: 3, timeMs: 5000 }));
    expect(store.alerts[0]?.id).toBe(3);
  });

  it('filters by child, kind and acknowledged', async () => {
    dots.on('alerts.list', () => [
      alert({ id: 1, profileId: 1, kind: 'memory_limit' }),
      alert({ id: 2, profileId: 2, kind: 'network_limit' }),
      alert({ id: 3, profileId: 1, kind: 'network_limit', acknowledged: true }),
    ]);
    const store = useAlertsStore();
    await store.load();
    expect(store.filtered.map((a) => a.id).sort()).toEqual([1, 2]);
    store.filters.kind = 'network_limit';
    expect(store.filtered.map((a) => a.id)).toEqual([2]);
    store.filters.acknowledged = 'all';
    store.filters.profileId = 1;
    expect(store.filtered.map((a) => a.id)).toEqual([3]);
  });

  it('acknowledges one, or all of a child', async () => {
    dots.on('alerts.list', () => [alert({ id: 1, profileId: 1 }), alert({ id: 2, profileId: 2 })]);
    dots.on('alerts.ack', () => ({ acknowledged: 1 }));
    const store = useAlertsStore();
    await store.load();
    await store.acknowledge([1]);
    expect(dots.callsOf('alerts.ack')).toEqual([{ ids: [1] }]);
    expect(store.unacknowledged.map((a) => a.id)).toEqual([2]);
    await store.acknowledgeAll(2);
    expect(dots.callsOf('alerts.ack')[1]).toEqual({ all: true, profile: 2 });
    expect(store.unacknowledged).toEqual([]);
  });

  it('leaves alerts unacknowledged when the helper refuses', async () => {
    dots.on('alerts.list', () => [alert({ id: 1 })]);
    dots.fail('alerts.ack', { code: 'permission_denied', message: 'alerts.ack is for parents only' });
    const store = useAlertsStore();
    await store.load();
    await expect(store.acknowledge([1])).rejects.toThrow('parents only');
    expect(store.unacknowledged).toHaveLength(1);
    expect(store.acknowledging).toBe(false);
  });
});

describe('metrics store', () => {
  it('keeps a rolling window per child and ignores repeated or older samples', () => {
    const store = useMetricsStore();
    const t0 = 1_000_000;
    store.add([metrics(1, t0), metrics(2, t0)]);
    store.add([metrics(1, t0 + 1000, 60e6)]);
    store.add([metrics(1, t0 + 500)]); // out of order
    store.add([metrics(1, t0 + 1000)]); // repeated
    expect(store.samplesOf(1).map((s) => s.timeMs)).toEqual([t0, t0 + 1000]);
    store.add([metrics(1, t0 + LIVE_WINDOW_MS + 500, 70e6)]);
    expect(store.samplesOf(1).map((s) => s.timeMs)).toEqual([t0 + 1000, t0 + LIVE_WINDOW_MS + 500]);
    expect(store.samplesOf(2)).toHaveLength(1);
    expect(store.latest.get(1)?.memory.rssBytes).toBe(70e6);
  });

  it('seeds from metrics.live', async () => {
    dots.on('metrics.live', () => [metrics(1, 5000)]);
    const store = useMetricsStore();
    await store.load();
    expect(store.samplesOf(1)).toHaveLength(1);
  });
});

describe('monitors store', () => {
  const status = (name: MonitorStatus['name'], state: MonitorStatus['state']): MonitorStatus => ({
    name,
    state,
    reasons: state === 'degraded' ? ['kernel lacks tracepoint sock:sock_send_length'] : [],
    probesAttached: 3,
    probesTotal: 4,
    probesIdle: 0,
    idleNote: null,
    recordsSubmitted: 10,
    recordsDropped: 0,
    aggregateMapFull: 0,
    eventsPerSecond: 1.5,
  });

  it('lists monitors in their usual order and applies enable/disable results', async () => {
    dots.on('monitors.list', () => [status('disk-io-monitor', 'ok'), status('process-monitor', 'ok')]);
    dots.on('monitors.disable', (p) => status(p.name as MonitorStatus['name'], 'disabled'));
    const store = useMonitorsStore();
    await store.load();
    expect(store.monitors.map((m) => m.name)).toEqual(['process-monitor', 'disk-io-monitor']);
    const pending = store.setEnabled('disk-io-monitor', false);
    expect(store.busy.has('disk-io-monitor')).toBe(true);
    await pending;
    expect(store.busy.size).toBe(0);
    expect(store.monitors.find((m) => m.name === 'disk-io-monitor')?.state).toBe('disabled');
  });

  it('shows why enabling failed next to the monitor', async () => {
    dots.on('monitors.list', () => [status('network-monitor', 'disabled')]);
    dots.fail('monitors.enable', { code: 'unavailable', message: 'network-monitor failed to load: no BTF' });
    const store = useMonitorsStore();
    await store.load();
    await store.setEnabled('network-monitor', true);
    expect(store.actionError).toEqual({ name: 'network-monitor', message: 'network-monitor failed to load: no BTF' });
  });
});

describe('ui store', () => {
  it('parses and formats hash routes, defaulting to the dashboard', () => {
    expect(parseHash('#/alerts/12')).toEqual({ view: 'alerts', id: 12 });
    expect(parseHash('#/profiles/new')).toEqual({ view: 'profiles', id: 'new' });
    expect(parseHash('#/alerts/new')).toEqual({ view: 'alerts', id: null });
    expect(parseHash('#/nowhere')).toEqual({ view: 'dashboard', id: null });
    expect(parseHash('')).toEqual({ view: 'dashboard', id: null });
    expect(parseHash('#/history/0')).toEqual({ view: 'history', id: null });
    expect(formatHash({ view: 'profiles', id: 3 })).toBe('#/profiles/3');
  });

  it('asks the leave guards before navigating, and stays when the parent cancels', async () => {
    const ui = useUiStore();
    await ui.navigate({ view: 'profiles', id: 1 });
    let dirty = true;
    ui.addLeaveGuard(() =>
      dirty ? ui.confirm({ title: 'Discard?', message: 'x', confirmLabel: 'Discard' }) : true,
    );
    const first = ui.navigate({ view: 'alerts', id: null });
    await Promise.resolve();
    expect(ui.confirmRequest?.title).toBe('Discard?');
    ui.confirmRequest?.resolve(false);
    expect(await first).toBe(false);
    expect(ui.route).toEqual({ view: 'profiles', id: 1 });

    const second = ui.navigate({ view: 'alerts', id: null });
    await Promise.resolve();
    ui.confirmRequest?.resolve(true);
    expect(await second).toBe(true);
    expect(ui.route.view).toBe('alerts');
    expect(location.hash).toBe('#/alerts');

    dirty = false;
    expect(await ui.navigate({ view: 'monitors', id: null })).toBe(true);
  });

  it('puts the hash back when a guard refuses a hash change from outside', async () => {
    const ui = useUiStore();
    await ui.navigate({ view: 'profiles', id: 1 });
    ui.addLeaveGuard(() => false);
    location.hash = '#/alerts/5';
    await ui.onHashChange();
    expect(ui.route).toEqual({ view: 'profiles', id: 1 });
    expect(location.hash).toBe('#/profiles/1');
  });
});
