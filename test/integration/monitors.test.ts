// The five monitors on the real kernel, watching a real child account, with the seed's Phase 2 activity.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DiskIoEvent,
  FsIoSample,
  FsOpenEvent,
  MemorySample,
  NetConnectEvent,
  NetIoSample,
  ProcessExecEvent,
  ProcessExitEvent,
} from '../../src/shared/events.js';
import { createTestAccount, removeTestAccount, runAs, waitFor, type TestAccount } from '../support/accounts.js';
import { kernelTestsEnabled } from '../support/kernel.js';
import { TEST_PROFILE_ID, startMonitors, type MonitorHarness } from '../support/monitor-harness.js';

const CHILD = 'dots-test-mon';

describe.skipIf(!kernelTestsEnabled())('kernel monitors', () => {
  let child: TestAccount;
  let harness: MonitorHarness;
  let workDir: string;

  beforeAll(() => {
    child = createTestAccount(CHILD);
    workDir = mkdtempSync('/var/tmp/dots-monitors-');
    chownSync(workDir, child.uid, child.gid);
    harness = startMonitors(child);
  });

  afterAll(() => {
    harness?.close();
    rmSync(workDir, { recursive: true, force: true });
    removeTestAccount(CHILD);
  });

  const execs = () => harness.events.filter((e): e is ProcessExecEvent => e.type === 'process_exec');
  const exits = () => harness.events.filter((e): e is ProcessExitEvent => e.type === 'process_exit');

  it('attaches all five monitors on this kernel', () => {
    expect(harness.statuses.map((s) => [s.name, s.state])).toEqual([
      ['process-monitor', 'ok'],
      ['filesystem-monitor', 'ok'],
      ['network-monitor', 'ok'],
      ['memory-monitor', 'ok'],
      ['disk-io-monitor', 'ok'],
    ]);
    for (const s of harness.statuses) expect(s.probesAttached + s.probesIdle).toBe(s.probesTotal);
  });

  describe('process-monitor', () => {
    it('reports exec of ls with path, arguments, ids and parent, and its exit', async () => {
      harness.clear();
      const run = await runAs(child, 'ls', ['/']);
      expect(run.code).toBe(0);
      const exec = await waitFor(
        () => (harness.collect(), execs().find((e) => e.filename.endsWith('/ls'))),
        { what: 'exec of ls' },
      );
      expect(exec.args).toEqual(['ls', '/']);
      expect(exec.uid).toBe(child.uid);
      expect(exec.gid).toBe(child.gid);
      expect(exec.profileId).toBe(TEST_PROFILE_ID);
      expect(exec.ppid).toBe(process.pid);
      expect(exec.comm).toBe('ls');
      expect(exec.exe.ino).toBe(statSync(exec.filename).ino);
      expect(exec.enforcement).toBe('none');
      const exit = await waitFor(() => (harness.collect(), exits().find((e) => e.pid === exec.pid)), {
        what: 'exit of ls',
      });
      expect(exit.exitCode).toBe(0);
      expect(exit.exitSignal).toBe(0);
      expect(exit.lifetimeNs).toBeGreaterThan(0);
      expect(exit.lifetimeNs).toBeLessThan(10e9);
    });

    it('links `echo test | cat` to its shell and reports exit codes', async () => {
      harness.clear();
      const run = await runAs(child, '/bin/sh', ['-c', 'echo test | cat; exit 3']);
      expect(run.stdout).toBe('test\n');
      expect(run.code).toBe(3);
      const shell = await waitFor(() => (harness.collect(), execs().find((e) => e.filename === '/bin/sh')), {
        what: 'exec of sh',
      });
      expect(shell.args).toEqual(['/bin/sh', '-c', 'echo test | cat; exit 3']);
      const cat = await waitFor(() => (harness.collect(), execs().find((e) => e.comm === 'cat')), {
        what: 'exec of cat',
      });
      expect(cat.ppid).toBe(shell.pid);
      const shellExit = await waitFor(() => (harness.collect(), exits().find((e) => e.pid === shell.pid)), {
        what: 'exit of sh',
      });
      expect(shellExit.exitCode).toBe(3);
    });

    it('ignores activity of unwatched accounts', async () => {
      harness.clear();
      execFileSync('ls', ['/']);
      harness.collect();
      expect(harness.events.filter((e) => e.uid !== child.uid)).toEqual([]);
    });
  });

  describe('filesystem-monitor', () => {
    it('reports open with name and flags, byte counts, close and unlink', async () => {
      harness.clear();
      const file = path.join(workDir, 'notes.txt');
      await runAs(child, 'touch', [file]);
      await runAs(child, '/bin/sh', ['-c', `echo test > ${file}`]);
      const cat = await runAs(child, 'cat', [file]);
      expect(cat.stdout).toBe('test\n');
      await runAs(child, 'rm', [file]);

      const opens = () => harness.events.filter((e): e is FsOpenEvent => e.type === 'fs_open' && e.filename === file);
      await waitFor(() => (harness.collect(), opens().length >= 3), { what: 'three opens of the file' });
      const O_CREAT = 0o100;
      expect(opens().some((o) => o.flags & O_CREAT && o.result >= 0)).toBe(true);
      expect(opens().every((o) => o.uid === child.uid)).toBe(true);

      const execOf = (comm: string) => harness.events.find((e) => e.type === 'process_exec' && e.comm === comm);
      const ioOf = (pid: number | undefined) =>
        harness.samples.filter((s): s is FsIoSample => s.type === 'fs_io' && s.pid === pid);
      const sum = (xs: FsIoSample[], f: 'readBytes' | 'writeBytes') => xs.reduce((n, s) => n + s[f], 0);

      const shellPid = harness.events.find(
        (e) => e.type === 'process_exec' && e.filename === '/bin/sh' && e.args.includes(`echo test > ${file}`),
      )?.pid;
      await waitFor(() => (harness.collect(), sum(ioOf(shellPid), 'writeBytes') >= 5), { what: 'write bytes' });
      expect(sum(ioOf(shellPid), 'writeBytes')).toBe(5);
      const catPid = execOf('cat')?.pid;
      await waitFor(() => (harness.collect(), sum(ioOf(catPid), 'readBytes') >= 5), { what: 'read bytes' });
      expect(sum(ioOf(catPid), 'readBytes')).toBeGreaterThanOrEqual(5);

      expect(harness.events.some((e) => e.type === 'fs_close' && e.pid === catPid)).toBe(true);
      await waitFor(
        () => (harness.collect(), harness.events.find((e) => e.type === 'fs_unlink' && e.filename.endsWith('notes.txt'))),
        { what: 'unlink' },
      );
    });

    it('records a file opened in a loop once per second and still counts every open', async () => {
      harness.clear();
      const file = path.join(workDir, 'loop.txt');
      writeFileSync(file, 'x', { mode: 0o644 });
      // `: < file` is a shell builtin with a redirection: the shell itself opens and closes the file each time.
      const loop = 'i=0; while [ $i -lt 2000 ]; do : < "$0"; i=$((i+1)); done; echo $$';
      const startedMs = Date.now();
      const run = await runAs(child, '/bin/sh', ['-c', loop, file]);
      const elapsedMs = Date.now() - startedMs;
      const pid = Number(run.stdout);
      const opensCounted = () =>
        harness.samples.reduce((n, s) => n + (s.type === 'fs_io' && s.pid === pid ? (s as FsIoSample).opens : 0), 0);
      await waitFor(() => (harness.collect(), opensCounted() >= 2000), { what: '2000 opens counted' });
      const ino = statSync(file).ino;
      const records = (type: 'fs_open' | 'fs_close') =>
        harness.events.filter(
          (e) => e.pid === pid && ((e.type === 'fs_open' && e.filename === file) || (e.type === 'fs_close' && e.ino === ino)),
        ).filter((e) => e.type === type);
      expect(records('fs_open').length).toBeGreaterThanOrEqual(1);
      expect(records('fs_close').length).toBeGreaterThanOrEqual(1);
      // One per file per second: the loop takes well under the seconds this allows.
      const seconds = Math.ceil(elapsedMs / 1000) + 1;
      expect(records('fs_open').length).toBeLessThanOrEqual(seconds);
      expect(records('fs_close').length).toBeLessThanOrEqual(seconds);
    });
  });

  describe('network-monitor', () => {
    const CLIENT = `
      import net from 'node:net';
      const [host, port, sendBytes] = process.argv.slice(2);
      const socket = net.connect({ host, port: Number(port) }, () => socket.end(Buffer.alloc(Number(sendBytes), 7)));
      let received = 0;
      socket.on('data', (d) => (received += d.length));
      socket.on('close', () => { console.log(received); });
    `;

    async function transfer(host: string, sendBytes: number, replyBytes: number) {
      const clientFile = path.join(workDir, 'client.mjs');
      writeFileSync(clientFile, CLIENT, { mode: 0o644 });
      let serverReceived = 0;
      const server = net.createServer((socket) => {
        socket.on('data', (d) => (serverReceived += d.length));
        socket.on('end', () => socket.end(Buffer.alloc(replyBytes, 9)));
      });
      await new Promise<void>((resolve) => server.listen(0, host, resolve));
      const port = (server.address() as net.AddressInfo).port;
      try {
        const run = await runAs(child, process.execPath, [clientFile, host, String(port), String(sendBytes)]);
        expect(run.stderr).toBe('');
        expect(Number(run.stdout)).toBe(replyBytes);
        expect(serverReceived).toBe(sendBytes);
      } finally {
        server.close();
      }
      return port;
    }

    for (const [family, host] of [
      ['ipv4', '127.0.0.1'],
      ['ipv6', '::1'],
    ] as const) {
      it(`reports a loopback ${family} connect and the bytes sent and received within 1%`, async () => {
        harness.clear();
        const sendBytes = 8 * 1024 * 1024;
        const replyBytes = 3 * 1024 * 1024;
        const port = await transfer(host, sendBytes, replyBytes);

        const connect = await waitFor(
          () =>
            (harness.collect(),
            harness.events.find((e): e is NetConnectEvent => e.type === 'net_connect' && e.destinationPort === port)),
          { what: 'connect event' },
        );
        expect(connect.family).toBe(family);
        expect(connect.destinationAddress).toBe(host);
        expect(connect.sourceAddress).toBe(host);
        expect(connect.sourcePort).toBeGreaterThan(0);
        expect(connect.established).toBe(true);
        expect(connect.uid).toBe(child.uid);

        const totals = () => {
          const mine = harness.samples.filter((s): s is NetIoSample => s.type === 'net_io' && s.pid === connect.pid);
          return { tx: mine.reduce((n, s) => n + s.txBytes, 0), rx: mine.reduce((n, s) => n + s.rxBytes, 0) };
        };
        await waitFor(() => (harness.collect(), totals().rx >= replyBytes * 0.99), { what: 'received bytes' });
        expect(Math.abs(totals().tx - sendBytes) / sendBytes).toBeLessThan(0.01);
        expect(Math.abs(totals().rx - replyBytes) / replyBytes).toBeLessThan(0.01);
      });
    }
  });

  describe('memory-monitor', () => {
    const memoryStatus = () => harness.set.monitor('memory-monitor').status();
    const watchedChild = (countAllocations: boolean) => ({
      profileId: TEST_PROFILE_ID,
      maxProcessMemoryBytes: 0,
      execDenied: false,
      countAllocations,
    });

    it('leaves the allocation probes detached while no account has a kernel-allocation limit', () => {
      expect(memoryStatus()).toMatchObject({ state: 'ok', probesIdle: 4 });
      expect(memoryStatus().probesAttached).toBe(memoryStatus().probesTotal - 4);
      expect(memoryStatus().idleNote).toMatch(/kernel-allocation limit/);
    });

    it('sees rss rise and counts kernel allocations when a process allocates and touches 128 MB', async () => {
      harness.set.watch(child.uid, watchedChild(true));
      expect(memoryStatus()).toMatchObject({ state: 'ok', probesIdle: 0, idleNote: null });
      expect(memoryStatus().probesAttached).toBe(memoryStatus().probesTotal);
      harness.clear();
      const megabytes = 128;
      const run = await runAs(child, process.execPath, [
        '-e',
        `const b = Buffer.alloc(${megabytes} * 1024 * 1024, 1); setTimeout(() => console.log(b[12345]), 1500);`,
      ]);
      expect(run.stdout.trim()).toBe('1');
      const samples = () => harness.samples.filter((s): s is MemorySample => s.type === 'memory' && s.comm === 'node');
      const peak = await waitFor(
        () => (harness.collect(), samples().find((s) => s.peakRssBytes >= megabytes * 1024 * 1024)),
        { what: 'rss peak of 128 MB' },
      );
      expect(peak.uid).toBe(child.uid);
      expect(peak.vmsBytes).toBeGreaterThan(peak.rssBytes);
      const kmalloc = samples().reduce((n, s) => n + s.kmallocBytes, 0);
      const pages = samples().reduce((n, s) => n + s.pageAllocBytes, 0);
      expect(kmalloc).toBeGreaterThan(0);
      expect(pages).toBeGreaterThan(0);
    });

    it("counts no allocations for an account without the limit while another account's limit attaches the probes", async () => {
      const other = 65534; // nobody: only its flag matters here
      harness.set.watch(other, { ...watchedChild(false), countAllocations: true });
      harness.set.watch(child.uid, watchedChild(false));
      try {
        expect(memoryStatus().probesIdle).toBe(0);
        harness.clear();
        const run = await runAs(child, process.execPath, ['-e', 'Buffer.alloc(64 * 1024 * 1024, 1); setTimeout(() => {}, 1200)']);
        expect(run.code).toBe(0);
        const samples = () => harness.samples.filter((s): s is MemorySample => s.type === 'memory' && s.comm === 'node');
        await waitFor(() => (harness.collect(), samples().some((s) => s.final)), { what: 'final memory sample of node' });
        expect(samples().reduce((n, s) => n + s.kmallocBytes + s.pageAllocBytes, 0)).toBe(0);
      } finally {
        harness.set.unwatch(other);
      }
      expect(memoryStatus()).toMatchObject({ state: 'ok', probesIdle: 4 });
    });
  });

  describe('disk-io-monitor', () => {
    it('attributes direct writes to dd with device, bytes and latency', async () => {
      harness.clear();
      const file = path.join(workDir, 'direct.bin');
      const megabytes = 16;
      const run = await runAs(child, 'dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${megabytes}`, 'oflag=direct']);
      expect(run.code).toBe(0);
      const dd = await waitFor(() => (harness.collect(), execs().find((e) => e.comm === 'dd')), { what: 'exec of dd' });
      const writes = () =>
        harness.events.filter((e): e is DiskIoEvent => e.type === 'disk_io' && e.pid === dd.pid && e.operation === 'write');
      const bytes = () => writes().reduce((n, e) => n + e.bytes, 0);
      // Generous: under a loaded machine (CI, benchmarks) completions can trail the dd by seconds.
      await waitFor(() => (harness.collect(), bytes() >= megabytes * 1024 * 1024), {
        what: '16 MiB of disk writes',
        timeoutMs: 30_000,
      }).catch((error: Error) => {
        const status = harness.set.monitor('disk-io-monitor').status();
        throw new Error(`${error.message}; saw ${bytes()} B in ${writes().length} writes; ${JSON.stringify(status)}`);
      });
      expect(bytes()).toBe(megabytes * 1024 * 1024);

      const dev = statSync(file).dev;
      const major = (dev >> 8) & 0xfff;
      const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
      for (const w of writes()) {
        expect([w.devMajor, w.devMinor]).toEqual([major, minor]);
        expect(w.latencyNs).toBeGreaterThan(0);
        expect(w.uid).toBe(child.uid);
        expect(w.comm).toBe('dd');
      }
    });
  });
});
