// The real helper end to end: a profile for a real child account created over the real socket, activity run as
// that child, and the events and rollups read back through the socket. An unwatched account's activity is not kept.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelperClient } from '../../src/shared/client/helper-client.js';
import type { DiskIoEventRow, ProcessEventRow } from '../../src/shared/event-rows.js';
import type { LiveMetrics } from '../../src/shared/model.js';
import { startHelper, type RunningHelper } from '../../src/helper/daemon.js';
import { silentLogger } from '../../src/helper/log.js';
import { createTestAccount, removeTestAccount, runAs, waitFor, type TestAccount } from '../support/accounts.js';
import { BPF_OBJECT_DIR, kernelTestsEnabled } from '../support/kernel.js';
import { runClientAs, writeClientScript } from './server-support.js';

const CHILD = 'dots-test-e2e-kid';
const STRANGER = 'dots-test-e2e-other';

describe.skipIf(!kernelTestsEnabled())('helper end to end', () => {
  let dir: string;
  let helper: RunningHelper;
  let parent: HelperClient;
  let child: TestAccount;
  let stranger: TestAccount;
  let workDir: string;

  beforeAll(async () => {
    child = createTestAccount(CHILD);
    stranger = createTestAccount(STRANGER);
    dir = mkdtempSync('/tmp/dots-e2e-');
    chmodSync(dir, 0o755);
    workDir = mkdtempSync('/var/tmp/dots-e2e-work-');
    chmodSync(workDir, 0o777);
    helper = await startHelper({
      dbPath: path.join(dir, 'dots.db'),
      socketPath: path.join(dir, 'helper.sock'),
      objectDir: BPF_OBJECT_DIR,
      log: silentLogger,
      sampleIntervalMs: 250,
    });
    parent = await HelperClient.connect(path.join(dir, 'helper.sock'));
  });

  afterAll(async () => {
    parent?.close();
    await helper?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
    removeTestAccount(CHILD);
    removeTestAccount(STRANGER);
  });

  it('creates a profile for the child account and pushes it into the kernel', async () => {
    const profile = await parent.call('profiles.create', { name: 'Robin', usernames: [CHILD] });
    expect(profile.accounts).toEqual([{ uid: child.uid, username: CHILD }]);
    expect(helper.monitors.watchedAccount(child.uid)).toMatchObject({ profileId: profile.id });
    expect(helper.monitors.watchedAccount(stranger.uid)).toBeNull();
  });

  it('stores the child activity and serves it back as events and rollups', async () => {
    const file = path.join(workDir, 'kid.bin');
    const run = await runAs(child, 'dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', 'count=8', 'oflag=direct']);
    expect(run.code).toBe(0);
    await runAs(child, 'ls', [workDir]);

    const processRows = await waitFor(
      async () => {
        const rows = (await parent.call('events.query', { profile: 'Robin', table: 'process' })).rows as ProcessEventRow[];
        return rows.some((r) => r.comm === 'dd' && r.kind === 'exit') && rows.some((r) => r.comm === 'ls') ? rows : null;
      },
      { what: 'process rows of dd and ls', timeoutMs: 15_000 },
    );
    const ddExec = processRows.find((r) => r.comm === 'dd' && r.kind === 'exec')!;
    expect(ddExec.args).toEqual(['dd', 'if=/dev/zero', `of=${file}`, 'bs=1M', 'count=8', 'oflag=direct']);
    expect(ddExec.uid).toBe(child.uid);

    const diskRows = await waitFor(
      async () => {
        const rows = (await parent.call('events.query', { profile: 'Robin', table: 'disk_io' })).rows as DiskIoEventRow[];
        const written = rows.filter((r) => r.pid === ddExec.pid).reduce((n, r) => n + r.bytes, 0);
        return written >= 8 * 1024 * 1024 ? rows : null;
      },
      { what: '8 MiB of disk rows', timeoutMs: 15_000 },
    );
    expect(diskRows.every((r) => r.uid === child.uid)).toBe(true);

    const usage = await waitFor(
      async () => {
        const rows = await parent.call('usage.query', { profile: 'Robin', bucket: 'day', byApp: true });
        const dd = rows.find((r) => r.comm === 'dd');
        return dd && dd.diskWriteBytes >= 8 * 1024 * 1024 ? rows : null;
      },
      { what: 'a day rollup for dd', timeoutMs: 15_000 },
    );
    expect(usage.find((r) => r.comm === 'dd')!.processesStarted).toBeGreaterThanOrEqual(1);
  });

  it('does not keep activity of an account no profile watches', async () => {
    const marker = `stranger-${Date.now()}`;
    await runAs(stranger, '/bin/sh', ['-c', `echo ${marker} > /dev/null`]);
    await new Promise((r) => setTimeout(r, 1000));
    helper.store.writer.flush();
    const strangerRows = helper.store.db
      .prepare('SELECT COUNT(*) AS n FROM process_events WHERE uid = ?')
      .get(stranger.uid) as { n: number };
    expect(strangerRows.n).toBe(0);
  });

  it('pushes live metrics for the child to a subscribed parent', async () => {
    const received: LiveMetrics[][] = [];
    const sub = await HelperClient.connect(path.join(dir, 'helper.sock'));
    try {
      await sub.subscribe(['metrics'], (push) => {
        if (push.push === 'metrics') received.push(push.data);
      });
      await runAs(child, process.execPath, ['-e', 'const b = Buffer.alloc(64e6, 1); setTimeout(() => b, 1500)']);
      const sawRss = await waitFor(() => received.flat().find((m) => m.memory.peakRssBytes >= 64e6), {
        what: 'a metrics push with the 64 MB process',
        timeoutMs: 10_000,
      });
      expect(sawRss.profileId).toBe((await parent.call('profiles.get', { profile: 'Robin' })).id);
    } finally {
      sub.close();
    }
  });

  it('lets the child read only its own status and limits, and refuses its writes and strangers', async () => {
    const script = writeClientScript(dir);
    const socketPath = path.join(dir, 'helper.sock');
    const asChild = await runClientAs(
      script,
      socketPath,
      {
        requests: [
          { method: 'self.status' },
          { method: 'limits.get', params: { profile: 'Robin' } },
          { method: 'limits.set', params: { profile: 'Robin', limits: { memory: { max_process_memory_mb: null } } } },
          { method: 'profiles.list' },
          { method: 'apps.unblock', params: { profile: 'Robin', app: 'anything' } },
        ],
      },
      { uid: child.uid, gid: child.gid },
    );
    const [self, limits, setLimits, list, unblock] = asChild.responses;
    expect(self).toMatchObject({ ok: true, result: { role: 'child', uid: child.uid, profile: { name: 'Robin' } } });
    expect((self!.result as { today: { processesStarted: number } }).today.processesStarted).toBeGreaterThan(0);
    expect(limits).toMatchObject({ ok: true, result: { memory: { max_process_memory_mb: null } } });
    for (const refused of [setLimits, list, unblock]) {
      expect(refused).toMatchObject({ ok: false, error: { code: 'permission_denied' } });
    }

    const asStranger = await runClientAs(script, socketPath, { requests: [{ method: 'self.status' }] }, stranger);
    expect(asStranger.responses[0]).toMatchObject({ ok: false, error: { code: 'permission_denied' } });
  });

  it('keeps its data across a restart', async () => {
    const socketPath = path.join(dir, 'helper.sock');
    parent.close();
    await helper.close();
    expect(helper.monitors.monitors.every((m) => !m.loaded)).toBe(true);
    helper = await startHelper({
      dbPath: path.join(dir, 'dots.db'),
      socketPath,
      objectDir: BPF_OBJECT_DIR,
      log: silentLogger,
      sampleIntervalMs: 250,
    });
    parent = await HelperClient.connect(socketPath);
    const profiles = await parent.call('profiles.list', {});
    expect(profiles.map((p) => p.name)).toEqual(['Robin']);
    expect(helper.monitors.watchedAccount(child.uid)).not.toBeNull();
    const { rows } = await parent.call('events.query', { profile: 'Robin', table: 'process' });
    expect(rows.some((r) => r.comm === 'dd')).toBe(true);
  });

  it('answers bad requests with errors and loses nothing', async () => {
    await expect(parent.call('profiles.get', { profile: 'Nobody' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(parent.call('profiles.create', { name: 'Robin' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      parent.call('profiles.create', { name: 'Twin', usernames: [CHILD] }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      parent.call('profiles.addAccount', { profile: 'Robin', username: 'no-such-user-here' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect((await parent.call('profiles.list', {})).map((p) => p.name)).toEqual(['Robin']);
  });
});
