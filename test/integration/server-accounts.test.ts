// Real accounts against a real socket: who may do what is decided by the kernel's peer credentials.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ChildProfile, type HelperServer } from '../../src/helper/server/index.js';
import {
  dummyHandlers,
  ensureGroup,
  liveMetrics,
  makeSocketDir,
  recordingLogger,
  removeDir,
  removeGroup,
  runClientAs,
  writeClientScript,
} from './server-support.js';
import { createTestAccount, removeTestAccount, type TestAccount } from '../support/accounts.js';

const PARENTS_GROUP = 'dots-family-test';
const CHILD = 'dots-test-child1';
const STRANGER = 'dots-test-stranger';
const PARENT = 'dots-test-parent';

let dir: string;
let socketPath: string;
let script: string;
let server: HelperServer;
let parentsGid: number;
let child: TestAccount;
let stranger: TestAccount;
let parent: TestAccount;
/** Which account is in which profile; tests change it to move accounts. */
const watchedAccounts = new Map<number, ChildProfile>();

beforeAll(async () => {
  parentsGid = ensureGroup(PARENTS_GROUP);
  child = createTestAccount(CHILD);
  stranger = createTestAccount(STRANGER);
  parent = createTestAccount(PARENT, [PARENTS_GROUP]);
  watchedAccounts.set(child.uid, { profileId: 7, profileName: 'Sam' });
  dir = makeSocketDir();
  socketPath = join(dir, 'run', 'helper.sock');
  script = writeClientScript(dir);
  server = await startServer({
    socketPath,
    handlers: dummyHandlers(),
    authorize: { parentsGroup: PARENTS_GROUP, resolveChild: (uid) => watchedAccounts.get(uid) ?? null },
    log: recordingLogger(),
  });
});

afterAll(async () => {
  await server?.close();
  for (const name of [CHILD, STRANGER, PARENT]) removeTestAccount(name);
  removeGroup(PARENTS_GROUP);
  if (dir) removeDir(dir);
});

const codes = (run: { responses: Array<{ ok: boolean; error?: { code: string } }> }) =>
  run.responses.map((response) => (response.ok ? 'ok' : response.error?.code));

describe('the socket file', () => {
  it('is world-connectable, owned root:<parents group>, in a 0755 directory', () => {
    const socket = statSync(socketPath);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o666);
    expect(socket.uid).toBe(0);
    expect(socket.gid).toBe(parentsGid);
    expect(statSync(join(dir, 'run')).mode & 0o777).toBe(0o755);
  });
});

