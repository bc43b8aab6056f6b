import { describe, expect, it, vi } from 'vitest';
import { HelperConnection, toCallError, validPush } from '../../../src/main/helper-connection.js';
import type { ConnectionState, HelperStartAdvice } from '../../../src/main/preload-api.js';
import { ReconnectPolicy } from '../../../src/main/reconnect-policy.js';
import {
  HelperDisconnectedError,
  HelperRequestError,
  HelperUnreachableError,
} from '../../../src/shared/client/helper-client.js';
import type { PushMessage, SelfStatus } from '../../../src/shared/protocol.js';
import { FakeClient, alert } from './fixtures.js';

const SOCKET = '/run/dots-family/helper.sock';
const PROMPT: HelperStartAdvice = { kind: 'prompt', helperPath: '/opt/helper/cli.js' };

function harness(connectResults: Array<FakeClient | Error>) {
  const timers: Array<{ callback: () => void; delayMs: number }> = [];
  const states: ConnectionState[] = [];
  const connect = vi.fn(async () => {
    const next = connectResults.shift();
    if (!next) throw new HelperUnreachableError(SOCKET, 'ENOENT', 'not running');
    if (next instanceof Error) throw next;
    return next;
  });
  const connection = new HelperConnection({
    socketPath: SOCKET,
    connect,
    startAdvice: () => PROMPT,
    policy: new ReconnectPolicy({ initialDelayMs: 500, maxDelayMs: 8000, jitter: 0 }),
    now: () => 1_000,
    setTimer: (callback, delayMs) => timers.push({ callback, delayMs }),
    clearTimer: () => undefined,
    log: () => undefined,
  });
  connection.onState((state) => states.push(state));
  const fireTimer = async () => {
    const timer = timers.shift();
    if (!timer) throw new Error('no timer scheduled');
    timer.callback();
    await vi.waitFor(() => undefined);
    await new Promise((r) => setTimeout(r, 0));
    return timer.delayMs;
  };
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { connection, connect, timers, states, fireTimer, settle };
}

describe('HelperConnection', () => {
  it('connects, checks the account is a parent, subscribes to every topic and reports connected', async () => {
    const client = new FakeClient();
    const { connection, states, settle } = harness([client]);
    const connected = vi.fn();
    connection.onConnected(connected);
    connection.start();
    await settle();
    expect(client.calls[0]).toEqual(['self.status', {}]);
    expect(client.subscribedTopics).toEqual(['metrics', 'alerts', 'monitors']);
    expect(states.at(-1)?.state).toBe('connected');
    expect(connection.state.state).toBe('connected');
    expect(connected).toHaveBeenCalledOnce();
  });

  it('reports helper-not-running with the start advice, and retries with growing delays', async () => {
    const refused = new HelperUnreachableError(SOCKET, 'ECONNREFUSED', 'nothing is listening');
    const { connection, states, fireTimer, settle, connect } = harness([refused, refused, new FakeClient()]);
    connection.start();
    await settle();
    expect(states.at(-1)).toMatchObject({
      state: 'helper-not-running',
      start: PROMPT,
      nextAttemptAtMs: 1_500,
    });
    expect(await fireTimer()).toBe(500);
    expect(await fireTimer()).toBe(1000);
    expect(connect).toHaveBeenCalledTimes(3);
    expect(connection.state.state).toBe('connected');
  });

  it('reports permission-denied when the helper refuses the account', async () => {
    const denied = new HelperRequestError('permission_denied', 'uid 1000 may not use the DOTS Family helper');
    const { connection, settle } = harness([new FakeClient(denied)]);
    connection.start();
    await settle();
    expect(connection.state).toMatchObject({ state: 'permission-denied', detail: expect.stringContaining('uid 1000') });
  });

  it('reports permission-denied for a child account, naming its profile', async () => {
    const child = {
      role: 'child',
      uid: 1001,
      username: 'lily',
      profile: { id: 7, name: 'Lily' },
    } as unknown as SelfStatus;
    const { connection, settle } = harness([new FakeClient(child)]);
    connection.start();
    await settle();
    expect(connection.state).toMatchObject({ state: 'permission-denied', detail: expect.stringContaining("Lily's") });
  });

  it('reports permission-denied when the socket itself is not accessible', async () => {
    const { connection, settle } = harness([new HelperUnreachableError(SOCKET, 'EACCES', 'permission denied')]);
    connection.start();
    await settle();
    expect(connection.state.state).toBe('permission-denied');
  });

  it('says "connecting" after a drop, then reconnects', async () => {
    const first = new FakeClient();
    const second = new FakeClient();
    const { connection, states, fireTimer, settle } = harness([first, second]);
    connection.start();
    await settle();
    first.drop(new HelperDisconnectedError('the helper closed the connection'));
    expect(states.at(-1)?.state).toBe('connecting');
    await fireTimer();
    expect(connection.state.state).toBe('connected');
    expect(second.subscribedTopics).toHaveLength(3);
  });

  it('forwards valid pushes and drops malformed ones', async () => {
    const client = new FakeClient();
    const { connection, settle } = harness([client]);
    const pushes: PushMessage[] = [];
    connection.onPush((message) => pushes.push(message));
    connection.start();
    await settle();
    client.pushListener?.({ push: 'alert', data: alert() });
    client.pushListener?.({ push: 'alert', data: { id: 'not an alert' } } as unknown as PushMessage);
    expect(pushes).toEqual([{ push: 'alert', data: alert() }]);
  });

  it('answers calls with outcomes: result, the helper error code, or helper_unreachable', async () => {
    const client = new FakeClient();
    const { connection, settle } = harness([client]);
    expect(await connection.call('profiles.list', {})).toMatchObject({
      ok: false,
      error: { code: 'helper_unreachable' },
    });
    connection.start();
    await settle();
    expect(await connection.call('profiles.list', {})).toEqual({ ok: true, result: [] });
    expect(await connection.call('alerts.ack', { ids: [99] })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'no alert 99' },
    });
  });

  it('retryNow() tries at once after the parent started the helper', async () => {
    const { connection, connect, settle } = harness([new HelperUnreachableError(SOCKET, 'ENOENT', 'x'), new FakeClient()]);
    connection.start();
    await settle();
    connection.retryNow();
    await settle();
    expect(connect).toHaveBeenCalledTimes(2);
    expect(connection.state.state).toBe('connected');
  });

  it('stop() closes the connection and schedules nothing more', async () => {
    const client = new FakeClient();
    const { connection, timers, settle } = harness([client]);
    connection.start();
    await settle();
    await connection.stop();
    expect(client.connected).toBe(false);
    client.drop(new HelperDisconnectedError('closed'));
    expect(timers).toHaveLength(0);
  });
});

describe('toCallError / validPush', () => {
  it('maps client errors to codes the renderer understands', () => {
    expect(toCallError(new HelperUnreachableError(SOCKET, 'ENOENT', 'x')).code).toBe('helper_unreachable');
    expect(toCallError(new HelperDisconnectedError('gone')).code).toBe('helper_unreachable');
    expect(toCallError(new HelperRequestError('conflict', 'name taken', 'profiles.create', { name: 'x' }))).toEqual({
      code: 'conflict',
      message: 'name taken',
      details: { name: 'x' },
    });
    expect(toCallError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
  });

  it('ignores pushes this app does not know', () => {
    expect(validPush({ push: 'future-thing', data: {} })).toBeNull();
    expect(validPush({ push: 'monitors', data: [] })).toEqual({ push: 'monitors', data: [] });
  });
});
