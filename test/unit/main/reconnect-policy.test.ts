import { describe, expect, it } from 'vitest';
import { ReconnectPolicy } from '../../../src/main/reconnect-policy.js';

const noJitter = { jitter: 0, random: () => 0.5 };

describe('ReconnectPolicy', () => {
  it('doubles the delay after each failure up to the ceiling', () => {
    const policy = new ReconnectPolicy({ initialDelayMs: 500, maxDelayMs: 10_000, ...noJitter });
    const delays = Array.from({ length: 8 }, () => policy.nextDelayMs());
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    expect(policy.attempts).toBe(8);
  });

  it('spreads delays by at most the jitter fraction, never past the ceiling', () => {
    const low = new ReconnectPolicy({ initialDelayMs: 1000, maxDelayMs: 4000, jitter: 0.2, random: () => 0 });
    const high = new ReconnectPolicy({ initialDelayMs: 1000, maxDelayMs: 4000, jitter: 0.2, random: () => 0.999999 });
    expect(low.nextDelayMs()).toBe(800);
    expect(high.nextDelayMs()).toBe(1200);
    for (let i = 0; i < 5; i++) high.nextDelayMs();
    expect(high.nextDelayMs()).toBe(4000);
  });

  it('starts over after a connection that held, but not after one that dropped at once', () => {
    const policy = new ReconnectPolicy({ initialDelayMs: 100, maxDelayMs: 10_000, stableAfterMs: 30_000, ...noJitter });
    policy.nextDelayMs();
    policy.nextDelayMs();
    policy.connectionEnded(1_000); // a helper crashing right after accepting keeps backing off
    expect(policy.nextDelayMs()).toBe(400);
    policy.connectionEnded(60_000);
    expect(policy.nextDelayMs()).toBe(100);
  });

  it('reset() starts over at once', () => {
    const policy = new ReconnectPolicy({ initialDelayMs: 100, ...noJitter });
    policy.nextDelayMs();
    policy.nextDelayMs();
    policy.reset();
    expect(policy.nextDelayMs()).toBe(100);
  });

  it('refuses settings that cannot make progress', () => {
    expect(() => new ReconnectPolicy({ initialDelayMs: 0 })).toThrow(RangeError);
    expect(() => new ReconnectPolicy({ initialDelayMs: 1000, maxDelayMs: 10 })).toThrow(RangeError);
    expect(() => new ReconnectPolicy({ jitter: 1 })).toThrow(RangeError);
  });
});
