// Blocked applications on the real kernel: the process-monitor kills a blocked program at exec, holds a same-size
// suspect until the helper has hashed it, and the helper kills copies and resumes harmless programs. Blocks are per
// profile: a second child account in another profile runs the same programs untouched.
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessExecEvent } from '../../src/shared/events.js';
import type { BpfMap } from '../../src/helper/bpf/bpf-map.js';
import { blockedSizeKey, exeIdentity } from '../../src/helper/bpf/layouts.js';
import { readStruct, type StructLayout } from '../../src/helper/bpf/struct-layout.js';
import { createLogger } from '../../src/helper/log.js';
import { BlockedApps, type ExecDecision } from '../../src/helper/policy/blocked-apps.js';
import { kernelDevFromUserspace } from '../../src/helper/policy/device-numbers.js';
import { createTestAccount, removeTestAccount, runAs, waitFor, type TestAccount } from '../support/accounts.js';
import { kernelTestsEnabled } from '../support/kernel.js';
import { TEST_PROFILE_ID, startMonitors, type MonitorHarness } from '../support/monitor-harness.js';

const CHILD = 'dots-test-block';
/** A second child, in another profile, that blocks nothing until a test says so. */
const SIBLING = 'dots-test-block-sib';
const SIBLING_PROFILE_ID = TEST_PROFILE_ID + 1;
const SYSTEM_TOUCH = '/usr/bin/touch';

/**
 * A working copy of a system program with one letter of its --help text changed: same size, its own content, so
 * blocking it does not block the system's binary (which then serves as the same-size harmless program).
 */
function variantOf(source: string, destination: string, text: string, replacement: string): void {
  const bytes = readFileSync(source);
  const at = bytes.indexOf(text);
  expect(at, `"${text}" in ${source}`).toBeGreaterThan(0);
  expect(replacement.length).toBe(text.length);
  bytes.write(replacement, at, 'latin1');
  writeFileSync(destination, bytes, { mode: 0o755 });
}

/** The profile ids in a BLOCKED_* map's keys, one per entry, sorted. */
function keyProfiles(map: BpfMap, layout: StructLayout): number[] {
  return map
    .keys()
    .map((key) => readStruct(new DataView(key.buffer, key.byteOffset, key.length), layout).profile_id as number)
    .sort((a, b) => a - b);
}


