// Network: iperf3 over loopback (127.0.0.1 only), server and client as the same account, so the whole flow is that
// account's: watched (the network monitor counts it) or unwatched (the probes still run, and must cost nothing).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import type { TestAccount } from '../../support/accounts.js';
import { waitFor } from '../../support/accounts.js';
import { WorkloadError, parseJsonOutput, runChecked, startAs } from './exec.js';

export interface NetResult {
  bitsPerSecond: number;
}

interface IperfOutput {
  end?: { sum_received?: { bits_per_second?: number } };
  error?: string;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** true once something listens on 127.0.0.1:port (read from /proc, so probing does not use up iperf3's one client). */
function listening(port: number): boolean {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .some((line) => {
      const cols = line.trim().split(/\s+/);
      return cols[1] === local && cols[3] === '0A';
    });
}

export async function runIperf3Loopback(
  account: TestAccount,
  { seconds, bitrate }: { seconds: number; bitrate?: string },
): Promise<NetResult> {
  const port = await freePort();
  const server = startAs(account, 'iperf3', ['-s', '-1', '-B', '127.0.0.1', '-p', String(port)]);
  try {
    await waitFor(() => listening(port) || server.exitCode !== null, { timeoutMs: 10_000, what: `iperf3 server on ${port}` });
    if (server.exitCode !== null) throw new WorkloadError(`iperf3 server exited ${server.exitCode} before listening`);
    const args = ['-c', '127.0.0.1', '-p', String(port), '-t', String(seconds), '-J'];
    // Client on CPU 0, server on CPU 1: left to the scheduler, the two wander and the throughput of identical
    // runs spreads by ±10 % on a 2-CPU VM; pinned, by ±1.5 %, small enough to see a 2 % target.
    if (os.cpus().length >= 2) args.push('-A', '0,1');
    if (bitrate) args.push('-b', bitrate);
    const stdout = await runChecked(account, 'iperf3', args, { timeoutMs: (seconds + 30) * 1000 });
    const output = parseJsonOutput<IperfOutput>(stdout, 'iperf3');
    const bps = output.end?.sum_received?.bits_per_second;
    if (!bps) throw new WorkloadError(`iperf3 reported no throughput${output.error ? `: ${output.error}` : ''}`);
    return { bitsPerSecond: bps };
  } finally {
    server.kill();
  }
}
