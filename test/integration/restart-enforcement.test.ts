// Enforcement across a helper restart, on the real kernel: the helper runs as a real process with its pins under a
// test pin dir, a real child account keeps starting programs that go just over its memory limit, and the helper is
// stopped (keeping its programs attached), left stopped for a few seconds, and started again. Every allocator is
// killed — also while no helper runs — the new helper takes the pins over and reads what happened meanwhile, and
// the network limiter keeps the child's upload to its limit through the gap. What the old helper had written and the
// database no longer asks for (a profile deleted while no helper ran, a blocked program's copy) is lifted.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelperClient } from '../../src/shared/client/helper-client.js';
import type { ProcessEventRow } from '../../src/shared/event-rows.js';
import type { Profile } from '../../src/shared/model.js';
import { createTestAccount, removeTestAccount, runAs, waitFor, type RunResult, type TestAccount } from '../support/accounts.js';
import {
  connectWhenReady,
  loadedProgramIds,
  pinnedProgramIds,
  pinsUnder,
  spawnHelper,
  type HelperProcess,
} from '../support/helper-child.js';
import { BPF_OBJECT_DIR, kernelTestsEnabled } from '../support/kernel.js';

const execFileAsync = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const CHILD = 'dots-test-restart';
const GONE_CHILD = 'dots-test-restart-gone';
const LIMIT_MB = 100;
const UPLOAD_LIMIT_MBPS = 8; // 1,000,000 bytes/s
/** How long no helper runs, at least. */
const GAP_MS = 4000;

// Run as the child, one allocator after another until a stop file appears; one line per allocator:
// "<start ms> <end ms> <exit status> <pid>". Perl's "a" x N builds the string and copies it into $x: about 2 × N
// bytes resident (120 MB here), just over the 100 MB limit.
const LOOP = `#!/bin/sh
while [ ! -e "$1/stop" ]; do
  start=$(date +%s%3N)
  perl -e '$x = "a" x 60e6; print "survived\\n"' >/dev/null &
  pid=$!
  wait $pid
  status=$?
  echo "$start $(date +%s%3N) $status $pid" >>"$1/runs.log"
done
`;

// Run as the child with node: sends to the loopback server as fast as the socket takes it, for `ms`.
const UPLOADER = `
  import net from 'node:net';
  const [port, ms] = process.argv.slice(2).map(Number);
  const socket = net.connect({ host: '127.0.0.1', port });
  const chunk = Buffer.alloc(64 * 1024, 5);
  const pump = () => { while (socket.write(chunk)); };
  socket.on('connect', pump);
  socket.on('drain', pump);
  socket.on('error', () => process.exit(0));
  setTimeout(() => process.exit(0), ms);
`;

interface AllocatorRun {
  startMs: number;
  endMs: number;
  status: number;
  pid: number;
}

/** Bytes per second the server received from the child between 0.5 s (the bucket's burst spent) and 2.5 s. */
async function measureUpload(child: TestAccount, uploader: string): Promise<number> {
  const arrivals: Array<[number, number]> = [];
  const server = net.createServer((socket) => {
    socket.on('data', (d) => arrivals.push([performance.now(), d.length]));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as net.AddressInfo).port;
    await runAs(child, process.execPath, [uploader, String(port), '3500'], { timeoutMs: 20_000 });
  } finally {
    server.close();
  }
  expect(arrivals.length).toBeGreaterThan(0);
  const first = arrivals[0]![0];
  const bytes = arrivals.filter(([t]) => t - first >= 500 && t - first < 2500).reduce((n, [, b]) => n + b, 0);
  return bytes / 2;
}

