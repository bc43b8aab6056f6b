import { describe, expect, it } from 'vitest';
import { parseParams, parseRequestFrame, parseServerFrame } from '../../../src/shared/protocol.js';

describe('parseRequestFrame', () => {
  it('accepts a well-formed request', () => {
    expect(parseRequestFrame('{"id":7,"method":"profiles.list","params":{}}')).toEqual({
      ok: true,
      request: { id: 7, method: 'profiles.list', params: {} },
    });
  });

  it.each([
    ['not JSON', '{"id":1,', null],
    ['JSON that is not an object', '[1,2,3]', null],
    ['a bare string', '"hello"', null],
    ['null', 'null', null],
    ['a missing id', '{"method":"profiles.list","params":{}}', null],
    ['a string id', '{"id":"1","method":"profiles.list","params":{}}', null],
    ['a fractional id', '{"id":1.5,"method":"profiles.list","params":{}}', null],
    ['a negative id', '{"id":-1,"method":"profiles.list","params":{}}', null],
    ['an unsafe id', '{"id":9007199254740993,"method":"x","params":{}}', null],
    ['a missing method', '{"id":2,"params":{}}', 2],
    ['a numeric method', '{"id":3,"method":5,"params":{}}', 3],
    ['an empty method', '{"id":4,"method":"","params":{}}', 4],
    ['missing params', '{"id":5,"method":"profiles.list"}', 5],
    ['array params', '{"id":6,"method":"profiles.list","params":[]}', 6],
    ['null params', '{"id":7,"method":"profiles.list","params":null}', 7],
    ['an unknown envelope key', '{"id":8,"method":"profiles.list","params":{},"jsonrpc":"2.0"}', 8],
  ])('rejects %s as bad_request, keeping the id when readable', (_case, text, id) => {
    const parsed = parseRequestFrame(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe('bad_request');
    expect(parsed.id).toBe(id);
  });

  it('treats a __proto__ key as data, not as a prototype', () => {
    const parsed = parseRequestFrame('{"id":1,"method":"profiles.list","params":{"__proto__":{"admin":true}}}');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parseParams('profiles.list', parsed.request.params).ok).toBe(false);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('parseParams', () => {
  it('reports the failing path and keeps the details JSON-safe', () => {
    const parsed = parseParams('limits.set', { profile: 'Sam', limits: { memory: { max_process_memory_mb: -1 } } });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe('bad_request');
    expect(parsed.error.message).toContain('params.limits.memory.max_process_memory_mb');
    expect(JSON.parse(JSON.stringify(parsed.error.details))).toEqual(parsed.error.details);
  });

  it('applies defaults for the handler', () => {
    const parsed = parseParams('events.query', { profile: 1, table: 'process' });
    expect(parsed).toEqual({ ok: true, params: { profile: 1, table: 'process', limit: 500 } });
  });
});

describe('parseServerFrame', () => {
  it('reads results, errors with and without id, and pushes', () => {
    expect(parseServerFrame('{"id":1,"ok":true,"result":[1]}')).toEqual({ id: 1, ok: true, result: [1] });
    expect(parseServerFrame('{"id":null,"ok":false,"error":{"code":"frame_too_large","message":"x"}}')).toEqual({
      id: null,
      ok: false,
      error: { code: 'frame_too_large', message: 'x' },
    });
    expect(parseServerFrame('{"push":"alert","data":{}}')).toEqual({ push: 'alert', data: {} });
  });

  it('returns null for anything else', () => {
    expect(parseServerFrame('nope')).toBeNull();
    expect(parseServerFrame('{"id":1,"ok":"yes","result":1}')).toBeNull();
    expect(parseServerFrame('{"id":1,"ok":false,"error":{"code":"teapot","message":"x"}}')).toBeNull();
  });
});
