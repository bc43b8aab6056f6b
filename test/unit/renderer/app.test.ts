import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from '../../../src/renderer/App.vue';
import type { MonitorStatus } from '../../../src/shared/events.js';
import { FakeDots, alert, flush, installFakeDots, metrics, profile, uninstallFakeDots } from './fake-dots.js';

let dots: FakeDots;
let wrapper: VueWrapper | null = null;

async function mountApp(hash = '#/dashboard'): Promise<VueWrapper> {
  location.hash = hash;
  wrapper = mount(App, { global: { plugins: [createPinia()] }, attachTo: document.body });
  await flush();
  await flush();
  return wrapper;
}

function byTestId(w: VueWrapper, id: string) {
  return w.get(`[data-testid="${id}"]`);
}

function button(w: VueWrapper, text: string) {
  const found = w.findAll('button').find((b) => b.text().trim().startsWith(text));
  if (!found) throw new Error(`no button "${text}" in: ${w.findAll('button').map((b) => b.text()).join(' | ')}`);
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

describe('connection states', () => {
  it('offers to start the helper when it is not running and no systemd unit manages it', async () => {
    dots.state = {
      state: 'helper-not-running',
      detail: 'No helper is listening at /run/dots-family/helper.sock.',
      nextAttemptAtMs: null,
      start: { kind: 'prompt', helperPath: '/opt/x/cli.js' },
    };
    const w = await mountApp();
    expect(w.text()).toContain('The DOTS Family helper is not running');
    expect(w.text()).toContain('No helper is listening');
    await button(w, 'Start the helper').trigger('click');
    await flush();
    expect(dots.startCalls).toBe(1);
    expect(w.text()).toContain('The helper is starting…');
    expect(dots.calls).toEqual([]); // nothing is asked of a helper that is not there
  });

  it('gives the systemctl command when systemd manages the helper', async () => {
    dots.state = {
      state: 'helper-not-running',
      detail: null,
      nextAttemptAtMs: null,
      start: { kind: 'systemd', unitPath: '/lib/systemd/system/dots-family-helper.service', command: 'sudo systemctl start dots-family-helper' },
    };
    const w = await mountApp();
    expect(w.text()).toContain('managed by systemd');
    expect(w.get('code').text()).toBe('sudo systemctl start dots-family-helper');
    expect(w.findAll('button').some((b) => b.text().includes('Start the helper'))).toBe(false);
  });

  it('explains permission denied, with what to do', async () => {
    dots.state = { state: 'permission-denied', detail: 'uid 1000 may not use the helper', nextAttemptAtMs: null, start: null };
    const w = await mountApp('#/profiles');
    expect(w.text()).toContain('Permission denied');
    expect(w.text()).toContain('uid 1000 may not use the helper');
    expect(w.text()).toContain('parents');
  });

  it('loads everything once connected, and again after a reconnect', async () => {
    dots.state = { state: 'connecting', detail: null, nextAttemptAtMs: null, start: null };
    const w = await mountApp();
    expect(w.text()).toContain('Connecting to the DOTS Family helper');
    dots.setConnection({ state: 'connected' });
    await flush();
    expect(dots.callsOf('profiles.list')).toHaveLength(1);
    expect(dots.callsOf('alerts.list')).toHaveLength(1);
    expect(dots.callsOf('monitors.list')).toHaveLength(1);
    expect(dots.callsOf('metrics.live')).toHaveLength(1);
    dots.setConnection({ state: 'helper-not-running' });
    await flush();
    expect(w.text()).toContain('not running'); // banner over the data already shown
    dots.setConnection({ state: 'connected' });
    await flush();
    expect(dots.callsOf('profiles.list')).toHaveLength(2);
  });

  it('subscribes once for the whole app and unsubscribes when it goes away', async () => {
    const w = await mountApp();
    expect(dots.subscriberCount).toBe(1);
    w.unmount();
    wrapper = null;
    expect(dots.subscriberCount).toBe(0);
  });
});

describe('dashboard', () => {
  it('has an empty state that leads to creating a profile', async () => {
    const w = await mountApp();
    expect(w.text()).toContain('No child profiles yet');
    await button(w, 'Create a profile').trigger('click');
    await flush();
    expect(location.hash).toBe('#/profiles/new');
    expect(w.find('[data-testid="new-profile-name"]').exists()).toBe(true);
  });

  it('shows an error state with a retry when loading fails', async () => {
    dots.fail('profiles.list', { code: 'internal', message: 'database is locked' });
    const w = await mountApp();
    expect(w.get('[role="alert"]').text()).toContain('database is locked');
    dots.on('profiles.list', () => [profile()]);
    await button(w, 'Try again').trigger('click');
    await flush();
    expect(w.text()).toContain('Lily');
  });

  it('shows live numbers per child from metrics pushes, and new alerts as they come', async () => {
    dots.on('profiles.list', () => [profile()]);
    const w = await mountApp();
    expect(w.text()).toContain('No live numbers yet');
    dots.push({ push: 'metrics', data: [metrics(1, Date.now() - 1000, 312e6)] });
    await flush();
    const card = byTestId(w, 'child-card-1');
    expect(card.text()).toContain('312 MB');
    expect(card.text()).toContain('1 Mbps'); // 125 kB/s down
    dots.push({ push: 'alert', data: alert({ id: 9 }) });
    await flush();
    expect(w.get('[aria-label="1 unacknowledged"]').text()).toBe('1');
    expect(w.text()).toContain('node — 312 MB (limit 200 MB)');
  });

  it('shows monitor health with events per second and drops', async () => {
    const monitor: MonitorStatus = {
      name: 'memory-monitor',
      state: 'degraded',
      reasons: ['no kmalloc tracepoint'],
      probesAttached: 2,
      probesTotal: 3,
      probesIdle: 0,
      idleNote: null,
      recordsSubmitted: 10,
      recordsDropped: 12,
      aggregateMapFull: 0,
      eventsPerSecond: 3.25,
    };
    dots.on('monitors.list', () => [monitor]);
    const w = await mountApp();
    const row = w.get('.monitor-health tbody tr');
    expect(row.text()).toContain('Memory');
    expect(row.text()).toContain('Degraded');
    expect(row.text()).toContain('3.3/s');
    expect(row.text()).toContain('12');
  });
});

describe('navigation', () => {
  it('switches views from the sidebar with real buttons and marks the current one', async () => {
    const w = await mountApp();
    for (const view of ['profiles', 'alerts', 'history', 'monitors', 'dashboard']) {
      await byTestId(w, `nav-${view}`).trigger('click');
      await flush();
      expect(w.find(`[data-testid="view-${view}"]`).exists()).toBe(true);
      expect(byTestId(w, `nav-${view}`).attributes('aria-current')).toBe('page');
      expect(location.hash).toBe(`#/${view}`);
    }
  });
});

describe('first launch without a helper', () => {
  it('explains once for the whole dashboard, not once per section', async () => {
    dots.state = { state: 'helper-not-running', detail: null, nextAttemptAtMs: null, start: null };
    const w = await mountApp('#/dashboard');
    expect(w.findAll('[data-testid="connection-panel"]')).toHaveLength(1);
    expect(w.find('#children-heading').exists()).toBe(false);
  });
});
