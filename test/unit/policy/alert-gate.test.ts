import { describe, expect, it } from 'vitest';
import { AlertGate, gateKey } from '../../../src/helper/policy/alert-gate.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const breach = (subject: string, profileId = 1, kind: 'blocked_app' | 'network_limit' = 'blocked_app') => ({
  profileId,
  kind,
  subject,
});

describe('AlertGate', () => {
  it('alerts once per (profile, kind, subject) and folds repeats while the condition persists', () => {
    const time = clock();
    const gate = new AlertGate({ now: time.now, rearmAfterMs: 30_000 });
    expect(gate.offer(breach('steam'))).toEqual({ action: 'alert', key: gateKey(breach('steam')) });
    time.advance(10_000);
    expect(gate.offer(breach('steam'))).toMatchObject({ action: 'fold', occurrences: 2 });
    time.advance(29_000); // still within 30 s of the last sighting
    expect(gate.offer(breach('steam'))).toMatchObject({ action: 'fold', occurrences: 3 });
    // other subjects, kinds and profiles are their own alerts
    expect(gate.offer(breach('minecraft')).action).toBe('alert');
    expect(gate.offer(breach('steam', 2)).action).toBe('alert');
    expect(gate.offer(breach('steam', 1, 'network_limit')).action).toBe('alert');
    expect(gate.openCount).toBe(4);
  });

  it('re-arms after the condition has been absent for rearmAfterMs', () => {
    const time = clock();
    const gate = new AlertGate({ now: time.now, rearmAfterMs: 30_000 });
    gate.offer(breach('steam'));
    time.advance(29_999);
    expect(gate.isOpen(breach('steam'))).toBe(true);
    time.advance(1);
    expect(gate.isOpen(breach('steam'))).toBe(false);
    expect(gate.offer(breach('steam')).action).toBe('alert');
  });

  it('caps new alerts per profile per minute; folds do not count, other profiles are unaffected', () => {
    const time = clock();
    const gate = new AlertGate({ now: time.now, maxAlertsPerProfilePerMinute: 3, rearmAfterMs: 120_000 });
    expect(['a', 'b', 'c'].map((s) => gate.offer(breach(s)).action)).toEqual(['alert', 'alert', 'alert']);
    expect(gate.offer(breach('a')).action).toBe('fold');
    expect(gate.offer(breach('d')).action).toBe('suppress');
    expect(gate.offer(breach('d', 2)).action).toBe('alert');
    expect(gate.suppressed).toBe(1);
    time.advance(59_999);
    expect(gate.offer(breach('e')).action).toBe('suppress');
    time.advance(1); // the first three are a minute old
    expect(gate.offer(breach('e')).action).toBe('alert');
    expect(gate.suppressed).toBe(2);
  });

  it('forgets a profile on reset', () => {
    const time = clock();
    const gate = new AlertGate({ now: time.now });
    gate.offer(breach('steam'));
    gate.offer(breach('steam', 2));
    gate.resetProfile(1);
    expect(gate.offer(breach('steam')).action).toBe('alert');
    expect(gate.offer(breach('steam', 2)).action).toBe('fold');
  });

  it('offers a whole evaluation in order', () => {
    const gate = new AlertGate({ now: clock().now });
    const decisions = gate.offerAll([breach('x'), breach('x')]).map((d) => d.decision.action);
    expect(decisions).toEqual(['alert', 'fold']);
  });

  it('refuses nonsense options', () => {
    expect(() => new AlertGate({ now: () => 0, maxAlertsPerProfilePerMinute: 0 })).toThrow(RangeError);
    expect(() => new AlertGate({ now: () => 0, rearmAfterMs: -1 })).toThrow(RangeError);
  });
});
