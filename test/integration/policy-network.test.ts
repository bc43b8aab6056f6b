// The network limiter on the real kernel: a real child account downloads from and uploads to a loopback server run
// by the test, and the kernel's token buckets hold it to its limit; another account is not limited. The programs are
// attached at the cgroup2 root only while some uid has a limit (attached, they run on every packet of every user).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/helper/log.js';
import { mbpsToBytesPerSecond } from '../../src/helper/policy/limits-to-kernel.js';
import { NETWORK_LIMITER_LAYOUTS } from '../../src/helper/policy/network-limiter-layouts.js';
import { NETWORK_LIMITER_OBJECT, NetworkLimiter } from '../../src/helper/policy/network-limiter.js';
import { createTestAccount, removeTestAccount, runAs, type TestAccount } from '../support/accounts.js';
import { BPF_OBJECT_DIR, kernelTestsEnabled } from '../support/kernel.js';
import { CGROUP2_ROOT, attachedAtCgroupRoot, heldLimiterAttachments, heldLimiterProgramIds } from '../support/limiter-programs.js';

const CHILD = 'dots-test-netlim';
const OTHER = 'dots-test-netfree';
const PROFILE_ID = 41;
const LIMIT_MBPS = 10;
const MEASURE_MS = 7000;
const BOTH_ATTACHED = ['cgroup_inet_egress limit_upload', 'cgroup_inet_ingress limit_download'];

// Run as the child with process.execPath. download: counts what arrives for MEASURE ms from the first byte.
// upload: sends as fast as the socket takes it until killed.
const CLIENT = `
  import net from 'node:net';
  const [mode, port, measureMs] = process.argv.slice(2);
  const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
  if (mode === 'download') {
    let bytes = 0, first = 0;
    socket.on('data', (d) => {
      const now = performance.now();
      if (!first) first = now;
      if (now - first <= Number(measureMs)) bytes += d.length;
      else { console.log(JSON.stringify({ bytes, ms: now - first })); process.exit(0); }
    });
  } else {
    const chunk = Buffer.alloc(64 * 1024, 5);
    const pump = () => { while (socket.write(chunk)); };
    socket.on('connect', pump);
    socket.on('drain', pump);
  }
  socket.on('error', () => process.exit(0));
`;

interface Measured {
  bytes: number;
  ms: number;
  bytesPerSecond: number;
  mbps: number;
}

function measured(bytes: number, ms: number): Measured {
  const bytesPerSecond = (bytes * 1000) / ms;
  return { bytes, ms, bytesPerSecond, mbps: (bytesPerSecond * 8) / 1e6 };
}

