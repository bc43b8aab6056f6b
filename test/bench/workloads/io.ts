// I/O: sequential 1 MiB writes with O_DIRECT on the root filesystem, so every write is a block request that the
// disk-io monitor tracks from queue to completion (PENDING_IO, one ring-buffer record per request). Run as the
// watched child in the monitored case: that is the costly path.
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { TestAccount } from '../../support/accounts.js';
import { WorkloadError, parseJsonOutput, runChecked } from './exec.js';

export interface IoResult {
  writeBytesPerSecond: number;
  writeIops: number;
}

interface FioOutput {
  jobs?: Array<{ write?: { bw_bytes?: number; iops?: number } }>;
}

export async function runFioSequentialWrite(
  account: TestAccount,
  {
    dir,
    fileBytes,
    seconds,
    rateBytesPerSecond,
  }: { dir: string; fileBytes: number; seconds: number; /** a cap, for the soak's steady load */ rateBytesPerSecond?: number },
): Promise<IoResult> {
  const file = path.join(dir, `fio-seqwr-${account.name}.dat`);
  const args = [
    '--name=seqwr',
    '--rw=write',
    '--bs=1M',
    '--direct=1',
    '--ioengine=psync',
    `--size=${fileBytes}`,
    // Loops over the file for a fixed time, so a fast and a slow disk both give a stable number.
    '--time_based',
    `--runtime=${seconds}s`,
    `--filename=${file}`,
    '--output-format=json',
  ];
  if (rateBytesPerSecond) args.push(`--rate=${rateBytesPerSecond}`);
  try {
    const stdout = await runChecked(account, 'fio', args, { timeoutMs: (seconds + 60) * 1000, cwd: dir });
    const job = parseJsonOutput<FioOutput>(stdout, 'fio').jobs?.[0]?.write;
    if (!job?.bw_bytes) throw new WorkloadError(`fio reported no write bandwidth: ${stdout.slice(0, 300)}`);
    return { writeBytesPerSecond: job.bw_bytes, writeIops: job.iops ?? 0 };
  } finally {
    rmSync(file, { force: true });
  }
}
