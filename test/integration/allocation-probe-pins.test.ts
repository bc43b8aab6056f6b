// The memory monitor's on-demand allocation probes across helper restarts, on the real kernel (no load: what is
// attached and pinned). Each "helper" is a MonitorSet on a test pin dir, closed with keepAttached as a helper under
// systemd exits. The probes are pinned only while some watched account has a kernel-allocation limit; a successor
// adopts them with the watches, and detaches and unpins them once no account needs them.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MonitorSet } from '../../src/helper/bpf/monitor-set.js';
import { createLogger } from '../../src/helper/log.js';
import { removePins } from '../../src/helper/system/bpffs.js';
import { waitFor } from '../support/accounts.js';
import { loadedProgramIds, pinnedProgramIds, pinsUnder } from '../support/helper-child.js';
import { BPF_OBJECT_DIR, kernelTestsEnabled } from '../support/kernel.js';

const ALLOCATION_PROBES = ['handle_kmalloc', 'handle_kfree', 'handle_pg_alloc', 'handle_pg_free'];
// Never runs anything: only its WATCHED_UIDS flags matter.
const CHILD_UID = 61_235;

describe.skipIf(!kernelTestsEnabled())('allocation probes across helper restarts', () => {
  const pinDir = `/sys/fs/bpf/dots-test-alloc-pins-${process.pid}`;
  let set: MonitorSet | null = null;

  function startHelper(): MonitorSet {
    set = new MonitorSet({
      objectDir: BPF_OBJECT_DIR,
      log: createLogger({ level: 'warn', scope: 'test' }),
      onEvent() {},
      onSample() {},
      pinDir,
    });
    set.loadAll();
    return set;
  }

  const allocationPins = () =>
    pinsUnder(pinDir).filter((pin) => ALLOCATION_PROBES.some((name) => path.basename(pin) === `link_${name}`));
  const memoryStatus = () => set!.monitor('memory-monitor').status();

  afterAll(() => {
    set?.close();
    removePins(pinDir);
  });

  it('pins them only while a watched account counts allocations; a successor adopts, detaches, reattaches them', async () => {
    const first = startHelper();
    expect(allocationPins()).toEqual([]);
    first.watch(CHILD_UID, { profileId: 1, maxProcessMemoryBytes: 0, execDenied: false, countAllocations: true });
    expect(allocationPins()).toHaveLength(4);
    expect(memoryStatus()).toMatchObject({ state: 'ok', probesIdle: 0 });
    const allocationPrograms = pinnedProgramIds(pinDir).length;
    first.close({ keepAttached: true });
    set = null;

    const second = startHelper();
    expect(second.monitor('memory-monitor').adopted.links).toBe(memoryStatus().probesTotal);
    expect(memoryStatus()).toMatchObject({ state: 'ok', probesIdle: 0 });
    expect(allocationPins()).toHaveLength(4);
    const adoptedIds = pinnedProgramIds(pinDir);
    expect(adoptedIds).toHaveLength(allocationPrograms);

    // The database has no profile for the account: the adopted watch is lifted, and with it the probes.
    expect(second.finishAdoption().unwatchedUids).toEqual([CHILD_UID]);
    expect(memoryStatus()).toMatchObject({ state: 'ok', probesIdle: 4, idleNote: expect.stringMatching(/allocation/) });
    expect(allocationPins()).toEqual([]);
    expect(pinnedProgramIds(pinDir)).toHaveLength(allocationPrograms - 4);

    // A limit set again attaches them again, though this helper took them over instead of loading them.
    second.watch(CHILD_UID, { profileId: 1, maxProcessMemoryBytes: 0, execDenied: false, countAllocations: true });
    expect(memoryStatus()).toMatchObject({ state: 'ok', probesIdle: 0 });
    expect(allocationPins()).toHaveLength(4);
    second.close();
    set = null;
    // The kernel frees a detached program after an RCU grace period, not at once.
    await waitFor(() => adoptedIds.every((id) => !loadedProgramIds().has(id)), { what: 'the programs to be unloaded' });
  });
});
