import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { HelperClient } from '../../../src/shared/client/helper-client.js';
import type { DiskIoEventRow, ProcessEventRow } from '../../../src/shared/event-rows.js';
import { NO_LIMITS, type Limits, type Profile } from '../../../src/shared/model.js';
import {
  METHOD_NAMES,
  SERVER_METHODS,
  TOPIC_ACCESS,
  applyLimitsPatch,
  methods,
  parseParams,
  type MethodName,
  type ParamsOf,
  type ResultOf,
} from '../../../src/shared/protocol.js';

function accepts(method: MethodName, params: unknown): boolean {
  return parseParams(method, params).ok;
}

type Case = [method: MethodName, params: unknown];

describe('params schemas accept', () => {
  it.each<Case>([
    ['helper.status', {}],
    ['profiles.list', {}],
    ['profiles.get', { profile: 'Sam' }],
    ['profiles.get', { profile: 3 }],
    ['profiles.get', { profile: "Zoë O'Brien-Smith" }],
    ['profiles.get', { profile: 'Kid 2' }],
    ['profiles.get', { profile: 'x'.repeat(64) }],
    ['profiles.create', { name: 'Sam' }],
    ['profiles.create', { name: 'Sam', uids: [1001, 1002], usernames: ['sam', 'sam_2'] }],
    ['profiles.create', { name: 'Sam', uids: [0, 65535] }],
    ['profiles.rename', { profile: 1, name: 'Samuel' }],
    ['profiles.delete', { profile: 'Sam' }],
    ['profiles.addAccount', { profile: 'Sam', uid: 1001 }],
    ['profiles.addAccount', { profile: 'Sam', username: 'sam' }],
    ['profiles.removeAccount', { profile: 1, uid: 1001 }],
    ['limits.get', { profile: 1 }],
    ['limits.set', { profile: 1, limits: {} }],
    ['limits.set', { profile: 1, limits: { memory: { max_process_memory_mb: 500 } } }],
    ['limits.set', { profile: 1, limits: { memory: { max_allocation_mb: null }, diskIo: { max_latency_ms: 0 } } }],
    ['limits.set', { profile: 1, limits: { network: { max_upload_mbps: 1.5, max_download_mbps: 1_000_000 } } }],
    ['limits.set', { profile: 1, limits: { memory: { max_process_memory_mb: 1073.741824 } } }],
    ['apps.block', { profile: 'Sam', app: 'steam' }],
    ['apps.block', { profile: 'Sam', app: '/usr/games/steam' }],
    ['apps.unblock', { profile: 'Sam', app: 'minecraft-launcher' }],
    ['monitors.list', {}],
    ['monitors.enable', { name: 'network-monitor' }],
    ['monitors.disable', { name: 'disk-io-monitor' }],
    ['metrics.live', {}],
    ['metrics.live', { profile: 2 }],
    ['events.query', { profile: 1, table: 'process' }],
    ['events.query', { profile: 1, table: 'disk_io', sinceMs: 0, untilMs: 10, limit: 10_000 }],
    ['events.query', { profile: 1, table: 'network', sinceMs: 5, untilMs: 5 }],
    ['usage.query', { profile: 1, bucket: 'hour' }],
    ['usage.query', { profile: 'Sam', bucket: 'day', byApp: true, sinceMs: 1_700_000_000_000 }],
    ['alerts.list', {}],
    ['alerts.list', { profile: 1, sinceMs: 0, unacknowledgedOnly: true, limit: 1 }],
    ['alerts.ack', { ids: [1, 2, 3] }],
    ['alerts.ack', { all: true }],
    ['alerts.ack', { all: true, profile: 'Sam' }],
    ['self.status', {}],
    ['subscribe', { topics: ['metrics', 'alerts'] }],
    ['unsubscribe', { topics: ['monitors'] }],
  ])('%s %j', (method, params) => {
    expect(accepts(method, params)).toBe(true);
  });
});

