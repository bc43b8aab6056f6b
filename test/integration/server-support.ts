// Shared by the server-*.test.ts integration tests: temp dirs, a recording logger, dummy handlers, real test
// accounts, a raw line client, and a client process run as another account.

import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  NO_LIMITS,
  idleLiveMetrics,
  zeroUsageCounters,
  type LiveMetrics,
  type Profile,
  type UsageRollup,
} from '../../src/shared/model.js';
import type { HandlerTable, ServerLogger } from '../../src/helper/server/index.js';
import { HelperError } from '../../src/helper/server/index.js';

export function makeSocketDir(): string {
  const dir = mkdtempSync('/tmp/dots-server-test-');
  chmodSync(dir, 0o755); // the test accounts must reach the socket inside
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface RecordingLogger extends ServerLogger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const record = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

export function profile(id: number, name: string): Profile {
  return { id, name, accounts: [], limits: NO_LIMITS, createdAtMs: 0, updatedAtMs: 0 };
}

export function liveMetrics(profileId: number): LiveMetrics {
  return { ...idleLiveMetrics(profileId, 1_700_000_000_000), processes: 3 };
}

function todayUsage(profileId: number): UsageRollup {
  const counters = { ...zeroUsageCounters(), activeSeconds: 3600, processesStarted: 12 };
  return { profileId, startMs: 0, intervalMs: 86_400_000, comm: null, ...counters };
}

const profilesById = new Map([
  [7, profile(7, 'Sam')],
  [8, profile(8, 'Alex')],
]);

function findProfile(ref: number | string): Profile {
  const found = [...profilesById.values()].find((p) => p.id === ref || p.name === ref);
  if (!found) throw new HelperError('not_found', `no profile ${JSON.stringify(ref)}`);
  return found;
}

/** Handlers over two fixed profiles (7 "Sam", 8 "Alex"), enough to exercise the server. */
export function dummyHandlers(): Partial<HandlerTable> {
  return {
    'helper.status': () => ({
      version: 'test',
      uptimeSeconds: 1,
      schemaVersion: 1,
      pid: process.pid,
      dbPath: '/nonexistent',
      socketPath: '/nonexistent',
      monitorDrops: [],
    }),
    'profiles.list': () => [...profilesById.values()],
    'profiles.get': async ({ profile: ref }) => {
      // A little jitter so concurrent requests complete out of order.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      return typeof ref === 'number' && ref > 8 ? profile(ref, `P${ref}`) : findProfile(ref);
    },
    'profiles.create': ({ name }) => profile(99, name),
    'limits.get': ({ profile: ref }) => findProfile(ref).limits,
    'limits.set': ({ profile: ref }) => findProfile(ref).limits,
    'apps.block': ({ app }) => ({ name: app, path: `/usr/bin/${app}`, sha256: '0'.repeat(64), sizeBytes: 1 }),
    'metrics.live': ({ profile: ref }) =>
      ref === undefined ? [liveMetrics(7), liveMetrics(8)] : [liveMetrics(findProfile(ref).id)],
    'self.status': (_params, caller) =>
      caller.role === 'admin'
        ? { role: 'admin', uid: caller.uid, username: null, via: caller.via }
        : {
            role: 'child',
            uid: caller.uid,
            username: null,
            profile: { id: caller.profileId, name: caller.profileName },
            limits: NO_LIMITS,
            today: todayUsage(caller.profileId),
          },
  };
}

// --- accounts --------------------------------------------------------------------------------------------------

function runIgnoringExists(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    if (!/already exists/.test(stderr)) throw error;
  }
}

export function ensureGroup(name: string): number {
  runIgnoringExists('groupadd', [name]);
  return Number(execFileSync('getent', ['group', name], { encoding: 'utf8' }).split(':')[2]);
}

export function removeGroup(name: string): void {
  try {
    execFileSync('groupdel', [name], { stdio: 'pipe' });
  } catch {
    // already gone
  }
}

// --- a client process run as another account ------------------------------------------------------------------

/**
 * Plain JavaScript (no build step, no access to the repository needed): sends each request in turn, waits for its
 * response, prints READY, optionally waits for pushes, then prints RESULT and its JSON.
 */
