// `dots-family-ctl --help | head`: when the reader closes the pipe early the CLI stops quietly with its exit code.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

const CLI_MAIN = path.resolve(import.meta.dirname, '../../../src/cli/main.ts');

it('exits 0 without a stack trace when stdout is closed early', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  // Close our end before the CLI writes, as a `head` that has already exited would have.
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(stderr).not.toMatch(/EPIPE|Unhandled/);
  expect(code).toBe(0);
});
