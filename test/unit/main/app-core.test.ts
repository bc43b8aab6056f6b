import { describe, expect, it, vi } from 'vitest';
import { AppCore } from '../../../src/main/app-core.js';
import { HelperConnection } from '../../../src/main/helper-connection.js';
import { DOTS_CHANNELS } from '../../../src/main/preload-api.js';
import { NO_LIMITS } from '../../../src/shared/model.js';
import { FakeClient, alert } from './fixtures.js';

async function setup() {
  const client = new FakeClient();
  let unacknowledged = [alert({ id: 1 })];
  client.answers.set('profiles.list', () => [
    { id: 7, name: 'Lily', accounts: [], limits: NO_LIMITS, createdAtMs: 0, updatedAtMs: 0 },
  ]);
  client.answers.set('alerts.list', () => unacknowledged);
  client.answers.set('alerts.ack', () => {
    unacknowledged = [];
    return { acknowledged: 1 };
  });
  const connection = new HelperConnection({
    socketPath: '/run/x.sock',
    connect: async () => client,
    startAdvice: () => ({ kind: 'unavailable', reason: 'x' }),
    log: () => undefined,
  });
  const notify = vi.fn();
  const alertsChanged = vi.fn();
  const startHelper = vi.fn(async () => ({ ok: true as const, message: 'starting' }));
  const core = new AppCore({ connection, notify, alertsChanged, startHelper, now: () => 0 });
  const sent: Array<[string, unknown]> = [];
  core.forwardTo((channel, payload) => sent.push([channel, payload]));
  connection.start();
  await vi.waitFor(() => expect(alertsChanged).toHaveBeenCalledWith(1));
  return { core, client, notify, alertsChanged, startHelper, sent, connection };
}

describe('AppCore', () => {
  it('answers the connection state and forwards state changes', async () => {
    const { core, sent } = await setup();
    expect(await core.invoke(DOTS_CHANNELS.connectionGet, [])).toMatchObject({ state: 'connected' });
    expect(sent).toContainEqual([DOTS_CHANNELS.connection, expect.objectContaining({ state: 'connected' })]);
  });

  it('forwards validated calls and refuses the rest before they reach the helper', async () => {
    const { core, client } = await setup();
    expect(await core.invoke(DOTS_CHANNELS.call, ['profiles.list', {}])).toMatchObject({ ok: true });
    expect(await core.invoke(DOTS_CHANNELS.call, ['helper.shutdown', {}])).toMatchObject({
      ok: false,
      error: { code: 'rejected' },
    });
    expect(await core.invoke(DOTS_CHANNELS.call, ['subscribe', { topics: ['alerts'] }])).toMatchObject({ ok: false });
    expect(await core.invoke('dots:something-else', [])).toMatchObject({ ok: false, error: { code: 'rejected' } });
    expect(client.calls.map(([method]) => method)).not.toContain('helper.shutdown');
  });

  it('announces a pushed alert, forwards it with its topic, and follows acknowledgements for the tray', async () => {
    const { core, client, notify, alertsChanged, sent } = await setup();
    client.pushListener?.({ push: 'alert', data: alert({ id: 2, profileId: 7 }) });
    await vi.waitFor(() => expect(notify).toHaveBeenCalledOnce());
    expect(notify.mock.calls[0]?.[0]).toMatchObject({ alertId: 2, title: 'Memory limit — Lily' });
    expect(sent).toContainEqual([DOTS_CHANNELS.push, { topic: 'alerts', push: 'alert', data: alert({ id: 2, profileId: 7 }) }]);
    expect(alertsChanged).toHaveBeenLastCalledWith(2);
    await core.invoke(DOTS_CHANNELS.call, ['alerts.ack', { all: true }]);
    await vi.waitFor(() => expect(alertsChanged).toHaveBeenLastCalledWith(0));
  });

  it('starts the helper on request and retries the connection at once when it did', async () => {
    const { core, startHelper, connection } = await setup();
    const retry = vi.spyOn(connection, 'retryNow');
    expect(await core.invoke(DOTS_CHANNELS.startHelper, [])).toEqual({ ok: true, message: 'starting' });
    expect(startHelper).toHaveBeenCalledOnce();
    expect(retry).toHaveBeenCalledOnce();
  });
});