describe.skipIf(!kernelTestsEnabled())('enforcement across a helper restart', () => {
  let dir: string;
  let workDir: string;
  let pinDir: string;
  let child: TestAccount;
  let goneChild: TestAccount;
  let game: string;
  let gameCopy: string;
  let helper: HelperProcess | null = null;
  let client: HelperClient | null = null;
  let profile: Profile;
  let runs: AllocatorRun[] = [];
  /** Probes the monitors attached after the restart (from monitors.list). */
  let monitorProbes = 0;
  const gap = { fromMs: 0, toMs: 0 };
  let uploadDuringGapBytesPerSecond = 0;

  const socketPath = () => path.join(dir, 'helper.sock');
  const start = async () => {
    helper = spawnHelper(process.execPath, [
      '--import', 'tsx', path.join(REPO, 'src/helper/cli.ts'),
      '--db', path.join(dir, 'dots.db'),
      '--socket', socketPath(),
      '--bpf-dir', BPF_OBJECT_DIR,
      '--pin-dir', pinDir,
      '--keep-attached-on-exit',
    ]);
    client = await connectWhenReady(socketPath(), helper);
  };
  const stop = async () => {
    await client?.close();
    client = null;
    const code = await helper?.stop();
    helper = null;
    return code;
  };
  const stopAndDetach = async () =>
    (
      await execFileAsync(
        process.execPath,
        ['--import', 'tsx', 'src/helper/cli.ts', '--socket', socketPath(), '--pin-dir', pinDir, '--stop-and-detach'],
        { cwd: REPO, encoding: 'utf8' },
      )
    ).stdout;

  beforeAll(async () => {
    child = createTestAccount(CHILD);
    goneChild = createTestAccount(GONE_CHILD);
    dir = mkdtempSync('/tmp/dots-restart-');
    chmodSync(dir, 0o755);
    workDir = mkdtempSync('/var/tmp/dots-restart-work-');
    chmodSync(workDir, 0o777);
    writeFileSync(path.join(workDir, 'loop.sh'), LOOP, { mode: 0o755 });
    writeFileSync(path.join(workDir, 'upload.mjs'), UPLOADER, { mode: 0o644 });
    // A "game" to block, and a copy of it (another file, same content) that the helper identifies by its hash.
    game = path.join(workDir, 'game');
    gameCopy = path.join(workDir, 'game-copy');
    copyFileSync('/bin/true', game);
    copyFileSync('/bin/true', gameCopy);
    chmodSync(game, 0o755);
    chmodSync(gameCopy, 0o755);
    pinDir = `/sys/fs/bpf/dots-test-restart-${process.pid}`;
    await start();
  });

  afterAll(async () => {
    await stop();
    if (pinDir) await stopAndDetach();
    rmSync(dir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
    removeTestAccount(CHILD);
    removeTestAccount(GONE_CHILD);
  });

  it('pins the monitors, the limiter and WATCHED_UIDS under the pin dir', async () => {
    profile = await client!.call('profiles.create', { name: 'Sam', usernames: [CHILD] });
    await client!.call('limits.set', {
      profile: 'Sam',
      limits: {
        memory: { max_allocation_mb: null, max_process_memory_mb: LIMIT_MB },
        network: { max_upload_mbps: UPLOAD_LIMIT_MBPS, max_download_mbps: null },
      },
    });
    await client!.call('apps.block', { profile: 'Sam', app: game });
    // The copy is held at exec, hashed by the helper and killed; its identity joins the kernel's BLOCKED_EXES.
    expect((await runAs(child, gameCopy, [])).signal).toBe('SIGKILL');
    await client!.call('profiles.create', { name: 'Gone', usernames: [GONE_CHILD] });

    const pins = pinsUnder(pinDir).map((p) => path.relative(pinDir, p));
    for (const object of ['process-monitor', 'filesystem-monitor', 'network-monitor', 'memory-monitor', 'disk-io-monitor']) {
      expect(pins.some((p) => p.startsWith(`${object}@`) && p.includes('/link_')), object).toBe(true);
    }
    expect(pins.filter((p) => p.startsWith('network-limiter@') && p.includes('/link_'))).toHaveLength(2);
    expect(pins.filter((p) => p.startsWith('WATCHED_UIDS@'))).toHaveLength(1);
  });

  it('kills every allocator over the limit while the helper restarts, also while none runs', async () => {
    const loop: Promise<RunResult> = runAs(child, '/bin/sh', [path.join(workDir, 'loop.sh'), workDir], {
      timeoutMs: 110_000,
    });
    await new Promise((r) => setTimeout(r, 2000));

    expect(await stop()).toBe(0);
    gap.fromMs = Date.now();
    // While no helper runs: a profile is deleted from the database, and the blocked game is still killed at exec.
    await execFileAsync('sqlite3', [path.join(dir, 'dots.db'), "PRAGMA foreign_keys = ON; DELETE FROM profiles WHERE name = 'Gone';"]);
    expect((await runAs(child, game, [])).signal).toBe('SIGKILL');
    uploadDuringGapBytesPerSecond = await measureUpload(child, path.join(workDir, 'upload.mjs'));
    const rest = GAP_MS - (Date.now() - gap.fromMs);
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    gap.toMs = Date.now();
    await start();
    await new Promise((r) => setTimeout(r, 2000));
    writeFileSync(path.join(workDir, 'stop'), '');
    expect((await loop).code).toBe(0);

    runs = readFileSync(path.join(workDir, 'runs.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const [startMs, endMs, status, pid] = line.split(' ').map(Number);
        return { startMs: startMs!, endMs: endMs!, status: status!, pid: pid! };
      });
    const inGap = runs.filter((r) => r.startMs >= gap.fromMs && r.endMs <= gap.toMs);
    const survivors = runs.filter((r) => r.status !== 128 + 9);
    console.log(
      `${runs.length} allocators, ${inGap.length} entirely while no helper ran (${gap.toMs - gap.fromMs} ms); ` +
        `${runs.length - survivors.length} SIGKILLed, ${survivors.length} not`,
    );
    expect(survivors).toEqual([]);
    expect(inGap.length).toBeGreaterThanOrEqual(3);
  });

  it('holds the child to its upload limit while no helper runs', () => {
    const limit = (UPLOAD_LIMIT_MBPS * 1e6) / 8;
    console.log(`upload while no helper ran: ${(uploadDuringGapBytesPerSecond / 1e6).toFixed(2)} MB/s, limit 1 MB/s`);
    expect(uploadDuringGapBytesPerSecond).toBeGreaterThan(0);
    expect(uploadDuringGapBytesPerSecond).toBeLessThan(limit * 1.3);
  });

  it('the new helper took the programs over and stored the kills made while none ran', async () => {
    const again = await client!.call('profiles.get', { profile: 'Sam' });
    expect(again).toMatchObject({ id: profile.id, accounts: [{ uid: child.uid, username: CHILD }] });
    expect(again.limits.memory.max_process_memory_mb).toBe(LIMIT_MB);
    const monitors = await client!.call('monitors.list', {});
    expect(monitors.map((m) => m.state)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    monitorProbes = monitors.reduce((n, m) => n + m.probesAttached, 0);
    // A memory limit but no allocation limit: the allocation probes stay idle.
    expect(helper!.output()).toMatch(/memory-monitor: ok, 3\/7 probes \(4 idle\) \(taken over from the previous helper/);
    expect(helper!.output()).toMatch(/took over the previous helper's limiter \(2 links, 1 limits\)/);

    // The exits of the gap's allocators were written to the pinned ring buffer and read by this helper.
    const gapPids = new Set(runs.filter((r) => r.startMs >= gap.fromMs && r.endMs <= gap.toMs).map((r) => r.pid));
    const stored = await waitFor(
      async () => {
        const { rows } = await client!.call('events.query', {
          profile: 'Sam',
          table: 'process',
          sinceMs: gap.fromMs - 1000,
          limit: 10_000,
        });
        const killed = (rows as ProcessEventRow[]).filter(
          (r) => r.kind === 'exit' && r.exitSignal === 9 && gapPids.has(r.pid),
        );
        return killed.length === gapPids.size ? killed : null;
      },
      { what: 'the exits of every allocator killed while no helper ran', timeoutMs: 15_000 },
    );
    expect(stored.every((r) => r.comm === 'perl')).toBe(true);
  });

  it("lifts what the old helper set and the database no longer asks for", async () => {
    expect(helper!.output()).toContain(`"unwatchedUids":[${goneChild.uid}]`);
    // The copy's identity came from the old helper; lifting the block must free it too.
    await client!.call('apps.unblock', { profile: 'Sam', app: game });
    const [original, copy] = [await runAs(child, game, []), await runAs(child, gameCopy, [])];
    expect([original.signal, original.code]).toEqual([null, 0]);
    expect([copy.signal, copy.code]).toEqual([null, 0]);
  });

  it('--stop-and-detach stops the helper and leaves nothing of it loaded', async () => {
    const programs = pinnedProgramIds(pinDir);
    // Every attached monitor probe and the network limiter's two programs.
    expect(programs.length).toBe(monitorProbes + 2);
    const running = helper!;
    client?.close();
    client = null;
    const output = await stopAndDetach();
    helper = null;
    expect(await running.stop()).toBe(0);
    expect(output).toMatch(/stopped the helper \(pid \d+\)/);
    expect(pinsUnder(pinDir)).toEqual([]);
    // The kernel frees a detached program after an RCU grace period, not at once.
    await waitFor(() => programs.every((id) => !loadedProgramIds().has(id)), {
      what: `programs ${programs.join(', ')} to be unloaded`,
      timeoutMs: 10_000,
    });
  });
});