const CLIENT_SCRIPT = String.raw`
import { connect } from 'node:net';
const [socketPath, planText] = process.argv.slice(2);
const plan = JSON.parse(planText);
const socket = connect(socketPath);
const waiting = new Map();
const pushes = [];
let buffered = '';
let onPush = () => {};
socket.setEncoding('utf8');
socket.on('data', (chunk) => {
  buffered += chunk;
  let newline;
  while ((newline = buffered.indexOf('\n')) >= 0) {
    const message = JSON.parse(buffered.slice(0, newline));
    buffered = buffered.slice(newline + 1);
    if ('push' in message) { pushes.push(message); onPush(); }
    else waiting.get(message.id)?.(message);
  }
});
socket.on('error', (error) => { console.log('RESULT ' + JSON.stringify({ error: error.message })); process.exit(0); });
await new Promise((resolve) => socket.once('connect', resolve));
const responses = [];
let id = 0;
for (const request of plan.requests) {
  id++;
  responses.push(await new Promise((resolve) => {
    waiting.set(id, resolve);
    socket.write(JSON.stringify({ id, method: request.method, params: request.params ?? {} }) + '\n');
  }));
}
console.log('READY');
if (plan.pushes) {
  await new Promise((resolve) => {
    onPush = () => { if (pushes.length >= plan.pushes) resolve(); };
    onPush();
    setTimeout(resolve, 10000).unref();
  });
  await new Promise((resolve) => setTimeout(resolve, 200)); // anything that should not come would come now
}
console.log('RESULT ' + JSON.stringify({ responses, pushes }));
socket.end();
`;

export function writeClientScript(dir: string): string {
  const path = join(dir, 'client.mjs');
  writeFileSync(path, CLIENT_SCRIPT, { mode: 0o644 });
  return path;
}

export interface ClientPlan {
  requests: Array<{ method: string; params?: unknown }>;
  /** Wait for this many pushes after READY. */
  pushes?: number;
}

export interface WireResponse {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

export interface ClientRun {
  responses: WireResponse[];
  pushes: Array<{ push: string; data: unknown }>;
  error?: string;
}

export interface RunAsOptions {
  uid: number;
  gid: number;
  /** Start through `setpriv --init-groups` so the process has the account's supplementary groups. */
  initGroups?: boolean;
  /** Called when the client has its responses and waits for pushes. */
  onReady?: () => void;
}

/** Runs the client script as another account (spawn with uid/gid, or setpriv; never a shell). */
export function runClientAs(script: string, socketPath: string, plan: ClientPlan, options: RunAsOptions): Promise<ClientRun> {
  const args = [script, socketPath, JSON.stringify(plan)];
  const child = options.initGroups
    ? spawn('setpriv', ['--reuid', String(options.uid), '--regid', String(options.gid), '--init-groups', process.execPath, ...args], {
        cwd: '/',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      })
    : spawn(process.execPath, args, {
        uid: options.uid,
        gid: options.gid,
        cwd: '/',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const before = stdout;
    stdout += chunk;
    if (!before.includes('READY\n') && stdout.includes('READY\n')) options.onReady?.();
  });
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('RESULT '));
      if (!line) reject(new Error(`client exited ${code} without a result; stderr: ${stderr}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as ClientRun);
    });
  });
}

// --- a raw line client, for frames no real client would send -------------------------------------------------------

export interface RawConnection {
  socket: Socket;
  /** Messages received so far, parsed. */
  messages: Array<Record<string, unknown>>;
  closed: Promise<void>;
  /** Resolves when `count` messages have arrived (or rejects after timeoutMs). */
  waitForMessages(count: number, timeoutMs?: number): Promise<void>;
}

export async function rawConnection(socketPath: string): Promise<RawConnection> {
  const socket = connect(socketPath);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  const messages: Array<Record<string, unknown>> = [];
  let waiters: Array<() => void> = [];
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      messages.push(JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>);
      buffered = buffered.slice(newline + 1);
    }
    for (const waiter of waiters) waiter();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    messages,
    closed,
    waitForMessages(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`got ${messages.length} of ${count} messages`)),
          timeoutMs,
        );
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters = waiters.filter((waiter) => waiter !== check);
          resolve();
        };
        waiters.push(check);
        check();
      });
    },
  };
}
