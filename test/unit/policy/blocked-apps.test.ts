// Blocked-app bookkeeping against in-memory stand-ins for the kernel maps; the kernel side (kills at exec, held
// execs) is exercised in test/integration/policy-blocked-apps.test.ts.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessExecEvent } from '../../../src/shared/events.js';
import type { BpfMap } from '../../../src/helper/bpf/bpf-map.js';
import { blockedSizeKey, exeIdentity } from '../../../src/helper/bpf/layouts.js';
import { readStruct } from '../../../src/helper/bpf/struct-layout.js';
import { silentLogger } from '../../../src/helper/log.js';
import { BoundedSet, clearedKey, triageExec, verdictAfterHash } from '../../../src/helper/policy/blocked-apps-decision.js';
import { BlockedApps } from '../../../src/helper/policy/blocked-apps.js';
import { kernelDevFromUserspace } from '../../../src/helper/policy/device-numbers.js';

class MemoryMap {
  entries = new Map<string, Buffer>();
  update(key: Buffer, value: Buffer) {
    this.entries.set(key.toString('hex'), Buffer.from(value));
  }
  delete(key: Buffer) {
    return this.entries.delete(key.toString('hex'));
  }
  value(key: Buffer) {
    return this.entries.get(key.toString('hex'))?.readUInt32LE(0);
  }
  /** The keys decoded with a layout of bpf/events.h. */
  decodedKeys(layout: typeof exeIdentity) {
    return [...this.entries.keys()].map((hex) => {
      const key = Buffer.from(hex, 'hex');
      return readStruct(new DataView(key.buffer, key.byteOffset, key.length), layout);
    });
  }
}

const sizeKey = (size: number, profileId: number) => {
  const key = Buffer.alloc(blockedSizeKey.size);
  key.writeBigUInt64LE(BigInt(size), blockedSizeKey.offsetOf('size'));
  key.writeUInt32LE(profileId, blockedSizeKey.offsetOf('profile_id'));
  return key;
};

describe('exec triage and verdict', () => {
  it('hashes a held exec or a running one of a blocked size; ignores kernel kills and other sizes', () => {
    expect(triageExec('held', true)).toBe('hash');
    expect(triageExec('none', true)).toBe('hash');
    expect(triageExec('held', false)).toBe('resume');
    expect(triageExec('none', false)).toBe('ignore');
    expect(triageExec('killed_blocked', true)).toBe('ignore');
    expect(triageExec('killed_denied', true)).toBe('ignore');
  });

  it('kills a match; resumes a held harmless program; leaves a running one alone', () => {
    expect(verdictAfterHash('held', true)).toBe('kill');
    expect(verdictAfterHash('none', true)).toBe('kill');
    expect(verdictAfterHash('held', false)).toBe('resume');
    expect(verdictAfterHash('none', false)).toBe('allow');
  });

  it('keys cleared files by identity, size and change time', () => {
    const file = { dev: 1, ino: 2, sizeBytes: 3, ctimeNs: 4n };
    expect(clearedKey(file)).not.toBe(clearedKey({ ...file, ctimeNs: 5n }));
  });

  it('remembers a bounded number of cleared files, forgetting the least recently used', () => {
    const set = new BoundedSet(2);
    set.add('a');
    set.add('b');
    expect(set.has('a')).toBe(true); // a is now the most recent
    set.add('c');
    expect([set.has('a'), set.has('b'), set.has('c'), set.size]).toEqual([true, false, true, 2]);
    expect(() => new BoundedSet(0)).toThrow(RangeError);
  });
});

