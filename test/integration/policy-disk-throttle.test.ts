// Disk bandwidth throttling on the real kernel: a real child's processes are adopted into the profile's cgroup and
// dd's direct I/O is held to the limit. (cgroup v1 blkio, which this machine has, does not throttle buffered writes.)
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/helper/log.js';
import { DiskThrottle } from '../../src/helper/policy/disk-throttle.js';
import { createTestAccount, removeTestAccount, waitFor, type TestAccount } from '../support/accounts.js';
import { kernelTestsEnabled } from '../support/kernel.js';

const CHILD = 'dots-test-disk';
const PROFILE_ID = 43;
const LIMIT_BYTES_PER_SECOND = 8e6;
const MIB = 1024 * 1024;

// Run as the child: waits for a line naming a dd command, runs it (dd inherits this process's cgroup, as every
// program a child starts does) and reports how long it took.
const SESSION = `
  import { spawnSync } from 'node:child_process';
  import readline from 'node:readline';
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const args = JSON.parse(line);
    const start = performance.now();
    const run = spawnSync('dd', args, { encoding: 'utf8' });
    console.log(JSON.stringify({ ms: performance.now() - start, status: run.status, stderr: run.stderr }));
  });
`;

type Session = ChildProcessByStdio<Writable, Readable, Readable>;

function cgroupLine(pid: number, controller: string): string | undefined {
  return readFileSync(`/proc/${pid}/cgroup`, 'utf8')
    .split('\n')
    .find((l) => l.split(':')[1]?.split(',').includes(controller));
}

