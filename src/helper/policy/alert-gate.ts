// Between breaches and alerts: one alert per (profile, kind, subject) while the condition persists — repeats are
// folded into it as occurrences — re-armed once the condition has been absent for a while, and a hard cap on new
// alerts per profile per minute so a misbehaving program cannot flood a parent. Pure, with an injected clock.
import type { Breach } from './evaluate.js';

export interface AlertGateOptions {
  /** Milliseconds since the epoch (or any monotonic clock). */
  now: () => number;
  /** A condition not seen for this long has cleared; its next breach is a new alert. */
  rearmAfterMs?: number;
  /** New alerts per profile in any 60 s; further ones are suppressed (folded repeats do not count). */
  maxAlertsPerProfilePerMinute?: number;
}

export type GateDecision =
  /** a new alert: store and notify */
  | { action: 'alert'; key: string }
  /** the same condition again: add to the open alert's occurrences */
  | { action: 'fold'; key: string; occurrences: number }
  /** over the per-profile cap: dropped (counted in `suppressed`) */
  | { action: 'suppress'; key: string };

interface Condition {
  lastSeenMs: number;
  occurrences: number;
}

export const DEFAULT_REARM_AFTER_MS = 30_000;
export const DEFAULT_MAX_ALERTS_PER_PROFILE_PER_MINUTE = 10;
const MINUTE_MS = 60_000;

export function gateKey(b: Pick<Breach, 'profileId' | 'kind' | 'subject'>): string {
  return `${b.profileId}\u0000${b.kind}\u0000${b.subject}`;
}

export class AlertGate {
  private conditions = new Map<string, Condition>();
  private recentAlerts = new Map<number, number[]>(); // profile → times of its alerts in the last minute
  private readonly rearmAfterMs: number;
  private readonly cap: number;
  /** Breaches dropped by the per-profile cap since the gate was made. */
  suppressed = 0;

  constructor(private readonly options: AlertGateOptions) {
    this.rearmAfterMs = options.rearmAfterMs ?? DEFAULT_REARM_AFTER_MS;
    this.cap = options.maxAlertsPerProfilePerMinute ?? DEFAULT_MAX_ALERTS_PER_PROFILE_PER_MINUTE;
    if (!(this.rearmAfterMs >= 0) || !(this.cap >= 1)) throw new RangeError('invalid alert gate options');
  }

  offer(breach: Pick<Breach, 'profileId' | 'kind' | 'subject'>): GateDecision {
    const now = this.options.now();
    this.sweep(now);
    const key = gateKey(breach);
    const open = this.conditions.get(key);
    if (open) {
      open.lastSeenMs = now;
      open.occurrences++;
      return { action: 'fold', key, occurrences: open.occurrences };
    }
    const times = (this.recentAlerts.get(breach.profileId) ?? []).filter((t) => now - t < MINUTE_MS);
    if (times.length >= this.cap) {
      this.recentAlerts.set(breach.profileId, times);
      this.suppressed++;
      return { action: 'suppress', key };
    }
    times.push(now);
    this.recentAlerts.set(breach.profileId, times);
    this.conditions.set(key, { lastSeenMs: now, occurrences: 1 });
    return { action: 'alert', key };
  }

  /** Offers every breach of one evaluation, in order. */
  offerAll<T extends Pick<Breach, 'profileId' | 'kind' | 'subject'>>(
    breaches: readonly T[],
  ): Array<{ breach: T; decision: GateDecision }> {
    return breaches.map((breach) => ({ breach, decision: this.offer(breach) }));
  }

  /** Whether a condition is open (alerted and not yet cleared). */
  isOpen(breach: Pick<Breach, 'profileId' | 'kind' | 'subject'>): boolean {
    this.sweep(this.options.now());
    return this.conditions.has(gateKey(breach));
  }

  /** Open conditions, for status and tests. */
  get openCount(): number {
    this.sweep(this.options.now());
    return this.conditions.size;
  }

  /** Forgets a profile's state (its limits changed or it was deleted): its next breach alerts again. */
  resetProfile(profileId: number): void {
    const prefix = `${profileId}\u0000`;
    for (const key of [...this.conditions.keys()]) if (key.startsWith(prefix)) this.conditions.delete(key);
    this.recentAlerts.delete(profileId);
  }

  /** Clears conditions not seen for rearmAfterMs and old cap entries; keeps memory bounded. */
  private sweep(now: number): void {
    for (const [key, condition] of this.conditions) {
      if (now - condition.lastSeenMs >= this.rearmAfterMs) this.conditions.delete(key);
    }
    for (const [profileId, times] of this.recentAlerts) {
      const recent = times.filter((t) => now - t < MINUTE_MS);
      if (recent.length) this.recentAlerts.set(profileId, recent);
      else this.recentAlerts.delete(profileId);
    }
  }
}
