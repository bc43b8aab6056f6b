import { describe, expect, it, vi } from 'vitest';
import { AlertWatch } from '../../../src/main/alert-watch.js';
import { AlertTally, trayPresentation } from '../../../src/main/tray-state.js';
import type { CallOutcome } from '../../../src/main/preload-api.js';
import type { Alert, Profile } from '../../../src/shared/model.js';
import { NO_LIMITS } from '../../../src/shared/model.js';
import { alert } from './fixtures.js';

describe('AlertTally', () => {
  it('counts unacknowledged alerts from the list, pushes and acknowledgements', () => {
    const tally = new AlertTally();
    tally.reset([alert({ id: 1 }), alert({ id: 2 }), alert({ id: 3, acknowledged: true })]);
    expect(tally.count).toBe(2);
    tally.receive(alert({ id: 4 }));
    tally.receive(alert({ id: 4, occurrences: 3 })); // a re-raise is the same alert
    expect(tally.count).toBe(3);
    tally.acknowledged([1, 4]);
    expect(tally.count).toBe(1);
    tally.receive(alert({ id: 2, acknowledged: true }));
    expect(tally.count).toBe(0);
  });
});

describe('trayPresentation', () => {
  it('shows the count in the tooltip and the Alerts item, with the attention icon', () => {
    expect(trayPresentation(3, 'connected')).toEqual({
      icon: 'attention',
      tooltip: 'DOTS Family — 3 unacknowledged alerts',
      alertsLabel: 'Alerts (3)',
    });
    expect(trayPresentation(1, 'connected').tooltip).toBe('DOTS Family — 1 unacknowledged alert');
    expect(trayPresentation(0, 'connected')).toEqual({
      icon: 'normal',
      tooltip: 'DOTS Family — no unacknowledged alerts',
      alertsLabel: 'Alerts',
    });
  });

  it('says why there is no helper instead of a count that may be stale', () => {
    expect(trayPresentation(2, 'helper-not-running')).toMatchObject({
      icon: 'offline',
      tooltip: 'DOTS Family — the helper is not running',
    });
    expect(trayPresentation(0, 'permission-denied').tooltip).toContain('no permission');
    expect(trayPresentation(0, 'connecting').tooltip).toContain('connecting');
  });
});

function profile(id: number, name: string): Profile {
  return { id, name, accounts: [], limits: NO_LIMITS, createdAtMs: 0, updatedAtMs: 0 };
}

describe('AlertWatch', () => {
  function setup(unacknowledged: Alert[]) {
    let listed = unacknowledged;
    const call = vi.fn(async (method: string): Promise<CallOutcome> => {
      if (method === 'profiles.list') return { ok: true, result: [profile(7, 'Lily')] };
      if (method === 'alerts.list') return { ok: true, result: listed };
      return { ok: false, error: { code: 'internal', message: 'unexpected' } };
    });
    const notify = vi.fn();
    const changed = vi.fn();
    const watch = new AlertWatch({ call: call as never, notify, changed, now: () => 0 });
    return { watch, call, notify, changed, setListed: (next: Alert[]) => (listed = next) };
  }

  it('counts the backlog at connect without announcing it, then announces a new breach by child name', async () => {
    const { watch, notify, changed } = setup([alert({ id: 1 })]);
    await watch.connected();
    expect(changed).toHaveBeenLastCalledWith(1);
    await watch.received(alert({ id: 1, occurrences: 2 }));
    expect(notify).not.toHaveBeenCalled();
    await watch.received(alert({ id: 2 }));
    expect(notify).toHaveBeenCalledWith(expect.objectContaining({ alertId: 2, title: 'Memory limit — Lily' }));
    expect(changed).toHaveBeenLastCalledWith(2);
  });

  it('re-reads the unacknowledged list after the parent acknowledges in the window', async () => {
    const { watch, changed, setListed } = setup([alert({ id: 1 }), alert({ id: 2 })]);
    await watch.connected();
    setListed([]);
    await watch.afterCall('alerts.ack');
    expect(changed).toHaveBeenLastCalledWith(0);
    expect(watch.tally.count).toBe(0);
  });
});
