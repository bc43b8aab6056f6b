import { describe, expect, it } from 'vitest';
import { ALERT_KIND_LABELS, alertSentence, formatAlertQuantity } from '../../../src/shared/alert-wording.js';
import { AlertNotifier } from '../../../src/main/notifications.js';
import { ALERT_KINDS } from '../../../src/shared/protocol.js';
import { alert } from './fixtures.js';

describe('AlertNotifier', () => {
  it('announces a new memory limit breach with the child, the program and the numbers', () => {
    const notice = new AlertNotifier().consider(alert(), 'Lily', 0);
    expect(notice).toEqual({
      alertId: 1,
      title: 'Memory limit — Lily',
      body: 'Lily: node was stopped for using too much memory — 312 MB (limit 200 MB).',
      urgency: 'critical',
    });
  });

  it('announces an alert once, not again when the helper re-raises it with more occurrences', () => {
    const notifier = new AlertNotifier();
    expect(notifier.consider(alert(), 'Lily', 0)).not.toBeNull();
    expect(notifier.consider(alert({ occurrences: 2 }), 'Lily', 1000)).toBeNull();
  });

  it('does not announce acknowledged alerts, info alerts, or the backlog present at connect', () => {
    const notifier = new AlertNotifier();
    notifier.markSeen([{ id: 5 }]);
    expect(notifier.consider(alert({ id: 5 }), 'Lily', 0)).toBeNull();
    expect(notifier.consider(alert({ id: 6, acknowledged: true }), 'Lily', 0)).toBeNull();
    expect(notifier.consider(alert({ id: 7, severity: 'info' }), 'Lily', 0)).toBeNull();
    expect(notifier.consider(alert({ id: 8, severity: 'warning' }), 'Lily', 0)?.urgency).toBe('normal');
  });

  it('turns a burst into one summary, then announces again in the next window', () => {
    const notifier = new AlertNotifier({ burstLimit: 2, burstWindowMs: 60_000 });
    const shown = [1, 2, 3, 4, 5].map((id) => notifier.consider(alert({ id }), 'Lily', id * 100));
    expect(shown.map((n) => n?.alertId ?? (n ? 'summary' : null))).toEqual([1, 2, 'summary', null, null]);
    expect(notifier.consider(alert({ id: 6 }), 'Lily', 61_000)?.alertId).toBe(6);
  });

  it('forgets the oldest ids past its memory, so it cannot grow without bound', () => {
    const notifier = new AlertNotifier({ memory: 2, burstLimit: 100 });
    notifier.markSeen([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(notifier.consider(alert({ id: 1 }), 'Lily', 0)).not.toBeNull();
    expect(notifier.consider(alert({ id: 3 }), 'Lily', 0)).toBeNull();
  });
});

describe('alert wording', () => {
  it('has a label for every alert kind in the protocol', () => {
    for (const kind of ALERT_KINDS) expect(ALERT_KIND_LABELS[kind]).toMatch(/\w/);
  });

  it.each([
    [200, 'MB', '200 MB'],
    [1500, 'MB', '1.5 GB'],
    [10, 'Mbps', '10 Mbps'],
    [2_500_000, 'bps', '2.5 Mbps'],
    [250, 'ms', '250 ms'],
    [90, 's', '1m 30s'],
    [4096, 'bytes', '4.1 kB'],
    [12.345, 'widgets', '12.35 widgets'],
    [3, '', '3'],
  ])('formats %d %s as %s', (value, unit, text) => {
    expect(formatAlertQuantity(value, unit)).toBe(text);
  });

  it('gives the measurement its decimals when rounding would make it read like the limit', () => {
    expect(alertSentence(alert({ measured: 200.4216, limit: 200 }), 'Lily')).toBe(
      'Lily: node was stopped for using too much memory — 200.42 MB (limit 200 MB).',
    );
    expect(alertSentence(alert({ measured: 200, limit: 200 }), 'Lily')).toContain('200 MB (limit 200 MB)');
  });

  it('leaves the numbers out of a blocked-app sentence', () => {
    expect(alertSentence(alert({ kind: 'blocked_app', comm: 'steam', measured: 0, limit: 0, unit: '' }), 'Sam')).toBe(
      'Sam: steam was blocked.',
    );
  });
});
