import { describe, expect, it } from 'vitest';
import type { Alert, LiveMetrics } from '../../../src/shared/model.js';
import { parseProcStatusGroups } from '../../../src/helper/server/peer-credentials.js';
import {
  adminVia,
  checkAccess,
  checkTopicAccess,
  identifyCaller,
  pushForChild,
  scopeToCaller,
} from '../../../src/helper/server/roles.js';
import type { CallerIdentity, PeerCredentials } from '../../../src/helper/server/types.js';

const PARENTS_GID = 990;
const peer = (uid: number, gid = uid, groups: number[] = []): PeerCredentials => ({ pid: 4242, uid, gid, groups });
const child = identifyCaller(peer(1001), null, { profileId: 7, profileName: 'Sam' }) as CallerIdentity;
const admin = identifyCaller(peer(1000), 'parents_group', null) as CallerIdentity;

describe('roles from peer credentials', () => {
  it('makes root an admin', () => {
    expect(adminVia(peer(0), null)).toBe('root');
  });

  it('makes a member of the parents group an admin, by primary or supplementary gid', () => {
    expect(adminVia(peer(1000, PARENTS_GID), PARENTS_GID)).toBe('parents_group');
    expect(adminVia(peer(1000, 1000, [27, PARENTS_GID]), PARENTS_GID)).toBe('parents_group');
  });

  it('makes nobody else an admin, even when the parents group does not exist', () => {
    expect(adminVia(peer(1000, 1000, [27]), PARENTS_GID)).toBeNull();
    expect(adminVia(peer(1000, 1000, [PARENTS_GID]), null)).toBeNull();
  });

  it('prefers admin over child, and gives no role to an account outside every profile', () => {
    expect(identifyCaller(peer(0), 'root', { profileId: 1, profileName: 'x' })?.role).toBe('admin');
    expect(child.role).toBe('child');
    expect(identifyCaller(peer(1002), null, null)).toBeNull();
  });
});

describe('method access', () => {
  it('keeps admin methods from children', () => {
    expect(checkAccess('limits.set', child)?.code).toBe('permission_denied');
    expect(checkAccess('profiles.list', child)?.code).toBe('permission_denied');
    expect(checkAccess('limits.get', child)).toBeNull();
    expect(checkAccess('self.status', child)).toBeNull();
    expect(checkAccess('limits.set', admin)).toBeNull();
  });

  it("scopes a child's request to its own profile, by id or name, and rewrites it to the id", () => {
    expect(scopeToCaller('limits.get', { profile: 7 }, child)).toEqual({ ok: true, params: { profile: 7 } });
    expect(scopeToCaller('limits.get', { profile: 'Sam' }, child)).toEqual({ ok: true, params: { profile: 7 } });
    expect(scopeToCaller('metrics.live', {}, child)).toEqual({ ok: true, params: { profile: 7 } });
    expect(scopeToCaller('alerts.list', { limit: 5 }, child)).toEqual({ ok: true, params: { profile: 7, limit: 5 } });
  });

  it("refuses a child another profile's data", () => {
    for (const profile of [8, 'Alex', 'sam']) {
      const scoped = scopeToCaller('limits.get', { profile }, child);
      expect(scoped.ok).toBe(false);
      if (!scoped.ok) expect(scoped.error.code).toBe('permission_denied');
    }
  });

  it("passes an admin's params unchanged", () => {
    expect(scopeToCaller('metrics.live', {}, admin)).toEqual({ ok: true, params: {} });
    expect(scopeToCaller('limits.get', { profile: 'Alex' }, admin)).toEqual({ ok: true, params: { profile: 'Alex' } });
  });

  it('keeps monitor health from children', () => {
    expect(checkTopicAccess(['metrics', 'alerts'], child)).toBeNull();
    expect(checkTopicAccess(['metrics', 'monitors'], child)?.code).toBe('permission_denied');
    expect(checkTopicAccess(['monitors'], admin)).toBeNull();
  });
});

describe('pushes to a child', () => {
  const metrics = (profileId: number) => ({ profileId }) as LiveMetrics;
  const alert = (profileId: number) => ({ id: 1, profileId }) as Alert;

  it('keeps only its own profile', () => {
    expect(pushForChild('metrics', [metrics(7), metrics(8)], 7)).toEqual([metrics(7)]);
    expect(pushForChild('metrics', [metrics(8)], 7)).toBeNull();
    expect(pushForChild('alert', alert(7), 7)).toEqual(alert(7));
    expect(pushForChild('alert', alert(8), 7)).toBeNull();
    expect(pushForChild('monitors', [], 7)).toBeNull();
  });
});

describe('/proc/<pid>/status groups (fallback before SO_PEERGROUPS)', () => {
  const status = (uids: string, groups: string) => `Name:\tbash\nUid:\t${uids}\nGid:\t1000\t1000\t1000\t1000\nGroups:\t${groups}\n`;

  it('reads the supplementary groups when the effective uid matches', () => {
    expect(parseProcStatusGroups(status('1000\t1000\t1000\t1000', '4 24 27 990 '), 1000)).toEqual([4, 24, 27, 990]);
    expect(parseProcStatusGroups(status('1000\t1000\t1000\t1000', ''), 1000)).toEqual([]);
  });

  it('distrusts a status whose effective uid differs (the pid was reused)', () => {
    expect(parseProcStatusGroups(status('1001\t1001\t1001\t1001', '990'), 1000)).toBeNull();
  });
});
