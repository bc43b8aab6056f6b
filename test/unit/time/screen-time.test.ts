import { describe, expect, it } from 'vitest';
import { appSeconds, mergeTallies, tallyRollups } from '../../../src/helper/time/screen-time.js';
import { appComm, appMatchesComm, countsAsScreenTime } from '../../../src/shared/time-rules.js';
import { appRow } from './usage-fixtures.js';

const T = Date.UTC(2025, 5, 2, 16);

describe('what counts as screen time', () => {
  it('counts applications and not the session plumbing', () => {
    for (const app of ['firefox', 'supertux2', 'sleep', 'gnome-terminal-', 'code']) expect(countsAsScreenTime(app)).toBe(true);
    for (const plumbing of ['bash', 'systemd', 'dbus-daemon', 'pipewire', 'gsd-power', 'gvfsd-trash', 'gnome-shell', 'Xwayland']) {
      expect(countsAsScreenTime(plumbing), plumbing).toBe(false);
    }
  });

  it('matches an app by the comm the kernel reports: basename, 15 characters', () => {
    expect(appComm('/usr/games/supertux2')).toBe('supertux2');
    expect(appComm('a-very-long-program-name')).toBe('a-very-long-pro');
    expect(appMatchesComm('/opt/x/a-very-long-program-name', 'a-very-long-pro')).toBe(true);
    expect(appMatchesComm('supertux2', 'supertux')).toBe(false);
  });
});

describe('tallyRollups', () => {
  it('takes the union per bucket: apps running side by side for a whole minute are one minute', () => {
    const tally = tallyRollups([appRow('firefox', T, 60), appRow('supertux2', T, 60), appRow('firefox', T + 60_000, 30)]);
    expect(tally.screenTimeSeconds).toBe(90);
    expect(tally.secondsByComm.get('firefox')).toBe(90);
    expect(tally.secondsByComm.get('supertux2')).toBe(60);
  });

  it('adds apps that ran one after the other within a minute', () => {
    expect(tallyRollups([appRow('a', T, 20), appRow('b', T, 25)]).screenTimeSeconds).toBe(45);
  });

  it('leaves out the session plumbing but still reports its time per comm', () => {
    const tally = tallyRollups([appRow('bash', T, 60), appRow('systemd', T, 60), appRow('sleep', T, 12)]);
    expect(tally.screenTimeSeconds).toBe(12);
    expect(tally.secondsByComm.get('bash')).toBe(60);
  });

  it('caps hourly (compacted) buckets at an hour', () => {
    const hourly = (comm: string, seconds: number) => ({ ...appRow(comm, T, seconds), intervalMs: 3_600_000 });
    expect(tallyRollups([hourly('firefox', 3600), hourly('steam', 1800)]).screenTimeSeconds).toBe(3600);
  });

  it('ignores whole-profile rows', () => {
    expect(tallyRollups([{ ...appRow('x', T, 60), comm: null }]).screenTimeSeconds).toBe(0);
  });

  it('merges tallies of disjoint ranges and sums an app over its comms', () => {
    const merged = mergeTallies(tallyRollups([appRow('sleep', T, 10)]), tallyRollups([appRow('sleep', T + 60_000, 5)]));
    expect(merged.screenTimeSeconds).toBe(15);
    expect(appSeconds(merged, '/usr/bin/sleep')).toBe(15);
    expect(appSeconds(merged, 'supertux2')).toBe(0);
  });
});
