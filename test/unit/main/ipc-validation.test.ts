import { describe, expect, it } from 'vitest';
import { isTrustedSender, validateCall } from '../../../src/main/ipc-validation.js';

describe('validateCall', () => {
  it('accepts a method of the protocol table with valid params', () => {
    expect(validateCall('profiles.list', {})).toEqual({ ok: true, method: 'profiles.list', params: {} });
    expect(validateCall('limits.set', { profile: 3, limits: { memory: { max_process_memory_mb: 200 } } })).toMatchObject({
      ok: true,
      method: 'limits.set',
    });
  });

  it('treats missing params as {}', () => {
    expect(validateCall('monitors.list', undefined)).toEqual({ ok: true, method: 'monitors.list', params: {} });
  });

  it.each([['nope'], ['__proto__'], ['constructor'], ['toString'], [42], [null], [{ method: 'profiles.list' }]])(
    'rejects %j, which is not a method name',
    (method) => {
      const result = validateCall(method, {});
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.code).toBe('rejected');
    },
  );

  it('keeps subscribe and unsubscribe for main: the renderer uses window.dots.subscribe', () => {
    expect(validateCall('subscribe', { topics: ['alerts'] })).toMatchObject({ ok: false, error: { code: 'rejected' } });
    expect(validateCall('unsubscribe', { topics: ['alerts'] })).toMatchObject({ ok: false, error: { code: 'rejected' } });
  });

  it('rejects params that fail the method schema, saying which', () => {
    const result = validateCall('limits.set', { profile: 3, limits: { memory: { max_process_memory_mb: -1 } } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toContain('limits.memory.max_process_memory_mb');
    expect(validateCall('profiles.list', { extra: 1 }).ok).toBe(false);
    expect(validateCall('profiles.create', { name: '  bad' }).ok).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts only the main frame of the app origin', () => {
    expect(isTrustedSender('app://dots/index.html#/alerts', true)).toBe(true);
    expect(isTrustedSender('app://dots/index.html', false)).toBe(false);
    expect(isTrustedSender('app://evil/index.html', true)).toBe(false);
    expect(isTrustedSender('file:///opt/DOTS/index.html', true)).toBe(false);
    expect(isTrustedSender('https://example.com', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
    expect(isTrustedSender('not a url', true)).toBe(false);
  });
});