describe.skipIf(!kernelTestsEnabled())('disk throttle', () => {
  let child: TestAccount;
  let throttle: DiskThrottle;
  let workDir: string;
  let session: Session;
  let output = '';

  beforeAll(() => {
    child = createTestAccount(CHILD);
    workDir = mkdtempSync('/var/tmp/dots-disk-');
    chmodSync(workDir, 0o1777);
    writeFileSync(path.join(workDir, 'session.mjs'), SESSION, { mode: 0o644 });
    throttle = new DiskThrottle({ log: createLogger({ level: 'warn', scope: 'test' }) });
  });

  afterAll(() => {
    session?.kill('SIGKILL');
    throttle?.close();
    rmSync(workDir, { recursive: true, force: true });
    removeTestAccount(CHILD);
  });

  async function ddInSession(args: string[]): Promise<{ ms: number; status: number; stderr: string }> {
    const before = output.length;
    session.stdin.write(JSON.stringify(args) + '\n');
    const line = await waitFor(() => output.slice(before).split('\n').find((l) => l.startsWith('{')), {
      timeoutMs: 60_000,
      what: 'dd to finish',
    });
    return JSON.parse(line) as { ms: number; status: number; stderr: string };
  }

  it('finds the block throttle and the disk behind / and /home', () => {
    const status = throttle.start();
    // This machine has cgroup v1 blkio with throttling (and no io controller on its cgroup2 hierarchy).
    expect(existsSync('/sys/fs/cgroup/blkio/blkio.throttle.write_bps_device')).toBe(true);
    expect(status).toMatchObject({
      available: true,
      reason: null,
      backend: 'cgroup1-blkio',
      groupRoot: '/sys/fs/cgroup/blkio/dots-family',
      throttlesBufferedWrites: false,
    });
    expect(status.devices.length).toBeGreaterThan(0);
    console.log(`disk throttle: ${status.backend}, devices ${status.devices.join(' ')}`);
  });

  it("writes the limit for each device into the profile's group", () => {
    expect(throttle.setLimit(PROFILE_ID, { readBytesPerSecond: LIMIT_BYTES_PER_SECOND, writeBytesPerSecond: LIMIT_BYTES_PER_SECOND })).toEqual({ enforced: true });
    const group = throttle.cgroupOf(PROFILE_ID)!;
    const dev = throttle.status().devices[0];
    expect(readFileSync(path.join(group, 'blkio.throttle.write_bps_device'), 'utf8')).toContain(`${dev} 8000000`);
    expect(readFileSync(path.join(group, 'blkio.throttle.read_bps_device'), 'utf8')).toContain(`${dev} 8000000`);
  });

  it("adopts the child's running processes into the profile's group", async () => {
    session = spawn(process.execPath, [path.join(workDir, 'session.mjs')], {
      cwd: workDir,
      uid: child.uid,
      gid: child.gid,
      env: { PATH: '/usr/bin:/bin', HOME: '/tmp' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    session.stdout.on('data', (d) => (output += d));
    await waitFor(() => existsSync(`/proc/${session.pid}/status`), { what: 'session to start' });
    expect(throttle.adoptExisting(child.uid, PROFILE_ID)).toBeGreaterThanOrEqual(1);
    expect(cgroupLine(session.pid!, 'blkio')).toMatch(new RegExp(`:/dots-family/${PROFILE_ID}$`));
    // an account that is not the child's is left where it is
    expect(cgroupLine(process.pid, 'blkio')).toMatch(/:\/$/);
  });

  it('holds a direct-I/O write of 32 MiB at 8 MB/s', async () => {
    const file = path.join(workDir, 'direct.bin');
    const result = await ddInSession(['if=/dev/zero', `of=${file}`, 'bs=1M', 'count=32', 'oflag=direct']);
    expect(result.status, result.stderr).toBe(0);
    const rate = (32 * MIB * 1000) / result.ms;
    console.log(`dd write, oflag=direct, limit 8 MB/s: ${(rate / 1e6).toFixed(2)} MB/s in ${(result.ms / 1000).toFixed(2)} s`);
    expect(result.ms).toBeGreaterThan(3000);
    expect(rate).toBeLessThanOrEqual(LIMIT_BYTES_PER_SECOND * 1.3);
  });

  it('holds a direct-I/O read at 8 MB/s', async () => {
    const file = path.join(workDir, 'direct.bin');
    const result = await ddInSession([`if=${file}`, 'of=/dev/null', 'bs=1M', 'count=24', 'iflag=direct']);
    expect(result.status, result.stderr).toBe(0);
    const rate = (24 * MIB * 1000) / result.ms;
    console.log(`dd read, iflag=direct, limit 8 MB/s: ${(rate / 1e6).toFixed(2)} MB/s in ${(result.ms / 1000).toFixed(2)} s`);
    expect(result.ms).toBeGreaterThan(2000);
    expect(rate).toBeLessThanOrEqual(LIMIT_BYTES_PER_SECOND * 1.3);
  });

  it('adopts a single process on exec, and only for a limited profile', async () => {
    const sleeper = spawn('sleep', ['30'], { uid: child.uid, gid: child.gid, stdio: 'ignore' });
    try {
      await waitFor(() => existsSync(`/proc/${sleeper.pid}/status`), { what: 'sleep to start' });
      expect(throttle.adopt(sleeper.pid!, PROFILE_ID + 1)).toBe(false);
      expect(throttle.adopt(sleeper.pid!, PROFILE_ID)).toBe(true);
      expect(cgroupLine(sleeper.pid!, 'blkio')).toMatch(new RegExp(`:/dots-family/${PROFILE_ID}$`));
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it("lifts the limit: processes go back to the root group and the profile's group is removed", async () => {
    throttle.clear(PROFILE_ID);
    expect(existsSync(throttle.cgroupOf(PROFILE_ID)!)).toBe(false);
    expect(cgroupLine(session.pid!, 'blkio')).toMatch(/:\/$/);
    const result = await ddInSession(['if=/dev/zero', `of=${path.join(workDir, 'free.bin')}`, 'bs=1M', 'count=32', 'oflag=direct']);
    expect(result.status, result.stderr).toBe(0);
    expect((32 * MIB * 1000) / result.ms).toBeGreaterThan(LIMIT_BYTES_PER_SECOND * 2);
  });

  it('reports why when the kernel offers no block throttle', () => {
    const none = new DiskThrottle({
      log: createLogger({ level: 'error', scope: 'test' }),
      readMountinfo: () => '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n',
    });
    const status = none.start();
    expect(status).toMatchObject({ available: false, backend: null });
    expect(status.reason).toMatch(/^not available: neither cgroup2 .* nor cgroup v1 blkio is mounted/);
    expect(none.setLimit(PROFILE_ID, { readBytesPerSecond: 1e6, writeBytesPerSecond: 1e6 })).toEqual({
      enforced: false,
      reason: status.reason,
    });
    expect(none.adopt(process.pid, PROFILE_ID)).toBe(false);
  });
});
