// Hostile and heavy traffic on a real socket: malformed frames, oversize frames, failing handlers, many clients,
// and a client that stops reading.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelperError, startServer, type HelperServer } from '../../src/helper/server/index.js';
import { connect, HelperRequestError } from '../../src/shared/client/helper-client.js';
import { MAX_FRAME_BYTES } from '../../src/shared/protocol.js';
import {
  dummyHandlers,
  liveMetrics,
  makeSocketDir,
  rawConnection,
  recordingLogger,
  removeDir,
  type RecordingLogger,
} from './server-support.js';

let dir: string;
let socketPath: string;
let server: HelperServer;
let log: RecordingLogger;
let running = 0;
let mostRunning = 0;

beforeAll(async () => {
  dir = makeSocketDir();
  socketPath = join(dir, 'helper.sock');
  log = recordingLogger();
  server = await startServer({
    socketPath,
    authorize: { resolveChild: () => null },
    log,
    limits: { maxQueuedOutputBytes: 256 * 1024, maxInFlightPerConnection: 4 },
    handlers: {
      ...dummyHandlers(),
      'profiles.delete': () => {
        throw new Error('database is locked at /var/lib/dots-family/secret.db');
      },
      'profiles.rename': () => {
        throw new HelperError('conflict', "a profile named 'Alex' already exists");
      },
      // A result that breaks the protocol: the server must not pass it on.
      'monitors.list': () => [{ name: 'not-a-monitor' }] as never,
      'usage.query': async () => {
        running++;
        mostRunning = Math.max(mostRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
        return [];
      },
    },
  });
});

afterAll(async () => {
  await server?.close();
  if (dir) removeDir(dir);
});

const wellFormed = (id: number) => `${JSON.stringify({ id, method: 'profiles.get', params: { profile: 7 } })}\n`;

function malformedFrames(): string[] {
  const frames: string[] = [];
  const wrongTypes = [
    '{"id":"1","method":"profiles.list","params":{}}',
    '{"id":1,"method":["profiles.list"],"params":{}}',
    '{"id":1,"method":"profiles.list","params":[]}',
    '{"id":1,"method":"profiles.list","params":"{}"}',
    '{"id":1.5,"method":"profiles.list","params":{}}',
    '{"id":1,"method":"profiles.get","params":{"profile":{"$ne":null}}}',
    '{"id":1,"method":"limits.set","params":{"profile":7,"limits":{"memory":{"max_process_memory_mb":"lots"}}}}',
    '{"id":1,"method":"events.query","params":{"profile":7,"limit":1e9}}',
    '{"id":1,"method":"profiles.list","params":{"__proto__":{"admin":true}}}',
    '[]',
    'null',
    '42',
  ];
  for (let i = 0; i < 250; i++) frames.push(`{"id":${i},"method":"profiles.get","params":{"profile":`); // bad JSON
  for (let i = 0; i < 250; i++) frames.push(wrongTypes[i % wrongTypes.length] as string);
  for (let i = 0; i < 250; i++) frames.push(JSON.stringify({ id: i, method: `no.such.method${i}`, params: {} }));
  return frames;
}

/** Random bytes without newlines, invalid UTF-8 for sure (0xff never appears in UTF-8). */
function binaryGarbage(count: number): Buffer[] {
  return Array.from({ length: count }, () => {
    const bytes = Buffer.alloc(1 + Math.floor(Math.random() * 200));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    bytes[0] = 0xff;
    return Buffer.from(bytes.map((byte) => (byte === 0x0a ? 0x0b : byte)));
  });
}

describe('malformed input', () => {
  it('answers 1,000 malformed frames with errors and then serves a well-formed request', async () => {
    const client = await rawConnection(socketPath);
    const text = malformedFrames();
    const garbage = binaryGarbage(1000 - text.length);
    for (const frame of text) client.socket.write(`${frame}\n`);
    for (const frame of garbage) client.socket.write(Buffer.concat([frame, Buffer.from('\n')]));
    await client.waitForMessages(1000);
    expect(client.messages.every((message) => message.ok === false)).toBe(true);
    const codes = new Set(client.messages.map((message) => (message.error as { code: string }).code));
    expect([...codes].sort()).toEqual(['bad_request', 'unknown_method']);

    client.socket.write(wellFormed(4242));
    await client.waitForMessages(1001);
    expect(client.messages[1000]).toMatchObject({ id: 4242, ok: true, result: { id: 7, name: 'Sam' } });
    client.socket.end();
  });

  it('keeps the id of a malformed request when it can read it', async () => {
    const client = await rawConnection(socketPath);
    client.socket.write('{"id":17,"method":"profiles.get","params":{"profile":0}}\n{"id":18}\n{"id":19,\n');
    await client.waitForMessages(3);
    expect(client.messages.map((message) => message.id)).toEqual([17, 18, null]);
    client.socket.end();
  });

  it('answers a frame over 1 MiB with frame_too_large, closes that connection, and keeps serving others', async () => {
    const client = await rawConnection(socketPath);
    client.socket.write(Buffer.alloc(MAX_FRAME_BYTES + 10, 0x61)); // no newline at all
    await client.closed;
    expect(client.messages).toEqual([
      { id: null, ok: false, error: expect.objectContaining({ code: 'frame_too_large' }) as unknown },
    ]);
    expect(log.lines.some((line) => line.includes('frame over'))).toBe(true);

    const next = await rawConnection(socketPath);
    next.socket.write(wellFormed(1));
    await next.waitForMessages(1);
    expect(next.messages[0]).toMatchObject({ id: 1, ok: true });
    next.socket.end();
  });

  it('accepts a frame of exactly 1 MiB (it is just invalid params)', async () => {
    const client = await rawConnection(socketPath);
    const prefix = '{"id":5,"method":"profiles.get","params":{"profile":"';
    const suffix = '"}}';
    client.socket.write(`${prefix}${'a'.repeat(MAX_FRAME_BYTES - prefix.length - suffix.length)}${suffix}\n`);
    await client.waitForMessages(1);
    expect(client.messages[0]).toMatchObject({ id: 5, ok: false, error: { code: 'bad_request' } });
    client.socket.end();
  });
});

describe('handler failures', () => {
  it('turns a thrown error into internal with a safe message, and logs the stack', async () => {
    const client = await connect(socketPath);
    const error = await client.call('profiles.delete', { profile: 7 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HelperRequestError);
    expect((error as HelperRequestError).code).toBe('internal');
    expect((error as HelperRequestError).message).not.toContain('secret.db');
    expect(log.lines.some((line) => line.startsWith('error') && line.includes('secret.db') && line.includes('at '))).toBe(true);
    await client.close();
  });

  it('passes a HelperError on with its code and message', async () => {
    const client = await connect(socketPath);
    await expect(client.call('profiles.rename', { profile: 7, name: 'Alex' })).rejects.toMatchObject({
      code: 'conflict',
      message: "a profile named 'Alex' already exists",
    });
    await client.close();
  });

  it('refuses to send a result that breaks the protocol', async () => {
    const client = await connect(socketPath);
    await expect(client.call('monitors.list', {})).rejects.toMatchObject({ code: 'internal' });
    expect(log.lines.some((line) => line.includes('monitors.list handler returned a result'))).toBe(true);
    await client.close();
  });

  it('answers unavailable for a method without a handler', async () => {
    const client = await connect(socketPath);
    await expect(client.call('alerts.ack', { all: true })).rejects.toMatchObject({ code: 'unavailable' });
    await client.close();
  });
});

describe('load', () => {
  it('serves 50 concurrent clients doing 20 calls each, answers correlated by id', async () => {
    const clients = await Promise.all(Array.from({ length: 50 }, () => connect(socketPath)));
    const results = await Promise.all(
      clients.map((client, c) =>
        Promise.all(
          Array.from({ length: 20 }, async (_, i) => {
            const id = 100 + c * 20 + i;
            const found = await client.call('profiles.get', { profile: id });
            return found.id === id && found.name === `P${id}`;
          }),
        ),
      ),
    );
    expect(results.flat().filter(Boolean)).toHaveLength(1000);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('runs at most maxInFlightPerConnection requests of one connection at a time', async () => {
    const client = await rawConnection(socketPath);
    const frames = Array.from({ length: 20 }, (_, id) =>
      JSON.stringify({ id, method: 'usage.query', params: { profile: 7, bucket: 'hour' } }),
    );
    client.socket.write(`${frames.join('\n')}\n`);
    await client.waitForMessages(20);
    expect(client.messages.every((message) => message.ok === true)).toBe(true);
    expect(mostRunning).toBe(4);
    client.socket.end();
  });

  it('drops a subscriber that stops reading instead of queueing without bound', async () => {
    const slow = await rawConnection(socketPath);
    slow.socket.write('{"id":1,"method":"subscribe","params":{"topics":["metrics"]}}\n');
    await slow.waitForMessages(1);
    slow.socket.pause(); // and never read again

    const reader = await connect(socketPath);
    let received = 0;
    await reader.subscribe(['metrics'], () => received++);

    const batch = Array.from({ length: 200 }, (_, i) => liveMetrics(i + 1)); // about 100 kB per push
    for (let i = 0; i < 200 && !slow.socket.destroyed; i++) {
      server.publish('metrics', batch);
      await new Promise((resolve) => setImmediate(resolve));
      if (log.lines.some((line) => line.includes('is not reading'))) break;
    }
    expect(log.lines.some((line) => line.includes('is not reading'))).toBe(true);
    slow.socket.resume(); // a paused socket never sees its end
    await slow.closed;
    expect(server.connectionCount()).toBe(1);
    // The reading client was not affected.
    await expect(reader.call('profiles.get', { profile: 7 })).resolves.toMatchObject({ id: 7 });
    expect(received).toBeGreaterThan(0);
    await reader.close();
  });
});