describe('a child account', () => {
  it('reads its own status, limits and metrics, by profile id or name', async () => {
    const run = await runClientAs(
      script,
      socketPath,
      {
        requests: [
          { method: 'self.status' },
          { method: 'limits.get', params: { profile: 7 } },
          { method: 'limits.get', params: { profile: 'Sam' } },
          { method: 'metrics.live', params: {} },
        ],
      },
      child,
    );
    expect(codes(run)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(run.responses[0]?.result).toMatchObject({ role: 'child', uid: child.uid, profile: { id: 7, name: 'Sam' } });
    // metrics.live without a profile: the server scoped it to the child's own.
    expect(run.responses[3]?.result).toEqual([liveMetrics(7)]);
  });

  it('gets permission_denied for writes, parent-only reads and other profiles', async () => {
    const run = await runClientAs(
      script,
      socketPath,
      {
        requests: [
          { method: 'limits.set', params: { profile: 7, limits: { memory: { max_process_memory_mb: null } } } },
          { method: 'apps.block', params: { profile: 7, app: 'steam' } },
          { method: 'profiles.create', params: { name: 'Mine' } },
          { method: 'profiles.list', params: {} },
          { method: 'helper.status', params: {} },
          { method: 'limits.get', params: { profile: 8 } },
          { method: 'limits.get', params: { profile: 'Alex' } },
          { method: 'metrics.live', params: { profile: 8 } },
          { method: 'subscribe', params: { topics: ['monitors'] } },
        ],
      },
      child,
    );
    expect(codes(run)).toEqual(Array(9).fill('permission_denied'));
  });

  it('receives pushes only about its own profile', async () => {
    const run = await runClientAs(
      script,
      socketPath,
      { requests: [{ method: 'subscribe', params: { topics: ['metrics', 'alerts'] } }], pushes: 2 },
      {
        ...child,
        onReady: () => {
          const alert = (id: number, profileId: number) => ({
            id,
            profileId,
            kind: 'memory_limit' as const,
            severity: 'warning' as const,
            message: 'over',
            measured: 2,
            limit: 1,
            unit: 'MB',
            pid: null,
            comm: null,
            timeMs: 0,
            occurrences: 1,
            acknowledged: false,
          });
          server.publish('monitors', []);
          server.publish('metrics', [liveMetrics(7), liveMetrics(8)]);
          server.publish('alert', alert(1, 8));
          server.publish('metrics', [liveMetrics(8)]);
          server.publish('alert', alert(2, 7));
        },
      },
    );
    expect(codes(run)).toEqual(['ok']);
    expect(run.responses[0]?.result).toEqual({ topics: ['metrics', 'alerts'] });
    expect(run.pushes.map((push) => push.push)).toEqual(['metrics', 'alert']);
    expect(run.pushes[0]?.data).toEqual([liveMetrics(7)]);
    expect(run.pushes[1]?.data).toMatchObject({ id: 2, profileId: 7 });
  });

  it('loses access as soon as its account leaves the profile', async () => {
    const membership = watchedAccounts.get(child.uid)!;
    watchedAccounts.delete(child.uid);
    try {
      const run = await runClientAs(script, socketPath, { requests: [{ method: 'self.status' }] }, child);
      expect(codes(run)).toEqual(['permission_denied']);
    } finally {
      watchedAccounts.set(child.uid, membership);
    }
  });
});

describe('an account in no profile and not a parent', () => {
  it('gets permission_denied for every request, whatever it asks', async () => {
    const run = await runClientAs(
      script,
      socketPath,
      {
        requests: [
          { method: 'self.status' },
          { method: 'limits.get', params: { profile: 7 } },
          { method: 'profiles.list' },
          { method: 'no.such.method' },
          { method: 'subscribe', params: { topics: ['alerts'] } },
        ],
      },
      stranger,
    );
    expect(codes(run)).toEqual(Array(5).fill('permission_denied'));
    expect(run.responses[0]?.error?.message).toContain(`uid ${stranger.uid}`);
    expect(run.responses[0]?.error?.message).toContain(PARENTS_GROUP);
  });
});

describe('a member of the parents group', () => {
  const adminRequests = {
    requests: [
      { method: 'self.status' },
      { method: 'profiles.create', params: { name: 'Robin' } },
      { method: 'limits.get', params: { profile: 'Alex' } },
      { method: 'subscribe', params: { topics: ['monitors'] } },
    ],
  };

  it('is an admin through its primary group', async () => {
    const run = await runClientAs(script, socketPath, adminRequests, { uid: parent.uid, gid: parentsGid });
    expect(codes(run)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(run.responses[0]?.result).toEqual({ role: 'admin', uid: parent.uid, username: null, via: 'parents_group' });
  });

  it.skipIf(!existsSync('/usr/bin/setpriv'))('is an admin through a supplementary group', async () => {
    expect(parent.gid).not.toBe(parentsGid);
    const run = await runClientAs(script, socketPath, adminRequests, { ...parent, initGroups: true });
    expect(codes(run)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(run.responses[0]?.result).toMatchObject({ role: 'admin', via: 'parents_group' });
  });

  it('is not an admin from a session without the group', async () => {
    // spawn with uid/gid drops supplementary groups: like a session started before `usermod -aG`.
    const run = await runClientAs(script, socketPath, { requests: [{ method: 'self.status' }] }, parent);
    expect(codes(run)).toEqual(['permission_denied']);
  });
});