describe('params schemas reject', () => {
  it.each<Case>([
    ['helper.status', { verbose: true }],
    ['profiles.list', { __proto__: null, extra: 1 }],
    ['profiles.get', {}],
    ['profiles.get', { profile: '' }],
    ['profiles.get', { profile: 'x'.repeat(65) }],
    ['profiles.get', { profile: ' Sam' }],
    ['profiles.get', { profile: 'Sam ' }],
    ['profiles.get', { profile: 'Sam\n' }],
    ['profiles.get', { profile: 'Sam;rm -rf' }],
    ['profiles.get', { profile: '../etc' }],
    ['profiles.get', { profile: '42' }],
    ['profiles.get', { profile: 0 }],
    ['profiles.get', { profile: -1 }],
    ['profiles.get', { profile: 1.5 }],
    ['profiles.get', { profile: true }],
    ['profiles.get', { profile: null }],
    ['profiles.create', { name: 'Sam', uids: [65536] }],
    ['profiles.create', { name: 'Sam', uids: [-1] }],
    ['profiles.create', { name: 'Sam', uids: [1.5] }],
    ['profiles.create', { name: 'Sam', uids: ['1000'] }],
    ['profiles.create', { name: 'Sam', uids: [1000, 1000] }],
    ['profiles.create', { name: 'Sam', usernames: ['sam smith'] }],
    ['profiles.create', { name: 'Sam', usernames: ['-sam'] }],
    ['profiles.create', { name: 'Sam', role: 'admin' }],
    ['profiles.rename', { profile: 1 }],
    ['profiles.addAccount', { profile: 1 }],
    ['profiles.addAccount', { profile: 1, uid: 1001, username: 'sam' }],
    ['profiles.removeAccount', { profile: 1, username: 'sam' }],
    ['limits.set', { profile: 1 }],
    ['limits.set', { profile: 1, limits: { memory: { max_process_memory_mb: -1 } } }],
    ['limits.set', { profile: 1, limits: { memory: { max_process_memory_mb: Number.NaN } } }],
    ['limits.set', { profile: 1, limits: { memory: { max_process_memory_mb: Number.POSITIVE_INFINITY } } }],
    ['limits.set', { profile: 1, limits: { memory: { max_process_memory_mb: '500MB' } } }],
    ['limits.set', { profile: 1, limits: { memory: { max_process_memory_mb: 1_000_001 } } }],
    ['limits.set', { profile: 1, limits: { diskIo: { max_latency_ms: 600_001 } } }],
    ['limits.set', { profile: 1, limits: { network: { max_upload_mbps: 2_000_000 } } }],
    ['limits.set', { profile: 1, limits: { memory: { max_rss_mb: 5 } } }],
    ['limits.set', { profile: 1, limits: { cpu: {} } }],
    ['limits.set', { profile: 1, limits: { blockedApps: [] } }],
    ['limits.set', { profile: 1, limits: JSON.parse('{"memory":{"__proto__":{"x":1}}}') }],
    ['apps.block', { profile: 1, app: '' }],
    ['apps.block', { profile: 1, app: 'bin/steam' }],
    ['apps.block', { profile: 1, app: 'steam\u0000' }],
    ['apps.block', { profile: 1, app: 'x'.repeat(256) }],
    ['monitors.enable', { name: 'cpu-monitor' }],
    ['events.query', { profile: 1, table: 'process', limit: 10_001 }],
    ['events.query', { profile: 1, table: 'process', limit: 0 }],
    ['events.query', { profile: 1 }],
    ['events.query', { profile: 1, table: 'kmalloc' }],
    ['events.query', { profile: 1, table: 'process', kinds: ['exec'] }],
    ['events.query', { profile: 1, table: 'process', sinceMs: 10, untilMs: 5 }],
    ['events.query', { profile: 1, table: 'process', sinceMs: -1 }],
    ['usage.query', { profile: 1 }],
    ['usage.query', { profile: 1, bucket: 'week' }],
    ['alerts.list', { limit: 20_000 }],
    ['alerts.ack', {}],
    ['alerts.ack', { all: false }],
    ['alerts.ack', { ids: [1], all: true }],
    ['alerts.ack', { ids: [] }],
    ['alerts.ack', { ids: [0] }],
    ['subscribe', { topics: [] }],
    ['subscribe', { topics: ['everything'] }],
    ['subscribe', { topics: 'metrics' }],
  ])('%s %j', (method, params) => {
    expect(accepts(method, params)).toBe(false);
  });
});

