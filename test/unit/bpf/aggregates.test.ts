import { describe, expect, it } from 'vitest';
import { MEMORY, NET_IO } from '../../../src/helper/bpf/aggregates.js';

const origin = (final = false) => ({ timeMs: 1, pid: 10, uid: 1000, profileId: 2, comm: 'curl', final });
const net = (tx: number, rx: number) => ({ tx_bytes: tx, rx_bytes: rx, tx_calls: 1, rx_calls: 1 });

describe('aggregate samples', () => {
  it('reports the first reading whole and later readings as deltas', () => {
    expect(NET_IO.toSample(origin(), net(100, 50), undefined)).toMatchObject({ txBytes: 100, rxBytes: 50 });
    expect(NET_IO.toSample(origin(), { ...net(300, 50), tx_calls: 2 }, net(100, 50))).toMatchObject({
      txBytes: 200,
      rxBytes: 0,
      txCalls: 1,
    });
  });

  it('skips unchanged live processes but always reports the final reading', () => {
    expect(NET_IO.toSample(origin(), net(100, 50), net(100, 50))).toBeNull();
    expect(NET_IO.toSample(origin(true), net(100, 50), net(100, 50))).toMatchObject({ final: true, txBytes: 0 });
  });

  it('treats counters that went down as a reused pid and counts from zero', () => {
    expect(NET_IO.toSample(origin(), net(30, 5), net(100, 50))).toMatchObject({ txBytes: 30, rxBytes: 5 });
  });

  it('reports memory gauges as current values and counters as deltas', () => {
    const previous = {
      kmalloc_bytes: 1000, kmalloc_count: 10, kfree_bytes: 0, kfree_count: 0, page_alloc_bytes: 4096,
      page_free_bytes: 0, rss_bytes: 1e6, vms_bytes: 5e6, shared_bytes: 1e5, swap_bytes: 0, peak_rss_bytes: 1e6,
    };
    const current = { ...previous, kmalloc_bytes: 1500, rss_bytes: 2e6, peak_rss_bytes: 2e6 };
    expect(MEMORY.toSample(origin(), current, previous)).toMatchObject({
      kmallocBytes: 500,
      pageAllocBytes: 0,
      rssBytes: 2e6,
      peakRssBytes: 2e6,
    });
    expect(MEMORY.toSample(origin(), previous, previous)).toBeNull();
  });
});
