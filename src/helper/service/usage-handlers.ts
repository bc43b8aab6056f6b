// metrics.live, usage.query and self.status: live numbers and stored rollups, for parents and (their own) children.
import { idleLiveMetrics, zeroUsageCounters, type UsageRollup } from '../../shared/model.js';
import type { HandlerTable } from '../server/index.js';
import { accountByUid } from '../system/accounts.js';
import type { HelperContext } from './context.js';
import { resolveProfile } from './profile-ref.js';

type UsageHandlers = Pick<HandlerTable, 'metrics.live' | 'usage.query' | 'self.status'>;

const DAY_MS = 86_400_000;

/** Local time zone offset at `ms`, so days start at local midnight. */
const utcOffsetMs = (ms: number) => -new Date(ms).getTimezoneOffset() * 60_000;

function localMidnight(nowMs: number): number {
  const d = new Date(nowMs);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function usageHandlers(ctx: HelperContext): UsageHandlers {
  const { store, pipeline, enforcer } = ctx;

  const todayOf = (profileId: number, nowMs: number): UsageRollup => {
    const fromMs = localMidnight(nowMs);
    const rows = store.rollups.list({ profileId, fromMs, toMs: nowMs + 1, bucket: 'day', utcOffsetMs: utcOffsetMs(nowMs) });
    return rows.at(-1) ?? { profileId, startMs: fromMs, intervalMs: DAY_MS, comm: null, ...zeroUsageCounters() };
  };

  return {
    'metrics.live': ({ profile }) => {
      const now = Date.now();
      const ids = profile === undefined ? store.profiles.list().map((p) => p.id) : [resolveProfile(store, profile).id];
      return ids.map((id) => pipeline.liveMetrics(id) ?? idleLiveMetrics(id, now));
    },

    'usage.query': ({ profile, sinceMs, untilMs, bucket, byApp }) => {
      const profileId = resolveProfile(store, profile).id;
      const toMs = untilMs ?? Date.now() + 1;
      const fromMs = sinceMs ?? toMs - 7 * DAY_MS;
      const query = {
        profileId,
        fromMs,
        toMs,
        bucket: bucket === 'minute' ? ('stored' as const) : bucket,
        utcOffsetMs: utcOffsetMs(fromMs),
      };
      return byApp ? store.rollups.listByApp(query) : store.rollups.list(query);
    },

    'self.status': async (_params, caller) => {
      const username = (await accountByUid(caller.uid))?.username ?? null;
      if (caller.role === 'admin') return { role: 'admin', uid: caller.uid, username, via: caller.via };
      const profile = resolveProfile(store, caller.profileId);
      const now = Date.now();
      return {
        role: 'child',
        uid: caller.uid,
        username,
        profile: { id: profile.id, name: profile.name },
        limits: profile.limits,
        today: todayOf(profile.id, now),
        time: enforcer.time.status(profile, now),
      };
    },
  };
}
