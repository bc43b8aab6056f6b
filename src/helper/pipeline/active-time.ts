// Active time per application and per profile: the time during which at least one of its processes was alive.
// It is a union, not a sum — twenty browser processes for an hour are one hour of browser, not twenty — so each
// key counts its live processes and is credited while the count is above zero.
import { PROFILE_TOTAL_COMM } from '../store/rollup-buckets.js';

export type CreditActiveTime = (profileId: number, comm: string, fromMs: number, toMs: number) => void;

interface ActiveKey {
  profileId: number;
  comm: string;
  live: number;
  /** Credited up to here. */
  sinceMs: number;
}

/** Events arrive up to about a sample interval late; a key's credited end is remembered this long after it stops. */
const RETIRED_MEMORY_MS = 60_000;

export class ActiveTime {
  private readonly keys = new Map<string, ActiveKey>();
  /** Keys that stopped: credited up to here, so a restart stamped earlier (a late event) is not credited twice. */
  private readonly retired = new Map<string, number>();

  constructor(private readonly credit: CreditActiveTime) {}

  /** A process of (profile, comm) started or was first seen at `timeMs`. */
  start(profileId: number, comm: string, timeMs: number): void {
    for (const key of [comm, PROFILE_TOTAL_COMM]) {
      const id = `${profileId}:${key}`;
      const entry = this.keys.get(id);
      if (entry) entry.live++;
      else {
        const sinceMs = Math.max(timeMs, this.retired.get(id) ?? timeMs);
        this.keys.set(id, { profileId, comm: key, live: 1, sinceMs });
      }
    }
  }

  /** A process of (profile, comm) ended (or was given up on) at `timeMs`. */
  stop(profileId: number, comm: string, timeMs: number): void {
    for (const key of [comm, PROFILE_TOTAL_COMM]) {
      const id = `${profileId}:${key}`;
      const entry = this.keys.get(id);
      if (!entry) continue;
      if (--entry.live > 0) continue;
      this.creditUpTo(entry, timeMs);
      this.keys.delete(id);
      this.retired.set(id, entry.sinceMs);
    }
  }

  /** Credits every active key up to `nowMs`, so long-running applications show up before they exit. */
  creditAll(nowMs: number): void {
    for (const entry of this.keys.values()) this.creditUpTo(entry, nowMs);
    for (const [id, creditedMs] of this.retired) if (creditedMs < nowMs - RETIRED_MEMORY_MS) this.retired.delete(id);
  }

  isActive(profileId: number, comm: string): boolean {
    return this.keys.has(`${profileId}:${comm}`);
  }

  private creditUpTo(entry: ActiveKey, toMs: number): void {
    // An event stamped before the last tick has already been credited up to the tick; never credit backwards.
    if (toMs <= entry.sinceMs) return;
    this.credit(entry.profileId, entry.comm, entry.sinceMs, toMs);
    entry.sinceMs = toMs;
  }
}
