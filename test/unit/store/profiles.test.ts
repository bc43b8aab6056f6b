import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_LIMITS, type Limits } from '../../../src/shared/model.js';
import {
  AccountInUseError,
  DuplicateProfileNameError,
  InvalidArgumentError,
  ProfileNotFoundError,
  openStore,
  type Store,
} from '../../../src/helper/store/index.js';
import { T0, exec, tempDir } from './fixtures.js';

let store: Store;
let cleanup: () => void;
let clockMs = T0;
beforeEach(() => {
  const temp = tempDir();
  cleanup = temp.cleanup;
  clockMs = T0;
  store = openStore(path.join(temp.dir, 'dots.db'), { now: () => clockMs });
});
afterEach(() => {
  store.close();
  cleanup();
});

const limits: Limits = {
  memory: { max_allocation_mb: 50, max_process_memory_mb: 2000 },
  diskIo: { max_bandwidth_mbps: 100, max_latency_ms: 50 },
  network: { max_upload_mbps: 5, max_download_mbps: 50 },
  blockedApps: [{ name: 'steam', path: '/usr/games/steam', sha256: 'ab'.repeat(32), sizeBytes: 4096 }],
};

describe('profiles', () => {
  it('creates a profile with no limits and finds it by id, name (any case) and account uid', () => {
    const alice = store.profiles.create({ name: '  Alice ' });
    store.profiles.addAccount(alice.id, 1001, 'alice');
    expect(alice).toEqual({
      id: alice.id,
      name: 'Alice',
      accounts: [],
      limits: NO_LIMITS,
      createdAtMs: T0,
      updatedAtMs: T0,
    });
    expect(store.profiles.get(alice.id)?.accounts).toEqual([{ uid: 1001, username: 'alice' }]);
    expect(store.profiles.getByName('ALICE')?.id).toBe(alice.id);
    expect(store.profiles.getByUid(1001)?.id).toBe(alice.id);
    expect(store.profiles.getByUid(1002)).toBeNull();
    expect(store.profiles.get(alice.id + 1)).toBeNull();
  });

  it('refuses a second profile with the same name in another case', () => {
    store.profiles.create({ name: 'Alice' });
    expect(() => store.profiles.create({ name: 'alice' })).toThrow(DuplicateProfileNameError);
    const bob = store.profiles.create({ name: 'Bob' });
    expect(() => store.profiles.rename(bob.id, 'ALICE')).toThrow(/already exists/);
  });

  it('gives one uid to at most one profile', () => {
    const alice = store.profiles.create({ name: 'Alice' });
    const bob = store.profiles.create({ name: 'Bob' });
    store.profiles.addAccount(alice.id, 1001);
    expect(() => store.profiles.addAccount(bob.id, 1001)).toThrow(AccountInUseError);
    expect(() => store.profiles.addAccount(bob.id, 1001)).toThrow(
      "uid 1001 already belongs to profile 'Alice'; remove it from that profile first",
    );
    expect(store.profiles.addAccount(alice.id, 1001).accounts).toHaveLength(1); // idempotent for the owner
    expect(store.profiles.removeAccount(1001)).toBe(true);
    expect(store.profiles.removeAccount(1001)).toBe(false);
    expect(store.profiles.addAccount(bob.id, 1001).accounts).toEqual([{ uid: 1001, username: null }]);
  });

  it('refuses root and uids the kernel cannot watch', () => {
    const alice = store.profiles.create({ name: 'Alice' });
    expect(() => store.profiles.addAccount(alice.id, 0)).toThrow(/root/);
    expect(() => store.profiles.addAccount(alice.id, 70_000)).toThrow(/above 65535/);
    expect(() => store.profiles.addAccount(alice.id, 1.5)).toThrow(InvalidArgumentError);
    expect(() => store.profiles.addAccount(alice.id + 10, 1001)).toThrow(ProfileNotFoundError);
  });

  it('stores limits as JSON and bumps the update time', () => {
    const alice = store.profiles.create({ name: 'Alice' });
    clockMs = T0 + 5000;
    const updated = store.profiles.setLimits(alice.id, limits);
    expect(updated.limits).toEqual(limits);
    expect(updated.updatedAtMs).toBe(T0 + 5000);
    expect(store.profiles.getLimits(alice.id)).toEqual(limits);
    const raw = store.db.prepare('SELECT limits_json FROM profiles WHERE id = ?').get(alice.id) as { limits_json: string };
    expect(JSON.parse(raw.limits_json)).toEqual(limits);
    expect(() => store.profiles.setLimits(999, limits)).toThrow(ProfileNotFoundError);
  });

  it('lists profiles by name with their accounts', () => {
    const bob = store.profiles.create({ name: 'Bob' });
    const alice = store.profiles.create({ name: 'Alice' });
    store.profiles.addAccount(bob.id, 1002);
    store.profiles.addAccount(bob.id, 1003);
    expect(store.profiles.list().map((p) => [p.name, p.accounts.map((a) => a.uid)])).toEqual([
      ['Alice', []],
      ['Bob', [1002, 1003]],
    ]);
    expect(store.profiles.ids()).toEqual(new Set([alice.id, bob.id]));
  });

  it("deletes a profile's accounts, events, rollups and alerts with it, and never reuses its id", () => {
    const alice = store.profiles.create({ name: 'Alice' });
    store.profiles.addAccount(alice.id, 1001);
    store.writer.append(exec({ profileId: alice.id }));
    store.writer.addUsage(alice.id, 'firefox', T0, { netTxBytes: 1 });
    store.writer.flush();
    store.alerts.insert({
      profileId: alice.id,
      kind: 'screen_time',
      severity: 'info',
      message: 'over 2 h today',
      measured: 2.5,
      limit: 2,
      unit: 'h',
      timeMs: T0,
    });

    expect(store.profiles.remove(alice.id)).toBe(true);
    for (const table of ['profile_accounts', 'process_events', 'usage_rollups', 'alerts']) {
      expect(store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
    }
    expect(store.profiles.remove(alice.id)).toBe(false);
    expect(store.profiles.create({ name: 'Alice' }).id).toBeGreaterThan(alice.id);
  });

  it('rejects profile id 0, which is what the kernel reports for unwatched accounts', () => {
    expect(() => store.profiles.get(0)).toThrow(/profile id must be a whole number ≥ 1/);
    expect(() => store.events.list({ profileId: 0, table: 'process', fromMs: 0, toMs: 1 })).toThrow(InvalidArgumentError);
  });
});
