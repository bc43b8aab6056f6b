// The socket file's life (stale, live, not a socket, removal) and the client's view of it.

import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SocketInUseError,
  startServer,
  type HelperServer,
  type ServerOptions,
} from '../../src/helper/server/index.js';
import {
  HelperClient,
  HelperDisconnectedError,
  HelperRequestError,
  HelperTimeoutError,
  HelperUnreachableError,
  connect,
} from '../../src/shared/client/helper-client.js';
import { MAX_FRAME_BYTES, type PushMessage } from '../../src/shared/protocol.js';
import { dummyHandlers, liveMetrics, makeSocketDir, recordingLogger, removeDir } from './server-support.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempSocket(): string {
  const dir = makeSocketDir();
  cleanups.push(() => removeDir(dir));
  return join(dir, 'helper.sock');
}

async function serve(socketPath: string, overrides: Partial<ServerOptions> = {}): Promise<HelperServer> {
  const server = await startServer({
    socketPath,
    handlers: dummyHandlers(),
    authorize: { resolveChild: () => null },
    log: recordingLogger(),
    ...overrides,
  });
  cleanups.push(() => server.close());
  return server;
}

/** A socket file nobody listens on: its owner was killed before it could remove it. */
async function staleSocket(socketPath: string): Promise<void> {
  const child = spawn(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('up'))`,
  ]);
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  expect(statSync(socketPath).isSocket()).toBe(true);
}

describe('startServer and the socket file', () => {
  it('creates a missing socket directory 0755 and the socket 0666', async () => {
    const socketPath = join(tempSocket(), '..', 'run', 'dots-family', 'helper.sock');
    await serve(socketPath);
    expect(statSync(join(socketPath, '..')).mode & 0o777).toBe(0o755);
    expect(statSync(socketPath).mode & 0o777).toBe(0o666);
  });

  it('replaces a stale socket that nothing answers on', async () => {
    const socketPath = tempSocket();
    await staleSocket(socketPath);
    const log = recordingLogger();
    await serve(socketPath, { log });
    expect(log.lines.some((line) => line.includes('removed stale socket'))).toBe(true);
    const client = await connect(socketPath);
    await expect(client.call('profiles.get', { profile: 7 })).resolves.toMatchObject({ name: 'Sam' });
    await client.close();
  });

  it('refuses to start while another helper is live on the socket', async () => {
    const socketPath = tempSocket();
    await serve(socketPath);
    await expect(serve(socketPath)).rejects.toBeInstanceOf(SocketInUseError);
    // The live helper is untouched.
    const client = await connect(socketPath);
    await expect(client.call('profiles.list', {})).resolves.toHaveLength(2);
    await client.close();
  });

  it('refuses to replace something that is not a socket', async () => {
    const socketPath = tempSocket();
    writeFileSync(socketPath, 'precious');
    await expect(serve(socketPath)).rejects.toThrow(/not a socket/);
    expect(existsSync(socketPath)).toBe(true);
  });

  it('close() ends connections, removes the socket file, and later connects find nothing', async () => {
    const socketPath = tempSocket();
    const server = await startServer({
      socketPath,
      handlers: { ...dummyHandlers(), 'events.query': () => new Promise<never>(() => {}) },
      authorize: { resolveChild: () => null },
      log: recordingLogger(),
    });
    const client = await connect(socketPath);
    const disconnected = new Promise<Error | null>((resolve) => client.onDisconnect(resolve));
    const pending = client.call('events.query', { profile: 7, table: 'process' }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await server.close();
    expect(await disconnected).toBeInstanceOf(HelperDisconnectedError);
    expect(await pending).toBeInstanceOf(HelperDisconnectedError);
    expect(existsSync(socketPath)).toBe(false);
    await expect(connect(socketPath)).rejects.toMatchObject({ causeCode: 'ENOENT' });
  });
});

describe('the client', () => {
  it('says the helper is not running when the socket is missing', async () => {
    const error = await connect(tempSocket()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HelperUnreachableError);
    expect((error as HelperUnreachableError).causeCode).toBe('ENOENT');
    expect((error as HelperUnreachableError).hint).toMatch(/not running/);
  });

  it('says the helper stopped when nothing listens on the socket', async () => {
    const socketPath = tempSocket();
    await staleSocket(socketPath);
    const error = await connect(socketPath).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HelperUnreachableError);
    expect((error as HelperUnreachableError).causeCode).toBe('ECONNREFUSED');
  });

  it('times a call out, and survives the late answer', async () => {
    const socketPath = tempSocket();
    await serve(socketPath, {
      handlers: {
        ...dummyHandlers(),
        'usage.query': () => new Promise((resolve) => setTimeout(() => resolve([]), 300)),
      },
    });
    const client = await connect(socketPath, { timeoutMs: 50 });
    await expect(client.call('usage.query', { profile: 7, bucket: 'day' })).rejects.toBeInstanceOf(HelperTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(client.call('profiles.get', { profile: 8 })).resolves.toMatchObject({ name: 'Alex' });
    await client.close();
  });

  it('rejects a request over the frame limit without sending it', async () => {
    const socketPath = tempSocket();
    const server = await serve(socketPath);
    const client = await connect(socketPath);
    const huge = 'x'.repeat(MAX_FRAME_BYTES);
    await expect(client.call('apps.block', { profile: 7, app: huge })).rejects.toMatchObject({ code: 'frame_too_large' });
    // Nothing was sent, so the connection is still good.
    await expect(client.call('profiles.get', { profile: 7 })).resolves.toMatchObject({ id: 7 });
    expect(server.connectionCount()).toBe(1);
    await client.close();
  });

  it('reports validation errors as HelperRequestError with details', async () => {
    const socketPath = tempSocket();
    await serve(socketPath);
    const client = await connect(socketPath);
    const error = await client
      .call('limits.set', { profile: 7, limits: { memory: { max_process_memory_mb: -5 } } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HelperRequestError);
    expect(error).toMatchObject({ code: 'bad_request', method: 'limits.set' });
    expect((error as HelperRequestError).details).toMatchObject({
      issues: [{ path: 'params.limits.memory.max_process_memory_mb' }],
    });
    await client.close();
  });

  it('delivers pushes of subscribed topics to their listeners, until unsubscribed', async () => {
    const socketPath = tempSocket();
    const server = await serve(socketPath);
    const client: HelperClient = await connect(socketPath);
    const metrics: PushMessage[] = [];
    const monitors: PushMessage[] = [];
    const stopMetrics = await client.subscribe(['metrics'], (push) => metrics.push(push));
    await client.subscribe(['monitors'], (push) => monitors.push(push));

    server.publish('metrics', [liveMetrics(7)]);
    server.publish('monitors', []);
    server.publish('alert', {
      id: 1,
      profileId: 7,
      kind: 'blocked_app',
      severity: 'info',
      message: 'steam was blocked',
      measured: 1,
      limit: 0,
      unit: 'count',
      pid: 1234,
      comm: 'steam',
      timeMs: 0,
      occurrences: 1,
      acknowledged: false,
    });
    await client.call('profiles.list', {}); // a round trip: every push sent before it has arrived
    expect(metrics).toEqual([{ push: 'metrics', data: [liveMetrics(7)] }]);
    expect(monitors).toEqual([{ push: 'monitors', data: [] }]);

    await stopMetrics();
    server.publish('metrics', [liveMetrics(7)]);
    await client.call('profiles.list', {});
    expect(metrics).toHaveLength(1);
    await client.close();
  });

  it('rejects calls after close()', async () => {
    const socketPath = tempSocket();
    await serve(socketPath);
    const client = await connect(socketPath);
    await client.close();
    await expect(client.call('profiles.list', {})).rejects.toBeInstanceOf(HelperDisconnectedError);
  });
});