async function listen(onConnection: (socket: net.Socket) => void): Promise<{ port: number; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe.skipIf(!kernelTestsEnabled())('network limiter', () => {
  let child: TestAccount;
  let other: TestAccount;
  let limiter: NetworkLimiter;
  let workDir: string;
  let clientFile: string;
  /** The programs start() loaded; every attach reuses them. */
  let loadedIds: number[];

  beforeAll(() => {
    child = createTestAccount(CHILD);
    other = createTestAccount(OTHER);
    workDir = mkdtempSync('/var/tmp/dots-netlim-');
    chmodSync(workDir, 0o755);
    clientFile = path.join(workDir, 'client.mjs');
    writeFileSync(clientFile, CLIENT, { mode: 0o644 });
    limiter = new NetworkLimiter({ log: createLogger({ level: 'warn', scope: 'test' }), objectDir: BPF_OBJECT_DIR });
  });

  afterAll(() => {
    limiter?.close();
    rmSync(workDir, { recursive: true, force: true });
    removeTestAccount(CHILD);
    removeTestAccount(OTHER);
  });

  /** The child downloads for MEASURE_MS; the server sends as fast as the socket takes it. */
  async function download(account: TestAccount, measureMs = MEASURE_MS): Promise<Measured> {
    const chunk = Buffer.alloc(64 * 1024, 9);
    const server = await listen((socket) => {
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk));
      };
      socket.on('drain', pump);
      pump();
    });
    try {
      const run = await runAs(account, process.execPath, [clientFile, 'download', String(server.port), String(measureMs)], {
        timeoutMs: measureMs + 20_000,
      });
      expect(run.stderr).toBe('');
      const result = JSON.parse(run.stdout) as { bytes: number; ms: number };
      return measured(result.bytes, result.ms);
    } finally {
      server.close();
    }
  }

  /** The child uploads; the server counts what arrives for MEASURE_MS from the first byte. */
  async function upload(account: TestAccount, measureMs = MEASURE_MS): Promise<Measured> {
    let resolveResult: (m: Measured) => void = () => {};
    const result = new Promise<Measured>((resolve) => (resolveResult = resolve));
    const server = await listen((socket) => {
      let bytes = 0;
      let first = 0;
      socket.on('data', (d: Buffer) => {
        const now = performance.now();
        if (!first) first = now;
        if (now - first <= measureMs) bytes += d.length;
        else resolveResult(measured(bytes, now - first));
      });
    });
    const run = runAs(account, process.execPath, [clientFile, 'upload', String(server.port), '0'], {
      timeoutMs: measureMs + 5_000,
    });
    try {
      return await result;
    } finally {
      server.close();
      await run;
    }
  }

  it('loads at start but attaches nothing while no uid is limited', () => {
    const status = limiter.start();
    expect(status).toEqual({ available: true, reason: null, cgroupRoot: CGROUP2_ROOT, attached: false });
    loadedIds = [...heldLimiterProgramIds()].sort();
    expect(loadedIds).toHaveLength(2);
    expect(heldLimiterAttachments()).toEqual([]);
  });

  it('attaches its egress and ingress programs at the cgroup2 root with the first limit', () => {
    expect(limiter.setLimit(child.uid, PROFILE_ID, null, mbpsToBytesPerSecond(LIMIT_MBPS))).toEqual({ enforced: true });
    expect(limiter.status().attached).toBe(true);
    expect(heldLimiterAttachments()).toEqual(BOTH_ATTACHED);
    const attachedIds = attachedAtCgroupRoot().map((p) => p.id);
    expect(loadedIds.every((id) => attachedIds.includes(id))).toBe(true);
  });

  it('mirrors the structs of network-limiter.bpf.c', () => {
    const dump = JSON.parse(
      execFileSync('bpftool', ['-j', 'btf', 'dump', 'file', path.join(BPF_OBJECT_DIR, NETWORK_LIMITER_OBJECT)], {
        encoding: 'utf8',
      }),
    ) as { types: Array<{ kind: string; name: string; size?: number; members?: Array<{ name: string; bits_offset: number }> }> };
    for (const layout of NETWORK_LIMITER_LAYOUTS) {
      const btf = dump.types.find((t) => t.kind === 'STRUCT' && t.name === layout.cName);
      expect(btf?.size, `sizeof(struct ${layout.cName})`).toBe(layout.size);
      expect(Object.fromEntries(layout.fields.map((f) => [f.name, f.offset]))).toEqual(
        Object.fromEntries(btf!.members!.map((m) => [m.name, m.bits_offset / 8])),
      );
    }
  });

  it(`holds a child's download to ${LIMIT_MBPS} Mbps within 15%`, async () => {
    limiter.setLimit(child.uid, PROFILE_ID, null, mbpsToBytesPerSecond(LIMIT_MBPS));
    const rate = await download(child);
    console.log(`download limited to ${LIMIT_MBPS} Mbps: ${rate.mbps.toFixed(2)} Mbps (${rate.bytes} B in ${rate.ms.toFixed(0)} ms)`);
    expect(Math.abs(rate.mbps - LIMIT_MBPS) / LIMIT_MBPS).toBeLessThan(0.15);
    const stats = limiter.stats().find((s) => s.profileId === PROFILE_ID && s.direction === 'download');
    expect(stats?.droppedPackets).toBeGreaterThan(0);
    expect(stats?.passedBytes).toBeGreaterThanOrEqual(rate.bytes);
  });

  it(`holds a child's upload to ${LIMIT_MBPS} Mbps within 15%`, async () => {
    limiter.setLimit(child.uid, PROFILE_ID, mbpsToBytesPerSecond(LIMIT_MBPS), null);
    const rate = await upload(child);
    console.log(`upload limited to ${LIMIT_MBPS} Mbps: ${rate.mbps.toFixed(2)} Mbps (${rate.bytes} B in ${rate.ms.toFixed(0)} ms)`);
    expect(Math.abs(rate.mbps - LIMIT_MBPS) / LIMIT_MBPS).toBeLessThan(0.15);
    const stats = limiter.stats().find((s) => s.profileId === PROFILE_ID && s.direction === 'upload');
    expect(stats?.droppedPackets).toBeGreaterThan(0);
  });

  it('does not limit the download direction when only upload is limited', async () => {
    const rate = await download(child, 2000);
    console.log(`download with only upload limited: ${rate.mbps.toFixed(0)} Mbps`);
    expect(rate.mbps).toBeGreaterThan(LIMIT_MBPS * 3);
  });

  it('does not limit an account that has no limit', async () => {
    limiter.setLimit(child.uid, PROFILE_ID, mbpsToBytesPerSecond(LIMIT_MBPS), mbpsToBytesPerSecond(LIMIT_MBPS));
    const down = await download(other, 2000);
    const up = await upload(other, 2000);
    console.log(`unlimited account: download ${down.mbps.toFixed(0)} Mbps, upload ${up.mbps.toFixed(0)} Mbps`);
    expect(down.mbps).toBeGreaterThan(LIMIT_MBPS * 3);
    expect(up.mbps).toBeGreaterThan(LIMIT_MBPS * 3);
  });

  it('lifts the limit when cleared, its buckets with the last uid of the profile, the programs with the last uid', async () => {
    limiter.clear(child.uid);
    expect(limiter.limitOf(child.uid)).toBeNull();
    expect(limiter.stats().filter((s) => s.profileId === PROFILE_ID)).toEqual([]);
    expect(limiter.status()).toMatchObject({ available: true, attached: false });
    expect(heldLimiterAttachments()).toEqual([]);
    expect([...heldLimiterProgramIds()].sort()).toEqual(loadedIds); // still loaded, ready to attach again
    const rate = await download(child, 2000);
    expect(rate.mbps).toBeGreaterThan(LIMIT_MBPS * 3);
  });

  it('attaches the same programs again with the next limit, and limits again', async () => {
    limiter.setLimit(child.uid, PROFILE_ID, null, mbpsToBytesPerSecond(LIMIT_MBPS));
    expect(heldLimiterAttachments()).toEqual(BOTH_ATTACHED);
    expect(attachedAtCgroupRoot().filter((p) => loadedIds.includes(p.id))).toHaveLength(2);
    const rate = await download(child);
    console.log(`download limited again: ${rate.mbps.toFixed(2)} Mbps`);
    expect(Math.abs(rate.mbps - LIMIT_MBPS) / LIMIT_MBPS).toBeLessThan(0.15);
  });

  it('detaches when the last limit is set to no rate', () => {
    expect(limiter.setLimit(child.uid, PROFILE_ID, null, null)).toEqual({ enforced: true });
    expect(limiter.limitOf(child.uid)).toBeNull();
    expect(limiter.status().attached).toBe(false);
    expect(heldLimiterAttachments()).toEqual([]);
  });

  it('detaches and unloads on close', () => {
    limiter.setLimit(child.uid, PROFILE_ID, 1_000_000, null);
    expect(heldLimiterAttachments()).toEqual(BOTH_ATTACHED);
    limiter.close();
    expect(limiter.status()).toMatchObject({ available: false, attached: false });
    expect(heldLimiterProgramIds().size).toBe(0);
    expect(attachedAtCgroupRoot().filter((p) => loadedIds.includes(p.id))).toEqual([]);
  });

  it('explains why when cgroup2 is not mounted', () => {
    const without = new NetworkLimiter({
      log: createLogger({ level: 'error', scope: 'test' }),
      objectDir: BPF_OBJECT_DIR,
      readMountinfo: () => '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n',
    });
    const status = without.start();
    expect(status).toMatchObject({ available: false, attached: false });
    expect(status.reason).toMatch(/cgroup2 is not mounted/);
    expect(without.setLimit(child.uid, PROFILE_ID, 1000, 1000)).toEqual({ enforced: false, reason: status.reason });
  });
});
