import { describe, expect, it } from 'vitest';
import {
  alertLimitText,
  alertSentence,
  formatAlertQuantity,
  measuredAgainstLimit,
} from '../../../src/shared/alert-wording.js';
import { alert } from './fixtures.js';

describe('alert wording for time rules', () => {
  it.each([
    [45, 'min', '45 min'],
    [90, 'min', '1 h 30 min'],
    [120, 'min', '2 h'],
    [8, 'min left', '8 min left'],
    [1, 'processes', '1 program'],
    [3, 'processes', '3 programs'],
    [2, 'launches', '2 launches'],
  ])('formats %s %s as "%s"', (value, unit, text) => {
    expect(formatAlertQuantity(value, unit)).toBe(text);
  });

  it('reads screen time against its budget, a warning against its lead time, and counts without a limit', () => {
    const over = alert({ kind: 'screen_time', measured: 61, limit: 60, unit: 'min', comm: null });
    expect(measuredAgainstLimit(over)).toBe('1 h 1 min (limit 1 h)');
    expect(alertLimitText(over)).toEqual({ label: 'Limit', value: '1 h' });

    const warning = alert({ kind: 'screen_time', severity: 'info', measured: 9, limit: 10, unit: 'min left' });
    expect(measuredAgainstLimit(warning)).toBe('9 min left (warning 10 min before)');
    expect(alertLimitText(warning)).toEqual({ label: 'Warning', value: '10 min before' });

    const stopped = alert({ kind: 'allowed_hours', measured: 3, limit: 0, unit: 'processes', comm: null });
    expect(measuredAgainstLimit(stopped)).toBe('3 programs stopped');
    expect(alertLimitText(stopped)).toBeNull();
    expect(measuredAgainstLimit(alert({ kind: 'allowed_hours', measured: 2, limit: 0, unit: 'launches' }))).toBe(
      '2 launches stopped',
    );
  });

  it("tells the parent the helper's own sentence for time alerts", () => {
    const warning = alert({ kind: 'screen_time', message: 'Screen time for today ends in 10 min', comm: null });
    expect(alertSentence(warning, 'Lily')).toBe('Lily: Screen time for today ends in 10 min.');
    const stop = alert({
      kind: 'allowed_hours',
      message: 'Outside allowed hours (allowed again 07:00): 3 programs were stopped',
      unit: 'processes',
    });
    expect(alertSentence(stop, 'Lily')).toBe('Lily: Outside allowed hours (allowed again 07:00): 3 programs were stopped.');
  });
});