describe.skipIf(!kernelTestsEnabled())('blocked applications', () => {
  let child: TestAccount;
  let sibling: TestAccount;
  let harness: MonitorHarness;
  let blocked: BlockedApps;
  let workDir: string;
  let blockedTouch: string;
  const decisions: ExecDecision[] = [];
  let pump: NodeJS.Timeout;
  let handled = 0;
  let pending: Promise<void> = Promise.resolve();

  beforeAll(() => {
    child = createTestAccount(CHILD);
    sibling = createTestAccount(SIBLING);
    workDir = mkdtempSync('/var/tmp/dots-blocked-');
    chmodSync(workDir, 0o1777);
    blockedTouch = path.join(workDir, 'game');
    variantOf(SYSTEM_TOUCH, blockedTouch, 'current time.', 'Current time.');
    harness = startMonitors(child);
    harness.set.watch(sibling.uid, { profileId: SIBLING_PROFILE_ID, maxProcessMemoryBytes: 0, execDenied: false, countAllocations: false });
    blocked = BlockedApps.forMonitor(harness.set.monitor('process-monitor'), {
      log: createLogger({ level: 'warn', scope: 'test' }),
    });
    // What the helper's pipeline does: every exec of a watched account goes through handleExec, in order.
    pump = setInterval(() => {
      harness.set.drain();
      for (; handled < harness.events.length; handled++) {
        const event = harness.events[handled]!;
        if (event.type !== 'process_exec') continue;
        pending = pending.then(async () => {
          const decision = await blocked.handleExec(event);
          if (decision) decisions.push(decision);
        });
      }
    }, 5);
  });

  afterAll(async () => {
    clearInterval(pump);
    await pending;
    blocked?.clear();
    harness?.close();
    rmSync(workDir, { recursive: true, force: true });
    removeTestAccount(CHILD);
    removeTestAccount(SIBLING);
  });

  const execOf = (file: string, account: TestAccount = child) =>
    harness.events.filter(
      (e): e is ProcessExecEvent => e.type === 'process_exec' && e.filename === file && e.uid === account.uid,
    );
  const processMonitor = () => harness.set.monitor('process-monitor');
  const decisionFor = (pid: number | undefined) => decisions.find((d) => d.pid === pid);

  it('resolves, hashes and blocks a program: its file dies at exec in the kernel before doing any work', async () => {
    const app = await blocked.block(TEST_PROFILE_ID, blockedTouch);
    expect(app).toMatchObject({ name: blockedTouch, path: blockedTouch, sizeBytes: statSync(SYSTEM_TOUCH).size });
    expect(app.sha256).toMatch(/^[0-9a-f]{64}$/);
    const st = statSync(blockedTouch);
    expect(blocked.identities()).toEqual([{ dev: kernelDevFromUserspace(st.dev), ino: st.ino }]);

    const target = path.join(workDir, 'made-by-blocked');
    const run = await runAs(child, blockedTouch, [target]);
    expect(run.signal).toBe('SIGKILL');
    expect(existsSync(target)).toBe(false);
    const exec = await waitFor(() => execOf(blockedTouch)[0], { what: 'exec record of the blocked program' });
    expect(exec.enforcement).toBe('killed_blocked');
    // the kernel's dev encoding matches the one the helper computed from stat
    expect(exec.exe).toEqual({ dev: kernelDevFromUserspace(st.dev), ino: st.ino, sizeBytes: st.size });
    await waitFor(() => decisionFor(exec.pid), { what: 'decision' });
    expect(decisionFor(exec.pid)).toMatchObject({ action: 'killed', by: 'kernel', app: { sha256: app.sha256 } });
  });

  it('kills a renamed copy after hashing it, then kills that copy directly in the kernel', async () => {
    const copy = path.join(workDir, 'homework-helper');
    copyFileSync(blockedTouch, copy);
    chmodSync(copy, 0o755);
    const target = path.join(workDir, 'made-by-copy');

    const first = await runAs(child, copy, [target]);
    expect(first.signal).toBe('SIGKILL');
    expect(existsSync(target)).toBe(false);
    const held = await waitFor(() => execOf(copy)[0], { what: 'exec record of the copy' });
    expect(held.enforcement).toBe('held');
    const decision = await waitFor(() => decisionFor(held.pid), { what: 'decision about the copy' });
    expect(decision).toMatchObject({ action: 'killed', by: 'helper', app: { path: blockedTouch } });
    expect(blocked.identities()).toContainEqual({ dev: held.exe.dev, ino: held.exe.ino });

    const second = await runAs(child, copy, [target]);
    expect(second.signal).toBe('SIGKILL');
    expect(existsSync(target)).toBe(false);
    const again = await waitFor(() => execOf(copy)[1], { what: 'second exec record of the copy' });
    expect(again.enforcement).toBe('killed_blocked');
  });

  it("runs a program blocked for another profile untouched: not killed, not even held", async () => {
    // Blocked for the first child's profile only: its file, the copy identified above, and the same-size system
    // program all reach the sibling's account with no enforcement at all.
    expect(keyProfiles(processMonitor().mapByName('BLOCKED_EXES'), exeIdentity)).toEqual([TEST_PROFILE_ID, TEST_PROFILE_ID]);
    expect(keyProfiles(processMonitor().mapByName('BLOCKED_SIZES'), blockedSizeKey)).toEqual([TEST_PROFILE_ID]);
    for (const [index, program] of [blockedTouch, path.join(workDir, 'homework-helper'), SYSTEM_TOUCH].entries()) {
      const target = path.join(workDir, `made-by-sibling-${index}`);
      const run = await runAs(sibling, program, [target], { timeoutMs: 10_000 });
      expect(run, program).toMatchObject({ code: 0, signal: null });
      expect(existsSync(target)).toBe(true);
      const exec = await waitFor(() => execOf(program, sibling)[0], { what: `sibling's exec record of ${program}` });
      expect(exec).toMatchObject({ profileId: SIBLING_PROFILE_ID, enforcement: 'none' });
      await pending;
      expect(decisionFor(exec.pid)).toBeUndefined();
    }
  });

  it("blocks for a second profile with the copies already known, and lifting it leaves the first profile's block", async () => {
    const [app] = blocked.blocked(TEST_PROFILE_ID);
    await blocked.block(SIBLING_PROFILE_ID, app!);
    expect(keyProfiles(processMonitor().mapByName('BLOCKED_EXES'), exeIdentity)).toEqual([
      TEST_PROFILE_ID,
      TEST_PROFILE_ID,
      SIBLING_PROFILE_ID,
      SIBLING_PROFILE_ID,
    ]);
    // The copy was identified when the first child ran it; the sibling's run of it now dies in the kernel.
    const copy = path.join(workDir, 'homework-helper');
    expect((await runAs(sibling, copy, [path.join(workDir, 'made-by-sibling-copy')])).signal).toBe('SIGKILL');
    const killed = await waitFor(() => execOf(copy, sibling)[1], { what: "sibling's second exec record of the copy" });
    expect(killed).toMatchObject({ profileId: SIBLING_PROFILE_ID, enforcement: 'killed_blocked' });

    expect(blocked.unblock(SIBLING_PROFILE_ID, app!.sha256)).toBe(true);
    expect(keyProfiles(processMonitor().mapByName('BLOCKED_EXES'), exeIdentity)).toEqual([TEST_PROFILE_ID, TEST_PROFILE_ID]);
    expect(keyProfiles(processMonitor().mapByName('BLOCKED_SIZES'), blockedSizeKey)).toEqual([TEST_PROFILE_ID]);
    const sib = await runAs(sibling, copy, [path.join(workDir, 'made-by-sibling-after-unblock')], { timeoutMs: 10_000 });
    expect(sib.code).toBe(0);
    expect((await runAs(child, copy, [path.join(workDir, 'made-by-child-after-sibling-unblock')])).signal).toBe('SIGKILL');
  });

  it("lets a copy of another profile's blocked program run, and teaches that profile's kernel the copy", async () => {
    // The sibling blocks a different program of the same size, so its run of a fresh copy is held and hashed.
    const siblingGame = path.join(workDir, 'sibling-game');
    variantOf(SYSTEM_TOUCH, siblingGame, 'current time.', 'current Time.');
    const siblingApp = await blocked.block(SIBLING_PROFILE_ID, siblingGame);
    const freshCopy = path.join(workDir, 'fresh-copy');
    copyFileSync(blockedTouch, freshCopy);
    chmodSync(freshCopy, 0o755);

    const sib = await runAs(sibling, freshCopy, [path.join(workDir, 'made-by-sibling-fresh')], { timeoutMs: 10_000 });
    expect(sib.code).toBe(0);
    const held = await waitFor(() => execOf(freshCopy, sibling)[0], { what: "sibling's exec record of the fresh copy" });
    expect(held.enforcement).toBe('held');
    expect(await waitFor(() => decisionFor(held.pid))).toMatchObject({ action: 'resumed', cached: false });
    expect(blocked.identities(TEST_PROFILE_ID)).toContainEqual({ dev: held.exe.dev, ino: held.exe.ino });

    expect((await runAs(child, freshCopy, [path.join(workDir, 'made-by-child-fresh')])).signal).toBe('SIGKILL');
    expect(await waitFor(() => execOf(freshCopy)[0], { what: "child's exec record of the fresh copy" })).toMatchObject({
      enforcement: 'killed_blocked',
    });
    expect(blocked.unblock(SIBLING_PROFILE_ID, siblingApp.sha256)).toBe(true);
  });

  it('resumes a held program of the same size whose content differs, and remembers it', async () => {
    const target = path.join(workDir, 'made-by-system-touch');
    const run = await runAs(child, SYSTEM_TOUCH, [target], { timeoutMs: 10_000 });
    expect(run.code).toBe(0);
    expect(existsSync(target)).toBe(true);
    const exec = await waitFor(() => execOf(SYSTEM_TOUCH)[0], { what: 'exec record of touch' });
    expect(exec.enforcement).toBe('held');
    expect(await waitFor(() => decisionFor(exec.pid))).toMatchObject({ action: 'resumed', cached: false });

    const again = await runAs(child, SYSTEM_TOUCH, [`${target}-2`], { timeoutMs: 10_000 });
    expect(again.code).toBe(0);
    const second = await waitFor(() => execOf(SYSTEM_TOUCH)[1], { what: 'second exec record of touch' });
    expect(await waitFor(() => decisionFor(second.pid))).toMatchObject({ action: 'resumed', cached: true });
  });

  it('lets an unblocked program run untouched', async () => {
    const run = await runAs(child, '/bin/ls', ['/']);
    expect(run.code).toBe(0);
    const exec = await waitFor(() => execOf('/bin/ls')[0], { what: 'exec record of ls' });
    expect(exec.enforcement).toBe('none');
    await pending;
    expect(decisionFor(exec.pid)).toBeUndefined();
  });

  it('kills a blocked program the kernel could not hold, after hashing it', async () => {
    // A program that was already running when it was blocked: its exec record says the kernel did nothing.
    const pauser = path.join(workDir, 'pauser');
    variantOf('/usr/bin/sleep', pauser, 'Pause for', 'pause for');
    const running = runAs(child, pauser, ['30'], { timeoutMs: 40_000 });
    const exec = await waitFor(() => execOf(pauser)[0], { what: 'exec record of the running program' });
    expect(exec.enforcement).toBe('none');

    await blocked.block(TEST_PROFILE_ID, pauser);
    const decision = await blocked.handleExec(exec);
    expect(decision).toMatchObject({ action: 'killed', by: 'helper', pid: exec.pid });
    expect((await running).signal).toBe('SIGKILL');
  });

  it('removes its kernel entries when a block is lifted', async () => {
    const maps = processMonitor();
    for (const app of blocked.blocked(TEST_PROFILE_ID)) expect(blocked.unblock(TEST_PROFILE_ID, app.sha256)).toBe(true);
    expect(maps.mapByName('BLOCKED_EXES').keys()).toEqual([]);
    expect(maps.mapByName('BLOCKED_SIZES').keys()).toEqual([]);

    const target = path.join(workDir, 'made-after-unblock');
    const run = await runAs(child, blockedTouch, [target]);
    expect(run.code).toBe(0);
    expect(existsSync(target)).toBe(true);
  });
});
