// The network limiter's pins across helper restarts, on the real kernel (no traffic: what is attached and pinned).
// Each "helper" is a NetworkLimiter on a test pin dir, closed with keepPinned as a helper under systemd exits.
// Links are pinned only while attached, i.e. while some uid is limited; a successor adopts them, and detaches and
// unpins them once the profiles are applied and none asks for a network limit.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/helper/log.js';
import { NetworkLimiter } from '../../src/helper/policy/network-limiter.js';
import { removePins } from '../../src/helper/system/bpffs.js';
import { pinnedProgramIds, pinsUnder } from '../support/helper-child.js';
import { BPF_OBJECT_DIR, kernelTestsEnabled } from '../support/kernel.js';
import { attachedAtCgroupRoot } from '../support/limiter-programs.js';

// Never limited by traffic here: only the maps and links are looked at.
const CHILD_UID = 61_234;
const PROFILE_ID = 43;
const RATE = 1_000_000;

describe.skipIf(!kernelTestsEnabled())('network limiter pins', () => {
  const pinDir = `/sys/fs/bpf/dots-test-netlim-pins-${process.pid}`;
  let limiter: NetworkLimiter | null = null;

  /** A helper starting on the pin dir. */
  function startHelper(): NetworkLimiter {
    limiter = new NetworkLimiter({
      log: createLogger({ level: 'warn', scope: 'test' }),
      objectDir: BPF_OBJECT_DIR,
      pinDir,
    });
    expect(limiter.start()).toMatchObject({ available: true });
    return limiter;
  }

  /** The helper exits keeping its pins (as under systemd). */
  function exitKeepingPins(): void {
    limiter!.close({ keepPinned: true });
    limiter = null;
  }

  const linkPins = () => pinsUnder(pinDir).filter((p) => path.basename(p).startsWith('link_'));
  const mapPins = () => pinsUnder(pinDir).filter((p) => path.basename(p).startsWith('map_'));
  const attached = (ids: number[]) => attachedAtCgroupRoot().filter((p) => ids.includes(p.id));

  beforeAll(() => {
    mkdirSync(pinDir, { recursive: true });
  });

  afterEach(() => {
    limiter?.close();
    limiter = null;
    removePins(pinDir);
    mkdirSync(pinDir, { recursive: true });
  });

  afterAll(() => {
    removePins(pinDir);
  });

  it('pins the maps at start, and the links only from the first limit to the last', () => {
    const helper = startHelper();
    expect(mapPins().map((p) => path.basename(p)).sort()).toEqual(['map_NET_BUCKETS', 'map_NET_LIMITS']);
    expect(linkPins()).toEqual([]);
    helper.setLimit(CHILD_UID, PROFILE_ID, RATE, null);
    expect(linkPins().map((p) => path.basename(p)).sort()).toEqual(['link_limit_download', 'link_limit_upload']);
    helper.setLimit(CHILD_UID + 1, PROFILE_ID + 1, null, RATE);
    helper.clear(CHILD_UID);
    expect(linkPins()).toHaveLength(2); // another uid is still limited
    helper.clear(CHILD_UID + 1);
    expect(helper.status().attached).toBe(false);
    expect(linkPins()).toEqual([]);
    expect(mapPins()).toHaveLength(2);
  });

  it('a successor adopts the links of a limit still asked for, attaching nothing more', () => {
    startHelper().setLimit(CHILD_UID, PROFILE_ID, RATE, null);
    const ids = pinnedProgramIds(pinDir);
    exitKeepingPins();
    expect(attached(ids)).toHaveLength(2); // limits hold while no helper runs

    const next = startHelper();
    expect(next.status().attached).toBe(true);
    next.setLimit(CHILD_UID, PROFILE_ID, RATE, null); // the profile still asks for it
    expect(next.finishAdoption()).toEqual([]);
    expect(next.status().attached).toBe(true);
    expect(pinnedProgramIds(pinDir).sort()).toEqual(ids.sort());
    expect(attachedAtCgroupRoot().filter((p) => p.name === 'limit_upload' || p.name === 'limit_download').map((p) => p.id))
      .toEqual(expect.arrayContaining(ids));
    expect(next.limitOf(CHILD_UID)).toMatchObject({ profileId: PROFILE_ID, uploadBytesPerSecond: RATE });
  });

  it('a successor detaches and unpins adopted links once no profile asks for a limit', () => {
    startHelper().setLimit(CHILD_UID, PROFILE_ID, RATE, null);
    const ids = pinnedProgramIds(pinDir);
    exitKeepingPins();

    const next = startHelper();
    expect(next.status().attached).toBe(true);
    expect(next.finishAdoption()).toEqual([CHILD_UID]); // the profile was deleted while no helper ran
    expect(next.status()).toMatchObject({ available: true, attached: false });
    expect(linkPins()).toEqual([]);
    expect(mapPins()).toHaveLength(2);
    expect(attached(ids)).toEqual([]);

    // A later limit attaches this helper's own programs, and pins them.
    next.setLimit(CHILD_UID, PROFILE_ID, RATE, null);
    const own = pinnedProgramIds(pinDir);
    expect(own).toHaveLength(2);
    expect(own.some((id) => ids.includes(id))).toBe(false);
    expect(attached(own)).toHaveLength(2);
  });

  it('detaches adopted links that have no limit behind them (left by a helper that attached at start)', () => {
    startHelper().setLimit(CHILD_UID, PROFILE_ID, RATE, null);
    const ids = pinnedProgramIds(pinDir);
    exitKeepingPins();
    const limitsPin = mapPins().find((p) => path.basename(p) === 'map_NET_LIMITS')!;
    const key = Buffer.alloc(4);
    key.writeUInt32LE(CHILD_UID);
    execFileSync('bpftool', ['map', 'delete', 'pinned', limitsPin, 'key', 'hex', ...[...key].map((b) => b.toString(16))]);
    expect(attached(ids)).toHaveLength(2);

    const next = startHelper();
    expect(next.status().attached).toBe(true);
    expect(next.finishAdoption()).toEqual([]);
    expect(next.status().attached).toBe(false);
    expect(linkPins()).toEqual([]);
    expect(attached(ids)).toEqual([]);
  });

  it('keeps attached links pinned on a keepPinned close, and a plain close removes every pin', () => {
    startHelper().setLimit(CHILD_UID, PROFILE_ID, RATE, null);
    exitKeepingPins();
    expect(linkPins()).toHaveLength(2);
    const next = startHelper();
    next.close();
    limiter = null;
    expect(pinsUnder(pinDir)).toEqual([]);
  });
});
