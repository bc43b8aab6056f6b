// The command line in-process, without a helper: what fails before anything is sent, and what a missing helper
// gives. (test/integration/cli-*.test.ts run the real program against a real helper.)
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/commands/common.js';
import { run } from '../../../src/cli/program.js';

const MISSING_SOCKET = '/nonexistent-dots-test/helper.sock';

async function ctl(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    output: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    cwd: '/tmp',
    now: () => Date.now(),
    onInterrupt: () => () => {},
  };
  const code = await run(['--socket', MISSING_SOCKET, ...argv], ctx);
  return { code, stdout, stderr };
}

describe('dots-family-ctl without a helper', () => {
  it('exits 2 on an unknown command, with a suggestion', async () => {
    const result = await ctl('profil', 'list');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^dots-family-ctl: unknown command 'profil'/);
    expect(result.stderr).toMatch(/Did you mean profile\?/);
  });

  it('exits 2 on an unknown option and on a missing argument', async () => {
    expect((await ctl('profile', 'list', '--frob')).code).toBe(2);
    const missing = await ctl('profile', 'set-memory-limit', 'child');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing required argument 'value'/);
  });

  it('exits 2 on 500XB before trying to reach the helper', async () => {
    const result = await ctl('profile', 'set-memory-limit', 'child', '500XB');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: "dots-family-ctl: unknown unit 'XB' in '500XB'; use B, kB, MB, GB, TB, KiB, MiB, GiB, TiB\n",
    });
  });

  it('checks params against the protocol before sending (bad profile name → 2)', async () => {
    const result = await ctl('profile', 'create', 'bad!name');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^dots-family-ctl: name: a profile name is letters/);
  });

  it('refuses to delete without --yes', async () => {
    const result = await ctl('profile', 'delete', 'child');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/add --yes to confirm/);
  });

  it('exits 3 with a hint when the helper is not running', async () => {
    const result = await ctl('profile', 'list');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`cannot reach the DOTS Family helper at ${MISSING_SOCKET} (ENOENT)`);
    expect(result.stderr).toContain(
      'hint: start it: sudo systemctl start dots-family-helper, or sudo dots-family-helper',
    );
  });

  it('prints help and the version with exit 0', async () => {
    const help = await ctl('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: dots-family-ctl/);
    expect(help.stdout).toMatch(/Exit codes:/);
    const version = await ctl('--version');
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
