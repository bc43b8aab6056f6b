import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BpfMap } from '../../../src/helper/bpf/bpf-map.js';
import { silentLogger } from '../../../src/helper/log.js';
import { BlockedApps, isExecutableFile } from '../../../src/helper/policy/blocked-apps.js';
import { CommandResolveError, SEARCH_PATH, resolveCommand } from '../../../src/helper/policy/command-path.js';

const files = (...paths: string[]) => (candidate: string) => paths.includes(candidate);

describe('resolveCommand', () => {
  it('looks a command name up in the fixed search path, first match wins', () => {
    expect(resolveCommand('game', files('/usr/bin/game', '/bin/game'))).toBe('/usr/bin/game');
    expect(resolveCommand('game', files('/usr/local/bin/game', '/usr/bin/game'))).toBe('/usr/local/bin/game');
    expect(resolveCommand('  tool ', files('/sbin/tool'))).toBe('/sbin/tool');
    expect(SEARCH_PATH).toEqual(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']);
  });

  it('takes an absolute path as it is, normalised', () => {
    expect(resolveCommand('/opt/game//bin/../bin/game', files('/opt/game/bin/game'))).toBe('/opt/game/bin/game');
  });

  it('says what is wrong with names it cannot resolve', () => {
    expect(() => resolveCommand('nothere', files())).toThrow(/command "nothere" not found in \/usr\/local\/sbin:/);
    expect(() => resolveCommand('./game', files('./game'))).toThrow(/relative path/);
    expect(() => resolveCommand('bin/game', files())).toThrow(CommandResolveError);
    expect(() => resolveCommand('/opt/missing', files())).toThrow(/\/opt\/missing is not an executable file/);
    expect(() => resolveCommand('   ', files())).toThrow(/no program given/);
  });

  it('resolves a real command on this system', () => {
    const found = resolveCommand('sleep', isExecutableFile);
    expect(SEARCH_PATH.some((dir) => found === `${dir}/sleep`)).toBe(true);
    expect(isExecutableFile('/etc/passwd')).toBe(false);
    expect(isExecutableFile('/usr/bin')).toBe(false);
  });

  it("resolves what a parent typed to the real file's path, size and content hash", async () => {
    const apps = new BlockedApps({ blockedExes: {} as BpfMap, blockedSizes: {} as BpfMap }, { log: silentLogger });
    const app = await apps.resolve('sleep');
    const real = realpathSync(resolveCommand('sleep', isExecutableFile));
    const content = readFileSync(real);
    expect(app).toEqual({
      name: 'sleep',
      path: real,
      sizeBytes: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
    });
  });
});