describe('BlockedApps', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dots-blocked-unit-'));
  const gameA = path.join(dir, 'game-a');
  const gameB = path.join(dir, 'game-b');
  writeFileSync(gameA, 'A'.repeat(4096), { mode: 0o755 });
  writeFileSync(gameB, 'B'.repeat(4096), { mode: 0o755 });
  const identity = (file: string) => {
    const st = statSync(file);
    return { dev: kernelDevFromUserspace(st.dev), ino: st.ino };
  };
  let exes: MemoryMap;
  let sizes: MemoryMap;
  let signals: Array<[number, string]>;
  let apps: BlockedApps;

  beforeEach(() => {
    exes = new MemoryMap();
    sizes = new MemoryMap();
    signals = [];
    apps = new BlockedApps(
      { blockedExes: exes as unknown as BpfMap, blockedSizes: sizes as unknown as BpfMap },
      { log: silentLogger, signal: (pid, signal) => void signals.push([pid, signal]) },
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("fills BLOCKED_EXES with the file's kernel identity and BLOCKED_SIZES with its size, for the profile", async () => {
    const app = await apps.block(1, gameA);
    expect(app).toMatchObject({ name: gameA, path: gameA, sizeBytes: 4096 });
    expect(apps.identities()).toEqual([identity(gameA)]);
    expect(exes.decodedKeys(exeIdentity)).toEqual([{ ...identity(gameA), profile_id: 1 }]);
    expect(sizes.value(sizeKey(4096, 1))).toBe(1);
    expect(sizes.value(sizeKey(4096, 2))).toBeUndefined();
  });

  it('writes one entry per profile and lifts only the unblocking profile\'s entries', async () => {
    const a = await apps.block(1, gameA);
    await apps.block(2, a);
    expect(exes.decodedKeys(exeIdentity)).toEqual([
      { ...identity(gameA), profile_id: 1 },
      { ...identity(gameA), profile_id: 2 },
    ]);
    expect(sizes.decodedKeys(blockedSizeKey)).toEqual([
      { size: 4096, profile_id: 1, _pad: 0 },
      { size: 4096, profile_id: 2, _pad: 0 },
    ]);
    expect(apps.unblock(1, a.sha256)).toBe(true);
    expect(exes.decodedKeys(exeIdentity)).toEqual([{ ...identity(gameA), profile_id: 2 }]);
    expect(sizes.decodedKeys(blockedSizeKey)).toEqual([{ size: 4096, profile_id: 2, _pad: 0 }]);
    expect(apps.identities(1)).toEqual([]);
    expect(apps.identities(2)).toEqual([identity(gameA)]);
  });

  it('keeps a size shared by two blocked programs until the last is unblocked', async () => {
    const a = await apps.block(1, gameA);
    const b = await apps.block(1, gameB);
    expect(exes.entries.size).toBe(2);
    expect(apps.unblock(1, a.sha256)).toBe(true);
    expect(exes.entries.size).toBe(1);
    expect(sizes.value(sizeKey(4096, 1))).toBe(2); // now owned by b's rule
    expect(apps.unblock(1, b.sha256)).toBe(true);
    expect(exes.entries.size).toBe(0);
    expect(sizes.entries.size).toBe(0);
    expect(apps.unblock(1, b.sha256)).toBe(false);
  });

  it('keeps the kernel entries while another profile still blocks the program', async () => {
    const a = await apps.block(1, gameA);
    await apps.block(2, a);
    apps.unblock(1, a.sha256);
    expect(apps.blocked(2)).toHaveLength(1);
    expect(apps.blocked(1)).toEqual([]);
    expect(exes.decodedKeys(exeIdentity)).toEqual([{ ...identity(gameA), profile_id: 2 }]);
  });

  it('keys a shared size per profile: each profile keeps its own owner', async () => {
    const a = await apps.block(1, gameA);
    await apps.block(2, gameB);
    expect(sizes.value(sizeKey(4096, 1))).toBe(1);
    expect(sizes.value(sizeKey(4096, 2))).toBe(2);
    apps.unblock(1, a.sha256);
    expect(sizes.value(sizeKey(4096, 1))).toBeUndefined();
    expect(sizes.value(sizeKey(4096, 2))).toBe(2);
  });

  it('removes every profile\'s entries on clear', async () => {
    const a = await apps.block(1, gameA);
    await apps.block(2, a);
    await apps.block(2, gameB);
    apps.clear();
    expect([exes.entries.size, sizes.entries.size, apps.blocked().length]).toEqual([0, 0, 0]);
  });

  it("makes a profile's blocks exactly the stored list", async () => {
    const a = await apps.resolve(gameA);
    const b = await apps.resolve(gameB);
    await apps.setProfileBlocks(1, [a, b]);
    await apps.setProfileBlocks(1, [b]);
    expect(apps.blocked(1).map((x) => x.sha256)).toEqual([b.sha256]);
    expect(apps.identities()).toEqual([identity(gameB)]);
  });

  it('blocks a stored program whose file has changed by its hash and size only', async () => {
    const stored = { ...(await apps.resolve(gameA)), sha256: '0'.repeat(64) };
    await apps.block(1, stored);
    expect(apps.identities()).toEqual([]);
    expect(sizes.value(sizeKey(4096, 1))).toBe(1);
  });

  const exec = (patch: Partial<ProcessExecEvent>): ProcessExecEvent => ({
    type: 'process_exec',
    timeMs: 1,
    pid: 999_999_999,
    tid: 999_999_999,
    uid: 1500,
    gid: 1500,
    profileId: 1,
    comm: 'game',
    ppid: 1,
    filename: '/tmp/game',
    args: ['game'],
    argsTruncated: false,
    exe: { dev: 1, ino: 2, sizeBytes: 4096 },
    enforcement: 'none',
    ...patch,
  });

  it('resumes a held exec whose size is no longer blocked', async () => {
    const decision = await apps.handleExec(exec({ enforcement: 'held', exe: { dev: 1, ino: 2, sizeBytes: 77 } }));
    expect(decision).toMatchObject({ action: 'resumed', cached: false });
    expect(signals).toEqual([[999_999_999, 'SIGCONT']]);
  });

  it("resumes, without hashing, a held exec of a size only another profile's block has", async () => {
    await apps.block(1, gameA);
    const decision = await apps.handleExec(exec({ profileId: 2, enforcement: 'held' }));
    expect(decision).toMatchObject({ action: 'resumed', cached: false, profileId: 2 });
    expect(signals).toEqual([[999_999_999, 'SIGCONT']]);
    expect(await apps.handleExec(exec({ profileId: 2 }))).toBeNull();
  });

  it('ignores execs unrelated to blocking', async () => {
    await apps.block(1, gameA);
    expect(await apps.handleExec(exec({ exe: { dev: 1, ino: 2, sizeBytes: 77 } }))).toBeNull();
    expect(await apps.handleExec(exec({ enforcement: 'killed_denied' }))).toBeNull();
    expect(signals).toEqual([]);
  });

  it('reports a process that exited before it could be checked', async () => {
    await apps.block(1, gameA);
    expect(await apps.handleExec(exec({ enforcement: 'held' }))).toMatchObject({ action: 'exited' });
  });

  it('attributes a kernel kill to the rule whose file it was', async () => {
    const a = await apps.block(1, gameA);
    const decision = await apps.handleExec(exec({ enforcement: 'killed_blocked', exe: { ...identity(gameA), sizeBytes: 4096 } }));
    expect(decision).toMatchObject({ action: 'killed', by: 'kernel', app: { sha256: a.sha256 } });
  });

  it("does not attribute a kernel kill to another profile's block", async () => {
    await apps.block(1, gameA);
    const exe = { ...identity(gameA), sizeBytes: 4096 };
    expect(await apps.handleExec(exec({ profileId: 2, enforcement: 'killed_blocked', exe }))).toBeNull();
  });
});
