// dots-family-ctl as a real subprocess against the real helper (root, BPF, SQLite, socket): profiles, limits with
// units, JSON output, and the exit codes a script can rely on.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MonitorStatus } from '../../src/shared/events.js';
import type { Alert, Limits, Profile } from '../../src/shared/model.js';
import type { HelperStatus, SelfStatus } from '../../src/shared/protocol.js';
import { createTestAccount, removeTestAccount, runAs, type TestAccount } from '../support/accounts.js';
import { ctlJson, runCtl, spawnCtl, startTestHelper, type TestHelper } from '../support/helper-process.js';
import { kernelTestsEnabled } from '../support/kernel.js';

const KID = 'dots-test-ctl-kid';
const STRANGER = 'dots-test-ctl-other';

describe.skipIf(!kernelTestsEnabled())('dots-family-ctl against the helper', () => {
  let helper: TestHelper;
  let kid: TestAccount;
  let stranger: TestAccount;
  const ctl = (...args: string[]) => runCtl(helper.socketPath, args);
  const json = ctlJson;

  beforeAll(async () => {
    kid = createTestAccount(KID);
    stranger = createTestAccount(STRANGER);
    helper = await startTestHelper();
  });

  afterAll(async () => {
    await helper?.close();
    removeTestAccount(KID);
    removeTestAccount(STRANGER);
  });

  it('creates a profile with an account and lists it', async () => {
    const created = await ctl('profile', 'create', 'kid', '--user', KID);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created profile "kid"');
    expect(created.stdout).toContain(`${KID} (${kid.uid})`);

    const list = await ctl('profile', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+ACCOUNTS\s+LIMITS$/);
    expect(list.stdout).toMatch(new RegExp(`kid\\s+${KID} \\(${kid.uid}\\)\\s+no limits`));

    const profiles = json<Profile[]>(await ctl('profile', 'list', '--json'));
    expect(profiles).toEqual([
      expect.objectContaining({ name: 'kid', accounts: [{ uid: kid.uid, username: KID }] }),
    ]);
  });

  it('sets limits given with units, stored in the Limits units (MB, ms, Mbps)', async () => {
    const memory = await ctl('profile', 'set-memory-limit', 'kid', '500MB');
    expect(memory.code).toBe(0);
    expect(memory.stdout).toContain('Memory per process:  500 MB');
    expect((await ctl('profile', 'set-disk-latency-alert', 'kid', '100ms')).code).toBe(0);
    expect((await ctl('profile', 'set-bandwidth-limit', 'kid', '10Mbps')).code).toBe(0);
    expect((await ctl('profile', 'set-allocation-limit', 'kid', '1.5GiB')).code).toBe(0);
    const disk = json<Limits>(await ctl('profile', 'set-disk-bandwidth-limit', 'kid', '5MB/s', '--json'));
    expect(disk).toMatchObject({
      memory: { max_process_memory_mb: 500, max_allocation_mb: 1610.612736 },
      diskIo: { max_latency_ms: 100, max_bandwidth_mbps: 40 },
      network: { max_upload_mbps: 10, max_download_mbps: 10 },
      blockedApps: [],
    });
    const upload = json<Limits>(await ctl('--json', 'profile', 'set-bandwidth-limit', 'kid', 'none', '--upload'));
    expect(upload.network).toEqual({ max_upload_mbps: null, max_download_mbps: 10 });
    // What the helper enforces is what the CLI set.
    expect(helper.helper.store.profiles.getByName('kid')?.limits.memory.max_process_memory_mb).toBe(500);

    const show = await ctl('profile', 'show', 'kid');
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Disk latency alert:  100 ms (p95)');
    expect(show.stdout).toContain('Disk bandwidth:      40 Mbps');
    expect(show.stdout).toContain('Upload:              —');
    expect(show.stdout).toContain('Download:            10 Mbps');
  });

  it('attaches the kernel-allocation probes while a profile has an allocation limit, and detaches them after', async () => {
    const memoryProbes = async () => {
      const monitors = json<MonitorStatus[]>(await ctl('monitor', 'list', '--json'));
      return monitors.find((m) => m.name === 'memory-monitor')!;
    };
    expect(await memoryProbes()).toMatchObject({ state: 'ok', probesIdle: 0 });
    expect((await ctl('profile', 'set-allocation-limit', 'kid', 'none')).code).toBe(0);
    const idle = await memoryProbes();
    expect(idle).toMatchObject({ state: 'ok', probesIdle: 4, probesAttached: idle.probesTotal - 4 });
    expect((await ctl('monitor', 'list')).stdout).toMatch(/memory-monitor\s+ok\s+\d+\/\d+ \(4 idle\)/);
    expect(helper.helper.monitors.watchedAccount(kid.uid)).toMatchObject({ countAllocations: false });
    expect((await ctl('profile', 'set-allocation-limit', 'kid', '1.5GiB')).code).toBe(0);
    expect(await memoryProbes()).toMatchObject({ state: 'ok', probesIdle: 0 });
    expect(helper.helper.monitors.watchedAccount(kid.uid)).toMatchObject({ countAllocations: true });
  });

  it('exits 2 on 500XB, naming the unit, and sends nothing', async () => {
    const result = await ctl('profile', 'set-memory-limit', 'kid', '500XB');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "dots-family-ctl: unknown unit 'XB' in '500XB'; use B, kB, MB, GB, TB, KiB, MiB, GiB, TiB\n",
    );
    expect(helper.helper.store.profiles.getByName('kid')?.limits.memory.max_process_memory_mb).toBe(500);
  });

  it('exits 2 on an unknown command or option', async () => {
    const command = await ctl('profile', 'frobnicate');
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/^dots-family-ctl: unknown command 'frobnicate'/);
    expect((await ctl('alerts', 'list', '--frob')).code).toBe(2);
  });

  it('exits 1 with "no profile named…" for an unknown profile', async () => {
    const result = await ctl('profile', 'show', 'nobody-here');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'dots-family-ctl: no profile named "nobody-here"\n  hint: see the profiles: dots-family-ctl profile list\n',
    );
    expect((await ctl('profile', 'set-memory-limit', 'nobody-here', '1GB')).code).toBe(1);
  });

  it('exits 3 with a hint when the helper is not running', async () => {
    const result = await runCtl('/tmp/dots-no-such-dir/helper.sock', ['profile', 'list']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'cannot reach the DOTS Family helper at /tmp/dots-no-such-dir/helper.sock (ENOENT)',
    );
    expect(result.stderr).toContain('start it: sudo systemctl start dots-family-helper, or sudo dots-family-helper');
  });

  it('exits 4 for an account that is neither a parent nor in a profile', async () => {
    const result = await runCtl(helper.socketPath, ['profile', 'list'], { account: stranger });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      new RegExp(`^dots-family-ctl: uid ${stranger.uid} may not use the DOTS Family helper`),
    );
    expect(result.stderr).toMatch(/hint: run it as root \(sudo\)/);
  });

  it("lets a child see itself (whoami) but not the parents' commands (exit 4)", async () => {
    const self = json<SelfStatus>(await runCtl(helper.socketPath, ['whoami', '--json'], { account: kid }));
    expect(self).toMatchObject({ role: 'child', uid: kid.uid, username: KID, profile: { name: 'kid' } });
    const list = await runCtl(helper.socketPath, ['profile', 'list'], { account: kid });
    expect(list.code).toBe(4);
    expect(list.stderr).toContain('profiles.list is for parents only');
  });

  it('reports status, monitors, alerts and usage as JSON', async () => {
    const status = json<{ helper: HelperStatus; monitors: Array<{ name: string; state: string }> }>(
      await ctl('status', '--json'),
    );
    expect(status.helper.socketPath).toBe(helper.socketPath);
    expect(status.monitors.map((m) => m.state)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(json<SelfStatus>(await ctl('whoami', '--json'))).toMatchObject({ role: 'admin', via: 'root' });
    expect(json<Alert[]>(await ctl('alerts', 'list', '--since', '1h', '--json'))).toEqual([]);
    expect(json<unknown[]>(await ctl('usage', 'kid', '--since', 'today', '--bucket', 'hour', '--json'))).toBeInstanceOf(
      Array,
    );
    const events = json<{ rows: unknown[] }>(await ctl('events', 'kid', 'process', '--limit', '5', '--json'));
    expect(events.rows).toBeInstanceOf(Array);
    // The protocol's largest page (the helper used to ask its store for one more row than that, and fail).
    const largest = json<{ hasMore: boolean }>(await ctl('events', 'kid', 'process', '--limit', '10000', '--json'));
    expect(largest.hasMore).toBe(false);
  });

  it('watches live metrics as JSON lines until interrupted, then exits 0', async () => {
    const watch = spawnCtl(helper.socketPath, ['watch', '--json']);
    const exited = new Promise<number | null>((resolve) => watch.once('close', (code) => resolve(code)));
    let stdout = '';
    watch.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    try {
      await runAs(kid, 'true', []); // activity, so the kid's profile has live metrics
      const line = await vi.waitFor(
        () => {
          const first = stdout.split('\n').find((l) => l.includes('"push":"metrics"'));
          if (!first) throw new Error('no metrics line yet');
          return first;
        },
        { timeout: 15_000, interval: 100 },
      );
      const message = JSON.parse(line) as { push: string; data: Array<{ profileId: number }> };
      expect(message.data.map((m) => m.profileId)).toContain(helper.helper.store.profiles.getByName('kid')?.id);
    } finally {
      watch.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('adds and removes an account by name', async () => {
    expect((await ctl('profile', 'create', 'spare')).code).toBe(0);
    const added = json<Profile>(await ctl('profile', 'add-account', 'spare', STRANGER, '--json'));
    expect(added.accounts).toEqual([{ uid: stranger.uid, username: STRANGER }]);
    const conflict = await ctl('profile', 'add-account', 'kid', STRANGER);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain(`account ${STRANGER} already belongs to profile "spare"`);
    const removed = json<Profile>(await ctl('profile', 'remove-account', 'spare', STRANGER, '--json'));
    expect(removed.accounts).toEqual([]);
  });

  it('deletes a profile only with --yes', async () => {
    const refused = await ctl('profile', 'delete', 'spare');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/without --yes/);
    const deleted = await ctl('profile', 'delete', 'spare', '--yes');
    expect(deleted).toMatchObject({ code: 0, stdout: 'Deleted profile "spare".\n' });
    expect((await ctl('profile', 'show', 'spare')).code).toBe(1);
    expect(json<Profile[]>(await ctl('profile', 'list', '--json')).map((p) => p.name)).toEqual(['kid']);
  });
});
