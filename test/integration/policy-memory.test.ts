// The per-process memory limit on the real kernel: a child's limit (model.Limits, in MB) is converted and pushed to
// WATCHED_UIDS; the memory monitor kills a process whose rss passes it and reports the kill, which evaluation turns
// into a memory_limit breach.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryLimitKillEvent } from '../../src/shared/events.js';
import { NO_LIMITS, type Limits } from '../../src/shared/model.js';
import { evaluatePolicy } from '../../src/helper/policy/evaluate.js';
import { watchedAccountFromLimits } from '../../src/helper/policy/limits-to-kernel.js';
import { createTestAccount, removeTestAccount, runAs, waitFor, type TestAccount } from '../support/accounts.js';
import { kernelTestsEnabled } from '../support/kernel.js';
import { TEST_PROFILE_ID, startMonitors, type MonitorHarness } from '../support/monitor-harness.js';

const CHILD = 'dots-test-memlim';
const LIMITS: Limits = { ...NO_LIMITS, memory: { max_allocation_mb: null, max_process_memory_mb: 200 } };

/** node, run as the child: allocates and touches `mb` MB, holds it a moment, prints a byte of it. */
const touch = (mb: number) => [
  '-e',
  `const b = Buffer.alloc(${mb} * 1e6, 1); setTimeout(() => console.log(b[b.length - 1]), 1000);`,
];

describe.skipIf(!kernelTestsEnabled())('memory limit', () => {
  let child: TestAccount;
  let harness: MonitorHarness;

  beforeAll(() => {
    child = createTestAccount(CHILD);
    harness = startMonitors(child);
    const account = watchedAccountFromLimits(TEST_PROFILE_ID, LIMITS);
    expect(account.maxProcessMemoryBytes).toBe(200e6);
    harness.set.watch(child.uid, account);
  });

  afterAll(() => {
    harness?.close();
    removeTestAccount(CHILD);
  });

  const kills = () => harness.events.filter((e): e is MemoryLimitKillEvent => e.type === 'memory_limit_kill');

  it('runs the memory monitor', () => {
    expect(harness.statuses.find((s) => s.name === 'memory-monitor')?.state).toBe('ok');
  });

  it('kills a child process that touches 300 MB, over its 200 MB limit, and reports it', async () => {
    harness.clear();
    const run = await runAs(child, process.execPath, touch(300), { timeoutMs: 30_000 });
    expect(run.signal).toBe('SIGKILL');
    expect(run.stdout).toBe('');
    const kill = await waitFor(() => (harness.collect(), kills()[0]), { what: 'memory_limit_kill event' });
    expect(kill).toMatchObject({ uid: child.uid, profileId: TEST_PROFILE_ID, limitBytes: 200e6 });
    expect(kill.rssBytes).toBeGreaterThan(200e6);
    expect(kill.rssBytes).toBeLessThan(400e6);
    console.log(`killed ${kill.comm} (pid ${kill.pid}) at rss ${(kill.rssBytes / 1e6).toFixed(1)} MB, limit 200 MB`);

    const breaches = evaluatePolicy({
      profileId: TEST_PROFILE_ID,
      limits: LIMITS,
      nowMs: Date.now(),
      metrics: [],
      events: harness.events,
    });
    expect(breaches).toEqual([
      expect.objectContaining({ kind: 'memory_limit', pid: kill.pid, limit: 200, unit: 'MB', enforced: true }),
    ]);
  });

  it('leaves a child process that touches 100 MB alone', async () => {
    harness.clear();
    const run = await runAs(child, process.execPath, touch(100), { timeoutMs: 30_000 });
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('1');
    harness.collect();
    expect(kills()).toEqual([]);
  });
});