describe('the method table', () => {
  it('lists every method of the protocol', () => {
    expect(METHOD_NAMES.sort()).toEqual(
      [
        'helper.status',
        'profiles.list',
        'profiles.get',
        'profiles.create',
        'profiles.rename',
        'profiles.delete',
        'profiles.addAccount',
        'profiles.removeAccount',
        'limits.get',
        'limits.set',
        'apps.block',
        'apps.unblock',
        'monitors.list',
        'monitors.enable',
        'monitors.disable',
        'metrics.live',
        'events.query',
        'usage.query',
        'alerts.list',
        'alerts.ack',
        'self.status',
        'timeRules.get',
        'timeRules.set',
        'timeRules.status',
        'reports.daily',
        'reports.weekly',
        'reports.export',
        'subscribe',
        'unsubscribe',
      ].sort(),
    );
  });

  it('gives every child-access method a profile param, so the server can scope it', () => {
    for (const name of METHOD_NAMES) {
      const spec = methods[name];
      if (spec.access !== 'child') continue;
      expect(spec.params).toBeInstanceOf(z.ZodObject);
      expect(Object.keys((spec.params as z.ZodObject).shape)).toContain('profile');
    }
  });

  it('keeps every write for parents', () => {
    const childCallable = METHOD_NAMES.filter((name) => methods[name].access !== 'admin').sort();
    expect(childCallable).toEqual(
      [
        'alerts.list',
        'events.query',
        'limits.get',
        'metrics.live',
        'reports.daily',
        'reports.export',
        'reports.weekly',
        'self.status',
        'subscribe',
        'timeRules.get',
        'timeRules.status',
        'unsubscribe',
        'usage.query',
      ].sort(),
    );
    expect(SERVER_METHODS).toEqual(['subscribe', 'unsubscribe']);
    expect(TOPIC_ACCESS.monitors).toBe('admin');
  });

  it('types params and results from the table', () => {
    expectTypeOf<ParamsOf<'limits.set'>['limits']>().toMatchTypeOf<{
      memory?: { max_process_memory_mb?: number | null };
    }>();
    expectTypeOf<ResultOf<'profiles.get'>>().toEqualTypeOf<Profile>();
    expectTypeOf<ResultOf<'limits.get'>>().toEqualTypeOf<Limits>();
    expectTypeOf<ResultOf<'profiles.delete'>>().toEqualTypeOf<null>();
    expectTypeOf<ParamsOf<'events.query'>['limit']>().toEqualTypeOf<number | undefined>();
  });

  it("types the client's events.query rows by the table asked for", () => {
    // Type-level only: never called.
    const _query = async (client: HelperClient) => {
      const processRows = await client.call('events.query', { profile: 1, table: 'process' });
      expectTypeOf(processRows.rows).toEqualTypeOf<ProcessEventRow[]>();
      const diskRows = await client.call('events.query', { profile: 1, table: 'disk_io' });
      expectTypeOf(diskRows.rows).toEqualTypeOf<DiskIoEventRow[]>();
      // @ts-expect-error unknown params are a type error too
      await client.call('profiles.get', { profile: 1, extra: true });
    };
    expectTypeOf(_query).toBeFunction();
  });
});

describe('applyLimitsPatch', () => {
  const current: Limits = {
    memory: { max_allocation_mb: 100, max_process_memory_mb: 500 },
    diskIo: { max_bandwidth_mbps: 50, max_latency_ms: null },
    network: { max_upload_mbps: 10, max_download_mbps: 20 },
    blockedApps: [{ name: 'steam', path: '/usr/games/steam', sha256: 'ab'.repeat(32), sizeBytes: 1 }],
  };

  it('leaves omitted values unchanged, sets given ones and removes nulls', () => {
    const merged = applyLimitsPatch(current, {
      memory: { max_process_memory_mb: 800 },
      network: { max_upload_mbps: null },
      diskIo: { max_latency_ms: 250 },
    });
    expect(merged).toEqual({
      memory: { max_allocation_mb: 100, max_process_memory_mb: 800 },
      diskIo: { max_bandwidth_mbps: 50, max_latency_ms: 250 },
      network: { max_upload_mbps: null, max_download_mbps: 20 },
      blockedApps: current.blockedApps,
    });
  });

  it('returns a copy and changes nothing for an empty patch', () => {
    const merged = applyLimitsPatch(NO_LIMITS, {});
    expect(merged).toEqual(NO_LIMITS);
    expect(merged).not.toBe(NO_LIMITS);
    expect(merged.memory).not.toBe(NO_LIMITS.memory);
  });
});
