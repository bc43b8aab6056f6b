// The helper renices every one of its threads (setpriority applies to one thread). Checked on a real child process:
// a thread created before the call must end up at the new nice value too.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseNice } from '../../../src/helper/system/priority.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

describe('parseNice', () => {
  it('takes integers from -20 to 19', () => {
    expect(parseNice('-10')).toBe(-10);
    expect(parseNice('19')).toBe(19);
    expect(parseNice('0')).toBe(0);
  });

  it.each(['', ' ', '-21', '20', '1.5', 'high'])('refuses %j with the allowed range', (text) => {
    expect(() => parseNice(text)).toThrow(/from -20 to 19/);
  });
});

describe.runIf(isRoot)('setProcessNice', () => {
  it('moves every thread of the process, not only the caller', async () => {
    const script = `
      import { readdirSync, readFileSync } from 'node:fs';
      import { Worker } from 'node:worker_threads';
      import { setProcessNice } from './src/helper/system/priority.ts';
      const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
      await new Promise((resolve) => worker.once('online', resolve));
      const before = setProcessNice(-7);
      // Field 19 of /proc/<pid>/task/<tid>/stat is the nice value (after the parenthesised comm).
      const nices = readdirSync('/proc/self/task').map((tid) =>
        Number(readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]));
      console.log(JSON.stringify({ before, nices }));
      await worker.terminate();
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    const { before, nices } = JSON.parse(stdout) as { before: number; nices: number[] };
    expect(Number.isInteger(before)).toBe(true);
    expect(nices.length).toBeGreaterThan(3); // main, the worker, V8 and libuv threads
    expect(new Set(nices)).toEqual(new Set([-7]));
  });
});
